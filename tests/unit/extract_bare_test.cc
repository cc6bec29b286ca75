// Failed recipients a report names by their local part alone ("kim"), and the
// domain ndr gives them (src/extract/bare_recipient.cc). Every sample is
// written for this test.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "bounce/markers.h"
#include "extract/extractor_impl.h"
#include "markers_fixture.h"
#include "ndr/analyzer.h"
#include "shared_analyzer.h"
#include "ndr/bounce.h"
#include "ndr/finding.h"
#include "ndr/message.h"

namespace ndr {
namespace {

const Extractor& TheExtractor() {
  static const std::unique_ptr<Extractor> instance = Extractor::Create(nullptr);
  return *instance;
}

std::vector<Finding> Findings(const std::string& raw) {
  BounceParts parts = LocateBounce(ParseMessage(raw), ndr_test::Markers());
  EXPECT_NE(parts.kind, BounceKind::kNotBounce);
  return TheExtractor().Extract(parts);
}

// The start of an old Sendmail report from mx.example.org, up to its list.
const std::string kSendmailHeading =
    "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>\n"
    "Subject: Returned mail: see transcript for details\n\n"
    "   ----- The following addresses had permanent fatal errors -----\n";

// One session of an old Sendmail transcript that names "kim" only.
const std::string kKimSession =
    "... while talking to hub.example.org.:\n"
    ">>> RCPT To:<kim>\n"
    "<<< 550 5.1.1 <kim>... User unknown\n"
    "550 kim... User unknown\n";

TEST(BareRecipient, SendmailListTakesTheReportingHostsDomain) {
  // Old Sendmail: the list and the transcript name "kim" only; the returned
  // copy went to a list address, which is not kim's.
  auto f = Findings(
      "From: Mail Delivery Subsystem <MAILER-DAEMON@relay.example.org>\n"
      "To: ann@example.com\n"
      "Subject: Returned mail: User unknown\n\n"
      "   ----- The following addresses had permanent fatal errors -----\n"
      "kim\n\n"
      "   ----- Transcript of session follows -----\n" +
      kKimSession + "\n"
      "   ----- Unsent message follows -----\n"
      "From: ann@example.com\nTo: staff@lists.example.com\nSubject: lunch\n\nhi\n");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].recipient, "kim@relay.example.org");
  EXPECT_EQ(f[0].original_recipient, "kim");  // what the report wrote
  EXPECT_EQ(f[0].reply_code, 550);
  EXPECT_EQ(f[0].command, SmtpCommand::kRcpt);
  EXPECT_EQ(f[0].diagnostic, "550 5.1.1 <kim>... User unknown");  // the server's reply to kim's RCPT
}

TEST(BareRecipient, TranscriptGivesEachNameItsOwnReply) {
  // Old Sendmail without a list: the transcript alone names the recipients,
  // and each session's reply is its RCPT's.
  auto f = Findings(
      "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>\n"
      "Subject: Returned mail: User unknown\n\n"
      "   ----- Transcript of session follows -----\n" +
      kKimSession +
      ">>> RCPT To:<jo>\n"
      "<<< 452 4.2.2 <jo>... Mailbox full\n"
      "452 jo... Mailbox full\n");
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].recipient, "kim@mx.example.org");
  EXPECT_EQ(f[0].reply_code, 550);
  EXPECT_EQ(f[0].diagnostic, "550 5.1.1 <kim>... User unknown");
  EXPECT_EQ(f[0].command, SmtpCommand::kRcpt);
  EXPECT_EQ(f[1].recipient, "jo@mx.example.org");
  EXPECT_EQ(f[1].reply_code, 452);
  EXPECT_EQ(f[1].status.ToString(), "4.2.2");
  EXPECT_EQ(f[1].command, SmtpCommand::kRcpt);
}

TEST(BareRecipient, SendmailListOfSeveralNames) {
  auto f = Findings(kSendmailHeading +
      "<kim>\n"
      "    (reason: 550 5.1.1 User unknown)\n"
      "jo.doe\n"
      "    (reason: 552 5.2.2 Mailbox full)\n\n"
      "   ----- Transcript of session follows -----\n"
      "550 5.1.1 kim... User unknown\n");
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].recipient, "kim@mx.example.org");
  EXPECT_EQ(f[1].recipient, "jo.doe@mx.example.org");
  EXPECT_EQ(f[1].reply_code, 552);
}

TEST(BareRecipient, OneLineSlots) {
  // A gateway's line naming the recipient ("Receiver not found:" of
  // CompuServe and other old gateways, a "Recipient:" label); the gateway's
  // postmaster lends the domain.
  struct Case {
    const char* from;
    const char* body;
    const char* recipient;
    int reply_code;
  } cases[] = {
      {"CompuServe Postmaster <postmaster@csi.example.net>",
       "Receiver not found: jodoe\n\nYour message could not be delivered as addressed.\n", "jodoe@csi.example.net", 0},
      {"Mail Router <postmaster@gw.example.net>",
       "Your message could not be delivered.\n\nInvalid recipient: jodoe\nReason: 550 No such user\n",
       "jodoe@gw.example.net", 550},
  };
  for (const Case& c : cases) {
    auto f = Findings(std::string("From: ") + c.from + "\nTo: ann@example.com\nSubject: Undeliverable Message\n\n" +
                      c.body);
    ASSERT_EQ(f.size(), 1u) << c.body;
    EXPECT_EQ(f[0].recipient, c.recipient);
    EXPECT_EQ(f[0].original_recipient, "jodoe");
    EXPECT_EQ(f[0].reply_code, c.reply_code);
  }
}

