// Charset conversion to UTF-8. See charset.h.
#include "mime/charset.h"

#include <errno.h>
#include <iconv.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "core/strings.h"

#include "mime/mime_util.h"
#include "ndr/message.h"

namespace ndr {
namespace internal {
namespace mime {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

void AppendCodePoint(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Copies valid UTF-8 and replaces every invalid byte with U+FFFD.
// Returns true when something was replaced.
bool AppendSanitizedUtf8(std::string_view text, std::string* out) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  bool replaced = false;
  size_t i = 0;
  size_t run = 0;  // start of the pending run of valid bytes
  while (i < n) {
    if (s[i] < 0x80) {
      ++i;
      continue;
    }
    size_t len = Utf8SequenceLength(s, i, n);
    if (len == 0) {
      out->append(text.data() + run, i - run);
      out->append(kReplacement);
      replaced = true;
      ++i;
      run = i;
    } else {
      i += len;
    }
  }
  out->append(text.data() + run, n - run);
  return replaced;
}

// windows-1252, with the five undefined bytes mapped to the C1 controls as
// browsers do, so the mapping is total. Also used for ISO-8859-1.
constexpr uint16_t kCp1252High[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

void AppendCp1252(std::string_view text, std::string* out) {
  out->reserve(out->size() + text.size() + text.size() / 4);
  size_t run = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) continue;
    out->append(text.data() + run, i - run);
    AppendCodePoint(c < 0xA0 ? kCp1252High[c - 0x80] : c, out);
    run = i + 1;
  }
  out->append(text.data() + run, text.size() - run);
}

// ---- iconv, one small cache of handles per thread ----

class IconvCache {
 public:
  ~IconvCache() {
    for (auto& e : entries_) {
      if (e.second != Invalid()) iconv_close(e.second);
    }
  }
  // A handle converting `name` to UTF-8, or Invalid() when iconv does not know it.
  iconv_t Get(const std::string& name) {
    for (size_t i = 0; i < entries_.size(); ++i) {
      if (entries_[i].first == name) {
        if (i != 0) std::swap(entries_[i], entries_[0]);  // keep hot names in front
        return entries_[0].second;
      }
    }
    iconv_t cd = iconv_open("UTF-8", name.c_str());
    if (entries_.size() >= kMaxEntries) {
      if (entries_.back().second != Invalid()) iconv_close(entries_.back().second);
      entries_.pop_back();
    }
    entries_.emplace_back(name, cd);
    return cd;
  }
  static iconv_t Invalid() { return reinterpret_cast<iconv_t>(-1); }

