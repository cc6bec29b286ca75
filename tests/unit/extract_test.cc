// The extraction stage: codes, commands and recipients from report text.
#include <gtest/gtest.h>

#include "ndr/bounce.h"
#include "ndr/finding.h"

namespace ndr {
namespace {

class ExtractTest : public ::testing::Test {
 protected:
  const Extractor& extractor() {
    static const std::unique_ptr<Extractor> instance = Extractor::Create(nullptr);
    return *instance;
  }
  CodesInText Codes(std::string_view text) { return extractor().FindCodes(text); }
  // A plain-text report from `from` with `text` as its words.
  static BounceParts PlainReport(const char* from, const char* text) {
    BounceParts parts;
    parts.kind = BounceKind::kPlainText;
    parts.bounce_from = from;
    parts.human_text = text;
    return parts;
  }
};

TEST_F(ExtractTest, ReplyAndStatusTogether) {
  CodesInText c = Codes("550 5.1.1 <a@example.org>: Recipient address rejected: User unknown");
  EXPECT_EQ(c.reply_code, 550);
  EXPECT_EQ(c.status.ToString(), "5.1.1");
}

TEST_F(ExtractTest, MultiLineReply) {
  CodesInText c = Codes("550-5.7.26 Unauthenticated email is not accepted 550-5.7.26 due to DMARC 550 5.7.26 policy");
  EXPECT_EQ(c.reply_code, 550);
  EXPECT_EQ(c.status.ToString(), "5.7.26");
}

TEST_F(ExtractTest, CodesDisagreeingAreBothKept) {
  CodesInText c = Codes("host mx.example.org said: 550 4.2.2 mailbox over quota");
  EXPECT_EQ(c.reply_code, 550);
  EXPECT_EQ(c.status.ToString(), "4.2.2");
}

TEST_F(ExtractTest, KeywordBeforeReply) {
  CodesInText c = Codes("Remote host said: 554 delivery error: dd This user doesn't have an account");
  EXPECT_EQ(c.reply_code, 554);
  EXPECT_TRUE(c.status.empty());
}

TEST_F(ExtractTest, GreetingBeforeReplyIsNotTheReply) {
  CodesInText c = Codes("220-mx.example.fr 421 4.2.1 Service refused, please try later");
  EXPECT_EQ(c.reply_code, 421);
  EXPECT_EQ(c.status.ToString(), "4.2.1");
}

TEST_F(ExtractTest, NoCodesFromIpAddresses) {
  CodesInText c = Codes("connect to mx.example.org[192.0.2.250]:25: Connection refused by 5.1.1.4");
  EXPECT_EQ(c.reply_code, 0);
  EXPECT_TRUE(c.status.empty());
  c = Codes("Client host [10.5.1.1] blocked using a list; see 203.0.113.5.5.2.1");
  EXPECT_TRUE(c.status.empty());
}

TEST_F(ExtractTest, NoCodesFromDatesTimesPortsSizes) {
  EXPECT_EQ(Codes("Arrival-Date: Mon, 12 Jan 2026 14:55:21 +0900").reply_code, 0);
  EXPECT_EQ(Codes("retried until 21:550:12 then gave up").reply_code, 0);
  EXPECT_EQ(Codes("connect to host:465: timed out").reply_code, 0);
  EXPECT_EQ(Codes("message size 552 bytes exceeds nothing").reply_code, 0);
  EXPECT_EQ(Codes("Call me at 550-1234 on 5.1.2026").reply_code, 0);
}

TEST_F(ExtractTest, NoCodesFromQueueIds) {
  CodesInText c = Codes("queue id 4A550B2C1D and id=550ab delivered");
  EXPECT_EQ(c.reply_code, 0);
}

TEST_F(ExtractTest, StatusOnlyInParentheses) {
  CodesInText c = Codes("Sorry, no mailbox here by that name. (#5.1.1)");
  EXPECT_EQ(c.reply_code, 0);
  EXPECT_EQ(c.status.ToString(), "5.1.1");
}

TEST_F(ExtractTest, ExchangeHashPrefix) {
  CodesInText c = Codes("#550 5.1.10 RESOLVER.ADR.RecipientNotFound; not found ##");
  EXPECT_EQ(c.reply_code, 550);
  EXPECT_EQ(c.status.ToString(), "5.1.10");
}

TEST_F(ExtractTest, YahooTrailerIsNotAStatus) {
  CodesInText c = Codes("421 4.7.0 [TSS04] Messages temporarily deferred - 4.16.55.1; see https://x.example");
  EXPECT_EQ(c.reply_code, 421);
  EXPECT_EQ(c.status.ToString(), "4.7.0");
}

TEST_F(ExtractTest, NormalizeJoinsContinuationLines) {
  EXPECT_EQ(extractor().NormalizeReply("550-5.7.26 Unauthenticated email\n    550-5.7.26 is not accepted\n"
                                       "    550 5.7.26 due to DMARC policy"),
            "550 5.7.26 Unauthenticated email is not accepted due to DMARC policy");
  EXPECT_EQ(extractor().NormalizeReply("550-Rejected\n550-see the policy\n550 goodbye"),
            "550 Rejected see the policy goodbye");
  EXPECT_EQ(extractor().NormalizeReply("no code here   at all"), "no code here at all");
}

TEST_F(ExtractTest, Commands) {
  EXPECT_EQ(extractor().FindCommand("... User unknown (in reply to RCPT TO command)"), SmtpCommand::kRcpt);
  EXPECT_EQ(extractor().FindCommand("Message rejected (in reply to end of DATA command)"), SmtpCommand::kDataEnd);
  EXPECT_EQ(extractor().FindCommand("SMTP error from remote mail server after RCPT TO:<a@b.example>:"),
            SmtpCommand::kRcpt);
  EXPECT_EQ(extractor().FindCommand("SMTP error from remote mail server after MAIL FROM:<a@b.example>"),
            SmtpCommand::kMail);
  EXPECT_EQ(extractor().FindCommand(">>> MAIL From:<a@b>\n<<< 250 ok\n>>> RCPT To:<c@d>\n<<< 550 no"),
            SmtpCommand::kRcpt);
  EXPECT_EQ(extractor().FindCommand("552 message too big [DATA]"), SmtpCommand::kData);
  EXPECT_EQ(extractor().FindCommand("the weather is fine"), SmtpCommand::kUnknown);
}

TEST_F(ExtractTest, DsnRecipientsAndFields) {
  BounceParts parts;
  parts.kind = BounceKind::kDeliveryReport;
  parts.per_message.Add("Reporting-MTA", "dns; mail.example.com");
  Headers r1;
  r1.Add("Final-Recipient", "rfc822; <Alice@Example.NET>");
  r1.Add("Action", "failed");
  r1.Add("Status", "5.1.1 (unknown user)");
  r1.Add("Remote-MTA", "dns; mx1.example.net");
  r1.Add("Diagnostic-Code", "smtp; 550 5.1.1 <alice@example.net>: User unknown");
  Headers r2;
  r2.Add("Original-Recipient", "rfc822;bob@example.org");
  r2.Add("Final-Recipient", "rfc822;robert@example.org");
  r2.Add("Status", "4.2.2");
  r2.Add("Diagnostic-Code", "smtp; 452 4.2.2 Mailbox full");
  parts.per_recipient = {r1, r2};
  parts.human_text = "<Alice@Example.NET>: host mx1.example.net[192.0.2.1] said: 550 5.1.1 User unknown (in\n"
                     "    reply to RCPT TO command)\n";
  std::vector<Finding> f = extractor().Extract(parts);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].recipient, "Alice@Example.NET");
  EXPECT_EQ(f[0].action, "failed");
  EXPECT_EQ(f[0].status.ToString(), "5.1.1");
  EXPECT_EQ(f[0].reply_code, 550);
  EXPECT_EQ(f[0].remote_mta, "mx1.example.net");
  EXPECT_EQ(f[0].reporting_mta, "mail.example.com");
  EXPECT_EQ(f[0].command, SmtpCommand::kRcpt);  // only the human part names it
  EXPECT_EQ(f[1].recipient, "robert@example.org");
  EXPECT_EQ(f[1].original_recipient, "bob@example.org");
  EXPECT_EQ(f[1].action, "delayed");  // no Action field: from the status class
  EXPECT_EQ(f[1].reply_code, 452);
}

