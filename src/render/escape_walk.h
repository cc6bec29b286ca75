// The escaping walk shared by escape.cc (JSON strings, terminal text) and
// the JSON record renderer, which writes through WriteJsonEscaped about 27
// times a record: defined here, inline, so that the renderer's loop has it
// in place rather than as a call per field. See escape.cc for what and why.
#ifndef NDR_SRC_RENDER_ESCAPE_WALK_H_
#define NDR_SRC_RENDER_ESCAPE_WALK_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ndr {
namespace internal {
namespace escape {

inline constexpr char kHex[] = "0123456789abcdef";
inline constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Decodes the UTF-8 sequence at s[i]: its length, or 0 when invalid
// (truncated, overlong, a surrogate, above U+10FFFF). *cp gets the code point.
inline size_t DecodeUtf8(std::string_view s, size_t i, char32_t* cp) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n;
  char32_t min;
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (n > s.size() - i) return 0;
  char32_t value = c & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    const unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    value = (value << 6) | (cc & 0x3F);
  }
  if (value < min || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return 0;
  *cp = value;
  return n;
}

// Code points that change how a terminal or a text view shows what follows
// instead of showing themselves: C0 and C1 controls, DEL, the bidi
// embeddings/overrides/isolates, and the Unicode line/paragraph separators
// (which some viewers break lines at, so a bounce could forge a line).
inline bool IsUnsafe(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029;
}

inline bool IsPlainAscii(unsigned char c) { return c >= 0x20 && c < 0x7F; }

// Whether any of the eight bytes at `p` is not plain ASCII (a control, DEL,
// an 8-bit byte) or is '"' or '\\' (which JSON escapes): those need a look,
// the others are copied as they are. Exact (no false "no"), a word at a time.
inline bool AnyByteToLookAt(const char* p) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  uint64_t w;
  std::memcpy(&w, p, sizeof w);
  auto has_zero_byte = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  const uint64_t below_space = (w - kOnes * 0x20) & ~w & kHigh;
  return ((w & kHigh) | below_space | has_zero_byte(w ^ (kOnes * 0x7F)) | has_zero_byte(w ^ (kOnes * '"')) |
          has_zero_byte(w ^ (kOnes * '\\'))) != 0;
}

#if defined(__SSE2__)
// A bit per byte of the 16 at `p` that needs a look (see AnyByteToLookAt).
__attribute__((always_inline)) inline unsigned OddBytes16(const char* p) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  // Signed bytes: below 0x20 are the controls and every 8-bit byte.
  const __m128i odd =
      _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)), _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F))),
                   _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
  return static_cast<unsigned>(_mm_movemask_epi8(odd));
}
#endif

// The offset of the first byte at or after `i` that needs a look (see
// AnyByteToLookAt), or text.size(). Most text is plain ASCII: it is skipped
// sixteen bytes at a time where the CPU has SSE2 (every x86-64), then eight,
// then one (the hot loop of every JSON line).
__attribute__((always_inline)) inline size_t NextToLookAt(std::string_view text, size_t i) {
#if defined(__SSE2__)
  while (text.size() - i >= 16) {
    const unsigned mask = OddBytes16(text.data() + i);
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(mask));
    i += 16;
  }
  // The last bytes of a text of 16 or more: the 16 that end it, less those
  // already passed (no loop over them one by one).
  if (i < text.size() && text.size() >= 16) {
    const size_t at = text.size() - 16;
    const unsigned mask = OddBytes16(text.data() + at) >> (i - at);
    return mask != 0 ? i + static_cast<size_t>(__builtin_ctz(mask)) : text.size();
  }
#endif
  while (text.size() - i >= 8 && !AnyByteToLookAt(text.data() + i)) i += 8;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (!IsPlainAscii(c) || c == '"' || c == '\\') break;
    ++i;
  }
  return i;
}

