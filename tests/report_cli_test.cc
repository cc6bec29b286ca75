// `ndr report` end to end on a generated mailbox with known counts: the four
// formats carry the same figures; --from-json and --suppress.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "report/render_common.h"
#include "report_mailbox.h"
#include "run_command.h"

namespace {

using ndr_test::Quote;
using ndr_test::RunCommand;

const std::string kBinary = NDR_BINARY;

class ReportCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kBinary)) GTEST_SKIP() << "ndr binary not built: " << kBinary;
    dir_ = std::filesystem::temp_directory_path() /
           ("ndr_report_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    mbox_ = (dir_ / "bounces.mbox").string();
    std::ofstream(mbox_, std::ios::binary) << ndr_test::KnownCountsMailbox();
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  std::string Report(const std::string& args) {
    auto r = RunCommand(Quote(kBinary) + " report " + args);
    EXPECT_EQ(r.exit_code, 0) << args;
    return r.out;
  }
  std::filesystem::path dir_;
  std::string mbox_;
};

TEST_F(ReportCliTest, JsonHasTheKnownCounts) {
  nlohmann::json j = nlohmann::json::parse(Report("--format json " + Quote(mbox_)));
  const auto& t = j["totals"];
  EXPECT_EQ(t["messages"], 18);
  EXPECT_EQ(t["failed"], 15);
  EXPECT_EQ(t["hard"], 7);
  EXPECT_EQ(t["soft"], 8);
  EXPECT_EQ(t["delayed"], 2);
  EXPECT_EQ(t["complaints"], 1);
  EXPECT_EQ(t["recipients"], 18);
  EXPECT_EQ(t["domains"], 4);
  EXPECT_EQ(t["first_day"], "2026-11-02");
  EXPECT_EQ(t["last_day"], "2026-11-04");
  // Action items, most recipients first.
  std::vector<std::pair<std::string, int>> actions;
  for (const auto& a : j["actions"]) actions.emplace_back(a["id"], a["count"]);
  std::vector<std::pair<std::string, int>> expected = {
      {"userunknown", 7}, {"blocklist-ip", 5}, {"mailboxfull", 3}, {"delayed", 2}, {"complaint", 1}};
  EXPECT_EQ(actions, expected);
  std::string blocklist_sentence = j["actions"][1]["sentence"];
  EXPECT_NE(blocklist_sentence.find("192.0.2.7"), std::string::npos) << blocklist_sentence;
  EXPECT_NE(blocklist_sentence.find("Spamhaus ZEN"), std::string::npos) << blocklist_sentence;
  // The 7 unknown users are at one domain; the list names them.
  const auto& domains = j["breakdowns"]["domain"];
  EXPECT_EQ(domains[0]["key"], "example.com");
  EXPECT_EQ(domains[0]["count"], 7);
  EXPECT_EQ(domains[0]["recipients"].size(), 7u);
  EXPECT_EQ(j["breakdowns"]["blocklist"][0]["key"], "spamhaus-zen");
  EXPECT_EQ(j["breakdowns"]["blocklist"][0]["count"], 5);
  // Suppression: the unknown users and the complaint.
  EXPECT_EQ(j["suppression"].size(), 8u);
}

