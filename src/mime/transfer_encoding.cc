// Content-Transfer-Encoding decoders. See transfer_encoding.h.
//
// The decoding is mimetic's (mimetic::Base64::Decoder, mimetic::QP::Decoder,
// through their public process/flush interface), base64's written out here
// with the same results (a byte at a time through an iterator was most of
// its cost). mimetic 0.9.8 goes wrong on some broken input, so every byte
// passes a guard here before it reaches the decoder (the input is already
// bounded by ndr's limits; the output is bounded by BoundedSink):
//  - base64: the decoder's table lookup reads one byte past its table for '|'
//    (0x7C), and an '=' inside a quantum misaligns everything after it
//    ("QQ=QUJD" gives 3 bytes of garbage instead of "A" "ABC"). Only alphabet
//    characters count (base64url's '-' and '_' as '+' and '/'); an '=' ends
//    the quantum: what it holds comes out, the next starts afresh.
//  - quoted-printable: blanks before a line break make it swallow the line
//    break ("a  \nb" gives "ab"), blanks at the end of the input come out as a
//    stray '=' ("a " gives "a="), and a soft line break at the end of the input
//    is kept as '=' ("a=\n" gives "a="). So the line structure is the guard's:
//    it drops blanks at the end of a line (transport padding, RFC 2045 6.7
//    (3)), takes a final '=' as a soft line break, writes the hard ones, and
//    gives mimetic one line at a time, without its line ending, trailing
//    blanks or soft break; text without '=' or control characters around
//    the part that needs decoding is copied as it is (QP leaves it unchanged;
//    most lines are like that).
//  - Q (RFC 2047): '_' and blanks never reach it (it would end a word that
//    ends in a blank with a stray '='); the runs between them do.
// Left to mimetic, as RFC 2045 6.7 suggests: an invalid escape is kept with
// the character after it ("==41" stays "==41", note 1), and control
// characters other than TAB are dropped (note 4).
#include "mime/transfer_encoding.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <mimetic/codec/qp.h>

#include "mime/mime_util.h"

namespace ndr {
namespace internal {
namespace mime {
namespace {

// Output iterator for mimetic's decoders: appends to a string up to a bound
// and remembers that it dropped bytes past it. Copies share one state (the
// decoders pass the iterator by value to std::copy).
class BoundedSink {
 public:
  using iterator_category = std::output_iterator_tag;
  using value_type = void;
  using difference_type = std::ptrdiff_t;
  using pointer = void;
  using reference = void;

  struct State {
    std::string* out;
    size_t max_size;
    bool cut = false;
  };

  explicit BoundedSink(State* state) : state_(state) {}
  BoundedSink& operator*() { return *this; }
  BoundedSink& operator++() { return *this; }
  BoundedSink& operator++(int) { return *this; }
  BoundedSink& operator=(int byte) {
    if (state_->out->size() < state_->max_size) {
      state_->out->push_back(static_cast<char>(byte));
    } else {
      state_->cut = true;
    }
    return *this;
  }

