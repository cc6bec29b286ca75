// Amazon SES event notifications (bounce, complaint, delivery) sent as JSON in
// a mail body, directly or wrapped in an SNS envelope ({"Type":"Notification",
// "Message":"{\"notificationType\":...}"}). They are read into the same
// structure a delivery or feedback report gives.
#ifndef NDR_SRC_BOUNCE_SES_H_
#define NDR_SRC_BOUNCE_SES_H_

#include <string_view>

#include "ndr/bounce.h"

namespace ndr {
namespace internal {

// When `text` holds an SES notification, fills out->per_message and
// out->per_recipient (Bounce, Delivery) or out->feedback (Complaint), sets
// out->kind and returns true. Bounded work; never throws. At most
// `max_recipients` recipients are read (out->problems says when more were left).
bool ReadSesNotification(std::string_view text, BounceParts* out,
                         size_t max_recipients = Limits().max_recipients);

}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_BOUNCE_SES_H_
