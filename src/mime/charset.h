// Charset conversion to UTF-8 for the MIME stage (internal).
//
// UTF-8, US-ASCII, ISO-8859-1 and windows-1252 are converted by hand;
// ISO-2022-JP is transcoded to CP932 first (so the NEC and IBM extensions
// of Japanese mailers survive); everything else goes through glibc iconv with
// handles cached per thread. Nothing here throws or fails: bytes that cannot
// be converted become U+FFFD.
#ifndef NDR_SRC_MIME_CHARSET_H_
#define NDR_SRC_MIME_CHARSET_H_

#include <string>
#include <string_view>

namespace ndr {
namespace internal {
namespace mime {

enum class Conversion {
  kClean,           // every byte converted
  kReplaced,        // some bytes were invalid and became U+FFFD
  kUnknownCharset,  // charset not recognized: read as UTF-8 or windows-1252
};

// Appends `text` converted from `charset` to `out`. An empty charset means
// "undeclared" (see AppendGuessedUtf8).
Conversion AppendUtf8(std::string_view text, std::string_view charset, std::string* out);

// Undeclared charset: UTF-8 when valid, ISO-2022-JP when its escape
// sequences are present, windows-1252 otherwise. Never replaces bytes.
void AppendGuessedUtf8(std::string_view text, std::string* out);

bool IsValidUtf8(std::string_view text);
// ESC $ B, ESC $ @ or ESC ( I: the text is (probably) ISO-2022-JP.
bool HasIso2022JpEscapes(std::string_view text);

}  // namespace mime
}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_MIME_CHARSET_H_
