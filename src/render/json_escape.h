// The JSON escaping of AppendJsonString, written to a buffer the caller has
// sized, for the record renderer: one size check per record instead of one
// per byte run, quote and key.
#ifndef NDR_SRC_RENDER_JSON_ESCAPE_H_
#define NDR_SRC_RENDER_JSON_ESCAPE_H_

#include <cstddef>
#include <string_view>

// WriteJsonEscaped(text, out), inline: the renderer calls it for every field.
#include "render/escape_walk.h"

namespace ndr {
namespace internal {

// At most this many bytes are written per byte of text (a control character
// becomes "\u001b"; a 3-byte bidi control "\u202e"; an invalid byte U+FFFD's 3).
inline constexpr size_t kJsonEscapedPerByte = 6;

}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_RENDER_JSON_ESCAPE_H_
