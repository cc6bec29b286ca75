// ReasonBook: the reason table, vendor detection, hard/soft, blocklists and the
// text helpers used before matching.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "knowledge/embedded.h"
#include "knowledge/tsv.h"
#include "ndr/reasons.h"
#include "shared_analyzer.h"

namespace ndr {
namespace {

std::shared_ptr<const ReasonBook> Book() { return ndr_test::TheReasonBook(); }

EnhancedStatus S(const char* text) {
  EnhancedStatus s;
  EXPECT_TRUE(EnhancedStatus::Parse(text, &s)) << text;
  return s;
}

TEST(ReasonBook, LoadsAndReportsNoError) {
  std::string error;
  auto book = ReasonBook::Load(&error);
  ASSERT_NE(book, nullptr) << error;
  EXPECT_TRUE(error.empty());
}

TEST(ReasonsTable, EveryReasonHasACompleteRow) {
  auto book = Book();
  ASSERT_NE(book, nullptr);
  for (int i = 0; i < kReasonCount; ++i) {
    Reason r = static_cast<Reason>(i);
    const ReasonInfo& info = book->Info(r);
    EXPECT_EQ(info.reason, r) << ReasonName(r);
    EXPECT_FALSE(info.summary.empty()) << ReasonName(r);
    EXPECT_FALSE(info.advice.empty()) << ReasonName(r);
  }
}

TEST(ReasonsTable, EveryCellIsFilledAndValid) {
  internal::TsvTable t;
  std::string error;
  ASSERT_TRUE(internal::LoadEmbeddedTsv(
      "reasons.tsv", {"reason", "summary", "actor", "retry", "suppress", "hard", "advice", "blocklist", "needs_recipient"}, &t,
      &error))
      << error;
  std::set<std::string> seen;
  for (const auto& row : t.rows) {
    for (std::string_view column :
         {"reason", "summary", "actor", "retry", "suppress", "hard", "advice", "blocklist", "needs_recipient"}) {
      EXPECT_FALSE(t.Cell(row, column).empty()) << t.Where(row, std::string(column) + " is empty");
    }
    Reason r;
    EXPECT_TRUE(ParseReason(t.Cell(row, "reason"), &r)) << t.Where(row, "reason");
    EXPECT_TRUE(seen.insert(std::string(t.Cell(row, "reason"))).second) << t.Where(row, "duplicate");
    Actor a;
    EXPECT_TRUE(ParseActor(t.Cell(row, "actor"), &a)) << t.Where(row, "actor");
    Retry rt;
    EXPECT_TRUE(ParseRetry(t.Cell(row, "retry"), &rt)) << t.Where(row, "retry");
    std::string_view suppress = t.Cell(row, "suppress");
    EXPECT_TRUE(suppress == "yes" || suppress == "no") << t.Where(row, "suppress");
    std::string_view hard = t.Cell(row, "hard");
    EXPECT_TRUE(hard == "yes" || hard == "no" || hard == "5xx") << t.Where(row, "hard");
    std::string_view needs = t.Cell(row, "needs_recipient");
    EXPECT_TRUE(needs == "yes" || needs == "no") << t.Where(row, "needs_recipient");
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(kReasonCount));
}

TEST(ReasonsTable, HardSetIsSisimais) {
  auto book = Book();
  std::set<Reason> hard;
  for (int i = 0; i < kReasonCount; ++i) {
    if (book->Info(static_cast<Reason>(i)).hard) hard.insert(static_cast<Reason>(i));
  }
  EXPECT_EQ(hard, (std::set<Reason>{Reason::kUserUnknown, Reason::kHostUnknown, Reason::kHasMoved,
                                    Reason::kNotAccept}));
  EXPECT_TRUE(book->Info(Reason::kNotAccept).hard_needs_permanent);
  EXPECT_FALSE(book->Info(Reason::kUserUnknown).hard_needs_permanent);
}

TEST(ReasonsTable, RetryAndSuppressFollowTheReason) {
  auto book = Book();
  EXPECT_EQ(book->Info(Reason::kUserUnknown).retry, Retry::kNever);
  EXPECT_TRUE(book->Info(Reason::kUserUnknown).suppress);
  EXPECT_EQ(book->Info(Reason::kMailboxFull).retry, Retry::kLater);
  EXPECT_FALSE(book->Info(Reason::kMailboxFull).suppress);
  EXPECT_EQ(book->Info(Reason::kMailboxFull).actor, Actor::kRecipient);
  EXPECT_EQ(book->Info(Reason::kBlocked).actor, Actor::kSenderAdmin);
  EXPECT_FALSE(book->Info(Reason::kBlocked).suppress);
  EXPECT_FALSE(book->Info(Reason::kExpired).suppress);
  EXPECT_TRUE(book->Info(Reason::kFeedback).suppress);
}

TEST(HardBounce, FollowsTheReasonNotTheFirstDigit) {
  auto book = Book();
  EXPECT_TRUE(book->IsHardBounce(Reason::kUserUnknown, 550, S("5.1.1")));
  EXPECT_TRUE(book->IsHardBounce(Reason::kUserUnknown, 450, S("4.1.1")));
  EXPECT_TRUE(book->IsHardBounce(Reason::kHostUnknown, 0, {}));
  EXPECT_TRUE(book->IsHardBounce(Reason::kHasMoved, 551, {}));
  EXPECT_FALSE(book->IsHardBounce(Reason::kMailboxFull, 552, S("5.2.2")));
  EXPECT_FALSE(book->IsHardBounce(Reason::kBlocked, 554, S("5.7.1")));
  EXPECT_FALSE(book->IsHardBounce(Reason::kAuthFailure, 550, S("5.7.26")));
}

TEST(HardBounce, NotAcceptOnlyWhenPermanent) {
  auto book = Book();
  EXPECT_TRUE(book->IsHardBounce(Reason::kNotAccept, 556, S("5.1.10")));
  EXPECT_TRUE(book->IsHardBounce(Reason::kNotAccept, 550, {}));
  EXPECT_TRUE(book->IsHardBounce(Reason::kNotAccept, 0, S("5.3.2")));
  EXPECT_FALSE(book->IsHardBounce(Reason::kNotAccept, 421, S("4.3.2")));
  // No code at all: nothing says it is temporary.
  EXPECT_TRUE(book->IsHardBounce(Reason::kNotAccept, 0, {}));
  // The status class decides when both are given.
  EXPECT_FALSE(book->IsHardBounce(Reason::kNotAccept, 550, S("4.4.4")));
}

struct VendorCase {
  std::vector<std::string> hosts;
  std::string text;
  std::string want;
};

TEST(DetectVendor, TableDriven) {
  auto book = Book();
  const std::vector<VendorCase> cases = {
      {{"gmail-smtp-in.l.google.com"}, "", "google"},
      {{"ALT1.ASPMX.L.GOOGLE.COM."}, "", "google"},
      {{"dns; aspmx.l.google.com"}, "", "google"},
      {{"gmail.com"}, "", "google"},
      {{"notgoogle.com"}, "", ""},
      {{"google.com.example.net"}, "", ""},
      {{"example-com.mail.protection.outlook.com"}, "", "microsoft"},
      {{"hotmail-com.olc.protection.outlook.com"}, "", "microsoft"},
      {{"jo@hotmail.com"}, "", "microsoft"},
      {{"mta7.am0.yahoodns.net"}, "", "yahoo"},
      {{"aol.com"}, "", "yahoo"},
      {{"mx01.mail.icloud.com"}, "", "apple"},
      {{"mx1.comcast.net"}, "", "comcast"},
      {{"cxr.mx.a.cloudfilter.net"}, "", "cox"},
      {{"charter.net"}, "", "spectrum"},
      {{"smtp-in.orange.fr"}, "", "orange"},
      {{"mx00.gmx.net"}, "", "gmx"},
      {{"mxs.mail.ru"}, "", "mailru"},
      {{"mx.yandex.ru"}, "", "yandex"},
      {{"mx3.qq.com"}, "", "tencent"},
      {{"mx.zoho.com"}, "", "zoho"},
      {{"mailstore1.secureserver.net"}, "", "godaddy"},
      {{"mx0a-001.pphosted.com"}, "", "proofpoint"},
      {{"us-smtp-inbound-1.mimecast.com"}, "", "mimecast"},
      {{"d12.ess.barracudanetworks.com"}, "", "barracuda"},
      {{"esa1.example.iphmx.com"}, "", "cisco"},
      {{"route1.mx.cloudflare.net"}, "", "cloudflare"},
      {{"cluster1.eu.messagelabs.com"}, "", "messagelabs"},
      {{"ezweb.ne.jp"}, "", "kddi"},
      {{"mfsmax.docomo.ne.jp"}, "", "docomo"},
      {{"a1-2.smtp-out.amazonses.com"}, "", "amazonses"},
      // Empty hosts match nothing, and nothing is the answer when nothing says more.
      {{""}, "", ""},
      {{"", " "}, "", ""},
      {{}, "", ""},
      {{"mx.example.com"}, "550 5.1.1 user unknown", ""},
      // The first host that matches wins, in the order given.
      {{"mx.example.com", "gmail.com"}, "", "google"},
      {{"mx1.comcast.net", "gmail.com"}, "", "comcast"},
      // Markers in the words when no host says anything.
      {{""}, "550-5.1.1 The email account does not exist. a1si.0 - gsmtp", "google"},
      {{"mx.example.com"}, "see https://sender.office.com/", "microsoft"},
      {{}, "554 rejected AUP#CXBL", "cox"},
      {{}, "550 5.1.0 sender rejected IB508 <http://x.co/srbounce>", "godaddy"},
      // Markers in any case; with two vendors' markers the first vendor of the table wins.
      {{}, "SEE HTTPS://SENDER.OFFICE.COM/", "microsoft"},
      {{}, "see https://sender.office.com/ 550-5.1.1 a1si.0 - gsmtp", "google"},
      // A host in a domain a vendor lists, at any depth; not a name that only ends like it.
      {{"a.b.c.d.googlemail.com"}, "", "google"},
      {{"mx.xgooglemail.com"}, "", ""},
  };
  for (const VendorCase& c : cases) {
    std::vector<std::string_view> hosts(c.hosts.begin(), c.hosts.end());
    EXPECT_EQ(book->DetectVendor(hosts, c.text), c.want)
        << (c.hosts.empty() ? std::string("(no hosts)") : c.hosts[0]) << " / " << c.text;
  }
}

TEST(DetectVendor, EverySampleNamesItsVendor) {
  auto book = Book();
  internal::TsvTable t;
  std::string error;
  ASSERT_TRUE(internal::LoadEmbeddedTsv("vendors.tsv", {"vendor", "hosts", "sample"}, &t, &error)) << error;
  for (const auto& row : t.rows) {
    std::string id(t.Cell(row, "vendor"));
    EXPECT_EQ(book->VendorOfWords(t.Cell(row, "sample")), id) << t.Where(row, "sample names another vendor");
    std::string_view hosts = t.Cell(row, "hosts");
    EXPECT_EQ(book->VendorOfHost(hosts.substr(0, hosts.find(' '))), id) << t.Where(row, "first host");
  }
}

TEST(DetectVendor, MarkersAreFoundTheSameInTextsThatAreNotAscii) {
  // ASCII texts are searched by WordFinder, the others by the RE2::Set:
  // each vendor's sample gives the same vendor either way, in any case.
  auto book = Book();
  internal::TsvTable t;
  std::string error;
  ASSERT_TRUE(internal::LoadEmbeddedTsv("vendors.tsv", {"vendor", "sample"}, &t, &error)) << error;
  for (const auto& row : t.rows) {
    std::string sample(t.Cell(row, "sample"));
    std::string_view ascii = book->VendorOfWords(sample);
    EXPECT_FALSE(ascii.empty()) << sample;
    EXPECT_EQ(book->VendorOfWords("Zustellung f\xC3\xBCr " + sample), ascii) << sample;
    std::string upper = sample;
    for (char& c : upper) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    EXPECT_EQ(book->VendorOfWords(upper), ascii) << sample;
  }
  EXPECT_EQ(book->VendorOfWords("550-5.1.1 Das Konto gibt es nicht \xE2\x80\x93 a1si.0 - GSMTP"), "google");
  EXPECT_EQ(book->VendorOfWords("550 5.1.1 \xE2\x80\x93 user unknown"), "");
  EXPECT_EQ(book->VendorOfWords("550 5.1.1 user unknown"), "");
}

TEST(DetectVendor, OutgoingHostsNamedInAReplyAreNotTheReceivingSide) {
  auto book = Book();
  // A Postfix blocking the sender's provider names that provider's host.
  EXPECT_EQ(book->VendorOfWords("554 5.7.1 Service unavailable; Client host "
                                "[mail-dm6nam10on2101.outbound.protection.outlook.com] blocked using zen.spamhaus.org"),
            "");
  EXPECT_EQ(book->VendorOfWords("554 5.7.1 Client host [a8-30.smtp-out.amazonses.com] blocked using bl.example"), "");
  // The receiving tenant's own server tag does name Microsoft.
  EXPECT_EQ(book->VendorOfWords("550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. "
                                "[AM0PR01MB1234.eurprd01.prod.outlook.com]"),
            "microsoft");
  EXPECT_EQ(book->VendorOfHost("dns; MX.Example.COM."), "");
  EXPECT_EQ(book->VendorOfHost("jo@GMail.com"), "google");
}

// The host is the part after the last '@', without brackets, a trailing
// dot or a comment; it or a domain it is in (on a label boundary) is looked up.
TEST(DetectVendor, HostFormsAndSuffixesOnLabelBoundaries) {
  auto book = Book();
  const struct {
    const char* host;
    const char* vendor;
  } cases[] = {
      {"MX.GMAIL.COM", "google"},
      {"gmail.com", "google"},
      {"gmail.com.", "google"},
      {"[aspmx.l.google.com]", "google"},
      {"<jo@gmail.com>", "google"},
      {"a@b@gmail.com", "google"},
      {"gmail.com@example.org", ""},
      {"dns; mx1.hotmail.com (10.0.0.1)", "microsoft"},
      {"dns;eur.protection.outlook.com\t(x)", "microsoft"},
      {"mx.example.org (gmail.com)", ""},
      {"notgmail.com", ""},
      {"mx.notgmail.com", ""},
      {"gmail.com.example.org", ""},
      {"x..gmail.com", "google"},
      {".gmail.com", "google"},
      {"com", ""},
      {".", ""},
      {"", ""},
  };
  for (const auto& c : cases) EXPECT_EQ(book->VendorOfHost(c.host), c.vendor) << c.host;
}

TEST(DetectVendor, EveryVendorIdOfTheBriefExists) {
  auto book = Book();
  for (const char* id : {"google", "microsoft", "yahoo", "apple", "comcast", "cox", "spectrum", "orange", "gmx",
                         "mailru", "yandex", "tencent", "zoho", "godaddy", "proofpoint", "mimecast", "barracuda",
                         "cisco", "cloudflare", "messagelabs", "kddi", "docomo", "amazonses"}) {
    EXPECT_FALSE(book->VendorName(id).empty()) << id;
    EXPECT_FALSE(book->VendorUrl(id).empty()) << id;
  }
  EXPECT_EQ(book->VendorName("google"), "Gmail");
  EXPECT_TRUE(book->VendorName("").empty());
  EXPECT_TRUE(book->VendorName("nosuchvendor").empty());
}

TEST(Blocklists, NamedListIsFound) {
  auto book = Book();
  const BlocklistInfo* b =
      book->FindBlocklist("554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->id, "spamhaus-zen");
  EXPECT_EQ(b->lookup, "https://check.spamhaus.org/");
  b = book->FindBlocklist("521 5.7.1 client blocked using dnsbl.sorbs.net");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->id, "sorbs");
  EXPECT_EQ(b->who, "recipient-admin");
  b = book->FindBlocklist("blocked using Barracuda Reputation; http://www.barracudanetworks.com/reputation/");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->id, "barracuda");
  b = book->FindBlocklist("553 5.7.1 blocked using cbl.abuseat.org");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->id, "spamhaus-xbl");
  EXPECT_EQ(book->FindBlocklist("550 5.1.1 user unknown"), nullptr);
  EXPECT_EQ(book->FindBlocklist(""), nullptr);
}

