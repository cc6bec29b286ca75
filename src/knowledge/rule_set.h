// A compiled set of RE2 patterns matched together (a prefilter of literal
// words in one RE2::Set pass, then only the patterns those words allow; see
// rule_set.cc), with the pitfalls handled once: patterns are case-insensitive,
// compile errors are reported per pattern, Compile() is checked, and RE2 never
// logs to stderr.
//
// Build with Add() and Compile(); after that Match() is const and thread-safe.
// Each pattern's prefilter plan comes from the build when it is a built-in
// pattern (prefilter_plans.h), and the pattern is then compiled when a text
// first needs it; the plans of other patterns are worked out by Compile.
#ifndef NDR_SRC_KNOWLEDGE_RULE_SET_H_
#define NDR_SRC_KNOWLEDGE_RULE_SET_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}  // namespace re2

namespace ndr {
namespace internal {

class LoweredText;
class MatchStarts;
struct PrefilterStep;

// The plan RuleSet::Compile works out for `pattern` when it is not built in
// (see prefilter_plans.h): for the build's generator and tests. Empty, with
// *error, when the pattern does not compile.
std::vector<PrefilterStep> PlanPrefilter(std::string_view pattern, std::string* error);

// Whether a pattern can be compiled to match bytes (RE2's Latin-1 mode)
// for ASCII texts, with the same answers as in UTF-8 mode: written in ASCII,
// without Unicode classes (\p, \P) or code points (\x{...}). On an ASCII
// text, '.' or '[^;]' match one byte either way, and no letter folds to a
// non-ASCII one that could be there (UTF-8 mode folds s and k to the long s
// and the Kelvin sign too). Compiled so, a pattern is a smaller program
// with fewer byte classes: less to compile, and a DFA that fits in cache
// better (cachegrind, a one-thread scan of 6,816 bench messages: 3 % fewer
// instructions and L1 data misses; start-up 8 % fewer instructions).
bool MatchableAsBytes(std::string_view pattern);

class RuleSet {
 public:
  RuleSet();
  ~RuleSet();
  RuleSet(RuleSet&&) noexcept;
  RuleSet& operator=(RuleSet&&) noexcept;
  RuleSet(const RuleSet&) = delete;
  RuleSet& operator=(const RuleSet&) = delete;

  // Whether a pattern is compiled with its capture groups: only for a caller
  // that reads them (through Compiled), as the set's matching never asks.
  enum class Groups { kDrop, kKeep };
  // Adds a pattern (RE2 syntax, matched case-insensitively, unanchored) and
  // returns its index, or -1 with *error set when it does not parse.
  int Add(std::string_view pattern, std::string* error, Groups groups = Groups::kDrop);
  // Compiles the set; false (and *error) when RE2 runs out of memory.
  bool Compile(std::string* error);

  // Indices of the patterns that match somewhere in `text`, ascending. Empty
  // when nothing matches, the set is empty, or matching failed: then *failed
  // is set to true (when given) -- a set with patterns that was never
  // compiled -- so a failure is never "no match". (Should the prefilter's
  // pass run out of memory, every pattern is run: the answer stays exact.)
  std::vector<int> Match(std::string_view text, bool* failed = nullptr) const;

  // The rows the prefilter lets through for `text`, ascending: every row
  // Match would give, and maybe a few more (check one with FirstMatch).
  // *failed as for Match.
  std::vector<int> Potentials(std::string_view text, bool* failed = nullptr) const;

  // For callers that search each candidate themselves: the indices
  // Potentials gives (their own search says which match: asking Match first
  // would run each matching pattern twice), or every index when matching
  // failed (never "none" by failure).
  std::vector<int> Candidates(std::string_view text) const;

  // The words pattern `index` matches first in `text` (RE2's leftmost match);
  // a null view when it does not match. Searched from the words its matches
  // begin with (MatchStarts): RE2 runs anchored there, or not at all for a
  // pattern that is a finite set of words; else only RE2's DFA runs.
  std::string_view FirstMatch(int index, std::string_view text) const;
  // Whether pattern `index` matches somewhere in `text`: FirstMatch's answer
  // without its words (searched the same way; RE2, when it runs, stops at the
  // first match found and never runs backwards for where the words begin).
  bool Matches(int index, std::string_view text) const;
  // Where pattern `index`'s matches can begin: for a caller that runs the
  // pattern itself (to read its capture groups).
  const MatchStarts& Starts(int index) const;
  // Pattern `index` compiled for a text that is ASCII or not (see
  // MatchableAsBytes), for such a caller (compiling a pattern costs more
  // start-up than anything else; once is enough). Valid from Add on, while
  // the set lives; before Compile, the ASCII texts' one (for its groups).
  const re2::RE2& Compiled(int index, bool ascii_text) const;

  size_t size() const { return count_; }
  bool compiled() const { return compiled_; }

 private:
  // False when there is nothing to match; *failed set when never compiled.
  bool Ready(bool* failed) const;
  const re2::RE2* Pattern(int index, bool ascii_text) const;  // null when there is none to run
  // The prefilter's words present in `text`. When the words Impl::lazy
  // marks were not looked for, *lowered holds the text as read, for
  // PatternsGiven to look for those a clause asks about; else it stays empty.
  std::vector<int> WordsIn(std::string_view text, LoweredText* lowered) const;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  size_t count_ = 0;
  bool compiled_ = false;
};

}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_KNOWLEDGE_RULE_SET_H_
