#include "extract/text_util.h"

#include <cctype>

namespace ndr {
namespace internal {

std::string StripTypePrefix(std::string_view value) {
  value = Trim(value);
  size_t semi = value.find(';');
  if (semi != std::string_view::npos && semi < 24) {
    std::string_view type = value.substr(0, semi);
    bool word = !type.empty();
    for (char c : type) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != ' ') word = false;
    }
    if (word) value = Trim(value.substr(semi + 1));
  }
  return std::string(value);
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
