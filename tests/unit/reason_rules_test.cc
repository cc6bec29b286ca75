// Every row of data/reason_rules.tsv is a test: its sample must match its
// pattern, and classifying the sample (with the row's own reply, status,
// command and scope) must give the row's reason — so a row shadowed by another
// row fails here. Plus the precedence cases of vendors.md section D.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <map>
#include <set>
#include <thread>
#include <string>
#include <vector>

#include "smtp/reply_text.h"
#include "knowledge/tsv.h"
#include "ndr/reasons.h"
#include "shared_analyzer.h"

namespace ndr {
namespace {

std::shared_ptr<const ReasonBook> Book() { return ndr_test::TheReasonBook(); }

internal::TsvTable Rules() {
  internal::TsvTable t;
  std::string error;
  EXPECT_TRUE(internal::LoadEmbeddedTsv("reason_rules.tsv",
                                        {"id", "scope", "reply", "status", "command", "pattern", "reason",
                                         "priority", "sample", "source"},
                                        &t, &error))
      << error;
  return t;
}

// The first positive alternative of a constraint cell ("" when none).
std::string FirstPositive(std::string_view cell) {
  size_t start = 0;
  while (start <= cell.size()) {
    size_t end = cell.find('|', start);
    if (end == std::string_view::npos) end = cell.size();
    std::string_view alt = cell.substr(start, end - start);
    if (!alt.empty() && alt[0] != '!') return std::string(alt);
    start = end + 1;
  }
  return {};
}

// A concrete code for a constraint: "5xx" -> 550, "4xx" -> 450, "5.7.*" -> 5.7.0,
// "X.7.26" -> 5.7.26, "5.7.606-649" -> 5.7.606, "4.*" -> 4.0.0.
int ReplyFor(std::string_view cell) {
  std::string p = FirstPositive(cell);
  if (p.empty()) return 0;
  for (char& c : p) {
    if (c == 'x' || c == 'X') c = (&c == &p[1]) ? '5' : '0';
  }
  return std::stoi(p);
}

EnhancedStatus StatusFor(std::string_view cell) {
  std::string p = FirstPositive(cell);
  EnhancedStatus s;
  if (p.empty()) return s;
  if (p[0] == 'X') p[0] = '5';
  std::string out;
  int parts = 0;
  for (size_t i = 0; i <= p.size(); ++i) {
    if (i == p.size() || p[i] == '.') {
      ++parts;
      if (i == p.size()) break;
      out += '.';
      continue;
    }
    if (p[i] == '*') {
      out += '0';
    } else if (p[i] == '-') {
      while (i + 1 < p.size() && p[i + 1] != '.') ++i;
    } else {
      out += p[i];
    }
  }
  for (; parts < 3; ++parts) out += ".0";
  EXPECT_TRUE(EnhancedStatus::Parse(out, &s)) << cell << " -> " << out;
  return s;
}

SmtpCommand CommandFor(std::string_view cell) {
  std::string p = FirstPositive(cell);
  SmtpCommand c = SmtpCommand::kUnknown;
  if (!p.empty()) EXPECT_TRUE(ParseSmtpCommand(p, &c)) << cell;
  return c;
}

TEST(ReasonRules, IdsAreUniqueAndCellsFilled) {
  internal::TsvTable t = Rules();
  std::set<std::string> ids;
  for (const auto& row : t.rows) {
    std::string id(t.Cell(row, "id"));
    EXPECT_TRUE(ids.insert(id).second) << t.Where(row, "duplicate id " + id);
    for (std::string_view column : {"id", "scope", "pattern", "reason", "priority", "sample", "source"}) {
      EXPECT_FALSE(t.Cell(row, column).empty()) << t.Where(row, std::string(column) + " is empty");
    }
    Reason r;
    EXPECT_TRUE(ParseReason(t.Cell(row, "reason"), &r)) << t.Where(row, "reason");
  }
  EXPECT_GT(ids.size(), 150u);
}

TEST(ReasonRules, EverySampleMatchesItsOwnPattern) {
  internal::TsvTable t = Rules();
  RE2::Options options;
  options.set_case_sensitive(false);
  options.set_log_errors(false);
  for (const auto& row : t.rows) {
    RE2 re(std::string(t.Cell(row, "pattern")), options);
    ASSERT_TRUE(re.ok()) << t.Where(row, re.error());
    std::string sample = internal::NormalizeReply(t.Cell(row, "sample"));
    EXPECT_TRUE(RE2::PartialMatch(sample, re)) << t.Where(row, "sample does not match: " + sample);
  }
}

TEST(ReasonRules, EverySampleClassifiesAsItsRowSays) {
  auto book = Book();
  ASSERT_NE(book, nullptr);
  internal::TsvTable t = Rules();
  for (const auto& row : t.rows) {
    std::string sample(t.Cell(row, "sample"));
    std::string scope(t.Cell(row, "scope"));
    ClassifyInput in;
    in.diagnostic = sample;
    in.reply_code = ReplyFor(t.Cell(row, "reply"));
    in.status = StatusFor(t.Cell(row, "status"));
    in.command = CommandFor(t.Cell(row, "command"));
    if (scope != "generic") in.vendor = scope;
    // Rows that say which kind an automatic reply is decide only automatic replies.
    in.auto_reply = t.Cell(row, "reason") == "vacation";
    Classification c = book->Classify(in);
    Reason want;
    ASSERT_TRUE(ParseReason(t.Cell(row, "reason"), &want));
    EXPECT_EQ(ReasonName(c.reason), ReasonName(want))
        << t.Where(row, std::string(t.Cell(row, "id")) + ": sample decided by " + c.decided_by.ToString() + " (" +
                            c.evidence + ")");
  }
}

TEST(ReasonRules, EveryFailureReasonHasGenericWording) {
  internal::TsvTable t = Rules();
  std::set<std::string> covered;
  for (const auto& row : t.rows) {
    if (t.Cell(row, "scope") == "generic") covered.insert(std::string(t.Cell(row, "reason")));
  }
  for (int i = 0; i < kReasonCount; ++i) {
    Reason r = static_cast<Reason>(i);
    if (r == Reason::kUndefined || r == Reason::kOnHold || r == Reason::kDelivered || r == Reason::kVacation ||
        r == Reason::kFeedback) {
      continue;
    }
    EXPECT_TRUE(covered.count(std::string(ReasonName(r)))) << "no generic rule for " << ReasonName(r);
  }
}

TEST(ReasonRules, EveryVendorHasRules) {
  internal::TsvTable t = Rules();
  std::set<std::string> scopes;
  for (const auto& row : t.rows) scopes.insert(std::string(t.Cell(row, "scope")));
  for (const char* id : {"google", "microsoft", "yahoo", "apple", "comcast", "cox", "spectrum", "orange", "gmx",
                         "mailru", "yandex", "tencent", "zoho", "godaddy", "proofpoint", "mimecast", "barracuda",
                         "cisco", "cloudflare", "messagelabs", "kddi", "docomo", "amazonses"}) {
    EXPECT_TRUE(scopes.count(id)) << "no rules for vendor " << id;
  }
}

TEST(StatusDefaults, EveryRowIsValid) {
  internal::TsvTable t;
  std::string error;
  ASSERT_TRUE(internal::LoadEmbeddedTsv("status_defaults.tsv", {"code", "scope", "reason", "strength", "meaning"},
                                        &t, &error))
      << error;
  std::set<std::string> keys;
  for (const auto& row : t.rows) {
    Reason r;
    EXPECT_TRUE(ParseReason(t.Cell(row, "reason"), &r)) << t.Where(row, "reason");
    EXPECT_FALSE(t.Cell(row, "meaning").empty()) << t.Where(row, "meaning");
    std::string key = std::string(t.Cell(row, "scope")) + " " + std::string(t.Cell(row, "code"));
    EXPECT_TRUE(keys.insert(key).second) << t.Where(row, "duplicate " + key);
  }
}

// ---- classification behaviour ---------------------------------------------------------

struct Case {
  const char* name;
  int reply;
  const char* status;
  const char* text;
  const char* vendor;
  SmtpCommand command;
  const char* action;
  Reason want;
};

EnhancedStatus Parse(const char* text) {
  EnhancedStatus s;
  if (text != nullptr && *text != '\0') EXPECT_TRUE(EnhancedStatus::Parse(text, &s)) << text;
  return s;
}

TEST(Classify, PrecedenceCases) {
  auto book = Book();
  const SmtpCommand kNone = SmtpCommand::kUnknown;
  const std::vector<Case> cases = {
      // D.1: the status says unknown user, the words say rate limit.
      {"godaddy-words-over-status", 550, "5.1.1",
       "550 5.1.1 <jo@example.com> - 192.0.2.1 has sent to too many recipients this hour. IB607", "", kNone, "",
       Reason::kSpeeding},
      {"godaddy-vendor", 550, "5.1.1",
       "550 5.1.1 <jo@example.com> - 192.0.2.1 has sent to too many recipients this hour. IB607", "godaddy",
       kNone, "", Reason::kSpeeding},
      // 0: the same code, different owners.
      {"gmail-5.7.27", 550, "5.7.27", "550 5.7.27 see https://support.google.com/ - gsmtp", "google", kNone, "",
       Reason::kAuthFailure},
      // RFC 7505's X.7.27 words name the sender's domain: the envelope sender is refused.
      {"generic-5.7.27", 550, "5.7.27", "550 5.7.27 sender address has null MX", "", kNone, "",
       Reason::kRejected},
      // Sendmail sends 5.7.27 for the recipient domain's null MX too, so the code alone stays notaccept.
      {"generic-5.7.27-sendmail-recipient", 550, "5.7.27", "550 Host does not accept mail", "", kNone, "",
       Reason::kNotAccept},
      {"generic-5.7.27-no-words", 550, "5.7.27", "", "", kNone, "", Reason::kNotAccept},
      {"gmail-5.7.30", 550, "5.7.30", "", "google", kNone, "", Reason::kAuthFailure},
      {"generic-5.7.30", 550, "5.7.30", "", "", kNone, "", Reason::kFailedStartTls},
      {"microsoft-5.1.10", 550, "5.1.10", "", "microsoft", kNone, "", Reason::kUserUnknown},
      {"generic-5.1.10", 556, "5.1.10", "", "", kNone, "", Reason::kNotAccept},
      {"microsoft-5.7.606", 550, "5.7.606", "", "microsoft", kNone, "", Reason::kBlocked},
      // D.2: 5.2.1 at Google is two things.
      {"gmail-disabled", 550, "5.2.1", "550-5.2.1 The email account that you tried to reach is disabled.",
       "google", kNone, "", Reason::kSuspend},
      {"gmail-rate", 550, "5.2.1",
       "550-5.2.1 The user you are trying to contact is receiving mail at a rate that 550-5.2.1 prevents "
       "additional messages from being delivered.",
       "google", kNone, "", Reason::kSpeeding},
      // D.3: access denied is an unknown recipient at Microsoft.
      {"microsoft-access-denied", 550, "5.4.1", "550 5.4.1 Recipient address rejected: Access denied",
       "microsoft", SmtpCommand::kRcpt, "", Reason::kUserUnknown},
      // Issue 6, kind 2: clear words about the mailbox decide, whatever the
      // (generic or wrong) status and stage -- "User Unknown" is a missing
      // mailbox after DATA too (Sisimai's D.4 reads it as a filter).
      {"sendmail-5.2.1-data", 550, "5.2.1", "550 5.2.1 <jo@example.org>... User Unknown", "", SmtpCommand::kData,
       "", Reason::kUserUnknown},
      {"qmail-no-mailbox-5.2.1", 0, "", "Sorry, no mailbox here by that name. (#5.2.1)", "", kNone, "",
       Reason::kUserUnknown},
      {"mailbox-not-found-after-data", 552, "", "552 Requested mail action aborted: mailbox not found", "",
       SmtpCommand::kDataEnd, "", Reason::kUserUnknown},
      {"maildir-quota-5.2.3", 0, "5.2.3", "maildir has overdrawn his diskspace quota", "", kNone, "",
       Reason::kMailboxFull},
      {"program-output-quota", 0, "5.0.0", "Command output: Mail quota exceeded", "", kNone, "",
       Reason::kMailboxFull},
      {"sendmail-5.2.1-rcpt", 550, "5.2.1", "550 5.2.1 <jo@example.org>... User Unknown", "",
       SmtpCommand::kRcpt, "", Reason::kUserUnknown},
      {"5.2.1-alone", 550, "5.2.1", "", "", kNone, "", Reason::kFiltered},
      {"5.1.1-after-data", 550, "5.1.1", "550 5.1.1 <jo@example.org>... User unknown", "", SmtpCommand::kDataEnd,
       "", Reason::kUserUnknown},
      // The mailbox is full however the number reads.
      {"552-mailbox-full", 552, "5.2.2", "552 5.2.2 Mailbox full", "", kNone, "", Reason::kMailboxFull},
      {"550-over-quota", 550, "5.1.1", "550 5.1.1 user is over quota", "", kNone, "", Reason::kMailboxFull},
      {"5.2.2-beats-user-unknown-words", 550, "5.2.2", "550 5.2.2 user unknown", "", kNone, "",
       Reason::kMailboxFull},
      // D.10/D.11: vendor tokens decide.
      {"cox-cdrbl", 550, "5.1.0", "550 5.1.0 <a@example.com> sender rejected. AUP#CDRBL", "cox",
       SmtpCommand::kMail, "", Reason::kBlocked},
      {"orange-506", 550, "5.2.0", "550 5.2.0 Mail rejete. Mail rejected. ofr_506", "orange", kNone, "",
       Reason::kSpamDetected},
      {"orange-102-class-4", 550, "4.0.0",
       "550 mwinf5c04 ME Adresse IP source bloquee pour incident de spam. OFR006_102 [102]", "orange", kNone, "",
       Reason::kBlocked},
      {"spectrum-1310", 550, "5.1.0", "550 5.1.0 <a@example.com> sender rejected AUP#In-1310", "spectrum", kNone,
       "", Reason::kTooManyConn},
      {"yahoo-tss04", 421, "4.7.0",
       "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user "
       "complaints",
       "yahoo", SmtpCommand::kMail, "", Reason::kBadReputation},
      // D.15: KDDI's two "User unknown".
      {"kddi-filter", 550, "", "550 : User unknown", "", kNone, "", Reason::kFiltered},
      {"kddi-filter-relayed", 550, "", "<jo@ezweb.ne.jp>: 550: : User unknown", "", kNone, "", Reason::kFiltered},
      {"5.2.1-user-unknown-no-command", 550, "5.2.1", "550 5.2.1 <jo@example.org>... User Unknown", "", kNone, "",
       Reason::kUserUnknown},
      {"microsoft-all-recipients-refused", 550, "5.4.1",
       "550 5.4.1 All recipient addresses rejected : Access denied [X.prod.protection.outlook.com]", "microsoft",
       SmtpCommand::kRcpt, "", Reason::kRejected},
      {"all-recipients-refused", 550, "5.4.1", "550 5.4.1 All recipient addresses rejected : Access denied", "",
       SmtpCommand::kRcpt, "", Reason::kRejected},
      {"tls-not-supported", 500, "", "500 Remote server does not support TLS (state 6).", "", kNone, "",
       Reason::kFailedStartTls},
      {"kddi-user", 550, "", "550 <jo@ezweb.ne.jp>: User unknown", "", kNone, "", Reason::kUserUnknown},
      {"docomo-data", 550, "5.0.0", "550 Unknown user jo@docomo.ne.jp", "docomo", SmtpCommand::kDataEnd, "",
       Reason::kRejected},
      {"docomo-5.2.0", 550, "5.2.0", "550 Unknown user jo@docomo.ne.jp", "docomo", SmtpCommand::kData, "",
       Reason::kFiltered},
      // A group or mailbox that takes mail only from allowed or internal
      // senders: the recipient's side restricts, whatever 5.7.x says.
      {"microsoft-rst-not-authorized", 550, "5.7.1", "550 5.7.1 RESOLVER.RST.NotAuthorized; not authorized",
       "microsoft", kNone, "", Reason::kRejected},
      {"microsoft-group-internal-senders", 550, "5.7.133",
       "550 5.7.133 RESOLVER.RST.SenderNotAuthenticatedForGroup; authentication required", "microsoft", kNone, "",
       Reason::kRejected},
      {"exchange-policy-prohibits", 550, "5.7.1",
       "550 5.7.1 The user or domain that you are sending to (or from) has a policy that prohibits the mail that "
       "you sent.",
       "", kNone, "", Reason::kRejected},
      // The sending server's HELO name, not its IP address, is refused.
      {"helo-not-fqdn", 504, "5.5.2", "504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname",
       "", SmtpCommand::kRcpt, "", Reason::kBlocked},
      {"connection-dropped-timeout", 421, "4.4.2", "421 4.4.2 Connection dropped due to timeout", "", kNone, "",
       Reason::kNetworkError},
      // The sending side's own mail system refuses: no Send As right, no
      // external forwarding (the 5.2.0 default would say a filter).
      {"send-as-denied", 554, "5.2.0",
       "554 5.2.0 STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied", "microsoft", kNone,
       "", Reason::kSecurityError},
      // Exchange's store driver failed to write into the mailbox: the
      // recipient's server, not a filter (the 5.2.0 default).
      {"exchange-store-object-not-found", 554, "5.2.0",
       "554 5.2.0 STOREDRV.Deliver.Exception:ObjectNotFoundException; Failed to process message due to a permanent "
       "exception with message The Active Directory user wasn't found.",
       "", kNone, "", Reason::kSystemError},
      {"exchange-store-agent-transient", 554, "5.2.0",
       "554 5.2.0 STOREDRV.Deliver.Exception:StoreDriverAgentTransientException; Failed to process message",
       "microsoft", kNone, "", Reason::kSystemError},
      {"external-forwarding-off", 550, "5.7.520",
       "550 5.7.520 Access denied, Your organization does not allow external forwarding.", "", kNone, "",
       Reason::kPolicyViolation},
      // The receiving organisation's administrator blocks it (not the
      // recipient's own filter that the 5.2.0 default would say).
      {"receiving-org-admin-block", 552, "5.2.0",
       "552 5.2.0 The message was blocked by the receiving organization's admin.", "", kNone, "",
       Reason::kPolicyViolation},
      {"recipient-company-policy", 550, "5.7.1",
       "550 5.7.1 Message rejected by the recipient's company policy", "", kNone, "", Reason::kPolicyViolation},
      // An IP that should send through its provider's relay (Gmail's words,
      // relayed by a server that does not name Gmail).
      {"send-through-provider-relay", 550, "5.7.1",
       "550-5.7.1 [192.0.2.1] The IP you're using to send mail is not authorized to send email directly to our "
       "servers. Please use the SMTP relay at your service provider instead.",
       "", SmtpCommand::kRcpt, "", Reason::kBlocked},
      // T-Online names no cause but its postmaster and a tag: the IP is refused.
      {"t-online-bl", 554, "",
       "554 IP=192.0.2.1 - A problem occurred. (Ask your postmaster for help or to contact tosa@rx.t-online.de to "
       "clarify.) (BL)",
       "", SmtpCommand::kRcpt, "", Reason::kBlocked},
      // A sending IP rate-limited for its unwanted mail, relayed by a server
      // that does not name Gmail: the IP, not the message (spamdetected).
      {"unsolicited-rate-from-ip", 421, "4.7.28",
       "421 4.7.28 Our system has detected an unusual rate of unsolicited mail from your IP address. Mail sent "
       "from your IP address has been temporarily rate limited.",
       "", kNone, "", Reason::kBlocked},
      // The sending account's own limit on outgoing mail (not the recipient's).
      {"outgoing-limit-exceeded", 554, "5.7.0",
       "554 5.7.0 Your message could not be sent. The limit on the number of allowed outgoing messages was "
       "exceeded. Try again later.",
       "", SmtpCommand::kData, "", Reason::kSpeeding},
      // Microsoft's throttle of the sending IP, relayed without Microsoft's
      // name: the IP, not a busy receiving server (system-error's words).
      {"try-later-from-your-ip", 451, "4.7.500", "451 4.7.500 Server busy. Please try again later from [192.0.2.1]. (AS761)",
       "", SmtpCommand::kRcpt, "", Reason::kBlocked},
      // iPlanet / Sun Messaging Server's reason for an unknown recipient.
      {"not-found-in-directory", 0, "", "Not found in directory", "", kNone, "", Reason::kUserUnknown},
      // The recipient's side refuses the sender's domain (not the IP, not
      // a security rule: the 5.7.1 fallback).
      {"domain-not-accepted", 550, "5.7.1", "550 5.7.1 Recipient mailbox is not accepting mail from your domain", "",
       SmtpCommand::kRcpt, "", Reason::kRejected},
      // A link in the message is on a blocklist: the content, not the
      // sending IP ('blocklisted' alone reads as blocked).
      {"link-blocklisted", 554, "5.7.1", "554 5.7.1 The message contains a link to a site that is blocklisted", "",
       SmtpCommand::kData, "", Reason::kSpamDetected},
      // Rate limits in other words than the rows had.
      {"sender-mail-rate-exceeded", 451, "4.7.1", "451 4.7.1 Mail rate for this sender exceeded, please try later",
       "", SmtpCommand::kRcpt, "", Reason::kSpeeding},
      {"sending-too-many-messages", 421, "4.7.0",
       "421 4.7.0 Connection refused - your server is sending too many messages", "", kNone, "", Reason::kSpeeding},
      {"recipient-daily-receive-limit", 550, "5.7.1", "550 5.7.1 Recipient has exceeded their daily receive limit",
       "", SmtpCommand::kRcpt, "", Reason::kSpeeding},
      // A content rule of the receiving side.
      {"forbidden-words", 550, "5.7.0", "550 5.7.0 Message rejected: body contains forbidden words", "",
       SmtpCommand::kData, "", Reason::kPolicyViolation},
      // Domino's words for a full mailbox.
      {"domino-mail-file-full", 0, "5.0.0", "Unable to deliver: Recipient's mail file is full", "", kNone, "",
       Reason::kMailboxFull},
      // Outlook.com's legacy consumer IP blocks.
      {"hotmail-sc-001", 550, "",
       "550 SC-001 (BAY004-MC1F1) Unfortunately, messages from 192.0.2.9 weren't sent. Please contact your "
       "Internet service provider.",
       "microsoft", kNone, "", Reason::kBlocked},
      // D.17: the sender, not the recipient.
      {"sender-rejected", 501, "5.1.8", "501 5.1.8 Sender address rejected", "", SmtpCommand::kMail, "",
       Reason::kRejected},
      // Blocklists and rate limits.
      {"spamhaus", 554, "5.7.1", "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org",
       "", SmtpCommand::kRcpt, "", Reason::kBlocked},
      {"blocked-beats-5.1.1", 550, "5.1.1", "550 5.7.1 IP address blacklisted by recipient", "",
       SmtpCommand::kRcpt, "", Reason::kBlocked},
      {"relay", 554, "5.7.1", "554 5.7.1 <jo@example.org>: Relay access denied", "", SmtpCommand::kRcpt, "",
       Reason::kNoRelaying},
      {"null-mx-beats-dns", 0, "4.0.0",
       "DNS Error: DNS type 'mx' lookup of example.org responded with code NOERROR The domain example.org doesn't "
       "receive email according to the administrator: returned Null MX",
       "google", kNone, "", Reason::kNotAccept},
      {"dns-temporary", 0, "4.0.0",
       "DNS Error: DNS type 'mx' lookup of example.invalid responded with code NXDOMAIN Domain name not found",
       "google", kNone, "", Reason::kNetworkError},
      {"host-not-found", 0, "5.4.4", "Host or domain name not found. Name service error for name=example.invalid",
       "", kNone, "", Reason::kHostUnknown},
      {"name-server-malformed", 0, "5.4.4", "Name service error for name=example.org type=MX: Malformed or "
       "unexpected name server reply", "", kNone, "", Reason::kNetworkError},
      {"multiline-gmail", 550, "5.7.26",
       "550-5.7.26 The MAIL FROM domain has an SPF record with a 550-5.7.26 hard fail policy (-all) but it "
       "fails to pass SPF checks",
       "", kNone, "", Reason::kAuthFailure},
      {"procmail", 0, "5.1.1", "procmail: Couldn't create \"/var/mail/jo\" id: No such user", "", kNone, "",
       Reason::kMailerError},
      // Fallbacks.
      {"status-2", 250, "2.1.5", "250 2.1.5 Ok", "", kNone, "delivered", Reason::kDelivered},
      {"success-quoted-in-transcript", 0, "",
       "250 2.1.5 Ok In: DATA Out: 354 go ahead Out: 451 4.3.0 Error: queue file write error", "", kNone, "failed",
       Reason::kSystemError},
      {"success-status-on-failure", 550, "2.0.0", "550 no such user here", "", kNone, "failed",
       Reason::kUserUnknown},
      {"delayed-no-words", 0, "", "", "", kNone, "delayed", Reason::kExpired},
      {"delayed-4.4.7", 0, "4.4.7", "", "", kNone, "delayed", Reason::kExpired},
      {"delayed-vague-status", 0, "4.4.0", "", "", kNone, "delayed", Reason::kExpired},
      {"delayed-full", 452, "4.2.2", "", "", kNone, "delayed", Reason::kMailboxFull},
      {"failed-vague-status", 0, "4.4.0", "", "", kNone, "failed", Reason::kNetworkError},
      {"helo-refused", 550, "", "550 Rejected", "", SmtpCommand::kEhlo, "", Reason::kBlocked},
      {"reply-521", 521, "", "", "", kNone, "", Reason::kNotAccept},
      {"reply-503", 503, "", "503 Improper sequence", "", kNone, "", Reason::kSyntaxError},
      {"reply-550-alone", 550, "", "", "", kNone, "", Reason::kUndefined},
      {"words-no-rule", 550, "", "550 computer says no", "", kNone, "", Reason::kOnHold},
      {"nothing", 0, "", "", "", kNone, "failed", Reason::kUndefined},
      {"status-7-fallback", 550, "5.7.1", "550 5.7.1 computer says no", "", kNone, "", Reason::kSecurityError},
      {"status-6-fallback", 554, "5.6.0", "554 5.6.0 computer says no", "", kNone, "", Reason::kContentError},
      {"status-in-words", 550, "5.0.0", "550 5.2.2 computer says no", "", kNone, "", Reason::kMailboxFull},
      // A domain named between "domain" and "does not exist" is still a missing domain.
      {"domain-name-does-not-exist", 550, "5.4.310", "550 5.4.310 DNS domain example.invalid does not exist", "",
       kNone, "", Reason::kHostUnknown},
      // "the recipient's domain" is about the domain, not the recipient's mailbox.
      {"recipients-domain-does-not-exist", 550, "", "550 The recipient's domain does not exist", "", kNone, "",
       Reason::kHostUnknown},
      {"user-name-does-not-exist", 550, "", "550 User 'jo' does not exist", "", kNone, "", Reason::kUserUnknown},
      // Clear words outweigh the catch-all 5.7.1.
      {"user-address-does-not-exist", 554, "5.7.1",
       "554 5.7.1 <jo@example.net>: Recipient address rejected: user jo@example.net does not exist", "", kNone, "",
       Reason::kUserUnknown},
      // The server names the envelope sender, which it does not take mail from: not the recipient's fault.
      {"unauthorized-sender-at-rcpt", 550, "5.1.1", "550 5.1.1 <bounces+x1@mail.example.com>: unauthorized sender", "",
       SmtpCommand::kRcpt, "", Reason::kRejected},
      // "dmarc" inside an address (a report mailbox) is no DMARC failure.
      {"dmarc-in-an-address", 550, "5.0.1", "550 5.0.1 <dmarc@reports.example.com>: Recipient rejected", "", kNone,
       "", Reason::kOnHold},
      {"dmarc-at-sentence-end", 550, "5.7.1", "550 5.7.1 Rejected because of DMARC.", "", kNone, "",
       Reason::kAuthFailure},
      {"your-host-not-allowed-to-connect", 550, "", "550 Your host is not allowed to connect to this server.", "",
       kNone, "", Reason::kBlocked},
      {"mailbox-address-unavailable", 550, "", "550 mailbox jo@example.net unavailable", "", SmtpCommand::kRcpt, "",
       Reason::kUserUnknown},
      // Postfix could not open a connection and gave up: no server refused anything.
      {"postfix-connect-refused-final", 0, "", "connect to mx.example.net[192.0.2.7]:25: Connection refused", "",
       SmtpCommand::kConnect, "failed", Reason::kExpired},
      {"temporary-server-error", 451, "4.3.0", "451 4.3.0 Temporary server error. Please try again later", "", kNone,
       "", Reason::kSystemError},
      {"must-be-rfc5322-compliant", 550, "5.7.512",
       "550 5.7.512 Access denied, message must be RFC 5322 section 3.6.2 compliant", "", kNone, "",
       Reason::kNotCompliantRfc},
      {"user-disabled", 550, "", "550 user disabled", "", kNone, "", Reason::kSuspend},
      {"blocked-for-inactivity", 550, "5.2.1", "550 5.2.1 This mailbox has been blocked due to inactivity", "", kNone,
       "", Reason::kSuspend},
      {"sending-rate-exceeded", 550, "5.7.1", "550 5.7.1 Sending rate exceeded", "", kNone, "", Reason::kSpeeding},
      {"content-restrictions", 554, "5.7.1", "554 5.7.1 Message rejected due to content restrictions", "", kNone, "",
       Reason::kPolicyViolation},
      {"recipients-filter", 554, "5.7.1", "554 5.7.1 Rejected by recipient's mail filter", "", kNone, "",
       Reason::kFiltered},
      {"recipient-refuses-sender", 550, "5.7.1", "550 5.7.1 Recipient does not accept mail from this sender", "",
       kNone, "", Reason::kFiltered},
      {"not-in-allowlist", 421, "4.7.0", "421 4.7.0 IP not in whitelist for RCPT domain, closing connection", "", kNone,
       "", Reason::kBlocked},
      {"dns-resolving-error", 451, "4.4.0", "451 4.4.0 DNS resolving error", "", kNone, "", Reason::kNetworkError},
      {"dkim-domain-key", 550, "5.7.1", "550 5.7.1 DKIM domain key not found", "", kNone, "",
       Reason::kSecurityError},
  };
  for (const Case& c : cases) {
    ClassifyInput in;
    in.reply_code = c.reply;
    in.status = Parse(c.status);
    in.diagnostic = c.text;
    in.vendor = c.vendor;
    in.command = c.command;
    in.action = c.action;
    Classification got = book->Classify(in);
    EXPECT_EQ(ReasonName(got.reason), ReasonName(c.want))
        << c.name << ": decided by " << got.decided_by.ToString() << " (" << got.evidence << ")";
    EXPECT_FALSE(got.decided_by.empty()) << c.name;
    EXPECT_FALSE(got.evidence.empty()) << c.name;
  }
}

TEST(Classify, ContextIsUsedOnlyWhenTheDiagnosticSaysNothing) {
  auto book = Book();
  ClassifyInput in;
  in.reply_code = 550;
  in.diagnostic = "550 mailbox is full";
  in.context = "The following address failed: user unknown";
  EXPECT_EQ(book->Classify(in).reason, Reason::kMailboxFull);
  in.diagnostic = "";
  Classification c = book->Classify(in);
  EXPECT_EQ(c.reason, Reason::kUserUnknown);
  EXPECT_NE(c.evidence.find("report's text"), std::string::npos) << c.evidence;
}

TEST(Classify, LocalDeliveryThatCannotReachTheMailboxIsTheReceivingSystems) {
  // qmail-local and maildrop write these with 4.2.1 ("mailbox disabled"), whose default would
  // tell the sender of a block; the words say the recipient's own server failed at the disk.
  auto book = Book();
  ClassifyInput in;
  in.status = Parse("4.2.1");
  for (const char* text : {"Unable to chdir to maildir. (#4.2.1)", "Unable to lock mailbox. (#4.2.1)",
                           "maildrop: Unable to open mailbox.",
                           "Unable to switch to /home/vpopmail/domains/example.com/jo: file does not exist. (#4.3.0)"}) {
    in.diagnostic = text;
    Classification c = book->Classify(in);
    EXPECT_EQ(std::string(ReasonName(c.reason)), "systemerror") << text << ": " << c.evidence;
  }
  // The same status with words about a disabled mailbox keeps its reading.
  in.diagnostic = "Mailbox disabled, not accepting messages (#4.2.1)";
  EXPECT_NE(book->Classify(in).reason, Reason::kSystemError);
}

TEST(Classify, OwnExactStatusOutweighsTheReportsWordsWhenTheServerSaidNothing) {
  auto book = Book();
  ClassifyInput in;
  in.status = Parse("4.4.7");
  in.context = "jo... Deferred: Connection refused by [192.0.2.1]";
  Classification c = book->Classify(in);
  EXPECT_EQ(c.reason, Reason::kExpired) << c.decided_by.ToString() << " (" << c.evidence << ")";
  // A vague status (detail 0) still gives way to the report's words.
  in.status = Parse("5.0.0");
  in.context = "The following address failed: user unknown";
  EXPECT_EQ(book->Classify(in).reason, Reason::kUserUnknown);
  // With words of its own, the recipient's wording decides as before.
  in.status = Parse("4.4.7");
  in.diagnostic = "421 4.4.7 mailbox is full";
  EXPECT_EQ(book->Classify(in).reason, Reason::kMailboxFull);
}

// StatusDefault reads a scope's rows by the subject they name and those that
// name none: the most specific row still wins, the class breaks a tie, a
// range and a wildcard detail count as in the table, and a subject no row
// names finds only the rows that name none.
TEST(Classify, StatusDefaultIsTheMostSpecificRowOfTheScope) {
  auto book = Book();
  auto row_for = [&](const char* status, const char* vendor) {
    ClassifyInput in;
    in.status = Parse(status);
    in.vendor = vendor;
    return book->Classify(in).decided_by.ToString();
  };
  EXPECT_EQ(row_for("5.7.26", ""), "status_defaults.tsv:X.7.26");
  EXPECT_EQ(row_for("5.7.99", ""), "status_defaults.tsv:X.7.*");
  EXPECT_EQ(row_for("5.6.3", ""), "status_defaults.tsv:X.6.*");
  EXPECT_EQ(row_for("4.2.0", ""), "status_defaults.tsv:4.2.0");
  EXPECT_EQ(row_for("5.2.0", ""), "status_defaults.tsv:X.2.0");
  EXPECT_EQ(row_for("5.7.620", "microsoft"), "status_defaults.tsv:5.7.606-649@microsoft");
  EXPECT_EQ(row_for("5.7.26", "google"), "status_defaults.tsv:X.7.26@google");
  EXPECT_EQ(row_for("5.1.1", "google"), "status_defaults.tsv:X.1.1");
  EXPECT_NE(row_for("5.9.1", "").rfind("status_defaults.tsv:", 0), 0u);
  ClassifyInput success;
  success.status = Parse("2.0.0");
  EXPECT_EQ(book->Classify(success).status_reading.reason, Reason::kDelivered);
}

TEST(Classify, EvidenceSaysWhatDecided) {
  auto book = Book();
  ClassifyInput in;
  in.reply_code = 550;
  in.status = Parse("5.1.1");
  Classification c = book->Classify(in);
  EXPECT_EQ(c.reason, Reason::kUserUnknown);
  EXPECT_EQ(c.evidence, "status 5.1.1 (bad destination mailbox address)");
  EXPECT_EQ(c.decided_by.table, RuleTable::kStatusDefaults);
  EXPECT_EQ(c.decided_by.row, "X.1.1");
  EXPECT_EQ(c.decided_by.ToString(), "status_defaults.tsv:X.1.1");

  in.diagnostic = "550 5.7.26 Unauthenticated email from example.com is not accepted - gsmtp";
  in.status = Parse("5.7.26");
  in.vendor = "google";
  c = book->Classify(in);
  EXPECT_EQ(c.reason, Reason::kAuthFailure);
  EXPECT_EQ(c.decided_by.table, RuleTable::kReasonRules);
  EXPECT_EQ(c.decided_by.row, "google-auth");
  EXPECT_EQ(c.decided_by.scope, "google");
  EXPECT_GT(c.decided_by.line, 0);
  EXPECT_EQ(c.evidence, "Gmail's wording: 'Unauthenticated email'");
  EXPECT_FALSE(c.advice.empty());

  in = ClassifyInput();
  in.diagnostic = "552 5.2.2 the mailbox is full";
  c = book->Classify(in);
  EXPECT_EQ(c.evidence, "wording: 'mailbox is full'");
}

TEST(Classify, IsDeterministicAndThreadSafe) {
  auto book = Book();
  ClassifyInput in;
  in.reply_code = 550;
  in.status = Parse("5.7.1");
  in.diagnostic = "550 5.7.1 client was not authenticated, unable to relay";
  in.vendor = "microsoft";
  Classification first = book->Classify(in);
  std::vector<std::thread> threads;
  std::vector<std::string> ids(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      for (int k = 0; k < 200; ++k) ids[i] = book->Classify(in).decided_by.ToString();
    });
  }
  for (auto& t : threads) t.join();
  for (const std::string& id : ids) EXPECT_EQ(id, first.decided_by.ToString());
}