// Spamhaus's lists spelled out, or a domain said to be listed: a domain
// listing must not read as the IP list ZEN.
TEST(Blocklists, SpamhausListsByTheirNamesOrWhatIsListed) {
  auto book = Book();
  const std::pair<const char*, const char*> cases[] = {
      {"554 5.7.1 Rejected: sender domain example.com is listed in the Spamhaus Domain Block List", "spamhaus-dbl"},
      {"550 5.7.1 192.0.2.7 is on the Spamhaus Policy Block List (PBL)", "spamhaus-pbl"},
      {"550 rejected: your host is listed in the Exploits Block List, see spamhaus.org", "spamhaus-xbl"},
      {"554 blocked: 192.0.2.7 listed in the Spamhaus Block List", "spamhaus-sbl"},
      {"550 5.1.0 MailFrom domain is listed in Spamhaus. To request removal see spamhaus.org", "spamhaus-dbl"},
      {"554 5.7.1 sender domain example.com listed by Spamhaus", "spamhaus-dbl"},
      {"554 rejected because of a Spamhaus listing", "spamhaus-zen"},
      {"554 5.7.1 Client host [192.0.2.7] is listed in Spamhaus", "spamhaus-zen"},
  };
  for (const auto& [text, id] : cases) {
    const BlocklistInfo* b = book->FindBlocklist(text);
    ASSERT_NE(b, nullptr) << text;
    EXPECT_EQ(b->id, id) << text;
  }
}

