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
#include <cstdint>
#include <string_view>
#include <vector>

namespace ndr {
namespace internal {

using ByteSet = std::bitset<256>;

// The bytes a match of `pattern` (RE2 syntax, case ignored, anchored at the
// start of the text) can begin with.
ByteSet FirstBytes(std::string_view pattern);

// The same reading carried three bytes deep: whether a line's first three
// bytes may start a match of `pattern` (same terms as FirstBytes). A table
// of the first two bytes gives the set of third bytes that may follow them.
class LineStartFilter {
 public:
  explicit LineStartFilter(std::string_view pattern = "");
  // `s` has at least three bytes.
  bool MayStart(std::string_view s) const {
    if (third_of_pair_.empty()) return true;
    const auto b0 = static_cast<unsigned char>(s[0]);
    const auto b1 = static_cast<unsigned char>(s[1]);
    const uint8_t third = third_of_pair_[static_cast<size_t>(b0 << 8 | b1)];
    return third != 0 && thirds_[third][static_cast<unsigned char>(s[2])];
  }

 private:
  std::vector<uint8_t> third_of_pair_;  // empty: every line passes; 0: no third byte
  std::vector<ByteSet> thirds_;
};

}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_KNOWLEDGE_FIRST_BYTES_H_