TEST(BareRecipient, DomainFromTheReturnedToOrCcHeader) {
  // The returned copy's To and Cc name the address the sender used; the
  // local part matches ignoring case, the header's spelling is kept.
  const std::string report =
      "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>\n"
      "To: ann@example.com\n"
      "Subject: Returned mail: see transcript for details\n\n"
      "   ----- The following addresses had permanent fatal errors -----\n"
      "<Kim>\n"
      "    (reason: 550 5.1.1 User unknown)\n\n"
      "   ----- Original message follows -----\n"
      "From: ann@example.com\n";
  auto to = Findings(report + "To: Jo <jo@example.net>, Kim Lee <kim@corp.example.net>\nSubject: lunch\n\nhi\n");
  ASSERT_EQ(to.size(), 1u);
  EXPECT_EQ(to[0].recipient, "kim@corp.example.net");
  EXPECT_EQ(to[0].original_recipient, "Kim");
  EXPECT_EQ(to[0].status.ToString(), "5.1.1");
  auto cc = Findings(report + "To: jo@example.net\nCc: KIM@corp.example.net\nSubject: lunch\n\nhi\n");
  ASSERT_EQ(cc.size(), 1u);
  EXPECT_EQ(cc[0].recipient, "KIM@corp.example.net");
}

TEST(BareRecipient, QmailAndLocalSendmailTakeTheReportingHost) {
  auto qmail = Findings(
      "From: MAILER-DAEMON@mail.example.org\n"
      "Subject: failure notice\n\n"
      "Hi. This is the qmail-send program at mail.example.org.\n"
      "I'm afraid I wasn't able to deliver your message to the following addresses.\n\n"
      "<kim>:\n"
      "Sorry, no mailbox here by that name. (#5.1.1)\n");
  ASSERT_EQ(qmail.size(), 1u);
  EXPECT_EQ(qmail[0].recipient, "kim@mail.example.org");
  EXPECT_EQ(qmail[0].status.ToString(), "5.1.1");
  auto local = Findings(
      "From: Mail Delivery Subsystem <MAILER-DAEMON@host.example.org>\n"
      "Subject: Returned mail: User unknown\n\n"
      "   ----- Transcript of session follows -----\n"
      "kim... User unknown\n"
      "554 5.0.0 jo... 550 Host unknown\n");
  ASSERT_EQ(local.size(), 2u);
  EXPECT_EQ(local[0].recipient, "kim@host.example.org");
  EXPECT_EQ(local[1].recipient, "jo@host.example.org");
}

TEST(BareRecipient, HostTheReportsOpeningNames) {
  // No mail system's address in the From, no Reporting-MTA: the host the
  // report's own opening names. Pasted text has nothing else.
  const std::string text =
      "Hi. This is the qmail-send program at mail.example.org.\n"
      "I'm afraid I wasn't able to deliver your message to the following addresses.\n\n"
      "<kim>:\n"
      "Sorry, no mailbox here by that name. (#5.1.1)\n";
  auto f = Findings("From: MAILER-DAEMON\nSubject: failure notice\n\n" + text);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].recipient, "kim@mail.example.org");
  Analysis pasted = ndr_test::TheAnalyzer().AnalyzeText(text, "-");
  ASSERT_EQ(pasted.records.size(), 1u);
  EXPECT_EQ(pasted.records[0].recipient, "kim@mail.example.org");
  EXPECT_EQ(pasted.records[0].original_recipient, "kim");
  EXPECT_EQ(pasted.records[0].status, "5.1.1");
}

TEST(BareRecipient, NoDomainImpliedNoRecipient) {
  // A From that is no mail system's (a person's, a relay's own name) lends
  // no domain, and nothing else gives one: ndr names no recipient.
  auto f = Findings(
      "From: Jane Admin <jane@example.org>\n"
      "Subject: Returned mail: User unknown\n\n"
      "   ----- The following addresses had permanent fatal errors -----\n"
      "kim\n");
  EXPECT_TRUE(f.empty());
}

TEST(BareRecipient, StrayWordsAreNoRecipients) {
  // Words in a recipient slot that are labels, not names, and words outside
  // every slot.
  auto f = Findings(kSendmailHeading +
      "error\n"
      "    (reason: unknown)\n\n"
      "Receiver not found: recipient\n"
      "Recipient: Kim Lee\n"
      "Recipient: undisclosed-recipients\n"
      "Unknown user: unknown\n"
      "Receiver not found: please check the address.\n"
      "Please ask kim... she knows.\n"
      "550 Rejected... see the sender's policy page\n"
      "554 5.7.1 Blocked... listed as spam\n"
      "Deliver to |/usr/bin/procmail failed.\n");
  EXPECT_TRUE(f.empty());
}

