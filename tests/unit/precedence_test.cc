// The reason book's precedence (data/precedence.tsv), its typed provenance,
// the sentence table (data/explanations.tsv) and the template filler, and a
// pattern-matching failure that must surface as a problem (issue 6).
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "knowledge/rule_set.h"
#include "knowledge/template.h"
#include "knowledge/tsv.h"
#include "ndr/reasons.h"
#include "shared_analyzer.h"
#include "ndr/verdict.h"

namespace ndr {
namespace {

std::shared_ptr<const ReasonBook> Book() { return ndr_test::TheReasonBook(); }

TEST(Template, FillsPlaceholdersAndDropsOptionalParts) {
  using internal::FillTemplate;
  EXPECT_EQ(FillTemplate("status {status} (success)", {{"status", "2.0.0"}}), "status 2.0.0 (success)");
  EXPECT_EQ(FillTemplate("a report[, type {t}]", {{"t", "abuse"}}), "a report, type abuse");
  EXPECT_EQ(FillTemplate("a report[, type {t}]", {{"t", ""}}), "a report");
  EXPECT_EQ(FillTemplate("a report[, type {t}]", {}), "a report");
  EXPECT_EQ(FillTemplate("x[, quoted{q?}]", {{"q", "yes"}}), "x, quoted");
  EXPECT_EQ(FillTemplate("x[, quoted{q?}]", {{"q", ""}}), "x");
  EXPECT_EQ(FillTemplate("no close {brace", {}), "no close {brace");
  // An optional part after another, a dropped one between kept text, and a
  // named list of values used twice (its values live as long as it does).
  internal::TemplateValues values = {{"a", "A long value that does not fit a short string"}, {"b", ""}};
  EXPECT_EQ(FillTemplate("x[ {a}][ and {b}] y[ {a}!]", values),
            "x A long value that does not fit a short string y A long value that does not fit a short string!");
  EXPECT_EQ(FillTemplate("[{b} and {a}]z", values), "z");
  std::vector<std::string_view> names = internal::TemplatePlaceholders("{a} [{b?}] {c}");
  EXPECT_EQ(names, (std::vector<std::string_view>{"a", "b", "c"}));
}

// A template read once fills as FillTemplate does, each time, also after it
// was copied (its pieces are offsets into its own text), and on the odd
// texts: an unclosed bracket or brace, a brace across a bracket, "{}".
TEST(Template, ReadOnceFillsAsFillTemplate) {
  internal::TemplateValues values = {{"a", "A"}, {"b", ""}};
  for (const char* text : {"open [bracket {a}", "[x{a]y}", "{}[{}]", "[{a}{b?}]{a}[", "a]b[c{a}]d{",
                           "[{a} {b}] [{b?}x] {zz}", "", "plain", "x[ {a}][ and {b}] y[ {a}!]"}) {
    internal::Template read(text);
    EXPECT_EQ(read.text(), text);
    internal::Template copy = read;
    read = internal::Template("something else {a}");
    EXPECT_EQ(copy.Fill(values), internal::FillTemplate(text, values)) << text;
    EXPECT_EQ(copy.Fill(values), copy.Fill({{"a", "A"}})) << text;
  }
  EXPECT_EQ(internal::Template("open [bracket {a}").Fill(values), "open [bracket A");
  EXPECT_EQ(internal::Template("[x{a]y}").Fill(values), "x{ay}");
  EXPECT_EQ(internal::Template("[{a}{b?}]{a}[").Fill(values), "A[");
  EXPECT_EQ(internal::Template("a]b[c{a}]d{").Fill(values), "a]bcAd{");
  EXPECT_EQ(internal::Template("[{a} {b}] [{b?}x] {zz}").Fill(values), "  ");
  EXPECT_EQ(internal::Template("x[, quoted{q?}]").Fill({{"q", "yes"}}), "x, quoted");
}

struct StepCase {
  const char* step;
  Reason reason;
  ClassifyInput in;
};

// Every step with a fixed reason decides for the input it is about, and the
// provenance names the precedence table and the step -- a typed value.
TEST(Precedence, EveryFixedStepDecidesWithItsRow) {
  auto book = Book();
  std::vector<StepCase> cases;
  {
    ClassifyInput in;
    in.feedback_report = true;
    in.feedback_type = "abuse";
    cases.push_back({"report-kind-feedback", Reason::kFeedback, in});
  }
  {
    ClassifyInput in;
    in.auto_reply = true;
    cases.push_back({"report-kind-auto-reply", Reason::kVacation, in});
  }
  {
    ClassifyInput in;
    in.action = "relayed";
    cases.push_back({"action-success", Reason::kDelivered, in});
  }
  {
    ClassifyInput in;
    EnhancedStatus::Parse("2.1.5", &in.status);
    cases.push_back({"success-status", Reason::kDelivered, in});
  }
  {
    ClassifyInput in;
    in.diagnostic = "delivery program said: computer says no";
    in.from_local_program = true;
    cases.push_back({"local-program", Reason::kMailerError, in});
  }
  {
    ClassifyInput in;
    in.reply_code = 554;
    in.command = SmtpCommand::kConnect;
    cases.push_back({"greeting", Reason::kBlocked, in});
  }
  {
    ClassifyInput in;
    in.reply_code = 550;
    in.command = SmtpCommand::kMail;
    cases.push_back({"sender-stage", Reason::kRejected, in});
  }
  {
    ClassifyInput in;
    in.action = "delayed";
    cases.push_back({"delayed", Reason::kExpired, in});
  }
  {
    ClassifyInput in;
    in.diagnostic = "computer says no";
    cases.push_back({"unmatched-words", Reason::kOnHold, in});
  }
  {
    ClassifyInput in;
    EnhancedStatus::Parse("5.0.0", &in.status);
    cases.push_back({"no-words", Reason::kUndefined, in});
  }
  for (const StepCase& c : cases) {
    Classification got = book->Classify(c.in);
    EXPECT_EQ(ReasonName(got.reason), ReasonName(c.reason)) << c.step << ": " << got.evidence;
    EXPECT_EQ(got.decided_by.table, RuleTable::kPrecedence) << c.step;
    EXPECT_EQ(got.decided_by.row, c.step);
    EXPECT_GT(got.decided_by.line, 0) << c.step;
    EXPECT_FALSE(got.evidence.empty()) << c.step;
    EXPECT_EQ(got.evidence.find('{'), std::string::npos) << got.evidence;
  }
  ClassifyInput feedback = cases[0].in;
  EXPECT_EQ(book->Classify(feedback).evidence, "a feedback (complaint) report, type abuse");
  feedback.feedback_type = "";
  EXPECT_EQ(book->Classify(feedback).evidence, "a feedback (complaint) report");
}

// The greeting step is about a server that answered with a refusal. A
// connection the sending side could not open (its own words, no reply code)
// is no refusal by the receiver, and must not read as a blocklist block.
TEST(Precedence, GreetingNeedsTheServersRefusal) {
  auto book = Book();
  ClassifyInput in;
  in.command = SmtpCommand::kConnect;
  in.action = "delayed";
  EnhancedStatus::Parse("4.4.1", &in.status);
  in.diagnostic = "connect to mx.example.org[198.51.100.4]:25: Connection refused";
  Classification got = book->Classify(in);
  EXPECT_EQ(ReasonName(got.reason), "expired") << got.evidence;
  in.diagnostic = "connect to mx.example.org[198.51.100.4]:25: No answer";
  got = book->Classify(in);
  EXPECT_EQ(ReasonName(got.reason), "expired") << got.evidence;
  EXPECT_EQ(got.decided_by.row, "delayed");
  in.reply_code = 421;
  in.diagnostic = "421 mx.example.org closing connection";
  EXPECT_EQ(ReasonName(book->Classify(in).reason), "blocked");
}

// A refusal at MAIL FROM, HELO or EHLO comes before any recipient was
// named: words, a status or a reply code that would say the recipient's
// address is bad are about the sender's address or server there, and the
// recipient is never to be removed for it.
TEST(Precedence, NoVerdictOnTheRecipientBeforeItWasNamed) {
  auto book = Book();
  auto classify = [&](SmtpCommand command, int reply, const char* status, const char* words) {
    ClassifyInput in;
    in.command = command;
    in.reply_code = reply;
    if (status[0] != '\0') EnhancedStatus::Parse(status, &in.status);
    in.diagnostic = words;
    return book->Classify(in);
  };
  Classification got = classify(SmtpCommand::kMail, 550, "", "550 Address ann@example.org does not exist");
  EXPECT_EQ(ReasonName(got.reason), "rejected") << got.evidence;
  EXPECT_EQ(got.decided_by.row, "sender-stage");
  EXPECT_FALSE(book->Info(got.reason).suppress);
  EXPECT_EQ(ReasonName(classify(SmtpCommand::kMail, 550, "5.1.1", "550 5.1.1 Mailbox does not exist").reason),
            "rejected");
  EXPECT_EQ(ReasonName(classify(SmtpCommand::kMail, 551, "", "").reason), "rejected");  // 551 reads as hasmoved
  EXPECT_EQ(ReasonName(classify(SmtpCommand::kMail, 452, "", "452 Mailbox full").reason), "rejected");
  // At HELO the greeting step decides.
  EXPECT_EQ(ReasonName(classify(SmtpCommand::kEhlo, 550, "", "550 Unknown host").reason), "blocked");
  // Words that need no recipient still decide there ...
  EXPECT_EQ(ReasonName(classify(SmtpCommand::kMail, 554, "", "554 Service unavailable; Client host [192.0.2.9] "
                                                            "blocked using zen.spamhaus.org")
                           .reason),
            "blocked");
  // ... and the same words at RCPT TO are the recipient's.
  EXPECT_EQ(ReasonName(classify(SmtpCommand::kRcpt, 550, "", "550 Address jo@example.net does not exist").reason),
            "userunknown");
  EXPECT_EQ(ReasonName(classify(SmtpCommand::kUnknown, 550, "5.1.1", "550 5.1.1 Mailbox does not exist").reason),
            "userunknown");
}

// Clear words outrank a generic or wrong status, and the evidence says so
// (issue 6, kind 2).
TEST(Precedence, WordsThatDecideAgainstTheCodeSaySo) {
  auto book = Book();
  ClassifyInput in;
  in.reply_code = 550;
  EnhancedStatus::Parse("5.2.1", &in.status);
  in.diagnostic = "550 5.2.1 <jo@example.org>... User Unknown";
  Classification got = book->Classify(in);
  EXPECT_EQ(got.reason, Reason::kUserUnknown);
  EXPECT_EQ(got.decided_by.table, RuleTable::kReasonRules);
  EXPECT_EQ(got.words, "User Unknown");
  EXPECT_NE(got.evidence.find("outweighs status 5.2.1"), std::string::npos) << got.evidence;
  EXPECT_TRUE(got.status_reading.present());
  EXPECT_EQ(got.status_reading.reason, Reason::kFiltered);
  // A code that agrees is not "outweighed".
  EnhancedStatus::Parse("5.1.1", &in.status);
  got = book->Classify(in);
  EXPECT_EQ(got.evidence.find("outweighs"), std::string::npos) << got.evidence;
}

// A vague status reported by the reporting MTA (X.s.0) gives way to the exact
// one the server wrote in its words.
TEST(Precedence, ExactStatusInTheWordsBeatsAVagueGivenOne) {
  ClassifyInput in;
  EnhancedStatus::Parse("5.1.0", &in.status);
  in.diagnostic = "5.1.0 - Unknown address error 550-'5.7.1 <jo@example.org>... Access denied'";
  Classification got = Book()->Classify(in);
  EXPECT_EQ(got.reason, Reason::kSecurityError) << got.evidence;
  EXPECT_NE(got.evidence.find("5.7.1"), std::string::npos) << got.evidence;
}

// The table itself: every step once, in a valid order (the loader checks
// that), and wording before the code defaults -- the issue's rule.
TEST(Precedence, TableOrdersWordsBeforeCodes) {
  internal::TsvTable t;
  std::string error;
  ASSERT_TRUE(internal::LoadEmbeddedTsv("precedence.tsv", {"step", "reason", "evidence"}, &t, &error)) << error;
  std::vector<std::string> steps;
  for (const internal::TsvRow& row : t.rows) steps.emplace_back(t.Cell(row, "step"));
  auto at = [&](const char* s) { return std::find(steps.begin(), steps.end(), s) - steps.begin(); };
  EXPECT_LT(at("wording"), at("status-code"));
  EXPECT_LT(at("wording"), at("reply-code"));
  EXPECT_LT(at("wording"), at("greeting"));
  EXPECT_EQ(steps.back(), "no-words");
}

std::string ReadSource(const char* relative) {
  std::ifstream in(std::string(NDR_SOURCE_DIR) + "/" + relative);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every sentence id the code asks for is in data/explanations.tsv, and every
// row is used (stage-* rows by SMTP command name, blocklist-what-* by the
// blocklists' `listed` values).
TEST(Explanations, EveryPhraseIdIsUsedAndPresent) {
  auto book = Book();
  std::set<std::string> used;
  std::regex call(R"re(Phrase\("([a-z-]+)"\))re");
  for (const char* file : {"src/explain/explain.cc", "src/knowledge/reasons.cc", "src/interpret/interpreter.cc"}) {
    std::string source = ReadSource(file);
    ASSERT_FALSE(source.empty()) << file;
    for (std::sregex_iterator it(source.begin(), source.end(), call), end; it != end; ++it) {
      used.insert((*it)[1]);
    }
  }
  // Ids read once when the book loads (reasons_load.cc), not in a Phrase("...") call.
  for (const char* id : {"evidence-wording", "evidence-wording-vendor", "evidence-wording-context", "evidence-status",
                         "evidence-reply"}) {
    used.insert(id);
  }
  for (const std::string& id : used) EXPECT_FALSE(book->Phrase(id).empty()) << "missing phrase " << id;

  internal::TsvTable t;
  std::string error;
  ASSERT_TRUE(internal::LoadEmbeddedTsv("explanations.tsv", {"id", "text"}, &t, &error)) << error;
  for (const internal::TsvRow& row : t.rows) {
    std::string id(t.Cell(row, "id"));
    if (id.rfind("stage-", 0) == 0 && id != "stage-other") {
      SmtpCommand c;
      EXPECT_TRUE(ParseSmtpCommand(id.substr(6), &c)) << id;
      continue;
    }
    if (id.rfind("blocklist-what-", 0) == 0) {
      std::string listed = id.substr(15);
      EXPECT_TRUE(listed == "ip" || listed == "domain" || listed == "url") << id;
      continue;
    }
    EXPECT_TRUE(used.count(id)) << t.Where(row, "phrase '" + id + "' is never used");
  }
}

// The list the server named first, never another list of the table that
// happens to match later words (issue 6, kind 5).
TEST(Blocklists, TheListNamedFirstIsTheOne) {
  auto book = Book();
  const std::pair<const char*, const char*> cases[] = {
      {"554 5.7.1 Client host [192.0.2.1] blocked using bl.spamcop.net; for spamhaus listings see elsewhere",
       "spamcop"},
      {"550 5.7.1 listed in pbl.spamhaus.org", "spamhaus-pbl"},
      {"550 5.7.1 Message rejected: not accepted for policy reasons", ""},
  };
  for (const auto& [text, id] : cases) {
    const BlocklistInfo* list = book->FindBlocklist(text);
    EXPECT_EQ(list == nullptr ? "" : list->id, id) << text;
  }
}

// A matching failure is a failure, never a silent "no wording matched"
// (issue 6). RE2 checks a set's DFA when it compiles and a many-match DFA
// never gives up for slowness, so the reachable failure here is a set used
// before Compile(); RE2's kOutOfMemory takes the same path.
TEST(RuleSet, FailureIsReportedNotAnEmptyMatch) {
  internal::RuleSet set;
  std::string error;
  ASSERT_EQ(set.Add("mailbox full", &error), 0) << error;
  bool failed = false;
  EXPECT_TRUE(set.Match("550 mailbox full", &failed).empty());
  EXPECT_TRUE(failed);
  ASSERT_TRUE(set.Compile(&error)) << error;
  failed = false;
  EXPECT_EQ(set.Match("550 mailbox full", &failed), std::vector<int>{0});
  EXPECT_TRUE(set.Match("550 no such user", &failed).empty());
  EXPECT_FALSE(failed);
}

}  // namespace
}  // namespace ndr
