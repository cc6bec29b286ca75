// CodeBook: the code tables are complete (seed reference, IANA registry),
// valid, and looked up with the documented precedence.
#include "ndr/codebook.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "knowledge/codebook_load.h"
#include "knowledge/embedded.h"

namespace ndr {
namespace {

std::shared_ptr<const CodeBook> Book() {
  static std::shared_ptr<const CodeBook> book = [] {
    std::string error;
    auto b = CodeBook::Load(&error);
    EXPECT_TRUE(b) << error;
    return b;
  }();
  return book;
}

EnhancedStatus S(const std::string& text) {
  EnhancedStatus s;
  EXPECT_TRUE(EnhancedStatus::Parse(text, &s)) << text;
  return s;
}

// Compares wording while ignoring what the seed's HTML conversion lost or
// mangled: <placeholders>, "(see rfcNNN)" / "[rfcNNN]" references, the "???"
// of a mis-encoded character, punctuation and case.
std::string Normalize(std::string text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 3, "???") == 0) {
      i += 2;
      continue;
    }
    if (text[i] == '<') {
      size_t end = text.find('>', i);
      if (end != std::string::npos) {
        i = end;
        continue;
      }
    }
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
  }
  // Drop "see rfc 876", "rfc1846".
  for (const char* word : {"see rfc", "rfc"}) {
    size_t pos;
    while ((pos = out.find(word)) != std::string::npos) {
      size_t end = pos + std::string(word).size();
      while (end < out.size() &&
             (out[end] == ' ' || std::isdigit(static_cast<unsigned char>(out[end]))))
        ++end;
      out.erase(pos, end - pos);
    }
  }
  std::string words;
  for (char c : out) {
    bool alnum = std::isalnum(static_cast<unsigned char>(c));
    if (alnum) {
      words += c;
    } else if (!words.empty() && words.back() != ' ') {
      words += ' ';
    }
  }
  while (!words.empty() && words.back() == ' ') words.pop_back();
  return words;
}

TEST(CodeBookTest, NormalizeIgnoresSeedDamage) {
  EXPECT_EQ(Normalize("Access denied (???a Sendmailism)"),
            Normalize("Access denied (a Sendmailism)"));
  EXPECT_EQ(Normalize("does not accept mail [rfc1846]"),
            Normalize("<domain> does not accept mail (see RFC 1846)"));
  EXPECT_EQ(Normalize("(nonstandard success response, see rfc876)"),
            Normalize("Nonstandard success response (see RFC 876)"));
  EXPECT_EQ(Normalize("Start mail input; end with ."),
            Normalize("Start mail input; end with <CRLF>.<CRLF>"));
  EXPECT_NE(Normalize("Not implemented"), Normalize("Command not implemented"));
}

TEST(CodeBookTest, LoadsEmbeddedTables) {
  ASSERT_TRUE(Book());
  EXPECT_GE(Book()->AllReplies().size(), 25u);
  EXPECT_GE(Book()->AllDigits().size(), 11u);
  EXPECT_GE(Book()->AllCommandReplies().size(), 100u);
  EXPECT_GE(Book()->AllStatuses().size(), 83u);
  EXPECT_GE(Book()->AllStatusParts().size(), 11u);
}

// ---------------------------------------------------------------------------
// The seed reference: every code, digit meaning and command grouping.

struct Seed {
  std::map<int, std::string> codes;                                           // numeric list
  std::map<std::pair<int, int>, std::pair<std::string, std::string>> digits;  // name, description
  std::vector<std::tuple<std::string, int, std::string>> command_codes;       // command, code, text
};

// Parses "- 550 – text" (an en dash between code and text).
bool ParseCodeLine(const std::string& line, int* code, std::string* text) {
  if (line.size() < 7 || line.compare(0, 2, "- ") != 0) return false;
  for (int i = 2; i < 5; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(line[i]))) return false;
  }
  *code = std::stoi(line.substr(2, 3));
  size_t dash = line.find("\xE2\x80\x93", 5);  // U+2013
  if (dash == std::string::npos) return false;
  *text = line.substr(dash + 3);
  while (!text->empty() && text->front() == ' ') text->erase(0, 1);
  return true;
}

