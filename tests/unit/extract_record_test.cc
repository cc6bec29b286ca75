// The extraction stage, the part that fills what interpretation reads from a
// Finding (report kind, diagnostic type, Status comment, context) and the
// failed address itself.
#include <gtest/gtest.h>

#include <memory>

#include "ndr/bounce.h"
#include "ndr/finding.h"

namespace ndr {
namespace {

const Extractor& TheExtractor() {
  static const std::unique_ptr<Extractor> instance = Extractor::Create(nullptr);
  return *instance;
}

Headers Group(std::initializer_list<std::pair<const char*, const char*>> fields) {
  Headers h;
  for (const auto& [name, value] : fields) h.Add(name, value);
  return h;
}

TEST(ExtractRecord, DsnFieldsInterpretationNeeds) {
  BounceParts parts;
  parts.kind = BounceKind::kDeliveryReport;
  parts.bounce_from = "Mail Delivery System <MAILER-DAEMON@mail.example.com>";
  parts.per_recipient = {Group({{"Final-Recipient", "rfc822; jo@example.org"},
                                {"Action", "failed"},
                                {"Status", "5.0.0 (mailbox unavailable)"},
                                {"Diagnostic-Code", "X-Unix; procmail: quota exceeded"}})};
  parts.human_text = "Your message could not be delivered.";
  std::vector<Finding> f = TheExtractor().Extract(parts);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].report_kind, BounceKind::kDeliveryReport);
  EXPECT_EQ(f[0].diagnostic_type, "x-unix");
  EXPECT_EQ(f[0].status_comment, "mailbox unavailable");
  EXPECT_EQ(f[0].report_from, "MAILER-DAEMON@mail.example.com");
  EXPECT_EQ(f[0].context, parts.human_text);  // the only recipient: the text is its own
}

TEST(ExtractRecord, NoContextWhenTheReportNamesSeveralRecipients) {
  BounceParts parts;
  parts.kind = BounceKind::kDeliveryReport;
  parts.per_recipient = {Group({{"Final-Recipient", "rfc822; ann@example.org"}, {"Status", "4.0.0"}}),
                         Group({{"Final-Recipient", "rfc822; jo@example.net"}, {"Status", "4.0.0"}})};
  parts.human_text = "ann@example.org: mailbox is full";
  std::vector<Finding> f = TheExtractor().Extract(parts);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_TRUE(f[0].context.empty());
  EXPECT_TRUE(f[1].context.empty());
  EXPECT_TRUE(f[1].status_comment.empty());
  EXPECT_TRUE(f[1].diagnostic_type.empty());
}

TEST(ExtractRecord, FeedbackTypeIsLowerCase) {
  BounceParts parts;
  parts.kind = BounceKind::kFeedbackReport;
  parts.feedback.Add("Feedback-Type", " Abuse ");
  parts.feedback.Add("Original-Rcpt-To", "jo@example.org");
  std::vector<Finding> f = TheExtractor().Extract(parts);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].report_kind, BounceKind::kFeedbackReport);
  EXPECT_EQ(f[0].feedback_type, "abuse");
}

}  // namespace
}  // namespace ndr
