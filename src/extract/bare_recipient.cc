// Failed recipients a report names by their local part alone, and the domain
// the report implies for them (see extractor_impl.h). Read only when a report
// names no failed recipient by address: the normal path never comes here.
#include <algorithm>
#include <cctype>
#include <cstring>

#include "bounce/markers.h"
#include "extract/extractor_impl.h"
#include "extract/text_util.h"

namespace ndr {
namespace internal {
namespace {

constexpr size_t kMaxLocalPart = 64;   // RFC 5321 4.5.3.1.1
constexpr size_t kMaxListLines = 64;   // lines read under one list heading

// A dotted host name (not an IP literal): what a Reporting-MTA may lend.
bool IsDomainName(std::string_view host) {
  bool letter = false;
  for (char c : host) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalpha(u) || u >= 0x80) {
      letter = true;
    } else if (!std::isdigit(u) && c != '-' && c != '.') {
      return false;
    }
  }
  size_t dot = host.find('.');
  return letter && dot != std::string_view::npos && dot > 0 && host.back() != '.';
}

}  // namespace

bool IsBareLocalPart(std::string_view token) {
  if (token.empty() || token.size() > kMaxLocalPart) return false;
  if (token.front() == '.' || token.back() == '.' || token.find("..") != std::string_view::npos) return false;
  if (token.front() == '|' || token.front() == '/') return false;
  bool letter = false;
  for (char c : token) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalpha(u) || u >= 0x80) {
      letter = true;
    } else if (!std::isdigit(u) && c != '.' && std::strchr("!#$%&'*+-/=?^_`{|}~", c) == nullptr) {
      return false;
    }
  }
  return letter;
}

std::vector<BareRecipient> FindBareRecipients(const BounceMarkers& markers, std::string_view text,
                                              size_t max_hits, bool lists_only) {
  std::vector<BareRecipient> out;
  auto take = [&](size_t begin, size_t end) {
    // The local part of a whole address ("kim@example.org") is no bare one.
    if ((end < text.size() && text[end] == '@') || (begin > 0 && text[begin - 1] == '@')) return;
    std::string_view token = text.substr(begin, end - begin);
    if (!IsBareLocalPart(token) || markers.Matches(MarkerKind::kNotLocalPart, token)) return;
    out.push_back({std::string(token), begin, end});
  };
  if (!lists_only) {
    for (const auto& [b, e] : markers.FindCaptures(MarkerKind::kBareRecipient, text)) take(b, e);
  }
  // A list under its heading: one recipient per line ("kim", "<kim>",
  // "kim:", "kim (user not found)" as GroupWise gives the reason beside it),
  // up to a blank line; lines with more words ("(reason: ...)") are about
  // the recipient above them.
  for (size_t pos : markers.FindRecipientLists(text)) {
    bool items = false;
    for (size_t n = 0; pos < text.size() && n < kMaxListLines; ++n) {
      size_t end = std::min(text.find('\n', pos), text.size());
      std::string_view line = Trim(text.substr(pos, end - pos));
      pos = end + 1;
      if (line.empty()) {
        if (items || n > 0) break;  // one blank line may stand under the heading
        continue;
      }
      items = true;
      std::string_view token = line;
      size_t paren = token.find(" (");
      if (paren != std::string_view::npos && token.back() == ')') token = Trim(token.substr(0, paren));
      if (token.empty()) continue;
      if (token.back() == ':') token.remove_suffix(1);
      if (token.size() > 2 && token.front() == '<' && token.back() == '>') token = token.substr(1, token.size() - 2);
      if (token.empty() || token.find_first_of(" \t") != std::string_view::npos) continue;
      size_t begin = static_cast<size_t>(token.data() - text.data());
      take(begin, begin + token.size());
    }
  }
  std::sort(out.begin(), out.end(), [](const BareRecipient& a, const BareRecipient& b) { return a.begin < b.begin; });
  if (out.size() > max_hits) out.resize(max_hits);
  return out;
}

LocalPartQualifier::LocalPartQualifier(const ExtractorPatterns& p, const BounceMarkers& markers,
                                       const BounceParts& parts) {
  for (std::string_view field : {"To", "Cc"}) {
    for (auto& hit : FindAddresses(p, parts.original_headers.Get(field), 32)) returned_.push_back(std::move(hit));
  }
  auto from = FindAddresses(p, parts.bounce_from, 1);
  if (!from.empty() && (markers.Matches(MarkerKind::kSystemMailbox, from[0].address) ||
                        markers.Matches(MarkerKind::kFrom, parts.bounce_from))) {
    host_ = std::string(DomainOf(from[0].address));
    return;
  }
  std::string reporting = HostFromField(parts.per_message.Get("Reporting-MTA"));
  if (IsDomainName(reporting)) {
    host_ = std::move(reporting);
    return;
  }
  // The report's own opening ("This is the mail system at host mx.example.org."),
  // all pasted text may have.
  for (const auto& [b, e] : markers.FindCaptures(MarkerKind::kReportingHost, parts.human_text)) {
    std::string_view host = std::string_view(parts.human_text).substr(b, e - b);
    if (IsDomainName(host)) {
      host_ = std::string(host);
      return;
    }
  }
}

std::string LocalPartQualifier::Qualify(std::string_view local_part) const {
  if (local_part.empty()) return {};
  for (const AddressHit& hit : returned_) {
    size_t at = hit.address.rfind('@');
    if (at != std::string::npos && IEquals(std::string_view(hit.address).substr(0, at), local_part)) {
      return hit.address;
    }
  }
  if (host_.empty()) return {};
  return std::string(local_part) + "@" + host_;
}

}  // namespace internal
}  // namespace ndr
