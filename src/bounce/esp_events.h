// Email service providers' bounce and complaint events (SendGrid, Mailgun,
// Postmark, SparkPost, Mandrill, Brevo, Mailjet, Resend webhook payloads) as
// JSON in a message's text, read by the rows of data/esp_events.tsv into the
// structure a delivery or feedback report gives.
#ifndef NDR_SRC_BOUNCE_ESP_EVENTS_H_
#define NDR_SRC_BOUNCE_ESP_EVENTS_H_

#include <string>
#include <string_view>

#include "ndr/bounce.h"

namespace ndr {
namespace internal {

// When `text` (from its first non-blank byte) is a JSON event or an array of
// them that rows of data/esp_events.tsv take, fills out->per_message,
// out->per_recipient (failed and delayed recipients) or out->feedback
// (complaints), out->original_headers (Subject, From, Message-ID given),
// sets out->kind (kNotBounce when every event is one a row reads as no
// failure) and returns true. Bounded; never throws. At most `max_recipients`
// recipients are read. `text` may be out->human_text; *out is left as it was
// when false is returned.
bool ReadEspEvents(std::string_view text, BounceParts* out, size_t max_recipients = Limits().max_recipients);

// Loads and checks data/esp_events.tsv (the reader loads it once, on first
// use); false with *error naming the bad row.
bool CheckEspEventTable(std::string* error);

}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_BOUNCE_ESP_EVENTS_H_
