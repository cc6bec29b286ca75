// Content-Type and Content-Disposition values. See content_type.h.
#include "mime/content_type.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <cstdlib>

#include "mime/charset.h"
#include "mime/mime_util.h"

namespace ndr {
namespace internal {
namespace mime {
namespace {

// Removes (comments) outside quoted strings.
std::string StripComments(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  int depth = 0;
  bool quoted = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quoted) {
      out.push_back(c);
      if (c == '\\' && i + 1 < s.size()) {
        out.push_back(s[++i]);
      } else if (c == '"') {
        quoted = false;
      }
    } else if (depth > 0) {
      if (c == '\\') {
        ++i;
      } else if (c == '(') {
        ++depth;
      } else if (c == ')') {
        --depth;
      }
    } else if (c == '(') {
      depth = 1;
    } else {
      if (c == '"') quoted = true;
      out.push_back(c);
    }
  }
  return out;
}

// Splits at ';' outside quoted strings, one piece at a time (no list: a
// value has a handful of pieces, and a vector of them was an allocation or
// three per value).
class SemicolonSplitter {
 public:
  explicit SemicolonSplitter(std::string_view s) : s_(s), next_quote_(s.find('"')) {
    if (next_quote_ != std::string_view::npos) {
      next_semicolon_ = Find(';', 0);
      next_pair_ = Find('\\', 0);
    }
  }
  // The next piece; false after the last.
  bool Next(std::string_view* piece) {
    if (done_) return false;
    size_t end = next_quote_ != std::string_view::npos ? QuoteAwareSemicolon() : s_.find(';', start_);
    if (end == std::string_view::npos) {
      end = s_.size();
      done_ = true;
    }
    *piece = s_.substr(start_, end - start_);
    start_ = end + 1;
    return true;
  }
  bool done() const { return done_; }

 private:
  // The next ';' outside a quoted string from start_, or npos. Quoted
  // strings (most: a boundary, tens of bytes) are stepped over from quote
  // to quote, their quoted pairs looked at only when they have any; each
  // byte searched for is searched for again only once the search passed
  // the last one found (the pieces' searches stay linear together).
  size_t QuoteAwareSemicolon() {
    const size_t n = s_.size();
    for (size_t i = start_;;) {
      const size_t semicolon = NextAt(';', i, &next_semicolon_);
      const size_t open = NextAt('"', i, &next_quote_);
      if (semicolon < open) return semicolon;  // (npos when there is neither)
      if (open == std::string_view::npos) return std::string_view::npos;
      for (size_t from = open + 1;;) {  // inside the quoted string
        const size_t close = NextAt('"', from, &next_quote_);
        const size_t pair = NextAt('\\', from, &next_pair_);
        if (pair < close) {  // a quoted pair first: the byte after it is no closing quote
          from = pair + 2;
          if (from >= n) return std::string_view::npos;
          continue;
        }
        if (close == std::string_view::npos) return std::string_view::npos;
        i = close + 1;
        break;
      }
    }
  }
  // The first `c` at or after `from`, with *at the last one found (npos: none after it).
  size_t NextAt(char c, size_t from, size_t* at) const {
    if (*at < from) *at = Find(c, from);
    return *at;
  }
  size_t Find(char c, size_t from) const {
    if (from >= s_.size()) return std::string_view::npos;
    const void* at = std::memchr(s_.data() + from, c, s_.size() - from);
    return at == nullptr ? std::string_view::npos : static_cast<size_t>(static_cast<const char*>(at) - s_.data());
  }

