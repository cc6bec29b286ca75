// Every limit of ndr::Limits: reaching it gives a problem that names its flag,
// and the analysis goes on with what was read.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include <filesystem>

#include "ndr/analyzer.h"
#include "ndr/message.h"
#include "run_command.h"

namespace ndr {
namespace {

std::unique_ptr<Analyzer> AnalyzerWith(const Limits& limits) {
  AnalyzeOptions options;
  options.limits = limits;
  std::string error;
  auto a = Analyzer::Create(options, &error);
  EXPECT_NE(a, nullptr) << error;
  return a;
}

bool HasProblem(const Analysis& a, std::string_view words) {
  for (const Problem& p : a.problems) {
    if (p.detail.find(words) != std::string::npos && p.kind == ProblemKind::kLimit) return true;
  }
  return false;
}

std::string Problems(const Analysis& a) {
  std::string out;
  for (const Problem& p : a.problems) out += p.ToString() + "\n";
  return out;
}

const char kHead[] =
    "From: MAILER-DAEMON@mx.example.org\n"
    "To: sender@example.com\n"
    "Subject: Undelivered Mail Returned to Sender\n"
    "MIME-Version: 1.0\n";

std::string DsnWithRecipients(int n) {
  std::string text;
  std::string dsn = "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n";
  for (int i = 0; i < n; ++i) {
    std::string address = "user" + std::to_string(i) + "@example.net";
    dsn += "\nFinal-Recipient: rfc822; " + address + "\nAction: failed\nStatus: 5.1.1\n";
  }
  return std::string(kHead) + "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n" +
         "--B\nContent-Type: text/plain\n\nDelivery failed.\n" + dsn + "--B--\n";
}

TEST(LimitsTest, RecipientsOfADeliveryReport) {
  Limits limits;
  limits.max_recipients = 3;
  Analysis a = AnalyzerWith(limits)->Analyze(DsnWithRecipients(5), "t");
  EXPECT_EQ(a.records.size(), 3u);
  EXPECT_TRUE(HasProblem(a, "more than 3 recipients")) << Problems(a);
  EXPECT_TRUE(HasProblem(a, "--max-recipients"));
  // At the limit exactly: nothing is cut, nothing said.
  Analysis exact = AnalyzerWith(limits)->Analyze(DsnWithRecipients(3), "t");
  EXPECT_EQ(exact.records.size(), 3u);
  EXPECT_FALSE(HasProblem(exact, "--max-recipients")) << Problems(exact);
}

TEST(LimitsTest, RecipientsOfAPlainTextBounce) {
  std::string in = std::string(kHead) + "\n";
  for (int i = 0; i < 6; ++i) in += "<user" + std::to_string(i) + "@example.net>: 550 5.1.1 unknown user\n";
  Limits limits;
  limits.max_recipients = 4;
  Analysis a = AnalyzerWith(limits)->Analyze(in, "t");
  EXPECT_EQ(a.records.size(), 4u);
  EXPECT_TRUE(HasProblem(a, "--max-recipients")) << Problems(a);
  Analysis all = AnalyzerWith(Limits())->Analyze(in, "t");
  EXPECT_EQ(all.records.size(), 6u);
  EXPECT_FALSE(HasProblem(all, "--max-recipients"));
}

TEST(LimitsTest, HeaderFieldsAndFieldLength) {
  std::string in = std::string(kHead) + "X-Long: " + std::string(5000, 'x') + "\nX-A: 1\nX-B: 2\nX-C: 3\n\n" +
                   "<a@example.net>: 550 5.1.1 unknown user\n";
  Limits limits;
  limits.max_header_line_bytes = 1000;
  limits.max_headers = 6;
  Analysis a = AnalyzerWith(limits)->Analyze(in, "t");
  EXPECT_TRUE(HasProblem(a, "--max-header-line")) << Problems(a);
  EXPECT_TRUE(HasProblem(a, "more than 6 fields")) << Problems(a);
  EXPECT_EQ(a.records.size(), 1u);  // the bounce is still read

  HeaderCuts cuts;
  Headers h = ParseHeaderBlock(in, limits, &cuts);
  EXPECT_EQ(h.size(), 6u);
  EXPECT_EQ(h.Get("X-Long").size(), 1000u);
  EXPECT_TRUE(cuts.fields);
  EXPECT_TRUE(cuts.line);
  EXPECT_FALSE(cuts.block);
}

TEST(LimitsTest, FoldedFieldIsCutToo) {
  Limits limits;
  limits.max_header_line_bytes = 100;
  HeaderCuts cuts;
  std::string block = "X-Folded: start\n";
  for (int i = 0; i < 50; ++i) block += " continued\n";
  Headers h = ParseHeaderBlock(block + "Subject: kept\n\n", limits, &cuts);
  EXPECT_LE(h.Get("X-Folded").size(), 100u);
  EXPECT_EQ(h.Get("Subject"), "kept");
  EXPECT_TRUE(cuts.line);
}

TEST(LimitsTest, HeaderBlockSize) {
  std::string in = std::string(kHead);
  for (int i = 0; i < 100; ++i) in += "X-Filler: " + std::string(90, 'f') + "\n";
  in += "\n<a@example.net>: 550 5.1.1 unknown user\n";
  Limits limits;
  limits.max_header_bytes = 2000;
  Analysis a = AnalyzerWith(limits)->Analyze(in, "t");
  EXPECT_TRUE(HasProblem(a, "--max-header-size")) << Problems(a);
}

TEST(LimitsTest, NestingDepthAndParts) {
  std::string in = std::string(kHead);
  for (int level = 0; level < 6; ++level) {
    std::string b = "b" + std::to_string(level);
    in += "Content-Type: multipart/mixed; boundary=\"" + b + "\"\n\n--" + b + "\n";
  }
  in += "Content-Type: text/plain\n\n<a@example.net>: 550 5.1.1 unknown user\n";
  Limits deep;
  deep.max_depth = 3;
  Analysis a = AnalyzerWith(deep)->Analyze(in, "t");
  EXPECT_TRUE(HasProblem(a, "--max-depth")) << Problems(a);

  std::string many = std::string(kHead) + "Content-Type: multipart/mixed; boundary=\"B\"\n\n";
  for (int i = 0; i < 10; ++i) many += "--B\nContent-Type: text/plain\n\n<a@example.net>: 550 5.1.1 unknown user\n";
  many += "--B--\n";
  Limits few;
  few.max_parts = 4;
  Analysis b = AnalyzerWith(few)->Analyze(many, "t");
  EXPECT_TRUE(HasProblem(b, "--max-parts")) << Problems(b);
  EXPECT_EQ(b.records.size(), 1u);
}

TEST(LimitsTest, DecodedSizeAndMessageSize) {
  std::string in = std::string(kHead) +
                   "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n";
  for (int i = 0; i < 200; ++i) in += "PGFAZXhhbXBsZS5uZXQ+OiA1NTAgNS4xLjEgdW5rbm93biB1c2VyCg==\n";
  Limits limits;
  limits.max_decoded_part_bytes = 1000;
  Analysis a = AnalyzerWith(limits)->Analyze(in, "t");
  EXPECT_TRUE(HasProblem(a, "--max-decoded-size")) << Problems(a);
  EXPECT_EQ(a.records.size(), 1u);

  Limits small;
  small.max_message_bytes = 300;
  Analysis b = AnalyzerWith(small)->Analyze(in, "t");
  EXPECT_TRUE(HasProblem(b, "--max-message-size")) << Problems(b);
}

TEST(LimitsTest, TimePerMessage) {
  Limits limits;
  limits.max_seconds = 1e-9;  // passed as soon as the MIME structure is read
  Analysis a = AnalyzerWith(limits)->Analyze(DsnWithRecipients(2), "t");
  EXPECT_TRUE(HasProblem(a, "--max-time")) << Problems(a);
  EXPECT_TRUE(a.records.empty());
  Limits none;
  none.max_seconds = 0;  // no limit
  Analysis b = AnalyzerWith(none)->Analyze(DsnWithRecipients(2), "t");
  EXPECT_EQ(b.records.size(), 2u);
  EXPECT_FALSE(HasProblem(b, "--max-time"));
}

// The flags: each sets its limit; a bad value is a usage error (exit 2).
TEST(LimitsTest, FlagsOfExplainAndScan) {
  const std::string binary = NDR_BINARY;
  if (!std::filesystem::exists(binary)) GTEST_SKIP() << "ndr binary not built";
  const std::string sample = ndr_test::Quote(std::string(NDR_SOURCE_DIR) + "/samples/postfix-two-recipients.eml");
  auto all = ndr_test::RunCommand(ndr_test::Quote(binary) + " explain --format json " + sample);
  EXPECT_EQ(ndr_test::Lines(all.out).size(), 2u) << all.out;
  for (const char* command : {"explain --format json --problems", "scan -v"}) {
    auto one = ndr_test::RunCommand(ndr_test::Quote(binary) + " " + command + " --max-recipients 1 " + sample, "&1");
    EXPECT_NE(one.out.find("--max-recipients"), std::string::npos) << command << ": " << one.out;
    EXPECT_EQ(one.out.find("tom@nowhere.example"), std::string::npos) << command;
  }
  for (const char* bad : {"--max-parts 0", "--max-message-size 12X", "--max-time -1", "--max-depth x",
                          "--max-header-line ''"}) {
    auto r = ndr_test::RunCommand(ndr_test::Quote(binary) + " explain " + bad + " " + sample, "&1");
    EXPECT_EQ(r.exit_code, 2) << bad << ": " << r.out;
  }
  auto sizes = ndr_test::RunCommand(ndr_test::Quote(binary) + " explain --max-message-size 1K --max-time 0 " +
                                    "--max-header-line 2k --max-decoded-size 1M " + sample, "&1");
  EXPECT_EQ(sizes.exit_code, 2) << sizes.out;  // the sample is larger than 1 KB: named, not analyzed
  EXPECT_NE(sizes.out.find("larger than"), std::string::npos) << sizes.out;
}

}  // namespace
}  // namespace ndr
