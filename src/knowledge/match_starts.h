// MatchStarts: the literal words every match of an RE2 pattern begins with,
// so that a search can find where a match may begin with a plain scan and
// run the pattern anchored there, instead of an unanchored RE2 search.
//
// Why: a scan moves from message to message and finds every RE2 automaton out
// of cache, so each state an RE2 pass enters waits on memory. An unanchored
// search that wants the match's words runs the DFA forward from the start of
// the text to the end of the match and then backward to its start (a second
// automaton, also cold); an anchored search where a match may begin runs only
// forward, over the match. A pattern that is a finite set of words (with
// '\b', '^' or '$' among them) needs no RE2 at all.
//
// The words are read from the pattern: its literal characters, the
// alternatives of a group and of the whole pattern, optional characters and
// groups ("e-?mail" begins "e-mail" or "email"), small classes ("gr[ae]y"),
// up to the first thing that is not a finite set of words. Zero-width
// assertions ('\b', '^') are stepped over: the anchored run checks them.
// Only ASCII texts are searched by words, so a non-ASCII letter of the
// pattern is a way no text takes ("r(ü|ue)ck" begins "rueck"), except the
// two RE2's case folding pairs with ASCII letters (U+212A, U+017F).
// A search may try more places than a match begins at; never fewer.
//
// Build once; Match is const and thread-safe.
#ifndef NDR_SRC_KNOWLEDGE_MATCH_STARTS_H_
#define NDR_SRC_KNOWLEDGE_MATCH_STARTS_H_

#include <re2/re2.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ndr {
namespace internal {

// The top-level alternatives of an RE2 pattern ("a(b|c)|d" -> "a(b|c)",
// "d"); the pattern alone when it has one, or a leading flag group such as
// "(?i)" (which applies to all of them).
std::vector<std::string> TopLevelAlternatives(const std::string& pattern);

// Whether a pattern sets a flag anywhere ("(?m)", "(?i:...)"; not "(?:" or
// "(?P<"): a flag set in one alternative holds in the ones after it
// ("x(?m)|^y" is multi-line at '^'), so none of its alternatives is read
// alone.
bool SetsFlags(const std::string& pattern);

class MatchStarts {
 public:
  // One way through a pattern (or through its start): its word (lowered)
  // and the zero-width assertions on the way, each at an offset of the
  // word ('b' and 'B' for \b and \B, '^' and '$' for the text's ends).
  struct Path {
    std::string word;
    std::vector<std::pair<uint32_t, char>> checks;
  };

  MatchStarts() = default;
  // The starts of `pattern`, matched case-insensitively. None (Match runs
  // RE2's own search) when a match may begin with fewer than four literal
  // bytes; no words at all when no ASCII text can match.
  explicit MatchStarts(std::string_view pattern);

  // re.Match(text, from, text.size(), RE2::UNANCHORED, match, n)'s answer.
  // `re` is `pattern` compiled case-insensitively, with RE2's default
  // leftmost-first matching (not longest_match); `ascii` says whether
  // `text` is ASCII (RE2's case folding matches 'k' and 's' with non-ASCII
  // letters too, which a lowered compare does not): only then are the
  // starts searched.
  bool Match(const RE2& re, std::string_view text, size_t from, bool ascii, re2::StringPiece* match,
             int n) const;

  // Whether a complete() pattern matches an ASCII `text`: Match's answer
  // for them, without RE2.
  bool FoundIn(std::string_view text) const;

  // False when `text` cannot hold a match, by two byte tests that spare a
  // cold RE2 call: a pattern whose every way ends with one literal
  // character and '$' ("...>$") needs a text that ends with it; one whose
  // every way begins with '^' and a word ("^on [0-9]...", a word of any
  // length) needs an ASCII text that begins with one of those words. True
  // when the tests do not apply or pass (Match runs them too).
  bool MayMatch(std::string_view text, size_t from, bool ascii) const;

  // The words of the paths, lower-cased, ascending, once each (tests).
  std::vector<std::string> words() const;
  // Whether the pattern is a finite set of words, matched without RE2 when
  // no groups are asked for.
  bool complete() const { return complete_; }

 private:
  // A path, stored flat: its word is words_[word, word + length), its checks
  // checks_[checks, checks + check_count); `next` holds its (up to) eight
  // bytes after the key, `next_mask` which of them it has.
  struct FlatPath {
    uint64_t next = 0;
    uint64_t next_mask = 0;
    uint32_t word = 0;
    uint32_t checks = 0;
    uint16_t length = 0;
    uint16_t check_count = 0;
  };
  struct Check {
    uint32_t offset;
    char kind;
  };

