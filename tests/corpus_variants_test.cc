// The real-world corpus in ../shared/corpus/sisimai (skipped when absent),
// each report read again in forms it reaches a helpdesk in: forwarded by a
// person as an attachment, and with CRLF line ends. The records must be the
// same as the report's own: the layouts ndr learned from the corpus must not
// depend on how the report travelled.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "ndr/analyzer.h"
#include "shared_analyzer.h"

namespace {

namespace fs = std::filesystem;

const fs::path kMaildir = fs::path(NDR_SOURCE_DIR) / ".." / "shared" / "corpus" / "sisimai" / "maildir";

// One report per file: a leading mbox "From " line dropped; a file holding
// more than one message (an mbox) is skipped (an empty string).
std::string ReportOf(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string bytes = buffer.str();
  bytes.erase(std::remove(bytes.begin(), bytes.end(), '\r'), bytes.end());
  if (bytes.rfind("From ", 0) == 0) bytes.erase(0, bytes.find('\n') + 1);
  if (bytes.find("\nFrom ") != std::string::npos && bytes.find("\n\nFrom ") != std::string::npos) return {};
  return bytes;
}

using Key = std::tuple<std::string, std::string, std::string, std::string>;  // recipient, reason, status, reply

std::multiset<Key> KeysOf(const std::string& bytes) {
  std::multiset<Key> keys;
  for (const ndr::Record& r : ndr_test::TheAnalyzer().Analyze(bytes, "variant").records) {
    keys.emplace(r.recipient, std::string(ndr::ReasonName(r.reason)), r.status, r.reply_code);
  }
  return keys;
}

std::string AsAttachment(const std::string& report) {
  return "From: Pat Example <pat@office.example.org>\nTo: helpdesk@office.example.org\n"
         "Subject: Fwd: why did this bounce?\nMIME-Version: 1.0\n"
         "Content-Type: multipart/mixed; boundary=\"==fwd-7==\"\n\n--==fwd-7==\n"
         "Content-Type: text/plain; charset=us-ascii\n\nHi, what does the message below mean?\n\nPat\n\n"
         "--==fwd-7==\nContent-Type: message/rfc822\nContent-Disposition: attachment\n\n" +
         report + "\n--==fwd-7==--\n";
}

std::string WithCrlf(const std::string& report) {
  std::string out;
  out.reserve(report.size() + report.size() / 32);
  for (char c : report) {
    if (c == '\n') out.push_back('\r');
    out.push_back(c);
  }
  return out;
}

TEST(CorpusVariantsTest, ForwardedOrCrlfReportsGiveTheReportsRecords) {
  if (!fs::exists(kMaildir)) GTEST_SKIP() << "corpus not present at " << kMaildir;
  size_t reports = 0;
  std::vector<std::string> forwarded_differ;
  std::vector<std::string> crlf_differ;
  for (const auto& entry : fs::directory_iterator(kMaildir)) {
    const std::string report = ReportOf(entry.path());
    if (report.empty()) continue;
    ++reports;
    const std::multiset<Key> own = KeysOf(report);
    if (KeysOf(AsAttachment(report)) != own) forwarded_differ.push_back(entry.path().filename().string());
    if (KeysOf(WithCrlf(report)) != own) crlf_differ.push_back(entry.path().filename().string());
  }
  ASSERT_GT(reports, 600u);
  auto names = [](const std::vector<std::string>& v) {
    std::string s;
    for (const std::string& n : v) s += " " + n;
    return s;
  };
  EXPECT_TRUE(forwarded_differ.empty()) << forwarded_differ.size() << " forwarded:" << names(forwarded_differ);
  EXPECT_TRUE(crlf_differ.empty()) << crlf_differ.size() << " with CRLF:" << names(crlf_differ);
}

}  // namespace
