#include "knowledge/rule_set.h"

#include <algorithm>

#include <re2/filtered_re2.h>
#include <re2/re2.h>
#include <re2/set.h>

#include "knowledge/word_finder.h"

namespace ndr {
namespace internal {
namespace {

// Every ndr pattern: case-insensitive, UTF-8, never logs, no capture groups
// (FirstMatch needs only the whole match). `max_mem` bounds one automaton:
// the word pass gets room to spare, each pattern RE2's default 8 MB (a DFA
// that runs out of it falls back to RE2's NFA: slower, never a wrong answer).
RE2::Options PatternOptions(int64_t max_mem) {
  RE2::Options options;
  options.set_case_sensitive(false);
  options.set_log_errors(false);
  options.set_max_mem(max_mem);
  options.set_never_capture(true);
  return options;
}
constexpr int64_t kWordPassMemory = 64 << 20;
constexpr int64_t kPatternMemory = 8 << 20;
// From how many prefilter words on WordFinder finds them (see below).
constexpr size_t kFinderWords = 512;

}  // namespace

// Matching is two steps, with the same answer as one RE2::Set over all
// patterns: RE2's prefilter (FilteredRE2) reduces each pattern to literal
// words ("atoms") that any text it matches must hold; one small RE2::Set of
// those words finds the ones present, and only the patterns they allow are
// then run, each on its own. Why not one big RE2::Set: its DFA states hold a
// thread for every pattern, so nearly every byte of new text is a new state
// and a cache miss (measured ~150 ns a byte over reason_rules.tsv); the set of
// plain words has a smaller automaton, and few patterns survive it.
// In a big set (reason_rules.tsv's generic rows: ~1,600 words) the words are
// found by WordFinder in ASCII texts (nearly all): RE2's automaton for so many
// words is megabytes that a scan finds out of cache on nearly every call;
// WordFinder's tables are small and its lookups do not wait on one another
// (that set's word pass took ~30 % less time in `ndr scan`, measured). So
// are the words of a set matched rarely (a vendor's rows): its automaton is
// out of cache whenever it runs (Classify on cold caches ~12 % faster for
// vendors' reports, measured). A small set matched on every message keeps
// its automaton in cache and costs fewer instructions than WordFinder: those,
// and texts with other bytes, keep the RE2::Set.
struct RuleSet::Impl {
  Impl() : filtered(kMinAtomLength), atoms(PatternOptions(kWordPassMemory), RE2::UNANCHORED) {}
  // Words shorter than this are not worth a filter: a pattern made only of
  // them is simply always run. Two, not three: "##" (Exchange's reply
  // wrapper) and "--" headings then filter their rows, which otherwise ran
  // on every text (3.5 % fewer instructions per message, measured).
  static constexpr int kMinAtomLength = 2;
  re2::FilteredRE2 filtered;
  RE2::Set atoms;          // the prefilter's words, in FilteredRE2's order
  size_t atom_count = 0;
  WordFinder finder;       // the same words, in ASCII texts (big sets only)
  std::vector<int> all_atoms;  // 0..atom_count-1: every pattern passes the filter (when the word pass failed)
  // The rows the prefilter lets through when the text holds none of its
  // words (patterns without a word), ascending: most texts hold none of a
  // small set's words, and FilteredRE2 would walk its whole tree to say so.
  std::vector<int> without_words;
};

RuleSet::RuleSet() : impl_(new Impl) {}
RuleSet::~RuleSet() = default;
RuleSet::RuleSet(RuleSet&&) noexcept = default;
RuleSet& RuleSet::operator=(RuleSet&&) noexcept = default;

int RuleSet::Add(std::string_view pattern, std::string* error) {
  if (compiled_) {
    *error = "pattern added after Compile()";
    return -1;
  }
  int index = -1;
  re2::StringPiece piece(pattern.data(), pattern.size());
  if (impl_->filtered.Add(piece, PatternOptions(kPatternMemory), &index) != RE2::NoError) {
    // Only a bad pattern gets here: compile it once more for RE2's words.
    RE2 bad(piece, PatternOptions(kPatternMemory));
    *error = bad.error().empty() ? "pattern does not compile" : bad.error();
    return -1;
  }
  ++count_;
  return index;
}

bool RuleSet::Compile(std::string* error) {
  if (compiled_) return true;
  if (count_ == 0) {
    compiled_ = true;  // nothing to match; FilteredRE2 refuses to compile empty
    return true;
  }
  std::vector<std::string> words;
  impl_->filtered.Compile(&words);
  for (const std::string& w : words) {
    std::string why;
    if (impl_->atoms.Add(RE2::QuoteMeta(w), &why) < 0) {
      *error = "prefilter word does not compile: " + why;
      return false;
    }
  }
  impl_->atom_count = words.size();
  if (words.size() >= kFinderWords || rarely_) impl_->finder = WordFinder(words);
  if (!words.empty() && !impl_->atoms.Compile()) {
    *error = "RE2::Set::Compile failed (out of memory?)";
    return false;
  }
  impl_->all_atoms.resize(words.size());
  for (size_t i = 0; i < words.size(); ++i) impl_->all_atoms[i] = static_cast<int>(i);
  impl_->filtered.AllPotentials({}, &impl_->without_words);
  std::sort(impl_->without_words.begin(), impl_->without_words.end());
  compiled_ = true;
  return true;
}

// The prefilter's words present in `text` (every word when the word pass
// failed, so that every pattern passes the filter).
std::vector<int> RuleSet::WordsIn(std::string_view text) const {
  std::vector<int> present;
  if (impl_->atom_count > 0 && !impl_->finder.Find(text, &present)) {
    RE2::Set::ErrorInfo info{RE2::Set::kNoError};
    if (!impl_->atoms.Match(re2::StringPiece(text.data(), text.size()), &present, &info) &&
        info.kind != RE2::Set::kNoError) {
      // The word pass failed (its DFA out of memory): run every pattern, so
      // a failure is never "no match".
      present = impl_->all_atoms;
    }
  }
  return present;
}

bool RuleSet::Ready(bool* failed) const {
  if (count_ == 0) return false;
  if (!compiled_) {
    // Patterns that were never compiled cannot say "no match".
    if (failed != nullptr) *failed = true;
    return false;
  }
  return true;
}

std::vector<int> RuleSet::Match(std::string_view text, bool* failed) const {
  std::vector<int> hits;
  if (!Ready(failed)) return hits;
  impl_->filtered.AllMatches(re2::StringPiece(text.data(), text.size()), WordsIn(text), &hits);
  std::sort(hits.begin(), hits.end());
  return hits;
}

std::vector<int> RuleSet::Potentials(std::string_view text, bool* failed) const {
  std::vector<int> rows;
  if (!Ready(failed)) return rows;
  std::vector<int> words = WordsIn(text);
  if (words.empty()) return impl_->without_words;
  impl_->filtered.AllPotentials(words, &rows);
  std::sort(rows.begin(), rows.end());
  return rows;
}

std::vector<int> RuleSet::Candidates(std::string_view text) const {
  bool failed = false;
  std::vector<int> hits = Potentials(text, &failed);
  if (failed) {
    hits.resize(count_);
    for (size_t i = 0; i < count_; ++i) hits[i] = static_cast<int>(i);
  }
  return hits;
}

// Pattern `index`, or null when there is none to run.
const RE2* RuleSet::Pattern(int index) const {
  if (!compiled_ || index < 0 || static_cast<size_t>(index) >= count_) return nullptr;
  return &impl_->filtered.GetRE2(index);
}

std::string_view RuleSet::FirstMatch(int index, std::string_view text) const {
  const RE2* re = Pattern(index);
  re2::StringPiece whole;
  if (re == nullptr || !re->Match(re2::StringPiece(text.data(), text.size()), 0, text.size(),
                                           RE2::UNANCHORED, &whole, 1)) {
    return {};
  }
  return std::string_view(whole.data(), whole.size());
}

bool RuleSet::Matches(int index, std::string_view text) const {
  const RE2* re = Pattern(index);
  return re != nullptr && re->Match(re2::StringPiece(text.data(), text.size()), 0, text.size(), RE2::UNANCHORED, nullptr, 0);
}

}  // namespace internal
}  // namespace ndr
