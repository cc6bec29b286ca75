// The real-world corpus in ../shared/corpus/sisimai (skipped when absent):
// every bounce goes through `ndr explain --format json` without a crash, a
// hang or an invalid line, and the RFC 3464 families meet the accuracy floor.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "corpus_score.h"
#include "json_check.h"
#include "run_command.h"

namespace {

namespace fs = std::filesystem;
using ndr_test::Lines;
using ndr_test::Quote;
using ndr_test::RunCommand;

const std::string kBinary = NDR_BINARY;
const fs::path kCorpus = fs::path(NDR_SOURCE_DIR) / ".." / "shared" / "corpus" / "sisimai";

class CorpusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kCorpus / "maildir")) GTEST_SKIP() << "corpus not present at " << kCorpus;
    if (!fs::exists(kBinary)) GTEST_SKIP() << "ndr binary not built";
  }
};

std::vector<fs::path> CorpusFiles(const std::string& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(kCorpus / dir)) {
    if (e.is_regular_file()) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Files go to ndr in batches, so the test also runs in reasonable time under
// ASan (one process per file took minutes there); a batch that fails is run
// again file by file to name the culprit.
TEST_F(CorpusTest, EveryFileExplainsWithValidJson) {
  const std::vector<fs::path> files = CorpusFiles("maildir");
  ASSERT_GT(files.size(), 600u);
  ndr_test::JsonChecker json;
  // `timeout` turns a hang into exit status 124; a sanitizer finding exits 86 (src/cli/main.cc).
  auto explain = [&](const std::string& format, const std::vector<fs::path>& batch, bool with_stderr = false) {
    std::string command = "timeout 300 " + Quote(kBinary) + " explain --format " + format;
    for (const fs::path& file : batch) command += " " + Quote(file.string());
    return with_stderr ? ndr_test::RunCommandWithStderr(command) : RunCommand(command);
  };
  auto lines_are_json = [&](const std::string& out) {
    for (const std::string& line : Lines(out)) {
      if (!json.ParseObject(line)) return false;
    }
    return true;
  };
  const size_t kBatch = 50;
  for (size_t begin = 0; begin < files.size(); begin += kBatch) {
    std::vector<fs::path> batch(files.begin() + begin, files.begin() + std::min(files.size(), begin + kBatch));
    for (const std::string format : {"json", "text"}) {
      auto r = explain(format, batch);
      bool good = (r.exit_code == 0 || r.exit_code == 1) && (format != "json" || lines_are_json(r.out));
      if (good) continue;
      for (const fs::path& file : batch) {
        auto one = explain(format, {file}, true);
        EXPECT_TRUE(one.exit_code == 0 || one.exit_code == 1) << file << " (" << format << ") exit " << one.exit_code
                                                            << "\n" << one.err.substr(0, 2000);
        if (format == "json") EXPECT_TRUE(lines_are_json(one.out)) << file << ": " << one.out.substr(0, 2000);
      }
      ADD_FAILURE() << "batch from " << batch.front() << " (" << format << ") exit " << r.exit_code;
    }
  }
}

TEST_F(CorpusTest, NotBouncesAreSilent) {
  for (const fs::path& file : CorpusFiles("not-bounces")) {
    auto r = RunCommand("timeout 20 " + Quote(kBinary) + " scan --format json " + Quote(file.string()));
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << file;
  }
}

// Record count and reply code on the RFC 3464 families, scored like
// ../shared/tools/score: counts per file, reply codes as multisets per file.
TEST_F(CorpusTest, Rfc3464FamiliesMeetTheFloor) {
  std::ifstream key(kCorpus / "key.tsv");
  ASSERT_TRUE(key) << "key.tsv missing";
  std::string line;
  std::getline(key, line);  // header: file index status reply_code reason hard_bounce ...
  std::map<std::string, std::vector<std::string>> expected;  // file -> reply codes
  while (std::getline(key, line)) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, '\t')) cells.push_back(cell);
    if (cells.size() < 4) continue;
    const std::string& file = cells[0];
    if (file.rfind("rfc3464-", 0) == 0 || file.rfind("lhost-postfix-", 0) == 0 ||
        file.rfind("lhost-sendmail-", 0) == 0) {
      expected[file].push_back(cells[3]);
    }
  }
  ASSERT_GT(expected.size(), 100u);
  std::string args;
  for (const auto& [file, codes] : expected) args += " " + Quote((kCorpus / "maildir" / file).string());
  auto r = RunCommand("timeout 120 " + Quote(kBinary) + " scan --format json" + args);
  ASSERT_EQ(r.exit_code, 0);
  std::map<std::string, std::vector<std::string>> got;
  ndr_test::JsonChecker json;
  for (const std::string& out_line : Lines(r.out)) {
    ASSERT_TRUE(json.ParseObject(out_line)) << out_line;
    std::string source = json.values().at("source");
    got[fs::path(source.substr(0, source.find('#'))).filename().string()].push_back(
        json.values().at("reply_code"));
  }
  size_t exact = 0, reply_hits = 0, reply_total = 0;
  for (const auto& [file, codes] : expected) {
    std::vector<std::string> have = got[file];
    if (have.size() == codes.size()) ++exact;
    for (const std::string& want : codes) {
      ++reply_total;
      auto it = std::find(have.begin(), have.end(), want);
      if (it != have.end()) {
        ++reply_hits;
        have.erase(it);
      }
    }
  }
  double count_rate = 100.0 * exact / expected.size();
  double reply_rate = 100.0 * reply_hits / reply_total;
  std::cout << "RFC 3464 families: record count exact " << count_rate << "% of " << expected.size()
            << " files, reply_code " << reply_rate << "% of " << reply_total << " records\n";
  EXPECT_GE(count_rate, 90.0);
  EXPECT_GE(reply_rate, 90.0);
}

