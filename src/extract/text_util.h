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
// The one place addresses are cleaned: "rfc822; <a@b>", "rfc/822;a@b",
// "SMTP=a@b", "smtp:a@b", "Jane <a@b>", "\"a\"@b", "@relay.example:a@b" (a
// source route) and "a@b." all give "a@b". A value that is no address
// ("/S=jo/OU=.../") comes back trimmed of its type and punctuation.
std::string CleanAddress(std::string_view address);
// The same in place (no copy when the address is clean already).
void CleanAddressInPlace(std::string* address);
// Whether a cleaned address is an Internet mail address: local@domain with a
// dotted domain (not an X.400 or local-rewrite form such as "jo@ims-ms-daemon").
bool IsInternetAddress(std::string_view address);
// The host of an MTA field: "dns; mx.example.net. (192.0.2.5, the server for
// example.net)" -> "mx.example.net"; "[192.0.2.5]" -> "192.0.2.5".
std::string HostFromField(std::string_view value);
// Whether text holds only addresses ("a@b", "<a@b>") joined by commas,
// semicolons or blanks: what stands before the last address of a line that
// lists several recipients ("a@b, c@d, e@f").
bool IsAddressList(std::string_view text);

}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_EXTRACT_TEXT_UTIL_H_
