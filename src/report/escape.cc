#include "report/render_common.h"

#include "core/strings.h"

namespace ndr {
namespace internal {

std::string MarkdownText(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '\n': case '\r': case '\t': out += ' '; break;
      case '\\': case '`': case '*': case '_': case '[': case ']': case '|': case '#': case '!':
        out += '\\';
        out += c;
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) out += '?';
        else out += c;
    }
  }
  return out;
}

std::string HtmlText(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        // Control characters are not allowed in HTML text.
        if ((static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') || c == 0x7F) out += "&#xFFFD;";
        else out += c;
    }
  }
  return out;
}

// Width in characters (UTF-8 continuation bytes do not count).
size_t DisplayWidth(std::string_view text) { return Utf8CharacterCount(text); }

std::string PadRight(std::string_view text, size_t width) {
  std::string out(text);
  for (size_t n = DisplayWidth(text); n < width; ++n) out += ' ';
  return out;
}

std::string PadLeft(std::string_view text, size_t width) {
  std::string out;
  for (size_t n = DisplayWidth(text); n < width; ++n) out += ' ';
  out += text;
  return out;
}

}  // namespace internal
}  // namespace ndr
