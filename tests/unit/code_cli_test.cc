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

#include "ndr/codebook.h"

namespace ndr {
namespace {

std::string BinaryPath() {
  const char* env = std::getenv("NDR_TEST_BINARY");
  return env && *env ? env : NDR_BINARY;
}

struct CliResult {
  int exit = -1;
  std::string out;
  std::string err;
};

// Runs `ndr code <args>` (args are passed to the shell as written).
CliResult RunCode(const std::string& args) {
  CliResult run;
  char err_path[] = "/tmp/ndr_code_cli_test_XXXXXX";
  int fd = mkstemp(err_path);
  if (fd < 0) return run;
  close(fd);
  std::string command = "'" + BinaryPath() + "' code " + args + " 2>" + err_path;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) run.out.append(buf, n);
  int status = pclose(pipe);
  run.exit = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream err(err_path);
  std::stringstream ss;
  ss << err.rdbuf();
  run.err = ss.str();
  unlink(err_path);
  return run;
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

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

// A strict JSON syntax check (RFC 8259) for one value: enough to catch bad
// escaping or a broken object.
class JsonChecker {
 public:
  explicit JsonChecker(const std::string& text) : s_(text) {}
  bool Valid() {
    pos_ = 0;
    if (!Value()) return false;
    Space();
    return pos_ == s_.size();
  }

 private:
  void Space() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
      ++pos_;
  }
  bool Literal(const char* word) {
    size_t len = std::string(word).size();
    if (s_.compare(pos_, len, word) != 0) return false;
    pos_ += len;
    return true;
  }
  bool String() {
    if (pos_ >= s_.size() || s_[pos_] != '"') return false;
    ++pos_;
    while (pos_ < s_.size()) {
      unsigned char c = static_cast<unsigned char>(s_[pos_]);
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        ++pos_;
        if (pos_ >= s_.size()) return false;
        char e = s_[pos_];
        if (e == 'u') {
          for (int i = 1; i <= 4; ++i) {
            if (pos_ + i >= s_.size() || !std::isxdigit(static_cast<unsigned char>(s_[pos_ + i])))
              return false;
          }
          pos_ += 4;
        } else if (std::string("\"\\/bfnrt").find(e) == std::string::npos) {
          return false;
        }
      }
      ++pos_;
    }
    return false;
  }
  bool Number() {
    size_t start = pos_;
    if (pos_ < s_.size() && s_[pos_] == '-') ++pos_;
    while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    return pos_ > start;
  }
  bool Value() {
    Space();
    if (pos_ >= s_.size()) return false;
    char c = s_[pos_];
    if (c == '"') return String();
    if (c == '{') {
      ++pos_;
      Space();
      if (pos_ < s_.size() && s_[pos_] == '}') return ++pos_, true;
      while (true) {
        Space();
        if (!String()) return false;
        Space();
        if (pos_ >= s_.size() || s_[pos_++] != ':') return false;
        if (!Value()) return false;
        Space();
        if (pos_ >= s_.size()) return false;
        if (s_[pos_] == '}') return ++pos_, true;
        if (s_[pos_++] != ',') return false;
      }
    }
    if (c == '[') {
      ++pos_;
      Space();
      if (pos_ < s_.size() && s_[pos_] == ']') return ++pos_, true;
      while (true) {
        if (!Value()) return false;
        Space();
        if (pos_ >= s_.size()) return false;
        if (s_[pos_] == ']') return ++pos_, true;
        if (s_[pos_++] != ',') return false;
      }
    }
    if (c == 't') return Literal("true");
    if (c == 'f') return Literal("false");
    if (c == 'n') return Literal("null");
    return Number();
  }

  const std::string& s_;
  size_t pos_ = 0;
};

TEST(JsonCheckerTest, AcceptsAndRejects) {
  EXPECT_TRUE(JsonChecker(R"({"a":"x\"y\\z\u0001","b":[1,true,null,{}]})").Valid());
  EXPECT_FALSE(JsonChecker(R"({"a":"x"y"})").Valid());
  EXPECT_FALSE(JsonChecker("{\"a\":\"tab\there\"}").Valid());
  EXPECT_FALSE(JsonChecker(R"({"a":1,})").Valid());
}

TEST_F(CodeCliTest, ReplyCode) {
  CliResult r = RunCode("550");
  EXPECT_EQ(r.exit, 0) << r.err;
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
  EXPECT_EQ(r.exit, 0);
  EXPECT_CONTAINS(r.out, "standard:       no (RFC 876)");
}

TEST_F(CodeCliTest, EnhancedStatusCode) {
  CliResult r = RunCode("5.7.26");
  EXPECT_EQ(r.exit, 0) << r.err;
  EXPECT_CONTAINS(r.out, "5.7.26  Multiple authentication checks failed");
  EXPECT_CONTAINS(r.out, "RFC 7372");
  EXPECT_CONTAINS(r.out, "class 5:        Permanent Failure");
  EXPECT_CONTAINS(r.out, "subject 7:      Security or Policy Status");
  EXPECT_CONTAINS(r.out, "at google:");

  r = RunCode("X.1.1");
  EXPECT_EQ(r.exit, 0) << r.err;
  EXPECT_CONTAINS(r.out, "Bad destination mailbox address");
}

