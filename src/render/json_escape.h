// The JSON escaping of AppendJsonString, written to a buffer the caller has
// sized, for the record renderer: one size check per record instead of one
// per byte run, quote and key.
#ifndef NDR_SRC_RENDER_JSON_ESCAPE_H_
#define NDR_SRC_RENDER_JSON_ESCAPE_H_

#include <cstddef>
#include <string_view>

namespace ndr {
namespace internal {

// At most this many bytes are written per byte of text (a control character
// becomes "\u001b"; a 3-byte bidi control "\u202e"; an invalid byte U+FFFD's 3).
inline constexpr size_t kJsonEscapedPerByte = 6;

// Writes `text` as the inside of a JSON string (no quotes) at `out`, which
// has room for kJsonEscapedPerByte bytes per byte of text; returns the end.
char* WriteJsonEscaped(std::string_view text, char* out);

}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_RENDER_JSON_ESCAPE_H_