bool LoadSeed(Seed* seed) {
  std::ifstream in(NDR_SOURCE_DIR "/../shared/reference/smtp-reply-codes.txt");
  if (!in) return false;
  enum { kIntro, kNumeric, kDigits, kCommands } section = kIntro;
  std::string line, command;
  std::pair<int, int> pending_digit{0, 0};
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find("IN NUMERIC ORDER") != std::string::npos) {
      section = kNumeric;
      continue;
    }
    if (line.find("INTERPRETING ERRORS") != std::string::npos) {
      section = kDigits;
      continue;
    }
    if (line.find("GROUPED BY COMMAND") != std::string::npos) {
      section = kCommands;
      continue;
    }
    if (line.compare(0, 2, "- ") != 0) continue;
    int code = 0;
    std::string text;
    if (section == kNumeric) {
      if (ParseCodeLine(line, &code, &text)) seed->codes[code] = text;
    } else if (section == kDigits) {
      std::string body = line.substr(2);
      // "1yz Name" or "x0z Name"; the next line is the description.
      if (body.size() > 4 && body[3] == ' ' &&
          ((std::isdigit(static_cast<unsigned char>(body[0])) && body.compare(1, 2, "yz") == 0) ||
           (body[0] == 'x' && std::isdigit(static_cast<unsigned char>(body[1])) &&
            body[2] == 'z'))) {
        pending_digit =
            body[0] == 'x' ? std::make_pair(2, body[1] - '0') : std::make_pair(1, body[0] - '0');
        seed->digits[pending_digit].first = body.substr(4);
      } else if (pending_digit.first != 0) {
        seed->digits[pending_digit].second = body;
        pending_digit = {0, 0};
      }
    } else if (section == kCommands) {
      if (ParseCodeLine(line, &code, &text)) {
        seed->command_codes.emplace_back(command, code, text);
      } else {
        std::string name = line.substr(2);
        if (name != "COMMAND" && name.find("Code") != 0) command = name;
      }
    }
  }
  return true;
}

TEST(CodeBookTest, EverySeedReplyCodeWithItsMeaning) {
  Seed seed;
  if (!LoadSeed(&seed)) GTEST_SKIP() << "smtp-reply-codes.txt not found";
  ASSERT_EQ(seed.codes.size(), 25u) << "the seed parser is out of step with the file";
  for (const auto& [code, text] : seed.codes) {
    const ReplyCodeInfo* info = Book()->Reply(code);
    ASSERT_NE(info, nullptr) << code;
    EXPECT_EQ(Normalize(info->meaning), Normalize(text)) << code << ": " << info->meaning;
    EXPECT_FALSE(info->plain.empty()) << code;
  }
  EXPECT_FALSE(Book()->Reply(200)->standard);
  EXPECT_NE(Book()->Reply(200)->source.find("876"), std::string::npos);
  EXPECT_NE(Book()->Reply(521)->source.find("1846"), std::string::npos);
  EXPECT_NE(Book()->Reply(530)->meaning.find("Sendmailism"), std::string::npos);
}

TEST(CodeBookTest, EverySeedDigitMeaning) {
  Seed seed;
  if (!LoadSeed(&seed)) GTEST_SKIP() << "smtp-reply-codes.txt not found";
  ASSERT_EQ(seed.digits.size(), 11u);
  for (const auto& [key, texts] : seed.digits) {
    const ReplyDigitInfo* info = Book()->Digit(key.first, key.second);
    ASSERT_NE(info, nullptr) << key.first << "/" << key.second;
    EXPECT_EQ(info->name, texts.first);
    EXPECT_EQ(Normalize(info->description), Normalize(texts.second)) << info->name;
  }
  EXPECT_EQ(Book()->Digit(2, 6), nullptr);
  EXPECT_EQ(Book()->Digit(3, 0), nullptr);
}

