// Non-RFC-3464 bounce formats, end to end through the bounce and extraction
// stages: which kind, which recipients, which codes, which words. Every sample
// here is written for this test (no corpus text).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "ndr/bounce.h"
#include "ndr/finding.h"
#include "ndr/message.h"
#include "markers_fixture.h"

namespace ndr {
namespace {

const Extractor& TheExtractor() {
  static const std::unique_ptr<Extractor> instance = Extractor::Create(nullptr);
  return *instance;
}

struct Result {
  BounceParts parts;
  std::vector<Finding> findings;
};

Result Analyze(const std::string& raw) {
  Result r;
  r.parts = LocateBounce(ParseMessage(raw), ndr_test::Markers());
  r.findings = TheExtractor().Extract(r.parts);
  return r;
}

// Finding i names `recipient`, and the server's words are `diagnostic`.
void ExpectFinding(const Result& r, size_t i, const std::string& recipient, const std::string& diagnostic) {
  ASSERT_LT(i, r.findings.size());
  EXPECT_EQ(r.findings[i].recipient, recipient);
  EXPECT_EQ(r.findings[i].diagnostic, diagnostic);
}

// The report gives exactly one finding, for `recipient` with the server's words `diagnostic`.
Result OnlyFinding(const std::string& raw, const std::string& recipient, const std::string& diagnostic) {
  Result r = Analyze(raw);
  EXPECT_EQ(r.findings.size(), 1u) << raw;
  if (r.findings.size() != 1) r.findings.resize(1);  // the checks below still read one finding
  ExpectFinding(r, 0, recipient, diagnostic);
  return r;
}

TEST(ExtractFormats, SentenceNamesAPostmasterRecipient) {
  // DragonFly-style: the recipient is named in a sentence, and may be postmaster@.
  Result r = Analyze(
      "From: MAILER-DAEMON <>\n"
      "Subject: Mail delivery failed\n\n"
      "This is the DragonFly Mail Agent v0.13 at mx.example.org.\n\n"
      "There was an error delivering your mail to <postmaster@example.net>.\n\n"
      "DNS lookup failure: host example.net not found\n\n"
      "Message headers follow.\n\n"
      "Received: from root (uid 0) by mx.example.org;\n"
      "Subject: Hi\nTo: <postmaster@example.net>\nFrom: <root@mx.example.org>\n");
  EXPECT_EQ(r.parts.kind, BounceKind::kPlainText);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].recipient, "postmaster@example.net");
  EXPECT_NE(r.findings[0].diagnostic.find("DNS lookup failure"), std::string::npos);
}

// A list of recipients, one to a line with nothing else on it, over one
// reason (Domino's "was not delivered to:" ... "because:"): every recipient
// of the list has the reason, not only the last.
TEST(ExtractFormats, AddressListSharesTheReasonBelowIt) {
  Result r = Analyze(
      "From: Postmaster <postmaster@example.com>\n"
      "Subject: DELIVERY FAILURE: Error transferring to mx.example.org\n\n"
      "Your message\n\n  Subject: Minutes\n\nwas not delivered to:\n\n"
      "  kim@example.org\n"
      "  lee@example.org\n\n"
      "because:\n\n"
      "  Error transferring to mx.example.org; SMTP Protocol Returned a Permanent Error 550 5.7.1 Relaying "
      "denied\n");
  ASSERT_EQ(r.findings.size(), 2u);
  for (const Finding& f : r.findings) {
    EXPECT_EQ(f.reply_code, 550) << f.recipient;
    EXPECT_NE(f.diagnostic.find("Relaying denied"), std::string::npos) << f.recipient;
  }
  // Each recipient with words of its own keeps them.
  r = Analyze(
      "From: postmaster@gw.example.com\n"
      "Subject: Message status - undeliverable\n\n"
      "The message that you sent was undeliverable to the following:\n"
      "\tkim@example.org (user not found)\n"
      "\tlee@example.org (mailbox full)\n\n"
      "Possibly truncated original message follows:\n");
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_NE(r.findings[0].diagnostic.find("user not found"), std::string::npos) << r.findings[0].diagnostic;
  EXPECT_NE(r.findings[1].diagnostic.find("mailbox full"), std::string::npos) << r.findings[1].diagnostic;
}

// A report that names its failed recipient under a label a summary of the
// returned message also uses ("收件人：", "宛先:", "To:"): that address, not
// the returned copy's To (here a list). Several such addresses summarize the
// original's recipients and name no failure.
TEST(ExtractFormats, LabelledAddressBeatsTheReturnedTo) {
  const std::string returned =
      "--b\nContent-Type: message/rfc822\n\nFrom: ann@example.com\nTo: team@example.com\nSubject: hi\n\nhi\n--b--\n";
  auto report = [&](const std::string& body) {
    return "From: postmaster@mail.example.cn\nTo: ann@example.com\nSubject: Undelivered\nMIME-Version: 1.0\n"
           "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain; charset=UTF-8\n\n" +
           body + "\n" + returned;
  };
  OnlyFinding(report("\xE6\x94\xB6\xE4\xBB\xB6\xE4\xBA\xBA\xEF\xBC\x9A"  // 收件人： (full-width colon)
                     "wang@example.cn\n550 User not found\n"),
              "wang@example.cn", "550 User not found");
  OnlyFinding(report("\xE5\xAE\x9B\xE5\x85\x88: sato@example.jp\n550 User not found\n"),  // 宛先:
              "sato@example.jp", "550 User not found");
  Result r = Analyze(report("From: ann@example.com\nTo: kim@example.org\n550 User not found\n"));
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].recipient, "kim@example.org");
  r = Analyze(report("To: kim@example.org, lee@example.org\n550 User not found\n"));
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].recipient, "team@example.com");
}

