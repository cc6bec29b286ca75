// JSON read out of a message's text (an ESP's event or notification pasted
// or mailed as a body): bounded, never throws, no hostile nesting reaches
// the parser. Shared by the Amazon SES and the webhook event readers.
#ifndef NDR_SRC_BOUNCE_JSON_TEXT_H_
#define NDR_SRC_BOUNCE_JSON_TEXT_H_

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace ndr {
namespace internal {

using Json = nlohmann::json;

constexpr size_t kMaxJsonText = 1u << 20;
constexpr int kMaxJsonDepth = 24;

// The end of the JSON object or array that opens `text` (one past its closing
// bracket) by one linear scan that skips strings, or npos when it never closes
// or nests deeper than kMaxJsonDepth. Trailing text (an unsubscribe footer) is
// thus cut before parsing.
inline size_t EndOfJsonValue(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxJsonDepth) return std::string_view::npos;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
      if (depth < 0) return std::string_view::npos;
    }
  }
  return std::string_view::npos;
}

// Parses the object or array that opens `text`; false when it is not valid
// JSON (an unpaired surrogate escape, a bad number).
inline bool ParseJsonText(std::string_view text, Json* out) {
  if (text.size() > kMaxJsonText) return false;
  size_t end = EndOfJsonValue(text);
  if (end == std::string_view::npos) return false;
  *out = Json::parse(text.begin(), text.begin() + end, nullptr, /*allow_exceptions=*/false);
  return !out->is_discarded() && (out->is_object() || out->is_array());
}

// The member `key` of an object, or null when `v` is no object or lacks it.
inline const Json* JsonMember(const Json& v, std::string_view key) {
  if (!v.is_object()) return nullptr;
  auto it = v.find(key);
  return it == v.end() ? nullptr : &*it;
}

// The string member `key`, or "" when absent or not a string.
inline std::string_view JsonString(const Json& v, std::string_view key) {
  const Json* m = JsonMember(v, key);
  return (m != nullptr && m->is_string()) ? std::string_view(m->get_ref<const std::string&>()) : std::string_view();
}

}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_BOUNCE_JSON_TEXT_H_