TEST(CodeBookTest, EverySeedCommandGrouping) {
  Seed seed;
  if (!LoadSeed(&seed)) GTEST_SKIP() << "smtp-reply-codes.txt not found";
  ASSERT_GE(seed.command_codes.size(), 100u);
  std::set<std::string> commands;
  for (const auto& [name, code, text] : seed.command_codes) {
    commands.insert(name);
    SmtpCommand command;
    ASSERT_TRUE(ParseSmtpCommand(name, &command)) << name;
    EXPECT_EQ(SmtpCommandName(command), name);
    bool found = false;
    for (const CommandReply& r : Book()->RepliesOf(command)) {
      if (r.code != code) continue;
      found = true;
      EXPECT_EQ(Normalize(r.meaning), Normalize(text)) << name << " " << code;
    }
    EXPECT_TRUE(found) << name << " " << code;
    EXPECT_TRUE(Book()->CommandMayReturn(command, code)) << name << " " << code;
  }
  EXPECT_EQ(commands.size(), 17u);  // CONNECT .. TURN
}

// ---------------------------------------------------------------------------
// The IANA registry: the spec, written out. Code, formal name, defining RFC.

struct RegistryCode {
  const char* code;  // subject.detail
  const char* title;
  const char* rfc;  // text the source must contain
};

