// Renderers: JSON Lines contract and the text report.
#include <gtest/gtest.h>

#include <sstream>

#include "json_check.h"
#include "ndr/render.h"

namespace ndr {
namespace {

Record SampleRecord() {
  Record r;
  r.source = "box.mbox#2";
  r.recipient = "alice@example.net";
  r.action = "failed";
  r.status = "5.1.1";
  r.reply_code = "550";
  r.reason = Reason::kUserUnknown;
  r.hard_bounce = true;
  r.diagnostic = "550 5.1.1 \"alice\" unknown\tuser\\";
  r.explanation = "The mailbox does not exist.";
  r.details.summary = r.explanation;
  r.advice = "Remove the address.";
  r.details.actor = Actor::kSender;
  r.details.retry = Retry::kNever;
  r.details.suppress = true;
  r.details.status_meaning = "5.1.1: bad destination mailbox address";
  return r;
}

TEST(RenderJson, EveryKeyInContractOrder) {
  std::string json = RecordToJson(SampleRecord());
  const char* keys[] = {"source", "recipient", "original_recipient", "action", "status", "reply_code",
                        "reason", "hard_bounce", "diagnostic", "remote_mta", "receiving_vendor",
                        "reporting_mta", "reporting_vendor", "smtp_command", "sender", "subject",
                        "message_id", "date", "explanation", "advice", "feedback_type", "actor", "retry",
                        "suppress", "evidence", "blocklist", "bounce_message_id", "bounce_date"};
  size_t last = 0;
  for (const char* key : keys) {
    size_t at = json.find(std::string("\"") + key + "\":");
    ASSERT_NE(at, std::string::npos) << key;
    EXPECT_GT(at, last) << key << " out of order";
    last = at;
  }
  ndr_test::JsonChecker check;
  ASSERT_TRUE(check.ParseObject(json)) << json;
  EXPECT_EQ(check.values().at("reason"), "userunknown");
  EXPECT_EQ(check.values().at("hard_bounce"), "true");
  EXPECT_EQ(check.values().at("remote_mta"), "");
  EXPECT_EQ(check.values().at("actor"), "sender");
  EXPECT_EQ(check.values().at("retry"), "never");
  EXPECT_EQ(check.values().at("suppress"), "true");
}

TEST(RenderJson, EscapesQuotesControlsAndBackslashes) {
  std::string out;
  AppendJsonString("a\"b\\c\nd\te\x01", &out);
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\nd\\te\\u0001\"");
}

TEST(RenderJson, InvalidUtf8BecomesReplacementCharacter) {
  std::string out;
  AppendJsonString("caf\xE9 \xC3\xA9 \xF0\x9F\x98\x80 \xED\xA0\x80", &out);
  EXPECT_EQ(out, "\"caf\xEF\xBF\xBD \xC3\xA9 \xF0\x9F\x98\x80 \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

TEST(RenderJson, SinkWritesOneLinePerRecord) {
  std::ostringstream out;
  auto sink = MakeJsonLinesSink(out);
  sink->Write(SampleRecord());
  sink->Write(SampleRecord());
  sink->Finish();
  std::string text = out.str();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
}

TEST(RenderText, ShowsWhatPeopleNeed) {
  std::ostringstream out;
  auto sink = MakeTextSink(out);
  sink->Write(SampleRecord());
  sink->Finish();
  std::string text = out.str();
  for (const char* expected : {"== box.mbox#2", "alice@example.net", "[failed]", "What happened:",
                               "The mailbox does not exist.", "userunknown (hard bounce)",
                               "Status code:", "Who must act:", "you, the sender", "Send again?:",
                               "no, do not send it again", "Remove address?:", "yes", "What to do:"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;
  }
}

TEST(RenderText, ComplaintsAndAutoRepliesAreNotBounces) {
  Record r = SampleRecord();
  r.reason = Reason::kFeedback;
  r.hard_bounce = false;
  std::ostringstream out;
  auto sink = MakeTextSink(out);
  sink->Write(r);
  EXPECT_NE(out.str().find("feedback (not a bounce)"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("Report says:"), std::string::npos) << out.str();
}

TEST(RenderText, NamesTheReceivingSideNeverTheReportingSide) {
  Record r = SampleRecord();
  r.remote_mta = "mx.example.net";
  r.receiving_vendor = "google";
  r.receiving_vendor_name = "Gmail";
  r.reporting_mta = "a1-2.smtp-out.amazonses.com";
  r.reporting_vendor = "amazonses";
  std::ostringstream out;
  auto sink = MakeTextSink(out);
  sink->Write(r);
  EXPECT_NE(out.str().find("Remote server:   mx.example.net (Gmail)"), std::string::npos) << out.str();
  EXPECT_EQ(out.str().find("amazonses"), std::string::npos) << out.str();
  // No remote server named: the receiving side alone.
  r.remote_mta.clear();
  std::ostringstream alone;
  sink = MakeTextSink(alone);
  sink->Write(r);
  EXPECT_NE(alone.str().find("Remote server:   Gmail\n"), std::string::npos) << alone.str();
}

TEST(RenderJson, VendorsAndOriginalRecipientAreKeys) {
  Record r = SampleRecord();
  r.original_recipient = "alice@old.example.net";
  r.receiving_vendor = "google";
  r.reporting_vendor = "amazonses";
  ndr_test::JsonChecker check;
  ASSERT_TRUE(check.ParseObject(RecordToJson(r)));
  EXPECT_EQ(check.values().at("original_recipient"), "alice@old.example.net");
  EXPECT_EQ(check.values().at("receiving_vendor"), "google");
  EXPECT_EQ(check.values().at("reporting_vendor"), "amazonses");
}

TEST(RenderText, LongValuesWrapUnderTheirLabel) {
  Record r = SampleRecord();
  r.advice = std::string(30, 'a') + " " + std::string(30, 'b') + " " + std::string(30, 'c') + " " +
             std::string(30, 'd');
  std::ostringstream out;
  auto sink = MakeTextSink(out);
  sink->Write(r);
  std::string text = out.str();
  size_t at = text.find(std::string(30, 'c'));  // 19 + 30 + 1 + 30 + 1 + 30 > 100
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(text.substr(at - 20, 20), "\n" + std::string(19, ' ')) << text;
  for (size_t start = 0, end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    EXPECT_LE(end - start, 100u) << text.substr(start, end - start);
  }
}


// Issue 6, kind 5: the stage in a helpdesk's words, and the RFC remark about
// a reply that does not fit the stage only with --verbose.
TEST(RenderText, StageInPlainWordsAndTechnicalNoteOnlyWhenVerbose) {
  Record r = SampleRecord();
  r.smtp_command = "RECEIVED DATA";
  r.details.stage = "after the whole message was sent";
  r.details.command_note = "550 is not a reply the RFCs allow for DATA";
  std::ostringstream plain;
  auto sink = MakeTextSink(plain);
  sink->Write(r);
  EXPECT_NE(plain.str().find("Failed at:") + 1, plain.str().find("after the whole message was sent")) << plain.str();
  EXPECT_NE(plain.str().find("after the whole message was sent"), std::string::npos) << plain.str();
  EXPECT_EQ(plain.str().find("RECEIVED DATA"), std::string::npos) << plain.str();
  EXPECT_EQ(plain.str().find("not a reply the RFCs allow"), std::string::npos) << plain.str();
  std::ostringstream verbose;
  sink = MakeTextSink(verbose, true);
  sink->Write(r);
  EXPECT_NE(verbose.str().find("550 is not a reply the RFCs allow"), std::string::npos)
      << verbose.str();
  // JSON never carries the remark.
  EXPECT_EQ(RecordToJson(r).find("not a reply the RFCs allow"), std::string::npos);
}

}  // namespace
}  // namespace ndr
