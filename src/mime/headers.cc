// Header fields: Headers, ParseHeaderBlock, ParseFieldGroups and RFC 2047.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "mime/charset.h"
#include "mime/header_fields.h"
#include "mime/mime_util.h"
#include "mime/transfer_encoding.h"
#include "ndr/message.h"

namespace ndr {

using internal::mime::AppendGuessedUtf8;
using internal::mime::AppendUtf8;
using internal::IEquals;
using internal::IsBlank;
using internal::IsSpace;
using internal::mime::LineReader;
using internal::Trim;

Headers& Headers::operator=(const Headers& other) {
  if (this == &other) return *this;
  // other may be read (and so finished) by other threads meanwhile.
  std::unique_lock<FinishingLock> other_finishing(other.finishing_, std::defer_lock);
  if (other.unread_.load(std::memory_order_acquire) != 0) other_finishing.lock();
  fields_.clear();
  made_.clear();
  used_ = 0;
  // Values made on read live outside other's text: they join the copy's.
  // (Without any, every view lies in other's text.)
  size_t made_bytes = 0;
  const bool made = !other.made_.empty();
  for (size_t i = 0; made && i < other.fields_.size(); ++i) {
    if (!other.InText(other.fields_[i].value.data())) made_bytes += other.fields_[i].value.size();
  }
  const size_t need = other.used_ + made_bytes;
  if (capacity_ < need) {
    text_.reset(new char[need]);
    capacity_ = need;
  }
  if (other.used_ > 0) std::memcpy(text_.get(), other.text_.get(), other.used_);
  used_ = other.used_;
  fields_.reserve(other.fields_.size());
  const char* from = other.text_.get();
  auto rebase = [&](std::string_view v) {
    if (made && !other.InText(v.data())) return v.empty() ? std::string_view() : Store(v);
    return std::string_view(text_.get() + (v.data() - from), v.size());
  };
  for (const HeaderField& f : other.fields_) {
    std::string_view name = rebase(f.name);
    fields_.push_back({name, rebase(f.value)});
  }
  raw_ = other.raw_;
  unread_.store(other.unread_.load(std::memory_order_relaxed), std::memory_order_relaxed);
  return *this;
}

Headers& Headers::operator=(Headers&& other) noexcept {
  fields_ = std::move(other.fields_);
  text_ = std::move(other.text_);
  used_ = std::exchange(other.used_, 0);
  capacity_ = std::exchange(other.capacity_, 0);
  raw_ = std::move(other.raw_);
  unread_.store(other.unread_.exchange(0, std::memory_order_relaxed), std::memory_order_relaxed);
  made_ = std::move(other.made_);
  other.fields_.clear();
  return *this;
}

void Headers::Grow(size_t bytes) {
  const size_t capacity = std::max({used_ + bytes, capacity_ * 2, size_t{256}});
  std::unique_ptr<char[]> bigger(new char[capacity]);
  if (used_ > 0) std::memcpy(bigger.get(), text_.get(), used_);
  const char* from = text_.get();
  const bool made = !made_.empty();
  auto rebase = [&](std::string_view v) {
    if (made && !InText(v.data())) return v;  // made on read: stays where it is
    return std::string_view(bigger.get() + (v.data() - from), v.size());
  };
  for (HeaderField& f : fields_) f = {rebase(f.name), rebase(f.value)};
  text_ = std::move(bigger);
  capacity_ = capacity;
}

std::string_view Headers::Store(std::string_view bytes) {
  char* at = text_.get() + used_;
  if (!bytes.empty()) std::memcpy(at, bytes.data(), bytes.size());
  used_ += bytes.size();
  return std::string_view(at, bytes.size());
}

bool Headers::InText(const char* p) const {
  const std::less_equal<const char*> not_after;
  return text_ != nullptr && not_after(text_.get(), p) && not_after(p, text_.get() + used_);
}

bool Headers::Holds(std::string_view bytes) const {
  const std::less<const char*> before;
  return used_ > 0 && !before(bytes.data(), text_.get()) && before(bytes.data(), text_.get() + used_);
}

void Headers::Add(std::string_view name, std::string_view value) {
  const size_t need = name.size() + value.size();
  if (used_ + need > capacity_ || capacity_ == 0) {
    if (Holds(name) || Holds(value)) {  // one of our own fields: copy it before the buffer moves
      Add(std::string(name), std::string(value));
      return;
    }
    Grow(need);
  }
  std::string_view n = Store(name);
  fields_.push_back({n, Store(value)});
}

namespace {

// IEquals for field names: a name of four to seven bytes (From, Date,
// Subject) is compared as one eight-byte word of two overlapping halves,
// not byte by byte.
bool SameFieldName(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  if (n != b.size()) return false;
  if (n < 4 || n >= 8) return internal::IEqualsSized(a.data(), b.data(), n);
  auto halves = [n](const char* p) {
    uint32_t head;
    uint32_t tail;
    std::memcpy(&head, p, 4);
    std::memcpy(&tail, p + n - 4, 4);
    return static_cast<uint64_t>(head) | static_cast<uint64_t>(tail) << 32;
  };
  const uint64_t x = halves(a.data());
  const uint64_t y = halves(b.data());
  return x == y || internal::AsciiLower8(x) == internal::AsciiLower8(y);
}

}  // namespace

std::string_view Headers::Get(std::string_view name) const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (SameFieldName(fields_[i].name, name)) {
      if (unread_.load(std::memory_order_acquire) != 0) {
        std::lock_guard<FinishingLock> lock(finishing_);
        if (raw_[i]) Finish(i);
      }
      return fields_[i].value;
    }
  }
  return {};
}

