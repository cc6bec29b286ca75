// Content-Type and Content-Disposition values (internal).
//
// Our own reader rather than mimetic's ContentType: mimetic keeps comments
// and blanks in values ("US-ASCII (comment)", " text ") and splits quoted
// values at ';'. This one unquotes, drops comments, lower-cases names and
// joins RFC 2231 continuations and charset'lang'%XX values.
#ifndef NDR_SRC_MIME_CONTENT_TYPE_H_
#define NDR_SRC_MIME_CONTENT_TYPE_H_

#include <forward_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ndr {
namespace internal {
namespace mime {

// The strings a parse made (lower-cased names, unquoted or decoded values,
// a value without its comments) for views to point into: nodes of a list,
// which stay where they are when the list moves. Moves only: a copy's
// views would still point into the original.
class MadeText {
 public:
  MadeText() = default;
  MadeText(MadeText&&) = default;
  MadeText& operator=(MadeText&&) = default;
  MadeText(const MadeText&) = delete;
  MadeText& operator=(const MadeText&) = delete;
  std::string_view Keep(std::string text) { return made_.emplace_front(std::move(text)); }

 private:
  std::forward_list<std::string> made_;
};

// Names and values are views into the parsed value where it holds them as
// they are (most: a copy of each was a string per parameter, a boundary's on
// the heap), else into `made`: the parsed value must outlive them.
struct MimeParams {
  std::vector<std::pair<std::string_view, std::string_view>> params;  // lower-case name, value
  MadeText made;
  // The value of a parameter ("" when absent); `name` in lower case.
  std::string_view Get(std::string_view name) const;
};

struct ContentType {
  std::string_view type = "text";     // lower case
  std::string_view subtype = "plain";  // lower case
  bool valid = false;             // false when absent or unreadable (then text/plain)
  MimeParams params;  // its `made` holds what type and subtype point into besides the parsed value

  bool Is(std::string_view t, std::string_view s) const { return type == t && subtype == s; }
  bool TypeIs(std::string_view t) const { return type == t; }
  std::string Full() const;
};

// Views into `value` (see MimeParams): it must outlive the result.
ContentType ParseContentType(std::string_view value);

// The disposition's parameters (filename, ...); the disposition type is not
// kept. Views into `value`, as ParseContentType's.
MimeParams ParseDispositionParams(std::string_view value);

// A part's file name as its header gives it, trimmed, not decoded: the
// Content-Disposition's filename, else the Content-Type's name ("" when
// neither is there). `disposition` is the raw Content-Disposition value.
std::string AttachmentName(const ContentType& type, std::string_view disposition);

}  // namespace mime
}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_MIME_CONTENT_TYPE_H_
