// The command line on hostile input and hostile surroundings: escape
// sequences in a bounce never reach the terminal raw, a failed write of the
// output is never silent, and inputs that cannot be read give one line on
// stderr and the documented exit status.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "json_check.h"
#include "run_command.h"

namespace {

using ndr_test::Quote;
using ndr_test::RunCommand;
using ndr_test::RunCommandWithStderr;

const std::string kBinary = NDR_BINARY;
const std::string kSamples = std::string(NDR_SOURCE_DIR) + "/samples/";

// A DSN whose server reply, subject and charset carry terminal escapes:
// OSC 0 (retitle the window) ended by BEL, and CSI 31m (red).
// A report's header and its first boundary, as a Postfix server writes them.
const std::string kReportHead =
    "From: MAILER-DAEMON@mx.example.com\n"
    "To: jo@example.com\n"
    "Subject: Undelivered Mail Returned to Sender\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\n"
    "\n"
    "--b1\n";
const std::string kHostileDsn =
    kReportHead +
    "Content-Type: text/plain; charset=\"x-\x1b[31mevil\"\n"
    "\n"
    "Your message could not be delivered.\n"
    "--b1\n"
    "Content-Type: message/delivery-status\n"
    "\n"
    "Reporting-MTA: dns; mx.example.com\n"
    "\n"
    "Final-Recipient: rfc822; ana@example.net\n"
    "Action: failed\n"
    "Status: 5.1.1\n"
    "Remote-MTA: dns; mx.example.net\x1b[2J\n"
    "Diagnostic-Code: smtp; 550 5.1.1 \x1b]0;You have been hacked\x07 \x1b[31mUser unknown\x1b[0m \xE2\x80\xAE\xC2\x9B\n"
    "--b1\n"
    "Content-Type: text/rfc822-headers\n"
    "\n"
    "From: jo@example.com\n"
    "Subject: Hello \x1b[5mblink\n"
    "--b1--\n";

class OutputSafetyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kBinary)) GTEST_SKIP() << "ndr binary not built: " << kBinary;
    dir_ = std::filesystem::temp_directory_path() /
           ("ndr-output-safety-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  std::string Ndr(const std::string& args) { return Quote(kBinary) + " " + args; }
  std::string Write(const std::string& name, const std::string& content) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  // An mbox of `n` copies of a sample: enough output to fill any pipe buffer.
  std::string BigMbox(size_t n) {
    std::ifstream in(kSamples + "postfix-user-unknown.eml", std::ios::binary);
    std::string one((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::string mbox;
    for (size_t i = 0; i < n; ++i) mbox += "From MAILER-DAEMON Tue Mar 10 09:15:42 2026\n" + one + "\n";
    return Write("big.mbox", mbox);
  }
  static bool HasRawControl(const std::string& text) {
    for (size_t i = 0; i < text.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(text[i]);
      if ((c < 0x20 && c != '\n') || c == 0x7f) return true;
      if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
          static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
        return true;  // a C1 control (U+0080-U+009F)
      }
      if (text.compare(i, 3, "\xE2\x80\xAE") == 0) return true;  // RIGHT-TO-LEFT OVERRIDE
    }
    return false;
  }
  std::filesystem::path dir_;
};

TEST_F(OutputSafetyTest, EscapeSequencesInABounceNeverReachTheTerminalRaw) {
  std::string path = Write("hostile.eml", kHostileDsn);
  auto r = RunCommandWithStderr(Ndr("explain --problems " + Quote(path)));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(HasRawControl(r.out)) << r.out;
  EXPECT_FALSE(HasRawControl(r.err)) << r.err;
  EXPECT_NE(r.out.find("\\x1b]0;You have been hacked\\x07 \\x1b[31mUser unknown\\x1b[0m"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\\u202e\\u009b"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("mx.example.net\\x1b[2J"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"Hello \\x1b[5mblink\""), std::string::npos) << r.out;
  // The problem line names the hostile charset, escaped too.
  EXPECT_NE(r.err.find("unknown charset x-\\x1b[31mevil"), std::string::npos) << r.err;
}

TEST_F(OutputSafetyTest, JsonEscapesEveryControlCharacter) {
  std::string path = Write("hostile.eml", kHostileDsn);
  auto r = RunCommand(Ndr("explain --format json " + Quote(path)));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_FALSE(HasRawControl(r.out)) << r.out;
  ndr_test::JsonChecker json;
  ASSERT_TRUE(json.ParseObject(r.out.substr(0, r.out.find('\n')))) << r.out;
  EXPECT_NE(r.out.find("\\u001b]0;You have been hacked\\u0007"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\\u202e\\u009b"), std::string::npos) << r.out;
}

TEST_F(OutputSafetyTest, AClosedPipeEndsTheRunQuietlyWithStatus141) {
  std::string mbox = BigMbox(400);  // ~400 KB of records, far past a pipe buffer
  std::string status = (dir_ / "status").string();
  std::string err = (dir_ / "err").string();
  for (const char* args : {"scan --no-progress --quiet --jobs 1 ", "scan --no-progress --quiet --jobs 2 ", "explain "}) {
    SCOPED_TRACE(args);
    // SIGPIPE ignored (as under many supervisors): the write fails with EPIPE.
    RunCommand("(trap '' PIPE; " + Ndr(args + Quote(mbox)) + " 2>" + Quote(err) + "; echo $? >" + Quote(status) +
               ") | head -c 100 >/dev/null");
    std::ifstream s(status);
    int code = -1;
    s >> code;
    EXPECT_EQ(code, 141);
    std::ifstream e(err);
    std::string stderr_text((std::istreambuf_iterator<char>(e)), std::istreambuf_iterator<char>());
    EXPECT_EQ(stderr_text, "") << "a reader that went away is no error to report";
  }
}

// Standard output that is no terminal is written in blocks of 64 KB
// (cli/stdout_blocks.h): a file and a pipe get every byte, in order, whether
// a message's records are a few lines or more than a block (a report with
// 120 recipients), for one thread and two.
TEST_F(OutputSafetyTest, OutputInBlocksKeepsEveryByteInOrder) {
  std::string many =
      kReportHead +
      "Content-Type: text/plain\n"
      "\n"
      "Your message could not be delivered.\n"
      "--b1\n"
      "Content-Type: message/delivery-status\n"
      "\n"
      "Reporting-MTA: dns; mx.example.com\n";
  for (int i = 0; i < 120; ++i) {
    many += "\nFinal-Recipient: rfc822; user" + std::to_string(i) +
            "@example.net\nAction: failed\nStatus: 5.1.1\n"
            "Diagnostic-Code: smtp; 550 5.1.1 <user" + std::to_string(i) + "@example.net>: Recipient address rejected: "
            "User unknown in virtual mailbox table; this account was closed by its owner and will not come back\n";
  }
  many += "--b1--\n";
  std::ifstream in(kSamples + "postfix-user-unknown.eml", std::ios::binary);
  const std::string one((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string mbox;
  for (int i = 0; i < 300; ++i) {
    mbox += "From MAILER-DAEMON Tue Mar 10 09:15:42 2026\n" + (i % 100 == 50 ? many : one) + "\n";
  }
  const std::string path = Write("mixed.mbox", mbox);
  const std::string file = (dir_ / "out.jsonl").string();
  for (const char* jobs : {"1", "2"}) {
    SCOPED_TRACE(jobs);
    auto piped = RunCommand(Ndr(std::string("scan --no-progress --quiet --jobs ") + jobs + " " + Quote(path)));
    EXPECT_EQ(piped.exit_code, 0);
    EXPECT_GT(piped.out.size(), 3u * 64 * 1024);
    EXPECT_EQ(std::count(piped.out.begin(), piped.out.end(), '\n'), 297 + 3 * 120);
    RunCommand(Ndr(std::string("scan --no-progress --quiet --jobs ") + jobs + " " + Quote(path)) + " >" + Quote(file));
    std::ifstream f(file, std::ios::binary);
    const std::string written((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    EXPECT_EQ(written, piped.out);
    size_t at = 0;
    for (int message = 1; message <= 300; ++message) {
      const int records = message % 100 == 51 ? 120 : 1;
      for (int r = 0; r < records; ++r) {
        const std::string source = "\"source\":\"" + path + "#" + std::to_string(message) + "\",";
        ASSERT_EQ(piped.out.compare(at, 1 + source.size(), "{" + source), 0) << "message " << message << " record " << r;
        at = piped.out.find('\n', at) + 1;
      }
    }
    EXPECT_EQ(at, piped.out.size());
  }
}

TEST_F(OutputSafetyTest, AFullDiskIsAnErrorWithAMessage) {
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  std::string mbox = BigMbox(3);
  for (const std::string& args : {"explain " + Quote(mbox), "scan --no-progress --jobs 1 " + Quote(mbox),
                                  "scan --no-progress --jobs 2 " + Quote(mbox),
                                  "explain --format json " + Quote(kSamples + "gmail-dmarc.eml"),
                                  std::string("code 550")}) {
    SCOPED_TRACE(args);
    auto r = RunCommandWithStderr(Ndr(args) + " >/dev/full");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("ndr: cannot write the output: No space left on device"), std::string::npos) << r.err;
  }
}

TEST_F(OutputSafetyTest, ADirectoryOnStandardInputIsOneLineAndStatus2) {
  auto r = RunCommandWithStderr(Ndr("explain < " + Quote(dir_.string())));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "ndr: -: read error: Is a directory; skipped\n");
  r = RunCommandWithStderr(Ndr("scan --no-progress - < " + Quote(dir_.string())));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("ndr: -: read error: Is a directory; skipped\n"), std::string::npos) << r.err;
}

TEST_F(OutputSafetyTest, AMissingFileIsOneLineNamingItAndStatus2) {
  std::string gone = (dir_ / "vanished.eml").string();
  auto r = RunCommandWithStderr(Ndr("explain " + Quote(gone)));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find(gone), std::string::npos) << r.err;
}

TEST_F(OutputSafetyTest, AnUnreadableFileIsOneLineNamingItAndStatus2) {
  std::string path = Write("secret.eml", kHostileDsn);
  chmod(path.c_str(), 0);
  std::string as_user;  // root reads files whatever their mode: run as nobody
  if (geteuid() == 0) {
    as_user = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
    if (RunCommand(as_user + Ndr("--version")).exit_code != 0) GTEST_SKIP() << "root, and nobody cannot run ndr";
  }
  auto r = RunCommandWithStderr(as_user + Ndr("explain " + Quote(path)));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "ndr: " + path + ": Permission denied\n");
}

TEST_F(OutputSafetyTest, AFifoIsReadLikeAPipe) {
  std::string fifo = (dir_ / "fifo").string();
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  auto r = RunCommand("cat " + Quote(kSamples + "exim-failed.eml") + " > " + Quote(fifo) + " & " +
                      Ndr("explain --format json " + Quote(fifo)));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("\"recipient\":\"bob@example.org\""), std::string::npos) << r.out;
}

}  // namespace
