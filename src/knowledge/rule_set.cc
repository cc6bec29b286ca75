#include "knowledge/rule_set.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

#include <re2/filtered_re2.h>
#include <re2/re2.h>
#include <re2/set.h>

#include "core/strings.h"
#include "knowledge/match_starts.h"
#include "knowledge/prefilter_plans.h"
#include "knowledge/word_finder.h"

namespace ndr {
namespace internal {
namespace {

// Every ndr pattern: case-insensitive, UTF-8, never logs, no capture groups
// (FirstMatch needs only the whole match; Add keeps them when asked).
// `max_mem` bounds one automaton: the word pass gets room to spare, each
// pattern RE2's default 8 MB (a DFA that runs out of it falls back to RE2's
// NFA: slower, never a wrong answer).
RE2::Options PatternOptions(int64_t max_mem) {
  RE2::Options options;
  options.set_case_sensitive(false);
  options.set_log_errors(false);
  options.set_max_mem(max_mem);
  options.set_never_capture(true);
  return options;
}
// The options `pattern` is compiled with to match ASCII texts: bytes
// (Latin-1) when it can (see MatchableAsBytes).
RE2::Options AsciiTextOptions(std::string_view pattern, int64_t max_mem) {
  RE2::Options options = PatternOptions(max_mem);
  if (MatchableAsBytes(pattern)) options.set_encoding(RE2::Options::EncodingLatin1);
  return options;
}
constexpr int64_t kWordPassMemory = 64 << 20;
constexpr int64_t kPatternMemory = 8 << 20;
// Words shorter than this are not worth a filter: a pattern made only of
// them is simply always run. Two, not three: "##" (Exchange's reply
// wrapper) and "--" headings then filter their rows, which otherwise ran
// on every text (3.5 % fewer instructions per message, measured).
constexpr int kMinAtomLength = 2;
// Words found in one text that fit without growing the list.
constexpr size_t kPresentRoom = 32;

// The part of `text` (which holds a byte >= 0x80) that a match holding such
// bytes, with fewer than `reach` bytes before its first and after its last,
// can lie in: from `reach` bytes before the text's first such byte to `reach`
// bytes after its last.
re2::StringPiece NearHighBytes(std::string_view text, size_t reach) {
  const size_t first = AsciiPrefix(text);
  size_t last = text.size();
  while (last > first && static_cast<unsigned char>(text[last - 1]) < 0x80) --last;
  const size_t begin = first > reach ? first - reach : 0;
  const size_t end = std::min(text.size(), last + reach);
  return re2::StringPiece(text.data() + begin, end - begin);
}

// `pattern` alone in a FilteredRE2 (which compiles it), or null with *error.
std::unique_ptr<re2::FilteredRE2> FilteredPattern(std::string_view pattern, const RE2::Options& options,
                                                  std::string* error) {
  auto filtered = std::make_unique<re2::FilteredRE2>(kMinAtomLength);
  int index = -1;
  const re2::StringPiece piece(pattern.data(), pattern.size());
  if (filtered->Add(piece, options, &index) != RE2::NoError) {
    // Only a bad pattern gets here: compile it once more for RE2's words.
    RE2 bad(piece, options);
    *error = bad.error().empty() ? "pattern does not compile" : bad.error();
    return nullptr;
  }
  return filtered;
}

}  // namespace

bool MatchableAsBytes(std::string_view pattern) {
  return IsAscii(pattern) && pattern.find("\\p") == std::string_view::npos &&
         pattern.find("\\P") == std::string_view::npos && pattern.find("\\x{") == std::string_view::npos;
}

// Matching is two steps, with the same answer as one RE2::Set over all
// patterns: RE2's prefilter (FilteredRE2) reduces each pattern to literal
// words ("atoms") that any text it matches must hold; one small RE2::Set of
// those words finds the ones present, and only the patterns they allow are
// then run, each on its own. Why not one big RE2::Set: its DFA states hold a
// thread for every pattern, so nearly every byte of new text is a new state
// and a cache miss (measured ~150 ns a byte over reason_rules.tsv); the set of
// plain words has a smaller automaton, and few patterns survive it.
// The words are found by WordFinder in ASCII texts (nearly all), in every
// set: an automaton's states are scattered in memory, and a scan that moves
// from message to message finds them out of cache, so a DFA pass waits on
// memory at nearly every byte (perf: most of RE2's search loop is two loads
// of the next state), even for a set of 60 words matched on every message.
// WordFinder's tables are small and its lookups do not wait on one another.
// Measured: the big generic set's word pass ~30 % less time in `ndr scan`;
// the sets of 59 to 392 words too, ~8 % less time per message on the
// corpus, at 3 % more instructions. WordFinder finds the ASCII words in
// other texts too; the words with a byte >= 0x80 (phrases in other
// languages: 32 to 250 words in the three sets that have them), which need
// Unicode case folding, are then found by an RE2::Set of their own, run only
// on the part of the text near its bytes >= 0x80 (a match holds one).
// Before, such texts went to the RE2::Set of every word: 4.6 % of analysis
// time in `ndr scan`. The texts WordFinder leaves (HoldsAsciiFold) keep the
// RE2::Set of every word.
struct RuleSet::Impl {
  Impl() : other_atoms(PatternOptions(kWordPassMemory), RE2::UNANCHORED) {}
  // A pattern: compiled, and its MatchStarts read, the first time a text
  // needs it (a scan's texts never reach most rows of the larger sets, and
  // both took most of start-up), or at Add when its plan is not built in
  // (a FilteredRE2 compiles it to work the plan out).
  struct Row {
    std::string source;
    RE2::Options options;  // for ASCII texts (Latin-1 when it can)
    const PrefilterPlan* built_in = nullptr;  // its plan from the build, if any
    // When not built in: the pattern alone, for its plan (Compile); its RE2.
    std::unique_ptr<re2::FilteredRE2> filtered;
    struct Ready {
      const RE2* ascii;
      MatchStarts starts;
    };
    mutable std::unique_ptr<RE2> own;
    mutable std::unique_ptr<Ready> made;
    mutable std::atomic<const Ready*> ready{nullptr};
    mutable std::once_flag once;
    const Ready& Get() const {
      if (const Ready* r = ready.load(std::memory_order_acquire)) return *r;
      std::call_once(once, [this] {
        const RE2* re = nullptr;
        if (filtered != nullptr) {
          re = &filtered->GetRE2(0);
        } else {
          own = std::make_unique<RE2>(source, options);
          re = own.get();
        }
        made = std::make_unique<Ready>(Ready{re, MatchStarts(source)});
        ready.store(made.get(), std::memory_order_release);
      });
      return *ready.load(std::memory_order_acquire);
    }
  };
  std::vector<std::unique_ptr<Row>> rows;
  // A pattern that matches as bytes (MatchableAsBytes) is compiled so, to
  // run on ASCII texts (nearly all); on the others it runs as written, in
  // UTF-8, compiled the first time such a text needs it (most never do).
  // Null for a pattern compiled in UTF-8 in the first place.
  struct Utf8Pattern {
    std::string source;
    RE2::Options options;
    std::once_flag once;
    std::unique_ptr<RE2> re;
  };
  std::vector<std::unique_ptr<Utf8Pattern>> utf8;
  const RE2& ForText(size_t index, bool ascii_text) const {
    Utf8Pattern* other = utf8[index].get();
    if (ascii_text || other == nullptr) return *rows[index]->Get().ascii;
    std::call_once(other->once, [other] { other->re = std::make_unique<RE2>(other->source, other->options); });
    return *other->re;
  }
  // The prefilter's words, once each, quoted: an RE2::Set of them all finds
  // them in the texts WordFinder leaves (a letter that folds to ASCII: rare).
  // It is compiled the first time such a text comes (about an eighth of
  // start-up went into compiling the sets of every RuleSet).
  std::vector<std::string> atom_patterns;
  size_t atom_count = 0;
  // Null when it could not be compiled (then every pattern passes the filter).
  const RE2::Set* AtomSet() const {
    std::call_once(atoms_once, [this] {
      auto set = std::make_unique<RE2::Set>(PatternOptions(kWordPassMemory), RE2::UNANCHORED);
      for (const std::string& word : atom_patterns) {
        if (set->Add(word, nullptr) < 0) return;
      }
      if (set->Compile()) atoms = std::move(set);
    });
    return atoms.get();
  }
  mutable std::once_flag atoms_once;
  mutable std::unique_ptr<RE2::Set> atoms;
  WordFinder finder;       // the same words without a byte >= 0x80
  RE2::Set other_atoms;    // the words with a byte >= 0x80 ...
  std::vector<int> other_words;  // ... and their indices among all words
  // The most characters one of them has: a match (a character of the text
  // for each of the word's) has fewer ASCII bytes than that before its
  // first byte >= 0x80 and after its last.
  size_t other_reach = 0;
  std::vector<int> all_atoms;  // 0..atom_count-1: every pattern passes the filter (when the word pass failed)
  // The prefilter, per pattern: one or more clauses, the pattern let through
  // when one of them holds; a clause holds when each of its groups has one
  // of its words present (see Compile). Clause c: pattern clause_pattern[c],
  // groups clause_start[c] .. clause_start[c + 1]; group g: words
  // group_words[group_start[g] .. group_start[g + 1]).
  std::vector<uint32_t> clause_pattern;
  std::vector<uint32_t> clause_start;
  std::vector<uint32_t> group_start;
  std::vector<uint32_t> group_words;
  // A clause is looked at only when a word of its "trigger" group is
  // present (the group whose shortest word is longest: long words are rare
  // in texts, and words such as "in" or "e " would bring up most clauses).
  // Those of word w are triggered[trigger_start[w] .. trigger_start[w + 1]).
  std::vector<uint32_t> trigger_start;
  std::vector<uint32_t> triggered;
  // A bit per word that triggers no clause and has no byte >= 0x80: the
  // WordFinder leaves it out, and PatternsGiven looks for it in the text
  // only when a triggered clause asks (lazy_text[w], its text, lower case).
  // Such words are the short ones ("no", "to", "re", "ip"; 708 of the
  // generic reason set's 2,591): with them, a third of a text's positions
  // passed the finder's first test and a fifth cost a table lookup (18 %
  // and 11 % without), for clauses that a rarer, longer word brings up.
  std::vector<uint64_t> lazy;
  std::vector<std::string> lazy_text;
  bool IsLazy(uint32_t word) const { return (lazy[word / 64] >> (word % 64)) & 1; }
  // Orders each clause's groups, and each group's words, so that the words
  // already looked for come first: a clause that fails on them (or a group
  // that holds on them) asks about no lazy word. The same clauses hold.
  void AskLazyWordsLast() {
    for (size_t c = 0; c + 1 < clause_start.size(); ++c) {
      std::vector<std::vector<uint32_t>> groups;
      for (uint32_t g = clause_start[c]; g < clause_start[c + 1]; ++g) {
        groups.emplace_back(group_words.begin() + group_start[g], group_words.begin() + group_start[g + 1]);
        std::stable_partition(groups.back().begin(), groups.back().end(),
                              [this](uint32_t w) { return !IsLazy(w); });
      }
      std::stable_partition(groups.begin(), groups.end(), [this](const std::vector<uint32_t>& words) {
        return std::none_of(words.begin(), words.end(), [this](uint32_t w) { return IsLazy(w); });
      });
      uint32_t at = group_start[clause_start[c]];
      for (size_t k = 0; k < groups.size(); ++k) {
        std::copy(groups[k].begin(), groups[k].end(), group_words.begin() + at);
        at += static_cast<uint32_t>(groups[k].size());
        group_start[clause_start[c] + k + 1] = at;
      }
    }
  }
  // A bit per pattern, set for those the prefilter lets through whatever the
  // words (patterns without a word): where each answer starts.
  std::vector<uint64_t> without_word_bits;
  std::vector<int> without_words;  // the same, as indices ascending
  // Alternatives without a word that are anchored at the start of the text
  // ("...|^[0-9]{1,3}$"): each is tested alone, which reads only the few
  // bytes it can match there, and lets its pattern through when it matches.
  // Letting the pattern through on every text instead ran the whole pattern
  // over the whole text, to miss nearly always.
  struct StartCheck {
    uint32_t pattern;
    std::unique_ptr<RE2> alternative;
  };
  std::vector<StartCheck> start_checks;