// An address after a colon inside a recipient's reply is part of the reply,
// not a second recipient (a line is not wrapped before it).
TEST(ExtractFormats, AddressInTheReplyIsNoRecipient) {
  OnlyFinding(
      "From: MAILER-DAEMON@mx.example.net\nTo: ann@example.com\nSubject: Undelivered Mail Returned to Sender\n\n"
      "This is the mail system at host mx.example.net.\n\n"
      "<kim@example.org>: host mx.example.org[192.0.2.5] said: 550 User not found: kim@example.cn (in reply to RCPT "
      "TO command)\n",
      "kim@example.org", "550 User not found: kim@example.cn");
}

TEST(ExtractFormats, CouldNotBeDeliveredToPhrase) {
  Result r = Analyze(
      "From: no-reply@mail.example.jp\n"
      "Subject: =?UTF-8?B?44Oh44O844Or44Ko44Op44O86YCa55+l?=\n\n"
      "Your mail sent on: Thu, 1 Jan 2026 10:00:00 +0900\n"
      "     Could not be delivered to: <jiro@phone.example.jp>\n"
      "     As their mailbox is full.\n");
  EXPECT_EQ(r.parts.kind, BounceKind::kPlainText);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].recipient, "jiro@phone.example.jp");
  EXPECT_NE(r.findings[0].diagnostic.find("mailbox is full"), std::string::npos);
}

TEST(ExtractFormats, RcptToInMessageDetails) {
  // Apache James / Verizon style: the reply first, the recipient in a details block.
  Result r = Analyze(
      "From: post_master@sms.example.com\n"
      "Subject: Re: hello\n\n"
      "Error: Invalid user address\n\n"
      "Error message below:\n"
      "550 - Requested action not taken: no such user here\n\n"
      "Message details:\n"
      "  Subject: hello\n"
      "  MAIL FROM: ann@example.org\n"
      "  RCPT TO: 5550100@sms.example.com\n"
      "  From: ann@example.org\n");
  EXPECT_EQ(r.parts.kind, BounceKind::kPlainText);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].recipient, "5550100@sms.example.com");
  EXPECT_EQ(r.findings[0].reply_code, 550);
  EXPECT_NE(r.findings[0].diagnostic.find("no such user"), std::string::npos);
}

TEST(ExtractFormats, UndeliverableToPhrase) {
  Result r = Analyze(
      "From: \"Postmaster\" <postmaster@mail.example.com>\n"
      "Subject: Undeliverable Mail\n\n"
      "undeliverable to kim@example.jp\n\n"
      "Body of message generated response:\n"
      "550-REJECTED - Blacklisted URL in message.\n"
      "550 See http://uribl.example/.\n");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].recipient, "kim@example.jp");
  EXPECT_EQ(r.findings[0].reply_code, 550);
}

TEST(ExtractFormats, BulletedRecipientAndAddressFollowingLabelInAngles) {
  Result r = Analyze(
      "From: Mail Delivery System <mds@relay.example.com>\n"
      "Subject: Delivery status notification\n\n"
      "Delivery to the following recipients was aborted after 5.0 hour(s):\n\n"
      "  * amy@example.co.jp\n\n"
      "Routing: Could not find a gateway for amy@example.co.jp\n");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].recipient, "amy@example.co.jp");

  r = Analyze(
      "From: Postmaster@phone.example.jp\n"
      "Subject: Mail System Error - Returned Mail\n\n"
      "Each of the following recipients was rejected by a remote mail server.\n\n"
      "    Recipient: <ben@example.com>\n"
      "    >>> MAIL FROM:<cat@example.org>\n"
      "    <<< 550 Unfortunately, messages from 192.0.2.1 weren't sent.\n");
  ASSERT_EQ(r.findings.size(), 1u);  // the sender in MAIL FROM is no recipient
  EXPECT_EQ(r.findings[0].recipient, "ben@example.com");
  EXPECT_EQ(r.findings[0].reply_code, 550);
}

TEST(ExtractFormats, RecipientAfterAnyListMark) {
  // A gateway's alert lists the address under its heading with a list mark
  // of its own ("--", "•", "1."), and the reason the same way below.
  for (std::string mark : {"--", "-", "\u2022", "1.", "\u2013"}) {
    Result r = Analyze(
        "From: \"postmaster\" <postmaster@gw.example.com>\n"
        "Subject: Email Delivery Failure\n\n"
        "An email you sent to the following address could not be delivered:\n" +
        mark + " lee@example.net\n\n"
        "Additional information follows :\n" +
        mark + " 5.1.1 Recipient address rejected: User unknown\n");
    ASSERT_EQ(r.findings.size(), 1u) << mark;
    EXPECT_EQ(r.findings[0].recipient, "lee@example.net") << mark;
    EXPECT_EQ(r.findings[0].status.ToString(), "5.1.1") << mark;
  }
}

TEST(ExtractFormats, DisplayNameWithTheAddressInParentheses) {
  // Exchange and Outlook list each recipient as "Name (address)" on its line.
  Result r = Analyze(
      "From: Microsoft Outlook <postmaster@mail.example.com>\n"
      "Subject: Undeliverable: Offsite agenda\n\n"
      "Delivery has failed to these recipients or groups:\n\n"
      "Kim Lee (kim@example.org)\n"
      "The email address you entered couldn't be found.\n\n"
      "Park, Ann (ann@example.org)\n"
      "The recipient's mailbox is full.\n\n"
      "Sent by: Sam Sender (sam@example.com)\n");
  ASSERT_EQ(r.findings.size(), 2u);  // a labelled name ("Sent by:") is no recipient
  ExpectFinding(r, 0, "kim@example.org", "The email address you entered couldn't be found.");
  ExpectFinding(r, 1, "ann@example.org", "The recipient's mailbox is full.");
}

