// The whole pipeline on the bundled samples (samples/README.md says what each
// one must give), and the facade's thread-safety promise.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <thread>

#include "ndr/analyzer.h"
#include "ndr/mailbox.h"
#include "ndr/render.h"
#include "shared_analyzer.h"

namespace ndr {
namespace {

using ndr_test::TheAnalyzer;

Analysis AnalyzeSample(const std::string& name) {
  std::string path = std::string(NDR_SOURCE_DIR) + "/samples/" + name;
  std::string data, error;
  EXPECT_TRUE(ReadWholeFile(path, &data, &error)) << error;
  return TheAnalyzer().Analyze(data, name);
}

struct Expected {
  const char* file;
  const char* recipient;
  const char* action;
  const char* status;
  const char* reply;
  const char* reason;
  bool hard;
};

class SampleTest : public ::testing::TestWithParam<std::vector<Expected>> {};

TEST_P(SampleTest, RecordsMatchTheSampleReadme) {
  const std::vector<Expected>& rows = GetParam();
  Analysis a = AnalyzeSample(rows[0].file);
  ASSERT_TRUE(a.is_bounce()) << rows[0].file;
  ASSERT_EQ(a.records.size(), rows.size()) << rows[0].file;
  for (size_t i = 0; i < rows.size(); ++i) {
    const Record& r = a.records[i];
    const Expected& e = rows[i];
    SCOPED_TRACE(std::string(e.file) + " record " + std::to_string(i));
    EXPECT_EQ(r.recipient, e.recipient);
    EXPECT_EQ(r.action, e.action);
    EXPECT_EQ(r.status, e.status);
    EXPECT_EQ(r.reply_code, e.reply);
    EXPECT_EQ(ReasonName(r.reason), e.reason);
    EXPECT_EQ(r.hard_bounce, e.hard);
    EXPECT_FALSE(r.explanation.empty());
    EXPECT_FALSE(r.advice.empty());
    EXPECT_EQ(r.source, e.file);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Samples, SampleTest,
    ::testing::Values(
        std::vector<Expected>{{"postfix-user-unknown.eml", "alice@example.net", "failed", "5.1.1", "550", "userunknown", true}},
        std::vector<Expected>{{"postfix-two-recipients.eml", "bruno@example.net", "failed", "5.2.2", "552", "mailboxfull", false},
                              {"postfix-two-recipients.eml", "tom@nowhere.example", "failed", "5.4.4", "", "hostunknown", true}},
        std::vector<Expected>{{"exim-failed.eml", "bob@example.org", "failed", "5.1.1", "550", "userunknown", true}},
        std::vector<Expected>{{"sendmail-transcript.eml", "carol@example.org", "failed", "5.7.1", "550", "norelaying", false}},
        std::vector<Expected>{{"qmail-failure.eml", "dave@example.net", "failed", "5.1.1", "550", "userunknown", true}},
        std::vector<Expected>{{"exchange-online-ndr.eml", "erin@contoso.example", "failed", "5.1.10", "550", "userunknown", true}},
        std::vector<Expected>{{"gmail-dmarc.eml", "frank@gmail.com", "failed", "5.7.26", "550", "authfailure", false}},
        std::vector<Expected>{{"utf8-global-dsn.eml", "\xE7\x94\xA8\xE6\x88\xB7@\xE4\xBE\x8B\xE5\xAD\x90.example", "failed", "5.1.1", "550", "userunknown", true}},
        std::vector<Expected>{{"base64-report.eml", "grace@example.org", "failed", "5.2.2", "552", "mailboxfull", false}},
        std::vector<Expected>{{"iso-2022-jp.eml", "hanako@example.jp", "failed", "5.1.1", "550", "userunknown", true}},
        std::vector<Expected>{{"crlf-report.eml", "ivan@example.org", "failed", "5.1.2", "550", "hostunknown", true}},
        std::vector<Expected>{{"delayed.eml", "nina@example.org", "delayed", "4.4.1", "", "expired", false}},
        std::vector<Expected>{{"quoted-printable.eml", "kim@example.net", "failed", "5.7.1", "554", "blocked", false}},
        std::vector<Expected>{{"cr-only.eml", "leo@example.org", "failed", "5.1.1", "550", "userunknown", true}},
        std::vector<Expected>{{"mailbox-full-iso8859.eml", "marie@example.fr", "failed", "5.2.2", "552", "mailboxfull", false}},
        std::vector<Expected>{{"multi-recipient-mixed.eml", "uma@example.net", "failed", "5.1.1", "550", "userunknown", true},
                              {"multi-recipient-mixed.eml", "wendy@example.net", "delayed", "4.2.2", "452", "mailboxfull", false},
                              {"multi-recipient-mixed.eml", "victor@example.org", "failed", "5.7.1", "554", "spamdetected", false}}),
    [](const ::testing::TestParamInfo<std::vector<Expected>>& info) {
      std::string name = info.param[0].file;
      name = name.substr(0, name.find('.'));
      for (char& c : name) {
        if (!isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

TEST(Analyzer, OriginalMessageFields) {
  Analysis a = AnalyzeSample("postfix-user-unknown.eml");
  ASSERT_EQ(a.records.size(), 1u);
  EXPECT_EQ(a.records[0].sender, "newsletter@example.com");
  EXPECT_EQ(a.records[0].subject, "Your March product update");
  EXPECT_FALSE(a.records[0].message_id.empty());
  EXPECT_FALSE(a.records[0].date.empty());
  EXPECT_EQ(a.records[0].smtp_command, "RCPT");
  EXPECT_EQ(a.records[0].remote_mta, "mx1.example.net");
}

TEST(Analyzer, JapaneseSubjectIsDecoded) {
  Analysis a = AnalyzeSample("iso-2022-jp.eml");
  ASSERT_EQ(a.records.size(), 1u);
  EXPECT_EQ(a.records[0].subject, "\xE4\xBC\x9A\xE8\xAD\xB0\xE8\xB3\x87\xE6\x96\x99\xE3\x81\xAE\xE9\x80\x81"
                                  "\xE4\xBB\x98\xE3\x81\xAB\xE3\x81\xA4\xE3\x81\x84\xE3\x81\xA6");
}

TEST(Analyzer, FeedbackReport) {
  Analysis a = AnalyzeSample("arf-abuse.eml");
  EXPECT_EQ(a.kind, BounceKind::kFeedbackReport);
  ASSERT_EQ(a.records.size(), 1u);
  EXPECT_EQ(a.records[0].reason, Reason::kFeedback);
  EXPECT_EQ(a.records[0].feedback_type, "abuse");
  EXPECT_EQ(a.records[0].recipient, "judy@example.net");
  EXPECT_EQ(a.records[0].sender, "news@example.com");
}

// `bytes` in base64, 76 characters a line, as a mail program attaches a file.
std::string Base64Lines(const std::string& bytes) {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t n = static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    if (i + 2 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[n >> 18];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[n & 63] : '=';
    if ((i / 3 + 1) % 19 == 0) out += '\n';
  }
  return out;
}

TEST(Analyzer, ForwardedAttachedBounceIsReadAsTheBounce) {
  const std::string bounce =
      "From: Mail Delivery System <MAILER-DAEMON@mx.example.com>\n"
      "Subject: Undelivered Mail Returned to Sender\nMessage-ID: <b1@mx.example.com>\nMIME-Version: 1.0\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"R\"\n\n"
      "--R\nContent-Type: text/plain\n\n<lee@example.net>: host mx.example.net[192.0.2.7] said: 550 5.1.1\n"
      "    <lee@example.net>: Recipient address rejected: User unknown (in reply to RCPT TO command)\n\n"
      "--R\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.com\n\n"
      "Final-Recipient: rfc822; lee@example.net\nAction: failed\nStatus: 5.1.1\n"
      "Diagnostic-Code: smtp; 550 5.1.1 <lee@example.net>: Recipient address rejected: User unknown\n\n"
      "--R\nContent-Type: text/rfc822-headers\n\nFrom: kim@example.org\nSubject: Quarterly plan\n\n--R--\n";
  const std::string forward =
      "From: Kim <kim@example.org>\nTo: helpdesk@example.org\nSubject: Fwd: Undelivered Mail Returned to Sender\n"
      "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"F\"\n\n--F\nContent-Type: text/plain\n\n"
      "Hi, this came back when I wrote to Lee. Is the address wrong?\n\n--F\nContent-Type: message/rfc822\n\n" +
      bounce + "\n--F--\n";
  Analysis a = TheAnalyzer().Analyze(forward, "forward.eml");
  ASSERT_EQ(a.records.size(), 1u);
  const Record& r = a.records[0];
  EXPECT_EQ(r.recipient, "lee@example.net");
  EXPECT_EQ(r.reason, Reason::kUserUnknown);
  EXPECT_EQ(r.status, "5.1.1");
  EXPECT_EQ(r.subject, "Quarterly plan");            // the bounce's returned original
  EXPECT_EQ(r.bounce_message_id, "<b1@mx.example.com>");  // the bounce, not the forward
  EXPECT_EQ(r.diagnostic.find("Is the address wrong"), std::string::npos);

  // The same bounce passed on by a mail gateway as an attachment of its own
  // notice (which names no address), and that notice forwarded by a person:
  // the gateway's notice is read through too.
  const std::string gateway =
      "From: Mail Delivery Subsystem <MAILER-DAEMON@gw.example.com>\nSubject: Returned mail: User unknown\n"
      "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"G\"\n\n--G\nContent-Type: text/plain\n\n"
      "   ----- The following addresses had permanent delivery errors -----\n\n"
      "--G\nContent-Type: message/rfc822\n\n" + bounce + "\n--G--\n";
  const std::string forwarded_gateway =
      "From: Kim <kim@example.org>\nSubject: Fwd: bounce\nMIME-Version: 1.0\n"
      "Content-Type: multipart/mixed; boundary=\"F\"\n\n--F\nContent-Type: text/plain\n\nWhat is this?\n\n"
      "--F\nContent-Type: message/rfc822\n\n" + gateway + "\n--F--\n";
  // Attached as a file ("application/octet-stream", named *.eml), base64, as
  // some mail programs attach a message: the file is the message.
  const std::string as_file =
      "From: Kim <kim@example.org>\nSubject: Fwd: bounce\nMIME-Version: 1.0\n"
      "Content-Type: multipart/mixed; boundary=\"F\"\n\n--F\nContent-Type: text/plain\n\nWhat is this?\n\n"
      "--F\nContent-Type: application/octet-stream; name=\"bounce.eml\"\n"
      "Content-Disposition: attachment; filename=\"Undelivered Mail.EML\"\n"
      "Content-Transfer-Encoding: base64\n\n" + Base64Lines(bounce) + "\n--F--\n";
  for (const std::string& input : {gateway, forwarded_gateway, as_file}) {
    Analysis g = TheAnalyzer().Analyze(input, "gateway.eml");
    ASSERT_EQ(g.records.size(), 1u) << input;
    EXPECT_EQ(g.records[0].recipient, "lee@example.net");
    EXPECT_EQ(g.records[0].reason, Reason::kUserUnknown);
  }
}

// The forwarded report's own multipart declares a boundary its body never
// uses (the sending MTA wrote another): read as its text, as it is when it
// arrives unforwarded, not lost as an empty multipart.
TEST(Analyzer, ForwardedBounceWithAnUnusedBoundaryIsRead) {
  const std::string bounce =
      "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.com>\n"
      "Subject: Returned mail: see transcript for details\nMIME-Version: 1.0\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"declared.1\"\n\n"
      "--written.2\nContent-Type: text/plain\n\n"
      "   ----- The following addresses had permanent fatal errors -----\n<lee@example.net>\n"
      "    (reason: 550 5.1.1 <lee@example.net>... User unknown)\n\n--written.2--\n";
  const std::string forward =
      "From: Kim <kim@example.org>\nTo: helpdesk@example.org\nSubject: Fwd: Returned mail\n"
      "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"F\"\n\n--F\nContent-Type: text/plain\n\n"
      "Why did this come back?\n\n--F\nContent-Type: message/rfc822\n\n" +
      bounce + "\n--F--\n";
  for (const std::string& input : {bounce, forward}) {
    Analysis a = TheAnalyzer().Analyze(input, "bounce.eml");
    ASSERT_EQ(a.records.size(), 1u) << input;
    EXPECT_EQ(a.records[0].recipient, "lee@example.net");
    EXPECT_EQ(a.records[0].reason, Reason::kUserUnknown);
  }
}

// Pasted report text that only its own sentences or its printed DSN fields
// mark as a report (no Subject, no sender, no reply code).
TEST(Analyzer, PastedReportSentencesAndPrintedDsnFields) {
  Analysis a = TheAnalyzer().Analyze(
      "Your message cannot be delivered to the following recipients:\n\n"
      "  Recipient address: jo@example.net\n  Reason: Illegal host/domain name found\n",
      "pasted.txt");
  ASSERT_EQ(a.records.size(), 1u);
  EXPECT_EQ(a.records[0].recipient, "jo@example.net");

  a = TheAnalyzer().Analyze(
      "Technical report:\n\nReporting-MTA: dns; out.example.com\nAction: failed\n"
      "Final-Recipient: rfc822; lee@example.org\n"
      "Diagnostic-Code: smtp; 554 4.4.7 Message expired: unable to deliver in 840 minutes\nStatus: 4.4.7\n",
      "pasted.txt");
  ASSERT_EQ(a.records.size(), 1u);
  EXPECT_EQ(a.records[0].recipient, "lee@example.org");
  EXPECT_EQ(a.records[0].status, "4.4.7");
  EXPECT_EQ(a.records[0].reason, Reason::kExpired);
}

// Words no rule reads: nobody is named to act, but "nobody" would say there
// is nothing to do; the record says the bounce does not tell.
TEST(Analyzer, UnreadableReasonHasNoKnownActor) {
  Analysis a = TheAnalyzer().Analyze(
      "Your message could not be delivered.\n\n<jo@example.net>: 550 frobnicated beyond repair\n", "pasted.txt");
  ASSERT_EQ(a.records.size(), 1u);
  EXPECT_EQ(a.records[0].reason, Reason::kOnHold);
  EXPECT_EQ(a.records[0].details.actor, Actor::kUnknown);
  EXPECT_EQ(ActorName(Actor::kUnknown), "unknown");
  Actor parsed = Actor::kNobody;
  EXPECT_TRUE(ParseActor("unknown", &parsed));
  EXPECT_EQ(parsed, Actor::kUnknown);
}

TEST(Analyzer, AutoReply) {
  Analysis a = AnalyzeSample("auto-reply.eml");
  EXPECT_EQ(a.kind, BounceKind::kAutoReply);
  ASSERT_EQ(a.records.size(), 1u);
  EXPECT_EQ(a.records[0].reason, Reason::kVacation);
  EXPECT_FALSE(a.records[0].hard_bounce);
}

// Regression: a delay was explained as "gave up after retrying".
TEST(Analyzer, DelayIsNotExplainedAsGivingUp) {
  Analysis a = AnalyzeSample("delayed.eml");
  ASSERT_EQ(a.records.size(), 1u);
  EXPECT_NE(a.records[0].explanation.find("still retrying"), std::string::npos);
  EXPECT_EQ(a.records[0].explanation.find("gave up"), std::string::npos) << a.records[0].explanation;
  EXPECT_FALSE(a.records[0].details.suppress);
}

TEST(Analyzer, NotABounce) {
  Analysis a = AnalyzeSample("not-a-bounce.eml");
  EXPECT_FALSE(a.is_bounce());
  EXPECT_TRUE(a.records.empty());
}

TEST(Analyzer, HostileInputNeverThrows) {
  for (std::string input : {std::string(), std::string("\0\0\0", 3), std::string(100000, '\n'),
                            std::string("Content-Type: multipart/report; boundary=x\n\n--x\n"),
                            std::string(200000, '<') + "@", std::string("From: MAILER-DAEMON\nSubject: failure notice\n\n") +
                                std::string(50000, 'a') + "@b.example\n550 5.1.1 x"}) {
    Analysis a = TheAnalyzer().Analyze(input, "hostile");
    for (const Record& r : a.records) EXPECT_FALSE(RecordToJson(r).empty());
  }
}

// The seed table's warning: a reply the failed command may not return is a
// technical remark (shown by --verbose text), kept out of the explanation a
// helpdesk reads (issue 6, kind 5).
TEST(Analyzer, ReplyThatDoesNotFitTheCommandIsExplained) {
  Analysis a = TheAnalyzer().Analyze(
      "From: MAILER-DAEMON@mx.example.com\nSubject: Undelivered Mail Returned to Sender\n\n"
      "This is the mail system at host mx.example.com.\n\n"
      "<pat@example.org>: host mx.example.org[192.0.2.7] said: 550 Message looks like spam\n"
      "    (in reply to DATA command)\n",
      "fit");
  ASSERT_EQ(a.records.size(), 1u);
  EXPECT_EQ(a.records[0].smtp_command, "DATA");
  EXPECT_EQ(a.records[0].reply_code, "550");
  EXPECT_EQ(a.records[0].explanation.find("is not a reply the RFCs allow"), std::string::npos)
      << a.records[0].explanation;
  EXPECT_NE(a.records[0].details.command_note.find("550 is not a reply the RFCs allow for DATA"), std::string::npos)
      << a.records[0].details.command_note;
}

// Regression: in a report on several recipients, one recipient's words
// (here "mailbox full") must not decide another recipient's reason.
TEST(Analyzer, RecipientsDoNotBorrowEachOthersWords) {
  Analysis a = TheAnalyzer().Analyze(
      "From: Mail Delivery System <MAILER-DAEMON@mx.example.com>\n"
      "Subject: Mail delivery failed: returning message to sender\n\n"
      "A message that you sent could not be delivered to one or more of its recipients.\n"
      "The following address(es) failed:\n\n"
      "  ann@example.org\n    host mx.example.org [192.0.2.8]\n"
      "    SMTP error from remote mail server after RCPT TO:<ann@example.org>:\n"
      "    552 5.2.2 Mailbox full\n\n"
      "  ben@example.net\n    host mx.example.net [192.0.2.9]\n"
      "    SMTP error from remote mail server after RCPT TO:<ben@example.net>:\n"
      "    550 Zorblax condition 42\n",
      "two");
  ASSERT_EQ(a.records.size(), 2u);
  EXPECT_EQ(a.records[0].reason, Reason::kMailboxFull);
  EXPECT_NE(a.records[1].reason, Reason::kMailboxFull) << a.records[1].details.evidence;
}

// A report with a huge human part and many recipients still names each
// recipient once (the human text kept per report is bounded).
TEST(Analyzer, HugeReportWithManyRecipients) {
  std::string raw =
      "From: MAILER-DAEMON@mx.example.com\nSubject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=B\n\n--B\n"
      "Content-Type: text/plain\n\n";
  raw += std::string(3 << 20, 'x');
  raw += "\n--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.com\n\n";
  for (int i = 0; i < 500; ++i) {
    raw += "Final-Recipient: rfc822; user" + std::to_string(i) + "@example.org\nAction: failed\nStatus: 5.1.1\n\n";
  }
  raw += "--B--\n";
  Analysis a = TheAnalyzer().Analyze(raw, "huge");
  ASSERT_EQ(a.records.size(), 500u);
  EXPECT_EQ(a.records[499].recipient, "user499@example.org");
  EXPECT_EQ(a.records[499].reason, Reason::kUserUnknown);
}

// Analyze is const and shares nothing mutable: many threads, same answers.
TEST(Analyzer, ManyThreadsGiveTheSameRecords) {
  std::vector<std::string> names = {"postfix-user-unknown.eml", "exim-failed.eml", "iso-2022-jp.eml",
                                    "gmail-dmarc.eml", "multi-recipient-mixed.eml", "base64-report.eml"};
  std::vector<std::string> inputs, expected;
  for (const std::string& n : names) {
    std::string data, error;
    ASSERT_TRUE(ReadWholeFile(std::string(NDR_SOURCE_DIR) + "/samples/" + n, &data, &error));
    std::string json;
    for (const Record& r : TheAnalyzer().Analyze(data, n).records) json += RecordToJson(r) + "\n";
    inputs.push_back(data);
    expected.push_back(json);
  }
  std::vector<std::thread> threads;
  std::vector<int> mismatches(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 25; ++round) {
        size_t i = (t + round) % inputs.size();
        std::string json;
        for (const Record& r : TheAnalyzer().Analyze(inputs[i], names[i]).records) json += RecordToJson(r) + "\n";
        if (json != expected[i]) ++mismatches[t];
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

// A batch is read stage by stage, each message as Analyze (or AnalyzeText)
// reads it alone: the same kind, records and problems, in order.
std::string Summary(const Analysis& a) {
  std::string out = std::to_string(static_cast<int>(a.kind)) + (a.failed ? " failed\n" : "\n");
  for (const Problem& p : a.problems) out += p.ToString() + "\n";
  for (const Record& r : a.records) out += RecordToJson(r) + "\n";
  return out;
}

TEST(Analyzer, BatchGivesWhatOneAtATimeGives) {
  std::vector<std::string> names, inputs;
  for (const std::string& n : {"postfix-user-unknown.eml", "exim-failed.eml", "iso-2022-jp.eml", "auto-reply.eml",
                               "gmail-dmarc.eml", "multi-recipient-mixed.eml", "arf-abuse.eml", "cr-only.eml",
                               "delayed.eml", "exchange-online-ndr.eml"}) {
    std::string data, error;
    if (!ReadWholeFile(std::string(NDR_SOURCE_DIR) + "/samples/" + n, &data, &error)) continue;
    names.push_back(n);
    inputs.push_back(data);
  }
  ASSERT_GE(inputs.size(), 8u);
  names.push_back("pasted");
  inputs.push_back("> 550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown\n");
  names.push_back("not a message");
  inputs.push_back("");
  std::vector<Analyzer::BatchMessage> batch;
  for (size_t i = 0; i < inputs.size(); ++i) batch.push_back({inputs[i], names[i]});
  for (bool as_text : {false, true}) {
    SCOPED_TRACE(as_text ? "as text" : "as messages");
    std::vector<Analysis> together = TheAnalyzer().AnalyzeBatch(batch, as_text);
    ASSERT_EQ(together.size(), inputs.size());
    size_t bounces = 0;
    for (size_t i = 0; i < inputs.size(); ++i) {
      const Analysis alone = as_text ? TheAnalyzer().AnalyzeText(inputs[i], names[i])
                                     : TheAnalyzer().Analyze(inputs[i], names[i]);
      EXPECT_EQ(Summary(together[i]), Summary(alone)) << names[i];
      if (alone.is_bounce()) ++bounces;
    }
    EXPECT_GE(bounces, 6u);  // the batch held bounces and messages that are not
  }
  EXPECT_TRUE(TheAnalyzer().AnalyzeBatch({}).empty());
}

// Every bundled sample gives `other` the records TheAnalyzer gives, as JSON;
// `check` looks at each of other's records too. Returns how many records.
size_t ExpectSameJsonOnSamples(const Analyzer& other, const std::function<void(const Record&)>& check = nullptr) {
  size_t records = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(NDR_SOURCE_DIR) + "/samples")) {
    if (entry.path().extension() != ".eml") continue;
    std::string data, error;
    EXPECT_TRUE(ReadWholeFile(entry.path().string(), &data, &error)) << error;
    const std::string name = entry.path().filename().string();
    Analysis want = TheAnalyzer().Analyze(data, name);
    Analysis got = other.Analyze(data, name);
    EXPECT_EQ(got.records.size(), want.records.size()) << name;
    for (size_t i = 0; i < want.records.size() && i < got.records.size(); ++i) {
      EXPECT_EQ(RecordToJson(got.records[i]), RecordToJson(want.records[i])) << name;
      if (check) check(got.records[i]);
      ++records;
    }
  }
  return records;
}

// Create compiles the ReasonBook's tables on a second thread when allowed:
// the analyzer it builds gives the records of one built on one thread.
TEST(Analyzer, TablesLoadedOnTwoThreadsGiveTheSameRecords) {
  AnalyzeOptions options;
  options.load_threads = 2;
  std::string error;
  std::unique_ptr<Analyzer> two = Analyzer::Create(options, &error);
  ASSERT_NE(two, nullptr) << error;
  ASSERT_EQ(TheAnalyzer().options().load_threads, 1u);
  EXPECT_GE(ExpectSameJsonOnSamples(*two), 20u);
}

// A scan writing JSON, CSV or Sisimai output skips what the codes mean
// (AnalyzeOptions::code_meanings): its records render the same.
TEST(Analyzer, WithoutCodeMeaningsRecordsRenderTheSame) {
  AnalyzeOptions options;
  options.code_meanings = false;
  std::string error;
  std::unique_ptr<Analyzer> lean = Analyzer::Create(options, &error);
  ASSERT_NE(lean, nullptr) << error;
  size_t records = ExpectSameJsonOnSamples(*lean, [](const Record& r) {
    EXPECT_EQ(r.details.stage + r.details.reply_meaning + r.details.status_meaning, "") << r.source;
  });
  EXPECT_GE(records, 20u);
}

// The bounce's own Message-ID and Date (a history stores a report once) and
// the blocklist the server named travel on the record.
TEST(AnalyzerRecord, CarriesBounceIdDateAndBlocklist) {
  const std::string dsn =
      "From: MAILER-DAEMON@mx.example.org\r\n"
      "To: news@example.org\r\n"
      "Subject: Undelivered Mail Returned to Sender\r\n"
      "Message-ID: <bounce-1@mx.example.org>\r\n"
      "Date: Mon, 30 Nov 2026 08:00:00 +0000\r\n"
      "MIME-Version: 1.0\r\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n"
      "--b\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n"
      "--b\r\nContent-Type: message/delivery-status\r\n\r\n"
      "Reporting-MTA: dns; mx.example.org\r\n\r\n"
      "Final-Recipient: rfc822; bob@example.com\r\n"
      "Action: failed\r\nStatus: 5.7.1\r\n"
      "Diagnostic-Code: smtp; 554 5.7.1 Service unavailable; Client host [192.0.2.7] blocked using "
      "zen.spamhaus.org\r\n\r\n"
      "--b--\r\n";
  Analysis a = TheAnalyzer().Analyze(dsn, "t.eml");
  ASSERT_EQ(a.records.size(), 1u);
  EXPECT_EQ(a.records[0].bounce_message_id, "<bounce-1@mx.example.org>");
  EXPECT_EQ(a.records[0].bounce_date, "Mon, 30 Nov 2026 08:00:00 +0000");
  EXPECT_EQ(a.records[0].blocklist, "spamhaus-zen");
  EXPECT_NE(RecordToJson(a.records[0]).find("\"blocklist\":\"spamhaus-zen\""), std::string::npos);
}

// Every record of a report carries the report's fields (the last one takes
// them over from the report, the others copy them).
TEST(AnalyzerRecord, EveryRecordOfAReportCarriesItsFields) {
  std::string dsn =
      "From: MAILER-DAEMON@mx.example.org\r\nMessage-ID: <bounce-2@mx.example.org>\r\n"
      "Date: Tue, 1 Dec 2026 08:00:00 +0000\r\nContent-Type: multipart/report; report-type=delivery-status; "
      "boundary=\"b\"\r\n\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\n"
      "Reporting-MTA: dns; mx.example.org\r\n\r\n";
  for (const char* who : {"bob", "ann", "joe"}) {
    dsn += std::string("Final-Recipient: rfc822; ") + who + "@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n";
  }
  dsn += "--b\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: Newsletter <news@example.org>\r\n"
         "Subject: Our news\r\nMessage-ID: <orig-2@example.org>\r\nDate: Mon, 30 Nov 2026 07:00:00 +0000\r\n\r\n"
         "--b--\r\n";
  Analysis a = TheAnalyzer().Analyze(dsn, "t.eml");
  ASSERT_EQ(a.records.size(), 3u);
  for (const Record& r : a.records) {
    EXPECT_EQ(r.sender, "news@example.org") << r.recipient;
    EXPECT_EQ(r.subject, "Our news") << r.recipient;
    EXPECT_EQ(r.message_id, "<orig-2@example.org>") << r.recipient;
    EXPECT_EQ(r.date, "Mon, 30 Nov 2026 07:00:00 +0000") << r.recipient;
    EXPECT_EQ(r.bounce_message_id, "<bounce-2@mx.example.org>") << r.recipient;
    EXPECT_EQ(r.bounce_date, "Tue, 1 Dec 2026 08:00:00 +0000") << r.recipient;
  }
}

}  // namespace
}  // namespace ndr