bool Headers::Has(std::string_view name) const {
  for (const HeaderField& f : fields_) {
    if (SameFieldName(f.name, name)) return true;
  }
  return false;
}

namespace {

// One RFC 2047 word "=?charset?B|Q?text?=" at value[start]. Like most mail
// readers we accept words that touch other text and Q text with blanks.
struct EncodedWord {
  std::string_view charset;
  char encoding = 'Q';
  std::string_view text;
  size_t end = 0;  // index just past "?="
};

bool ReadEncodedWord(std::string_view value, size_t start, EncodedWord* w) {
  // value.substr(start) begins with "=?"
  // Searches stay within a window so that many "=?" without "?=" cost
  // linear time (RFC 2047 words are at most 75 characters).
  constexpr size_t kMaxCharset = 64;
  constexpr size_t kMaxText = 512;
  size_t cs_begin = start + 2;
  size_t q1 = value.substr(0, cs_begin + kMaxCharset + 1).find('?', cs_begin);
  if (q1 == std::string_view::npos || q1 == cs_begin) return false;
  for (size_t i = cs_begin; i < q1; ++i) {
    char c = value[i];
    if (IsBlank(c) || c == '=' || static_cast<unsigned char>(c) < 33) return false;
  }
  if (q1 + 2 >= value.size() || value[q1 + 2] != '?') return false;
  char enc = value[q1 + 1];
  if (enc == 'b') enc = 'B';
  if (enc == 'q') enc = 'Q';
  if (enc != 'B' && enc != 'Q') return false;
  size_t text_begin = q1 + 3;
  size_t close = value.substr(0, text_begin + kMaxText + 2).find("?=", text_begin);
  if (close == std::string_view::npos) return false;
  w->charset = value.substr(cs_begin, q1 - cs_begin);
  w->encoding = enc;
  w->text = value.substr(text_begin, close - text_begin);
  w->end = close + 2;
  return true;
}

// 8-bit bytes or an ISO-2022 escape: the value is not plain ASCII.
bool HasRaw8Bit(std::string_view value) {
  // Eight bytes at a time, one test at the end: most values are ASCII.
  uint64_t any = 0;
  size_t i = 0;
  for (; i + 8 <= value.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, value.data() + i, 8);
    any |= word;
  }
  for (; i < value.size(); ++i) any |= static_cast<unsigned char>(value[i]);
  if ((any & 0x8080808080808080ULL) != 0) return true;
  return std::memchr(value.data(), '\x1b', value.size()) != nullptr;
}