// The whole keyed corpus, scored like ../shared/tools/score: the figures the
// interpretation work reached may not drop.
TEST_F(CorpusTest, WholeCorpusMeetsTheFloors) {
  ndr_test::CorpusKey key = ndr_test::LoadCorpusKey(kCorpus / "key.tsv");
  ASSERT_GT(key.size(), 600u);
  auto r = RunCommand("timeout 300 " + Quote(kBinary) + " scan --format json " + Quote((kCorpus / "maildir").string()));
  ASSERT_EQ(r.exit_code, 0);
  size_t bad = 0;
  ndr_test::CorpusScore s = ndr_test::ScoreCorpus(key, ndr_test::GroupRecords(r.out, &bad));
  EXPECT_EQ(bad, 0u);
  std::cout << "corpus: count exact " << s.count_exact_pct() << "%, status " << s.status() << "%, reply_code "
            << s.reply_code() << "%, reason " << s.reason() << "%\n";
  EXPECT_GE(s.count_exact_pct(), 99.0);
  EXPECT_GE(s.status(), 96.0);
  EXPECT_GE(s.reply_code(), 95.0);
  EXPECT_GE(s.reason(), 91.5);
}

// The generic-only mode (`ndr scan --rules generic`: no format marker, no SES
// JSON, no vendor rule) still reads the development corpus: it recognizes
// >= 95 % of the bounces and gets the record count exact for >= 85 % of the
// files, scored like ../shared/tools/score.
TEST_F(CorpusTest, GenericRulesAloneReadTheCorpus) {
  ndr_test::CorpusKey key = ndr_test::LoadCorpusKey(kCorpus / "key.tsv");
  ASSERT_GT(key.size(), 600u);
  auto r = RunCommand("timeout 300 " + Quote(kBinary) + " scan --rules generic --format json " +
                      Quote((kCorpus / "maildir").string()));
  ASSERT_EQ(r.exit_code, 0);
  size_t bad = 0;
  ndr_test::CorpusScore s = ndr_test::ScoreCorpus(key, ndr_test::GroupRecords(r.out, &bad));
  EXPECT_EQ(bad, 0u);
  std::cout << "generic rules only: recognized " << s.recognized() << "%, record count exact "
            << s.count_exact_pct() << "%\n";
  EXPECT_GE(s.recognized(), 95.0);
  EXPECT_GE(s.count_exact_pct(), 85.0);
}