// Each language of a localized row decides, not only the row's one sample.
void ExpectEveryLanguage(const std::vector<std::string>& sentences, Reason want) {
  auto book = Book();
  ASSERT_NE(book, nullptr);
  for (const std::string& sentence : sentences) {
    ClassifyInput in;
    in.diagnostic = sentence;
    EXPECT_EQ(ReasonName(book->Classify(in).reason), ReasonName(want)) << sentence;
  }
}

// Words that only look like a row's are not read as its reason.
void ExpectNotReadAs(const std::string& sentence, Reason reason) {
  auto book = Book();
  ASSERT_NE(book, nullptr);
  ClassifyInput in;
  in.diagnostic = sentence;
  EXPECT_NE(ReasonName(book->Classify(in).reason), ReasonName(reason)) << sentence;
}

TEST(ReasonRules, AddressNotFoundInEveryLanguage) {
  ExpectEveryLanguage({"The email address you entered couldn't be found.",
                       "L'adresse de messagerie que vous avez entrée est introuvable.",
                       "Die eingegebene E-Mail-Adresse wurde nicht gefunden.",
                       "No se encontró la dirección de correo electrónico que especificó.",
                       "Impossibile trovare l'indirizzo di posta elettronica immesso.",
                       "Het e-mailadres dat u hebt opgegeven, is niet gevonden.",
                       "O endereço de email inserido não foi encontrado.",
                       "入力した電子メール アドレスが見つかりませんでした。",
                       "Адрес электронной почты не найден.",
                       "Nie można odnaleźć adresu e-mail.",
                       "找不到您输入的电子邮件地址。",
                       // Exchange's sentence in Russian, Polish and Swedish: the verb first.
                       "Не удалось найти введенный адрес электронной почты.",
                       "Nie można odnaleźć wprowadzonego adresu e-mail.",
                       "Det gick inte att hitta e-postadressen du angav."},
                      Reason::kUserUnknown);
  // A server's address that cannot be found is no verdict on the mailbox.
  ExpectNotReadAs("Не удалось найти адрес сервера.", Reason::kUserUnknown);
}