  // (lowered: as WordsIn left it.)
  std::vector<int> PatternsGiven(const std::vector<int>& words, const LoweredText& lowered,
                                 std::string_view text) const;
};

RuleSet::RuleSet() : impl_(new Impl) {}
RuleSet::~RuleSet() = default;
RuleSet::RuleSet(RuleSet&&) noexcept = default;
RuleSet& RuleSet::operator=(RuleSet&&) noexcept = default;

int RuleSet::Add(std::string_view pattern, std::string* error, Groups groups) {
  if (compiled_) {
    *error = "pattern added after Compile()";
    return -1;
  }
  auto row = std::make_unique<Impl::Row>();
  row->source = std::string(pattern);
  // (Groups change neither RE2's prefilter nor a match that asks for none.)
  row->options = AsciiTextOptions(pattern, kPatternMemory);
  row->options.set_never_capture(groups == Groups::kDrop);
  // A pattern with a built-in plan compiled when the build worked it out;
  // the others are compiled now, to be checked and to work theirs out.
  row->built_in = BuiltInPrefilterPlan(pattern);
  if (row->built_in == nullptr) {
    row->filtered = FilteredPattern(pattern, row->options, error);
    if (row->filtered == nullptr) return -1;
  }
  std::unique_ptr<Impl::Utf8Pattern> utf8;
  if (row->options.encoding() != RE2::Options::EncodingUTF8) {
    utf8 = std::make_unique<Impl::Utf8Pattern>();
    utf8->source = row->source;
    utf8->options = row->options;
    utf8->options.set_encoding(RE2::Options::EncodingUTF8);
  }
  impl_->rows.push_back(std::move(row));
  impl_->utf8.push_back(std::move(utf8));
  ++count_;
  return static_cast<int>(count_ - 1);
}

namespace {

// Whether an alternative (of a pattern without a leading flag group, so '^'
// is the start of the text) is anchored there: tested alone, it reads only
// the bytes it can match at the start.
bool AnchoredAtStart(const std::string& alternative) {
  return alternative.compare(0, 1, "^") == 0 || alternative.compare(0, 2, "\\A") == 0;
}

// RE2's prefilter of one pattern (its FilteredRE2 alone; its own words
// 0..k-1) is an and/or of words, which RE2 does not show: it only says
// whether given words let the pattern through (Passes), an answer that only
// grows with the words. Read from those answers, it becomes clauses of
// groups of words (RuleSet::Impl) that let through every text RE2's
// prefilter lets through, so no match is lost; nearly always exactly those.
// Why not one FilteredRE2 over all patterns: finding its rows for a text
// builds sparse arrays over its whole tree and walks up from every word
// (~2K instructions a call, most of a short text's pass), and it drops a
// word shared by many patterns from their conditions, so more rows pass.
class PrefilterReader {
 public:
  PrefilterReader(const re2::FilteredRE2& f, size_t words) : f_(f), words_(words) {}