TEST_F(ExtractTest, DsnMalformedStatusFallsBackToText) {
  BounceParts parts;
  parts.kind = BounceKind::kDeliveryReport;
  Headers r;
  r.Add("Final-Recipient", "rfc822; c@example.org");
  r.Add("Action", "failed");
  r.Add("Status", "permanent failure 5.2.2");
  parts.per_recipient = {r};
  parts.human_text = "c@example.org\n    552 5.2.2 Mailbox is full\n";
  std::vector<Finding> f = extractor().Extract(parts);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].status.ToString(), "5.2.2");
  EXPECT_EQ(f[0].reply_code, 552);
  EXPECT_EQ(f[0].diagnostic, "552 5.2.2 Mailbox is full");
}

TEST_F(ExtractTest, PlainTextQmail) {
  BounceParts parts;
  parts.kind = BounceKind::kPlainText;
  parts.bounce_from = "MAILER-DAEMON@mail.example.com";
  parts.human_text =
      "Hi. This is the qmail-send program at mail.example.com.\n"
      "I'm afraid I wasn't able to deliver your message to the following addresses.\n\n"
      "<dave@example.net>:\n192.0.2.25 does not like recipient.\n"
      "Remote host said: 550 5.1.1 <dave@example.net>... User unknown\nGiving up on 192.0.2.25.\n";
  std::vector<Finding> f = extractor().Extract(parts);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].recipient, "dave@example.net");
  EXPECT_EQ(f[0].reply_code, 550);
  EXPECT_EQ(f[0].status.ToString(), "5.1.1");
  EXPECT_EQ(f[0].action, "failed");
}

