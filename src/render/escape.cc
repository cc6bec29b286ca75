// Escaping of bounce-derived text for the two places it ends up: a JSON
// string and a person's terminal. A bounce is written by whoever made the
// message come back, so both treat it as hostile: control characters (a
// terminal obeys ESC sequences: retitle, recolour, rewrite the screen), bidi
// controls (reorder what the reader sees) and invalid UTF-8 never pass raw.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "ndr/render.h"
#include "render/json_escape.h"

namespace ndr {
namespace {

using internal::escape::IsJsonSpecial;
using internal::escape::kHex;
using internal::escape::WalkEscaped;
using internal::escape::WriteJsonEscape;

void AppendUEscape(char32_t cp, std::string* out) {  // \uXXXX, cp <= 0xFFFF
  out->append("\\u");
  for (int shift = 12; shift >= 0; shift -= 4) out->push_back(kHex[(cp >> shift) & 0xF]);
}

void AppendXEscape(unsigned char byte, std::string* out) {  // \xNN
  out->append("\\x");
  out->push_back(kHex[byte >> 4]);
  out->push_back(kHex[byte & 0xF]);
}

// Copies `text` to *out, safe characters in runs; each character to replace
// goes to escape(cp, invalid, out) (see WalkEscaped).
template <typename Special, typename Escape>
void AppendEscaped(std::string_view text, Special special, Escape escape, std::string* out) {
  WalkEscaped(
      text, special, [out](const char* data, size_t size) { out->append(data, size); },
      [&](char32_t cp, bool invalid) { escape(cp, invalid, out); });
}

}  // namespace

void AppendJsonString(std::string_view text, std::string* out) {
  out->push_back('"');
  AppendEscaped(
      text, IsJsonSpecial,
      [](char32_t cp, bool invalid, std::string* o) {
        char escaped[8];  // at most "\uXXXX" or U+FFFD's 3 bytes
        o->append(escaped, static_cast<size_t>(WriteJsonEscape(cp, invalid, escaped) - escaped));
      },
      out);
  out->push_back('"');
}

void AppendTerminalSafe(std::string_view text, std::string* out) {
  AppendEscaped(
      text, [](unsigned char) { return false; },
      [](char32_t cp, bool invalid, std::string* o) {
        if (invalid || cp < 0x80) {
          if (cp == '\t' && !invalid) {
            o->push_back(' ');  // a tab only moves the cursor: a blank says the same
          } else {
            AppendXEscape(static_cast<unsigned char>(cp), o);  // "\x1b", "\x07", invalid "\xff"
          }
        } else {
          AppendUEscape(cp, o);  // "\u009b", "\u202e"
        }
      },
      out);
}

std::string TerminalSafe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendTerminalSafe(text, &out);
  return out;
}

}  // namespace ndr