// 8-bit bytes, an ISO-2022 escape or an RFC 2047 word ("=?"): the value is
// decoded, otherwise stored as it is (most values). One pass over the value
// (it was three: the 8-bit test, a search for ESC and one for "=?").
bool NeedsHeaderDecoding(std::string_view value) {
  const char* p = value.data();
  const size_t n = value.size();
#if defined(__SSE2__)
  const __m128i escape = _mm_set1_epi8('\x1b');
  const __m128i equals = _mm_set1_epi8('=');
  // Whether the 16 bytes at chunk (value bytes from p + at) hold an 8-bit
  // byte, an ESC or the '=' of "=?".
  auto special = [&](const char* chunk, size_t at) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(chunk));
    // movemask takes each byte's top bit: the 8-bit bytes.
    if (_mm_movemask_epi8(_mm_or_si128(x, _mm_cmpeq_epi8(x, escape))) != 0) return true;
    for (auto eq = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, equals))); eq != 0; eq &= eq - 1) {
      const size_t i = at + static_cast<size_t>(__builtin_ctz(eq));
      if (i + 1 < n && p[i + 1] == '?') return true;
    }
    return false;
  };
  if (n < 16) {  // a short value: its bytes, then zeros (which are none of those)
    char chunk[16] = {};
    if (n > 0) std::memcpy(chunk, p, n);
    return special(chunk, 0);
  }
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    if (special(p + i, i)) return true;
  }
  // The last bytes: the 16 that end the value (some looked at twice).
  return i < n && special(p + n - 16, n - 16);
#else
  for (size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(p[i]);
    if (c >= 0x80 || c == 0x1b || (c == '=' && i + 1 < n && p[i + 1] == '?')) return true;
  }
  return false;
#endif
}

std::string DecodeEncodedWordsInUtf8(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  std::string pending;          // decoded bytes of adjacent words in one charset
  std::string_view pending_cs;  // their charset
  auto flush = [&]() {
    if (!pending.empty()) AppendUtf8(pending, pending_cs, &out);
    pending.clear();
  };
  bool after_word = false;
  size_t i = 0;
  while (i < value.size()) {
    size_t start = value.find("=?", i);
    if (start == std::string_view::npos) break;
    EncodedWord w;
    if (!ReadEncodedWord(value, start, &w)) {
      flush();
      out.append(value.substr(i, start + 2 - i));
      i = start + 2;
      after_word = false;
      continue;
    }
    std::string_view between = value.substr(i, start - i);
    bool only_blanks = true;
    for (char c : between) {
      if (!internal::IsSpace(c)) only_blanks = false;
    }
    if (!(after_word && only_blanks)) {
      flush();
      out.append(between);
    }
    if (!IEquals(pending_cs, w.charset)) flush();
    pending_cs = w.charset;
    if (w.encoding == 'B') {
      internal::mime::DecodeBase64(w.text, static_cast<size_t>(-1), &pending);
    } else {
      internal::mime::DecodeQEncoding(w.text, &pending);
    }
    i = w.end;
    after_word = true;
  }
  flush();
  out.append(value.substr(i));
  return out;
}

// Raw 8-bit header bytes: UTF-8 stays (RFC 6532); ISO-2022-JP escapes are
// decoded; anything else is read as windows-1252.
std::string DecodeHeaderValue(std::string_view value) {
  if (!NeedsHeaderDecoding(value)) return std::string(value);
  std::string utf8;
  if (HasRaw8Bit(value)) {
    AppendGuessedUtf8(value, &utf8);
    value = utf8;
  }
  if (value.find("=?") == std::string_view::npos) return utf8.empty() ? std::string(value) : utf8;
  return DecodeEncodedWordsInUtf8(value);
}

// Joins a continuation line to the unfolded value *folded as FieldCollector
// does (within no limit): blanks trimmed, one space between, nothing for a blank line.
void AppendFolded(std::string_view line, std::string* folded) {
  std::string_view more = Trim(line);
  if (more.empty()) return;
  while (!folded->empty() && IsBlank(folded->back())) folded->pop_back();
  if (!folded->empty()) folded->push_back(' ');
  folded->append(more);
}

}  // namespace