TEST_F(CodeCliTest, BothCodesAndTheCommand) {
  CliResult r = RunCode("550 5.1.1 --command RCPT");
  EXPECT_EQ(r.exit, 0) << r.err;
  EXPECT_CONTAINS(r.out, "Requested action not taken: mailbox unavailable");
  EXPECT_CONTAINS(r.out, "Bad destination mailbox address");
  EXPECT_CONTAINS(r.out, "yes: RCPT may return 550");

  r = RunCode("250 --command DATA");
  EXPECT_EQ(r.exit, 0) << r.err;
  EXPECT_CONTAINS(r.out, "no: the standards do not list 250 as a reply to DATA");
  EXPECT_CONTAINS(r.out, "not RFC compliant");

  r = RunCode("550 --command 'RECEIVED DATA'");
  EXPECT_EQ(r.exit, 0) << r.err;
  EXPECT_CONTAINS(r.out, "yes: RECEIVED DATA may return 550");

  r = RunCode("421 5.2.2");
  EXPECT_EQ(r.exit, 0);
  EXPECT_CONTAINS(r.out, "mismatch:");
}

TEST_F(CodeCliTest, VendorMeanings) {
  CliResult r = RunCode("5.7.27 --vendor google");
  EXPECT_EQ(r.exit, 0) << r.err;
  EXPECT_CONTAINS(r.out, "as google uses it");
  EXPECT_CONTAINS(r.out, "SPF");
  EXPECT_CONTAINS(r.out, "Sender address has null MX");  // the registry meaning, shown too

  r = RunCode("5.1.10 --vendor MICROSOFT");
  EXPECT_EQ(r.exit, 0) << r.err;
  EXPECT_CONTAINS(r.out, "RecipientNotFound");

  r = RunCode("5.7.620");
  EXPECT_EQ(r.exit, 0) << r.err;
  EXPECT_CONTAINS(r.out, "at microsoft:");

  r = RunCode("4.16.55");
  EXPECT_EQ(r.exit, 0) << r.err;
  EXPECT_CONTAINS(r.out, "at yahoo:");
  EXPECT_CONTAINS(r.out, "unregistered subject 16");
}

TEST_F(CodeCliTest, UnknownCodesExitOne) {
  CliResult r = RunCode("599");
  EXPECT_EQ(r.exit, 1);
  EXPECT_CONTAINS(r.out, "not a known reply code");
  EXPECT_CONTAINS(r.out, "Permanent Negative Completion reply");  // the digits still explained
  EXPECT_CONTAINS(r.out, "category x9z:");

  r = RunCode("5.1.99");
  EXPECT_EQ(r.exit, 1);
  EXPECT_CONTAINS(r.out, "permanent failure, addressing problem, detail unknown");

  r = RunCode("550 599");
  EXPECT_EQ(r.exit, 1);
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
    EXPECT_EQ(r.exit, 2) << c.args;
    EXPECT_TRUE(r.out.empty()) << c.args << ": " << r.out;
    EXPECT_CONTAINS(r.err, c.named);
  }
}

TEST_F(CodeCliTest, Help) {
  CliResult r = RunCode("--help");
  EXPECT_EQ(r.exit, 0);
  EXPECT_CONTAINS(r.out, "usage: ndr code");
  EXPECT_CONTAINS(r.out, "--command");
  EXPECT_CONTAINS(r.out, "--vendor");
  EXPECT_CONTAINS(r.out, "--list");
}

TEST_F(CodeCliTest, ListAsJsonLines) {
  CliResult r = RunCode("--list --format json");
  EXPECT_EQ(r.exit, 0) << r.err;
  std::vector<std::string> lines = Lines(r.out);
  std::set<std::string> tables;
  for (const std::string& line : lines) {
    ASSERT_FALSE(line.empty());
    EXPECT_EQ(line.front(), '{') << line;
    EXPECT_EQ(line.back(), '}') << line;
    EXPECT_TRUE(JsonChecker(line).Valid()) << line;
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
  EXPECT_EQ(r.exit, 0) << r.err;
  EXPECT_CONTAINS(r.out, "Reply codes");
  EXPECT_CONTAINS(r.out, "Replies by command");
  EXPECT_CONTAINS(r.out, "Enhanced status codes");
  EXPECT_CONTAINS(r.out, "5.7.606-649");
}

TEST_F(CodeCliTest, LookupsAsJsonLines) {
  CliResult r = RunCode("550 5.7.26 4.16.55 X.1.1 --command RCPT --format json");
  EXPECT_EQ(r.exit, 0) << r.err;
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 4u) << r.out;
  for (const std::string& line : lines) EXPECT_TRUE(JsonChecker(line).Valid()) << line;
  EXPECT_CONTAINS(lines[0], "\"kind\":\"reply\"");
  EXPECT_CONTAINS(lines[0], "\"may_return\":true");
  EXPECT_CONTAINS(lines[1], "\"kind\":\"status\"");
  EXPECT_CONTAINS(lines[1], "\"scope\":\"google\"");
  EXPECT_CONTAINS(lines[2], "\"registered\":false");
}

}  // namespace
}  // namespace ndr