// ISPs that name their lists by a code of their own: Comcast's BL000abc bit
// field (c Spamhaus ZEN, b Cloudmark CSI, a SenderScore, BL000000 its own
// list) and AT&T's "DNSBL:RBL 521" / "DNSBL:ATTRBL 521".
TEST(Blocklists, ComcastBitsAndAttLists) {
  auto book = Book();
  const std::pair<const char*, const char*> cases[] = {
      {"554 mx.example.net comcast 192.0.2.7 found on one or more DNSBLs, see smtp-error-codes.php#BL000001",
       "spamhaus-zen"},
      {"554 mx.example.net comcast 192.0.2.7 found on one or more DNSBLs, see smtp-error-codes.php#BL000010",
       "cloudmark"},
      {"554 comcast 192.0.2.7 found on one or more DNSBLs, see smtp-error-codes.php#BL000100", "senderscore"},
      {"554 comcast 192.0.2.7 found on one or more DNSBLs, see smtp-error-codes.php#BL000011", "spamhaus-zen"},
      {"554 comcast 192.0.2.7 Comcast block for spam. Please see smtp-error-codes.php#BL000000", "comcast"},
      {"553 5.3.0 mtaq12 DNSBL:RBL 521< 192.0.2.7 >_is_blocked.For assistance forward this error to "
       "abuse_rbl@abuse-att.net",
       "att"},
      {"553 5.3.0 mtaq12 DNSBL:ATTRBL 521< 192.0.2.7 >_is_blocked.", "att"},
  };
  for (const auto& [text, id] : cases) {
    const BlocklistInfo* b = book->FindBlocklist(text);
    ASSERT_NE(b, nullptr) << text;
    EXPECT_EQ(b->id, id) << text;
  }
  // A code of the same shape that names no list bit.
  EXPECT_EQ(book->FindBlocklist("554 rejected BL000200"), nullptr);
}

