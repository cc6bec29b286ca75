// ASCII string helpers shared by every stage (internal). Header-only: they
// sit on hot paths and are small enough to inline.
#ifndef NDR_SRC_CORE_STRINGS_H_
#define NDR_SRC_CORE_STRINGS_H_

#include <string>
#include <string_view>
#include <vector>

namespace ndr {
namespace internal {

inline char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// The largest length <= `length` that does not end inside a UTF-8 sequence
// (for cutting text to a bound without leaving half a character).
inline size_t Utf8CutPoint(std::string_view s, size_t length) {
  if (length >= s.size()) return s.size();
  while (length > 0 && (static_cast<unsigned char>(s[length]) & 0xC0) == 0x80) --length;
  return length;
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

// Equality ignoring ASCII case.
inline bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

inline bool IStartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && IEquals(s.substr(0, prefix.size()), prefix);
}

inline std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Index of `needle` in `hay` ignoring ASCII case, npos when absent. Linear
// time: callers search report text once per recipient, and a naive scan is
// O(text x needle) on hostile input ("uuuu..." against "uuuu...@x").
inline size_t IFind(std::string_view hay, std::string_view needle, size_t from = 0) {
  if (needle.empty()) return from <= hay.size() ? from : std::string_view::npos;
  if (from >= hay.size() || needle.size() > hay.size() - from) return std::string_view::npos;
  if (needle.size() <= 8) {  // short needles: the naive scan is bounded by 8 steps per byte
    const char first = AsciiLower(needle[0]);
    for (size_t i = from; i + needle.size() <= hay.size(); ++i) {
      if (AsciiLower(hay[i]) == first && IEquals(hay.substr(i, needle.size()), needle)) return i;
    }
    return std::string_view::npos;
  }
  // Knuth-Morris-Pratt on ASCII-lowered bytes.
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

// Collapses runs of whitespace (including newlines) into one space and trims.
inline std::string Squeeze(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  // Whole runs of non-blank bytes are appended at once (this runs on every
  // text a report holds); a byte is blank when it is at most ' ' and one of
  // IsSpace's six, so the common byte costs one comparison.
  auto blank = [](char c) { return static_cast<unsigned char>(c) <= ' ' && IsSpace(c); };
  const char* p = s.data();
  const char* const end = p + s.size();
  while (p < end) {
    while (p < end && blank(*p)) ++p;
    const char* word = p;
    while (p < end && !blank(*p)) ++p;
    if (p == word) break;
    if (!out.empty()) out.push_back(' ');
    out.append(word, static_cast<size_t>(p - word));
  }
  return out;
}

}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_CORE_STRINGS_H_