  bool Passes(const std::vector<int>& given) {
    ++asked_;
    std::vector<int> rows;
    f_.AllPotentials(given, &rows);
    return !rows.empty();
  }

  // Every smallest set of words that lets the pattern through: each is a
  // clause whose groups are single words (the exact prefilter). False when
  // that asks too much (alternatives in a row multiply the sets).
  bool SmallestSets(std::vector<std::vector<int>>* sets) {
    // A word that lets the pattern through alone is a set of its own, and in
    // no other smallest set: the rest are sets of the other words (a long
    // list of alternatives is read with one question a word).
    std::vector<int> others;
    for (size_t i = 0; i < words_; ++i) {
      const std::vector<int> word = {static_cast<int>(i)};
      if (Passes(word)) {
        sets->push_back(word);
      } else {
        others.push_back(static_cast<int>(i));
      }
    }
    if (!others.empty() && !Smallest({}, others, sets)) return false;
    for (auto& c : *sets) std::sort(c.begin(), c.end());
    return true;
  }

  // Groups of words such that every text let through holds a word of each:
  // one clause, exact when the prefilter is an and of ors ("(mailbox|
  // postfach) .* (full|voll)"), a little looser otherwise. A group is a set
  // of words without all of which the pattern never passes, made as small
  // as it goes; the next is looked for among the words in none yet.
  std::vector<std::vector<int>> BlockingGroups() {
    std::vector<std::vector<int>> groups;
    std::vector<bool> grouped(words_, false);
    auto passes_without = [&](const std::vector<int>& group) {
      std::vector<int> rest;
      for (size_t w = 0; w < words_; ++w) {
        if (std::find(group.begin(), group.end(), static_cast<int>(w)) == group.end()) rest.push_back(static_cast<int>(w));
      }
      return Passes(rest);
    };
    for (;;) {
      std::vector<int> group;
      for (size_t w = 0; w < words_; ++w) {
        if (!grouped[w]) group.push_back(static_cast<int>(w));
      }
      if (group.empty() || passes_without(group)) break;
      for (size_t i = 0; i < group.size();) {
        std::vector<int> smaller = group;
        smaller.erase(smaller.begin() + static_cast<std::ptrdiff_t>(i));
        if (!passes_without(smaller)) {
          group = std::move(smaller);
        } else {
          ++i;
        }
      }
      for (int w : group) grouped[static_cast<size_t>(w)] = true;
      groups.push_back(std::move(group));
    }
    return groups;
  }

