// Address and field helpers of the extraction stage (string basics: core/strings.h).
#ifndef NDR_SRC_EXTRACT_TEXT_UTIL_H_
#define NDR_SRC_EXTRACT_TEXT_UTIL_H_

#include <string>
#include <string_view>

#include "core/strings.h"

namespace ndr {
namespace internal {

// "rfc822; <a@b>" -> "a@b"; "dns; mx.example.com" -> "mx.example.com".
std::string StripTypePrefix(std::string_view value);
// The type of a DSN field value, lower case: "X-Unix; ..." -> "x-unix"; "" when none.
std::string TypePrefix(std::string_view value);
// Removes surrounding <>, quotes and trailing dots from an address.
std::string CleanAddress(std::string_view address);

}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_EXTRACT_TEXT_UTIL_H_
