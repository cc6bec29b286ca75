// Small ASCII string helpers shared by the MIME stage (internal).
#ifndef NDR_SRC_MIME_MIME_UTIL_H_
#define NDR_SRC_MIME_MIME_UTIL_H_

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ndr {
namespace internal {
namespace mime {

inline char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

inline bool IsBlank(char c) { return c == ' ' || c == '\t'; }

inline bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

inline std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

inline bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

inline std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Iterates the lines of `text`; accepts LF, CRLF and bare CR endings.
// `line` excludes the line ending.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}
  bool Next(std::string_view* line) {
    if (pos_ >= text_.size()) return false;
    const size_t start = pos_;
    const size_t n = text_.size();
    const char* base = text_.data();
    const void* nl = std::memchr(base + start, '\n', n - start);
    size_t i = nl != nullptr ? static_cast<size_t>(static_cast<const char*>(nl) - base) : n;
    const void* cr = std::memchr(base + start, '\r', i - start);
    if (cr != nullptr) i = static_cast<size_t>(static_cast<const char*>(cr) - base);
    *line = text_.substr(start, i - start);
    if (i < n) {
      if (text_[i] == '\r' && i + 1 < n && text_[i + 1] == '\n') ++i;
      ++i;
    }
    pos_ = i;
    return true;
  }
  size_t position() const { return pos_; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

// Collects the problems of one message, up to a bound (a hostile message
// could otherwise produce one per part and per header).
class ProblemLog {
 public:
  explicit ProblemLog(std::vector<std::string>* out, size_t max = 100) : out_(out), max_(max) {}
  void Add(std::string problem) {
    if (out_->size() < max_) {
      out_->push_back(std::move(problem));
    } else if (out_->size() == max_) {
      out_->push_back("further problems not recorded");
    }
  }

 private:
  std::vector<std::string>* out_;
  size_t max_;
};

}  // namespace mime
}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_MIME_MIME_UTIL_H_