// A sending service refusing before it tries: its words also hold "bounced
// address" or "spam", which must not make it the recipient's filter or content.
TEST(ReasonRules, SendingServicesOwnRefusalsAreSuppressed) {
  ExpectEveryLanguage({"550 5.0.0 Not delivering to previously bounced address",
                       "550 5.0.0 Not delivering to a user who marked your messages as spam",
                       "554 5.7.1 recipient address was suppressed due to customer policy",
                       "You tried to send to a recipient that has been marked as inactive. Found inactive addresses: "
                       "jo@example.net. Inactive recipients are ones that have generated a hard bounce or a spam "
                       "complaint."},
                      Reason::kSuppressed);
}

// The recipient's own list of blocked or allowed senders: only the recipient
// can change it, so it is no IP blocklist and no policy of the sender's side.
TEST(ReasonRules, RecipientsOwnSenderListIsTheRecipientsFilter) {
  ExpectEveryLanguage({"550 5.7.1 Message rejected: sender is on the recipient's blocked senders list",
                       "554 5.7.1 Rejected by recipient's personal block list",
                       "553 5.7.1 Sender domain example.org is blocked by the recipient",
                       "550 5.7.1 Recipient only accepts mail from approved senders",
                       "554 5.7.1 This recipient only accepts mail from contacts"},
                      Reason::kFiltered);
  // A server's refusal of the sending IP stays a block.
  ExpectNotReadAs("554 5.7.1 Your IP address has been blocked by the recipient's mail server", Reason::kFiltered);
}

