// `ndr code`: runs the built binary and checks its output and exit status.
// The binary is NDR_BINARY (set by CMake); the environment variable
// NDR_TEST_BINARY overrides it. Skipped when the binary does not exist.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "json_check.h"
#include "ndr/codebook.h"
#include "run_command.h"

namespace ndr {
namespace {

std::string BinaryPath() {
  const char* env = std::getenv("NDR_TEST_BINARY");
  return env && *env ? env : NDR_BINARY;
}

using CliResult = ndr_test::CommandResult;

// Runs `ndr code <args>` (args are passed to the shell as written).
CliResult RunCode(const std::string& args) {
  return ndr_test::RunCommandWithStderr(ndr_test::Quote(BinaryPath()) + " code " + args);
}

class CodeCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access(BinaryPath().c_str(), X_OK) != 0) {
      GTEST_SKIP() << "no ndr binary at " << BinaryPath();
    }
  }
};

#define EXPECT_CONTAINS(haystack, needle)                                                       \
  EXPECT_NE((haystack).find(needle), std::string::npos) << "missing: " << (needle) << "\nin:\n" \
                                                        << (haystack)

using ndr_test::Lines;

bool ValidJsonObject(const std::string& line) { return ndr_test::JsonChecker().ParseObject(line); }

TEST_F(CodeCliTest, ReplyCode) {
  CliResult r = RunCode("550");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  EXPECT_CONTAINS(r.out, "550  Requested action not taken: mailbox unavailable");
  EXPECT_CONTAINS(r.out, "plain words:");
  EXPECT_CONTAINS(r.out, "class 5yz:");
  EXPECT_CONTAINS(r.out, "Permanent Negative Completion reply");
  EXPECT_CONTAINS(r.out, "category x5z:");
  EXPECT_CONTAINS(r.out, "returned by:");
  EXPECT_CONTAINS(r.out, "RCPT");
  EXPECT_CONTAINS(r.out, "standard:       yes");
  EXPECT_CONTAINS(r.out, "not RFC compliant");
  EXPECT_CONTAINS(r.out, "rejecting spam");

  r = RunCode("200");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_CONTAINS(r.out, "standard:       no (RFC 876)");
}

TEST_F(CodeCliTest, EnhancedStatusCode) {
  CliResult r = RunCode("5.7.26");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "5.7.26  Multiple authentication checks failed");
  EXPECT_CONTAINS(r.out, "RFC 7372");
  EXPECT_CONTAINS(r.out, "class 5:        Permanent Failure");
  EXPECT_CONTAINS(r.out, "subject 7:      Security or Policy Status");
  EXPECT_CONTAINS(r.out, "at google:");

  r = RunCode("X.1.1");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "Bad destination mailbox address");
}

TEST_F(CodeCliTest, BothCodesAndTheCommand) {
  CliResult r = RunCode("550 5.1.1 --command RCPT");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "Requested action not taken: mailbox unavailable");
  EXPECT_CONTAINS(r.out, "Bad destination mailbox address");
  EXPECT_CONTAINS(r.out, "yes: RCPT may return 550");

  r = RunCode("250 --command DATA");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "no: the standards do not list 250 as a reply to DATA");
  EXPECT_CONTAINS(r.out, "not RFC compliant");

  r = RunCode("550 --command 'RECEIVED DATA'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "yes: RECEIVED DATA may return 550");

  r = RunCode("421 5.2.2");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_CONTAINS(r.out, "mismatch:");
}

TEST_F(CodeCliTest, VendorMeanings) {
  CliResult r = RunCode("5.7.27 --vendor google");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "as google uses it");
  EXPECT_CONTAINS(r.out, "SPF");
  EXPECT_CONTAINS(r.out, "Sender address has null MX");  // the registry meaning, shown too

  r = RunCode("5.1.10 --vendor MICROSOFT");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "RecipientNotFound");

  r = RunCode("5.7.620");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "at microsoft:");

  r = RunCode("4.16.55");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "at yahoo:");
  EXPECT_CONTAINS(r.out, "unregistered subject 16");
}