 private:
  static constexpr int kMaxAsked = 120;

  // Adds every smallest set that holds `kept` and words of `free` and lets
  // the pattern through (maybe a few that are not smallest): drop from all
  // words each one the rest can do without (one smallest set); every other
  // lacks one of its words, the first i kept and word i left out.
  bool Smallest(const std::vector<int>& kept, const std::vector<int>& free, std::vector<std::vector<int>>* sets) {
    if (asked_ > kMaxAsked) return false;
    std::vector<int> given = kept;
    given.insert(given.end(), free.begin(), free.end());
    if (!Passes(given)) return true;
    if (Passes(kept)) {
      sets->push_back(kept);
      return true;
    }
    std::vector<int> needed = free;
    for (size_t i = 0; i < needed.size();) {
      std::vector<int> without = kept;
      for (size_t j = 0; j < needed.size(); ++j) {
        if (j != i) without.push_back(needed[j]);
      }
      if (Passes(without)) {
        needed.erase(needed.begin() + static_cast<std::ptrdiff_t>(i));
      } else {
        ++i;
      }
    }
    sets->push_back(kept);
    sets->back().insert(sets->back().end(), needed.begin(), needed.end());
    std::vector<int> next_kept = kept;
    std::vector<int> rest = free;
    for (int word : needed) {
      rest.erase(std::find(rest.begin(), rest.end(), word));
      if (!Smallest(next_kept, rest, sets)) return false;
      next_kept.push_back(word);
    }
    return true;
  }