  std::string_view s_;
  size_t next_quote_;  // npos when there is no '"' at all: then every ';' splits (most values)
  size_t next_semicolon_ = 0;
  size_t next_pair_ = 0;
  size_t start_ = 0;
  bool done_ = false;
};

// Whether `s` has a byte 'A'..'Z'. Eight bytes at a time (AsciiLower8
// changes those bytes only), the last eight overlapping the ones before.
bool HasAsciiUpper(std::string_view s) {
  const size_t n = s.size();
  if (n < 8) {
    return std::any_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  }
  auto upper8 = [&](size_t i) {
    uint64_t x;
    std::memcpy(&x, s.data() + i, 8);
    return AsciiLower8(x) != x;
  };
  for (size_t i = 0; i + 8 < n; i += 8) {
    if (upper8(i)) return true;
  }
  return upper8(n - 8);
}

// `s` in lower case: itself when it is (most names and types), else a copy kept in *made.
std::string_view Lowered(std::string_view s, MadeText* made) {
  return HasAsciiUpper(s) ? made->Keep(ToLower(s)) : s;
}

// The value without its quotes: a view of `v` unless it holds a quoted pair.
std::string_view Unquote(std::string_view v, MadeText* made) {
  v = Trim(v);
  if (v.empty() || v.front() != '"') return v;
  // Most quoted values (boundaries) hold no quoted pair: then they are the
  // bytes up to the closing quote.
  std::string_view upto_quote = v.substr(1, v.find('"', 1) - 1);
  if (upto_quote.find('\\') == std::string_view::npos) return upto_quote;
  std::string out;
  for (size_t i = 1; i < v.size(); ++i) {
    char c = v[i];
    if (c == '\\' && i + 1 < v.size()) {
      out.push_back(v[++i]);
    } else if (c == '"') {
      break;
    } else {
      out.push_back(c);
    }
  }
  return made->Keep(std::move(out));
}

void AppendPercentDecoded(std::string_view s, std::string* out) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = HexDigitValue(s[i + 1]);
      int lo = HexDigitValue(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out->push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out->push_back(s[i]);
  }
}

struct Rfc2231Segment {
  int index = 0;
  bool extended = false;
  std::string_view value;
};

// The parameters in the pieces `pieces` has left, into *result (empty).
void ParseParams(SemicolonSplitter* pieces, MimeParams* result) {
  std::vector<std::pair<std::string_view, std::vector<Rfc2231Segment>>> extended;
  // Real headers carry a handful of parameters; a bound keeps hostile ones linear.
  constexpr size_t kMaxParams = 64;
  if (!pieces->done()) result->params.reserve(4);  // most have one to three
  std::string_view seg;
  for (size_t i = 0; i < kMaxParams && pieces->Next(&seg); ++i) {
    size_t eq = seg.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view name = Lowered(Trim(seg.substr(0, eq)), &result->made);
    if (name.empty()) continue;
    std::string_view value = Unquote(seg.substr(eq + 1), &result->made);
    size_t star = name.find('*');
    if (star == std::string_view::npos) {
      result->params.emplace_back(name, value);
      continue;
    }
    // RFC 2231: name*, name*N, name*N*
    Rfc2231Segment s;
    std::string_view base = name.substr(0, star);
    std::string_view rest = name.substr(star + 1);
    if (!rest.empty() && rest.back() == '*') {
      s.extended = true;
      rest.remove_suffix(1);
    } else if (rest.empty()) {
      s.extended = true;  // "name*"
    }
    if (!rest.empty()) {
      int index = 0;
      for (char c : rest) {
        if (c < '0' || c > '9' || index > 1000) {
          index = -1;
          break;
        }
        index = index * 10 + (c - '0');
      }
      if (index < 0) continue;
      s.index = index;
    }
    s.value = value;
    auto it = std::find_if(extended.begin(), extended.end(),
                           [&](const auto& e) { return e.first == base; });
    if (it == extended.end()) {
      extended.emplace_back(base, std::vector<Rfc2231Segment>());
      it = extended.end() - 1;
    }
    if (it->second.size() < 100) it->second.push_back(std::move(s));
  }
  for (auto& [base, segs] : extended) {
    std::stable_sort(segs.begin(), segs.end(),
                     [](const Rfc2231Segment& a, const Rfc2231Segment& b) { return a.index < b.index; });
    std::string charset;
    std::string bytes;
    for (size_t k = 0; k < segs.size(); ++k) {
      std::string_view v = segs[k].value;
      if (segs[k].extended) {
        if (k == 0) {
          size_t q1 = v.find('\'');
          size_t q2 = q1 == std::string_view::npos ? q1 : v.find('\'', q1 + 1);
          if (q2 != std::string_view::npos) {
            charset = std::string(v.substr(0, q1));
            v = v.substr(q2 + 1);
          }
        }
        AppendPercentDecoded(v, &bytes);
      } else {
        bytes.append(v);
      }
    }
    std::string decoded;
    AppendUtf8(bytes, charset, &decoded);
    const std::string_view value = result->made.Keep(std::move(decoded));
    // A plain copy: C++17 lambdas may not capture a structured binding (clang refuses).
    const std::string_view key = base;
    auto it = std::find_if(result->params.begin(), result->params.end(),
                           [key](const auto& p) { return p.first == key; });
    if (it != result->params.end()) {
      it->second = value;
    } else {
      result->params.emplace_back(base, value);
    }
  }
}

// The characters of a type or subtype token: printable ASCII but '/', ';', '"' and '='.
constexpr std::array<bool, 256> MakeTokenChars() {
  std::array<bool, 256> t{};
  for (int c = 33; c < 127; ++c) t[static_cast<size_t>(c)] = c != '/' && c != ';' && c != '"' && c != '=';
  return t;
}
constexpr std::array<bool, 256> kTokenChar = MakeTokenChars();

bool IsTokenChar(char c) { return kTokenChar[static_cast<unsigned char>(c)]; }

}  // namespace