TEST(Blocklists, EverySampleNamesItsOwnRow) {
  auto book = Book();
  internal::TsvTable t;
  std::string error;
  ASSERT_TRUE(internal::LoadEmbeddedTsv("blocklists.tsv", {"id", "pattern", "sample"}, &t, &error)) << error;
  for (const auto& row : t.rows) {
    std::string_view sample = t.Cell(row, "sample");
    ASSERT_FALSE(sample.empty()) << t.Where(row, "no sample");
    const BlocklistInfo* b = book->FindBlocklist(sample);
    ASSERT_NE(b, nullptr) << t.Where(row, "sample names no list");
    EXPECT_EQ(b->id, t.Cell(row, "id")) << t.Where(row, "an earlier row shadows this one");
  }
}

TEST(RuleAdvice, ByRuleId) {
  auto book = Book();
  EXPECT_FALSE(book->RuleAdvice({RuleTable::kReasonRules, "google-auth", "google", 0}).empty());
  EXPECT_TRUE(book->RuleAdvice({RuleTable::kReasonRules, "full-mailbox", "generic", 0}).empty());
  EXPECT_TRUE(book->RuleAdvice({RuleTable::kReasonRules, "no-such-row", "generic", 0}).empty());
  // Another table's row of the same name is not a wording rule.
  EXPECT_TRUE(book->RuleAdvice({RuleTable::kStatusDefaults, "google-auth", "google", 0}).empty());
  EXPECT_TRUE(book->RuleAdvice(RuleRef()).empty());
}

}  // namespace
}  // namespace ndr
