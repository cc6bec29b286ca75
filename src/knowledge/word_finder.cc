#include "knowledge/word_finder.h"

#include <algorithm>
#include <cstring>
#include <map>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/strings.h"

namespace ndr {
namespace internal {
namespace {

// `text` lower-cased into `out`, its bytes >= 0x80 made zeros, eight bytes
// at a time (AsciiLower8, the one eight-byte fold IEquals uses too). No word
// holds a zero byte, so an ASCII word cannot match where a byte >= 0x80
// stood, and the tables are indexed by 7-bit bytes.
void LowerSevenBit(std::string_view text, unsigned char* out) {
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  const size_t n = text.size();
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, text.data() + i, 8);
    w = AsciiLower8(w) & ~(((w & kHigh) >> 7) * 0xFF);
    std::memcpy(out + i, &w, 8);
  }
  for (; i < n; ++i) {
    const char c = text[i];
    out[i] = static_cast<unsigned char>(c) >= 0x80 ? 0 : static_cast<unsigned char>(AsciiLower(c));
  }
}

// Whether the n bytes at a and b are the same, eight at a time (the words
// compared here are short: a call to memcmp cost more than the compare).
bool SameBytes(const unsigned char* a, const char* b, size_t n) {
  for (; n >= 8; n -= 8, a += 8, b += 8) {
    uint64_t x;
    uint64_t y;
    std::memcpy(&x, a, 8);
    std::memcpy(&y, b, 8);
    if (x != y) return false;
  }
  for (; n > 0; --n, ++a, ++b) {
    if (*a != static_cast<unsigned char>(*b)) return false;
  }
  return true;
}

// A word with a zero byte makes the finder step aside: Find reads the four
// zero bytes after a text as part of it, which no key may then hold.
bool HasZeroByte(const std::string& word) { return word.find('\0') != std::string::npos; }

bool Usable(const std::string& word) {
  if (word.empty()) return false;
  for (unsigned char c : word) {
    if (c >= 0x80) return false;
  }
  return true;
}

// Up to four lower-cased bytes, little-endian.
uint32_t Pack(const unsigned char* p, size_t n) {
  uint32_t key = 0;
  for (size_t i = 0; i < n; ++i) key |= static_cast<uint32_t>(p[i]) << (8 * i);
  return key;
}

// Pack(p, 4) in one load.
uint32_t LoadFour(const unsigned char* p) {
  uint32_t four;
  std::memcpy(&four, p, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  four = __builtin_bswap32(four);
#endif
  return four;
}

// The 16-bit hash of three bytes (little-endian) the first pass tests: the
// first two times one odd constant plus the third times another, as SSE2
// multiplies 16-bit lanes. Its top bits are the bitmap's index; as many
// positions pass by chance as with a 32-bit multiplicative hash (measured).
constexpr uint16_t kPairFactor = 0x9E37;
constexpr uint16_t kThirdFactor = 0x79B1;
uint32_t ThreeHash(uint32_t three) {
  return ((three & 0xFFFFu) * kPairFactor + (three >> 16) * kThirdFactor) & 0xFFFFu;
}

// For i in [0, count), the bit of the first pass's bitmap for position i:
// ThreeHash(LoadFour(p + i) & 0xFFFFFF) >> shift, bit[i] and its 64-bit
// word word[i] (its index / 64: the test has no shift of its own to do).
// On to a multiple of 16 positions: p holds 18 bytes more to read.
void ThreeIndices(const unsigned char* p, size_t count, uint32_t shift, uint16_t* bit, uint16_t* word) {
#if defined(__SSE2__)
  // Eight even positions from one load (a pair per 16-bit lane), the third
  // bytes from the load two bytes on, the odd positions from loads one byte
  // on; the two results interleaved back into order.
  const __m128i pair_factor = _mm_set1_epi16(static_cast<short>(kPairFactor));
  const __m128i third_factor = _mm_set1_epi16(static_cast<short>(kThirdFactor));
  const __m128i low_byte = _mm_set1_epi16(0x00FF);
  const __m128i by = _mm_cvtsi32_si128(static_cast<int>(shift));
  auto hashes = [&](const unsigned char* at) {
    const __m128i pairs = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
    const __m128i thirds = _mm_and_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(at + 2)), low_byte);
    const __m128i sum = _mm_add_epi16(_mm_mullo_epi16(pairs, pair_factor), _mm_mullo_epi16(thirds, third_factor));
    return _mm_srl_epi16(sum, by);
  };
  auto store = [](uint16_t* out, __m128i v) { _mm_storeu_si128(reinterpret_cast<__m128i*>(out), v); };
  for (size_t i = 0; i < count; i += 16) {
    const __m128i even = hashes(p + i);
    const __m128i odd = hashes(p + i + 1);
    const __m128i first = _mm_unpacklo_epi16(even, odd);
    const __m128i second = _mm_unpackhi_epi16(even, odd);
    store(bit + i, first);
    store(bit + i + 8, second);
    store(word + i, _mm_srli_epi16(first, 6));
    store(word + i + 8, _mm_srli_epi16(second, 6));
  }
#else
  for (size_t i = 0; i < count; ++i) {
    bit[i] = static_cast<uint16_t>(ThreeHash(LoadFour(p + i) & 0xFFFFFFu) >> shift);
    word[i] = static_cast<uint16_t>(bit[i] >> 6);
  }
#endif
}

