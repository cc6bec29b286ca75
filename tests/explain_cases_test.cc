// Explanation cases (tests/explain/cases): short bounces written for this
// project, each modelled on real wording, with the records a helpdesk person
// should get from it. Every NAME.eml has a NAME.expect beside it:
//
//   # comment lines start with '#'
//   recipient: jo@example.net          one "key: value" line per asserted key
//   diagnostic: 550 5.1.1 No such user  (a key of the JSON record; an empty
//   reason: userunknown                  value asserts the empty string)
//
//   recipient: second@example.net      a blank line starts the next record
//
// The number of blocks is the number of records the bounce must give, in
// output order; keys not written are not checked. "records: 0" alone says the
// input must give no record. A case NAME.txt instead of NAME.eml is text a
// person pasted, read as `ndr explain --text` reads it.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "json_check.h"
#include "ndr/analyzer.h"
#include "ndr/render.h"
#include "shared_analyzer.h"

namespace {

namespace fs = std::filesystem;

const fs::path kCases = fs::path(NDR_SOURCE_DIR) / "tests" / "explain" / "cases";

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> CaseNames() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(kCases, ec)) {
    if (e.path().extension() == ".eml" || e.path().extension() == ".txt") {
      names.push_back(e.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

using Block = std::vector<std::pair<std::string, std::string>>;

// The expected records; *no_records is set by "records: 0".
std::vector<Block> ParseExpect(const std::string& text, bool* no_records) {
  std::vector<Block> blocks;
  Block current;
  std::istringstream in(text);
  std::string line;
  *no_records = false;
  auto flush = [&] {
    if (!current.empty()) blocks.push_back(std::move(current));
    current.clear();
  };
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty() && line[0] == '#') continue;
    if (line.find_first_not_of(" \t") == std::string::npos) {
      flush();
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, colon);
    std::string value = line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.erase(0, 1);
    if (key == "records" && value == "0") {
      *no_records = true;
      continue;
    }
    current.emplace_back(key, value);
  }
  flush();
  return blocks;
}

class ExplainCase : public ::testing::TestWithParam<std::string> {};

TEST_P(ExplainCase, GivesTheExpectedRecords) {
  const std::string& file = GetParam();
  fs::path eml = kCases / file;
  std::string name = eml.stem().string();
  bool pasted = eml.extension() == ".txt";
  fs::path expect = kCases / (name + ".expect");
  ASSERT_TRUE(fs::exists(expect)) << expect << " missing";
  bool no_records = false;
  std::vector<Block> want = ParseExpect(ReadFile(expect), &no_records);
  ASSERT_TRUE(no_records || !want.empty()) << expect << " asserts nothing";

  std::string bytes = ReadFile(eml);
  ndr::Analysis a = pasted ? ndr_test::TheAnalyzer().AnalyzeText(bytes, file) : ndr_test::TheAnalyzer().Analyze(bytes, file);
  ASSERT_EQ(a.records.size(), no_records ? 0u : want.size()) << name << ": wrong number of records";
  ndr_test::JsonChecker json;
  for (size_t i = 0; i < want.size(); ++i) {
    std::string line = ndr::RecordToJson(a.records[i]);
    ASSERT_TRUE(json.ParseObject(line)) << line;
    for (const auto& [key, value] : want[i]) {
      auto it = json.values().find(key);
      ASSERT_NE(it, json.values().end()) << name << " record " << i + 1 << ": no key '" << key << "'";
      EXPECT_EQ(it->second, value) << name << " record " << i + 1 << ", key '" << key << "'";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, ExplainCase, ::testing::ValuesIn(CaseNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string n = fs::path(info.param).stem().string();
                           for (char& c : n) {
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return n;
                         });

// The issue asks for at least 80 cases, one or more for every defect kind.
TEST(ExplainCases, HoldAtLeastEightyCases) { EXPECT_GE(CaseNames().size(), 80u); }

}  // namespace
