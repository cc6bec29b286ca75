// Small text helpers shared by the extraction stage.
#ifndef NDR_SRC_EXTRACT_TEXT_UTIL_H_
#define NDR_SRC_EXTRACT_TEXT_UTIL_H_

#include <string>
#include <string_view>

namespace ndr {
namespace internal {

std::string_view Trim(std::string_view s);
std::string ToLower(std::string_view s);
bool IStartsWith(std::string_view s, std::string_view prefix);
// Index of `needle` in `hay` ignoring ASCII case, npos when absent.
size_t IFind(std::string_view hay, std::string_view needle, size_t from = 0);
// Collapses runs of whitespace (including newlines) into one space and trims.
std::string Squeeze(std::string_view s);
// "rfc822; <a@b>" -> "a@b"; "dns; mx.example.com" -> "mx.example.com".
std::string StripTypePrefix(std::string_view value);
// Removes surrounding <>, quotes and trailing dots from an address.
std::string CleanAddress(std::string_view address);

}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_EXTRACT_TEXT_UTIL_H_