TEST_F(CodeCliTest, UnknownCodesExitOne) {
  CliResult r = RunCode("599");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_CONTAINS(r.out, "not a known reply code");
  EXPECT_CONTAINS(r.out, "Permanent Negative Completion reply");  // the digits still explained
  EXPECT_CONTAINS(r.out, "category x9z:");

  r = RunCode("5.1.99");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_CONTAINS(r.out, "permanent failure, addressing problem, detail unknown");

  r = RunCode("550 599");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_CONTAINS(r.out, "Requested action not taken");
}

TEST_F(CodeCliTest, UsageErrorsExitTwo) {
  struct Case {
    const char* args;
    const char* named;  // what stderr must mention
  };
  const Case cases[] = {
      {"", "ndr code"},
      {"foo", "'foo'"},
      {"5.1", "'5.1'"},
      {"650", "'650'"},
      {"550 --bogus", "--bogus"},
      {"550 --format xml", "'xml'"},
      {"550 --command FETCH", "'FETCH'"},
      {"5.1.1 --command RCPT", "--command"},
      {"--list 550", "--list"},
  };
  for (const Case& c : cases) {
    CliResult r = RunCode(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args;
    EXPECT_TRUE(r.out.empty()) << c.args << ": " << r.out;
    EXPECT_CONTAINS(r.err, c.named);
  }
}

TEST_F(CodeCliTest, Help) {
  CliResult r = RunCode("--help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_CONTAINS(r.out, "usage: ndr code");
  EXPECT_CONTAINS(r.out, "--command");
  EXPECT_CONTAINS(r.out, "--vendor");
  EXPECT_CONTAINS(r.out, "--list");
}

TEST_F(CodeCliTest, ListAsJsonLines) {
  CliResult r = RunCode("--list --format json");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = Lines(r.out);
  std::set<std::string> tables;
  for (const std::string& line : lines) {
    ASSERT_FALSE(line.empty());
    EXPECT_EQ(line.front(), '{') << line;
    EXPECT_EQ(line.back(), '}') << line;
    EXPECT_TRUE(ValidJsonObject(line)) << line;
    size_t key = line.find("\"table\":\"");
    ASSERT_NE(key, std::string::npos) << line;
    size_t start = key + 9;
    tables.insert(line.substr(start, line.find('"', start) - start));
  }
  EXPECT_EQ(tables, (std::set<std::string>{"reply_codes", "reply_digits", "command_replies",
                                           "enhanced_status", "status_classes"}));
  std::string error;
  auto book = CodeBook::Load(&error);
  ASSERT_TRUE(book) << error;
  EXPECT_EQ(lines.size(), book->AllReplies().size() + book->AllDigits().size() +
                              book->AllCommandReplies().size() + book->AllStatuses().size() +
                              book->AllStatusParts().size());
}

TEST_F(CodeCliTest, ListAsText) {
  CliResult r = RunCode("--list");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "Reply codes");
  EXPECT_CONTAINS(r.out, "Replies by command");
  EXPECT_CONTAINS(r.out, "Enhanced status codes");
  EXPECT_CONTAINS(r.out, "5.7.606-649");
}

TEST_F(CodeCliTest, LookupsAsJsonLines) {
  CliResult r = RunCode("550 5.7.26 4.16.55 X.1.1 --command RCPT --format json");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 4u) << r.out;
  for (const std::string& line : lines) EXPECT_TRUE(ValidJsonObject(line)) << line;
  EXPECT_CONTAINS(lines[0], "\"kind\":\"reply\"");
  EXPECT_CONTAINS(lines[0], "\"may_return\":true");
  EXPECT_CONTAINS(lines[1], "\"kind\":\"status\"");
  EXPECT_CONTAINS(lines[1], "\"scope\":\"google\"");
  EXPECT_CONTAINS(lines[2], "\"registered\":false");
}

}  // namespace
}  // namespace ndr