// The sender refused, in the languages of localized servers: never a verdict
// on the recipient (a sender domain that "does not exist" is no unknown host).
TEST(ReasonRules, SenderRefusedInEveryLanguage) {
  ExpectEveryLanguage({"550 5.7.1 Zugriff verweigert: Absender-Domain existiert nicht",
                       "550 5.7.1 Absender abgelehnt: Ihre Absenderadresse ist nicht zulässig",
                       "554 5.7.1 Expéditeur refusé", "550 5.7.1 Remitente rechazado",
                       "550 5.7.1 Mittente rifiutato", "550 5.7.1 Remetente rejeitado",
                       "550 5.7.1 Afzender geweigerd", "550 5.7.1 Отправитель отклонен",
                       "550 5.7.1 发件人被拒绝", "550 5.7.1 送信者が拒否されました"},
                      Reason::kRejected);
  ExpectEveryLanguage({"554 5.7.1 Ihre IP-Adresse 192.0.2.10 steht auf einer schwarzen Liste",
                       "550 5.7.1 Votre adresse IP est sur liste noire",
                       "554 5.7.1 Su dirección IP está en una lista negra",
                       "550 5.7.1 Uw IP-adres staat op een zwarte lijst",
                       "550 5.7.1 Ваш IP-адрес находится в черном списке",
                       "550 5.7.1 您的IP地址在黑名单中"},
                      Reason::kBlocked);
}