// How often a byte stands in English mail text, roughly, in tenths of a
// percent (letters as in English prose, the space most common, digits and
// the punctuation of addresses and status codes in between). A table, read
// for every window of every word while the finders are built.
struct ByteShares {
  double share[256];
  ByteShares() {
    static const char kLetters[] = "etaoinsrhldcumfpgwybvkxjqz";
    static const double kShares[] = {100, 70, 65, 60, 60, 60, 55, 55, 40, 35, 30, 25, 25,
                                     22,  20, 18, 16, 15, 15, 13, 10, 6,  2,  1,  1,  1};
    for (double& s : share) s = 2;
    for (char c = '0'; c <= '9'; ++c) share[static_cast<unsigned char>(c)] = 5;
    for (char c : {'.', '-', ':', '\n'}) share[static_cast<unsigned char>(c)] = 10;
    for (size_t i = 0; i + 1 < sizeof kLetters; ++i) share[static_cast<unsigned char>(kLetters[i])] = kShares[i];
    share[static_cast<unsigned char>(' ')] = 150;
  }
};
double ByteShare(unsigned char c) {
  static const ByteShares table;
  return table.share[c];
}

// For every three lower-cased bytes in the words, how many words hold them:
// bytes that many words share ("box" of "mailbox full", "mailbox not
// found", ...) stand in many of the texts the words are looked for in.
// An open-addressing table (a sorted list and its binary searches were 5 %
// of start-up).
class ThreeCounts {
 public:
  explicit ThreeCounts(const std::vector<std::string>& words) {
    size_t windows = 0;
    for (const std::string& word : words) windows += word.size() >= 3 ? word.size() - 2 : 0;
    size_t size = 64;
    shift_ = 26;
    while (size < 2 * windows) {
      size *= 2;
      --shift_;
    }
    slots_.assign(size, Slot{kEmpty, 0});
    std::vector<uint32_t> seen;  // this word's threes, each counted once
    for (const std::string& word : words) {
      seen.clear();
      for (size_t o = 0; o + 3 <= word.size(); ++o) {
        uint32_t three = 0;
        for (size_t k = 0; k < 3; ++k) {
          three |= static_cast<uint32_t>(static_cast<unsigned char>(AsciiLower(word[o + k]))) << (8 * k);
        }
        if (std::find(seen.begin(), seen.end(), three) != seen.end()) continue;
        seen.push_back(three);
        ++Find(three)->count;
      }
    }
  }
  uint32_t Count(uint32_t three) const {
    const size_t mask = slots_.size() - 1;
    for (size_t i = Home(three);; i = (i + 1) & mask) {
      if (slots_[i].three == three) return slots_[i].count;
      if (slots_[i].three == kEmpty) return 0;
    }
  }

 private:
  static constexpr uint32_t kEmpty = 0xFFFFFFFFu;  // no three has a fourth byte
  struct Slot {
    uint32_t three;
    uint32_t count;
  };
  // The slot of `three`, filed empty when it has none (the table is at most
  // half full: a free slot is always found).
  Slot* Find(uint32_t three) {
    const size_t mask = slots_.size() - 1;
    for (size_t i = Home(three);; i = (i + 1) & mask) {
      if (slots_[i].three == three) return &slots_[i];
      if (slots_[i].three == kEmpty) {
        slots_[i].three = three;
        return &slots_[i];
      }
    }
  }
  // The high bits of a multiplicative hash (its low bits follow the key's).
  size_t Home(uint32_t three) const { return (three * 0x9E3779B1u) >> shift_; }
  std::vector<Slot> slots_;
  uint32_t shift_ = 26;  // 32 - log2(slots_.size())
};