TEST(ExtractFormats, GmailResponseIsTheDiagnostic) {
  // "The response was:" introduces the other server's words, with a code or
  // without; Gmail's pointer to them ("See the technical details below.") is
  // not what it said.
  const std::pair<std::string, std::string> responses[] = {
      {"The response was:\n\nMailbox unavailable: account disabled by its owner\n",
       "Mailbox unavailable: account disabled by its owner"},
      {"The response from the remote server was:\n550 5.2.1 Mailbox disabled\n", "550 5.2.1 Mailbox disabled"},
  };
  for (const auto& [response, words] : responses) {
    Result r = Analyze("From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\n\nMessage not delivered\n"
                       "There was a problem delivering your message to lee@example.net. See the technical details "
                       "below.\n\n" +
                       response);
    EXPECT_EQ(r.findings.size(), 1u) << response;
    ExpectFinding(r, 0, "lee@example.net", words);
  }
}

TEST(ExtractFormats, RecipientsOwnLineIsNotPartOfTheWords) {
  // A short report read from its start: the recipient's address opening it
  // is not what the server said.
  Result r = Analyze(
      "From: MAILER-DAEMON@relay.example.com\n"
      "Subject: Delivery status notification: error\n\n"
      "kim@example.org: Envelope expired\n");
  EXPECT_EQ(r.findings.size(), 1u);
  ExpectFinding(r, 0, "kim@example.org", "Envelope expired");
}

TEST(ExtractFormats, XFailedRecipientsIsTheRecipientList) {
  // Localized text glued to the sender's address; X-Failed-Recipients decides.
  Result r = Analyze(
      "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\n"
      "Subject: Delivery Status Notification (Failure)\n"
      "X-Failed-Recipients: team@groups.example.com\n"
      "Content-Type: text/plain; charset=UTF-8\n\n"
      "ann@example.jp\xE6\x82\xA8\xE5\xA5\xBD\n\n"
      "The group you tried to contact (team) may not exist.\n");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].recipient, "team@groups.example.com");
}

TEST(ExtractFormats, AddressDoesNotSwallowTextInAnotherScript) {
  Result r = Analyze(
      "From: MAILER-DAEMON@example.org\n"
      "Subject: Undelivered Mail Returned to Sender\n"
      "Content-Type: text/plain; charset=UTF-8\n\n"
      "ann@example.jp\xE6\x82\xA8\xE5\xA5\xBD\n"
      "550 5.1.1 unknown user\n");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].recipient, "ann@example.jp");
}

TEST(ExtractFormats, AddressDoesNotSwallowTextInAnotherScriptBeforeIt) {
  // Chinese and Japanese write the words before an address without a space,
  // or with a full-width colon; an ASCII local part does not begin there.
  Result r = Analyze(
      "From: MAILER-DAEMON@example.cn\n"
      "Subject: =?UTF-8?B?6YCA5L+h?=\n"
      "Content-Type: text/plain; charset=UTF-8\n\n"
      "\xE6\x82\xA8\xE5\x8F\x91\xE9\x80\x81\xE5\x88\xB0liu@example.cn\xE7\x9A\x84"  // 您发送到liu@example.cn的
      "\xE9\x82\xAE\xE4\xBB\xB6\xE6\x8A\x95\xE9\x80\x92\xE5\xA4\xB1\xE8\xB4\xA5\n"  // 邮件投递失败
      "550 5.1.1 unknown user\n");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].recipient, "liu@example.cn");
}

TEST(ExtractFormats, ChineseAndJapaneseSentencesNameTheRecipient) {
  // "The mail you sent to X failed" / "the mail addressed to X could not be
  // delivered": the address inside the sentence is the failed one, not the
  // returned copy's To.
  const std::string original =
      "\n------ original ------\nFrom: sender@example.org\nTo: team@example.org\nSubject: x\n\nhi\n";
  OnlyFinding(
      "From: MAILER-DAEMON@example.cn\n"
      "Subject: =?UTF-8?B?6YCA5L+h?=\n"
      "Content-Type: text/plain; charset=UTF-8\n\n"
      "\xE6\x82\xA8\xE5\x8F\x91\xE9\x80\x81\xE5\x88\xB0 liu@example.cn \xE7\x9A\x84"  // 您发送到 liu@example.cn 的
      "\xE9\x82\xAE\xE4\xBB\xB6\xE6\x8A\x95\xE9\x80\x92\xE5\xA4\xB1\xE8\xB4\xA5\xE3\x80\x82\n"  // 邮件投递失败。
      "552 Mailbox quota exceeded\n" + original,
      "liu@example.cn", "552 Mailbox quota exceeded");
  OnlyFinding(
      "From: MAILER-DAEMON@example.jp\n"
      "Subject: =?UTF-8?B?44Oh44O844Or6YWN5L+h44Ko44Op44O8?=\n"
      "Content-Type: text/plain; charset=UTF-8\n\n"
      "12/1 tanaka@example.jp \xE5\xAE\x9B\xE3\x81\xAE\xE3\x83\xA1\xE3\x83\xBC\xE3\x83\xAB"  // 宛のメール
      "\xE3\x81\xAF\xE9\x85\x8D\xE4\xBF\xA1\xE3\x81\xA7\xE3\x81\x8D\xE3\x81\xBE\xE3\x81\x9B"
      "\xE3\x82\x93\xE3\x81\xA7\xE3\x81\x97\xE3\x81\x9F\xE3\x80\x82\n"  // は配信できませんでした。
      "552 mailbox full\n" + original,
      "tanaka@example.jp", "552 mailbox full");
}