const RegistryCode kRegistry[] = {
    {"0.0", "Other undefined Status", "RFC 3463"},
    {"1.0", "Other address status", "RFC 3463"},
    {"1.1", "Bad destination mailbox address", "RFC 3463"},
    {"1.2", "Bad destination system address", "RFC 3463"},
    {"1.3", "Bad destination mailbox address syntax", "RFC 3463"},
    {"1.4", "Destination mailbox address ambiguous", "RFC 3463"},
    {"1.5", "Destination address valid", "RFC 3463"},
    {"1.6", "Destination mailbox has moved, No forwarding address", "RFC 3463"},
    {"1.7", "Bad sender's mailbox address syntax", "RFC 3463"},
    {"1.8", "Bad sender's system address", "RFC 3463"},
    {"1.9", "Message relayed to non-compliant mailer", "RFC 3886"},
    {"1.10", "Recipient address has null MX", "RFC 7505"},
    {"2.0", "Other or undefined mailbox status", "RFC 3463"},
    {"2.1", "Mailbox disabled, not accepting messages", "RFC 3463"},
    {"2.2", "Mailbox full", "RFC 3463"},
    {"2.3", "Message length exceeds administrative limit", "RFC 3463"},
    {"2.4", "Mailing list expansion problem", "RFC 3463"},
    {"3.0", "Other or undefined mail system status", "RFC 3463"},
    {"3.1", "Mail system full", "RFC 3463"},
    {"3.2", "System not accepting network messages", "RFC 3463"},
    {"3.3", "System not capable of selected features", "RFC 3463"},
    {"3.4", "Message too big for system", "RFC 3463"},
    {"3.5", "System incorrectly configured", "RFC 3463"},
    {"3.6", "Requested priority was changed", "RFC 6710"},
    {"4.0", "Other or undefined network or routing status", "RFC 3463"},
    {"4.1", "No answer from host", "RFC 3463"},
    {"4.2", "Bad connection", "RFC 3463"},
    {"4.3", "Directory server failure", "RFC 3463"},
    {"4.4", "Unable to route", "RFC 3463"},
    {"4.5", "Mail system congestion", "RFC 3463"},
    {"4.6", "Routing loop detected", "RFC 3463"},
    {"4.7", "Delivery time expired", "RFC 3463"},
    {"5.0", "Other or undefined protocol status", "RFC 3463"},
    {"5.1", "Invalid command", "RFC 3463"},
    {"5.2", "Syntax error", "RFC 3463"},
    {"5.3", "Too many recipients", "RFC 3463"},
    {"5.4", "Invalid command arguments", "RFC 3463"},
    {"5.5", "Wrong protocol version", "RFC 3463"},
    {"5.6", "Authentication Exchange line is too long", "RFC 4954"},
    {"6.0", "Other or undefined media error", "RFC 3463"},
    {"6.1", "Media not supported", "RFC 3463"},
    {"6.2", "Conversion required and prohibited", "RFC 3463"},
    {"6.3", "Conversion required but not supported", "RFC 3463"},
    {"6.4", "Conversion with loss performed", "RFC 3463"},
    {"6.5", "Conversion Failed", "RFC 3463"},
    {"6.6", "Message content not available", "RFC 4468"},
    {"6.7", "Non-ASCII addresses not permitted for that sender/recipient", "RFC 6531"},
    {"6.8", "UTF-8 string reply is required, but not permitted by the SMTP client", "RFC 6531"},
    {"6.9",
     "UTF-8 header message cannot be transferred to one or more recipients, so the "
     "message must be rejected",
     "RFC 6531"},
    {"6.10", "(deprecated duplicate of X.6.8)", "RFC 6531"},
    {"7.0", "Other or undefined security status", "RFC 3463"},
    {"7.1", "Delivery not authorized, message refused", "RFC 3463"},
    {"7.2", "Mailing list expansion prohibited", "RFC 3463"},
    {"7.3", "Security conversion required but not possible", "RFC 3463"},
    {"7.4", "Security features not supported", "RFC 3463"},
    {"7.5", "Cryptographic failure", "RFC 3463"},
    {"7.6", "Cryptographic algorithm not supported", "RFC 3463"},
    {"7.7", "Message integrity failure", "RFC 3463"},
    {"7.8", "Authentication credentials invalid", "RFC 4954"},
    {"7.9", "Authentication mechanism is too weak", "RFC 4954"},
    {"7.10", "Encryption Needed", "RFC 5248"},
    {"7.11", "Encryption required for requested authentication mechanism", "RFC 4954"},
    {"7.12", "A password transition is needed", "RFC 4954"},
    {"7.13", "User Account Disabled", "RFC 5248"},
    {"7.14", "Trust relationship required", "RFC 5248"},
    {"7.15", "Priority Level is too low", "RFC 6710"},
    {"7.16", "Message is too big for the specified priority", "RFC 6710"},
    {"7.17", "Mailbox owner has changed", "RFC 7293"},
    {"7.18", "Domain owner has changed", "RFC 7293"},
    {"7.19", "RRVS test cannot be completed", "RFC 7293"},
    {"7.20", "No passing DKIM signature found", "RFC 7372"},
    {"7.21", "No acceptable DKIM signature found", "RFC 7372"},
    {"7.22", "No valid author-matched DKIM signature found", "RFC 7372"},
    {"7.23", "SPF validation failed", "RFC 7372"},
    {"7.24", "SPF validation error", "RFC 7372"},
    {"7.25", "Reverse DNS validation failed", "RFC 7372"},
    {"7.26", "Multiple authentication checks failed", "RFC 7372"},
    {"7.27", "Sender address has null MX", "RFC 7505"},
    {"7.28", "Mail flood detected", "IANA"},  // registered by expert review, not by an RFC
    {"7.29", "Arc validation failure", "RFC 8617"},
    {"7.30", "REQUIRETLS support required", "RFC 8689"},
};

TEST(CodeBookTest, EveryIanaCodeIsRegisteredWithItsRfc) {
  size_t registry_rows = 0;
  for (const StatusInfo& row : Book()->AllStatuses()) registry_rows += row.scope.empty();
  EXPECT_EQ(registry_rows, std::size(kRegistry)) << "a registry row is missing or extra";
  for (const RegistryCode& r : kRegistry) {
    for (const char* klass : {"2.", "4.", "5."}) {
      std::string text = std::string(klass) + r.code;
      StatusInfo info = Book()->Status(S(text));
      EXPECT_TRUE(info.registered) << text;
      EXPECT_TRUE(info.scope.empty()) << text;
      EXPECT_EQ(info.title, r.title) << text;
      EXPECT_NE(info.source.find(r.rfc), std::string::npos) << text << ": " << info.source;
      EXPECT_FALSE(info.meaning.empty()) << text;
      EXPECT_EQ(info.code, S(text));
    }
    EnhancedStatus x = S(std::string("5.") + r.code);
    x.klass = 0;
    ASSERT_NE(Book()->RegistryStatus(x), nullptr) << r.code;
  }
}