// Copies `text` to `out` (room for kJsonEscapedPerByte bytes a byte of it)
// when no byte of it needs a look, 16 or 8 bytes a step, the last step
// overlapping the one before: the end of the copy; else nullptr, and what
// was written is to be written over. Most values are plain: one pass reads
// and writes them, instead of a search and then a copy.
__attribute__((always_inline)) inline char* CopyIfPlain(std::string_view text, char* out) {
  const char* const p = text.data();
  const size_t n = text.size();
#if defined(__SSE2__)
  if (n >= 16) {
    size_t i = 0;
    for (; n - i >= 16; i += 16) {
      if (OddBytes16(p + i) != 0) return nullptr;
      std::memcpy(out + i, p + i, 16);
    }
    if (i < n) {
      if (OddBytes16(p + n - 16) != 0) return nullptr;
      std::memcpy(out + n - 16, p + n - 16, 16);
    }
    return out + n;
  }
#endif
  size_t i = 0;
  for (; n - i >= 8; i += 8) {
    if (AnyByteToLookAt(p + i)) return nullptr;
    std::memcpy(out + i, p + i, 8);
  }
  if (i < n && n >= 8) {
    if (AnyByteToLookAt(p + n - 8)) return nullptr;
    std::memcpy(out + n - 8, p + n - 8, 8);
    return out + n;
  }
  for (; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(p[i]);
    if (!IsPlainAscii(c) || c == '"' || c == '\\') return nullptr;
    out[i] = p[i];
  }
  return out + n;
}

// Walks `text`: each run of safe characters goes to keep(data, size), and
// each character to replace -- an unsafe code point, an ASCII byte `special`
// picks, or an invalid UTF-8 byte (then `invalid` is true and `cp` the
// byte) -- to replace(cp, invalid).
template <typename Special, typename Keep, typename Replace>
inline void WalkEscaped(std::string_view text, Special special, Keep keep, Replace replace) {
  size_t run = 0;
  for (size_t i = 0; i < text.size();) {
    i = NextToLookAt(text, i);
    if (i == text.size()) break;
    const unsigned char c = static_cast<unsigned char>(text[i]);
    char32_t cp = c;
    size_t n = c < 0x80 ? 1 : DecodeUtf8(text, i, &cp);
    if (n != 0 && !IsUnsafe(cp) && !(c < 0x80 && special(c))) {
      i += n;
      continue;
    }
    if (i > run) keep(text.data() + run, i - run);
    replace(cp, n == 0);
    i += n == 0 ? 1 : n;
    run = i;
  }
  if (run < text.size()) keep(text.data() + run, text.size() - run);
}

inline bool IsJsonSpecial(unsigned char c) { return c == '"' || c == '\\'; }

// What JSON writes for a character it escapes (see AppendJsonString); at
// most kJsonEscapedPerByte bytes a byte of the character.
inline char* WriteJsonEscape(char32_t cp, bool invalid, char* p) {
  if (invalid) {
    std::memcpy(p, kReplacement.data(), kReplacement.size());  // keeps every line valid JSON
    return p + kReplacement.size();
  }
  *p++ = '\\';
  switch (cp) {
    case '"': *p++ = '"'; return p;
    case '\\': *p++ = '\\'; return p;
    case '\n': *p++ = 'n'; return p;
    case '\r': *p++ = 'r'; return p;
    case '\t': *p++ = 't'; return p;
    default:
      *p++ = 'u';
      for (int shift = 12; shift >= 0; shift -= 4) *p++ = kHex[(cp >> shift) & 0xF];
      return p;
  }
}

}  // namespace escape

// Writes `text` as the inside of a JSON string (no quotes) at `out`, which
// has room for kJsonEscapedPerByte bytes per byte of text; returns the end.
inline char* WriteJsonEscaped(std::string_view text, char* out) {
  if (char* end = escape::CopyIfPlain(text, out)) return end;
  escape::WalkEscaped(
      text, escape::IsJsonSpecial,
      [&out](const char* data, size_t size) {
        std::memcpy(out, data, size);
        out += size;
      },
      [&out](char32_t cp, bool invalid) { out = escape::WriteJsonEscape(cp, invalid, out); });
  return out;
}

}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_RENDER_ESCAPE_WALK_H_
