// The ndr command line: exit statuses and output shapes, on the bundled samples.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "json_check.h"
#include "run_command.h"

namespace {

using ndr_test::Lines;
using ndr_test::Quote;
using ndr_test::RunCommand;

const std::string kBinary = NDR_BINARY;
const std::string kSamples = std::string(NDR_SOURCE_DIR) + "/samples/";

const char* const kRecordKeys[] = {"source", "recipient", "original_recipient", "action", "status",
                                   "reply_code", "reason", "hard_bounce", "diagnostic", "remote_mta",
                                   "receiving_vendor", "reporting_mta", "reporting_vendor", "smtp_command",
                                   "sender", "subject", "message_id", "date", "explanation", "advice",
                                   "feedback_type", "actor", "retry", "suppress", "evidence", "blocklist", "bounce_message_id", "bounce_date"};

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kBinary)) GTEST_SKIP() << "ndr binary not built: " << kBinary;
  }
  std::string Ndr(const std::string& args) { return Quote(kBinary) + " " + args; }

  // Parses JSON Lines output; fails the test on any line that is not a record.
  std::vector<std::map<std::string, std::string>> Records(const std::string& out) {
    std::vector<std::map<std::string, std::string>> records;
    ndr_test::JsonChecker json;
    for (const std::string& line : Lines(out)) {
      EXPECT_TRUE(json.ParseObject(line)) << line;
      for (const char* key : kRecordKeys) EXPECT_EQ(json.values().count(key), 1u) << key << " in " << line;
      records.push_back(json.values());
    }
    return records;
  }
};

TEST_F(CliTest, ExplainJsonOnePostfixBounce) {
  auto r = RunCommand(Ndr("explain --format json " + Quote(kSamples + "postfix-user-unknown.eml")));
  EXPECT_EQ(r.exit_code, 0);
  auto records = Records(r.out);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["recipient"], "alice@example.net");
  EXPECT_EQ(records[0]["status"], "5.1.1");
  EXPECT_EQ(records[0]["reply_code"], "550");
  EXPECT_EQ(records[0]["reason"], "userunknown");
  EXPECT_EQ(records[0]["hard_bounce"], "true");
  EXPECT_EQ(records[0]["smtp_command"], "RCPT");
  EXPECT_FALSE(records[0]["explanation"].empty());
  EXPECT_FALSE(records[0]["advice"].empty());
}

TEST_F(CliTest, ExplainFromStdin) {
  auto r = RunCommand(Ndr("explain --format json < " + Quote(kSamples + "exim-failed.eml")));
  EXPECT_EQ(r.exit_code, 0);
  auto records = Records(r.out);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["source"], "-");
  EXPECT_EQ(records[0]["recipient"], "bob@example.org");
}

TEST_F(CliTest, ExplainTextNamesEverything) {
  auto r = RunCommand(Ndr("explain " + Quote(kSamples + "gmail-dmarc.eml")));
  EXPECT_EQ(r.exit_code, 0);
  for (const char* expected : {"frank@gmail.com", "What happened", "Who must act", "What to do", "5.7.26",
                               "550", "Server said"}) {
    EXPECT_NE(r.out.find(expected), std::string::npos) << expected << "\n" << r.out;
  }
}

TEST_F(CliTest, NotABounceExitsOne) {
  auto r = RunCommand(Ndr("explain " + Quote(kSamples + "not-a-bounce.eml")), "&1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("not a bounce"), std::string::npos) << r.out;
}

TEST_F(CliTest, EmptyInputSaysSoAndExitsOne) {
  auto r = RunCommand(Ndr("explain < /dev/null"), "&1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("no message to explain: the input is empty"), std::string::npos) << r.out;
}

TEST_F(CliTest, BounceNamingNoRecipientSaysSoAndExitsOne) {
  auto r = RunCommand("printf 'From: MAILER-DAEMON@mx.example.net\\nSubject: Undeliverable Message\\n\\n"
                      "Your message could not be delivered as addressed.\\n' | " + Ndr("explain"),
                      "&1");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("names no recipient"), std::string::npos) << r.out;
}

TEST_F(CliTest, BounceNamingALocalPartAloneGetsTheReportsDomain) {
  // The same report naming the recipient without a domain: a record, and the
  // text says the domain is the report's implied one.
  auto r = RunCommand("printf 'From: MAILER-DAEMON@mx.example.net\\nSubject: Undeliverable Message\\n\\n"
                      "Receiver not found: jodoe\\n\\nYour message could not be delivered as addressed.\\n' | " +
                          Ndr("explain"),
                      "&1");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("jodoe@mx.example.net  [failed]\n  Report names:    jodoe (without a domain"),
            std::string::npos)
      << r.out;
}

TEST_F(CliTest, MissingFileExitsTwo) {
  auto r = RunCommand(Ndr("explain /nonexistent/file.eml"), "&1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("/nonexistent/file.eml"), std::string::npos) << r.out;
}

TEST_F(CliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(RunCommand(Ndr("explain --format yaml " + Quote(kSamples + "exim-failed.eml"))).exit_code, 2);
  EXPECT_EQ(RunCommand(Ndr("explain --no-such-option")).exit_code, 2);
  EXPECT_EQ(RunCommand(Ndr("frobnicate")).exit_code, 2);
  EXPECT_EQ(RunCommand(Quote(kBinary)).exit_code, 2);
  EXPECT_EQ(RunCommand(Ndr("scan")).exit_code, 2);
}

TEST_F(CliTest, HelpExitsZero) {
  for (const char* args : {"--help", "explain --help", "scan --help", "code --help"}) {
    auto r = RunCommand(Ndr(args));
    EXPECT_EQ(r.exit_code, 0) << args;
    EXPECT_NE(r.out.find("usage"), std::string::npos) << args;
  }
}

TEST_F(CliTest, ScanSamplesFolderGivesValidRecords) {
  auto r = RunCommand(Ndr("scan --format json " + Quote(kSamples)));
  EXPECT_EQ(r.exit_code, 0);
  auto records = Records(r.out);
  EXPECT_GE(records.size(), 18u);
  for (auto& rec : records) EXPECT_NE(rec["source"].find("/samples/"), std::string::npos);
  for (auto& rec : records) EXPECT_EQ(rec["source"].find("not-a-bounce"), std::string::npos);
}

TEST_F(CliTest, ScanMboxNumbersMessages) {
  std::string dir = ::testing::TempDir() + "/ndr_cli_mbox";
  std::filesystem::create_directories(dir);
  std::string mbox = dir + "/box.mbox";
  {
    std::ofstream out(mbox, std::ios::binary);
    for (const char* name : {"qmail-failure.eml", "not-a-bounce.eml", "exim-failed.eml"}) {
      std::ifstream in(kSamples + name, std::ios::binary);
      out << "From MAILER-DAEMON Mon Jan  5 10:00:00 2026\n" << in.rdbuf() << "\n";
    }
  }
  auto r = RunCommand(Ndr("scan " + Quote(mbox)));
  EXPECT_EQ(r.exit_code, 0);
  auto records = Records(r.out);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0]["source"], mbox + "#1");
  EXPECT_EQ(records[1]["source"], mbox + "#3");
}

TEST_F(CliTest, ExplainSeveralFilesReportsEach) {
  auto r = RunCommand(Ndr("explain --format json " + Quote(kSamples + "qmail-failure.eml") + " " +
                          Quote(kSamples + "postfix-two-recipients.eml")));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(Records(r.out).size(), 3u);
}

}  // namespace