// Where a word of four bytes or more is keyed: the four bytes whose first
// three (the first pass's test) are the rarest in a text, by ByteShare
// times the number of words holding them (`sharing`). Its first three bytes
// are often those of many other words of a text ("mai", "the", "rec"),
// which pass the first test at every place they occur.
size_t RarestWindow(const unsigned char* p, size_t n, const ThreeCounts& sharing) {
  // (Scored by ByteShare alone: 717 instructions per message more.)
  size_t best = 0;
  double best_share = 0;
  for (size_t o = 0; o + 4 <= n; ++o) {
    const double share = ByteShare(p[o]) * ByteShare(p[o + 1]) * ByteShare(p[o + 2]) *
                         static_cast<double>(sharing.Count(Pack(p + o, 3)));
    if (o == 0 || share < best_share) {
      best = o;
      best_share = share;
    }
  }
  return best;
}

size_t Slot(uint32_t bytes, size_t length, size_t mask) {
  return ((bytes + static_cast<uint32_t>(length)) * 0x9E3779B1u >> 7) & mask;
}

}  // namespace

// 16 bits per key, at least 512 and at most 2^max_log2: few positions of a
// text pass by chance.
void WordFinder::KeyFilter::Size(size_t count, uint32_t max_log2) {
  if (count == 0) {
    // One empty word: Has needs no test for "no keys of this length".
    bits.assign(1, 0);
    shift = 32 - 6;
    return;
  }
  uint32_t log2 = 9;
  while ((size_t{1} << log2) < count * 16 && log2 < max_log2) ++log2;
  bits.assign((size_t{1} << log2) / 64, 0);
  shift = 32 - log2;
}

void WordFinder::KeyFilter::Build(const std::vector<uint32_t>& keys, uint32_t max_log2) {
  Size(keys.size(), max_log2);
  for (uint32_t key : keys) Set((key * 0x9E3779B1u) >> shift);
}

void WordFinder::ThreeFilter::Build(const std::vector<uint32_t>& threes, uint32_t max_log2) {
  filter.Size(threes.size(), max_log2);
  shift = filter.shift - 16;
  for (uint32_t three : threes) filter.Set(Index(three));
}

uint32_t WordFinder::ThreeFilter::Index(uint32_t three) const { return ThreeHash(three) >> shift; }

WordFinder::WordFinder(const std::vector<std::string>& words) {
  for (const std::string& w : words) {
    // A word holding a letter that folds to ASCII could match an ASCII text.
    if (HoldsAsciiFold(w) || HasZeroByte(w)) return;  // never answers (ready_ stays false)
  }
  std::fill(std::begin(single_), std::end(single_), -1);
  seen_words_ = (words.size() + 63) / 64;

  // File every word under its key.
  struct Lowered {
    int index;
    size_t offset;  // of its key
    std::string text;
  };
  std::map<std::pair<uint32_t, size_t>, std::vector<Lowered>> filed;
  std::vector<uint32_t> keys[3];  // the keys of the words of length 2, 3, 4+
  std::vector<uint32_t> threes;   // the first three bytes of every key
  const ThreeCounts sharing(words);
  for (size_t i = 0; i < words.size(); ++i) {
    if (!Usable(words[i])) {
      has_other_words_ = has_other_words_ || !words[i].empty();
      continue;
    }
    std::string lower(words[i]);
    for (char& c : lower) c = AsciiLower(c);
    const auto* p = reinterpret_cast<const unsigned char*>(lower.data());
    if (lower.size() == 1) {
      if (single_[p[0]] < 0) single_[p[0]] = static_cast<int>(i);
      one_letter_ = true;
      continue;
    }
    const size_t offset = lower.size() >= 4 ? RarestWindow(p, lower.size(), sharing) : 0;
    if (lower.size() == 2) {
      // Any third byte: the zero after the text, or after a byte >= 0x80, too.
      for (uint32_t c = 0; c < 128; ++c) threes.push_back(Pack(p, 2) | c << 16);
    } else {
      threes.push_back(Pack(p + offset, 3));
    }
    size_t lead = std::min<size_t>(lower.size(), 4);
    keys[lead - 2].push_back(Pack(p + offset, lead));
    filed[{Pack(p + offset, lead), lead}].push_back({static_cast<int>(i), offset, std::move(lower)});
  }
  // At most 4 KB: the largest sets of a scan would take 8 KB (a word of two
  // bytes is 128 keys) to let 14.5% of the positions pass instead of 15.4%.
  threes_.Build(threes, 15);
  ends_.Build(keys[0]);
  then_one_.Build(keys[1]);
  then_more_.Build(keys[2]);
  size_t size = 16;
  while (size < filed.size() * 2) size *= 2;
  table_.assign(size, Filed{});
  for (auto& [key, group] : filed) {
    size_t s = Slot(key.first, key.second, size - 1);
    while (table_[s].last != 0) s = (s + 1) & (size - 1);
    table_[s].bytes = key.first;
    table_[s].length = static_cast<uint32_t>(key.second);
    table_[s].first = static_cast<uint32_t>(words_.size());
    for (auto& [index, offset, lower] : group) {
      words_.push_back(Word{index, static_cast<uint32_t>(text_.size()), static_cast<uint32_t>(lower.size()),
                            static_cast<uint32_t>(offset)});
      text_ += lower;
    }
    table_[s].last = static_cast<uint32_t>(words_.size());
  }
  ready_ = true;
}

