#include "extract/text_util.h"

#include <cctype>

namespace ndr {
namespace internal {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IStartsWith(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

size_t IFind(std::string_view hay, std::string_view needle, size_t from) {
  if (needle.empty()) return from <= hay.size() ? from : std::string_view::npos;
  for (size_t i = from; i + needle.size() <= hay.size(); ++i) {
    if (IStartsWith(hay.substr(i), needle)) return i;
  }
  return std::string_view::npos;
}

std::string Squeeze(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool space = false;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

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