void Headers::Finish(size_t i) const {
  raw_.Clear(i);
  // The bytes after the colon, as FieldCollector would have read them.
  std::string_view raw = fields_[i].value;
  const size_t first_end = raw.find('\n');
  std::string_view value = Trim(raw.substr(0, first_end));
  std::string folded;
  if (first_end != std::string_view::npos) {
    folded.assign(value);
    internal::mime::LineReader lines(raw.substr(first_end + 1));
    std::string_view line;
    while (lines.Next(&line)) AppendFolded(line, &folded);
    value = folded;
  }
  if (NeedsHeaderDecoding(value)) {
    value = made_.emplace_front(DecodeHeaderValue(value));
  } else if (!folded.empty()) {
    value = made_.emplace_front(std::move(folded));
  } else if (value.empty()) {
    value = raw.substr(0, 0);  // a view of text_ (not of the local string)
  }
  fields_[i].value = value;
  // After the value (see unread_); finishing_ is held, so no locked decrement.
  unread_.store(unread_.load(std::memory_order_relaxed) - 1, std::memory_order_release);
}

void Headers::FinishAll() const {
  std::lock_guard<FinishingLock> lock(finishing_);
  for (size_t i = 0; i < fields_.size() && unread_.load(std::memory_order_relaxed) != 0; ++i) {
    if (raw_[i]) Finish(i);
  }
}

namespace internal {
namespace mime {

namespace {

// The characters of a field name: printable ASCII but ' ' and ':'.
constexpr std::array<bool, 256> MakeNameChars() {
  std::array<bool, 256> t{};
  for (int c = 33; c < 127; ++c) t[static_cast<size_t>(c)] = c != ':';
  return t;
}
constexpr std::array<bool, 256> kNameChar = MakeNameChars();

// The colon's index for a name that ends at `p` (blanks may follow it), or -1.
ptrdiff_t NameEnd(const char* line, const char* p, const char* eol) {
  if (p == line) return -1;
  while (p < eol && IsBlank(*p)) ++p;  // "Subject : x"
  if (p >= eol || *p != ':') return -1;
  return p - line;
}

}  // namespace

// ndr's own rather than mimetic::Field: that keeps blanks before the colon in
// the name, skips only spaces after it and allocates a value per field.
ptrdiff_t FieldColon(const char* line, const char* eol) {
  const char* p = line;
#if defined(__SSE2__)
  // 16 bytes at a time while they lie in the line: the first byte that is no
  // name character (<= ' ', >= 0x7F, ':'); most names end in the first 16.
  const __m128i space = _mm_set1_epi8(' ');
  const __m128i del = _mm_set1_epi8(0x7F);
  const __m128i colon = _mm_set1_epi8(':');
  while (eol - p >= 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i other = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(x, space), x),
                                                    _mm_cmpeq_epi8(_mm_max_epu8(x, del), x)),
                                       _mm_cmpeq_epi8(x, colon));
    const int mask = _mm_movemask_epi8(other);
    if (mask != 0) return NameEnd(line, p + __builtin_ctz(static_cast<unsigned>(mask)), eol);
    p += 16;
  }
#endif
  while (p < eol && kNameChar[static_cast<unsigned char>(*p)]) ++p;
  return NameEnd(line, p, eol);
}

RawFields::RawFields(Headers* out, std::string_view block, size_t fields_guess) : out_(out), from_(block.data()) {
  out_->Reserve(fields_guess, block.size());
  to_ = out_->text_.get() + out_->used_;
  if (!block.empty()) std::memcpy(to_, block.data(), block.size());
  out_->used_ += block.size();
}

void RawFields::Finish() {
  // One fill for all the fields (a push_back on the bit vector per field cost
  // more than the field); built by one thread: a plain store, not a locked one.
  out_->raw_.SetFirst(out_->fields_.size());
  out_->unread_.store(out_->fields_.size(), std::memory_order_relaxed);
}

FieldCollector::FieldCollector(Headers* out, const Limits& limits, HeaderCuts* cuts, size_t block_bytes)
    : out_(out), max_value_(limits.max_header_line_bytes), max_fields_(limits.max_headers), cuts_(cuts) {
  // About one field per 40 bytes (at most 64 up front: the list grows
  // beyond that as usual); the text bytes: at most the block's (decoding seldom adds).
  out_->Reserve(std::min({block_bytes / 40 + 1, max_fields_, size_t{64}}), block_bytes);
}