inline const WordFinder::Filed* WordFinder::Lookup(uint32_t bytes, size_t length) const {
  const size_t mask = table_.size() - 1;
  for (size_t s = Slot(bytes, length, mask);; s = (s + 1) & mask) {
    const Filed& f = table_[s];
    if (f.last == 0) return nullptr;
    if (f.bytes == bytes && f.length == length) return &f;
  }
}

bool WordFinder::Find(std::string_view text, std::vector<int>* found) const {
  if (has_other_words_ && !IsAscii(text)) return false;
  bool high_bytes = false;
  return FindAsciiWords(text, found, &high_bytes);
}

// The words whose keys are at position i, `which` says of which lengths
// (bit 0: 2 bytes, 1: 3 bytes, 2: four or more) by the key filters.
inline void WordFinder::Probe(const unsigned char* t, size_t i, size_t n, uint32_t which, uint64_t* seen) const {
  auto mark = [seen](int index) { seen[index >> 6] |= uint64_t{1} << (index & 63); };
  const uint32_t four = LoadFour(t + i);
  if (which & 1) {
    if (const Filed* f = Lookup(four & 0xFFFFu, 2)) mark(words_[f->first].index);
  }
  if (which & 2) {
    if (const Filed* f = Lookup(four & 0xFFFFFFu, 3)) mark(words_[f->first].index);
  }
  if ((which & 4) == 0) return;
  const Filed* f = Lookup(four, 4);
  if (f == nullptr) return;
  // Found, the key lies inside the text (i + 3 < n); each word filed under
  // it starts `offset` bytes before it.
  for (uint32_t k = f->first; k < f->last; ++k) {
    const Word& w = words_[k];
    if (w.offset > i) continue;
    const size_t start = i - w.offset;
    if (w.length <= n - start && SameBytes(t + start, text_.data() + w.at, w.length)) mark(w.index);
  }
}

bool WordFinder::FindAsciiWords(std::string_view text, std::vector<int>* found, bool* high_bytes) const {
  LoweredText lowered;
  return FindAsciiWords(text, found, high_bytes, &lowered);
}

