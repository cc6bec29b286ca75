// Failed recipients a report names by display name alone (Exchange 2000/2003:
// "Kim Lee on 3/2/2026 10:00 AM" under "did not reach the following
// recipient(s)"), whose address the returned copy's To or Cc gives ("Kim Lee
// <kim@example.org>"). Read only when a report names no failed recipient by
// address or local part: the normal path never comes here.
#include <cctype>

#include "extract/extractor_impl.h"
#include "extract/text_util.h"

namespace ndr {
namespace internal {
namespace {

constexpr size_t kMinName = 3;   // shorter names ("Al") open too many lines by chance
constexpr size_t kMaxName = 128;

// The display name written before an address in angle brackets that starts
// at `begin` of an address field ("Kim Lee <", "\"Lee, Kim\" <"); "" when
// the address has none.
std::string_view NameBefore(std::string_view field, size_t begin) {
  if (begin == 0 || field[begin - 1] != '<') return {};
  std::string_view head = Trim(field.substr(0, begin - 1));
  if (head.empty()) return {};
  if (head.back() == '"') {
    size_t open = head.rfind('"', head.size() - 2);
    if (open == std::string_view::npos || head.size() < 2) return {};
    return Trim(head.substr(open + 1, head.size() - open - 2));
  }
  size_t comma = head.find_last_of(",;>");
  return comma == std::string_view::npos ? head : Trim(head.substr(comma + 1));
}

// A name that can stand for a person: a few letters, no '@' (an address
// written as its own name says nothing more).
bool UsableName(std::string_view name) {
  if (name.size() < kMinName || name.size() > kMaxName || name.find('@') != std::string_view::npos) return false;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalpha(u) || u >= 0x80) return true;
  }
  return false;
}

// Where a line of text opens with `name` followed by the end of the line,
// blanks or ':' (never within a line: "To: Kim Lee" summarizes the original);
// npos when none does.
size_t LineOpenedBy(std::string_view text, std::string_view name) {
  for (size_t at = IFind(text, name); at != std::string_view::npos; at = IFind(text, name, at + 1)) {
    size_t start = at;
    while (start > 0 && (text[start - 1] == ' ' || text[start - 1] == '\t')) --start;
    if (start > 0 && text[start - 1] != '\n') continue;
    size_t after = at + name.size();
    if (after == text.size() || text[after] == '\n' || text[after] == '\r' || text[after] == ' ' ||
        text[after] == '\t' || text[after] == ':') {
      return at;
    }
  }
  return std::string_view::npos;
}

}  // namespace

std::vector<NamedRecipient> FindNamedRecipients(const ExtractorPatterns& p, const Headers& original,
                                                std::string_view text, size_t max_hits) {
  std::vector<NamedRecipient> out;
  for (std::string_view field : {original.Get("To"), original.Get("Cc")}) {
    for (const AddressHit& hit : FindAddresses(p, field, max_hits)) {
      if (out.size() >= max_hits) return out;
      std::string_view name = NameBefore(field, hit.begin);
      if (!UsableName(name)) continue;
      size_t at = LineOpenedBy(text, name);
      if (at != std::string_view::npos) out.push_back({hit.address, at, at + name.size()});
    }
  }
  return out;
}

}  // namespace internal
}  // namespace ndr