// Someone who wrote to their own address (or a list they are on) gets it
// back: the returned copy's From is the failed recipient when the report
// opens its paragraph with it ("<a@b>: ..."); a sender's address elsewhere
// still never is.
TEST_F(ExtractTest, SendersOwnAddressFailsWhenItOpensTheParagraph) {
  BounceParts parts;
  parts.kind = BounceKind::kPlainText;
  parts.bounce_from = "MAILER-DAEMON@mail.example.com";
  parts.original_headers = ParseHeaderBlock("From: kim@example.net\nTo: kim@example.net\nSubject: note to self\n");
  parts.human_text =
      "This is the mail system at host mail.example.com.\n\n"
      "<kim@example.net>: host mx.example.net[192.0.2.9] said: 452 4.2.2 Mailbox full\n"
      "    (in reply to RCPT TO command)\n\n"
      "kim@example.net wrote this message.\n";
  std::vector<Finding> f = extractor().Extract(parts);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].recipient, "kim@example.net");
  EXPECT_EQ(f[0].reply_code, 452);

  parts.human_text = "Your message could not be delivered.\n\nkim@example.net\n    Mailbox full\n";
  EXPECT_TRUE(extractor().Extract(parts).empty());  // the sender's address alone on a line: not a recipient
}

TEST_F(ExtractTest, PlainTextEximTwoRecipients) {
  BounceParts parts;
  parts.kind = BounceKind::kPlainText;
  parts.failed_recipients = "bob@example.org, carol@example.com";
  parts.human_text =
      "This message was created automatically by mail delivery software.\n\n"
      "A message that you sent could not be delivered to one or more of its\n"
      "recipients. This is a permanent error. The following address(es) failed:\n\n"
      "  bob@example.org\n    host mx.example.org [198.51.100.7]\n"
      "    SMTP error from remote mail server after RCPT TO:<bob@example.org>:\n"
      "    550 5.1.1 <bob@example.org>: No such user here\n"
      "  carol@example.com\n    host mx.example.com [198.51.100.8]\n"
      "    SMTP error from remote mail server after end of data:\n"
      "    552 5.3.4 Message size exceeds fixed limit\n";
  std::vector<Finding> f = extractor().Extract(parts);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].recipient, "bob@example.org");
  EXPECT_EQ(f[0].reply_code, 550);
  EXPECT_EQ(f[0].command, SmtpCommand::kRcpt);
  EXPECT_EQ(f[1].recipient, "carol@example.com");
  EXPECT_EQ(f[1].reply_code, 552);
  EXPECT_EQ(f[1].status.ToString(), "5.3.4");
  EXPECT_EQ(f[1].command, SmtpCommand::kDataEnd);
}