TEST(ExtractFormats, UnmarkedQuotedHeadersAreNotRecipients) {
  // The copy of the original follows a dashed rule without a marker line.
  Result r = Analyze(
      "From: \"Mail Delivery System\" <MAILER-DAEMON@filter.example.net>\n"
      "Subject: Mail delivery failed\n\n"
      "A message that you have sent could not be delivered to one or more\n"
      "recipients.  This is a permanent error.  The following address failed:\n\n"
      "  <dan@example.co.jp>: 550 unknown user\n\n"
      "Included is a copy of the message header:\n"
      "-----------------------------------------\n"
      "Received: from mx.example.org by filter.example.net\n"
      "    (envelope-from <eve@example.org>);\n"
      "    for <fay@example.co.jp>; Thu, 1 Jan 2026 10:00:00 +0900\n"
      "From: eve@example.org\n"
      "To: dan@example.co.jp\n"
      "Subject: hello\n");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].recipient, "dan@example.co.jp");
  EXPECT_EQ(r.findings[0].reply_code, 550);
  EXPECT_EQ(r.parts.original_headers.Get("Subject"), "hello");
  EXPECT_EQ(r.parts.human_text.find("Received:"), std::string::npos);
}

TEST(ExtractFormats, IndentedSummaryIsNotTheOriginal) {
  // Exchange 2003: "To:" of the summary names the original's recipient, not a failure.
  Result r = Analyze(
      "From: System Administrator <postmaster@example.net>\n"
      "Subject: Undeliverable: hello\n"
      "Return-Path: <>\n\n"
      "Your message\n\n"
      "  To:      gus@example.net\n"
      "  Subject: hello\n"
      "  Sent:    Thu, 1 Jan 2026 10:00:00 -0400\n\n"
      "did not reach the following recipient(s):\n\n"
      "hal@example.jp on Thu, 1 Jan 2026 10:00:00 -0400\n"
      "    The recipient name is not recognized\n");
  EXPECT_EQ(r.parts.kind, BounceKind::kPlainText);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].recipient, "hal@example.jp");
  EXPECT_NE(r.findings[0].diagnostic.find("not recognized"), std::string::npos);
}

TEST(ExtractFormats, DsnFieldsInAPlainBody) {
  // No MIME structure: the DSN fields are part of the text; Action comes first.
  Result r = Analyze(
      "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.jp>\n"
      "Subject: Returned mail: see transcript for details\n\n"
      "   ----- The following addresses had permanent fatal errors -----\n"
      "ivy\n\n"
      "Reporting-MTA: dns; mx.example.jp\n\n"
      "Action: failed\n"
      "Status: 5.0.0 (Remote SMTP server has rejected address)\n"
      "Original-recipient: rfc822;ivy@example.jp\n"
      "Final-recipient: rfc822;ivy@example.jp\n"
      "Diagnostic-code: smtp; 550 5.1.1 unknown user\n\n"
      "Action: failed\n"
      "Status: 5.0.0\n"
      "Final-recipient: rfc822;joe@example.jp\n"
      "Diagnostic-code: smtp; 552 5.2.2 mailbox full\n");
  EXPECT_EQ(r.parts.kind, BounceKind::kDeliveryReport);
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0].recipient, "ivy@example.jp");
  EXPECT_EQ(r.findings[0].reply_code, 550);
  EXPECT_EQ(r.findings[0].action, "failed");
  EXPECT_EQ(r.findings[1].recipient, "joe@example.jp");
  EXPECT_EQ(r.findings[1].reply_code, 552);
  EXPECT_EQ(r.parts.human_text.find("Final-recipient"), std::string::npos);
}

TEST(ExtractFormats, DsnFieldsInOrdinaryMailAreNotABounce) {
  Result r = Analyze(
      "From: dev@example.org\nSubject: how do DSNs look?\n\n"
      "Like this:\n\nFinal-Recipient: rfc822; a@example.net\nAction: failed\n");
  EXPECT_EQ(r.parts.kind, BounceKind::kNotBounce);
}

TEST(ExtractFormats, MailerDaemonWithAutoSubmittedIsNoVacation) {
  Result r = Analyze(
      "From: Mail Delivery System <mailer-daemon@mx.example.com>\n"
      "Subject: Mail failure - malformed recipient address\n"
      "Auto-Submitted: auto-replied\n\n"
      "A message that you sent contained one or more recipient addresses that were\n"
      "incorrectly constructed:\n");
  EXPECT_NE(r.parts.kind, BounceKind::kAutoReply);
}

TEST(ExtractFormats, AliasNoteIsNoDiagnosticButTheOriginalRecipient) {
  // One recipient, the alias it was expanded from (or none), and no note in the words.
  auto expect = [](const Result& r, const std::string& recipient, const std::string& alias) {
    ASSERT_EQ(r.findings.size(), 1u);
    EXPECT_EQ(r.findings[0].recipient, recipient);
    EXPECT_EQ(r.findings[0].original_recipient, alias);
    EXPECT_EQ(r.findings[0].diagnostic.find("expanded"), std::string::npos) << r.findings[0].diagnostic;
  };
  // Sendmail, a deferred session without a reply code: the alias note under
  // the address is the report's bookkeeping, not the server's words.
  Result r = Analyze(
      "From: Mail Delivery Subsystem <MAILER-DAEMON@relay.example.com>\n"
      "Subject: Returned mail: see transcript for details\n"
      "MIME-Version: 1.0\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
      "--B\n\n"
      "   ----- The following addresses had permanent fatal errors -----\n"
      "<max@example.net>\n"
      "    (expanded from: <staff@relay.example.com>)\n\n"
      "   ----- Transcript of session follows -----\n"
      "<max@example.net>... Deferred: Connection refused by mx.example.net.\n"
      "Message could not be delivered for 5 days\n\n"
      "--B\n"
      "Content-Type: message/delivery-status\n\n"
      "Reporting-MTA: dns; relay.example.com\n\n"
      "Final-Recipient: RFC822; max@example.net\n"
      "Action: failed\n"
      "Status: 4.4.7\n\n"
      "--B--\n");
  expect(r, "max@example.net", "staff@relay.example.com");

  // Postfix writes the note on the address's line, before the reason.
  auto postfix = [](const std::string& paragraph) {
    return Analyze(
        "From: MAILER-DAEMON@relay.example.com (Mail Delivery System)\n"
        "Subject: Undelivered Mail Returned to Sender\n\n"
        "This is the mail system at host relay.example.com.\n\n" +
        paragraph);
  };
  r = postfix(
      "<ann@example.org> (expanded from <sales@example.com>): Host or domain\n"
      "    name not found. Name service error for name=example.org type=A: Host not\n"
      "    found\n");
  expect(r, "ann@example.org", "sales@example.com");
  EXPECT_EQ(r.findings[0].diagnostic.rfind("Host or domain name not found.", 0), 0u) << r.findings[0].diagnostic;

  // A local alias name is no address the sender wrote: no original_recipient.
  r = postfix("<ann@example.org> (expanded from <staff>): Host or domain name not found.\n");
  expect(r, "ann@example.org", "");

  // Exim writes the note under the address: "generated from" for one alias,
  // "ultimately generated from" through several (the address the sender wrote).
  auto exim = [](const std::string& note) {
    return Analyze(
        "From: Mail Delivery System <Mailer-Daemon@mx.example.com>\n"
        "Subject: Mail delivery failed: returning message to sender\n\n"
        "This message was created automatically by mail delivery software.\n\n"
        "A message that you sent could not be delivered to one or more of its\n"
        "recipients. This is a permanent error. The following address(es) failed:\n\n"
        "  lee@example.net\n"
        "    " + note + "\n"
        "    SMTP error from remote mail server after RCPT TO:<lee@example.net>:\n"
        "    550 5.1.1 <lee@example.net>: Recipient address rejected: User unknown\n");
  };
  expect(exim("(generated from team@example.com)"), "lee@example.net", "team@example.com");
  expect(exim("(ultimately generated from board@example.com)"), "lee@example.net", "board@example.com");
}