 private:
  State* state_;
};

using Byte = mimetic::codec::char_type;

// The guard's view of a base64 character: what mimetic's decoder is given,
// '=' for the end of a quantum, 0 for a character to skip (blanks, line
// breaks, garbage).
constexpr std::array<char, 256> MakeBase64Guard() {
  std::array<char, 256> t{};
  const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
  for (const char* p = alphabet; *p != '\0'; ++p) t[static_cast<unsigned char>(*p)] = *p;
  t[static_cast<unsigned char>('-')] = '+';  // base64url, seen in the wild
  t[static_cast<unsigned char>('_')] = '/';
  return t;
}
constexpr std::array<char, 256> kBase64Guard = MakeBase64Guard();

// The value of each base64 character after the guard (0..63), kBase64End
// for '=', kBase64Skip for the characters the guard drops.
constexpr int kBase64Skip = -1;
constexpr int kBase64End = -2;
constexpr std::array<int, 256> MakeBase64Value() {
  std::array<int, 256> t{};
  const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (int c = 0; c < 256; ++c) {
    const char g = kBase64Guard[static_cast<size_t>(c)];
    t[static_cast<size_t>(c)] = g == 0 ? kBase64Skip : g == '=' ? kBase64End : 0;
    for (int v = 0; v < 64; ++v) {
      if (g != 0 && alphabet[v] == g) t[static_cast<size_t>(c)] = v;
    }
  }
  return t;
}
constexpr std::array<int, 256> kBase64Value = MakeBase64Value();

bool IsHexDigit(char c) { return HexDigitValue(c) >= 0; }

// Whether mimetic's QP decoder reads the '=' at text[pos] as the start of an
// escape (or soft line break) rather than as the second or third character
// of an invalid one ("==" and "=4=" are kept whole, RFC 2045 6.7 note 1).
// Only the run of '=' and hex digits before it matters: the decoder starts
// afresh after any other character (the run lies within one line: linear).
bool StartsEscape(std::string_view text, size_t pos) {
  size_t i = pos;
  while (i > 0 && (text[i - 1] == '=' || IsHexDigit(text[i - 1]))) --i;
  int pending = 0;  // characters of an escape seen: 0 (none), 1 ("="), 2 ("=H")
  for (; i < pos; ++i) {
    if (pending == 0) {
      pending = text[i] == '=' ? 1 : 0;
    } else if (pending == 1) {
      pending = IsHexDigit(text[i]) ? 2 : 0;
    } else {
      pending = 0;
    }
  }
  return pending == 0;
}

std::string_view TrimRightBlanks(std::string_view s) {
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

// Characters QP does not leave as they are: '=' and control characters other
// than TAB (mimetic drops those, RFC 2045 6.7 note 4).
constexpr std::array<bool, 256> MakeQpSpecial() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = c != '\t';
  t[static_cast<unsigned char>('=')] = true;
  return t;
}
constexpr std::array<bool, 256> kQpSpecial = MakeQpSpecial();
bool IsQpSpecial(char c) { return kQpSpecial[static_cast<unsigned char>(c)]; }

// Whether any of the eight bytes in `word` may be special ('=' or below
// 0x20; a TAB too, then the caller looks byte by byte).
bool MayHaveQpSpecial(uint64_t word) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  const uint64_t eq = word ^ (kOnes * '=');
  const uint64_t has_eq = (eq - kOnes) & ~eq & kHigh;
  const uint64_t has_control = (word - kOnes * 0x20) & ~word & kHigh;
  return (has_eq | has_control) != 0;
}

// The first special character of line at or after `from` (line.size() when
// none). Sixteen bytes at a time (SSE2; the last bytes of a line of 16 or
// more as the 16 that end it), else eight: most text between escapes is long.
size_t NextQpSpecial(std::string_view line, size_t from) {
  const size_t n = line.size();
#if defined(__SSE2__)
  const __m128i equals = _mm_set1_epi8('=');
  const __m128i tab = _mm_set1_epi8('\t');
  const __m128i below_space = _mm_set1_epi8(0x1f);
  // One bit per special byte of the 16 at p.
  auto specials = [&](const char* p) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(x, below_space), x);  // x <= 0x1f, unsigned
    const __m128i special =
        _mm_or_si128(_mm_cmpeq_epi8(x, equals), _mm_andnot_si128(_mm_cmpeq_epi8(x, tab), control));
    return static_cast<unsigned>(_mm_movemask_epi8(special));
  };
  for (; from + 16 <= n; from += 16) {
    const unsigned mask = specials(line.data() + from);
    if (mask != 0) return from + static_cast<size_t>(__builtin_ctz(mask));
  }
  if (from < n && n >= 16) {
    // The 16 bytes that end the line; the first of them were looked at already.
    const unsigned mask = specials(line.data() + n - 16) >> (16 - (n - from));
    return mask != 0 ? from + static_cast<size_t>(__builtin_ctz(mask)) : n;
  }
#endif
  for (;;) {
    for (uint64_t word; from + 8 <= n; from += 8) {
      std::memcpy(&word, line.data() + from, 8);
      if (MayHaveQpSpecial(word)) break;
    }
    const size_t stop = std::min(n, from + 8);  // that word (a TAB?) or the tail
    for (; from < stop; ++from) {
      if (IsQpSpecial(line[from])) return from;
    }
    if (from == n) return from;
  }
}

// Where mimetic's decoder is back in its plain state after a span that
// starts with the special character at `pos`: two characters past the span's
// last special one (an escape is at most three long) and past any blanks (it
// holds blanks until the next character).
size_t SpanEnd(std::string_view line, size_t pos) {
  size_t end = pos + 1;
  for (size_t i = pos; i < end; ++i) {
    if (!IsQpSpecial(line[i])) continue;
    end = std::max(end, std::min(line.size(), i + 3));
    while (end < line.size() && IsBlank(line[end - 1])) ++end;
  }
  return end;
}

// The decoded text, written in place into room made ahead and cut at a
// bound (an append to the string per run of text and per escape was a third
// of the decoding's cost). QP text is mostly no longer decoded; room grows
// when it is. Finish gives the string its final length.
class QpOutput {
 public:
  QpOutput(std::string* out, size_t max_size, size_t input_size)
      : out_(out), used_(out->size()), max_(std::max(max_size, out->size())) {
    out_->resize(used_ + std::min(max_ - used_, input_size));
  }
  void Append(const char* bytes, size_t n) {
    const size_t room = max_ - used_;
    if (n > room) {
      cut_ = true;
      n = room;
    }
    if (n > out_->size() - used_) out_->resize(std::max(used_ + n, out_->size() * 2));
    if (n > 0) std::memcpy(&(*out_)[used_], bytes, n);
    used_ += n;
  }
  void Append(std::string_view bytes) { Append(bytes.data(), bytes.size()); }
  void Put(char byte) {
    if (used_ < out_->size() && used_ < max_) {
      (*out_)[used_++] = byte;
    } else {
      Append(&byte, 1);
    }
  }
  bool cut() const { return cut_; }
  void Finish() { out_->resize(used_); }

