// Every code, digit meaning and command grouping of the reply-code seed table
// (../shared/reference/smtp-reply-codes.txt; skipped when absent) answered by
// `ndr code` itself, end to end.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "run_command.h"

namespace {

namespace fs = std::filesystem;
using ndr_test::Quote;
using ndr_test::RunCommand;

const std::string kBinary = NDR_BINARY;
const fs::path kSeed = fs::path(NDR_SOURCE_DIR) / ".." / "shared" / "reference" / "smtp-reply-codes.txt";

struct Seed {
  std::vector<std::pair<std::string, std::string>> codes;              // code, meaning
  std::vector<std::pair<std::string, std::string>> digits;             // "5yz"/"x3z", name
  std::vector<std::pair<std::string, std::string>> command_codes;      // command, code
};

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
  while (!s.empty() && s.front() == ' ') s.erase(0, 1);
  return s;
}

bool IsCode(const std::string& s) {
  return s.size() == 3 && isdigit(static_cast<unsigned char>(s[0])) && isdigit(static_cast<unsigned char>(s[1])) &&
         isdigit(static_cast<unsigned char>(s[2]));
}

Seed ReadSeed() {
  Seed seed;
  std::ifstream in(kSeed);
  std::string line;
  enum { kNone, kCodes, kDigits, kCommands } section = kNone;
  std::string command;
  const std::string dash = "\xE2\x80\x93";  // the seed's "–"
  while (std::getline(in, line)) {
    line = Trim(line);
    if (line.find("IN NUMERIC ORDER") != std::string::npos) section = kCodes;
    else if (line.find("WHAT THEY MEAN") != std::string::npos) section = kDigits;
    else if (line.find("GROUPED BY COMMAND") != std::string::npos) section = kCommands;
    if (line.rfind("- ", 0) != 0) continue;
    std::string item = line.substr(2);
    std::string head = item.substr(0, 3);
    if (section == kCodes && IsCode(head)) {
      size_t d = item.find(dash);
      seed.codes.push_back({head, d == std::string::npos ? "" : Trim(item.substr(d + dash.size()))});
    } else if (section == kDigits && item.size() > 4 && item[3] == ' ' &&
               ((isdigit(static_cast<unsigned char>(item[0])) && item.substr(1, 2) == "yz") ||
                (item[0] == 'x' && item[2] == 'z'))) {
      seed.digits.push_back({head, Trim(item.substr(4))});
    } else if (section == kCommands) {
      if (IsCode(head)) {
        if (!command.empty()) seed.command_codes.push_back({command, head});
      } else if (item != "COMMAND" && item.find(dash) == std::string::npos) {
        command = item;  // "CONNECT", "RECEIVED DATA", ...
      }
    }
  }
  return seed;
}

class SeedCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kSeed)) GTEST_SKIP() << "seed table not present at " << kSeed;
    if (!fs::exists(kBinary)) GTEST_SKIP() << "ndr binary not built";
    seed_ = ReadSeed();
  }
  ndr_test::CommandResult Code(const std::string& args) {
    return RunCommand(Quote(kBinary) + " code " + args + " --format json");
  }
  Seed seed_;
};

TEST_F(SeedCliTest, EveryCodeWithItsMeaning) {
  ASSERT_GE(seed_.codes.size(), 24u);
  for (const auto& [code, meaning] : seed_.codes) {
    auto r = Code(code);
    EXPECT_EQ(r.exit_code, 0) << code;
    EXPECT_NE(r.out.find("\"known\":true"), std::string::npos) << code << ": " << r.out;
    // The seed's own words (up to the first bracket or odd character) are kept.
    std::string words = meaning.substr(0, meaning.find_first_of("(?[<"));
    words = Trim(words);
    if (words.size() > 24) words.resize(24);  // the seed lost "<CRLF>" after 354's words
    EXPECT_NE(r.out.find(words), std::string::npos) << code << " should mean '" << words << "': " << r.out;
  }
}

TEST_F(SeedCliTest, EveryDigitMeaning) {
  ASSERT_EQ(seed_.digits.size(), 11u);  // 1yz..5yz and x0z..x5z
  for (const auto& [digit, name] : seed_.digits) {
    bool first = digit[0] != 'x';
    // Ask for a code with that digit in its place; the answer names the digit's meaning.
    std::string code = first ? std::string(1, digit[0]) + "00" : std::string("5") + digit[1] + "0";
    auto r = Code(code);
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << code;
    std::string key = first ? "\"class\":{\"digit\":" : "\"category\":{\"digit\":";
    EXPECT_NE(r.out.find(key + (first ? digit.substr(0, 1) : digit.substr(1, 1))), std::string::npos) << r.out;
    std::string words = name.substr(0, 20);
    EXPECT_NE(r.out.find(words), std::string::npos) << digit << " should be '" << words << "': " << r.out;
  }
}

TEST_F(SeedCliTest, EveryCommandGrouping) {
  ASSERT_GE(seed_.command_codes.size(), 100u);
  for (const auto& [command, code] : seed_.command_codes) {
    auto r = Code(code + " --command " + Quote(command));
    EXPECT_EQ(r.exit_code, 0) << command << " " << code;
    EXPECT_NE(r.out.find("\"may_return\":true"), std::string::npos) << command << " " << code << ": " << r.out;
  }
}

}  // namespace

namespace {

// Every registered enhanced status code, as the table lists it, is answered
// by `ndr code` in each class; unregistered details fall back to class + subject.
TEST(StatusCliTest, EveryRegistryCodeAndTheFallback) {
  if (!fs::exists(kBinary)) GTEST_SKIP() << "ndr binary not built";
  auto list = RunCommand(Quote(kBinary) + " code --list --format json");
  ASSERT_EQ(list.exit_code, 0);
  size_t asked = 0;
  for (const std::string& line : ndr_test::Lines(list.out)) {
    if (line.find("\"table\":\"enhanced_status\"") == std::string::npos) continue;
    if (line.find("\"scope\":\"\"") == std::string::npos) continue;  // registry rows only
    size_t at = line.find("\"code\":\"X.");
    if (at == std::string::npos) continue;
    std::string rest = line.substr(at + 10);
    std::string subject_detail = rest.substr(0, rest.find('"'));
    for (const char* klass : {"4", "5"}) {
      std::string code = std::string(klass) + "." + subject_detail;
      auto r = RunCommand(Quote(kBinary) + " code " + code + " --format json");
      ++asked;
      EXPECT_EQ(r.exit_code, 0) << code;
      EXPECT_NE(r.out.find("\"registered\":true"), std::string::npos) << code << ": " << r.out;
    }
  }
  EXPECT_GE(asked, 2u * 75u);
  for (int subject = 0; subject <= 7; ++subject) {
    std::string code = "5." + std::to_string(subject) + ".99";  // no vendor uses .99 either
    auto r = RunCommand(Quote(kBinary) + " code " + code + " --format json");
    EXPECT_EQ(r.exit_code, 1) << code;
    EXPECT_NE(r.out.find("\"registered\":false"), std::string::npos) << code;
    EXPECT_NE(r.out.find("detail unknown"), std::string::npos) << code << ": " << r.out;
  }
}

}  // namespace