// ../shared/corpus/crisp: bounce texts as people paste them (no headers),
// keyed by recipient. Scored like ../shared/tools/score's recipient mode.
TEST(CrispCorpusTest, PastedTextsMeetTheFloors) {
  const fs::path crisp = fs::path(NDR_SOURCE_DIR) / ".." / "shared" / "corpus" / "crisp";
  if (!fs::exists(crisp / "messages")) GTEST_SKIP() << "corpus not present at " << crisp;
  std::ifstream key(crisp / "key.tsv");
  std::string line;
  std::getline(key, line);  // file recipient status reply_code label source_project
  struct Want {
    std::string recipient, status, reply_code;
    bool bounce = true;
  };
  std::map<std::string, Want> want;
  while (std::getline(key, line)) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, '\t')) cells.push_back(cell);
    cells.resize(6);
    want[cells[0]] = {cells[1] == "-" ? "" : ndr_test::Lower(cells[1]), cells[2], cells[3], cells[4] != "not-bounce"};
  }
  ASSERT_GT(want.size(), 100u);
  auto r = RunCommand("timeout 120 " + Quote(kBinary) + " scan --format json " + Quote((crisp / "messages").string()));
  size_t bad = 0;
  ndr_test::CorpusRecords got = ndr_test::GroupRecords(r.out, &bad);
  EXPECT_EQ(bad, 0u);
  size_t bounces = 0, detected = 0, recipients = 0, found = 0, extra = 0, silent = 0, not_bounces = 0;
  size_t status_total = 0, status_hits = 0, reply_total = 0, reply_hits = 0;
  for (const auto& [file, w] : want) {
    const auto& records = got[file];
    if (!w.bounce) {
      ++not_bounces;
      silent += records.empty();
      continue;
    }
    ++bounces;
    detected += !records.empty();
    std::vector<std::string> statuses, replies;
    bool hit = false;
    for (const auto& rec : records) {
      statuses.push_back(rec.at("status"));
      replies.push_back(rec.at("reply_code"));
      bool mine = !w.recipient.empty() && (ndr_test::Lower(rec.at("recipient")) == w.recipient ||
                                          ndr_test::Lower(rec.at("original_recipient")) == w.recipient);
      hit = hit || mine;
      if (!w.recipient.empty() && !mine) ++extra;
    }
    if (!w.recipient.empty()) {
      ++recipients;
      found += hit;
    }
    if (!w.status.empty()) {
      ++status_total;
      status_hits += ndr_test::MultisetHits({w.status}, statuses);
    }
    if (!w.reply_code.empty()) {
      ++reply_total;
      reply_hits += ndr_test::MultisetHits({w.reply_code}, replies);
    }
  }
  auto pct = [](size_t a, size_t b) { return b == 0 ? 0.0 : 100.0 * a / b; };
  std::cout << "crisp: detected " << pct(detected, bounces) << "%, recall " << pct(found, recipients)
            << "%, extra " << extra << ", status " << pct(status_hits, status_total) << "%, reply_code "
            << pct(reply_hits, reply_total) << "%\n";
  EXPECT_GE(pct(detected, bounces), 97.0);
  EXPECT_GE(pct(found, recipients), 97.0);
  EXPECT_GE(pct(status_hits, status_total), 97.0);
  EXPECT_GE(pct(reply_hits, reply_total), 97.0);
  // One text (an Office 365 report) names another address in its own table
  // than the key's; ndr reports the address the text names.
  EXPECT_LE(extra, 1u);
  EXPECT_EQ(silent, not_bounces);
}

}  // namespace