 private:
  std::string* out_;
  size_t used_;  // bytes of *out_ written
  size_t max_;
  bool cut_ = false;
};

// Decodes one line (no line ending, no trailing blanks, no soft break).
// Only spans around special characters go through mimetic's decoder, a
// fresh one each: the text between them is copied (QP leaves it unchanged)
// where the decoder would be in its plain state anyway. Most lines have no
// '=' at all, many HTML lines a few far apart.
void DecodeQpLine(std::string_view line, QpOutput* out) {
  size_t pos = 0;
  size_t first = NextQpSpecial(line, 0);
  for (;;) {
    out->Append(line.data() + pos, first - pos);
    if (first == line.size()) return;
    // One escape alone (most spans): SpanEnd would end it after its digits.
    const bool escape = first + 3 <= line.size() && line[first] == '=' && IsHexDigit(line[first + 1]) &&
                        IsHexDigit(line[first + 2]);
    size_t end = escape ? first + 3 : SpanEnd(line, first);
    // Blanks, then a CR: the decoder drops those blanks, so it must see them.
    // (The special character after the span starts the next one.)
    size_t next = NextQpSpecial(line, end);
    const bool alone = !(next < line.size() && line[next] == '\r' && IsBlank(line[next - 1]));
    for (; next < line.size() && line[next] == '\r' && IsBlank(line[next - 1]); next = NextQpSpecial(line, end)) {
      end = SpanEnd(line, next);
    }
    if (escape && alone) {
      // The byte it stands for, as mimetic writes it.
      out->Put(static_cast<char>(HexDigitValue(line[first + 1]) << 4 | HexDigitValue(line[first + 2])));
    } else {
      std::string decoded;
      BoundedSink::State state{&decoded, static_cast<size_t>(-1)};
      BoundedSink sink(&state);
      mimetic::QP::Decoder decoder;
      for (size_t i = first; i < end; ++i) decoder.process(Byte(line[i]), sink);
      decoder.flush(sink);
      out->Append(decoded);
    }
    pos = end;
    first = next;
  }
}

}  // namespace

// ndr's own: mimetic's ContentTransferEncoding keeps the value as written
// (" base64 ", "base64 (x)", "\"base64\"" are no mechanism it knows).
TransferEncoding ParseTransferEncoding(std::string_view value) {
  value = Trim(value);
  // Drop a trailing comment or parameter ("base64 (x)", "base64;").
  size_t end = value.find_first_of(" \t(;");
  if (end != std::string_view::npos) value = value.substr(0, end);
  while (!value.empty() && value.front() == '"') value.remove_prefix(1);
  while (!value.empty() && value.back() == '"') value.remove_suffix(1);
  if (IEquals(value, "base64")) return TransferEncoding::kBase64;
  if (IEquals(value, "quoted-printable")) return TransferEncoding::kQuotedPrintable;
  return TransferEncoding::kIdentity;
}

