// The literal words every match of a phrase pattern begins with, so that a
// search can look for them with a plain scan and run the pattern anchored
// where they occur, instead of an unanchored RE2 search.
//
// Why: a scan moves from message to message and finds every RE2 automaton out
// of cache, so each state an RE2 pass enters waits on memory. An unanchored
// search that wants the match's words runs the DFA forward to the end of the
// match and then backward to its start (a second automaton, also cold); an
// anchored search where the words begin runs only forward, and a pattern that
// is only words needs no RE2 at all.
#ifndef NDR_SRC_SMTP_PATTERN_LEAD_H_
#define NDR_SRC_SMTP_PATTERN_LEAD_H_

#include <re2/re2.h>

#include <string>
#include <string_view>

namespace ndr {
namespace internal {

struct PatternLead {
  std::string words;   // ASCII, lowered; "" when the pattern has no lead worth a search
  bool whole = false;  // the pattern is `words` and nothing else (no groups)
};

// The lead of an RE2 pattern (matched case-insensitively): its literal
// characters up to the first that is not one (a class, a group, an
// alternative, an anchor, a quantified character, a non-ASCII byte). None
// when the pattern has an alternative at its top level.
PatternLead LeadOf(std::string_view pattern);

// re.Match(text, from, text.size(), RE2::UNANCHORED, match, n)'s answer, found
// from the places of `lead` in `text` when `text` is ASCII (RE2's case
// folding matches 'k' and 's' with non-ASCII letters too, which a lowered
// compare does not). `re` is case-insensitive and is the pattern `lead` was
// taken from.
bool MatchFromLead(const RE2& re, const PatternLead& lead, std::string_view text, size_t from, bool ascii,
                   re2::StringPiece* match, int n);

}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_SMTP_PATTERN_LEAD_H_
