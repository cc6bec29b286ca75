#include "knowledge/reason_text.h"

#include <cctype>

namespace ndr {
namespace internal {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }
bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// Length of an enhanced status code "D.D{1,3}.D{1,3}" at text[pos] (class 2/4/5),
// 0 when there is none. Does not look at what surrounds it.
size_t StatusLengthAt(std::string_view text, size_t pos) {
  if (pos >= text.size()) return 0;
  char c = text[pos];
  if (c != '2' && c != '4' && c != '5') return 0;
  size_t i = pos + 1;
  for (int part = 0; part < 2; ++part) {
    if (i >= text.size() || text[i] != '.') return 0;
    ++i;
    size_t start = i;
    while (i < text.size() && IsDigit(text[i]) && i - start < 3) ++i;
    if (i == start) return 0;
    if (i < text.size() && IsDigit(text[i])) return 0;  // more than 3 digits
  }
  return i - pos;
}

// A standalone status at pos: not preceded by a digit, dot or letter and not
// followed by a dot+digit (an IP address or version number).
size_t StandaloneStatusAt(std::string_view text, size_t pos) {
  if (pos > 0) {
    char p = text[pos - 1];
    if (IsAlnum(p) || p == '.') return 0;
  }
  size_t n = StatusLengthAt(text, pos);
  if (n == 0) return 0;
  size_t end = pos + n;
  if (end < text.size()) {
    char f = text[end];
    if (IsAlnum(f)) return 0;
    if (f == '.' && end + 1 < text.size() && IsDigit(text[end + 1])) return 0;
  }
  return n;
}

std::string SqueezeSpaces(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (char c : text) {
    if (IsSpace(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string NormalizeDiagnostic(std::string_view text) {
  std::string squeezed = SqueezeSpaces(text);
  // Find the first continuation prefix "DDD-" (a multi-line reply).
  size_t first = std::string::npos;
  for (size_t i = 0; i + 4 <= squeezed.size(); ++i) {
    if ((squeezed[i] == '2' || squeezed[i] == '4' || squeezed[i] == '5') && IsDigit(squeezed[i + 1]) &&
        IsDigit(squeezed[i + 2]) && squeezed[i + 3] == '-' && (i == 0 || !IsAlnum(squeezed[i - 1])) &&
        (i + 4 == squeezed.size() || !IsDigit(squeezed[i + 4]) || StatusLengthAt(squeezed, i + 4) > 0)) {
      first = i;
      break;
    }
  }
  if (first == std::string::npos) return squeezed;
  std::string code = squeezed.substr(first, 3);
  std::string status;
  if (size_t n = StatusLengthAt(squeezed, first + 4); n > 0) status = squeezed.substr(first + 4, n);

  std::string out = squeezed.substr(0, first + 4);
  size_t i = first + 4;
  while (i < squeezed.size()) {
    // A later prefix starts after a space: "DDD-", "DDD-S ", "DDD S ".
    if (squeezed[i - 1] == ' ' && squeezed.compare(i, 3, code) == 0 && i + 3 < squeezed.size() &&
        (squeezed[i + 3] == '-' || squeezed[i + 3] == ' ')) {
      size_t after = i + 4;
      bool has_status = !status.empty() && squeezed.compare(after, status.size(), status) == 0 &&
                        (after + status.size() == squeezed.size() || squeezed[after + status.size()] == ' ');
      if (has_status) {
        after += status.size();
      } else if (squeezed[i + 3] == ' ') {
        // "550 " without the status: ordinary text, keep it.
        out.push_back(squeezed[i]);
        ++i;
        continue;
      }
      while (after < squeezed.size() && squeezed[after] == ' ') ++after;
      i = after;
      continue;
    }
    out.push_back(squeezed[i]);
    ++i;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

EnhancedStatus FindStatusInText(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    size_t n = StandaloneStatusAt(text, i);
    if (n == 0) continue;
    EnhancedStatus status;
    if (EnhancedStatus::Parse(text.substr(i, n), &status)) return status;
  }
  return {};
}

int LeadingReplyCode(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && IsSpace(text[i])) ++i;
  if (i + 3 > text.size()) return 0;
  char c = text[i];
  if ((c != '2' && c != '4' && c != '5') || !IsDigit(text[i + 1]) || !IsDigit(text[i + 2])) return 0;
  if (i + 3 < text.size()) {
    char f = text[i + 3];
    if (f != ' ' && f != '-') return 0;
  }
  return (c - '0') * 100 + (text[i + 1] - '0') * 10 + (text[i + 2] - '0');
}

}  // namespace internal
}  // namespace ndr