  // The first place at or after `from` where a path's key (its first four
  // bytes, ASCII case ignored) occurs, and the key's index; npos when none.
  size_t NextStart(std::string_view text, size_t from, size_t* group) const;
  // The length of the first path of key `group` (in RE2's order of
  // preference) whose word is at `at` and, when asked, whose checks hold
  // there; npos when none.
  size_t PathAt(std::string_view text, size_t at, size_t group, bool checks) const;
  // Whether `path`'s word is at `at` (`next`: the text's eight bytes after
  // the key, lowered), and its checks hold there when asked.
  bool Fits(const FlatPath& path, std::string_view text, size_t at, uint64_t next, bool checks) const;

  // One place in memory for all of it, read where a scan finds it out of
  // cache (each allocation a call touches is a wait on memory).
  template <typename T>
  const T* At(uint32_t offset) const {
    return reinterpret_cast<const T*>(blob_.data() + offset);
  }

  // Where each part starts in blob_ (bytes), and how many it holds:
  //  - keys: the paths' keys, ascending, once each (uint32_t);
  //  - groups: keys[k]'s paths are paths[groups[k] .. groups[k + 1]) (uint32_t);
  //  - paths: every way through the pattern when complete_, else the words
  //    every match begins with; in RE2's order of preference within a group;
  //  - checks, words: the paths' checks and words;
  //  - firsts: the keys' distinct first bytes, ascending; the keys that begin
  //    with firsts[j] are keys[first_keys[j] .. first_keys[j + 1]) (uint32_t).
  std::vector<unsigned char> blob_;
  uint32_t keys_ = 0, groups_ = 0, paths_ = 0, checks_ = 0, words_ = 0, firsts_ = 0, first_keys_ = 0;
  uint32_t key_count_ = 0, first_count_ = 0, path_count_ = 0;
  // MayMatch: the bytes a text must end with (when end_known_), and the
  // words an ASCII text must begin with (when anchored_; the paths leave
  // out ways through non-ASCII letters).
  bool end_known_ = false;
  uint64_t last_bits_[4] = {};
  bool anchored_ = false;
  // The words, each after a byte of its length, grouped by first byte (a
  // pattern such as "^,? ?(?:could not|...) (?:be )?delivered" has a hundred
  // ways, and a text begins with one byte): the words of first byte
  // lead_firsts_[k] are leads_[lead_groups_[k], lead_groups_[k + 1]). A word
  // that another one begins is left out (a text that begins with it begins
  // with the other).
  std::string leads_;
  std::string lead_firsts_;
  std::vector<uint32_t> lead_groups_;
  bool searchable_ = false;  // read: ASCII texts are searched by words
  bool complete_ = false;
  // A bit per byte a key can begin with in a text: its first byte (lowered),
  // and that letter's upper case.
  uint64_t first_bits_[4] = {};
  // The keys' first two bytes with the 0x20 bit set, once each pair, when
  // there are few (folded_pairs_), else their first bytes so when those are
  // few (folded_count_ > 0): NextStart tests sixteen places of a text at a
  // time against them (a byte of the text with that bit set equals its
  // key's when it is the key's byte in either case; a few others pass too,
  // and are looked up as before).
  static constexpr size_t kMaxFolded = 16;
  unsigned char folded_firsts_[kMaxFolded] = {};
  unsigned char folded_seconds_[kMaxFolded] = {};
  uint32_t folded_count_ = 0;
  bool folded_pairs_ = false;
  // The same bytes, each repeated sixteen times: the rows NextStart compares
  // a block of the text with (made once here, not on each call).
  alignas(16) unsigned char folded_first_rows_[kMaxFolded][16] = {};
  alignas(16) unsigned char folded_second_rows_[kMaxFolded][16] = {};
  // Unless the blocks test the keys' first two bytes (too many pairs): a
  // table of those pairs, each byte with the 0x20 bit set and cut to its low
  // six bits, row (first byte) by bit (second byte), in blob_ at pair_rows_.
  // A place the blocks (by first bytes) or the byte-by-byte loop (too many
  // of those too) let through is looked up only when its pair is there:
  // most fail it, where a first byte alone lets through most letters.
  uint32_t pair_rows_ = 0;
  bool has_pair_rows_ = false;
  static bool PairMayStart(const uint64_t* rows, const char* p) {
    const auto first = static_cast<unsigned char>(p[0]);
    const auto second = static_cast<unsigned char>(p[1]);
    return ((rows[(first | 0x20) & 63] >> ((second | 0x20) & 63)) & 1) != 0;
  }
  // Whether a key starts at text[i] (i + 4 <= text.size()): *group its index.
  bool KeyIndexAt(std::string_view text, size_t i, size_t* group) const;
};

}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_KNOWLEDGE_MATCH_STARTS_H_