 private:
  static constexpr size_t kMaxEntries = 12;
  std::vector<std::pair<std::string, iconv_t>> entries_;
};

IconvCache& ThreadIconvCache() {
  thread_local IconvCache cache;
  return cache;
}

// Converts with an open handle; invalid or incomplete input becomes U+FFFD.
// The input goes to iconv in small windows: after an invalid sequence glibc
// may redo work in proportion to the input it was handed (UTF-7 garbage costs
// microseconds per byte that way, seconds per MB). Converting piecewise on one
// handle gives the same output; a sequence cut at a window's end (EINVAL) is
// read again at the start of the next window.
Conversion IconvAppend(iconv_t cd, std::string_view text, std::string* out) {
  constexpr size_t kWindow = 128;
  iconv(cd, nullptr, nullptr, nullptr, nullptr);  // reset the shift state
  char* in = const_cast<char*>(text.data());
  size_t in_left = text.size();
  bool replaced = false;
  bool widen = false;  // a sequence longer than the window: hand over all the rest once
  out->reserve(out->size() + text.size() + text.size() / 2);
  char buf[16384];
  while (in_left > 0) {
    char* op = buf;
    size_t out_left = sizeof(buf);
    size_t window = widen ? in_left : std::min(in_left, kWindow);
    size_t rest = in_left - window;
    widen = false;
    size_t r = iconv(cd, &in, &window, &op, &out_left);
    int err = errno;
    size_t consumed = in_left - rest - window;
    in_left = window + rest;
    out->append(buf, static_cast<size_t>(op - buf));
    if (r != static_cast<size_t>(-1)) continue;
    if (err == E2BIG) continue;
    if (err == EINVAL && rest > 0) {
      widen = consumed == 0;
      continue;
    }
    replaced = true;
    out->append(kReplacement);
    if (err == EILSEQ && in_left > 0) {
      ++in;
      --in_left;
    } else {
      in_left = 0;  // EINVAL: incomplete sequence at the end
    }
  }
  char* op = buf;
  size_t out_left = sizeof(buf);
  iconv(cd, nullptr, nullptr, &op, &out_left);
  out->append(buf, static_cast<size_t>(op - buf));
  return replaced ? Conversion::kReplaced : Conversion::kClean;
}

// ---- ISO-2022-JP: transcoded to CP932 (Shift_JIS + NEC/IBM extensions) ----

Conversion Iso2022JpAppend(std::string_view text, std::string* out) {
  iconv_t cd = ThreadIconvCache().Get("CP932");
  enum Mode { kAscii, kKana, kJis } mode = kAscii;
  std::string sjis;
  sjis.reserve(text.size());
  bool replaced = false;
  auto flush = [&]() {
    if (sjis.empty()) return;
    if (cd == IconvCache::Invalid()) {
      replaced |= AppendSanitizedUtf8(sjis, out);
    } else if (IconvAppend(cd, sjis, out) != Conversion::kClean) {
      replaced = true;
    }
    sjis.clear();
  };
  auto replace = [&]() {
    flush();
    out->append(kReplacement);
    replaced = true;
  };
  const size_t n = text.size();
  for (size_t i = 0; i < n; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == 0x1B) {
      std::string_view esc = text.substr(i + 1, 3);
      if (esc.substr(0, 2) == "(B" || esc.substr(0, 2) == "(J" || esc.substr(0, 2) == "(H") {
        mode = kAscii;
        i += 2;
      } else if (esc.substr(0, 2) == "(I") {
        mode = kKana;
        i += 2;
      } else if (esc.substr(0, 2) == "$B" || esc.substr(0, 2) == "$@") {
        mode = kJis;
        i += 2;
      } else if (esc == "$(B" || esc == "$(Q" || esc == "$(O") {
        mode = kJis;  // JIS X 0208 / 0213 plane 1: read as X 0208
        i += 3;
      } else if (esc.substr(0, 2) == "&@") {
        i += 2;  // JIS X 0208-1990 announcer, followed by ESC $ B
      } else {
        replace();
      }
      continue;
    }
    if (c == 0x0E) {  // SO: half-width katakana (CP50221)
      mode = kKana;
      continue;
    }
    if (c == 0x0F) {  // SI
      mode = kAscii;
      continue;
    }
    if (c >= 0x80) {
      replace();
      continue;
    }
    if (c == '\n' || c == '\r') {
      mode = kAscii;  // RFC 1468: lines end in ASCII; forgive a missing ESC ( B
      sjis.push_back(static_cast<char>(c));
      continue;
    }
    switch (mode) {
      case kAscii: {
        // The ASCII run up to the next escape, shift or 8-bit byte, in one append.
        size_t end = i + 1;
        while (end < n) {
          const auto b = static_cast<unsigned char>(text[end]);
          if (b >= 0x80 || b == 0x1B || b == 0x0E || b == 0x0F) break;
          ++end;
        }
        sjis.append(text.data() + i, end - i);
        i = end - 1;
        break;
      }
      case kKana:
        if (c >= 0x21 && c <= 0x5F) {
          sjis.push_back(static_cast<char>(c + 0x80));
        } else {
          sjis.push_back(static_cast<char>(c));
        }
        break;
      case kJis: {
        unsigned char c2 = i + 1 < n ? static_cast<unsigned char>(text[i + 1]) : 0;
        if (c >= 0x21 && c <= 0x7E && c2 >= 0x21 && c2 <= 0x7E) {
          unsigned s1 = ((c - 0x21) >> 1) + 0x81;
          if (s1 > 0x9F) s1 += 0x40;
          unsigned s2;
          if (c & 1) {
            s2 = c2 + 0x1F;
            if (s2 >= 0x7F) ++s2;
          } else {
            s2 = c2 + 0x7E;
          }
          sjis.push_back(static_cast<char>(s1));
          sjis.push_back(static_cast<char>(s2));
          ++i;
        } else if (c < 0x21) {
          sjis.push_back(static_cast<char>(c));  // a space or control in 2-byte mode
        } else {
          replace();
        }
        break;
      }
    }
  }
  flush();
  return replaced ? Conversion::kReplaced : Conversion::kClean;
}

// ---- Charset names ----

enum class Kind { kUtf8, kAscii, kCp1252, kIso2022Jp, kIconv };

struct CharsetAlias {
  std::string_view key;  // lower case, without '-', '_', '.', ':' and blanks
  Kind kind;
  const char* iconv_name;
};

constexpr CharsetAlias kAliases[] = {
    {"utf8", Kind::kUtf8, nullptr},
    {"unicode11utf8", Kind::kUtf8, nullptr},
    {"xunicode20utf8", Kind::kUtf8, nullptr},
    {"uft8", Kind::kUtf8, nullptr},  // a typo seen in real bounces
    {"usascii", Kind::kAscii, nullptr},
    {"ascii", Kind::kAscii, nullptr},
    {"ansix341968", Kind::kAscii, nullptr},
    {"iso646us", Kind::kAscii, nullptr},
    {"us", Kind::kAscii, nullptr},
    {"csascii", Kind::kAscii, nullptr},
    {"cp367", Kind::kAscii, nullptr},
    {"7bit", Kind::kAscii, nullptr},
    {"iso88591", Kind::kCp1252, nullptr},
    {"iso885911987", Kind::kCp1252, nullptr},
    {"latin1", Kind::kCp1252, nullptr},
    {"l1", Kind::kCp1252, nullptr},
    {"cp819", Kind::kCp1252, nullptr},
    {"ibm819", Kind::kCp1252, nullptr},
    {"csisolatin1", Kind::kCp1252, nullptr},
    {"windows1252", Kind::kCp1252, nullptr},
    {"cp1252", Kind::kCp1252, nullptr},
    {"xcp1252", Kind::kCp1252, nullptr},
    {"iso2022jp", Kind::kIso2022Jp, nullptr},
    {"csiso2022jp", Kind::kIso2022Jp, nullptr},
    {"iso2022jp1", Kind::kIso2022Jp, nullptr},
    {"shiftjis", Kind::kIconv, "CP932"},
    {"sjis", Kind::kIconv, "CP932"},
    {"xsjis", Kind::kIconv, "CP932"},
    {"mskanji", Kind::kIconv, "CP932"},
    {"csshiftjis", Kind::kIconv, "CP932"},
    {"windows31j", Kind::kIconv, "CP932"},
    {"cswindows31j", Kind::kIconv, "CP932"},
    {"cp932", Kind::kIconv, "CP932"},
    {"ms932", Kind::kIconv, "CP932"},
    {"xmscp932", Kind::kIconv, "CP932"},
    {"eucjp", Kind::kIconv, "EUC-JP-MS"},
    {"xeucjp", Kind::kIconv, "EUC-JP-MS"},
    {"cseucpkdfmtjapanese", Kind::kIconv, "EUC-JP-MS"},
    {"eucjpms", Kind::kIconv, "EUC-JP-MS"},
    {"gb2312", Kind::kIconv, "GB18030"},
    {"csgb2312", Kind::kIconv, "GB18030"},
    {"gb231280", Kind::kIconv, "GB18030"},
    {"euccn", Kind::kIconv, "GB18030"},
    {"xeuccn", Kind::kIconv, "GB18030"},
    {"gbk", Kind::kIconv, "GB18030"},
    {"xgbk", Kind::kIconv, "GB18030"},
    {"cp936", Kind::kIconv, "GB18030"},
    {"ms936", Kind::kIconv, "GB18030"},
    {"windows936", Kind::kIconv, "GB18030"},
    {"chinese", Kind::kIconv, "GB18030"},
    {"gb18030", Kind::kIconv, "GB18030"},
    {"big5", Kind::kIconv, "BIG5-HKSCS"},
    {"cnbig5", Kind::kIconv, "BIG5-HKSCS"},
    {"xxbig5", Kind::kIconv, "BIG5-HKSCS"},
    {"csbig5", Kind::kIconv, "BIG5-HKSCS"},
    {"big5hkscs", Kind::kIconv, "BIG5-HKSCS"},
    {"cp950", Kind::kIconv, "CP950"},
    {"ksc56011987", Kind::kIconv, "CP949"},
    {"ksc56011989", Kind::kIconv, "CP949"},
    {"ksc5601", Kind::kIconv, "CP949"},
    {"csksc56011987", Kind::kIconv, "CP949"},
    {"euckr", Kind::kIconv, "CP949"},
    {"cseuckr", Kind::kIconv, "CP949"},
    {"korean", Kind::kIconv, "CP949"},
    {"cp949", Kind::kIconv, "CP949"},
    {"uhc", Kind::kIconv, "CP949"},
    {"windows949", Kind::kIconv, "CP949"},
    {"xwindows949", Kind::kIconv, "CP949"},
    {"koi8r", Kind::kIconv, "KOI8-R"},
    {"cskoi8r", Kind::kIconv, "KOI8-R"},
    {"koi8", Kind::kIconv, "KOI8-R"},
    {"koi8u", Kind::kIconv, "KOI8-U"},
    {"utf7", Kind::kIconv, "UTF-7"},
    {"unicode11utf7", Kind::kIconv, "UTF-7"},
    {"koi8ru", Kind::kIconv, "KOI8-RU"},
};

struct Resolved {
  Kind kind = Kind::kIconv;
  std::string iconv_name;  // for kIconv; "" when the name is unusable
  bool ascii_compatible = true;
};

Resolved Resolve(std::string_view charset) {
  // Strip quotes and an RFC 2231 language suffix ("utf-8*en").
  charset = Trim(charset);
  while (!charset.empty() && (charset.front() == '"' || charset.front() == '\'')) charset.remove_prefix(1);
  while (!charset.empty() && (charset.back() == '"' || charset.back() == '\'')) charset.remove_suffix(1);
  size_t star = charset.find('*');
  if (star != std::string_view::npos) charset = charset.substr(0, star);
  charset = Trim(charset);

  std::string key;
  key.reserve(charset.size());
  for (char c : charset) {
    if (c == '-' || c == '_' || c == '.' || c == ':' || IsSpace(c)) continue;
    key.push_back(AsciiLower(c));
  }
  Resolved r;
  for (const CharsetAlias& alias : kAliases) {
    if (alias.key == key) {
      r.kind = alias.kind;
      if (alias.iconv_name != nullptr) r.iconv_name = alias.iconv_name;
      return r;
    }
  }
  // Anything else is handed to iconv, if the name looks like a charset name.
  bool usable = !charset.empty() && charset.size() <= 48;
  for (char c : charset) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.' || c == ':' || c == '+' || c == '(' || c == ')';
    if (!ok) usable = false;
  }
  if (usable) r.iconv_name = std::string(charset);
  static constexpr std::string_view kAsciiFamilies[] = {"iso8859", "windows", "cp125", "koi8",
                                                        "latin", "tis620", "cp874", "mac"};
  r.ascii_compatible = false;
  for (std::string_view family : kAsciiFamilies) {
    if (key.compare(0, family.size(), family) == 0) r.ascii_compatible = true;
  }
  return r;
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  size_t i = AsciiPrefix(text);
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  while (i < n) {
    if (s[i] < 0x80) {
      i += AsciiPrefix(text.substr(i));  // ASCII between the characters: eight bytes at a time
      continue;
    }
    size_t len = Utf8SequenceLength(s, i, n);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

bool HasIso2022JpEscapes(std::string_view text) {
  size_t pos = 0;
  while ((pos = text.find('\x1b', pos)) != std::string_view::npos) {
    std::string_view esc = text.substr(pos + 1, 2);
    if (esc == "$B" || esc == "$@" || esc == "(I" || esc == "$(") return true;
    ++pos;
  }
  return false;
}

void AppendGuessedUtf8(std::string_view text, std::string* out) {
  size_t ascii = AsciiPrefix(text);
  if (ascii == text.size()) {
    if (text.find('\x1b') != std::string_view::npos && HasIso2022JpEscapes(text)) {
      Iso2022JpAppend(text, out);
    } else {
      out->append(text);
    }
    return;
  }
  if (IsValidUtf8(text.substr(ascii))) {
    out->append(text);
  } else {
    AppendCp1252(text, out);
  }
}

Conversion AppendUtf8(std::string_view text, std::string_view charset, std::string* out) {
  if (Trim(charset).empty()) {
    AppendGuessedUtf8(text, out);
    return Conversion::kClean;
  }
  Resolved r = Resolve(charset);
  switch (r.kind) {
    case Kind::kUtf8:
      if (IsValidUtf8(text)) {
        out->append(text);
        return Conversion::kClean;
      }
      return AppendSanitizedUtf8(text, out) ? Conversion::kReplaced : Conversion::kClean;
    case Kind::kAscii:
      AppendGuessedUtf8(text, out);  // 8-bit bytes in "us-ascii" text are common
      return Conversion::kClean;
    case Kind::kCp1252:
      AppendCp1252(text, out);
      return Conversion::kClean;
    case Kind::kIso2022Jp:
      if (IsAscii(text)) {
        // (two memchr passes: find_first_of looked each byte up in the pair, a call per byte)
        if (std::memchr(text.data(), '\x1b', text.size()) == nullptr &&
            std::memchr(text.data(), '\x0e', text.size()) == nullptr) {
          out->append(text);
          return Conversion::kClean;
        }
        return Iso2022JpAppend(text, out);
      }
      // 8-bit text labelled ISO-2022-JP: some Japanese mailers send EUC-JP
      // or Shift_JIS (or UTF-8) under that name.
      if (!HasIso2022JpEscapes(text)) {
        if (IsValidUtf8(text)) {
          out->append(text);
          return Conversion::kClean;
        }
        for (const char* name : {"EUC-JP-MS", "CP932"}) {
          iconv_t cd = ThreadIconvCache().Get(name);
          if (cd == IconvCache::Invalid()) continue;
          std::string attempt;
          if (IconvAppend(cd, text, &attempt) == Conversion::kClean) {
            out->append(attempt);
            return Conversion::kClean;
          }
        }
      }
      return Iso2022JpAppend(text, out);
    case Kind::kIconv:
      break;
  }
  if (r.ascii_compatible && IsAscii(text)) {
    // Still check the name so that an unknown charset is reported.
    if (!r.iconv_name.empty() && ThreadIconvCache().Get(r.iconv_name) != IconvCache::Invalid()) {
      out->append(text);
      return Conversion::kClean;
    }
  }
  iconv_t cd = r.iconv_name.empty() ? IconvCache::Invalid() : ThreadIconvCache().Get(r.iconv_name);
  if (cd == IconvCache::Invalid()) {
    AppendGuessedUtf8(text, out);
    return Conversion::kUnknownCharset;
  }
  return IconvAppend(cd, text, out);
}

}  // namespace mime
}  // namespace internal

bool ToUtf8(std::string_view text, std::string_view charset, std::string* out) {
  out->clear();
  return internal::mime::AppendUtf8(text, charset, out) == internal::mime::Conversion::kClean;
}

}  // namespace ndr
