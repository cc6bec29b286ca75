// Content-Transfer-Encoding decoders for the MIME stage (internal): mimetic's
// decoders behind a guard of ndr's (see transfer_encoding.cc for what it
// keeps from them). Lenient, they never fail: they decode what can be decoded.
#ifndef NDR_SRC_MIME_TRANSFER_ENCODING_H_
#define NDR_SRC_MIME_TRANSFER_ENCODING_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace ndr {
namespace internal {
namespace mime {

enum class TransferEncoding { kIdentity, kBase64, kQuotedPrintable };

// Reads a Content-Transfer-Encoding value, case-insensitively; anything but
// base64 and quoted-printable (7bit, 8bit, binary, unknown) is kIdentity.
TransferEncoding ParseTransferEncoding(std::string_view value);

// Appends the decoded bytes to `out`, stopping once `out` holds `max_size`
// bytes. Returns false when the output was cut at max_size.
//
// Base64: characters outside the alphabet (blanks, line breaks, garbage) are
// skipped; padding is optional; '=' ends a quantum, so concatenated encoded
// blocks decode as a whole.
bool DecodeBase64(std::string_view in, size_t max_size, std::string* out);

// Quoted-printable: "=XY" (either case), soft line breaks "=\n" (also with
// blanks before the line break or a CRLF, and at the end of the input),
// trailing blanks on a line dropped; an '=' not followed by two hex digits is
// kept literally, with the character after it; control characters other than
// TAB are dropped; line endings come out as LF.
bool DecodeQuotedPrintable(std::string_view in, size_t max_size, std::string* out);

// The Q encoding of RFC 2047: like quoted-printable, and '_' is a space.
void DecodeQEncoding(std::string_view in, std::string* out);

// `in` with its line endings (LF, CRLF, a CR alone) as LF.
std::string NormalizeLineEndings(std::string_view in);

}  // namespace mime
}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_MIME_TRANSFER_ENCODING_H_
