// Content-Type and Content-Disposition values (internal).
//
// Our own reader rather than mimetic's ContentType: mimetic keeps comments
// and blanks in values ("US-ASCII (comment)", " text ") and splits quoted
// values at ';'. This one unquotes, drops comments, lower-cases names and
// joins RFC 2231 continuations and charset'lang'%XX values.
#ifndef NDR_SRC_MIME_CONTENT_TYPE_H_
#define NDR_SRC_MIME_CONTENT_TYPE_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ndr {
namespace internal {
namespace mime {

struct MimeParams {
  std::vector<std::pair<std::string, std::string>> params;  // lower-case name, value
  // The value of a parameter ("" when absent); `name` in lower case.
  std::string_view Get(std::string_view name) const;
};

struct ContentType {
  std::string type = "text";     // lower case
  std::string subtype = "plain";  // lower case
  bool valid = false;             // false when absent or unreadable (then text/plain)
  MimeParams params;

  // Compared as views: std::string == "literal" is an out-of-line compare with a strlen.
  bool Is(std::string_view t, std::string_view s) const { return TypeIs(t) && std::string_view(subtype) == s; }
  bool TypeIs(std::string_view t) const { return std::string_view(type) == t; }
  std::string Full() const { return type + "/" + subtype; }
};

ContentType ParseContentType(std::string_view value);

// The disposition's parameters (filename, ...); the disposition type is not kept.
MimeParams ParseDispositionParams(std::string_view value);

}  // namespace mime
}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_MIME_CONTENT_TYPE_H_
