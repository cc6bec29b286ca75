#include "extract/text_util.h"

#include <cctype>

namespace ndr {
namespace internal {

namespace {

// Where the value's text starts after a "type;" prefix (RFC 3464's
// address-type, diagnostic-type, mta-name-type); 0 when it has none.
size_t TypePrefixEnd(std::string_view value) {
  size_t semi = value.find(';');
  if (semi == std::string_view::npos || semi >= 24 || semi == 0) return 0;
  for (char c : value.substr(0, semi)) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != ' ') return 0;
  }
  return semi + 1;
}

}  // namespace

std::string StripTypePrefix(std::string_view value) {
  value = Trim(value);
  return std::string(Trim(value.substr(TypePrefixEnd(value))));
}

std::string TypePrefix(std::string_view value) {
  value = Trim(value);
  size_t end = TypePrefixEnd(value);
  return end == 0 ? std::string() : ToLower(Trim(value.substr(0, end - 1)));
}

std::string CleanAddress(std::string_view address) {
  address = Trim(address);
  while (!address.empty() && (address.front() == '<' || address.front() == '"' ||
                              address.front() == '\'' || address.front() == '(')) {
    address.remove_prefix(1);
  }
  while (!address.empty() && (address.back() == '>' || address.back() == '"' || address.back() == '\'' ||
                              address.back() == '.' || address.back() == ',' || address.back() == ':' ||
                              address.back() == ')' || address.back() == ';')) {
    address.remove_suffix(1);
  }
  return std::string(Trim(address));
}

}  // namespace internal
}  // namespace ndr