TEST(CodeBookTest, StatusClassesAndSubjects) {
  EXPECT_EQ(Book()->StatusClass(2)->title, "Success");
  EXPECT_EQ(Book()->StatusClass(4)->title, "Persistent Transient Failure");
  EXPECT_EQ(Book()->StatusClass(5)->title, "Permanent Failure");
  EXPECT_EQ(Book()->StatusClass(3), nullptr);
  for (int subject = 0; subject <= 7; ++subject) EXPECT_NE(Book()->StatusSubject(subject), nullptr);
  EXPECT_EQ(Book()->StatusSubject(1)->title, "Addressing Status");
  EXPECT_EQ(Book()->StatusSubject(16), nullptr);
}

TEST(CodeBookTest, FallbackForUnregisteredCodes) {
  StatusInfo info = Book()->Status(S("5.1.99"));
  EXPECT_FALSE(info.registered);
  EXPECT_EQ(info.meaning, "permanent failure, addressing problem, detail unknown");
  EXPECT_EQ(info.code, S("5.1.99"));
  EXPECT_TRUE(info.scope.empty());

  info = Book()->Status(S("4.16.55"));  // Yahoo's own subject, without the vendor
  EXPECT_FALSE(info.registered);
  EXPECT_EQ(info.meaning, "temporary failure, unregistered subject 16, detail unknown");

  info = Book()->Status(S("4.4.8"));  // MTA-STS at Microsoft; not registered
  EXPECT_FALSE(info.registered);
  EXPECT_FALSE(Book()->Status(S("5.7.31")).registered);
  EXPECT_EQ(Book()->RegistryStatus(S("5.7.31")), nullptr);
  EXPECT_TRUE(Book()->Status(EnhancedStatus()).meaning.empty());
}

TEST(CodeBookTest, VendorScopedLookup) {
  // Google's 5.7.27 is SPF; the registry's is "sender address has null MX".
  StatusInfo google = Book()->Status(S("5.7.27"), "google");
  StatusInfo registry = Book()->Status(S("5.7.27"));
  EXPECT_EQ(google.scope, "google");
  EXPECT_TRUE(google.registered);
  EXPECT_NE(google.meaning.find("SPF"), std::string::npos);
  EXPECT_EQ(registry.scope, "");
  EXPECT_EQ(registry.title, "Sender address has null MX");
  EXPECT_EQ(Book()->Status(S("4.7.27"), "google").scope, "google");
  // Unknown or unrelated vendor: the registry.
  EXPECT_EQ(Book()->Status(S("5.7.27"), "microsoft").scope, "");
  EXPECT_EQ(Book()->Status(S("5.7.27"), "nosuchvendor").scope, "");

  StatusInfo ms = Book()->Status(S("5.1.10"), "microsoft");
  EXPECT_EQ(ms.scope, "microsoft");
  EXPECT_EQ(ms.title, "RecipientNotFound");
  EXPECT_EQ(Book()->Status(S("5.1.10")).title, "Recipient address has null MX");

  // An exact class is required: Google defines 4.7.32 only.
  EXPECT_EQ(Book()->Status(S("4.7.32"), "google").scope, "google");
  EXPECT_FALSE(Book()->Status(S("5.7.32"), "google").registered);

  EXPECT_EQ(Book()->Status(S("4.16.55"), "yahoo").scope, "yahoo");
  EXPECT_TRUE(Book()->HasVendor("google"));
  EXPECT_FALSE(Book()->HasVendor("apple"));
  EXPECT_FALSE(Book()->HasVendor(""));
}

