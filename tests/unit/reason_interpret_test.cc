// Interpreter and Explain on hand-made Findings.
#include <gtest/gtest.h>

#include <tuple>

#include <string>

#include "ndr/codebook.h"
#include "ndr/explanation.h"
#include "ndr/reasons.h"
#include "ndr/verdict.h"

namespace ndr {
namespace {

struct Books {
  std::shared_ptr<const CodeBook> codes;
  std::shared_ptr<const ReasonBook> reasons;
};

const Books& Get() {
  static Books books = [] {
    Books b;
    std::string error;
    b.codes = CodeBook::Load(&error);
    EXPECT_NE(b.codes, nullptr) << error;
    b.reasons = ReasonBook::Load(&error);
    EXPECT_NE(b.reasons, nullptr) << error;
    return b;
  }();
  return books;
}

Finding Make(const std::string& recipient, int reply, const char* status, const std::string& diagnostic,
             const std::string& remote = "", SmtpCommand command = SmtpCommand::kUnknown,
             const std::string& action = "failed") {
  Finding f;
  f.recipient = recipient;
  f.reply_code = reply;
  if (status != nullptr && *status != '\0') EXPECT_TRUE(EnhancedStatus::Parse(status, &f.status));
  f.diagnostic = diagnostic;
  f.remote_mta = remote;
  f.command = command;
  f.action = action;
  f.report_kind = BounceKind::kDeliveryReport;
  return f;
}

TEST(Interpret, UnknownUserIsHard) {
  const Books& b = Get();
  Interpreter interpreter(b.codes, b.reasons);
  Finding f = Make("jo@example.org", 550, "5.1.1", "550 5.1.1 <jo@example.org>: Recipient address rejected: "
                   "User unknown in local recipient table", "mx.example.org", SmtpCommand::kRcpt);
  Verdict v = interpreter.Interpret(f);
  EXPECT_EQ(v.reason, Reason::kUserUnknown);
  EXPECT_TRUE(v.hard_bounce);
  EXPECT_TRUE(v.reply_fits_command);
  EXPECT_EQ(v.receiving_vendor, "");
  EXPECT_FALSE(v.decided_by.empty());
  EXPECT_FALSE(v.evidence.empty());
}

TEST(Interpret, FullMailboxWith552IsSoft) {
  const Books& b = Get();
  Interpreter interpreter(b.codes, b.reasons);
  Verdict v = interpreter.Interpret(Make("jo@example.org", 552, "5.2.2", "552 5.2.2 Mailbox full"));
  EXPECT_EQ(v.reason, Reason::kMailboxFull);
  EXPECT_FALSE(v.hard_bounce);
}

// notaccept is hard when the failure is permanent, or when the words say the
// domain never takes mail (a null MX, whatever the class of the status a
// report gives it: Gmail writes 4.0.0).
TEST(Interpret, NotAcceptIsHardWhenPermanentOrANullMx) {
  const Books& b = Get();
  Interpreter interpreter(b.codes, b.reasons);
  Verdict v = interpreter.Interpret(Make("jo@example.org", 556, "5.1.10", "556 5.1.10 null MX"));
  EXPECT_EQ(v.reason, Reason::kNotAccept);
  EXPECT_TRUE(v.hard_bounce);
  v = interpreter.Interpret(Make("jo@example.org", 0, "4.0.0",
                                 "The domain example.org doesn't receive email according to the administrator: "
                                 "returned Null MX"));
  EXPECT_EQ(v.reason, Reason::kNotAccept);
  EXPECT_TRUE(v.hard_bounce) << v.decided_by.ToString();
  v = interpreter.Interpret(Make("jo@example.org", 0, "4.0.0", "this domain does not accept mail"));
  EXPECT_EQ(v.reason, Reason::kNotAccept);
  EXPECT_FALSE(v.hard_bounce) << v.decided_by.ToString();
}

TEST(Interpret, LocalProgramWordsWithoutAClearerReasonAreAMailerError) {
  const Books& b = Get();
  Interpreter interpreter(b.codes, b.reasons);
  Finding f = Make("jo@example.org", 0, "4.3.0", "temporary failure");
  f.diagnostic_type = "x-unix";
  Verdict v = interpreter.Interpret(f);
  EXPECT_EQ(v.reason, Reason::kMailerError) << v.decided_by.ToString();
  EXPECT_FALSE(v.hard_bounce);
  // Clear words still decide.
  f.diagnostic = "quota exceeded";
  v = interpreter.Interpret(f);
  EXPECT_EQ(v.reason, Reason::kMailboxFull);
  // The same words from an SMTP server are not a local program's.
  f = Make("jo@example.org", 451, "4.3.0", "451 4.3.0 temporary failure");
  f.diagnostic_type = "smtp";
  v = interpreter.Interpret(f);
  EXPECT_NE(v.reason, Reason::kMailerError);
  // ... and a vague "other or undefined" status (X.3.0) does not guess over
  // words that name nothing: they are to be read (precedence.tsv, status-code).
  EXPECT_EQ(v.reason, Reason::kOnHold) << v.decided_by.ToString();
}

// The reason `f` gets, and what its explanation tells the reader to do:
// whether to send again, who acts, whether to take the address off lists.
Verdict ExpectAnswer(const Finding& f, Reason reason, Retry retry, Actor actor, bool suppress) {
  const Books& b = Get();
  Interpreter interpreter(b.codes, b.reasons);
  Verdict v = interpreter.Interpret(f);
  EXPECT_EQ(v.reason, reason) << f.diagnostic << ": " << v.decided_by.ToString();
  Explanation e = Explain(f, v, *b.codes, *b.reasons);
  EXPECT_EQ(e.retry, retry) << f.diagnostic;
  EXPECT_EQ(e.actor, actor) << f.diagnostic;
  EXPECT_EQ(e.suppress, suppress) << f.diagnostic;
  return v;
}

// A server still verifying the address (Postfix's "Address verification in
// progress", 450 4.1.1) has not said the mailbox is unknown: the 4.1.1
// default does not decide, and the address stays on the lists.
TEST(Interpret, AddressVerificationInProgressIsNoUnknownMailbox) {
  const Books& b = Get();
  Interpreter interpreter(b.codes, b.reasons);
  Finding f = Make("jo@example.net", 450, "4.1.1",
                   "450 4.1.1 <jo@example.net>: Recipient address rejected: unverified address: Address "
                   "verification in progress",
                   "", SmtpCommand::kRcpt);
  EXPECT_FALSE(ExpectAnswer(f, Reason::kOnHold, Retry::kLater, Actor::kNobody, false).hard_bounce);
  // Once verified as unknown, it is one.
  f = Make("jo@example.net", 550, "5.1.1",
           "550 5.1.1 <jo@example.net>: Recipient address rejected: unverified address: host mx.example.net "
           "said: 550 5.1.1 No such user",
           "", SmtpCommand::kRcpt);
  EXPECT_EQ(interpreter.Interpret(f).reason, Reason::kUserUnknown);
}

// A mailbox held by another program (a POP3 or IMAP server's lock while a
// client reads it) is busy for a moment, not disabled: nothing to do, keep
// the address. An account that is locked stays a suspended one.
TEST(Interpret, MailboxLockedByAReaderIsBusyNotDisabled) {
  const Books& b = Get();
  Interpreter interpreter(b.codes, b.reasons);
  Finding f = Make("jo@example.net", 450, "4.2.0", "450 4.2.0 Mailbox is locked by POP server", "",
                   SmtpCommand::kData);
  ExpectAnswer(f, Reason::kSystemError, Retry::kLater, Actor::kNobody, false);
  f = Make("jo@example.net", 550, "5.2.1", "550 5.2.1 Mailbox is locked: account suspended", "", SmtpCommand::kRcpt);
  EXPECT_EQ(interpreter.Interpret(f).reason, Reason::kSuspend);
}

// A server that refuses after too many unknown recipients (directory
// harvest protection) names the sender's list, not this address: blocked,
// for you the sender to clean the list, the address kept.
TEST(Interpret, TooManyInvalidRecipientsIsTheSendersListToClean) {
  const Books& b = Get();
  Interpreter interpreter(b.codes, b.reasons);
  Finding f = Make("jo@example.net", 550, "5.7.1", "550 5.7.1 Too many invalid recipients", "", SmtpCommand::kRcpt);
  ExpectAnswer(f, Reason::kBlocked, Retry::kLater, Actor::kSender, false);
  f = Make("jo@example.net", 421, "4.7.0", "421 4.7.0 Too many bad recipients, closing connection", "",
           SmtpCommand::kRcpt);
  EXPECT_EQ(interpreter.Interpret(f).reason, Reason::kBlocked);
}

// Amazon SES refusing an unverified sender identity: the sending side's
// own service refused, so its administrator acts, not the recipient's.
TEST(Interpret, UnverifiedSenderIdentityIsTheSendersToFix) {
  const Books& b = Get();
  Interpreter interpreter(b.codes, b.reasons);
  Finding f = Make("jo@example.net", 554, "",
                   "554 Message rejected: Email address is not verified. The following identities failed the check "
                   "in region US-EAST-1: ann@example.org");
  Verdict v = interpreter.Interpret(f);
  EXPECT_EQ(Explain(f, v, *b.codes, *b.reasons).actor, Actor::kSenderAdmin) << v.decided_by.ToString();
}

TEST(Interpret, StatusCommentSpeaksForARecipientWithoutWords) {
  const Books& b = Get();
  Interpreter interpreter(b.codes, b.reasons);
  Finding f = Make("jo@example.net", 0, "4.0.0", "", "", SmtpCommand::kUnknown, "delayed");
  f.status_comment = "example.net: host name lookup failure";
  Verdict v = interpreter.Interpret(f);
  EXPECT_EQ(v.reason, Reason::kNetworkError) << v.decided_by.ToString() << " (" << v.evidence << ")";
  Explanation e = Explain(f, v, *b.codes, *b.reasons);
  EXPECT_FALSE(e.suppress);
  EXPECT_EQ(e.retry, Retry::kLater);
  // Without a comment or words of its own, and no context (the extractor
  // gives none when the report names several recipients), only the delay.
  f = Make("ann@example.org", 0, "4.0.0", "", "", SmtpCommand::kUnknown, "delayed");
  v = interpreter.Interpret(f);
  EXPECT_EQ(v.reason, Reason::kExpired) << v.decided_by.ToString() << " (" << v.evidence << ")";
  // The report's text, when it is this recipient's alone, is read.
  f.context = "ann@example.org: mailbox is full";
  v = interpreter.Interpret(f);
  EXPECT_EQ(v.reason, Reason::kMailboxFull) << v.decided_by.ToString() << " (" << v.evidence << ")";
}

TEST(Interpret, ReceivingVendorFromRemoteMtaReplyOrRecipient) {
  const Books& b = Get();
  Interpreter interpreter(b.codes, b.reasons);
  // Gmail's 5.7.27 is SPF, not the registry's null MX.
  Verdict v = interpreter.Interpret(
      Make("jo@example.org", 550, "5.7.27", "550 5.7.27 message rejected", "aspmx.l.google.com"));
  EXPECT_EQ(v.receiving_vendor, "google");
  EXPECT_EQ(v.reason, Reason::kAuthFailure);
  EXPECT_FALSE(v.hard_bounce);
  // The marks of the reply itself, when the server is not named.
  v = interpreter.Interpret(Make("jo@example.org", 550, "5.1.1", "550 5.1.1 no such user a1si.2 - gsmtp"));
  EXPECT_EQ(v.receiving_vendor, "google");
  // Orange's numbered codes (OFR006_102, LPN007_426) mark its replies as
  // OFR_416 does, and decide by their last three digits.
  v = interpreter.Interpret(Make("jo@example.org", 550, "5.7.1",
                                 "550 5.7.1 Service refuse. Veuillez essayer plus tard. OFR006_102 Ref"));
  EXPECT_EQ(v.receiving_vendor, "orange");
  EXPECT_EQ(v.reason, Reason::kBlocked);
  v = interpreter.Interpret(Make("jo@example.org", 550, "", "550 5.5.0 Le compte du destinataire est bloque. LPN007_426"));
  EXPECT_EQ(v.receiving_vendor, "orange");
  EXPECT_EQ(v.reason, Reason::kSuspend);
  // Recipient's domain.
  v = interpreter.Interpret(Make("jo@hotmail.com", 550, "5.1.10", ""));
  EXPECT_EQ(v.receiving_vendor, "microsoft");
  EXPECT_EQ(v.reason, Reason::kUserUnknown);
  EXPECT_TRUE(v.hard_bounce);
  // An empty recipient and empty hosts give no vendor.
  v = interpreter.Interpret(Make("", 550, "5.1.1", ""));
  EXPECT_EQ(v.receiving_vendor, "");
}

TEST(Interpret, DelayIsNeverAHardBounce) {
  // A delay notice that quotes an attempt's permanent code: the reason stays,
  // but nothing has bounced yet.
  const Books& b = Get();
  Interpreter interpreter(b.codes, b.reasons);
  Verdict v = interpreter.Interpret(Make("jo@example.org", 550, "5.1.1", "550 5.1.1 User unknown; rejecting",
                                         "mx.example.org", SmtpCommand::kRcpt, "delayed"));
  EXPECT_EQ(v.reason, Reason::kUserUnknown);
  EXPECT_FALSE(v.hard_bounce);
  v = interpreter.Interpret(Make("jo@example.org", 550, "5.1.1", "550 5.1.1 User unknown; rejecting",
                                 "mx.example.org", SmtpCommand::kRcpt, "failed"));
  EXPECT_TRUE(v.hard_bounce);
}

TEST(Interpret, NetEaseCodesNameTheSendersSide) {
  // NetEase (163.com, 126.com) writes a code of two letters, a colon and three letters and no
  // enhanced status: "HL:REP" is the sending IP's behaviour, not the recipient's address.
  const Books& b = Get();
  Interpreter interpreter(b.codes, b.reasons);
  Verdict v = interpreter.Interpret(Make("jo@163.com", 421, "",
                                         "421 HL:REP 163 mx14,QMCowAD3_1.1 1733040000 "
                                         "http://mail.163.com/help/help_spam_16.htm?ip=192.0.2.1",
                                         "163mx01.mxmail.netease.com", SmtpCommand::kRcpt));
  EXPECT_EQ(v.receiving_vendor, "netease");
  EXPECT_EQ(v.reason, Reason::kBlocked);
  EXPECT_FALSE(v.hard_bounce);
  v = interpreter.Interpret(Make("jo@163.com", 554, "", "554 DT:SPM 163 mx14,QMCowAD3_1.1 1733040000",
                                 "163mx02.mxmail.netease.com", SmtpCommand::kDataEnd));
  EXPECT_EQ(v.reason, Reason::kSpamDetected);
  // The recipient's domain names the vendor when no server is named.
  v = interpreter.Interpret(Make("jo@126.com", 550, "", "550 MI:SPF 126 mx3,QMCowAD3_1.1 1733040000"));
  EXPECT_EQ(v.receiving_vendor, "netease");
  EXPECT_EQ(v.reason, Reason::kAuthFailure);
}

TEST(Interpret, TheReportsWriterIsNotTheRefusingSide) {
  const Books& b = Get();
  Interpreter interpreter(b.codes, b.reasons);
  // Microsoft 365 reports for its sender that a Postfix at the recipient's domain refused.
  Finding f = Make("jo@example.org", 550, "5.7.1", "550 5.7.1 <jo@example.org>: Recipient address rejected: "
                   "Access denied", "mx.example.org", SmtpCommand::kRcpt);
  f.reporting_mta = "AM0PR01MB1234.eurprd01.prod.outlook.com";
  Verdict v = interpreter.Interpret(f);
  EXPECT_EQ(v.receiving_vendor, "");
  EXPECT_EQ(v.reporting_vendor, "microsoft");
  Explanation e = Explain(f, v, *b.codes, *b.reasons);
  EXPECT_EQ(e.advice.find("learn.microsoft.com"), std::string::npos) << e.advice;
  EXPECT_EQ(e.status_meaning.find("Microsoft"), std::string::npos) << e.status_meaning;
  // The reporting side from the report's From when there is no Reporting-MTA.
  f.reporting_mta.clear();
  f.report_from = "MAILER-DAEMON@amazonses.com";
  EXPECT_EQ(interpreter.Interpret(f).reporting_vendor, "amazonses");
  // Its own words, with no server beyond it named: its wording rules speak.
  f = Make("jo@gmail.com", 0, "5.1.1", "Amazon SES has suppressed sending to this address because it has a "
           "recent history of bouncing as an invalid address.");
  f.report_from = "MAILER-DAEMON@amazonses.com";
  v = interpreter.Interpret(f);
  EXPECT_EQ(v.reason, Reason::kSuppressed) << v.decided_by.ToString();
  EXPECT_EQ(v.decided_by.scope, "amazonses") << v.decided_by.ToString();
  EXPECT_EQ(v.receiving_vendor, "");  // no receiving server was reached
  EXPECT_EQ(v.reporting_vendor, "amazonses");
}

TEST(Interpret, RecipientDomainsOwnServerRefusingToRelayIsTheRecipientSide) {
  const Books& b = Get();
  Interpreter interpreter(b.codes, b.reasons);
  Finding f = Make("jo@example.net", 554, "5.7.1", "554 5.7.1 <jo@example.net>: Relay access denied",
                   "mx2.example.net", SmtpCommand::kRcpt);
  Verdict v = interpreter.Interpret(f);
  ASSERT_EQ(v.reason, Reason::kNoRelaying);
  ASSERT_TRUE(v.actor.has_value());
  EXPECT_EQ(*v.actor, Actor::kRecipientAdmin);
  EXPECT_EQ(Explain(f, v, *b.codes, *b.reasons).actor, Actor::kRecipientAdmin);
  // The sender's smarthost refusing to relay is the sender side's.
  f.remote_mta = "smtp.example-isp.com";
  v = interpreter.Interpret(f);
  EXPECT_FALSE(v.actor.has_value());
  EXPECT_EQ(Explain(f, v, *b.codes, *b.reasons).actor, Actor::kSenderAdmin);
}

TEST(Interpret, FeedbackAutoReplyAndDelivered) {
  const Books& b = Get();
  Interpreter interpreter(b.codes, b.reasons);
  Finding f = Make("jo@example.org", 0, "", "");
  f.report_kind = BounceKind::kFeedbackReport;
  f.feedback_type = "abuse";
  Verdict v = interpreter.Interpret(f);
  EXPECT_EQ(v.reason, Reason::kFeedback);
  EXPECT_FALSE(v.hard_bounce);
  EXPECT_NE(v.evidence.find("abuse"), std::string::npos);

  f = Make("jo@example.org", 0, "", "I am out of the office");
  f.report_kind = BounceKind::kAutoReply;
  v = interpreter.Interpret(f);
  EXPECT_EQ(v.reason, Reason::kVacation);

  v = interpreter.Interpret(Make("jo@example.org", 250, "2.0.0", "250 OK", "", SmtpCommand::kUnknown, "delivered"));
  EXPECT_EQ(v.reason, Reason::kDelivered);
  EXPECT_FALSE(v.hard_bounce);
}

TEST(Interpret, ReplyThatTheCommandMayNotReturn) {
  const Books& b = Get();
  Interpreter interpreter(b.codes, b.reasons);
  // DATA itself may answer 554 or 451, not 550 (550 belongs after the final dot).
  Verdict v = interpreter.Interpret(
      Make("jo@example.org", 550, "5.7.1", "550 5.7.1 message content rejected, UBE", "", SmtpCommand::kData));
  EXPECT_FALSE(v.reply_fits_command);
  EXPECT_EQ(v.reason, Reason::kSpamDetected);
  v = interpreter.Interpret(
      Make("jo@example.org", 554, "5.7.1", "554 5.7.1 message content rejected, UBE", "", SmtpCommand::kData));
  EXPECT_TRUE(v.reply_fits_command);
  v = interpreter.Interpret(Make("jo@example.org", 550, "5.7.1", "550 5.7.1 message content rejected, UBE", "",
                                 SmtpCommand::kDataEnd));
  EXPECT_TRUE(v.reply_fits_command);
  // Unknown command: nothing to contradict.
  v = interpreter.Interpret(Make("jo@example.org", 550, "5.1.1", "user unknown"));
  EXPECT_TRUE(v.reply_fits_command);
}

TEST(Explain, ReplyClassNeverClaimsTheWordsGiveACause) {
  // RFC 5321's stock 421 text names no cause: the reply line must not say
  // that the server's words say why (the summary says they do not).
  const Books& b = Get();
  Interpreter interpreter(b.codes, b.reasons);
  Finding f = Make("jo@example.org", 421, "", "421 Service not available, closing transmission channel",
                   "mx.example.org", SmtpCommand::kConnect);
  Verdict v = interpreter.Interpret(f);
  Explanation e = Explain(f, v, *b.codes, *b.reasons);
  EXPECT_EQ(e.reply_meaning.rfind("421: ", 0), 0u) << e.reply_meaning;
  EXPECT_EQ(e.reply_meaning.find("words say why"), std::string::npos) << e.reply_meaning;
  EXPECT_NE(e.reply_meaning.find("names no cause"), std::string::npos) << e.reply_meaning;
}

// A reply code's registered words stand beside a status of the subjects they
// describe; a server that sends 550 or 551 with 5.7.1 uses the code for its
// class alone, and "mailbox unavailable" or "user not local" would mislead.
TEST(Explain, ReplyWordsOnlyBesideAStatusTheyFit) {
  const Books& b = Get();
  Interpreter interpreter(b.codes, b.reasons);
  auto reply_line = [&](int code, const char* status, const char* text) {
    Finding f = Make("jo@example.org", code, status, text, "mx.example.org", SmtpCommand::kRcpt);
    return Explain(f, interpreter.Interpret(f), *b.codes, *b.reasons).reply_meaning;
  };
  std::string line = reply_line(550, "5.7.1", "550 5.7.1 Message refused");
  EXPECT_EQ(line.find("mailbox unavailable"), std::string::npos) << line;
  EXPECT_NE(line.find("names no cause"), std::string::npos) << line;
  line = reply_line(551, "5.7.1", "551 5.7.1 Message refused");
  EXPECT_EQ(line.find("not local"), std::string::npos) << line;
  // The subjects they fit, and X.0.x, which says nothing against them.
  line = reply_line(550, "5.1.1", "550 5.1.1 <jo@example.org>");
  EXPECT_NE(line.find("mailbox unavailable"), std::string::npos) << line;
  line = reply_line(504, "5.0.0", "504 5.0.0 Command parameter not implemented");
  EXPECT_NE(line.find("parameter not implemented"), std::string::npos) << line;
  // The code's own reading is the verdict: its words stay, whatever the status.
  line = reply_line(552, "5.1.1", "552 sorry, mailbox jo@example.org is over quota");
  EXPECT_NE(line.find("storage allocation"), std::string::npos) << line;
}

TEST(Explain, UnknownUser) {
  const Books& b = Get();
  Interpreter interpreter(b.codes, b.reasons);
  Finding f = Make("jo@example.org", 550, "5.1.1", "550 5.1.1 user unknown", "mx.example.org", SmtpCommand::kRcpt);
  Verdict v = interpreter.Interpret(f);
  Explanation e = Explain(f, v, *b.codes, *b.reasons);
  EXPECT_EQ(e.summary, "The receiving server says this mailbox does not exist.");
  EXPECT_EQ(e.reply_meaning.rfind("550: ", 0), 0u) << e.reply_meaning;
  EXPECT_EQ(e.status_meaning.rfind("5.1.1: ", 0), 0u) << e.status_meaning;
  EXPECT_TRUE(e.command_note.empty());
  EXPECT_EQ(e.actor, Actor::kSender);
  EXPECT_EQ(e.retry, Retry::kNever);
  EXPECT_TRUE(e.suppress);
  EXPECT_FALSE(e.advice.empty());
  EXPECT_EQ(e.evidence, v.evidence);
}

// A 2.x.x status is a success whatever its detail: the registry's detail texts
// ("X.6.0: other or undefined media error") describe failures.
TEST(Explain, SuccessStatusNamesNoProblem) {
  const Books& b = Get();
  Interpreter interpreter(b.codes, b.reasons);
  Finding f = Make("jo@example.org", 250, "2.6.0", "250 2.6.0 Message received", "mx.example.org",
                   SmtpCommand::kUnknown, "delivered");
  Verdict v = interpreter.Interpret(f);
  Explanation e = Explain(f, v, *b.codes, *b.reasons);
  EXPECT_EQ(e.status_meaning.rfind("2.6.0: success", 0), 0u) << e.status_meaning;
  EXPECT_EQ(e.status_meaning.find("media"), std::string::npos) << e.status_meaning;
}

TEST(Explain, VendorMeaningOfTheStatus) {
  const Books& b = Get();
  Interpreter interpreter(b.codes, b.reasons);
  Finding f = Make("jo@gmail.com", 550, "5.7.27", "550 5.7.27 The sender does not meet SPF requirements - gsmtp",
                   "gmail-smtp-in.l.google.com", SmtpCommand::kDataEnd);
  Verdict v = interpreter.Interpret(f);
  ASSERT_EQ(v.reason, Reason::kAuthFailure);
  Explanation e = Explain(f, v, *b.codes, *b.reasons);
  EXPECT_NE(e.status_meaning.find("SPF"), std::string::npos) << e.status_meaning;
  EXPECT_NE(e.status_meaning.find("Gmail"), std::string::npos) << e.status_meaning;
  EXPECT_NE(e.advice.find("SPF"), std::string::npos) << e.advice;
  EXPECT_NE(e.advice.find("https://support.google.com"), std::string::npos) << e.advice;
  EXPECT_FALSE(e.suppress);
  EXPECT_EQ(e.actor, Actor::kSenderAdmin);
}

TEST(Explain, CommandNoteWhenTheReplyDoesNotFit) {
  const Books& b = Get();
  Interpreter interpreter(b.codes, b.reasons);
  Finding f = Make("jo@example.org", 550, "5.7.1", "550 5.7.1 spam message rejected", "", SmtpCommand::kData);
  Verdict v = interpreter.Interpret(f);
  Explanation e = Explain(f, v, *b.codes, *b.reasons);
  EXPECT_EQ(e.command_note,
            "550 is not a reply the RFCs allow for DATA; many servers use codes for other meanings, e.g. to "
            "reject spam — the words matter more than the number.");
  // Without code meanings (a scan whose output has no field for them) the
  // note, the stage and the codes' words stay empty; the rest is the same.
  Explanation lean = Explain(f, v, *b.codes, *b.reasons, /*code_meanings=*/false);
  ASSERT_FALSE(e.stage.empty() || e.reply_meaning.empty() || e.status_meaning.empty());
  EXPECT_EQ(lean.stage + lean.reply_meaning + lean.status_meaning + lean.command_note, "");
  auto rest = [](const Explanation& x) {
    return std::tie(x.summary, x.advice, x.evidence, x.blocklist, x.actor, x.retry, x.suppress);
  };
  EXPECT_EQ(rest(lean), rest(e));
}

TEST(Explain, DelayIsNotAFailure) {
  const Books& b = Get();
  Interpreter interpreter(b.codes, b.reasons);
  Finding f = Make("jo@example.org", 452, "4.2.2", "452 4.2.2 mailbox is full", "", SmtpCommand::kRcpt, "delayed");
  Verdict v = interpreter.Interpret(f);
  EXPECT_EQ(v.reason, Reason::kMailboxFull);
  Explanation e = Explain(f, v, *b.codes, *b.reasons);
  EXPECT_NE(e.advice.find("still being retried"), std::string::npos) << e.advice;
  EXPECT_NE(e.summary.find("delayed"), std::string::npos) << e.summary;
  EXPECT_FALSE(e.suppress);
  EXPECT_EQ(e.retry, Retry::kLater);

  // Even a reason that would suppress is not suppressed while retrying.
  f = Make("jo@example.org", 450, "4.1.1", "450 4.1.1 user unknown", "", SmtpCommand::kRcpt, "delayed");
  v = interpreter.Interpret(f);
  e = Explain(f, v, *b.codes, *b.reasons);
  EXPECT_FALSE(e.suppress);
  EXPECT_EQ(e.advice.find("remove it"), std::string::npos) << e.advice;

  // Nor is the address's removal advised, nor a retry period said to be over.
  f = Make("jo@example.org", 0, "4.0.0", "No MX found for domain", "", SmtpCommand::kUnknown, "delayed");
  v = interpreter.Interpret(f);
  EXPECT_EQ(v.reason, Reason::kNotAccept);
  e = Explain(f, v, *b.codes, *b.reasons);
  EXPECT_EQ(e.advice.find("Remove"), std::string::npos) << e.advice;
  f = Make("jo@example.org", 0, "4.4.7", "", "", SmtpCommand::kUnknown, "delayed");
  v = interpreter.Interpret(f);
  EXPECT_EQ(v.reason, Reason::kExpired);
  e = Explain(f, v, *b.codes, *b.reasons);
  EXPECT_EQ(e.advice.find("whole retry period"), std::string::npos) << e.advice;
}

TEST(Explain, BlocklistIsNamedWithItsLookupPage) {
  const Books& b = Get();
  Interpreter interpreter(b.codes, b.reasons);
  Finding f = Make("jo@example.org", 554, "5.7.1",
                   "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org",
                   "mx.example.org", SmtpCommand::kRcpt);
  Verdict v = interpreter.Interpret(f);
  ASSERT_EQ(v.reason, Reason::kBlocked);
  Explanation e = Explain(f, v, *b.codes, *b.reasons);
  EXPECT_NE(e.advice.find("Spamhaus ZEN"), std::string::npos) << e.advice;
  EXPECT_NE(e.advice.find("https://check.spamhaus.org/"), std::string::npos) << e.advice;
  EXPECT_FALSE(e.suppress);

  f.diagnostic = "521 5.7.1 client blocked using dnsbl.sorbs.net";
  v = interpreter.Interpret(f);
  e = Explain(f, v, *b.codes, *b.reasons);
  EXPECT_NE(e.advice.find("recipient's administrator"), std::string::npos) << e.advice;
}

TEST(Explain, RuleAdviceIsAdded) {
  const Books& b = Get();
  Interpreter interpreter(b.codes, b.reasons);
  Finding f = Make("jo@example.org", 550, "5.1.8", "501 5.1.8 Sender address rejected: Domain not found", "",
                   SmtpCommand::kMail);
  Verdict v = interpreter.Interpret(f);
  ASSERT_EQ(v.reason, Reason::kRejected);
  Explanation e = Explain(f, v, *b.codes, *b.reasons);
  EXPECT_NE(e.advice.find("do not remove the recipient"), std::string::npos) << e.advice;
  EXPECT_FALSE(e.suppress);
}

TEST(Explain, UnknownReplyCodeStillExplained) {
  const Books& b = Get();
  Interpreter interpreter(b.codes, b.reasons);
  Finding f = Make("jo@example.org", 599, "", "599 computer says no");
  Verdict v = interpreter.Interpret(f);
  EXPECT_EQ(v.reason, Reason::kOnHold);
  Explanation e = Explain(f, v, *b.codes, *b.reasons);
  EXPECT_EQ(e.reply_meaning.rfind("599: ", 0), 0u) << e.reply_meaning;
  EXPECT_TRUE(e.status_meaning.empty());
  EXPECT_FALSE(e.summary.empty());
}

// writer_vendor: the writer's classification stands only when a wording rule
// of its own decides and the receiving vendor's did not; it is then the one a
// classification with the writer as the vendor gives (the words are read once
// for both, and the writer's rows are run only when the receiving side's
// words did not decide).
TEST(Classify, WriterVendorWordsTakeOverOnlyWhenTheirOwnRuleDecides) {
  struct Case {
    const char* diagnostic;
    const char* context;
    const char* vendor;
    const char* writer;
    bool writer_decides;
  };
  const Case cases[] = {
      {"550 5.1.1 The email account that you tried to reach does not exist.", "", "", "google", true},
      {"452 4.2.2 The recipient's inbox is out of storage space.", "Delivery has failed.", "", "google", true},
      {"", "The email account that you tried to reach does not exist.", "", "google", true},
      {"550 5.2.2 mailbox is full", "The email account that you tried to reach does not exist.", "", "google", false},
      {"550 we do not like you", "The email account that you tried to reach is disabled.", "", "google", true},
      {"550 we do not like you", "The email account that you tried to reach is disabled.", "yahoo", "google", true},
      {"550 we do not like you", "nothing to see here", "", "google", false},
      {"550 5.1.1 The email account that you tried to reach does not exist.", "", "", "no-such-vendor", false},
      {"550 5.1.1 The email account that you tried to reach does not exist.", "", "google", "google", false},
      {"", "", "", "google", false},
  };
  int writer_decided = 0;
  for (const Case& c : cases) {
    ClassifyInput in;
    in.diagnostic = c.diagnostic;
    in.context = c.context;
    in.vendor = c.vendor;
    in.action = "failed";
    in.reply_code = 550;
    const Classification receiving = Get().reasons->Classify(in);
    ClassifyInput as_writer = in;
    as_writer.vendor = c.writer;
    const Classification writer = Get().reasons->Classify(as_writer);
    in.writer_vendor = c.writer;
    const Classification both = Get().reasons->Classify(in);
    const bool by_writer = both.decided_by.table == RuleTable::kReasonRules && both.decided_by.scope == c.writer &&
                           std::string_view(c.writer) != c.vendor;
    EXPECT_EQ(by_writer, c.writer_decides) << c.diagnostic << " | " << c.context;
    const Classification& expected = by_writer ? writer : receiving;
    writer_decided += by_writer;
    EXPECT_EQ(both.decided_by.ToString(), expected.decided_by.ToString()) << c.diagnostic << " | " << c.context;
    EXPECT_EQ(both.reason, expected.reason);
    EXPECT_EQ(both.evidence, expected.evidence);
    EXPECT_EQ(both.words, expected.words);
    EXPECT_EQ(both.status_reading.code, expected.status_reading.code);
    EXPECT_EQ(both.status_reading.meaning, expected.status_reading.meaning);
  }
  EXPECT_EQ(writer_decided, 5);
}

// The codes written in the words are read only when the report's own leave
// something open; what they decide is the same either way.
TEST(Classify, CodesInTheWordsCountOnlyWhereTheReportsOwnLeaveSomethingOpen) {
  struct Case {
    int reply;
    const char* status;
    const char* action;
    const char* words;
    const char* reply_read;
    const char* status_read;
  };
  const Case cases[] = {
      {0, "", "failed", "552 5.1.1 <a@example.org>: user unknown", "552", "5.1.1"},
      {552, "5.7.1", "failed", "452 4.2.2 mailbox full", "552", "5.7.1"},
      {0, "5.7.1", "failed", "452 4.2.2 mailbox full", "452", "5.7.1"},
      {552, "5.0.0", "failed", "552 5.1.1 <a@example.org>: user unknown", "552", "5.1.1"},
      {552, "2.0.0", "failed", "552 5.1.1 <a@example.org>: user unknown", "552", "5.1.1"},
      {552, "", "failed", "552 5.2.2 mailbox full", "552", "5.2.2"},
  };
  for (const Case& c : cases) {
    ClassifyInput in;
    in.reply_code = c.reply;
    if (*c.status != '\0') ASSERT_TRUE(EnhancedStatus::Parse(c.status, &in.status));
    in.action = c.action;
    in.diagnostic = c.words;
    Classification out = Get().reasons->Classify(in);
    EXPECT_EQ(out.reply_reading.code, c.reply_read) << c.words;
    EXPECT_EQ(out.status_reading.code, c.status_read) << c.words;
  }
}

}  // namespace
}  // namespace ndr