bool DecodeBase64(std::string_view in, size_t max_size, std::string* out) {
  // mimetic's decoder, written out: four characters give three bytes; a
  // quantum cut short by an '=' or the end gives what its characters hold
  // (two: one byte, three: two bytes, one: nothing), and the next starts
  // afresh. The output is written in place into room made ahead.
  const size_t start = out->size();
  const size_t room = max_size > start ? max_size - start : 0;
  out->resize(start + std::min(room, in.size() / 4 * 3 + 3));
  char* w = &(*out)[0] + start;
  char* const end = &(*out)[0] + out->size();
  bool cut = false;
  auto put = [&](int byte) {
    if (w < end) {
      *w++ = static_cast<char>(byte);
    } else {
      cut = true;
    }
  };
  int q[4];
  int n = 0;  // characters of the current quantum
  auto flush = [&]() {
    if (n >= 2) put(q[0] << 2 | ((q[1] >> 4) & 0x3));
    if (n >= 3) put(q[1] << 4 | ((q[2] >> 2) & 0xF));
    n = 0;
  };
  const auto* bytes = reinterpret_cast<const unsigned char*>(in.data());
  for (size_t i = 0; i < in.size() && !cut; ++i) {
    // Most of a body: whole quanta of four alphabet characters in a row.
    while (n == 0 && i + 4 <= in.size() && end - w >= 3) {
      const int a = kBase64Value[bytes[i]], b = kBase64Value[bytes[i + 1]];
      const int c = kBase64Value[bytes[i + 2]], d = kBase64Value[bytes[i + 3]];
      if ((a | b | c | d) < 0) break;  // a character to skip or an '='
      w[0] = static_cast<char>(a << 2 | b >> 4);
      w[1] = static_cast<char>(b << 4 | c >> 2);
      w[2] = static_cast<char>(c << 6 | d);
      w += 3;
      i += 4;
    }
    if (i >= in.size()) break;
    const int v = kBase64Value[bytes[i]];
    if (v < 0) {
      if (v == kBase64End) flush();
      continue;
    }
    q[n++] = v;
    if (n == 4) {
      put(q[0] << 2 | ((q[1] >> 4) & 0x3));
      put(q[1] << 4 | ((q[2] >> 2) & 0xF));
      put(q[2] << 6 | q[3]);
      n = 0;
    }
  }
  if (!cut) flush();  // a last quantum without padding
  out->resize(static_cast<size_t>(w - out->data()));
  return !cut;
}

bool DecodeQuotedPrintable(std::string_view in, size_t max_size, std::string* out) {
  QpOutput decoded(out, max_size, in.size());
  size_t pos = 0;
  while (pos < in.size() && !decoded.cut()) {
    size_t eol = in.find('\n', pos);
    const bool hard_break = eol != std::string_view::npos;
    if (!hard_break) eol = in.size();
    std::string_view line = in.substr(pos, eol - pos);
    pos = eol + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    line = TrimRightBlanks(line);  // transport padding
    std::string_view blanks;       // before a soft break: text, written after the decoded line
    const bool soft_break = !line.empty() && line.back() == '=' && StartsEscape(line, line.size() - 1);
    if (soft_break) {
      line.remove_suffix(1);
      std::string_view text = TrimRightBlanks(line);
      blanks = line.substr(text.size());
      line = text;
    }
    DecodeQpLine(line, &decoded);
    decoded.Append(blanks);
    if (hard_break && !soft_break) decoded.Put('\n');
  }
  decoded.Finish();
  return !decoded.cut();
}

void DecodeQEncoding(std::string_view in, std::string* out) {
  BoundedSink::State state{out, static_cast<size_t>(-1)};
  BoundedSink sink(&state);
  const size_t n = in.size();
  size_t i = 0;
  while (i < n) {
    // '_' (a space) and blanks are written here; the runs between them go
    // through a fresh decoder each, which then never ends in its blank state.
    if (in[i] == '_' || IsBlank(in[i])) {
      out->push_back(in[i] == '_' ? ' ' : in[i]);
      ++i;
      continue;
    }
    mimetic::QP::Decoder decoder;
    for (; i < n && in[i] != '_' && !IsBlank(in[i]); ++i) decoder.process(Byte(in[i]), sink);
    decoder.flush(sink);
  }
}

std::string NormalizeLineEndings(std::string_view in) {
  // Written in place, 32 bytes at a time up to the next CR (SSE2): a memchr
  // and an append per line were most of the cost of a CRLF message.
  std::string out(in.size(), '\0');
  char* w = &out[0];
  const char* p = in.data();
  const char* const end = p + in.size();
  while (p < end) {
#if defined(__SSE2__)
    // The 32 bytes are stored whole, CR and all (the bytes from the CR on
    // are written again after it); the output stays behind the input, so
    // they fit.
    const __m128i cr = _mm_set1_epi8('\r');
    while (end - p >= 32) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      const __m128i y = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(w), x);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(w + 16), y);
      const auto mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, cr))) |
                        static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(y, cr))) << 16;
      const size_t plain = mask == 0 ? 32 : static_cast<size_t>(__builtin_ctz(mask));
      p += plain;
      w += plain;
      if (mask != 0) break;
    }
    if (p == end) break;
#endif
    if (*p == '\r') {
      *w++ = '\n';
      ++p;
      if (p < end && *p == '\n') ++p;
    } else {
      *w++ = *p++;
    }
  }
  out.resize(static_cast<size_t>(w - out.data()));
  return out;
}

}  // namespace mime
}  // namespace internal
}  // namespace ndr
