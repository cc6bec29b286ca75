// ASCII string helpers shared by every stage (internal). Header-only: they
// sit on hot paths and are small enough to inline.
#ifndef NDR_SRC_CORE_STRINGS_H_
#define NDR_SRC_CORE_STRINGS_H_

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ndr {
namespace internal {

inline char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
// AsciiLower as a table, for loops that lower every byte of a text and want
// one load a byte (VendorOfHost's hash).
constexpr std::array<unsigned char, 256> AsciiLowerTable() {
  std::array<unsigned char, 256> lower{};
  for (size_t c = 0; c < lower.size(); ++c) lower[c] = static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  return lower;
}
inline constexpr std::array<unsigned char, 256> kAsciiLower = AsciiLowerTable();

// The largest length <= `length` that does not end inside a UTF-8 sequence
// (for cutting text to a bound without leaving half a character).
inline size_t Utf8CutPoint(std::string_view s, size_t length) {
  if (length >= s.size()) return s.size();
  while (length > 0 && (static_cast<unsigned char>(s[length]) & 0xC0) == 0x80) --length;
  return length;
}

// Characters of a UTF-8 text: its bytes but the continuation bytes.
inline size_t Utf8CharacterCount(std::string_view text) {
  size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Length of the valid UTF-8 sequence starting at s[i] (of n bytes), or 0 when
// invalid (overlong forms, surrogates and code points above U+10FFFF are).
inline size_t Utf8SequenceLength(const unsigned char* s, size_t i, size_t n) {
  const unsigned char c = s[i];
  if (c < 0x80) return 1;
  if (c < 0xC2) return 0;
  if (c < 0xE0) return (i + 1 < n && (s[i + 1] & 0xC0) == 0x80) ? 2 : 0;
  if (c < 0xF0) {
    if (i + 2 >= n) return 0;
    const unsigned char c1 = s[i + 1];
    if ((c1 & 0xC0) != 0x80 || (s[i + 2] & 0xC0) != 0x80) return 0;
    if (c == 0xE0 && c1 < 0xA0) return 0;   // overlong
    if (c == 0xED && c1 >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (c < 0xF5) {
    if (i + 3 >= n) return 0;
    const unsigned char c1 = s[i + 1];
    if ((c1 & 0xC0) != 0x80 || (s[i + 2] & 0xC0) != 0x80 || (s[i + 3] & 0xC0) != 0x80) return 0;
    if (c == 0xF0 && c1 < 0x90) return 0;   // overlong
    if (c == 0xF4 && c1 >= 0x90) return 0;  // > U+10FFFF
    return 4;
  }
  return 0;
}

inline bool IsBlank(char c) { return c == ' ' || c == '\t'; }

inline bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

inline std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

// Eight bytes at once, each as AsciiLower gives it: 'A'..'Z' get 0x20, every
// other byte (0x80 and up too) stays. No byte's sums carry into the next.
inline uint64_t AsciiLower8(uint64_t x) {
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  const uint64_t low7 = x & ~kHigh;
  const uint64_t from_a = low7 + 0x3f3f3f3f3f3f3f3full;   // high bit: low7 >= 'A'
  const uint64_t after_z = low7 + 0x2525252525252525ull;  // high bit: low7 > 'Z'
  const uint64_t upper = from_a & ~after_z & ~x & kHigh;  // ~x: an ASCII byte
  return x | (upper >> 2);
}

// Index of the first byte >= 0x80 of `text`, or its size. Sixty-four bytes
// at a time, then sixteen (SSE2: movemask takes each byte's top bit), then
// eight: the bodies and texts checked here are mostly ASCII and long.
inline size_t AsciiPrefix(std::string_view text) {
  const char* p = text.data();
  const size_t n = text.size();
  size_t i = 0;
#if defined(__SSE2__)
  auto load = [p](size_t at) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at)); };
  for (; i + 64 <= n; i += 64) {
    const __m128i x = _mm_or_si128(_mm_or_si128(load(i), load(i + 16)), _mm_or_si128(load(i + 32), load(i + 48)));
    if (_mm_movemask_epi8(x) != 0) break;
  }
  for (; i + 16 <= n; i += 16) {
    const int mask = _mm_movemask_epi8(load(i));
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#endif
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    if (w & 0x8080808080808080ull) break;
  }
  while (i < n && static_cast<unsigned char>(p[i]) < 0x80) ++i;
  return i;
}

inline bool IsAscii(std::string_view text) { return AsciiPrefix(text) == text.size(); }

// IEquals of two strings of n bytes each. Eight bytes at a time (field
// names and keywords compared on hot paths are mostly 8 bytes and longer);
// the last chunk overlaps the one before instead of a byte loop.
inline bool IEqualsSized(const char* a, const char* b, size_t n) {
  if (n >= 8) {
    auto same8 = [&](size_t i) {
      uint64_t x;
      uint64_t y;
      std::memcpy(&x, a + i, 8);
      std::memcpy(&y, b + i, 8);
      return x == y || AsciiLower8(x) == AsciiLower8(y);
    };
    for (size_t i = 0; i + 8 < n; i += 8) {
      if (!same8(i)) return false;
    }
    return same8(n - 8);
  }
  for (size_t i = 0; i < n; ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

// Equality ignoring ASCII case. (The size test stays inline where the
// compare may not: most compares end there.)
inline bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && IEqualsSized(a.data(), b.data(), a.size());
}

inline bool IStartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && IEquals(s.substr(0, prefix.size()), prefix);
}

inline bool IEndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && IEquals(s.substr(s.size() - suffix.size()), suffix);
}

inline std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Knuth-Morris-Pratt on ASCII-lowered bytes: IFind's linear fallback.
inline size_t IFindLinear(std::string_view hay, std::string_view needle, size_t from) {
  std::string pattern = ToLower(needle);
  std::vector<size_t> fail(pattern.size(), 0);
  for (size_t i = 1, k = 0; i < pattern.size(); ++i) {
    while (k > 0 && pattern[i] != pattern[k]) k = fail[k - 1];
    if (pattern[i] == pattern[k]) ++k;
    fail[i] = k;
  }
  for (size_t i = from, k = 0; i < hay.size(); ++i) {
    const char c = AsciiLower(hay[i]);
    while (k > 0 && c != pattern[k]) k = fail[k - 1];
    if (c == pattern[k]) ++k;
    if (k == pattern.size()) return i + 1 - pattern.size();
  }
  return std::string_view::npos;
}

// Whether `needle` occurs in `hay` (case counts). libc's memmem: std::string's
// find stops at every place of the needle's first byte, which for a word of
// prose is every few bytes.
inline bool Contains(std::string_view hay, std::string_view needle) {
  return needle.empty() || memmem(hay.data(), hay.size(), needle.data(), needle.size()) != nullptr;
}

// Index of `needle` in `hay` ignoring ASCII case, npos when absent. Linear
// time: callers search report text once per recipient, and a naive scan is
// O(text x needle) on hostile input ("uuuu..." against "uuuu...@x").
// The places of the needle's first byte (either case) are found with memchr
// and the rest compared there; once the comparing costs more than a few bytes
// per byte of text, Knuth-Morris-Pratt takes over from where it got to.
inline size_t IFind(std::string_view hay, std::string_view needle, size_t from = 0) {
  constexpr size_t npos = std::string_view::npos;
  if (needle.empty()) return from <= hay.size() ? from : npos;
  if (from >= hay.size() || needle.size() > hay.size() - from) return npos;
  const size_t last = hay.size() - needle.size();  // the last start the needle fits at
  const char* const base = hay.data();
  auto next = [&](char c, size_t at) -> size_t {  // the next c at or after `at`, up to `last`
    if (at > last) return npos;
    const void* p = std::memchr(base + at, c, last - at + 1);
    return p == nullptr ? npos : static_cast<size_t>(static_cast<const char*>(p) - base);
  };
  const char lower = AsciiLower(needle[0]);
  const char upper = (lower >= 'a' && lower <= 'z') ? static_cast<char>(lower - 32) : lower;
  size_t at_lower = next(lower, from);
  size_t at_upper = upper == lower ? npos : next(upper, from);
  size_t compared = 0;
  const size_t budget = 4 * (hay.size() - from) + 64;
  while (true) {
    const size_t i = at_lower < at_upper ? at_lower : at_upper;
    if (i == npos) return npos;
    size_t k = 1;
    while (k < needle.size() && AsciiLower(base[i + k]) == AsciiLower(needle[k])) ++k;
    if (k == needle.size()) return i;
    compared += k;
    if (compared > budget) return IFindLinear(hay, needle, i + 1);
    if (i == at_lower) {
      at_lower = next(lower, i + 1);
    } else {
      at_upper = next(upper, i + 1);
    }
  }
}

// Whether `text` holds one of the two characters RE2's case folding pairs
// with an ASCII letter: U+212A KELVIN SIGN ~ 'k' and U+017F LONG S ~ 's' (the
// only ones: RE2's fold table maps every other ASCII letter to its other
// case alone). Elsewhere an ASCII literal matched case-insensitively by RE2
// matches exactly the bytes an ASCII-lowered compare does, also among
// invalid UTF-8 (an unanchored search steps over any byte). Looked for as
// bytes, wherever they stand.
inline bool HoldsAsciiFold(std::string_view text) {
  // IFind: their lead bytes are no letters (case changes nothing) and rare
  // outside them, so memchr finds the few places to compare; memmem looked
  // at every byte's pair (ten instructions a byte of a text not ASCII).
  return IFind(text, "\xE2\x84\xAA") != std::string_view::npos || IFind(text, "\xC5\xBF") != std::string_view::npos;
}

// The domain of an address ("jo@example.net" -> "example.net"), "" when it has none.
inline std::string_view DomainOf(std::string_view address) {
  size_t at = address.rfind('@');
  return at == std::string_view::npos ? std::string_view() : address.substr(at + 1);
}

// Whether `host` is `domain` or a host inside it, on label boundaries and
// ignoring case: mx1.example.net is in example.net, notexample.net is not.
inline bool IsHostInDomain(std::string_view host, std::string_view domain) {
  if (host.empty() || domain.empty() || host.size() < domain.size()) return false;
  if (!IEquals(host.substr(host.size() - domain.size()), domain)) return false;
  return host.size() == domain.size() || host[host.size() - domain.size() - 1] == '.';
}

// Squeeze(a + b + ...) built from the pieces without joining them first:
// runs of white space (also across pieces) become one space, none at either
// end. Appends to *out, which must hold only what this wrote.
class SqueezedText {
 public:
  explicit SqueezedText(std::string* out) : out_(out) {}
  void Append(std::string_view s) {
    if (s.empty()) return;
    // Written in place through a pointer (this runs on every text a report
    // holds): room for every byte and a blank first, the unused tail cut
    // after. A byte is blank when it is at most ' ' and one of IsSpace's six,
    // so the common byte costs one comparison.
    const size_t size = out_->size();
    out_->resize(size + s.size() + 1);
    char* const begin = &(*out_)[0];
    char* w = begin + size;
    const char* p = s.data();
    const char* const end = p + s.size();
    bool gap = gap_;  // a local: the writes below could alias the member
    auto blank = [](char c) { return static_cast<unsigned char>(c) <= ' ' && IsSpace(c); };
#if defined(__SSE2__)
    // Sixteen bytes at a time while as many are left: the word bytes before
    // the first byte below 0x21 are copied in one store (words are short:
    // the eight-byte steps below seldom got past one), then that byte alone.
    // The sixteen written stay inside the room, as the eight below do.
    const __m128i low = _mm_set1_epi8(' ');
    while (end - p >= 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      const auto at_most_blank = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(v, low), v)));
      const size_t words = at_most_blank == 0 ? 16 : static_cast<size_t>(__builtin_ctz(at_most_blank));
      if (words > 0) {
        if (gap && w != begin) *w++ = ' ';
        gap = false;
        _mm_storeu_si128(reinterpret_cast<__m128i*>(w), v);
        w += words;
        p += words;
        if (words == 16) continue;
      }
      if (IsSpace(*p)) {
        gap = true;
      } else {  // a control byte: part of a word
        if (gap && w != begin) *w++ = ' ';
        gap = false;
        *w++ = *p;
      }
      ++p;
    }
#endif
    while (p < end) {
      if (blank(*p)) {
        gap = true;
        ++p;
        continue;
      }
      if (gap && w != begin) *w++ = ' ';
      gap = false;
      // A run of word bytes: eight at a time while none of them is below
      // 0x21 (hasless(x, 0x21), exact for any n <= 128), then one comparison
      // a byte. The eight written stay inside the room made above: at most
      // one byte more is written than is read.
      for (uint64_t chunk; end - p >= 8; p += 8, w += 8) {
        std::memcpy(&chunk, p, 8);
        if (((chunk - 0x2121212121212121ull) & ~chunk & 0x8080808080808080ull) != 0) break;
        std::memcpy(w, &chunk, 8);
      }
      while (p < end && !blank(*p)) *w++ = *p++;
    }
    gap_ = gap;
    out_->resize(static_cast<size_t>(w - begin));
  }
  // As Append(" ").
  void AppendBlank() { gap_ = true; }

 private:
  std::string* out_;
  bool gap_ = false;  // white space since the last word
};

// Collapses runs of whitespace (including newlines) into one space and trims.
inline std::string Squeeze(std::string_view s) {
  std::string out;
  SqueezedText(&out).Append(s);
  return out;
}

}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_CORE_STRINGS_H_