TEST(ReasonRules, ListRefusesPosterInEveryLanguage) {
  ExpectEveryLanguage({"You are not allowed to post to this mailing list.",
                       "Sie haben keine Berechtigung, in dieser Gruppe Nachrichten zu posten.",
                       "Vous n'êtes pas autorisé à envoyer des messages à cette liste.",
                       "No tienes permiso para publicar en este grupo.",
                       "Non sei autorizzato a pubblicare in questo gruppo.",
                       "Você não tem permissão para postar neste grupo.",
                       "U hebt geen toestemming om berichten in deze groep te plaatsen.",
                       "Вы не имеете права публиковать сообщения в этой группе.",
                       "このグループに投稿する権限がありません。",
                       "您没有在此群组发帖的权限。"},
                      Reason::kRejected);
}

// RE2's \b is a boundary between ASCII word and non-word bytes: next to an
// accented letter it never holds, so a row that puts \b after "expiró" or
// "wiadomość" cannot match there. The rows' words decide in each language.
TEST(ReasonRules, WordsEndingInAnAccentedLetterDecide) {
  auto book = Book();
  ASSERT_NE(book, nullptr);
  const std::pair<const char*, const char*> cases[] = {
      {"550 El plazo de entrega expiró", "reason_rules.tsv:expired-intl"},        // Spanish
      {"552 Wiadomość jest zbyt duża", "reason_rules.tsv:too-big-intl"},         // Polish
      {"552 Ta wiadomość e-mail jest zbyt duża", "reason_rules.tsv:too-big-intl"},  // Polish
  };
  for (const auto& [text, row] : cases) {
    ClassifyInput in;
    in.diagnostic = text;
    EXPECT_EQ(book->Classify(in).decided_by.ToString(), row) << text;
  }
}