bool WordFinder::FindAsciiWords(std::string_view text, std::vector<int>* found, bool* high_bytes,
                                LoweredText* lowered) const {
  const size_t ascii = AsciiPrefix(text);
  *high_bytes = ascii < text.size();
  // (A letter that folds to ASCII begins with a byte >= 0x80.)
  if (!ready_ || (*high_bytes && HoldsAsciiFold(text.substr(ascii)))) return false;
  const size_t n = text.size();
  // The text lower-cased, with zero bytes after it: the four bytes at any
  // position are one load, and ThreeIndices reads on to the end of its last
  // 16 positions.
  lowered->Lower(text);
  const unsigned char* t = lowered->data();
  // The words found, a bit each: a word that occurs many times ("in", "no")
  // is marked again at no cost, and the bits give the indices ascending
  // (sorting the repeats took more than the search itself, measured).
  uint64_t small_seen[64];
  std::vector<uint64_t> large_seen;
  uint64_t* seen = small_seen;
  if (seen_words_ > 64) {
    large_seen.resize(seen_words_);
    seen = large_seen.data();
  }
  std::fill(seen, seen + seen_words_, 0);
  if (one_letter_) {
    for (size_t i = 0; i < n; ++i) {
      const int index = single_[t[i]];
      if (index >= 0) seen[index >> 6] |= uint64_t{1} << (index & 63);
    }
  }
  // No key holds a zero byte, so the keys that run into the zeros after the
  // text are never found: no position needs a test of how much is left.
  // Three passes over each chunk of positions, each writing down the ones
  // that pass without a branch on the outcome (the header says why).
  constexpr size_t kChunk = 256;
  uint32_t at[kChunk];
  uint16_t bit[kChunk];
  uint16_t word[kChunk];
  const uint64_t* bits = threes_.filter.bits.data();
  for (size_t start = 0; start + 1 < n; start += kChunk) {
    const uint32_t count = static_cast<uint32_t>(std::min(n - 1, start + kChunk) - start);
    ThreeIndices(t + start, count, threes_.shift, bit, word);
    size_t passed = 0;
    auto test = [&](uint32_t i) {
      at[passed] = i;
      passed += static_cast<uint32_t>(bits[word[i]] >> (bit[i] & 63)) & 1;
    };
    uint32_t i = 0;
    // Four at a time: the loop's own test and jump cost as much as a test.
    for (; i + 4 <= count; i += 4) {
      test(i);
      test(i + 1);
      test(i + 2);
      test(i + 3);
    }
    for (; i < count; ++i) test(i);
    size_t keyed = 0;
    for (size_t j = 0; j < passed; ++j) {
      const uint32_t four = LoadFour(t + start + at[j]);
      const uint32_t which = ends_.Has(four & 0xFFFFu) | then_one_.Has(four & 0xFFFFFFu) << 1 | then_more_.Has(four) << 2;
      at[keyed] = at[j] | which << 16;
      keyed += which != 0;
    }
    for (size_t j = 0; j < keyed; ++j) Probe(t, start + (at[j] & 0xFFFFu), n, at[j] >> 16, seen);
  }
  for (size_t w = 0; w < seen_words_; ++w) {
    for (uint64_t bits = seen[w]; bits != 0; bits &= bits - 1) {
      found->push_back(static_cast<int>(w * 64 + static_cast<size_t>(__builtin_ctzll(bits))));
    }
  }
  return true;
}

void LoweredText::Lower(std::string_view text) {
  size_ = text.size();
  unsigned char* t = small_;
  if (size_ + kAfter > sizeof small_) {
    large_.resize(size_ + kAfter);
    t = reinterpret_cast<unsigned char*>(&large_[0]);
  }
  LowerSevenBit(text, t);
  std::memset(t + size_, 0, kAfter);
  text_ = t;
}

bool LoweredText::Holds(std::string_view word) const {
  const size_t length = word.size();
  if (length == 0) return true;
  if (length > size_) return false;
  const auto* w = reinterpret_cast<const unsigned char*>(word.data());
  if (length == 1) return std::memchr(text_, w[0], size_) != nullptr;
  // A place where both first bytes match, the rest compared. (The zeros
  // after the text match no byte of a word: no place found there.)
  auto rest_at = [&](size_t j) {
    return j + length <= size_ && SameBytes(text_ + j + 2, word.data() + 2, length - 2);
  };
#if defined(__SSE2__)
  const __m128i first = _mm_set1_epi8(static_cast<char>(w[0]));
  const __m128i second = _mm_set1_epi8(static_cast<char>(w[1]));
  for (size_t i = 0; i + 1 < size_; i += 16) {
    const __m128i a = _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(text_ + i)), first);
    const __m128i b = _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(text_ + i + 1)), second);
    for (uint32_t places = static_cast<uint32_t>(_mm_movemask_epi8(_mm_and_si128(a, b))); places != 0;
         places &= places - 1) {
      if (rest_at(i + static_cast<size_t>(__builtin_ctz(places)))) return true;
    }
  }
#else
  for (size_t j = 0; j + 1 < size_; ++j) {
    if (text_[j] == w[0] && text_[j + 1] == w[1] && rest_at(j)) return true;
  }
#endif
  return false;
}

}  // namespace internal
}  // namespace ndr