TEST(ExtractFormats, RecipientNamedByDisplayNameTakesTheReturnedAddress) {
  // Exchange 2000/2003 names the recipient as the sender's To did, by display
  // name; the returned copy's To gives the address of that name.
  auto exchange = [](const std::string& failed_line, const std::string& to) {
    return Analyze(
        "From: System Administrator <postmaster@mail.example.org>\n"
        "Subject: Undeliverable: Quarterly figures\n"
        "MIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=\"X\"\n\n"
        "--X\nContent-Type: text/plain\n\n"
        "Your message\n\n  To:      Kim Lee\n  Subject: Quarterly figures\n\n"
        "did not reach the following recipient(s):\n\n" +
        failed_line +
        "\n    The recipient name is not recognized\n"
        "    MSEXCH:IMS:EXAMPLE:SITE:EXCH1 0 (000C05A6) Unknown Recipient\n\n"
        "--X\nContent-Type: message/rfc822\n\n"
        "From: Sam Sender <sam@example.com>\nTo: " +
        to + "\nSubject: Quarterly figures\n\nHello\n\n--X--\n");
  };
  Result r = exchange("Kim Lee on 3/2/2026 10:00 AM", "\"Park, Ann\" <ann@example.org>, Kim Lee <kim@example.org>");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].recipient, "kim@example.org");
  // Its own paragraph is the diagnostic, not the report's opening.
  EXPECT_EQ(r.findings[0].diagnostic.rfind("The recipient name is not recognized", 0), 0u) << r.findings[0].diagnostic;

  r = exchange("Park, Ann on 3/2/2026 10:00 AM", "\"Park, Ann\" <ann@example.org>, Kim Lee <kim@example.org>");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].recipient, "ann@example.org");

  // A name only inside a line ("To: Kim Lee") names no failed recipient.
  r = exchange("(unnamed) on 3/2/2026 10:00 AM", "Kim Lee <kim@example.org>, Ann Park <ann@example.org>");
  EXPECT_TRUE(r.findings.empty());
}

TEST(ExtractFormats, DsnWithoutDiagnosticTakesTheReplyFromTheText) {
  Result r = Analyze(
      "From: Mail Delivery Subsystem <mailer-daemon@relay.example.com>\n"
      "Subject: Delivery Status Notification (Failure)\n"
      "MIME-Version: 1.0\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
      "--B\n"
      "Content-Type: text/plain\n\n"
      "Your message to kim@example.net could not be delivered.\n\n"
      "The error was: 554 5.7.1 Client host blocked using a list\n\n"
      "--B\n"
      "Content-Type: message/delivery-status\n\n"
      "Reporting-MTA: dns; relay.example.com\n\n"
      "Final-Recipient: rfc822; kim@example.net\n"
      "Action: failed\n"
      "Status: 5.7.1\n\n"
      "--B--\n");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].reply_code, 554);
  EXPECT_NE(r.findings[0].diagnostic.find("blocked"), std::string::npos);
}


TEST(ExtractFormats, V5SendmailTranscriptMapsRepliesToRecipients) {
  Result r = Analyze(
      "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.jp>\n"
      "Subject: Returned mail: Host unknown\n\n"
      "   ----- Transcript of session follows -----\n"
      "While talking to mx.example.edu:\n"
      ">>> DATA\n"
      "<<< 550 Sending to yourself is not allowed.\n"
      "554 <amy@example.edu>... Remote protocol error\n"
      "554 <bob@example.net>... 550 Host unknown (Authoritative answer from name server)\n"
      "While talking to mx.example.co.jp:\n"
      ">>> RCPT To:<cal@example.co.jp>\n"
      "<<< 550 No such user here.\n"
      "550 <cal@example.co.jp>... User unknown\n\n"
      "   ----- Unsent message follows -----\n\n"
      "Subject: hi\n");
  ASSERT_EQ(r.findings.size(), 3u);
  EXPECT_EQ(r.findings[0].recipient, "amy@example.edu");
  EXPECT_EQ(r.findings[0].diagnostic, "550 Sending to yourself is not allowed.");
  EXPECT_EQ(r.findings[0].command, SmtpCommand::kData);
  EXPECT_EQ(r.findings[1].recipient, "bob@example.net");
  EXPECT_EQ(r.findings[1].reply_code, 550);
  EXPECT_NE(r.findings[1].diagnostic.find("Host unknown"), std::string::npos);
  EXPECT_EQ(r.findings[1].command, SmtpCommand::kUnknown);
  EXPECT_EQ(r.findings[2].recipient, "cal@example.co.jp");
  EXPECT_EQ(r.findings[2].diagnostic, "550 No such user here.");
  EXPECT_EQ(r.findings[2].command, SmtpCommand::kRcpt);
}

