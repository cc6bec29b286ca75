#include "smtp/pattern_lead.h"

#include <cctype>
#include <cstring>

#include "core/strings.h"

namespace ndr {
namespace internal {
namespace {

// Leads shorter than this occur too often to pay for a scan and an anchored
// run at each place.
constexpr size_t kMinLead = 4;

// Whether the pattern has a '|' outside any group or class.
bool HasTopLevelAlternative(std::string_view pattern) {
  int depth = 0;
  bool in_class = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\') {
      ++i;
    } else if (in_class) {
      if (c == ']') in_class = false;
    } else if (c == '[') {
      in_class = true;
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') ++i;  // "[]...]": the ']' is a member
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (c == '|' && depth == 0) {
      return true;
    }
  }
  return false;
}

bool IsQuantifier(char c) { return c == '?' || c == '*' || c == '+' || c == '{'; }

}  // namespace

PatternLead LeadOf(std::string_view pattern) {
  PatternLead lead;
  if (HasTopLevelAlternative(pattern)) return lead;
  std::string words;
  size_t i = 0;
  while (i < pattern.size()) {
    char c = pattern[i];
    size_t next = i + 1;
    if (c == '\\') {
      // An escaped punctuation character is itself; "\b", "\S", "\x41"... are not plain words.
      if (next >= pattern.size()) break;
      c = pattern[next];
      if (!std::ispunct(static_cast<unsigned char>(c))) break;
      ++next;
    } else if (static_cast<unsigned char>(c) >= 0x80 || std::strchr(".[]()|^$?*+{}", c) != nullptr) {
      break;
    }
    // A quantified character ("s?", "-{3,}") may be absent or repeated: the lead stops before it.
    if (next < pattern.size() && IsQuantifier(pattern[next])) break;
    words += AsciiLower(c);
    i = next;
  }
  if (words.size() < kMinLead) return lead;
  lead.whole = i == pattern.size();
  lead.words = std::move(words);
  return lead;
}

bool MatchFromLead(const RE2& re, const PatternLead& lead, std::string_view text, size_t from, bool ascii,
                   re2::StringPiece* match, int n) {
  const re2::StringPiece input(text.data(), text.size());
  if (lead.words.empty() || !ascii) return re.Match(input, from, text.size(), RE2::UNANCHORED, match, n);
  // Every match begins with the lead: the first place where the pattern
  // matches, anchored, is where RE2's leftmost match begins, and anchored
  // it gives the same words and groups there.
  for (size_t at = IFind(text, lead.words, from); at != std::string_view::npos; at = IFind(text, lead.words, at + 1)) {
    if (lead.whole) {
      if (n > 0) match[0] = re2::StringPiece(text.data() + at, lead.words.size());
      return true;
    }
    if (re.Match(input, at, text.size(), RE2::ANCHOR_START, match, n)) return true;
  }
  return false;
}

}  // namespace internal
}  // namespace ndr