bool FieldCollector::Line(std::string_view line, ptrdiff_t colon) {
  if (IsBlank(line.front())) {
    Continue(line);  // folded line (ignored after a line that was no field)
    return true;
  }
  if (colon > 0) {
    // The name without the blanks before its colon.
    size_t name_end = static_cast<size_t>(colon);
    while (IsBlank(line[name_end - 1])) --name_end;
    return Start(line.substr(0, name_end), line.substr(static_cast<size_t>(colon) + 1));
  }
  Finish();  // not "name: value": skipped with its continuation lines
  return true;
}

bool FieldCollector::Start(std::string_view name, std::string_view value) {
  Finish();
  if (out_->size() >= max_fields_) {
    cuts_->fields = true;
    return false;
  }
  name_ = name;
  first_ = Trim(value);
  if (first_.size() > max_value_) {
    first_ = first_.substr(0, max_value_);
    cuts_->line = true;
  }
  folded_.clear();
  is_folded_ = false;
  active_ = true;
  return true;
}

void FieldCollector::Continue(std::string_view line) {
  if (!active_) return;
  std::string_view more = Trim(line);
  if (more.empty()) return;
  if (!is_folded_) {
    folded_.assign(first_);
    is_folded_ = true;
  }
  while (!folded_.empty() && IsBlank(folded_.back())) folded_.pop_back();
  if (folded_.size() >= max_value_) {
    cuts_->line = true;
    return;
  }
  if (!folded_.empty()) folded_.push_back(' ');
  size_t room = max_value_ - std::min(max_value_, folded_.size());
  if (more.size() > room) {
    more = more.substr(0, room);
    cuts_->line = true;
  }
  folded_.append(more);
}

void FieldCollector::Finish() {
  if (!active_) return;
  active_ = false;
  std::string_view value = is_folded_ ? std::string_view(folded_) : first_;
  if (NeedsHeaderDecoding(value)) {
    out_->Add(name_, DecodeHeaderValue(value));
  } else {
    out_->Add(name_, value);  // no copy in between
  }
}

}  // namespace mime
}  // namespace internal

std::string DecodeEncodedWords(std::string_view value) { return DecodeHeaderValue(value); }

namespace {

// A field of a header block: its name and the bytes after its colon up to
// the end of its last line.
struct RawField {
  std::string_view name;
  std::string_view value;
};

// ParseHeaderBlock's fields as RawFields (made final when read) when no
// limit can cut them and the block's lines end in LF alone (what
// Headers::Finish splits at): false, *headers untouched, otherwise.
bool ReadRawBlock(std::string_view text, const Limits& limits, Headers* headers) {
  std::vector<RawField> fields;
  const char* p = text.data();
  const char* const end = p + text.size();
  bool open = false;  // the last line belongs to a field
  while (p < end) {
    auto* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    const char* eol = nl != nullptr ? nl : end;
    if (eol == p) break;  // the empty line ending the block
    if (IsBlank(*p)) {
      if (open) fields.back().value = std::string_view(fields.back().value.data(), static_cast<size_t>(eol - fields.back().value.data()));
    } else {
      const ptrdiff_t colon = internal::mime::FieldColon(p, eol);
      open = colon > 0;
      if (open) {
        const char* name_end = p + colon;
        while (IsBlank(name_end[-1])) --name_end;
        fields.push_back({std::string_view(p, static_cast<size_t>(name_end - p)),
                          std::string_view(p + colon + 1, static_cast<size_t>(eol - (p + colon + 1)))});
      }
    }
    p = nl != nullptr ? nl + 1 : end;
  }
  const std::string_view block(text.data(), static_cast<size_t>(p - text.data()));
  if (fields.size() > limits.max_headers || block.size() > limits.max_header_line_bytes ||
      std::memchr(block.data(), '\r', block.size()) != nullptr) {
    return false;
  }
  internal::mime::RawFields raw(headers, block, fields.size());
  for (const RawField& f : fields) raw.Add(f.name, f.value);
  raw.Finish();
  return true;
}

}  // namespace

