// WordFinder: which of a fixed list of literal words occur in an ASCII text,
// ASCII case ignored. RuleSet uses it for its prefilter's words, which RE2's
// FilteredRE2 computes (rule_set.cc says why not an RE2::Set there).
//
// How: every word is filed under a key: a word of two or three bytes under
// itself, a longer one under its four bytes whose first three are the
// rarest in mail text (by the bytes' shares in English text and how many
// words hold them: "lbox" of "mailbox", not "mail", whose "mai" stands in
// many texts), with the offset of the key in it. A hashed bitmap of every
// key's first three bytes (a word of two bytes sets them with every third
// byte) rules out most positions of a text (85% with first bytes for keys,
// 93% with the bytes' shares alone); hashed bitmaps of the keys of each
// length rule out most of the rest; at the others, the key is looked up and
// the words filed under it compared in full where they would start. (Keyed
// on their first four bytes, the words of a scan's texts were looked up at
// 16,890 places and found at 6,452: 1.0% more instructions per message.)
// Each test is written down for
// a chunk of positions before the next test runs, so that no branch waits
// on its outcome: a position passes at random, and the branches taken on it
// were mispredicted so often that they cost a fifth of the time (measured on
// the texts of a scan, tables in cache: 4.7 ns a byte, 3.8 without them,
// 3.5 with the three-byte bitmap, which takes 13% more instructions). The
// first test's hash is one of 16 bits that SSE2 works out for 16 positions
// in 26 instructions, its bitmap's word and bit written down for each: the
// test itself is then eight instructions a position, not fifteen (11% fewer
// instructions in the finder over a scan's texts; as many positions pass,
// and no more L1 misses). Unlike
// an automaton, the lookups of one position do not wait on those of the
// previous one, and every table is sized by the words it holds (a set of 30
// words has 64-byte bitmaps): a text that arrives when the tables are out
// of cache costs little.
//
// It finds the ASCII words (those without a byte >= 0x80), in any text but
// one holding a letter RE2's case folding pairs with an ASCII one (U+212A
// KELVIN SIGN with 'k', U+017F LONG S with 's': HoldsAsciiFold), which Find
// leaves to the caller. Elsewhere an ASCII word matches only ASCII bytes (every
// byte of a multi-byte UTF-8 character is >= 0x80; invalid UTF-8 changes
// nothing: RE2 steps over any byte). Words with a byte >= 0x80 need Unicode
// case folding: FindAsciiWords leaves them to the caller, Find steps aside
// for a text that could hold them.
//
// Build once; Find is const and thread-safe.
#ifndef NDR_SRC_KNOWLEDGE_WORD_FINDER_H_
#define NDR_SRC_KNOWLEDGE_WORD_FINDER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ndr {
namespace internal {

class LoweredText;

class WordFinder {
 public:
  // Word i of `words` is reported as i. Words with a byte >= 0x80, and empty
  // words, are never reported.
  explicit WordFinder(const std::vector<std::string>& words);
  WordFinder() = default;

  // Appends to *found the index of every word that occurs in `text`, each
  // once, ascending, and returns true; returns false (and appends nothing)
  // when it cannot answer for every word: `text` holds a letter that folds
  // to ASCII (HoldsAsciiFold), or a byte >= 0x80 while a word holds one too;
  // and always when a word holds a letter that folds to ASCII.
  bool Find(std::string_view text, std::vector<int>* found) const;

  // Find for the words without a byte >= 0x80 alone, which it answers for in
  // a text with such bytes too: the caller finds the other words, which can
  // only occur in such a text (*high_bytes says whether `text` is one).
  // False as for Find, but for the words with a byte >= 0x80.
  bool FindAsciiWords(std::string_view text, std::vector<int>* found, bool* high_bytes) const;
  // The same, reading `text` lowered into *lowered, which the caller keeps
  // to ask about other words (LoweredText::Holds); *lowered is left as it
  // was when this returns false.
  bool FindAsciiWords(std::string_view text, std::vector<int>* found, bool* high_bytes,
                      LoweredText* lowered) const;