TEST(ExtractFormats, PipelinedRepliesAfterDataAnswerTheRcpts) {
  // Sendmail prints the pipelined RCPT replies after ">>> DATA"; the last
  // reply ("503 Need RCPT") is DATA's own.
  BounceParts parts;
  parts.kind = BounceKind::kDeliveryReport;
  Headers g;
  g.Add("Final-Recipient", "rfc822; dee@example.org");
  g.Add("Action", "failed");
  g.Add("Status", "5.1.1");
  g.Add("Diagnostic-Code", "smtp; 550 5.1.1 <dee@example.org>... User unknown");
  parts.per_recipient.push_back(g);
  parts.human_text =
      "   ----- Transcript of session follows -----\n"
      "... while talking to mx.example.org.:\n"
      ">>> DATA\n"
      "<<< 550 5.1.1 <dee@example.org>... User unknown\n"
      "550 5.1.1 <dee@example.org>... User unknown\n"
      "<<< 503 5.0.0 Need RCPT (recipient)\n";
  std::vector<Finding> f = TheExtractor().Extract(parts);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].command, SmtpCommand::kRcpt);

  // Without a later reply the error answered DATA itself.
  parts.human_text =
      "   ----- Transcript of session follows -----\n"
      "... while talking to mx.example.org.:\n"
      ">>> DATA\n"
      "<<< 550 Unknown user dee@example.org\n"
      "554 5.0.0 Service unavailable\n";
  f = TheExtractor().Extract(parts);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].command, SmtpCommand::kData);
}

TEST(ExtractFormats, AmazonSesBounceJson) {
  Result r = Analyze(
      "From: SES <no-reply@sns.amazonaws.com>\n"
      "Subject: AWS Notification Message\n\n"
      "{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\",\"bounceSubType\":\"General\","
      "\"bouncedRecipients\":[{\"emailAddress\":\"eve@example.net\",\"action\":\"failed\",\"status\":\"5.1.1\","
      "\"diagnosticCode\":\"smtp; 550 5.1.1 user unknown\"},{\"emailAddress\":\"fay@example.net\"}],"
      "\"reportingMTA\":\"dsn; out.example.com\"},\"mail\":{\"source\":\"me@example.org\",\"headers\":[{\"name\":\"Subj!\n"
      " ect\",\"value\":\"Hello\"}]}}\n\n--\nTo unsubscribe, visit https://sns.example.com/\n");
  EXPECT_EQ(r.parts.kind, BounceKind::kDeliveryReport);
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0].recipient, "eve@example.net");
  EXPECT_EQ(r.findings[0].reply_code, 550);
  EXPECT_EQ(r.findings[0].status.ToString(), "5.1.1");
  EXPECT_EQ(r.findings[0].diagnostic, "550 5.1.1 user unknown");
  EXPECT_EQ(r.findings[0].reporting_mta, "out.example.com");
  EXPECT_EQ(r.findings[1].recipient, "fay@example.net");
  EXPECT_TRUE(r.findings[1].status.empty());  // none given, none invented
  EXPECT_EQ(r.parts.original_headers.Get("Subject"), "Hello");
}

TEST(ExtractFormats, AmazonSesTypeStandsInForMissingServerWords) {
  // A recipient with no diagnosticCode: SES's own bounce type and subtype
  // are all the report says of it; no status is invented.
  Result r = OnlyFinding(
      "From: SES <no-reply@sns.example.com>\nSubject: AWS Notification Message\n\n"
      "{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Transient\",\"bounceSubType\":\"MailboxFull\","
      "\"bouncedRecipients\":[{\"emailAddress\":\"val@example.net\"}]},\"mail\":{\"source\":\"me@example.org\"}}\n",
      "val@example.net", "Amazon SES bounce type Transient/MailboxFull");
  EXPECT_TRUE(r.findings[0].status.empty());
}

TEST(ExtractFormats, TranscriptSenderIsNoRecipient) {
  // Postfix's postmaster copy of a rejected session ("Postfix SMTP server:
  // errors from ..."): the client's MAIL FROM names the sender, never a
  // failed recipient; the RCPT TO names the recipient the server refused.
  OnlyFinding("From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\n"
              "Subject: Postfix SMTP server: errors from client.example.net[192.0.2.66]\n\n"
              "Transcript of session follows.\n\n"
              " Out: 220 mx.example.org ESMTP Postfix\n"
              " In:  MAIL FROM:<news@example.net>\n"
              " Out: 250 2.1.0 Ok\n"
              " In:  RCPT TO:<gone@example.org>\n"
              " Out: 550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown\n",
              "gone@example.org", "550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown");
}

TEST(ExtractFormats, AmazonSesInsideAnSnsEnvelope) {
  Result r = Analyze(
      "From: SES <no-reply@sns.amazonaws.com>\n"
      "Subject: AWS Notification Message\n\n"
      "{\n  \"Type\" : \"Notification\",\n"
      "  \"Message\" : \"{\\\"notificationType\\\":\\\"Delivery\\\",\\\"delivery\\\":{\\\"recipients\\\":"
      "[\\\"gil@example.net\\\"],\\\"smtpResponse\\\":\\\"250 2.6.0 Message received\\\","
      "\\\"reportingMTA\\\":\\\"out.example.com\\\"}}\"\n}\n");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].recipient, "gil@example.net");
  EXPECT_EQ(r.findings[0].action, "delivered");
  EXPECT_EQ(r.findings[0].reply_code, 250);
  EXPECT_EQ(r.findings[0].status.ToString(), "2.6.0");
}