Headers ParseHeaderBlock(std::string_view text, const Limits& limits, HeaderCuts* cuts) {
  HeaderCuts ignored;
  if (cuts == nullptr) cuts = &ignored;
  Headers headers;
  bool block_cut = false;
  if (text.size() > limits.max_header_bytes) {
    // Cut only when the block itself (up to its empty line) is longer.
    size_t end = text.find("\n\n");
    block_cut = end == std::string_view::npos || end > limits.max_header_bytes;
    if (block_cut) cuts->block = true;
    text = text.substr(0, limits.max_header_bytes);
  }
  if (!block_cut && ReadRawBlock(text, limits, &headers)) return headers;
  // A long text may be a block and a body (a quoted original in a report's
  // text): then the block's own length is reserved for, not the text's
  // (and at most 16 KiB up front).
  size_t block = std::min(text.size(), size_t{16384});
  if (block > 4096) {
    size_t blank = text.substr(0, block).find("\n\n");
    if (blank != std::string_view::npos) block = blank + 1;
  }
  internal::mime::FieldCollector field(&headers, limits, cuts, block);
  LineReader lines(text);
  std::string_view line;
  while (lines.Next(&line)) {
    if (line.empty()) break;  // end of the header block
    if (!field.Line(line)) break;
  }
  field.Finish();
  return headers;
}

Headers ParseHeaderBlock(std::string_view text, size_t max_bytes) {
  Limits limits;
  limits.max_header_bytes = max_bytes;
  return ParseHeaderBlock(text, limits, nullptr);
}

std::string DescribeHeaderCuts(const HeaderCuts& cuts, const Limits& limits, std::string_view where) {
  std::string out;
  auto add = [&](const std::string& what) {
    if (!out.empty()) out += "; ";
    out += what;
  };
  if (cuts.block) {
    add(std::string(where) + " cut at " + std::to_string(limits.max_header_bytes) + " bytes (--max-header-size)");
  }
  if (cuts.fields) {
    add(std::string(where) + ": more than " + std::to_string(limits.max_headers) +
        " fields, the rest not read (--max-headers)");
  }
  if (cuts.line) {
    add(std::string(where) + ": a field cut at " + std::to_string(limits.max_header_line_bytes) +
        " bytes (--max-header-line)");
  }
  return out;
}

// Room reserved for a delivery-status group up front (a recipient's group
// is a few short fields; a longer one grows as usual).
constexpr size_t kGroupBytesGuess = 256;

std::vector<Headers> ParseFieldGroups(std::string_view text, size_t max_groups, const Limits& limits,
                                      HeaderCuts* cuts) {
  HeaderCuts ignored;
  if (cuts == nullptr) cuts = &ignored;
  std::vector<Headers> groups;
  // Each group's lines go straight to its fields (what ParseHeaderBlock
  // gives for the group's text, the text read once).
  Headers group;
  std::optional<internal::mime::FieldCollector> fields;
  size_t group_bytes = 0;   // of the open group, up to the end of its last line
  bool group_done = false;  // a limit ended the open group: its later lines are not read
  auto close_group = [&]() {
    if (!fields) return;
    fields->Finish();
    fields.reset();
    if (!group.empty()) groups.push_back(std::move(group));
    group = Headers();
  };
  LineReader lines(text);
  std::string_view line;
  size_t line_begin = 0;
  while (groups.size() < max_groups && lines.Next(&line)) {
    const size_t next = lines.position();
    if (Trim(line).empty()) {
      close_group();  // a blank (or blanks-only) line separates groups
    } else {
      if (!fields) {
        fields.emplace(&group, limits, cuts, kGroupBytesGuess);
        group_bytes = 0;
        group_done = false;
      }
      const size_t before = group_bytes;
      group_bytes += next - line_begin;
      if (!group_done && before >= limits.max_header_bytes) group_done = true;
      if (!group_done) {
        if (group_bytes > limits.max_header_bytes) {
          cuts->block = true;  // the group is cut in this line
          line = line.substr(0, std::min(line.size(), limits.max_header_bytes - before));
          group_done = true;
        }
        if (!line.empty() && !fields->Line(line)) group_done = true;
      } else if (group_bytes > limits.max_header_bytes) {
        cuts->block = true;
      }
    }
    line_begin = next;
  }
  if (groups.size() < max_groups) close_group();
  return groups;
}

}  // namespace ndr