TEST(CodeBookTest, VendorRangesAndExactRowsInsideThem) {
  for (const char* code : {"5.7.606", "5.7.620", "5.7.649"}) {
    StatusInfo info = Book()->Status(S(code), "microsoft");
    EXPECT_EQ(info.scope, "microsoft") << code;
    EXPECT_NE(info.meaning.find("sender.office.com"), std::string::npos) << code;
    EXPECT_EQ(info.code, S(code));
    EXPECT_EQ(info.detail_to, 0);
  }
  EXPECT_FALSE(Book()->Status(S("5.7.605"), "microsoft").registered);
  EXPECT_FALSE(Book()->Status(S("5.7.650"), "microsoft").registered);
  // 4.7.650 is its own row inside the 4.7.500-699 range.
  EXPECT_EQ(Book()->Status(S("4.7.650"), "microsoft").title,
            "Temporarily rate limited due to IP reputation");
  EXPECT_EQ(Book()->Status(S("4.7.600"), "microsoft").title,
            "Access denied, please try again later");
  EXPECT_EQ(Book()->Status(S("5.7.705"), "microsoft").title, "Tenant has exceeded threshold");

  std::vector<const StatusInfo*> vendors = Book()->VendorStatuses(S("5.7.620"));
  ASSERT_EQ(vendors.size(), 1u);
  EXPECT_EQ(vendors[0]->scope, "microsoft");
  EXPECT_EQ(vendors[0]->detail_to, 649);
  EXPECT_TRUE(Book()->VendorStatuses(S("5.1.1")).empty());
  EXPECT_EQ(Book()->VendorStatuses(S("5.7.26")).size(), 1u);  // google
}

TEST(CodeBookTest, VendorRowsNamedInTheBrief) {
  const std::vector<std::pair<const char*, std::vector<const char*>>> expected = {
      {"google", {"4.7.27", "5.7.27", "4.7.29", "4.7.30", "5.7.30", "4.7.32", "4.7.24", "5.7.24"}},
      {"microsoft", {"5.1.10",  "5.1.351", "5.4.1",   "5.7.606", "5.7.649", "5.7.511", "5.7.513",
                     "5.7.515", "5.7.509", "5.7.705", "5.7.708", "5.7.750", "4.7.650", "4.7.652",
                     "5.2.121", "5.2.122", "5.4.300", "5.4.312", "5.4.316", "5.4.317", "5.7.321",
                     "5.7.322", "5.7.323", "5.7.324", "5.7.325", "4.4.8",   "5.4.8",   "5.7.57",
                     "5.7.64",  "5.7.124", "5.7.133", "5.7.134", "5.7.135", "5.7.136", "5.6.11"}},
      {"yahoo", {"4.16.55"}},
  };
  for (const auto& [vendor, codes] : expected) {
    for (const char* code : codes) {
      StatusInfo info = Book()->Status(S(code), vendor);
      EXPECT_EQ(info.scope, vendor) << code;
      EXPECT_FALSE(info.title.empty()) << code;
      EXPECT_FALSE(info.source.empty()) << code;
    }
  }
}

TEST(CodeBookTest, ScopesAreKnownVendorIds) {
  const std::set<std::string> known = {
      "google",     "microsoft",   "yahoo",      "apple",    "comcast",   "cox",
      "spectrum",   "orange",      "gmx",        "mailru",   "yandex",    "tencent",
      "zoho",       "godaddy",     "proofpoint", "mimecast", "barracuda", "cisco",
      "cloudflare", "messagelabs", "kddi",       "docomo",   "amazonses"};
  for (const StatusInfo& row : Book()->AllStatuses()) {
    if (row.scope.empty()) continue;
    EXPECT_TRUE(known.count(row.scope)) << row.scope;
  }
}

// ---------------------------------------------------------------------------
// Commands.

