// Amazon SES notifications read with nlohmann-json (src/bounce/ses.cc): valid
// escapes decoded, hostile JSON refused without harm.
#include <gtest/gtest.h>

#include <string>

#include "bounce/ses.h"

namespace ndr {
namespace internal {
namespace {

std::string Bounce(const std::string& diagnostic) {
  return "{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\",\"bouncedRecipients\":"
         "[{\"emailAddress\":\"eve@example.net\",\"status\":\"5.1.1\",\"diagnosticCode\":\"" +
         diagnostic + "\"}]}}";
}

TEST(SesJson, EscapesAreDecodedToUtf8) {
  BounceParts parts;
  ASSERT_TRUE(ReadSesNotification(Bounce("550 caf\\u00e9 \\ud83d\\ude00 \\\"x\\\" a\\/b"), &parts));
  ASSERT_EQ(parts.per_recipient.size(), 1u);
  EXPECT_EQ(parts.per_recipient[0].Get("Diagnostic-Code"), "550 caf\xC3\xA9 \xF0\x9F\x98\x80 \"x\" a/b");
  EXPECT_EQ(parts.kind, BounceKind::kDeliveryReport);
}

// The hand-written reader this replaced computed (low - 0xDC00) on 0x0041
// and wrote a code point past U+10FFFF: an unpaired surrogate is invalid JSON.
TEST(SesJson, UnpairedSurrogateIsRefusedNotDecoded) {
  for (const char* bad : {"\\uD800\\u0041", "\\uD800", "\\uDC00x", "\\uD800\\uD800", "\\u12"}) {
    SCOPED_TRACE(bad);
    BounceParts parts;
    EXPECT_FALSE(ReadSesNotification(Bounce(std::string("550 ") + bad), &parts));
    EXPECT_TRUE(parts.per_recipient.empty());
  }
}

TEST(SesJson, TrailingFooterIsIgnoredAndDeepNestingRefused) {
  BounceParts parts;
  EXPECT_TRUE(ReadSesNotification(Bounce("550 x") + "\n--\nTo unsubscribe {visit} \"x", &parts));
  std::string deep = "{\"notificationType\":\"Bounce\",\"x\":" + std::string(100000, '[');
  BounceParts none;
  EXPECT_FALSE(ReadSesNotification(deep, &none));
  deep += std::string(100000, ']') + "}";
  EXPECT_FALSE(ReadSesNotification(deep, &none));
}

TEST(SesJson, WrongTypesAreSkippedNotTrusted) {
  BounceParts parts;
  EXPECT_FALSE(ReadSesNotification(
      "{\"notificationType\":\"Bounce\",\"bounce\":{\"bouncedRecipients\":[1,\"x\",null,"
      "{\"emailAddress\":7}]}}",
      &parts));
  EXPECT_FALSE(ReadSesNotification("{\"notificationType\":\"Bounce\",\"bounce\":[]}", &parts));
  EXPECT_FALSE(ReadSesNotification("{\"notificationType\":7,\"Message\":\"{\\\"a\\\":1}\"}", &parts));
}

}  // namespace
}  // namespace internal
}  // namespace ndr