TEST(ExtractFormats, AmazonSesComplaint) {
  Result r = Analyze(
      "From: SES <no-reply@sns.amazonaws.com>\n"
      "Subject: AWS Notification Message\n\n"
      "{\"notificationType\":\"Complaint\",\"complaint\":{\"complainedRecipients\":[{\"emailAddress\":"
      "\"hal@example.net\"},{\"emailAddress\":\"ivy@example.net\"}],\"complaintFeedbackType\":\"abuse\"}}\n");
  EXPECT_EQ(r.parts.kind, BounceKind::kFeedbackReport);
  EXPECT_EQ(r.parts.feedback.Get("Feedback-Type"), "abuse");
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0].recipient, "hal@example.net");
  EXPECT_EQ(r.findings[1].recipient, "ivy@example.net");
}

TEST(ExtractFormats, JsonInOrdinaryMailIsNotABounce) {
  Result r = Analyze(
      "From: dev@example.org\nSubject: sample payload\n\n"
      "Here is what SES sends: {\"notificationType\":\"Bounce\"}\n");
  EXPECT_EQ(r.parts.kind, BounceKind::kNotBounce);
}

TEST(ExtractFormats, FeedbackReportWithSeveralRecipients) {
  Result r = Analyze(
      "From: fbl@isp.example.net\n"
      "Subject: Abuse Report\n"
      "MIME-Version: 1.0\n"
      "Content-Type: multipart/report; report-type=feedback-report; boundary=\"B\"\n\n"
      "--B\nContent-Type: text/plain\n\nAn abuse report.\n\n"
      "--B\nContent-Type: message/feedback-report\n\n"
      "Feedback-Type: abuse\nUser-Agent: FBL/1.0\nVersion: 1\n"
      "Original-Rcpt-To: jan@example.com\nOriginal-Rcpt-To: kai@example.com\n\n"
      "--B\nContent-Type: message/rfc822\n\nFrom: me@example.org\nSubject: Offer\n\nbuy\n--B--\n");
  EXPECT_EQ(r.parts.kind, BounceKind::kFeedbackReport);
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0].recipient, "jan@example.com");
  EXPECT_EQ(r.findings[1].recipient, "kai@example.com");
}

TEST(ExtractFormats, MicrosoftJmrpComplaint) {
  Result r = Analyze(
      "From: staff@mail.example.com\n"
      "Subject: complaint about message from 192.0.2.1\n"
      "MIME-Version: 1.0\n"
      "Content-Type: multipart/mixed; boundary=\"B\"\n\n"
      "--B\nContent-Type: message/rfc822\n\n"
      "X-HmXmrOriginalRecipient: lee@example.com\n"
      "From: me@example.org\nTo: lee@example.com\nSubject: Offer\n\nbuy\n--B--\n");
  EXPECT_EQ(r.parts.kind, BounceKind::kFeedbackReport);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].recipient, "lee@example.com");
}

TEST(ExtractFormats, ForwardedMessageIsNotFeedback) {
  Result r = Analyze(
      "From: friend@example.org\n"
      "Subject: Fwd: look at this\n"
      "MIME-Version: 1.0\n"
      "Content-Type: multipart/mixed; boundary=\"B\"\n\n"
      "--B\nContent-Type: text/plain\n\nsee attached\n"
      "--B\nContent-Type: message/rfc822\n\n"
      "From: shop@example.com\nTo: friend@example.org\nSubject: Offer\n\nbuy\n--B--\n");
  EXPECT_EQ(r.parts.kind, BounceKind::kNotBounce);
}

TEST(ExtractFormats, AppleUnsubscribeIsOptOutFeedback) {
  Result r = Analyze(
      "From: mia@example.com\n"
      "To: list-unsub-123@example.org\n"
      "Subject: unsubscribe\n"
      "Auto-Submitted: auto-replied\n"
      "X-Apple-Unsubscribe: true\n\n"
      "Apple Mail sent this email to unsubscribe from the message.\n");
  EXPECT_EQ(r.parts.kind, BounceKind::kFeedbackReport);
  EXPECT_EQ(r.parts.feedback.Get("Feedback-Type"), "opt-out");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].recipient, "mia@example.com");
}

TEST(ExtractFormats, ExchangeAutomaticReply) {
  Result r = Analyze(
      "Return-path: <>\n"
      "From: Ned <ned@example.org>\n"
      "Subject: Automatic reply: hello\n"
      "X-Auto-Response-Suppress: All\n\n"
      "I am away until Monday.\n");
  EXPECT_EQ(r.parts.kind, BounceKind::kAutoReply);
  // A person's reply with the same subject words is not one.
  r = Analyze("From: Ned <ned@example.org>\nSubject: Re: Automatic reply: hello\n\nThanks!\n");
  EXPECT_EQ(r.parts.kind, BounceKind::kNotBounce);
}

TEST(ExtractFormats, ReplyCodeFollowedByDash) {
  CodesInText c = TheExtractor().FindCodes("Error message below: 550 - Requested action not taken");
  EXPECT_EQ(c.reply_code, 550);
  c = TheExtractor().FindCodes("call 555 - 0100 today");
  EXPECT_EQ(c.reply_code, 0);
}

