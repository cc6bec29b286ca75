// Content-Type and Content-Disposition values. See content_type.h.
#include "mime/content_type.h"

#include <algorithm>
#include <array>
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
  explicit SemicolonSplitter(std::string_view s) : s_(s), quotes_(s.find('"') != std::string_view::npos) {}
  // The next piece; false after the last.
  bool Next(std::string_view* piece) {
    if (done_) return false;
    size_t end = quotes_ ? QuoteAwareSemicolon() : s_.find(';', start_);
    if (end == std::string_view::npos) {
      end = s_.size();
      done_ = true;
    }
    *piece = s_.substr(start_, end - start_);
    start_ = end + 1;
    return true;
  }
  // How many pieces are left (a bound for reserving).
  size_t Remaining() const {
    if (done_) return 0;
    return 1 + static_cast<size_t>(std::count(s_.begin() + static_cast<ptrdiff_t>(start_), s_.end(), ';'));
  }

 private:
  // The next ';' outside a quoted string from start_, or npos. A quoted
  // string (most: a boundary, tens of bytes) is stepped over from quote to
  // quote with memchr, its quoted pairs in between looked at only when it has any.
  size_t QuoteAwareSemicolon() const {
    const size_t n = s_.size();
    for (size_t i = start_; i < n; ++i) {
      char c = s_[i];
      if (c == ';') return i;
      if (c != '"') continue;
      for (size_t from = i + 1;;) {  // inside the quoted string
        const size_t close = Find('"', from);
        const size_t pair = Find('\\', from);
        if (pair < close) {  // a quoted pair first: the byte after it is no closing quote
          from = pair + 2;
          if (from >= n) return std::string_view::npos;
          continue;
        }
        if (close == std::string_view::npos) return std::string_view::npos;
        i = close;
        break;
      }
    }
    return std::string_view::npos;
  }
  size_t Find(char c, size_t from) const {
    if (from >= s_.size()) return std::string_view::npos;
    const void* at = std::memchr(s_.data() + from, c, s_.size() - from);
    return at == nullptr ? std::string_view::npos : static_cast<size_t>(static_cast<const char*>(at) - s_.data());
  }

  std::string_view s_;
  bool quotes_;  // any '"' at all: else every ';' splits (most values)
  size_t start_ = 0;
  bool done_ = false;
};

std::string Unquote(std::string_view v) {
  v = Trim(v);
  if (v.empty() || v.front() != '"') return std::string(v);
  // Most quoted values (boundaries) hold no quoted pair: then they are the
  // bytes up to the closing quote, taken in one go.
  std::string_view upto_quote = v.substr(1, v.find('"', 1) - 1);
  if (upto_quote.find('\\') == std::string_view::npos) return std::string(upto_quote);
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
  return out;
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
  std::string value;
};

// The parameters in the pieces `pieces` has left.
MimeParams ParseParams(SemicolonSplitter* pieces) {
  MimeParams result;
  std::vector<std::pair<std::string, std::vector<Rfc2231Segment>>> extended;
  // Real headers carry a handful of parameters; a bound keeps hostile ones linear.
  constexpr size_t kMaxParams = 64;
  result.params.reserve(std::min(pieces->Remaining(), kMaxParams));
  std::string_view seg;
  for (size_t i = 0; i < kMaxParams && pieces->Next(&seg); ++i) {
    size_t eq = seg.find('=');
    if (eq == std::string_view::npos) continue;
    std::string name = ToLower(Trim(seg.substr(0, eq)));
    if (name.empty()) continue;
    std::string value = Unquote(seg.substr(eq + 1));
    size_t star = name.find('*');
    if (star == std::string::npos) {
      result.params.emplace_back(std::move(name), std::move(value));
      continue;
    }
    // RFC 2231: name*, name*N, name*N*
    Rfc2231Segment s;
    std::string base = name.substr(0, star);
    std::string_view rest = std::string_view(name).substr(star + 1);
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
    s.value = std::move(value);
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
    std::string value;
    AppendUtf8(bytes, charset, &value);
    // A plain reference: C++17 lambdas may not capture a structured binding (clang refuses).
    const std::string& key = base;
    auto it = std::find_if(result.params.begin(), result.params.end(),
                           [&key](const auto& p) { return p.first == key; });
    if (it != result.params.end()) {
      it->second = std::move(value);
    } else {
      result.params.emplace_back(base, std::move(value));
    }
  }
  return result;
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

ContentType ParseContentType(std::string_view value) {
  ContentType ct;
  std::string cleaned;
  if (value.find('(') != std::string_view::npos) {
    cleaned = StripComments(value);
    value = cleaned;
  }
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
      ct.type = ToLower(type);
      ct.subtype = ToLower(subtype);
      ct.valid = true;
    }
  } else if (IEquals(main, "text")) {
    ct.valid = true;  // "text" alone: text/plain
  }
  ct.params = ParseParams(&pieces);
  return ct;
}

MimeParams ParseDispositionParams(std::string_view value) {
  std::string cleaned;
  if (value.find('(') != std::string_view::npos) {
    cleaned = StripComments(value);
    value = cleaned;
  }
  SemicolonSplitter pieces(value);
  std::string_view type;
  pieces.Next(&type);  // the disposition type, not kept
  return ParseParams(&pieces);
}

}  // namespace mime
}  // namespace internal
}  // namespace ndr