// A challenge-response filter's request is an automatic reply with its own
// account: the words decide among auto-replies only, never for a failure.
TEST(ReasonRules, ChallengeResponseWordsDecideOnlyAutoReplies) {
  auto book = Book();
  ASSERT_NE(book, nullptr);
  ClassifyInput in;
  in.diagnostic = "Please confirm your message to jo@example.net";
  in.context = "I protect my inbox from spam with a challenge-response system. Your message is held until you "
               "confirm that you are a person.";
  in.auto_reply = true;
  Classification c = book->Classify(in);
  EXPECT_EQ(c.reason, Reason::kVacation);
  EXPECT_EQ(c.decided_by.ToString(), "reason_rules.tsv:challenge-response");
  EXPECT_FALSE(book->Guidance(c.decided_by).summary.empty());
  // An out-of-office reply keeps the plain auto-reply step.
  in.diagnostic = "Out of office: back on Monday";
  in.context = "I am away until Monday.";
  EXPECT_EQ(book->Classify(in).decided_by.ToString(), "precedence.tsv:report-kind-auto-reply");
  // A failure that speaks of a challenge stays a failure.
  in.auto_reply = false;
  in.diagnostic = "550 5.7.1 Message held until you confirm that you are a person; rejected";
  in.reply_code = 550;
  EXPECT_NE(book->Classify(in).reason, Reason::kVacation);
}

// Wordings that rows name as alternatives, beyond each row's one sample.
TEST(ReasonRules, WordingFamiliesDecide) {
  ExpectEveryLanguage({"552 Requested action aborted: exceeded storage allocation",
                       "552 Your mailbox has exceeded its size limit",
                       "452 Mail quota has been exceeded for jo"},
                      Reason::kMailboxFull);
  ExpectEveryLanguage({"550 The account jo@example.net has been suspended",
                       "550 Recipient rejected: temporarily inactive"},
                      Reason::kSuspend);
  ExpectEveryLanguage({"554 Mail content denied", "550 Message rejected because of unacceptable content",
                       "554 Reject bulk.advertising", "550 Spamming not allowed",
                       "451 Your message has been temporarily blocked by our filter",
                       "554 Message score (12.5) over the limit of 5"},
                      Reason::kSpamDetected);
  ExpectEveryLanguage({"550 Invalid address", "550 Sorry, no mailbox available for this user",
                       "550 No valid recipients", "553 Sorry, your envelope recipient has been denied",
                       "550 There is no one at this address", "550 This e-mail address is no longer valid",
                       "550 vdeliver: unknown virtual user"},
                      Reason::kUserUnknown);
  ExpectEveryLanguage({"554 Access from IP address 192.0.2.7 is blocked",
                       "550 Mail server at 192.0.2.7 is blacklisted", "550 Rejecting open proxy 192.0.2.7"},
                      Reason::kBlocked);
}

TEST(ReasonRules, MoreWordingFamiliesDecide) {
  ExpectEveryLanguage({"554 Relaying mail for that domain requires authentication when attempting to send to a "
                       "non-local e-mail address",
                       "553 Sorry, that domain isn't in my list of allowed rcpthost"},
                      Reason::kNoRelaying);
  ExpectEveryLanguage({"550 Please inspect your SPF settings and try again"}, Reason::kAuthFailure);
  ExpectEveryLanguage({"552 Message header size, or recipient list, exceeds policy limit"}, Reason::kContentError);
  ExpectEveryLanguage({"554 RCPT (ana@example.net) dosn't exist", "550 5.0.1 Recipient rejected"},
                      Reason::kUserUnknown);
  ExpectEveryLanguage({"550 permanent failure for one or more recipients (ana@example.net:blocked)"},
                      Reason::kBlocked);
  ExpectEveryLanguage({"550 We do not accept messages containing images or other attachments"},
                      Reason::kPolicyViolation);
  ExpectEveryLanguage({"550 Mail domain mentioned in email address is unknown"}, Reason::kHostUnknown);
  // In the past tense, as older and smaller MTAs write it.
  ExpectEveryLanguage({"Unable to deliver to the user: the mailbox was not found",
                       "The recipient was not found in the directory"},
                      Reason::kUserUnknown);
}

// The sentences of Microsoft 365's NDRs, which people paste without the
// codes under them.
TEST(ReasonRules, PastedNdrSentencesDecide) {
  ExpectEveryLanguage({"ana wasn't found at example.net.", "ana wurde bei example.net nicht gefunden.",
                       "ana est introuvable sur example.net.", "No se encontró ana en example.net.",
                       "Impossibile trovare ana in example.net.", "ana is niet gevonden bij example.net.",
                       "ana não foi encontrado em example.net."},
                      Reason::kUserUnknown);
  ExpectEveryLanguage({"Despite repeated attempts to deliver your message, the recipient's email system refused to "
                       "accept a connection from your email system."},
                      Reason::kExpired);
  ExpectEveryLanguage({"Your message can't be delivered because delivery to this address is restricted.",
                       "The group team@example.net only accepts messages from people in its organization.",
                       "Your message couldn't be delivered because you weren't recognized as a valid sender."},
                      Reason::kRejected);
  ExpectEveryLanguage({"Your message wasn't delivered because the recipient's email system wasn't able to confirm that "
                       "your message came from example.org."},
                      Reason::kAuthFailure);
  ExpectEveryLanguage({"Your message was rejected by the recipient's email server because it's too large."},
                      Reason::kMesgTooBig);
  ExpectEveryLanguage({"Your message couldn't be delivered because you've reached your daily limit for message "
                       "recipients."},
                      Reason::kSpeeding);
}

