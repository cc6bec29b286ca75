// Small ASCII string helpers shared by the MIME stage (internal).
#ifndef NDR_SRC_MIME_MIME_UTIL_H_
#define NDR_SRC_MIME_MIME_UTIL_H_

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/strings.h"
#include "ndr/types.h"

namespace ndr {
namespace internal {
namespace mime {

// The value of a hexadecimal digit (either case), -1 for any other character.
inline int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
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
    if (no_cr_before_ < i) {
      // Most texts have no CR at all: look a stretch ahead once rather than
      // once per line, and remember how far there is none.
      const size_t from = std::max(start, no_cr_before_);
      const size_t to = std::min(n, std::max(i, from + kCrLookahead));
      const void* cr = std::memchr(base + from, '\r', to - from);
      no_cr_before_ = cr != nullptr ? static_cast<size_t>(static_cast<const char*>(cr) - base) : to;
      if (no_cr_before_ < i) i = no_cr_before_;
    }
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
  static constexpr size_t kCrLookahead = 4096;
  std::string_view text_;
  size_t pos_ = 0;
  size_t no_cr_before_ = 0;  // text_[0, no_cr_before_) holds no CR past pos_ (none read yet)
};

// Collects the problems of one message, up to a bound (a hostile message
// could otherwise produce one per part and per header).
class ProblemLog {
 public:
  explicit ProblemLog(std::vector<Problem>* out, size_t max = 100) : out_(out), max_(max) {}
  void Add(ProblemKind kind, std::string detail) {
    if (out_->size() < max_) {
      out_->push_back({kind, std::move(detail)});
    } else if (out_->size() == max_) {
      out_->push_back({ProblemKind::kLimit, "further problems not recorded"});
    }
  }

 private:
  std::vector<Problem>* out_;
  size_t max_;
};

}  // namespace mime
}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_MIME_MIME_UTIL_H_