 private:
  // Words filed under the same key: their indices and lower-cased texts.
  struct Filed {
    uint32_t bytes = 0;   // the key's bytes, little-endian
    uint32_t length = 0;  // how many: 2, 3 or 4
    uint32_t first = 0;   // words_[first .. last); last == 0: an empty slot
    uint32_t last = 0;
  };
  struct Word {
    int index;
    uint32_t at;      // its lower-cased text: text_[at, at + length)
    uint32_t length;
    uint32_t offset;  // of its key in it (RarestWindow in the .cc)
  };
  // Which keys of one length exist: a bit per hashed key.
  struct KeyFilter {
    std::vector<uint64_t> bits;  // one zero word when no word has a key of this length
    uint32_t shift = 0;          // 32 - log2(bit count)
    void Build(const std::vector<uint32_t>& keys, uint32_t max_log2 = 16);
    // A bitmap of no bits set for `count` keys; sets bit i.
    void Size(size_t count, uint32_t max_log2);
    void Set(uint32_t i) { bits[i >> 6] |= uint64_t{1} << (i & 63); }
    uint32_t Has(uint32_t key) const {
      uint32_t i = (key * 0x9E3779B1u) >> shift;
      return static_cast<uint32_t>(bits[i >> 6] >> (i & 63)) & 1;
    }
  };
  // The filter of every key's first three bytes: a KeyFilter whose hash of
  // 16 bits (ThreeHash in the .cc) SSE2 works out for 16 positions a step.
  struct ThreeFilter {
    KeyFilter filter;
    uint32_t shift = 0;  // 16 - log2(bit count)
    void Build(const std::vector<uint32_t>& threes, uint32_t max_log2);
    uint32_t Index(uint32_t three) const;
  };
  const Filed* Lookup(uint32_t bytes, size_t length) const;
  void Probe(const unsigned char* t, size_t i, size_t n, uint32_t which, uint64_t* seen) const;

  bool ready_ = false;
  bool has_other_words_ = false;  // a word with a byte >= 0x80
  bool one_letter_ = false;  // a one-byte word exists (then every position is looked at)
  KeyFilter ends_, then_one_, then_more_;  // keys of words of length 2, 3 and 4+
  // Every key's first three bytes, a word of two bytes' with every third:
  // an exact bitmap of the first two bytes let 26% of the positions of a
  // scan's texts pass, this one 15%.
  ThreeFilter threes_;
  std::vector<Filed> table_;  // open addressing, size a power of two
  std::vector<Word> words_;   // grouped by key
  std::string text_;          // the lower-cased words, one after another
  int single_[128];           // a one-byte word's index, or -1
  size_t seen_words_ = 0;     // 64-bit words of Find's bitmap of the words found
};

// A text lowered as WordFinder reads it (ASCII letters lower-cased, bytes
// >= 0x80 made zeros), to ask about one word at a time: for the few words
// a caller looks for only when it needs to know (RuleSet's lazy words).
class LoweredText {
 public:
  LoweredText() = default;
  explicit LoweredText(std::string_view text) { Lower(text); }
  LoweredText(const LoweredText&) = delete;  // (text_ may point into small_)
  LoweredText& operator=(const LoweredText&) = delete;
  void Lower(std::string_view text);
  void Clear() { text_ = nullptr; }
  bool empty() const { return text_ == nullptr; }  // (nothing lowered)
  const unsigned char* data() const { return text_; }  // size() bytes, then kAfter zeros
  size_t size() const { return size_; }
  // Whether `word` (lower case, ASCII, without a zero byte) occurs: the
  // places of its first two bytes are found 16 at a time.
  bool Holds(std::string_view word) const;

 private:
  static constexpr size_t kAfter = 32;  // zero bytes after the text, for 16-byte and four-byte loads
  size_t size_ = 0;
  std::string large_;
  unsigned char small_[1024 + kAfter];
  const unsigned char* text_ = nullptr;
};

}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_KNOWLEDGE_WORD_FINDER_H_