  const re2::FilteredRE2& f_;
  const size_t words_;
  int asked_ = 0;
};

// The plan of one pattern, from its FilteredRE2 alone: every smallest set
// of its words, or when those take too long, its groups; failing those,
// each top-level alternative read on its own (the pattern passes when one
// of them does; one without words and anchored at the start is tested
// alone), else the whole pattern let through.
PrefilterPlan WorkOutPlan(re2::FilteredRE2& filtered, const std::string& source) {
  PrefilterPlan plan;
  auto add_clause = [&plan](const std::vector<std::string>& own, const std::vector<std::vector<int>>& groups) {
    PrefilterStep step;
    step.kind = PrefilterStep::Kind::kClause;
    for (const std::vector<int>& group : groups) {
      step.groups.emplace_back();
      for (int w : group) step.groups.back().push_back(own[static_cast<size_t>(w)]);
    }
    plan.push_back(std::move(step));
  };
  auto start_check = [&plan](const std::string& alternative) {
    PrefilterStep step;
    step.kind = PrefilterStep::Kind::kStartCheck;
    step.alternative = alternative;
    plan.push_back(std::move(step));
  };
  auto let_through = [&plan] { plan.push_back(PrefilterStep{}); };
  // The clauses of (a part of) a pattern from its own FilteredRE2. False
  // when it is let through whatever the words.
  auto add_prefilter = [&](const re2::FilteredRE2& f, const std::vector<std::string>& own, bool split_first) {
    if (own.empty()) return false;
    PrefilterReader reader(f, own.size());
    std::vector<std::vector<int>> sets;
    if (reader.SmallestSets(&sets)) {
      for (const auto& c : sets) {
        if (c.empty()) return false;
      }
      if (sets.empty()) return false;
      for (const std::vector<int>& set : sets) {
        std::vector<std::vector<int>> singles;
        for (int w : set) singles.push_back({w});
        add_clause(own, singles);
      }
      return true;
    }
    if (split_first) return true;  // (the caller reads the alternatives)
    std::vector<std::vector<int>> groups = reader.BlockingGroups();
    if (groups.empty()) return false;
    add_clause(own, groups);
    return true;
  };
  std::vector<std::string> own;
  filtered.Compile(&own);
  const bool has_words = add_prefilter(filtered, own, true);
  if (has_words && !plan.empty()) return plan;
  std::vector<std::string> alternatives = TopLevelAlternatives(source);
  const bool flags = SetsFlags(source);
  bool whole = alternatives.size() < 2;
  for (size_t i = 0; !whole && i < alternatives.size(); ++i) {
    re2::FilteredRE2 part(kMinAtomLength);
    int index = -1;
    if (part.Add(alternatives[i], AsciiTextOptions(alternatives[i], kPatternMemory), &index) != RE2::NoError) {
      whole = true;
      break;
    }
    std::vector<std::string> part_words;
    part.Compile(&part_words);
    if (add_prefilter(part, part_words, false)) continue;
    if (!flags && AnchoredAtStart(alternatives[i])) {
      start_check(alternatives[i]);
      continue;
    }
    let_through();
  }
  if (!whole) return plan;
  if (!has_words && alternatives.size() == 1 && !flags && AnchoredAtStart(alternatives[0])) {
    start_check(alternatives[0]);
  } else if (!(has_words && add_prefilter(filtered, own, false))) {
    let_through();
  }
  return plan;
}

}  // namespace

PrefilterPlan PlanPrefilter(std::string_view pattern, std::string* error) {
  std::unique_ptr<re2::FilteredRE2> filtered = FilteredPattern(pattern, AsciiTextOptions(pattern, kPatternMemory), error);
  return filtered == nullptr ? PrefilterPlan() : WorkOutPlan(*filtered, std::string(pattern));
}

bool RuleSet::Compile(std::string* error) {
  if (compiled_) return true;
  if (count_ == 0) {
    compiled_ = true;  // nothing to match
    return true;
  }
  Impl& m = *impl_;
  std::vector<std::string> words;
  std::map<std::string, size_t> word_index;
  auto word_of = [&](const std::string& w) {
    auto [it, fresh] = word_index.emplace(w, words.size());
    if (fresh) words.push_back(w);
    return it->second;
  };
  m.clause_start.assign(1, 0);
  m.group_start.assign(1, 0);
  m.without_word_bits.assign((count_ + 63) / 64, 0);
  std::vector<std::vector<uint32_t>> triggers;  // by word: the clauses it triggers
  auto add_clause = [&](size_t pattern, const std::vector<std::vector<std::string>>& groups) {
    const uint32_t clause = static_cast<uint32_t>(m.clause_pattern.size());
    m.clause_pattern.push_back(static_cast<uint32_t>(pattern));
    size_t trigger = 0;
    size_t trigger_length = 0;
    for (size_t g = 0; g < groups.size(); ++g) {
      size_t shortest = std::string::npos;
      for (const std::string& word : groups[g]) {
        const size_t id = word_of(word);
        m.group_words.push_back(static_cast<uint32_t>(id));
        shortest = std::min(shortest, words[id].size());
      }
      m.group_start.push_back(static_cast<uint32_t>(m.group_words.size()));
      if (g == 0 || shortest > trigger_length) {
        trigger = g;
        trigger_length = shortest;
      }
    }
    m.clause_start.push_back(static_cast<uint32_t>(m.group_start.size() - 1));
    for (const std::string& word : groups[trigger]) {
      const size_t id = word_of(word);
      if (triggers.size() <= id) triggers.resize(id + 1);
      triggers[id].push_back(clause);
    }
  };
  auto let_through = [&m](size_t pattern) {
    if ((m.without_word_bits[pattern / 64] >> (pattern % 64)) & 1) return;
    m.without_word_bits[pattern / 64] |= uint64_t{1} << (pattern % 64);
    m.without_words.push_back(static_cast<int>(pattern));
  };
  for (size_t pattern = 0; pattern < count_; ++pattern) {
    Impl::Row& row = *m.rows[pattern];
    PrefilterPlan worked_out;
    if (row.built_in == nullptr) worked_out = WorkOutPlan(*row.filtered, row.source);
    const PrefilterPlan& plan = row.built_in != nullptr ? *row.built_in : worked_out;
    RecordPrefilterPlan(row.source, plan, row.built_in != nullptr);
    for (const PrefilterStep& step : plan) {
      switch (step.kind) {
        case PrefilterStep::Kind::kClause:
          add_clause(pattern, step.groups);
          break;
        case PrefilterStep::Kind::kStartCheck:
          m.start_checks.push_back({static_cast<uint32_t>(pattern),
                                    std::make_unique<RE2>(step.alternative, PatternOptions(kPatternMemory))});
          break;
        case PrefilterStep::Kind::kLetThrough:
          let_through(pattern);
          break;
      }
    }
  }
  for (size_t i = 0; i < words.size(); ++i) {
    std::string quoted = RE2::QuoteMeta(words[i]);
    if (!IsAscii(words[i])) {
      std::string why;
      if (m.other_atoms.Add(quoted, &why) < 0) {
        *error = "prefilter word does not compile: " + why;
        return false;
      }
      m.other_words.push_back(static_cast<int>(i));
      m.other_reach = std::max(m.other_reach, Utf8CharacterCount(words[i]));
    }
    m.atom_patterns.push_back(std::move(quoted));
  }
  m.atom_count = words.size();
  triggers.resize(words.size());
  m.lazy.assign((words.size() + 63) / 64, 0);
  m.lazy_text.resize(words.size());
  std::vector<std::string> eager = words;  // the words the WordFinder looks for ("" for none)
  for (size_t i = 0; i < words.size(); ++i) {
    if (!triggers[i].empty() || !IsAscii(words[i]) || words[i].find('\0') != std::string::npos) continue;
    m.lazy[i / 64] |= uint64_t{1} << (i % 64);
    m.lazy_text[i] = ToLower(eager[i]);
    eager[i].clear();
  }
  m.finder = WordFinder(eager);
  m.AskLazyWordsLast();
  if (!m.other_words.empty() && !m.other_atoms.Compile()) {
    *error = "RE2::Set::Compile failed (out of memory?)";
    return false;
  }
  m.all_atoms.resize(words.size());
  for (size_t i = 0; i < words.size(); ++i) m.all_atoms[i] = static_cast<int>(i);
  m.trigger_start.assign(1, 0);
  for (const std::vector<uint32_t>& clauses : triggers) {
    m.triggered.insert(m.triggered.end(), clauses.begin(), clauses.end());
    m.trigger_start.push_back(static_cast<uint32_t>(m.triggered.size()));
  }
  compiled_ = true;
  return true;
}

// The patterns the words present (indices into the word list) let through,
// ascending.
std::vector<int> RuleSet::Impl::PatternsGiven(const std::vector<int>& present, const LoweredText& lowered,
                                              std::string_view text) const {
  if (present.empty() && start_checks.empty()) return without_words;
  // A bit per word present, a bit per pattern let through (on the stack
  // when they fit).
  constexpr size_t kStackWords = 64;
  const size_t word_words = (atom_count + 63) / 64;
  const size_t pattern_words = without_word_bits.size();
  uint64_t stack_present[kStackWords];
  uint64_t stack_unknown[kStackWords];
  uint64_t stack_passed[kStackWords];
  std::vector<uint64_t> heap_present(word_words > kStackWords ? word_words : 0);
  std::vector<uint64_t> heap_unknown(word_words > kStackWords ? word_words : 0);
  std::vector<uint64_t> heap_passed(pattern_words > kStackWords ? pattern_words : 0);
  uint64_t* is_present = word_words > kStackWords ? heap_present.data() : stack_present;
  uint64_t* unknown = word_words > kStackWords ? heap_unknown.data() : stack_unknown;  // lazy, not looked for yet
  uint64_t* passed = pattern_words > kStackWords ? heap_passed.data() : stack_passed;
  std::fill(is_present, is_present + word_words, 0);
  for (int word : present) is_present[word / 64] |= uint64_t{1} << (word % 64);
  if (lowered.empty()) {
    std::fill(unknown, unknown + word_words, 0);
  } else {
    std::copy(lazy.begin(), lazy.end(), unknown);
  }
  std::copy(without_word_bits.begin(), without_word_bits.end(), passed);
  auto has = [&](uint32_t word) {
    const uint64_t bit = uint64_t{1} << (word % 64);
    if (unknown[word / 64] & bit) {
      unknown[word / 64] &= ~bit;
      if (lowered.Holds(lazy_text[word])) is_present[word / 64] |= bit;
    }
    return (is_present[word / 64] & bit) != 0;
  };
  for (int word : present) {
    const size_t w = static_cast<size_t>(word);
    for (uint32_t k = trigger_start[w]; k < trigger_start[w + 1]; ++k) {
      const uint32_t clause = triggered[k];
      const uint32_t pattern = clause_pattern[clause];
      if ((passed[pattern / 64] >> (pattern % 64)) & 1) continue;
      bool holds = true;
      for (uint32_t g = clause_start[clause]; holds && g < clause_start[clause + 1]; ++g) {
        bool any = false;
        for (uint32_t i = group_start[g]; !any && i < group_start[g + 1]; ++i) any = has(group_words[i]);
        holds = any;
      }
      if (holds) passed[pattern / 64] |= uint64_t{1} << (pattern % 64);
    }
  }
  // Only the patterns the words did not let through need their start tested.
  for (const StartCheck& check : start_checks) {
    const uint32_t pattern = check.pattern;
    if ((passed[pattern / 64] >> (pattern % 64)) & 1) continue;
    if (check.alternative->Match(re2::StringPiece(text.data(), text.size()), 0, text.size(), RE2::UNANCHORED, nullptr, 0)) {
      passed[pattern / 64] |= uint64_t{1} << (pattern % 64);
    }
  }
  // One allocation for the answer, not one for each doubling.
  size_t count = 0;
  for (size_t i = 0; i < pattern_words; ++i) count += static_cast<size_t>(__builtin_popcountll(passed[i]));
  std::vector<int> rows;
  rows.reserve(count);
  for (size_t i = 0; i < pattern_words; ++i) {
    for (uint64_t bits = passed[i]; bits != 0; bits &= bits - 1) {
      rows.push_back(static_cast<int>(i * 64 + static_cast<size_t>(__builtin_ctzll(bits))));
    }
  }
  return rows;
}

// The prefilter's words present in `text` (every word when the word pass
// failed, so that every pattern passes the filter).
std::vector<int> RuleSet::WordsIn(std::string_view text, LoweredText* lowered) const {
  std::vector<int> present;
  // Room for the words a text usually holds: one allocation, not one for
  // each doubling as they are found.
  present.reserve(std::min<size_t>(impl_->atom_count, kPresentRoom));
  if (impl_->atom_count == 0) return present;
  const re2::StringPiece piece(text.data(), text.size());
  RE2::Set::ErrorInfo info{RE2::Set::kNoError};
  bool high_bytes = false;
  if (!impl_->finder.FindAsciiWords(text, &present, &high_bytes, lowered)) {
    const RE2::Set* atoms = impl_->AtomSet();
    if (atoms == nullptr || (!atoms->Match(piece, &present, &info) && info.kind != RE2::Set::kNoError)) {
      // The word pass failed (its DFA out of memory, or the set did not
      // compile): run every pattern, so a failure is never "no match".
      present = impl_->all_atoms;
    }
    return present;
  }
  // The words with a byte >= 0x80 can only be in a text with one, and each
  // match holds one: none of their letters folds to ASCII (WordFinder would
  // have refused every text), so only the text near those bytes is searched.
  if (!high_bytes || impl_->other_words.empty()) return present;
  std::vector<int> others;
  if (!impl_->other_atoms.Match(NearHighBytes(text, impl_->other_reach), &others, &info)) {
    if (info.kind != RE2::Set::kNoError) {
      present = impl_->all_atoms;  // as above
      lowered->Clear();            // (every word is "present")
    }
    return present;
  }
  const size_t ascii_words = present.size();
  for (int i : others) present.push_back(impl_->other_words[static_cast<size_t>(i)]);
  std::sort(present.begin() + static_cast<std::ptrdiff_t>(ascii_words), present.end());
  std::inplace_merge(present.begin(), present.begin() + static_cast<std::ptrdiff_t>(ascii_words), present.end());
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
  LoweredText lowered;
  const std::vector<int> words = WordsIn(text, &lowered);
  for (int row : impl_->PatternsGiven(words, lowered, text)) {
    if (Matches(row, text)) hits.push_back(row);
  }
  return hits;
}

std::vector<int> RuleSet::Potentials(std::string_view text, bool* failed) const {
  std::vector<int> rows;
  if (!Ready(failed)) return rows;
  LoweredText lowered;
  const std::vector<int> words = WordsIn(text, &lowered);
  return impl_->PatternsGiven(words, lowered, text);
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

// Pattern `index` compiled for a text that is ASCII or not, or null when
// there is none to run.
const RE2* RuleSet::Pattern(int index, bool ascii_text) const {
  if (!compiled_ || index < 0 || static_cast<size_t>(index) >= count_) return nullptr;
  return &impl_->ForText(static_cast<size_t>(index), ascii_text);
}

std::string_view RuleSet::FirstMatch(int index, std::string_view text) const {
  const bool ascii = IsAscii(text);
  const RE2* re = Pattern(index, ascii);
  re2::StringPiece whole;
  if (re == nullptr || !impl_->rows[static_cast<size_t>(index)]->Get().starts.Match(*re, text, 0, ascii, &whole, 1)) {
    return {};
  }
  return std::string_view(whole.data(), whole.size());
}

const MatchStarts& RuleSet::Starts(int index) const { return impl_->rows[static_cast<size_t>(index)]->Get().starts; }

const RE2& RuleSet::Compiled(int index, bool ascii_text) const {
  const size_t i = static_cast<size_t>(index);
  if (!compiled_) return *impl_->rows[i]->Get().ascii;  // (the ASCII one, for its groups)
  return impl_->ForText(i, ascii_text);
}

bool RuleSet::Matches(int index, std::string_view text) const {
  const bool ascii = IsAscii(text);
  const RE2* re = Pattern(index, ascii);
  return re != nullptr && impl_->rows[static_cast<size_t>(index)]->Get().starts.Match(*re, text, 0, ascii, nullptr, 0);
}

}  // namespace internal
}  // namespace ndr