// A report that names no recipient, sent back to a VERP return address: the
// address says who the copy was for (Mailman's "+user=domain", ezmlm's
// "-return-N-user=domain", a bulk sender's "bounce-N-user=domain"). The
// returned copy's To, the list itself for a list's post, comes after it.
TEST_F(ExtractTest, VerpReturnAddressNamesTheRecipientWhenTheReportDoesNot) {
  BounceParts parts =
      PlainReport("MAILER-DAEMON@mx.example.org", "Your message could not be delivered.\n\n550 5.2.1 Mailbox disabled\n");
  parts.bounce_to = "news-bounces+jo.smith=example.org@lists.example.net";
  parts.original_headers = ParseHeaderBlock("From: editor@example.net\nTo: news@lists.example.net\n");
  std::vector<Finding> f = extractor().Extract(parts);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].recipient, "jo.smith@example.org");
  EXPECT_EQ(f[0].reply_code, 550);

  parts.bounce_to = "Newsletter <news-return-1234-jo.smith=example.org@lists.example.net>";
  f = extractor().Extract(parts);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].recipient, "jo.smith@example.org");

  parts.bounce_to = "editor@example.net";  // rewritten to the header From: where it arrived still says
  parts.bounce_delivered_to = "bounce-58-1206-kim=example.com@mail.example.net";
  f = extractor().Extract(parts);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].recipient, "kim@example.com");

  parts.bounce_delivered_to.clear();
  parts.original_headers =
      ParseHeaderBlock("Return-Path: <news-bounces+ann=example.com@lists.example.net>\nTo: news@lists.example.net\n");
  f = extractor().Extract(parts);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].recipient, "ann@example.com");
}

// Only an address in VERP's form decodes: an SRS or BATV address encodes the
// sender, a tagged address encodes nothing; and a report that names its
// recipient is read as it names it.
TEST_F(ExtractTest, VerpIsReadOnlyInItsFormAndOnlyWhenNoRecipientIsNamed) {
  BounceParts parts =
      PlainReport("MAILER-DAEMON@mx.example.org", "Your message could not be delivered.\n\n550 5.2.1 Mailbox disabled\n");
  for (const char* not_verp : {"SRS0=HHH=TT=example.org=jo@fwd.example.net", "SRS0+HHH=TT=example.org=jo@fwd.example.net",
                               "prvs=1234abcd=jo@example.org", "jo+news@example.org", "jo+a=b@example.org"}) {
    parts.bounce_to = not_verp;
    EXPECT_TRUE(extractor().Extract(parts).empty()) << not_verp;
  }
  parts.bounce_to = "news-bounces+jo=example.org@lists.example.net";
  parts.human_text = "Your message could not be delivered to <kim@example.com>.\n\n550 5.2.1 Mailbox disabled\n";
  std::vector<Finding> f = extractor().Extract(parts);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].recipient, "kim@example.com");
}

// Recipients listed one a line, the reason before each address and nothing
// after it: the words before the address are its reason; a label before it
// ("Recipient:") is none.
TEST_F(ExtractTest, WordsBeforeTheAddressAreTheReasonWhenNoneFollow) {
  BounceParts parts =
      PlainReport("postmaster@mail.example.com", "Unknown user: bob@example.com\nMailbox full: <ben@example.com>\n");
  std::vector<Finding> f = extractor().Extract(parts);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].diagnostic, "Unknown user");
  EXPECT_EQ(f[1].diagnostic, "Mailbox full");

  parts.human_text = "Delivery failed:\nRecipient: bob@example.com\nRecipient: <ben@example.com>\n";
  f = extractor().Extract(parts);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].diagnostic, "");
  EXPECT_EQ(f[1].diagnostic, "");
}

TEST_F(ExtractTest, NotABounceGivesNothing) {
  BounceParts parts;
  parts.kind = BounceKind::kNotBounce;
  parts.human_text = "<x@example.org>: 550 5.1.1 user unknown";
  EXPECT_TRUE(extractor().Extract(parts).empty());
}

}  // namespace
}  // namespace ndr
