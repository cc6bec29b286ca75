// The bounce stage: which kind of report, where its parts are.
#include <gtest/gtest.h>

#include <memory>

#include "ndr/bounce.h"
#include "ndr/message.h"
#include "markers_fixture.h"
#include "core/strings.h"
#include "mime/pasted_text.h"

namespace ndr {
namespace {

BounceParts Locate(const std::string& raw) { return LocateBounce(ParseMessage(raw), ndr_test::Markers()); }

const char kDsn[] =
    "From: MAILER-DAEMON@mail.example.com\n"
    "Subject: Undelivered Mail Returned to Sender\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n"
    "\n"
    "--B\n"
    "Content-Type: text/plain\n"
    "\n"
    "<a@example.net>: host mx.example.net[192.0.2.1] said: 550 5.1.1 unknown\n"
    "\n"
    "--B\n"
    "Content-Type: message/delivery-status\n"
    "\n"
    "Reporting-MTA: dns; mail.example.com\n"
    "\n"
    "Final-Recipient: rfc822; a@example.net\n"
    "Action: failed\n"
    "Status: 5.1.1\n"
    "Diagnostic-Code: smtp; 550 5.1.1 <a@example.net>:\n"
    "    Recipient address rejected\n"
    "Final-Recipient: rfc822; b@example.net\n"
    "Action: delayed\n"
    "Status: 4.2.2\n"
    "\n"
    "--B\n"
    "Content-Type: text/rfc822-headers\n"
    "\n"
    "From: Sender <sender@example.com>\n"
    "Subject: Hello\n"
    "Message-ID: <m1@example.com>\n"
    "\n"
    "--B--\n";

TEST(Bounce, DeliveryReportGroupsRecipientsEvenWithoutBlankLines) {
  BounceParts p = Locate(kDsn);
  EXPECT_EQ(p.kind, BounceKind::kDeliveryReport);
  EXPECT_EQ(p.per_message.Get("Reporting-MTA"), "dns; mail.example.com");
  ASSERT_EQ(p.per_recipient.size(), 2u);
  EXPECT_EQ(p.per_recipient[0].Get("Status"), "5.1.1");
  EXPECT_NE(p.per_recipient[0].Get("Diagnostic-Code").find("Recipient address rejected"), std::string::npos);
  EXPECT_EQ(p.per_recipient[1].Get("Final-Recipient"), "rfc822; b@example.net");
  EXPECT_EQ(p.original_headers.Get("Subject"), "Hello");
  EXPECT_NE(p.human_text.find("said: 550"), std::string::npos);
}

TEST(Bounce, PlainTextBounceCutsTheReturnedCopy) {
  BounceParts p = Locate(
      "From: Mail Delivery System <Mailer-Daemon@mail.example.com>\n"
      "Subject: Mail delivery failed: returning message to sender\n"
      "X-Failed-Recipients: bob@example.org\n"
      "Auto-Submitted: auto-replied\n"
      "\n"
      "A message that you sent could not be delivered to one or more of its\n"
      "recipients. The following address(es) failed:\n\n  bob@example.org\n"
      "    550 5.1.1 No such user\n\n"
      "------ This is a copy of the message, including all the headers. ------\n\n"
      "From: sender@example.com\nSubject: Original\nTo: bob@example.org\n\nbody text 550 5.7.1\n");
  EXPECT_EQ(p.kind, BounceKind::kPlainText);  // Auto-Submitted does not make it a vacation reply
  EXPECT_EQ(p.failed_recipients, "bob@example.org");
  EXPECT_EQ(p.human_text.find("body text"), std::string::npos);
  EXPECT_EQ(p.original_headers.Get("Subject"), "Original");
}

// A returned original quoted without a marker line: the column-0 header
// block after a blank line or a rule of '=', '-', '*' is the copy; summary
// lines a report indents, a digit-led name and a block without a trace field are not.
TEST(Bounce, QuotedHeaderBlockWithoutAMarkerLine) {
  const std::string head =
      "From: Mail Delivery System <Mailer-Daemon@mail.example.com>\n"
      "Subject: Mail delivery failed\n"
      "\n"
      "Delivery to bob@example.org failed: 550 5.1.1 No such user\n\n"
      "  From: sender@example.com\n  To: bob@example.org\n  Subject: Summary\n\n"
      "2nd-Note: x\nFrom: a@example.com\nTo: b@example.com\nSubject: No trace\n\n";
  for (std::string rule : {"\n", "\t \n", "=-=-=-=-=\n", "* * * * *\n", "__ -- __\n"}) {
    SCOPED_TRACE(rule);
    BounceParts p = Locate(head + "Some words.\n" + rule +
                           "Received: from x.example.com\nFrom: sender@example.com\nTo: bob@example.org\n"
                           "Subject: Original\n\nbody text\n");
    EXPECT_EQ(p.kind, BounceKind::kPlainText);
    EXPECT_EQ(p.original_headers.Get("Subject"), "Original");
    EXPECT_EQ(p.human_text.find("Received:"), std::string::npos);
    EXPECT_NE(p.human_text.find("Some words."), std::string::npos);
  }
  // Words on the line before the block: no copy starts there.
  BounceParts p = Locate(head + "Some words.\nReceived: from x.example.com\nFrom: sender@example.com\n"
                                "To: bob@example.org\nSubject: Original\n\nbody text\n");
  EXPECT_TRUE(p.original_headers.empty());
}

// An SES notification is read when the body opens with its JSON object,
// after blank lines too; one that opens with words is no notification.
TEST(Bounce, SesNotificationOpensTheBody) {
  const std::string json =
      "{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\",\"bounceSubType\":\"General\","
      "\"bouncedRecipients\":[{\"emailAddress\":\"eve@example.net\",\"status\":\"5.1.1\"}]}}\n";
  const std::string head = "From: SES <no-reply@sns.amazonaws.com>\nSubject: note\n\n";
  BounceParts parts = Locate(head + " \r\n\n\t" + json);
  EXPECT_EQ(parts.kind, BounceKind::kDeliveryReport);
  ASSERT_EQ(parts.per_recipient.size(), 1u);
  EXPECT_EQ(parts.per_recipient[0].Get("Final-Recipient"), "rfc822; eve@example.net");
  EXPECT_TRUE(Locate(head + "As SES sent it:\n" + json).per_recipient.empty());
}

TEST(Bounce, OrdinaryMailIsNotABounce) {
  BounceParts p = Locate("From: friend@example.org\nSubject: lunch?\n\nCall me at 550-1234.\n");
  EXPECT_EQ(p.kind, BounceKind::kNotBounce);
}

TEST(Bounce, MailWithAnAttachedMessageIsNotABounce) {
  BounceParts p = Locate(
      "From: friend@example.org\nSubject: see attached\nMIME-Version: 1.0\n"
      "Content-Type: multipart/mixed; boundary=\"X\"\n\n--X\nContent-Type: text/plain\n\nhave a look\n"
      "--X\nContent-Type: message/rfc822\n\nFrom: other@example.com\nSubject: old\n\nold text\n--X--\n");
  EXPECT_EQ(p.kind, BounceKind::kNotBounce);
}

// A person forwards a bounce to a helpdesk as an attachment (or a mail
// system sends `text` over an attached message).
std::string Forward(const std::string& attached, const std::string& from = "Kim <kim@example.org>",
                    const std::string& text = "Can you tell me why this bounced? It says 554 somewhere.\n") {
  return "From: " + from + "\nSubject: Fwd: why did this come back?\nMIME-Version: 1.0\n"
         "Content-Type: multipart/mixed; boundary=\"FWD\"\n\n--FWD\nContent-Type: text/plain\n\n" + text +
         "--FWD\nContent-Type: message/rfc822\n\n" + attached + "\n--FWD--\n";
}

TEST(Bounce, AttachedReportIsFoundInAForward) {
  Message forward = ParseMessage(Forward(kDsn));
  Message report;
  ASSERT_TRUE(FindAttachedReport(forward, ndr_test::Markers(), Limits(), &report));
  EXPECT_EQ(report.headers().Get("From"), "MAILER-DAEMON@mail.example.com");
  EXPECT_EQ(report.parts[0].depth, 0);
  EXPECT_EQ(report.parts[0].content_type, "multipart/report");
  // The report's own returned original is still the attached one, one level down.
  bool original_attached = false;
  for (const Part& p : report.parts) {
    if (p.content_type == "text/rfc822-headers") original_attached = !p.in_attached_message;
  }
  EXPECT_TRUE(original_attached);
  BounceParts parts = LocateBounce(report, ndr_test::Markers());
  EXPECT_EQ(parts.kind, BounceKind::kDeliveryReport);
  ASSERT_EQ(parts.per_recipient.size(), 2u);
  EXPECT_EQ(parts.original_headers.Get("Subject"), "Hello");
}

TEST(Bounce, GatewayPassingOnAReportIsReadThroughIt) {
  // A mail gateway's notice that names no address of its own (its list is
  // empty) over the delivery report of the server behind it: the attached
  // report names the recipients.
  const std::string notice = "The original message was received at Tue, 1 Dec 2026 09:00:00 +0000\n"
                             "   ----- The following addresses had permanent delivery errors -----\n\n";
  Message report;
  ASSERT_TRUE(FindAttachedReport(ParseMessage(Forward(kDsn, "MAILER-DAEMON@gw.example.org", notice)),
                                 ndr_test::Markers(), Limits(), &report));
  EXPECT_EQ(LocateBounce(report, ndr_test::Markers()).per_recipient.size(), 2u);
  // Without a report part, what the gateway returns is the original.
  EXPECT_FALSE(FindAttachedReport(
      ParseMessage(Forward("From: ann@example.com\nTo: kim@example.net\nSubject: hi\n\nhello\n",
                           "MAILER-DAEMON@gw.example.org", notice)),
      ndr_test::Markers(), Limits(), &report));
  // An X-Failed-Recipients field names the address: the notice is the report.
  EXPECT_FALSE(FindAttachedReport(
      ParseMessage("X-Failed-Recipients: kim@example.net\n" +
                   Forward(kDsn, "MAILER-DAEMON@gw.example.org", notice)),
      ndr_test::Markers(), Limits(), &report));
}

TEST(Bounce, AttachedReportNeedsAReportAndAPersonsForward) {
  Message report;
  // A mail system's own report that returns the original, here a bounce
  // that could not be delivered either: not a forward.
  EXPECT_FALSE(FindAttachedReport(
      ParseMessage(Forward(kDsn, "MAILER-DAEMON@relay.example.org",
                           "<MAILER-DAEMON@mail.example.com>: 550 5.1.1 No such user\n")),
      ndr_test::Markers(), Limits(), &report));
  // A person attaching an ordinary message.
  EXPECT_FALSE(FindAttachedReport(
      ParseMessage(Forward("From: other@example.com\nSubject: old\n\nsee you at 10\n")), ndr_test::Markers(),
      Limits(), &report));
  // A report of its own that also carries an attached message (a DSN whose
  // returned original is itself a bounce) stays the outer report.
  std::string outer = kDsn;
  outer.replace(outer.find("From: MAILER-DAEMON@mail.example.com"), 36, "From: Relay <relay@example.com>");
  outer.replace(outer.find("text/rfc822-headers\n\n"), 21, "message/rfc822\n\n" + std::string(kDsn));
  Message with_attached = ParseMessage(outer);
  ASSERT_TRUE(with_attached.parts.back().in_attached_message);  // the nested report is there
  EXPECT_FALSE(FindAttachedReport(ParseMessage(outer), ndr_test::Markers(), Limits(), &report));
  // A report under a From no marker knows, returning a message postmaster
  // sent: its own sentences make it the report, not a person's forward.
  const std::string returned_postmaster_mail =
      "From: Notices <notices@relay.example.com>\nSubject: Message status\nMIME-Version: 1.0\n"
      "Content-Type: multipart/mixed; boundary=\"R\"\n\n--R\nContent-Type: text/plain\n\n"
      "I'm afraid I wasn't able to deliver your message to the following addresses.\n\n"
      "<lee@example.net>:\nSorry, no mailbox here by that name.\n\n--R\nContent-Type: message/rfc822\n\n"
      "From: postmaster@example.org\nTo: lee@example.net\nSubject: Your quota\n\nHello.\n--R--\n";
  EXPECT_FALSE(FindAttachedReport(ParseMessage(returned_postmaster_mail), ndr_test::Markers(), Limits(), &report));
}

// The returned original as a body part without its message/rfc822 wrapper
// (its own header block is the part's): its headers are the original's, and
// its body is not the report's text.
TEST(Bounce, ReturnedOriginalWithoutItsWrapper) {
  BounceParts p = Locate(
      "From: MAILER-DAEMON@mx.example.com\nSubject: Returned mail\nMIME-Version: 1.0\n"
      "Content-Type: multipart/mixed; boundary=\"X\"\n\n--X\nContent-Type: text/plain\n\n"
      "---The following addresses had delivery errors---\n\nlee@example.net [User unknown]\n\n"
      "--X\nReceived: from a.example.org by mx.example.com; Tue, 1 Dec 2026 08:00:00 +0000\n"
      "From: Kim <kim@example.org>\nTo: lee@example.net\nSubject: Minutes\n\nSee you at ten.\n--X--\n");
  EXPECT_NE(p.kind, BounceKind::kNotBounce);
  EXPECT_EQ(p.original_headers.Get("Subject"), "Minutes");
  EXPECT_EQ(p.human_text.find("See you at ten"), std::string::npos);
}

// data/pasted_text.tsv compiled once for the tests below (null when a row is bad).
const internal::PastedTextReader* Pasted() {
  static const std::unique_ptr<internal::PastedTextReader> reader = [] {
    std::string error;
    auto r = internal::PastedTextReader::Create(&error);
    EXPECT_NE(r, nullptr) << error;
    return r;
  }();
  return reader.get();
}

// A person forwards a bounce inline, as mail programs do by default.
std::string InlineForward(const std::string& copy_from, const std::string& copy_text,
                          const std::string& from = "Kim <kim@example.org>", const std::string& copy_subject = "Hello") {
  return "From: " + from + "\nSubject: what is this?\n\nIt came back, why?\n\n"
         "---------- Forwarded message ---------\nFrom: " + copy_from +
         "\nDate: Tue, 1 Dec 2026 at 09:02\nSubject: " + copy_subject + "\nTo: <kim@example.org>\n\n" + copy_text;
}

TEST(Bounce, InlineForwardedReportIsReadAsPastedText) {
  const internal::PastedTextReader* pasted = Pasted();
  ASSERT_NE(pasted, nullptr);
  const std::string text = "<lee@example.net>: host mx.example.net said: 550 5.1.1 User unknown\n";
  Message report;
  ASSERT_TRUE(FindForwardedReportText(ParseMessage(InlineForward("MAILER-DAEMON@mx.example.org", text)),
                                      ndr_test::Markers(), *pasted, Limits(), &report));
  EXPECT_TRUE(report.pasted);
  EXPECT_EQ(report.headers().Get("From"), "MAILER-DAEMON@mx.example.org");
  ASSERT_EQ(report.parts.size(), 1u);
  EXPECT_EQ(internal::Trim(report.parts[0].body), internal::Trim(text));  // without the forwarder's words
  // Or by a report's Subject.
  EXPECT_TRUE(FindForwardedReportText(
      ParseMessage(InlineForward("Mail System <ms@example.net>", text, "Kim <kim@example.org>", "Undeliverable: Hello")),
      ndr_test::Markers(), *pasted, Limits(), &report));

  // A copy from no mail system counts by a report's sentences in its text.
  EXPECT_TRUE(FindForwardedReportText(
      ParseMessage(InlineForward("service@example.net", "Your message could not be delivered to the following "
                                                        "recipients:\n\nlee@example.net\n")),
      ndr_test::Markers(), *pasted, Limits(), &report));
  // Not: ordinary mail forwarded; a mail system's own message; a forward
  // without the copy's header lines; a report with a report part of its own.
  Message untouched;
  EXPECT_FALSE(FindForwardedReportText(ParseMessage(InlineForward("Lee <lee@example.net>", "Lunch at noon?\n")),
                                       ndr_test::Markers(), *pasted, Limits(), &untouched));
  EXPECT_FALSE(FindForwardedReportText(
      ParseMessage(InlineForward("MAILER-DAEMON@mx.example.org", text, "MAILER-DAEMON@relay.example.org")),
      ndr_test::Markers(), *pasted, Limits(), &untouched));
  EXPECT_FALSE(FindForwardedReportText(ParseMessage("From: Kim <kim@example.org>\nSubject: x\n\n" + text),
                                       ndr_test::Markers(), *pasted, Limits(), &untouched));
  EXPECT_FALSE(FindForwardedReportText(ParseMessage(kDsn), ndr_test::Markers(), *pasted, Limits(), &untouched));
  // A report under a From no marker knows that quotes its returned original
  // (sent by postmaster) under a separator is the report, not a forward.
  EXPECT_FALSE(FindForwardedReportText(
      ParseMessage("From: Notices <notices@relay.example.com>\nSubject: Message status\n\n"
                   "Your message could not be delivered to the following recipients:\n\nlee@example.net\n\n"
                   "-----Original Message-----\nFrom: postmaster@example.org\nSubject: Your quota\n\nHello.\n"),
      ndr_test::Markers(), *pasted, Limits(), &untouched));
  EXPECT_TRUE(untouched.parts.empty());
}

// The test FindForwardedReportText asks before it reads a text: never false
// where Read finds a forwarded copy (each separator row's sample, quoted,
// indented), false for text without a separator line.
TEST(Bounce, ForwardSeparatorTestAgreesWithRead) {
  const internal::PastedTextReader* pasted = Pasted();
  ASSERT_NE(pasted, nullptr);
  const std::string fields = "From: Mail Delivery Subsystem <mailer-daemon@mx.example.org>\nSubject: Undeliverable\n\n"
                             "<lee@example.net>: 550 User unknown\n";
  for (const std::string separator :
       {"---------- Forwarded message ---------", "-----Original Message-----", "Begin forwarded message:",
        "  -------- Message transféré --------  ", "-------- 転送されたメッセージ --------"}) {
    const std::string text = "Why did this bounce?\n\n" + separator + "\n" + fields;
    EXPECT_FALSE(pasted->Read(text, Limits()).headers().empty()) << separator;  // Read finds the copy
    EXPECT_NE(pasted->ForwardSeparatorAt(text), std::string::npos) << separator;
  }
  // A reply quoting the whole forward.
  const std::string quoted = "> ---------- Weitergeleitete Nachricht ----------\n> From: MAILER-DAEMON@mx.example.org\n"
                             "> Subject: Undeliverable\n>\n> <lee@example.net>: 550 User unknown\n";
  EXPECT_FALSE(pasted->Read(quoted, Limits()).headers().empty());
  EXPECT_EQ(pasted->ForwardSeparatorAt(quoted), 0u);
  EXPECT_EQ(pasted->ForwardSeparatorAt("Lunch at noon?\nbegin at one -- or later\n" + fields), std::string::npos);
  EXPECT_EQ(pasted->ForwardSeparatorAt(""), std::string::npos);
}

TEST(Bounce, AutoReply) {
  BounceParts p = Locate(
      "From: kim@example.org\nSubject: Automatic reply: Meeting\nAuto-Submitted: auto-replied\n\n"
      "I am out of the office until Monday.\n");
  EXPECT_EQ(p.kind, BounceKind::kAutoReply);
}

TEST(Bounce, FeedbackReport) {
  BounceParts p = Locate(
      "From: fbl@example.net\nSubject: complaint\nMIME-Version: 1.0\n"
      "Content-Type: multipart/report; report-type=feedback-report; boundary=\"F\"\n\n"
      "--F\nContent-Type: text/plain\n\nA complaint.\n"
      "--F\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\nVersion: 1\n"
      "Original-Rcpt-To: <judy@example.net>\n"
      "--F--\n");
  EXPECT_EQ(p.kind, BounceKind::kFeedbackReport);
  EXPECT_EQ(p.feedback.Get("Feedback-Type"), "abuse");
}

TEST(Bounce, ReturnedHeadersTheSameParsedOnceOrAgain) {
  const std::string raw =
      "From: MAILER-DAEMON@mail.example.com\n"
      "Subject: Undelivered Mail Returned to Sender\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n"
      "\n"
      "--B\n"
      "Content-Type: message/delivery-status\n"
      "\n"
      "Final-Recipient: rfc822; a@example.net\n"
      "Action: failed\n"
      "Status: 5.1.1\n"
      "\n"
      "--B\n"
      "Content-Type: message/rfc822\n"
      "\n"
      "From: Sender <sender@example.com>\n"
      "Subject: =?UTF-8?Q?caf=C3=A9?=\n"
      "Message-ID: <m1@example.com>\n"
      "\n"
      "body\n"
      "--B--\n";
  Message m = ParseMessage(raw);
  ASSERT_TRUE(m.parts[2].body_parsed_next);
  BounceParts once = LocateBounce(m, ndr_test::Markers());
  m.parts[2].body_parsed_next = false;  // parsed from the body again
  BounceParts again = LocateBounce(m, ndr_test::Markers());
  EXPECT_EQ(once.original_headers.Get("Subject"), "caf\xc3\xa9");
  EXPECT_EQ(once.original_headers.Get("Message-ID"), "<m1@example.com>");
  ASSERT_EQ(once.original_headers.size(), again.original_headers.size());
  for (size_t i = 0; i < once.original_headers.size(); ++i) {
    EXPECT_EQ(once.original_headers.fields()[i].name, again.original_headers.fields()[i].name);
    EXPECT_EQ(once.original_headers.fields()[i].value, again.original_headers.fields()[i].value);
  }
}

TEST(Bounce, HtmlIsTheHumanTextOnlyWithoutPlainText) {
  auto report = [](const std::string& parts) {
    return Locate("From: MAILER-DAEMON@mail.example.com\n"
                  "Subject: Undelivered Mail Returned to Sender\n"
                  "Content-Type: multipart/alternative; boundary=\"A\"\n\n" +
                  parts + "--A--\n");
  };
  const std::string plain = "--A\nContent-Type: text/plain\n\nplain words\n";
  const std::string html = "--A\nContent-Type: text/html\n\n<p>html&amp;words</p>\n";
  EXPECT_EQ(report(plain + html).human_text, "plain words");
  EXPECT_EQ(report(html + plain).human_text, "plain words");
  EXPECT_EQ(report(html + html).human_text, "\nhtml&words\n\nhtml&words\n");
}

// The Analyzer parses with BodyScope::kText: what it leaves out must never be
// what the bounce stage reads (html alternatives in either order, an empty
// plain alternative, html-only mail, attachments, a forwarded report).
TEST(Bounce, TextBodyScopeLocatesWhatAllBodiesLocate) {
  const std::string head =
      "From: MAILER-DAEMON@mail.example.com\n"
      "Subject: Undelivered Mail Returned to Sender\n"
      "Content-Type: multipart/mixed; boundary=\"M\"\n\n--M\n"
      "Content-Type: multipart/alternative; boundary=\"A\"\n\n";
  const std::string plain = "--A\nContent-Type: text/plain\n\n<a@example.net>: 550 5.1.1 unknown user\n";
  const std::string empty_plain = "--A\nContent-Type: text/plain\n\n";
  const std::string html = "--A\nContent-Type: text/html\n\n<p>a@example.net: 550 5.1.1 no such user</p>\n";
  const std::string tail =
      "--A--\n--M\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0=\n--M--\n";
  const std::string forward =
      "From: Person <person@example.com>\n"
      "Subject: why?\n"
      "Content-Type: multipart/mixed; boundary=\"F\"\n\n"
      "--F\nContent-Type: multipart/alternative; boundary=\"G\"\n\n"
      "--G\nContent-Type: text/plain\n\nsee below\n--G\nContent-Type: text/html\n\n<p>see below</p>\n--G--\n"
      "--F\nContent-Type: message/rfc822\n\n" +
      head + plain + html + tail + "--F--\n";
  for (const std::string& raw : {head + plain + html + tail, head + html + plain + tail, head + empty_plain + html + tail,
                                 head + html + tail, head + html + html + tail, forward}) {
    SCOPED_TRACE(raw);
    auto located = [&](BodyScope scope) {
      Message m = ParseMessage(raw, Limits(), scope);
      Message attached;
      if (FindAttachedReport(m, ndr_test::Markers(), Limits(), &attached)) m = std::move(attached);
      return LocateBounce(m, ndr_test::Markers());
    };
    BounceParts all = located(BodyScope::kAll);
    BounceParts text = located(BodyScope::kText);
    EXPECT_EQ(all.kind, BounceKind::kPlainText);
    EXPECT_EQ(text.kind, all.kind);
    EXPECT_EQ(text.human_text, all.human_text);
    EXPECT_NE(text.human_text.find("550 5.1.1"), std::string::npos);
  }
}

TEST(Bounce, TextBodyScopeReadsAReportWithItsReturnedOriginalAsAllBodies) {
  std::string raw = kDsn;
  raw = raw.substr(0, raw.find("--B\nContent-Type: text/rfc822-headers")) +
        "--B\nContent-Type: message/rfc822\n\n"
        "From: Sender <sender@example.com>\nSubject: Hello\nContent-Type: text/plain\n\n"
        "Final-Recipient: rfc822; not-this@example.org\n550 5.7.1 quoted words\n"
        "--B--\n";
  BounceParts all = LocateBounce(ParseMessage(raw), ndr_test::Markers());
  Message text_message = ParseMessage(raw, Limits(), BodyScope::kText);
  EXPECT_TRUE(text_message.parts.back().body_left_out);
  BounceParts text = LocateBounce(text_message, ndr_test::Markers());
  EXPECT_EQ(all.kind, BounceKind::kDeliveryReport);
  EXPECT_EQ(text.kind, all.kind);
  EXPECT_EQ(text.human_text, all.human_text);
  EXPECT_EQ(text.per_recipient.size(), all.per_recipient.size());
  EXPECT_EQ(text.original_headers.Get("Subject"), "Hello");
}

// Groups in RFC 3464's form are taken whole; the same fields in one run are
// regrouped field by field: both give the same groups.
TEST(Bounce, DsnGroupsTakenWholeEqualTheRegroupedOnes) {
  auto dsn = [](const std::string& fields) {
    return Locate("From: MAILER-DAEMON@mail.example.com\n"
                  "Subject: Undelivered Mail Returned to Sender\n"
                  "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
                  "--B\nContent-Type: message/delivery-status\n\n" +
                  fields + "--B--\n");
  };
  auto text = [](const Headers& h) {
    std::string out;
    for (const HeaderField& f : h.fields()) out += std::string(f.name) + "=" + std::string(f.value) + "|";
    return out;
  };
  const std::string message = "Reporting-MTA: dns; mx.example.com\nArrival-Date: Mon, 1 Dec 2025 10:00:00 +0000\n";
  const std::string a =
      "Final-Recipient: rfc822; a@example.net\nOriginal-Recipient: rfc822;a@example.net\nAction: failed\n"
      "Status: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 unknown\n";
  const std::string b = "Original-Recipient: rfc822; b@example.net\nFinal-Recipient: rfc822; b@example.net\n"
                        "Action: delayed\nStatus: 4.4.1\n";
  BounceParts whole = dsn(message + "\n" + a + "\n" + b + "\n");
  BounceParts regrouped = dsn(message + a + b + "\n");
  ASSERT_EQ(whole.per_recipient.size(), 2u);
  ASSERT_EQ(regrouped.per_recipient.size(), 2u);
  EXPECT_EQ(text(whole.per_message), "Reporting-MTA=dns; mx.example.com|Arrival-Date=Mon, 1 Dec 2025 10:00:00 +0000|");
  EXPECT_EQ(text(regrouped.per_message), text(whole.per_message));
  for (size_t i = 0; i < 2; ++i) EXPECT_EQ(text(regrouped.per_recipient[i]), text(whole.per_recipient[i]));
  EXPECT_EQ(text(whole.per_recipient[1]),
            "Original-Recipient=rfc822; b@example.net|Final-Recipient=rfc822; b@example.net|Action=delayed|Status=4.4.1|");
  // A second per-message group adds to the first; the recipient limit holds either way.
  BounceParts twice = dsn(message + "\nX-Postfix-Queue-ID: 4ABC\n\n" + a + "\n" + b + "\n");
  EXPECT_EQ(twice.per_message.Get("X-Postfix-Queue-ID"), "4ABC");
  EXPECT_EQ(twice.per_message.Get("Reporting-MTA"), "dns; mx.example.com");
  Limits one;
  one.max_recipients = 1;
  for (const std::string& fields : {message + "\n" + a + "\n" + b + "\n", message + a + b + "\n"}) {
    BounceParts cut = LocateBounce(ParseMessage("From: MAILER-DAEMON@mail.example.com\n"
                                                "Content-Type: multipart/report; boundary=\"B\"\n\n"
                                                "--B\nContent-Type: message/delivery-status\n\n" +
                                                fields + "--B--\n"),
                                   ndr_test::Markers(), one);
    EXPECT_EQ(cut.per_recipient.size(), 1u);
    EXPECT_EQ(cut.problems.size(), 1u);
  }
}

TEST(Bounce, HtmlToText) {
  EXPECT_EQ(HtmlToText("<p>Your message to <b>x@example.org</b> couldn&#39;t be delivered.</p>"
                       "<style>p{color:red}</style><br>550&nbsp;5.1.10"),
            "\nYour message to x@example.org couldn't be delivered.\n\n550 5.1.10");
  // Text runs end at markup, an entity or a CR; an '&' that starts no known entity stays.
  EXPECT_EQ(HtmlToText("a & b&c;\r\nd&amp;e<td>f"), "a & b&c;\n\nd&e f");
  EXPECT_EQ(HtmlToText("no markup"), "no markup");
  // Style and script blocks end at their closing tag, in any case, whatever
  // other '<' they hold; an unclosed one runs to the end.
  EXPECT_EQ(HtmlToText("<STYLE>p<q{}</b></Style>after"), "after");
  EXPECT_EQ(HtmlToText("x<script>if(a<b)</scrip></script >y"), "xy");
  EXPECT_EQ(HtmlToText("a<style>b<c"), "a");
  // Where markup breaks the lines, the source's line ends and blank runs are
  // one space, as a browser shows them: "<br>\n" makes no blank line (which
  // would split a paragraph or a DSN group), a wrapped source line stays one.
  EXPECT_EQ(HtmlToText("<p>Action: failed<br>\nFinal-Recipient: rfc822; jo@example.net<br>\n  Status: 5.1.1</p>"),
            "\nAction: failed\nFinal-Recipient: rfc822; jo@example.net\nStatus: 5.1.1\n");
  EXPECT_EQ(HtmlToText("<div>Your message to\n    jo@example.net   couldn't be\tdelivered.</div>"),
            "\nYour message to jo@example.net couldn't be delivered.\n");
  // Except inside <pre>; and a part without such markup is text whose lines are its own.
  EXPECT_EQ(HtmlToText("<p>said:</p><pre>550 5.1.1\n  no such user</pre>x\ny"), "\nsaid:\n\n550 5.1.1\n  no such user\nx y");
  EXPECT_EQ(HtmlToText("line one\nline <b>two</b>"), "line one\nline two");
}

}  // namespace
}  // namespace ndr