std::string_view MimeParams::Get(std::string_view name) const {
  for (const auto& p : params) {
    if (p.first == name) return p.second;
  }
  return {};
}

std::string ContentType::Full() const {
  std::string full;
  full.reserve(type.size() + 1 + subtype.size());  // one allocation at most
  full.append(type).push_back('/');
  full.append(subtype);
  return full;
}

ContentType ParseContentType(std::string_view value) {
  ContentType ct;
  if (value.find('(') != std::string_view::npos) value = ct.params.made.Keep(StripComments(value));
  SemicolonSplitter pieces(value);
  std::string_view main;
  pieces.Next(&main);
  main = Trim(main);
  size_t slash = main.find('/');
  if (slash != std::string_view::npos) {
    std::string_view type = Trim(main.substr(0, slash));
    std::string_view subtype = Trim(main.substr(slash + 1));
    size_t end = 0;
    while (end < subtype.size() && IsTokenChar(subtype[end])) ++end;
    subtype = subtype.substr(0, end);
    bool ok = !type.empty() && !subtype.empty() && std::all_of(type.begin(), type.end(), IsTokenChar);
    if (ok) {
      ct.type = Lowered(type, &ct.params.made);
      ct.subtype = Lowered(subtype, &ct.params.made);
      ct.valid = true;
    }
  } else if (IEquals(main, "text")) {
    ct.valid = true;  // "text" alone: text/plain
  }
  ParseParams(&pieces, &ct.params);
  return ct;
}

MimeParams ParseDispositionParams(std::string_view value) {
  MimeParams params;
  if (value.find('(') != std::string_view::npos) value = params.made.Keep(StripComments(value));
  SemicolonSplitter pieces(value);
  std::string_view type;
  pieces.Next(&type);  // the disposition type, not kept
  ParseParams(&pieces, &params);
  return params;
}

std::string AttachmentName(const ContentType& type, std::string_view disposition) {
  std::string_view name;
  MimeParams params;
  if (!disposition.empty()) {
    params = ParseDispositionParams(disposition);
    name = params.Get("filename");
  }
  if (name.empty()) name = type.params.Get("name");
  return std::string(Trim(name));
}

}  // namespace mime
}  // namespace internal
}  // namespace ndr