TEST(ExtractFormats, DsnParagraphStopsAtTheNextRecipient) {
  Result r = Analyze(
      "From: MAILER-DAEMON@mx.example.org\n"
      "Subject: Delivery status notification: error\n"
      "MIME-Version: 1.0\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
      "--B\nContent-Type: text/plain\n\n"
      "    Hi!\n\n"
      "    This is the MAILER-DAEMON, please DO NOT REPLY to this e-mail.\n\n"
      "    amy@example.net: 550 5.1.1 <amy@example.net>: Recipient address rejected: User unknown\n"
      "    bob@example.net: 552 5.2.2 <bob@example.net>: Recipient address rejected: Mailbox full\n\n"
      "--B\nContent-Type: message/delivery-status\n\n"
      "Reporting-MTA: dns; mx.example.org\n\n"
      "Final-Recipient: rfc822; amy@example.net\nAction: failed\nStatus: 5.0.0\n\n"
      "Final-Recipient: rfc822; bob@example.net\nAction: failed\nStatus: 5.0.0\n\n--B--\n");
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0].diagnostic.find("Mailbox full"), std::string::npos);
  EXPECT_EQ(r.findings[0].reply_code, 550);
  // Status 5.0.0 says only "failed": the reply's own 5.1.1 is more precise.
  EXPECT_EQ(r.findings[0].status.ToString(), "5.1.1");
  EXPECT_EQ(r.findings[1].reply_code, 552);
  EXPECT_EQ(r.findings[1].status.ToString(), "5.2.2");
}

TEST(ExtractFormats, SpecificStatusFieldIsKept) {
  BounceParts parts;
  parts.kind = BounceKind::kDeliveryReport;
  Headers g;
  g.Add("Final-Recipient", "rfc822; cy@example.net");
  g.Add("Action", "failed");
  g.Add("Status", "5.2.1");
  g.Add("Diagnostic-Code", "smtp; 550 5.1.1 unknown");
  parts.per_recipient.push_back(g);
  std::vector<Finding> f = TheExtractor().Extract(parts);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].status.ToString(), "5.2.1");
}

TEST(ExtractFormats, CodesAfterACodeLabel) {
  CodesInText c = TheExtractor().FindCodes("Invalid Address, ERROR_CODE :550, ERROR_CODE :5.2.1 <a@b.example>... User Unknown");
  EXPECT_EQ(c.reply_code, 550);
  EXPECT_EQ(c.status.ToString(), "5.2.1");
  EXPECT_EQ(TheExtractor().FindCodes("connect to host:465: timed out").reply_code, 0);
}

TEST(ExtractFormats, QmailWordsBeforeTheStatusAndNoBoilerplate) {
  Result r = Analyze(
      "From: MAILER-DAEMON@mx.example.jp\n"
      "Subject: failure notice\n\n"
      "Hi. This is the qmail-send program at mx.example.jp.\n"
      "I'm afraid I wasn't able to deliver your message to the following addresses.\n\n"
      "<kay@example.jp>:\n"
      "Sorry, I wasn't able to establish an SMTP connection. (#4.4.1)\n"
      "I'm not going to try again; this message has been in the queue too long.\n\n"
      "--- Below this line is a copy of the message.\n\n"
      "From: me@example.org\nSubject: hi\n");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].diagnostic, "Sorry, I wasn't able to establish an SMTP connection. (#4.4.1)");
  EXPECT_EQ(r.findings[0].status.ToString(), "4.4.1");

  // The trailer alone is kept: it is all the report says.
  r = Analyze(
      "From: MAILER-DAEMON@mx.example.jp\n"
      "Subject: failure notice\n\n"
      "Hi. This is the qmail-send program at mx.example.jp.\n\n"
      "<lou@example.jp>:\n"
      "I'm not going to try again; this message has been in the queue too long.\n");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_NE(r.findings[0].diagnostic.find("queue too long"), std::string::npos);
}

TEST(ExtractFormats, ShortLineAboveAnAddressWasNotWrapped) {
  // A line with room left for the next line's first word was not wrapped:
  // the address under it opens an item of its own (GroupWise's list, whose
  // local part "kim" is a recipient of its own too), while an address a long
  // reply line pushed down is still part of that reply.
  struct Case {
    std::string subject, body, recipient, diagnostic;
    size_t records, index;
  };
  for (const Case& c : std::vector<Case>{
           {"Message status - undeliverable",
            "The message that you sent was undeliverable to the following:\n"
            "\tkim (user not found)\n"
            "\tjo@example.net (mailbox quota exceeded)\n",
            "jo@example.net", "(mailbox quota exceeded)", 2, 1},
           {"Undelivered Mail Returned to Sender",
            "<jo@example.net>: host mx.example.net[192.0.2.10] said: 550 5.7.1 Sender\n"
            "    <ann@example.com> rejected by local policy (in reply to MAIL FROM command)\n",
            "jo@example.net", "550 5.7.1 Sender <ann@example.com> rejected by local policy", 1, 0}}) {
    Result r = Analyze("From: postmaster@example.net\nSubject: " + c.subject + "\n\n" + c.body);
    EXPECT_EQ(r.findings.size(), c.records) << c.body;
    ExpectFinding(r, c.index, c.recipient, c.diagnostic);
  }
}

TEST(ExtractFormats, RecipientSentenceBrokenAfterTheAddress) {
  // Short notices of small MTAs: the sentence naming the recipient is
  // broken after the address, as a line width breaks it.
  OnlyFinding("From: postmaster@example.net\nSubject: Returned mail\n\n"
              "Your message to: pat@example.net\n"
              "was not delivered because the address was not found.\n",
              "pat@example.net", "because the address was not found.");
  for (const std::string sentence : {"The recipient <pat@example.net>\ndoes not have a mailbox here.\n",
                                     "The message sent to pat@example.net\nhas been refused by its server.\n"}) {
    Result r = Analyze("From: postmaster@example.net\nSubject: Delivery failure\n\n" + sentence);
    ASSERT_EQ(r.findings.size(), 1u) << sentence;
    EXPECT_EQ(r.findings[0].recipient, "pat@example.net") << sentence;
  }
}

}  // namespace
}  // namespace ndr