TEST(CodeBookTest, CommandMayReturn) {
  EXPECT_TRUE(Book()->CommandMayReturn(SmtpCommand::kRcpt, 550));
  EXPECT_FALSE(Book()->CommandMayReturn(SmtpCommand::kData, 550));
  EXPECT_TRUE(Book()->CommandMayReturn(SmtpCommand::kDataEnd, 550));  // policy rejection
  EXPECT_TRUE(Book()->CommandMayReturn(SmtpCommand::kEhlo, 550));
  EXPECT_FALSE(Book()->CommandMayReturn(SmtpCommand::kData, 250));
  EXPECT_TRUE(Book()->CommandMayReturn(SmtpCommand::kDataEnd, 250));
  EXPECT_TRUE(Book()->CommandMayReturn(SmtpCommand::kStartTls, 454));
  EXPECT_TRUE(Book()->CommandMayReturn(SmtpCommand::kAuth, 535));
  EXPECT_TRUE(Book()->CommandMayReturn(SmtpCommand::kBdat, 250));
  EXPECT_TRUE(Book()->CommandMayReturn(SmtpCommand::kUnknown, 599));
  EXPECT_FALSE(Book()->CommandMayReturn(SmtpCommand::kRcpt, 599));

  bool ehlo_550 = false;
  for (const CommandReply& r : Book()->RepliesOf(SmtpCommand::kEhlo)) {
    if (r.code == 550) {
      ehlo_550 = true;
      EXPECT_EQ(r.meaning, "Not implemented");
    }
  }
  EXPECT_TRUE(ehlo_550);

  std::vector<SmtpCommand> commands = Book()->CommandsReturning(354);
  ASSERT_EQ(commands.size(), 1u);
  EXPECT_EQ(commands[0], SmtpCommand::kData);
  EXPECT_TRUE(Book()->CommandsReturning(599).empty());
  // Every command has rows.
  for (int c = 1; c < kSmtpCommandCount; ++c) {
    EXPECT_FALSE(Book()->RepliesOf(static_cast<SmtpCommand>(c)).empty())
        << SmtpCommandName(static_cast<SmtpCommand>(c));
  }
}

TEST(CodeBookTest, CodesOutsideTheSeed) {
  for (int code : {235, 252, 334, 432, 453, 454, 455, 458, 459, 523, 525, 534, 538, 555, 556}) {
    EXPECT_NE(Book()->Reply(code), nullptr) << code;
  }
  EXPECT_EQ(Book()->Reply(599), nullptr);
  EXPECT_EQ(Book()->Reply(42), nullptr);
  EXPECT_EQ(Book()->Reply(1000), nullptr);
  EXPECT_NE(Book()->Reply(556)->source.find("7504"), std::string::npos);
  EXPECT_NE(Book()->Reply(521)->source.find("7504"), std::string::npos);
  EXPECT_NE(Book()->Reply(523)->source.find("5248"), std::string::npos);
}

// ---------------------------------------------------------------------------
// Validity.

TEST(CodeBookTest, NoDuplicates) {
  std::set<int> replies;
  for (const ReplyCodeInfo& r : Book()->AllReplies())
    EXPECT_TRUE(replies.insert(r.code).second) << r.code;
  std::set<std::pair<int, int>> digits;
  for (const ReplyDigitInfo& d : Book()->AllDigits()) {
    EXPECT_TRUE(digits.insert({d.position, d.digit}).second);
  }
  std::set<std::pair<SmtpCommand, int>> pairs;
  for (const CommandReply& c : Book()->AllCommandReplies()) {
    EXPECT_TRUE(pairs.insert({c.command, c.code}).second)
        << SmtpCommandName(c.command) << " " << c.code;
    EXPECT_NE(Book()->Reply(c.code), nullptr) << c.code;
  }
  std::set<std::tuple<std::string, int, int, int>> statuses;
  for (const StatusInfo& s : Book()->AllStatuses()) {
    EXPECT_TRUE(statuses.insert({s.scope, s.code.klass, s.code.subject, s.code.detail}).second)
        << s.scope << " " << s.code.subject << "." << s.code.detail;
  }
}

// Loads the embedded tables with one of them replaced.
std::shared_ptr<const CodeBook> LoadWith(const std::string& name, const std::string& content,
                                         std::string* error) {
  return internal::LoadCodeBook(
      [&](std::string_view table) -> std::string_view {
        if (table == name) return content;
        return internal::EmbeddedTableContent(table);
      },
      error);
}

