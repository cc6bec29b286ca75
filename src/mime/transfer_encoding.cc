// Content-Transfer-Encoding decoders. See transfer_encoding.h.
//
// The decoding is mimetic's (mimetic::Base64::Decoder, mimetic::QP::Decoder,
// through their public process/flush interface). mimetic 0.9.8 goes wrong on
// some broken input, so every byte passes a guard here before it reaches the
// decoder (the input is already bounded by ndr's limits; the output is bounded
// by BoundedSink):
//  - base64: the decoder's table lookup reads one byte past its table for '|'
//    (0x7C), and an '=' inside a quantum misaligns everything after it
//    ("QQ=QUJD" gives 3 bytes of garbage instead of "A" "ABC"). Only alphabet
//    characters reach it (base64url's '-' and '_' as '+' and '/'); an '=' ends
//    the quantum here: flush, then a fresh decoder.
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
#include <functional>
#include <iterator>

#include <mimetic/codec/base64.h>
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
bool IsQpSpecial(char c) { return c == '=' || (static_cast<unsigned char>(c) < 0x20 && c != '\t'); }

// Decodes one line (no line ending, no trailing blanks, no soft break).
// Only the span from its first to its last special character goes through
// mimetic's decoder: what comes before is copied (QP leaves it unchanged),
// and so is what comes after once the decoder is back in its plain state --
// two characters past the last '=' (an escape is at most three long) and
// past any blanks (it holds blanks until the next character).
void DecodeQpLine(std::string_view line, const std::function<void(std::string_view)>& append,
                  BoundedSink& sink) {
  size_t first = 0;
  while (first < line.size() && !IsQpSpecial(line[first])) ++first;
  if (first == line.size()) {
    append(line);
    return;
  }
  size_t last = line.size() - 1;
  while (!IsQpSpecial(line[last])) --last;
  size_t end = std::min(line.size(), last + 3);
  while (end < line.size() && IsBlank(line[end - 1])) ++end;
  append(line.substr(0, first));
  mimetic::QP::Decoder decoder;
  for (size_t i = first; i < end; ++i) decoder.process(Byte(line[i]), sink);
  decoder.flush(sink);
  append(line.substr(end));
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
  BoundedSink::State state{out, max_size};
  BoundedSink sink(&state);
  if (out->size() < max_size) out->reserve(std::min(max_size, out->size() + in.size() / 4 * 3 + 3));
  const size_t n = in.size();
  size_t i = 0;
  while (i < n) {
    // One decoder per run up to an '=': it ends a quantum, what the quantum
    // holds comes out (flush) and the next starts afresh.
    mimetic::Base64::Decoder decoder;
    for (; i < n && !state.cut; ++i) {
      const char c = kBase64Guard[static_cast<unsigned char>(in[i])];
      if (c == 0) continue;
      if (c == '=') {
        ++i;
        break;
      }
      decoder.process(Byte(c), sink);
    }
    decoder.flush(sink);  // also a last quantum without padding
    if (state.cut) return false;
  }
  return true;
}

bool DecodeQuotedPrintable(std::string_view in, size_t max_size, std::string* out) {
  BoundedSink::State state{out, max_size};
  BoundedSink sink(&state);
  if (out->size() < max_size) out->reserve(std::min(max_size, out->size() + in.size()));
  const std::function<void(std::string_view)> append = [&](std::string_view bytes) {
    const size_t room = max_size - std::min(max_size, out->size());
    if (bytes.size() > room) state.cut = true;
    out->append(bytes.data(), std::min(room, bytes.size()));
  };
  size_t pos = 0;
  while (pos < in.size() && !state.cut) {
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
    DecodeQpLine(line, append, sink);
    append(blanks);
    if (hard_break && !soft_break) append("\n");
  }
  return !state.cut;
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

}  // namespace mime
}  // namespace internal
}  // namespace ndr