// Words that MTAs of a kind write without a code beside them (a transcript
// line, a human-readable report), each beyond its row's one sample.
TEST(ReasonRules, MtaWordingsWithoutCodesDecide) {
  ExpectEveryLanguage({"<ana@example.net>... Bad destination mailbox address", "ana... unknown or illegal alias",
                       "Recipient address is not valid", "The following addresses were not valid",
                       "Your message was not delivered because the address was not found.", "550 Address not found"},
                      Reason::kUserUnknown);
  // Another host's address is no recipient's.
  ExpectEveryLanguage({"the IP address not found in the list of allowed relays"}, Reason::kOnHold);
  // RFC 3463's X.1.3 text is a syntax error, not a missing mailbox.
  ExpectEveryLanguage({"Bad destination mailbox address syntax"}, Reason::kOnHold);
  ExpectEveryLanguage({"Cannot send message for 5 days", "Message could not be delivered for too long",
                       "Message will be deleted from queue"},
                      Reason::kExpired);
  ExpectEveryLanguage({"Illegal host/domain name found"}, Reason::kHostUnknown);
  ExpectEveryLanguage({"mail loops back to me (MX problem?)"}, Reason::kSystemError);
  // A DNS lookup that failed for now is no unknown domain; an MX host without an address is.
  ExpectEveryLanguage({"Host or domain name not found. Name service error for name=example.net type=MX: Host not "
                       "found, try again",
                       "SMTP timeout while connected to mx.example.net [192.0.2.1] after sending data block",
                       "Remote host closed connection in response to end of data.",
                       "host lookup did not complete", "451 DNS temporary failure (#4.3.0)"},
                      Reason::kNetworkError);
  // qmail could not queue the message (qmail-queue's temporary failure).
  ExpectEveryLanguage({"451 qq temporary problem (#4.3.0)"}, Reason::kSystemError);
  ExpectEveryLanguage({"Host or domain name not found. Name service error for name=example.net type=A: Host not found",
                       "unable to look up host mx.example.net: No address associated with hostname"},
                      Reason::kHostUnknown);
  ExpectEveryLanguage({"message has lines too long for transport"}, Reason::kContentError);
  ExpectEveryLanguage({"550 5.7.1 This message does not comply with required standards (RFC 5322)",
                       "550-5.7.1 Messages missing a valid address in From: header, or having no From: header, are "
                       "not accepted.",
                       "554 Message not allowed - Headers are not RFC compliant[291]"},
                      Reason::kNotCompliantRfc);
  // Postfix's TLS policy (security level verify or secure) that the server cannot meet.
  ExpectEveryLanguage({"Server certificate not trusted", "unable to verify the server certificate"},
                      Reason::kFailedStartTls);
  ExpectEveryLanguage({"Recipient rejected: inactive user", "<ana@example.net> : Account disabled"},
                      Reason::kSuspend);
  ExpectEveryLanguage({"The recipient's mailbox is over its storage limit"}, Reason::kMailboxFull);
  ExpectEveryLanguage({"Attachment too large"}, Reason::kMesgTooBig);
  ExpectEveryLanguage({"554 Transaction failed: Sender is on the suppression list"}, Reason::kSuppressed);
  ExpectEveryLanguage({"550 5.7.1 Unauthenticated email is not accepted from this domain"}, Reason::kAuthFailure);
  ExpectEveryLanguage({"550 Your IP address was reported as a source of spam",
                       "550 5.2.1 Mailbox unavailable. Your IP has been found to be sending spam"},
                      Reason::kBlocked);
  ExpectEveryLanguage({"550 5.1.1 Address rejected: this domain does not accept email"}, Reason::kNotAccept);
  // A null MX on the sender's own domain is the sender's to fix, not a recipient to remove.
  ExpectEveryLanguage({"553 5.1.8 <ann@example.org>: Sender address rejected: Domain example.org does not accept mail "
                       "(nullMX)"},
                      Reason::kRejected);
  ExpectEveryLanguage({"550 5.7.1 Recipient address rejected: Sorry, we do not accept mail from you (SBRS)"},
                      Reason::kBlocked);
  ExpectEveryLanguage({"550 5.7.1 Unable to deliver to ana@example.net: the recipient has blocked your address"},
                      Reason::kFiltered);
  ExpectEveryLanguage({"450 4.7.1 Error: too much mail from 192.0.2.9"}, Reason::kSpeeding);
  ExpectEveryLanguage({"The domain name in the email address is incorrect",
                       "The message could not be delivered because the domain name (example.invalid) does not "
                       "appear to be registered."},
                      Reason::kHostUnknown);
  ExpectEveryLanguage({"The recipient ana@example.net does not have a valid mailbox on this system"},
                      Reason::kUserUnknown);
  ExpectEveryLanguage({"Your mail to the following recipients could not be delivered because they are not accepting "
                       "mail from ann@example.org"},
                      Reason::kFiltered);
  // Replies without an enhanced code whose words alone say what failed.
  ExpectEveryLanguage({"550 ana@example.net is not a registered user", "550 The recipient name is not recognized",
                       "550 Recipient address rejected: not our customer"},
                      Reason::kUserUnknown);
  ExpectEveryLanguage({"550 user account is expired", "550 Expired account"}, Reason::kSuspend);
  ExpectEveryLanguage({"554 Mail loop detected", "550 loop detected, message not delivered"}, Reason::kNetworkError);
  ExpectEveryLanguage({"550 Host not found", "550 Host not found: mx.example.net"}, Reason::kHostUnknown);
  // ... but the sender's domain not found, or the client "not our customer", is no recipient to remove.
  ExpectEveryLanguage({"550 Sender domain: host not found", "550 5.1.8 sender address domain lookup failed",
                       "550 Sender's mail domain does not exist"},
                      Reason::kRejected);
  ExpectEveryLanguage({"554 Sorry, you are not our customer"}, Reason::kOnHold);
  // The explanation page of SPF checkers names the failed check.
  ExpectEveryLanguage({"554 5.7.1 <jo@example.net>: Recipient address rejected: Please see "
                       "http://www.openspf.net/Why?s=mfrom;id=ann%40example.org;ip=192.0.2.9;r=mx.example.net",
                       "550 5.7.1 Rejected, look at http://www.open-spf.org/Why?id=ann%40example.org"},
                      Reason::kAuthFailure);
  ExpectEveryLanguage({"550 5.2.122 The recipient has exceeded their limit for the number of messages they can "
                       "receive per hour.",
                       "450 4.2.1 Recipient receive limit exceeded, try later"},
                      Reason::kSpeeding);
  // "Your account" is the reader's, the sender's: its provider refused it; no recipient's account to remove.
  ExpectEveryLanguage({"550 Your account is suspended, contact support", "554 5.7.1 Your account has been disabled",
                       "535 5.7.3 Your account has been locked due to too many failed logins"},
                      Reason::kRejected);
  ExpectEveryLanguage({"550 The recipient's account is disabled"}, Reason::kSuspend);
  // A quota on what the sender sends, not on the recipient's mailbox.
  ExpectEveryLanguage({"550 Your account has exceeded its quota of outgoing messages",
                       "421 4.7.0 Quota exceeded for sender ann@example.org",
                       "550 5.7.1 Your email quota for today is exceeded"},
                      Reason::kSpeeding);
  ExpectEveryLanguage({"552 5.2.2 Quota exceeded for jo@example.net"}, Reason::kMailboxFull);
  // The receiving server's own trouble, for now.
  ExpectEveryLanguage({"452 4.2.1 Mailbox busy, try again later", "451 4.3.0 Temporary lookup failure",
                       "451 4.3.0 <jo@example.net>: save to INBOX failed: Permission denied"},
                      Reason::kSystemError);
  // The recipient's domain, not a mailbox, does not exist.
  ExpectEveryLanguage({"550 5.1.2 The recipient domain does not exist", "550 Destination domain doesn't exist"},
                      Reason::kHostUnknown);
  // The recipient (or their own rules) refuses this sender ...
  ExpectEveryLanguage({"550 5.7.1 Recipient has blocked the sender",
                       "550 5.7.1 Mail from this sender is not accepted by the recipient",
                       "550 5.7.1 Message rejected by recipient's rule"},
                      Reason::kFiltered);
  // ... or the recipient's organization takes mail only from its own.
  ExpectEveryLanguage({"550 5.7.1 This recipient only accepts mail from its organization",
                       "550 5.7.1 Recipient's mailbox does not accept external mail",
                       "550 5.7.1 Only internal senders allowed",
                       "550 5.7.1 You are not allowed to send to this recipient"},
                      Reason::kRejected);
  ExpectEveryLanguage({"550 5.7.1 Unauthenticated mail is prohibited"}, Reason::kAuthFailure);
  // A header the RFCs require is missing, or a header holds bytes it may not.
  ExpectEveryLanguage({"550 Missing Date header", "550 5.7.1 Message rejected: no From header",
                       "554 5.6.0 Message-ID header is required",
                       "550 5.7.1 Message headers contain invalid characters"},
                      Reason::kNotCompliantRfc);
  // A kind of attachment the receiver refuses: the sender changes the attachment.
  ExpectEveryLanguage({"554 5.7.1 Executable attachments are not allowed",
                       "550 5.7.1 Password-protected files are not accepted", "550 Zip attachments are blocked"},
                      Reason::kPolicyViolation);
  // The sending client broke the protocol.
  ExpectEveryLanguage({"554 5.5.0 Error: improper use of SMTP command pipelining"}, Reason::kSyntaxError);
  // Exim could not check the envelope sender with its domain's MX (a callout):
  // the sending domain's side, for now.
  ExpectEveryLanguage({"451 Could not complete sender verify callout",
                       // qmail's badmailfrom list: the sender address, not the recipient.
                       "553 sorry, your envelope sender has been denied (#5.7.1)",
                       "553 sorry, your envelope sender is in my badmailfrom list (#5.7.1)"},
                      Reason::kRejected);
  // The receiver found no mail host for the sender's domain in DNS: the
  // sending side (a domain without an MX is the recipient's only when it
  // is the recipient's domain).
  ExpectEveryLanguage({"550 5.7.1 Sender domain has no MX or A record", "550 The sender's domain has no DNS records",
                       "550 Sender's domain does not resolve", "550 5.7.1 Your domain has no MX record",
                       "450 4.1.8 Sender address domain could not be resolved",
                       // X.1.7 is the sender's mailbox too.
                       "550 5.1.7 The sender mailbox does not exist"},
                      Reason::kRejected);
  ExpectEveryLanguage({"550 5.1.2 Recipient domain has no MX or A record"}, Reason::kNotAccept);
  // The person has left: the address will not be read again.
  ExpectEveryLanguage({"550 Jo Bloggs is no longer with the company", "550 jo@example.net has left the company"},
                      Reason::kHasMoved);
  // The name the sending server gave in HELO: its host is the sender's, even
  // when "not found".
  ExpectEveryLanguage({"550 5.7.1 <mail.example.org>: Helo command rejected: Host not found",
                       "450 4.7.1 <mail.example.org>: Helo command rejected: Host not found, try again"},
                      Reason::kBlocked);
}