// Every figure of the JSON report is in the text, Markdown and HTML reports.
TEST_F(ReportCliTest, FourFormatsCarryTheSameFigures) {
  using ndr::internal::HtmlText;
  using ndr::internal::MarkdownText;
  using ndr::internal::PadLeft;
  using ndr::internal::PadRight;
  nlohmann::json j = nlohmann::json::parse(Report("--format json " + Quote(mbox_)));
  std::string text = Report(Quote(mbox_));
  std::string markdown = Report("--format markdown " + Quote(mbox_));
  std::string html = Report("--format html " + Quote(mbox_));
  ASSERT_FALSE(j["actions"].empty());
  for (const auto& a : j["actions"]) {
    std::string sentence = a["sentence"];
    EXPECT_NE(text.find(sentence), std::string::npos) << sentence;
    EXPECT_NE(markdown.find(MarkdownText(sentence)), std::string::npos) << sentence;
    EXPECT_NE(html.find(HtmlText(sentence)), std::string::npos) << sentence;
  }
  const auto& t = j["totals"];
  std::string failed = "failed recipients";
  EXPECT_NE(text.find(failed + ": " + std::to_string(t["failed"].get<int>())), std::string::npos);
  EXPECT_NE(markdown.find("| " + failed + " | " + std::to_string(t["failed"].get<int>()) + " |"), std::string::npos);
  EXPECT_NE(html.find("<b>" + std::to_string(t["failed"].get<int>()) + "</b>" + failed), std::string::npos);
  size_t groups = 0;
  for (const auto& [id, breakdown] : j["breakdowns"].items()) {
    for (const auto& g : breakdown) {
      std::string label = g["label"];
      std::string count = std::to_string(g["count"].get<int>());
      std::string bounces = std::to_string(g["bounces"].get<int>());
      EXPECT_NE(text.find("  " + PadRight(label, 32) + " " + PadLeft(count, 7) + " " + PadLeft(bounces, 7) + "\n"),
                std::string::npos)
          << id << " " << label;
      EXPECT_NE(markdown.find("| " + MarkdownText(label) + " | " + count + " | " + bounces + " |"), std::string::npos)
          << id << " " << label;
      EXPECT_NE(html.find("<td>" + HtmlText(label) + "</td><td class=\"n\">" + count + "</td><td class=\"n\">" +
                          bounces + "</td>"),
                std::string::npos)
          << id << " " << label;
      ++groups;
    }
  }
  EXPECT_GE(groups, 15u);
}

TEST_F(ReportCliTest, FromJsonGivesTheSameReport) {
  std::string records = (dir_ / "records.jsonl").string();
  auto scan = RunCommand(Quote(kBinary) + " scan " + Quote(mbox_) + " > " + Quote(records));
  ASSERT_EQ(scan.exit_code, 0);
  nlohmann::json direct = nlohmann::json::parse(Report("--format json " + Quote(mbox_)));
  nlohmann::json saved = nlohmann::json::parse(Report("--format json --from-json " + Quote(records)));
  EXPECT_EQ(saved["totals"]["messages"], 0);  // JSON records do not say how many messages were read
  for (const char* key : {"messages", "bounces", "not_bounces"}) {
    direct["totals"].erase(key);
    saved["totals"].erase(key);
  }
  EXPECT_EQ(direct, saved);
}

TEST_F(ReportCliTest, SuppressWritesTheAddressesToStopMailing) {
  std::string csv = (dir_ / "suppress.csv").string();
  Report("--suppress " + Quote(csv) + " " + Quote(mbox_));
  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "address,reason,last_date,evidence\r");
  std::vector<std::string> rows;
  while (std::getline(in, line)) rows.push_back(line);
  ASSERT_EQ(rows.size(), 8u);
  EXPECT_EQ(rows[0].rfind("angry@example.net,feedback,2026-11-04,", 0), 0u) << rows[0];
  EXPECT_EQ(rows[1].rfind("nobody0@example.com,userunknown,2026-11-02,", 0), 0u) << rows[1];
}

TEST_F(ReportCliTest, DetailsListTheRecipients) {
  std::string plain = Report(Quote(mbox_));
  std::string details = Report("--details " + Quote(mbox_));
  EXPECT_EQ(plain.find("nobody3@example.com"), std::string::npos);
  EXPECT_NE(details.find("nobody3@example.com  (userunknown 5.1.1, 2026-11-02)"), std::string::npos) << details;
}

TEST_F(ReportCliTest, SinceDropsEarlierDays) {
  nlohmann::json j = nlohmann::json::parse(Report("--format json --since 2026-11-03 " + Quote(mbox_)));
  EXPECT_EQ(j["totals"]["failed"], 8);  // the 7 unknown users of 2026-11-02 are left out
  EXPECT_EQ(j["totals"]["first_day"], "2026-11-03");
  auto bad = RunCommand(Quote(kBinary) + " report --since yesterday " + Quote(mbox_));
  EXPECT_EQ(bad.exit_code, 2);
}

}  // namespace
