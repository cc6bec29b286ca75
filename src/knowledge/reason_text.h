// Text helpers for reason classification: the one normalization applied to a
// server's words before the wording rules run, and the codes found in them.
#ifndef NDR_SRC_KNOWLEDGE_REASON_TEXT_H_
#define NDR_SRC_KNOWLEDGE_REASON_TEXT_H_

#include <string>
#include <string_view>

#include "ndr/types.h"

namespace ndr {
namespace internal {

// Squeezes every run of white space (including line breaks) into one space,
// trims both ends, and removes the repeated prefixes of a multi-line SMTP reply
// ("550-5.7.26 a 550-5.7.26 b 550 5.7.26 c" -> "550-5.7.26 a b c"), so that a
// phrase split across reply lines matches as one.
std::string NormalizeDiagnostic(std::string_view text);

// The first enhanced status code written in `text` (class 2, 4 or 5, not part
// of an IP address or a version number); empty when none.
EnhancedStatus FindStatusInText(std::string_view text);

// The SMTP reply code that starts `text` ("550 ...", "421-..."), 0 when none.
int LeadingReplyCode(std::string_view text);

}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_KNOWLEDGE_REASON_TEXT_H_
