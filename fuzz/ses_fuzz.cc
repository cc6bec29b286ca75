// libFuzzer target: Amazon SES notifications (src/bounce/ses.cc), read from
// the raw bytes and from the bytes behind an SNS envelope's "Message".
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "bounce/ses.h"
#include "ndr/render.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ndr::BounceParts parts;
  ndr::internal::ReadSesNotification(text, &parts);
  // The same bytes as the notification inside an SNS envelope's "Message".
  std::string envelope = "{\"Subject\":\"notificationType\",\"Type\":\"Notification\",\"Message\":";
  ndr::AppendJsonString(text, &envelope);
  envelope += "}";
  ndr::BounceParts inner;
  ndr::internal::ReadSesNotification(envelope, &inner);
  return 0;
}