int LineCount(std::string_view text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

TEST(CodeBookTest, BadRowsAreReportedWithFileAndLine) {
  struct Case {
    const char* table;
    const char* row;
    const char* message;
  };
  const Case cases[] = {
      {"reply_codes.tsv", "650\tx\ty\tRFC 1\tyes\t", "is not a reply code"},
      {"reply_codes.tsv", "550\tx\ty\tRFC 1\tyes\t", "duplicate reply code 550"},
      {"reply_codes.tsv", "560\tx\ty\tRFC 1\tmaybe\t", "standard must be"},
      {"command_replies.tsv", "FETCH\t250\tx\tRFC 1", "unknown command 'FETCH'"},
      {"command_replies.tsv", "rcpt\t250\tx\tRFC 1", "unknown command 'rcpt'"},
      {"command_replies.tsv", "RCPT\t550\tx\tRFC 1", "duplicate row for RCPT 550"},
      {"command_replies.tsv", "RCPT\t599\tx\tRFC 1", "599 is not in data/reply_codes.tsv"},
      {"enhanced_status.tsv", "5.1\t\t\tt\tm\tRFC 1\t", "is not an enhanced status code"},
      {"enhanced_status.tsv", "X.1.1\t\t\tt\tm\tRFC 1\t", "duplicate row for X.1.1"},
      {"enhanced_status.tsv", "5.7.27\t\tgoogle\tt\tm\tRFC 1\t", "in scope google"},
      {"enhanced_status.tsv", "5.7.27\t\tGoogle\tt\tm\tRFC 1\t", "is not a vendor id"},
      {"enhanced_status.tsv", "5.7.640\t700\tmicrosoft\tt\tm\tRFC 1\t", "overlaps"},
      {"enhanced_status.tsv", "5.7.640\t600\tmicrosoft\tt\tm\tRFC 1\t", "detail_to"},
      {"enhanced_status.tsv", "5.7.99\t\t\t\tm\tRFC 1\t", "must not be empty"},
      {"reply_digits.tsv", "3\t1\tn\td\tp", "position must be 1 or 2"},
      {"status_classes.tsv", "class\t3\tt\tm\td\tRFC 1", "class value must be 2, 4 or 5"},
  };
  for (const Case& c : cases) {
    std::string content(internal::EmbeddedTableContent(c.table));
    ASSERT_FALSE(content.empty()) << c.table;
    int line = LineCount(content) + 1;
    content += std::string(c.row) + "\n";
    std::string error;
    EXPECT_EQ(LoadWith(c.table, content, &error), nullptr) << c.row;
    EXPECT_EQ(error.rfind("data/" + std::string(c.table) + ":" + std::to_string(line) + ": ", 0),
              0u)
        << error;
    EXPECT_NE(error.find(c.message), std::string::npos) << error;
  }
}

TEST(CodeBookTest, MissingSeedCodeOrTableFailsTheLoad) {
  std::string content(internal::EmbeddedTableContent("reply_codes.tsv"));
  size_t pos = content.find("\n535\t");
  ASSERT_NE(pos, std::string::npos);
  content.erase(pos + 1, content.find('\n', pos + 1) - pos);
  std::string error;
  EXPECT_EQ(LoadWith("reply_codes.tsv", content, &error), nullptr);
  EXPECT_NE(error.find("535"), std::string::npos) << error;

  EXPECT_EQ(LoadWith("status_classes.tsv", "", &error), nullptr);
  EXPECT_EQ(error, "data/status_classes.tsv: table not compiled into the binary");
}

TEST(CodeBookTest, LookupsAreCheap) {
  // Called per recipient in batch scans: a million mixed lookups stay well
  // under a second even in a debug build.
  const EnhancedStatus codes[] = {S("5.1.1"), S("5.7.26"), S("5.7.620"), S("4.16.55"), S("5.1.99")};
  auto start = std::chrono::steady_clock::now();
  size_t sink = 0;
  for (int i = 0; i < 200000; ++i) {
    for (const EnhancedStatus& c : codes)
      sink += Book()->Status(c, i % 2 ? "microsoft" : "").meaning.size();
    sink += Book()->CommandMayReturn(SmtpCommand::kRcpt, 550 + i % 5);
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GT(sink, 0u);
#ifdef NDR_SANITIZED
  EXPECT_LT(seconds, 25.0);  // ASan and UBSan make every call several times slower
#else
  EXPECT_LT(seconds, 5.0);
#endif
}

}  // namespace
}  // namespace ndr