TEST(ReasonRules, LocalizedFamiliesDecide) {
  ExpectEveryLanguage({"550 Почтовый ящик получателя переполнен"}, Reason::kMailboxFull);
  // Turkish, Hungarian, Finnish, Danish, Norwegian, Greek, Romanian, Indonesian, Vietnamese.
  ExpectEveryLanguage({"Alıcı bulunamadı", "ALICI BULUNAMADI", "A címzett nem található", "Vastaanottajaa ei löydy",
                       "Modtageren findes ikke", "Ukjent bruker", "Ο παραλήπτης δεν βρέθηκε",
                       "Destinatarul nu a fost găsit", "Alamat email tidak ditemukan", "Không tìm thấy người nhận"},
                      Reason::kUserUnknown);
  ExpectEveryLanguage({"Alıcının posta kutusu dolu", "A címzett postafiókja megtelt", "Postilaatikko on täynnä",
                       "Postkassen er fuld", "Postkassen er full", "Το γραμματοκιβώτιο του παραλήπτη είναι πλήρες",
                       "Căsuța poștală este plină", "Kotak surat penerima sudah penuh", "Hộp thư của người nhận đã đầy"},
                      Reason::kMailboxFull);
  ExpectEveryLanguage({"550 Der Empfänger existiert nicht", "550 Le destinataire n'existe pas",
                       "550 El destinatario no existe", "550 Il destinatario non esiste", "550 Gebruiker onbekend",
                       "550 Usuário desconhecido", "550 Такого пользователя нет", "550 收件人不存在",
                       "550 宛先のユーザーは存在しません"},
                      Reason::kUserUnknown);
  ExpectEveryLanguage({"550 Домен получателя не существует", "550 域名不存在"}, Reason::kHostUnknown);
  ExpectEveryLanguage({"550 Le compte du destinataire est désactivé", "550 Das Konto des Empfängers ist gesperrt",
                       "550 La cuenta del destinatario está deshabilitada", "550 Учетная запись отключена"},
                      Reason::kSuspend);
  ExpectEveryLanguage({"552 Message trop volumineux", "552 Die Nachricht ist zu groß",
                       "552 El mensaje es demasiado grande", "552 Размер сообщения превышает допустимый",
                       "552 邮件大小超过限制"},
                      Reason::kMesgTooBig);
  ExpectEveryLanguage({"554 Сообщение похоже на спам", "554 迷惑メールと判定されました"}, Reason::kSpamDetected);
}

// The rows of the "Non-English wordings" block, one sentence per language.
TEST(ReasonRules, NonEnglishWordingsDecide) {
  ExpectEveryLanguage({"L'adresse e-mail n'existe pas.", "Boîte aux lettres inexistante",
                       "Die E-Mail-Adresse existiert nicht.", "Kein solcher Benutzer", "El buzón no existe",
                       "Casella di posta inesistente", "Caixa postal inexistente", "Het e-mailadres bestaat niet",
                       "Skrzynka pocztowa nie istnieje", "Účet příjemce neexistuje", "E-postadressen finns inte",
                       "존재하지 않는 사용자입니다"},
                      Reason::kUserUnknown);
  ExpectEveryLanguage({"La boîte aux lettres du destinataire est pleine", "Das Postfach des Empfängers ist voll",
                       "Se ha excedido la cuota del buzón", "Spazio della casella esaurito",
                       "De postbus van de ontvanger is vol", "Skrzynka odbiorcy jest pełna",
                       "Schránka příjemce je plná", "Mottagarens brevlåda är full",
                       "Превышен лимит почтового ящика", "受信者のメールボックスがいっぱいです", "收件人邮箱已满",
                       "받는 사람의 메일함이 가득 찼습니다"},
                      Reason::kMailboxFull);
  ExpectEveryLanguage({"Le domaine du destinataire n'existe pas", "Doména neexistuje", "Domänen finns inte",
                       "도메인이 존재하지 않습니다"},
                      Reason::kHostUnknown);
  ExpectEveryLanguage({"L'account del destinatario è stato disattivato", "Het account van de ontvanger is geblokkeerd",
                       "Konto odbiorcy zostało zablokowane", "Účet příjemce je zablokován",
                       "Mottagarens konto är spärrat", "휴면 계정입니다"},
                      Reason::kSuspend);
  ExpectEveryLanguage({"Wiadomość jest zbyt duża", "Zpráva je příliš velká", "Meddelandet är för stort",
                       "메일 크기가 너무 큽니다"},
                      Reason::kMesgTooBig);
  ExpectEveryLanguage({"Le délai de remise a expiré", "Zeitüberschreitung bei der Zustellung",
                       "Se agotó el tiempo de entrega del mensaje", "Il tempo massimo di consegna è scaduto",
                       "O tempo limite de entrega expirou", "De bezorgtijd is verlopen", "Истек срок доставки сообщения",
                       "配信期限を過ぎました", "邮件投递超时", "Impossible de se connecter au serveur distant"},
                      Reason::kExpired);
  ExpectEveryLanguage({"Пересылка запрещена"}, Reason::kNoRelaying);
  ExpectEveryLanguage({"스팸으로 판단되어 거부되었습니다"}, Reason::kSpamDetected);
}

// Guidance finds a wording row by the line its RuleRef names, and by its id
// when the line is missing or names another row: the same row either way.
TEST(ReasonRules, GuidanceFindsTheRowByLineOrById) {
  auto book = Book();
  ASSERT_NE(book, nullptr);
  ClassifyInput in;
  in.diagnostic = "550 5.7.1 Too many invalid recipients";
  const RuleRef by_classify = book->Classify(in).decided_by;
  ASSERT_EQ(by_classify.ToString(), "reason_rules.tsv:too-many-invalid-recipients");
  ASSERT_GT(by_classify.line, 0);
  const ReasonBook::RuleGuidance found = book->Guidance(by_classify);
  EXPECT_FALSE(found.summary.empty());
  EXPECT_FALSE(found.advice.empty());
  EXPECT_TRUE(found.has_suppress);
  for (int line : {0, by_classify.line + 1, 1000000}) {
    RuleRef ref = by_classify;
    ref.line = line;
    const ReasonBook::RuleGuidance again = book->Guidance(ref);
    EXPECT_EQ(again.summary, found.summary) << line;
    EXPECT_EQ(again.advice, found.advice) << line;
    EXPECT_EQ(again.has_suppress, found.has_suppress) << line;
  }
  RuleRef unknown = by_classify;
  unknown.row = "no-such-row";
  EXPECT_TRUE(book->Guidance(unknown).summary.empty());
}

}  // namespace
}  // namespace ndr
