// Which bytes can start a match of an RE2 pattern matched case-insensitively
// from the start of a text: a test of one byte that spares running the pattern
// on each line of a text that cannot match there (a call of RE2 costs far more
// than the byte test, and most lines of a report start with a byte no pattern
// of a kind can start with).
//
// Conservative: a byte that might start a match is always in the set. Syntax
// this reading does not follow (POSIX classes, \p{..}, hex escapes, ...), a
// negated class and a pattern that can match the empty string allow every
// byte; a letter allows the bytes its other case may start with (RE2 folds 'k'
// with U+212A KELVIN SIGN and 's' with U+017F LONG S; a non-ASCII letter
// outside CJK and kana, every byte >= 0x80).
#ifndef NDR_SRC_KNOWLEDGE_FIRST_BYTES_H_
#define NDR_SRC_KNOWLEDGE_FIRST_BYTES_H_

#include <bitset>
#include <string_view>

namespace ndr {
namespace internal {

using ByteSet = std::bitset<256>;

// The bytes a match of `pattern` (RE2 syntax, case ignored, anchored at the
// start of the text) can begin with.
ByteSet FirstBytes(std::string_view pattern);

}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_KNOWLEDGE_FIRST_BYTES_H_
