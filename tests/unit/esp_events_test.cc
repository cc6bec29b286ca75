// Email service providers' webhook events (src/bounce/esp_events.cc, rows of
// data/esp_events.tsv): every row's sample is read as that row's event.
#include <gtest/gtest.h>

#include <string>

#include "bounce/esp_events.h"
#include "knowledge/tsv.h"

namespace ndr {
namespace internal {
namespace {

TEST(EspEvents, TableLoads) {
  std::string error;
  EXPECT_TRUE(CheckEspEventTable(&error)) << error;
}

TEST(EspEvents, EverySampleIsReadAsItsRowSays) {
  TsvTable table;
  std::string error;
  ASSERT_TRUE(LoadEmbeddedTsv("esp_events.tsv", {"action", "sample"}, &table, &error)) << error;
  ASSERT_FALSE(table.rows.empty());
  for (const TsvRow& row : table.rows) {
    std::string sample(table.Cell(row, "sample"));
    std::string action(table.Cell(row, "action"));
    SCOPED_TRACE(table.Where(row, sample));
    BounceParts parts;
    ASSERT_TRUE(ReadEspEvents(sample, &parts));
    if (action == "feedback") {
      EXPECT_EQ(parts.kind, BounceKind::kFeedbackReport);
      EXPECT_EQ(parts.feedback.Get("Original-Rcpt-To"), "jo@example.net");
    } else if (action == "none") {
      EXPECT_EQ(parts.kind, BounceKind::kNotBounce);
    } else {
      EXPECT_EQ(parts.kind, BounceKind::kDeliveryReport);
      ASSERT_EQ(parts.per_recipient.size(), 1u);
      EXPECT_EQ(parts.per_recipient[0].Get("Final-Recipient"), "rfc822; jo@example.net");
      EXPECT_EQ(parts.per_recipient[0].Get("Action"), action);
    }
  }
}

TEST(EspEvents, ReplyCodeJoinsTheWordsAndArraysGiveEachEvent) {
  BounceParts parts;
  ASSERT_TRUE(ReadEspEvents(
      "[{\"event-data\":{\"event\":\"failed\",\"severity\":\"permanent\",\"recipient\":\"a@example.net\","
      "\"delivery-status\":{\"code\":550,\"message\":\"5.1.1 No such user\"},"
      "\"message\":{\"headers\":{\"subject\":\"Hello\"}}}},"
      "{\"event-data\":{\"event\":\"delivered\",\"recipient\":\"b@example.net\",\"delivery-status\":{\"code\":250}}}]",
      &parts));
  ASSERT_EQ(parts.per_recipient.size(), 1u);
  EXPECT_EQ(parts.per_recipient[0].Get("Diagnostic-Code"), "smtp; 550 5.1.1 No such user");
  EXPECT_EQ(parts.per_message.Get("Reporting-MTA"), "dns; mailgun.org");
  EXPECT_EQ(parts.original_headers.Get("Subject"), "Hello");
}

TEST(EspEvents, OtherJsonIsNoEvent) {
  BounceParts parts;
  EXPECT_FALSE(ReadEspEvents("{\"event\":\"bounce\",\"email\":\"a@example.net\"}", &parts));
  EXPECT_FALSE(ReadEspEvents("[1, 2, {\"a\": [}", &parts));
  EXPECT_FALSE(ReadEspEvents("Hello {\"email\":\"a@example.net\"}", &parts));
  EXPECT_TRUE(parts.per_recipient.empty());
}

}  // namespace
}  // namespace internal
}  // namespace ndr