TEST(BareRecipient, AnAddressNamedWinsAndBareNamesAreNotRead) {
  // A report that names a failed address: its bare names are not read (the
  // step runs only when no address is named).
  auto f = Findings(kSendmailHeading +
      "<jo@example.net>\n"
      "kim\n\n"
      "   ----- Transcript of session follows -----\n"
      "550 5.1.1 <jo@example.net>... User unknown\n");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].recipient, "jo@example.net");
  EXPECT_EQ(f[0].original_recipient, "");
}

TEST(BareRecipient, LocalPartOfAWholeAddressIsNotBare) {
  const internal::BounceMarkers& markers = ndr_test::Markers();
  EXPECT_TRUE(internal::FindBareRecipients(markers, "Receiver not found: jodoe@example.net\n").empty());
  EXPECT_TRUE(internal::FindBareRecipients(markers, ">>> RCPT To:<kim@example.net>\n").empty());
  auto found = internal::FindBareRecipients(markers, "x\nReceiver not found: jodoe\n");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].local_part, "jodoe");
  EXPECT_EQ(found[0].begin, std::string("x\nReceiver not found: ").size());
}

TEST(BareRecipient, ValidLocalParts) {
  for (const char* ok : {"kim", "jo.doe", "o'brien", "a+tag", "j_2", "müller"}) {
    EXPECT_TRUE(internal::IsBareLocalPart(ok)) << ok;
  }
  for (const char* bad : {"", "550", "4.2.2", ".kim", "kim.", "jo..doe", "|/usr/bin/procmail", "/var/mail/kim",
                          "kim,jo", "(kim)", "k\"m", "[kim]"}) {
    EXPECT_FALSE(internal::IsBareLocalPart(bad)) << bad;
  }
  EXPECT_FALSE(internal::IsBareLocalPart(std::string(65, 'a')));
}

TEST(BareRecipient, GroupWiseListWithTheReasonBesideEachName) {
  // GroupWise lists local users by name, each with its reason in
  // parentheses; the returned copy's To gives the domain.
  auto f = Findings(
      "From: postmaster@example.net\n"
      "Subject: Message status - undeliverable\n"
      "X-Mailer: Novell GroupWise Internet Agent 18.4.1\n\n"
      "The message that you sent was undeliverable to the following:\n"
      "\tkim (user not found)\n"
      "\tjo (mailbox full)\n\n"
      "Possible causes of the undeliverable message:\n"
      "\tThe user is not a valid user on this system.\n\n"
      "From: ann@example.com\nTo: kim@example.net, jo@example.net\nSubject: plan\n");
  std::vector<std::string> got;
  for (const Finding& one : f) got.push_back(one.original_recipient + " -> " + one.recipient + " " + one.diagnostic);
  EXPECT_EQ(got, (std::vector<std::string>{"kim -> kim@example.net (user not found)",
                                           "jo -> jo@example.net (mailbox full)"}));
}

}  // namespace
}  // namespace ndr

namespace ndr {
namespace {

// A delivery report whose Final-Recipient is a local part alone.
std::string DsnFor(const std::string& from, const std::string& reporting_mta, const std::string& returned_to) {
  return from + "Subject: Delivery Status Notification (Failure)\n"
         "MIME-Version: 1.0\n"
         "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
         "--B\nContent-Type: text/plain\n\nYour message could not be delivered.\n\n"
         "--B\nContent-Type: message/delivery-status\n\n"
         "Reporting-MTA: dns; " + reporting_mta + "\n\n"
         "Final-Recipient: rfc822; kim\nAction: failed\nStatus: 5.1.1\n"
         "Diagnostic-Code: smtp; 550 5.1.1 User unknown\n\n"
         "--B\nContent-Type: text/rfc822-headers\n\nFrom: ann@example.com\n" + returned_to + "Subject: Hi\n\n"
         "--B--\n";
}

TEST(BareRecipient, FinalRecipientOfALocalPartAlone) {
  // From a mail system: its domain.
  auto f = Findings(DsnFor("From: MAILER-DAEMON@mx.example.org\n", "mta1.example.net", ""));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].recipient, "kim@mx.example.org");
  EXPECT_EQ(f[0].original_recipient, "kim");
  EXPECT_EQ(f[0].reply_code, 550);
  // No mail system's From: the Reporting-MTA host.
  f = Findings(DsnFor("", "mta1.example.net", ""));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].recipient, "kim@mta1.example.net");
  // The returned copy's To first.
  f = Findings(DsnFor("From: MAILER-DAEMON@mx.example.org\n", "mta1.example.net", "To: Kim <kim@example.com>\n"));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].recipient, "kim@example.com");
  // An IP literal lends no domain: the field's own words stay.
  f = Findings(DsnFor("", "[192.0.2.7]", ""));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].recipient, "kim");
  EXPECT_EQ(f[0].original_recipient, "");
}

}  // namespace
}  // namespace ndr
