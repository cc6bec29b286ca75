// Reading inputs: mbox splitting and folder expansion.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ndr/mailbox.h"

namespace ndr {
namespace {

TEST(Mbox, SplitsAtSeparatorsAfterEmptyLines) {
  auto m = SplitMbox("From a@x Mon Jan  5 10:00:00 2026\nSubject: 1\n\nbody\n\nFrom b@x Mon Jan  5 10:01:00 2026\n"
                     "Subject: 2\n\nbody\n");
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0], "Subject: 1\n\nbody\n\n");
  EXPECT_EQ(m[1], "Subject: 2\n\nbody\n");
}

// Regression: an LF mbox whose messages are not separated by an empty line
// was read as one message.
TEST(Mbox, SplitsAtPostmarkWithoutEmptyLine) {
  auto m = SplitMbox("From a@x Mon Jan  5 10:00:00 2026\nSubject: 1\n\nbody\nFrom b@x Mon Jan  5 10:01:00 2026\n"
                     "Subject: 2\n\nbody\n");
  ASSERT_EQ(m.size(), 2u);
}

TEST(Mbox, BodyLineStartingWithFromDoesNotSplit) {
  auto m = SplitMbox("From a@x Mon Jan  5 10:00:00 2026\nSubject: 1\n\nFrom here on, we will meet weekly.\n");
  ASSERT_EQ(m.size(), 1u);
}

TEST(Mbox, CrlfSeparators) {
  auto m = SplitMbox("From a@x Mon Jan  5 10:00:00 2026\r\nSubject: 1\r\n\r\nbody\r\n\r\nFrom b@x Mon Jan  5 "
                     "10:01:00 2026\r\nSubject: 2\r\n\r\nbody\r\n");
  ASSERT_EQ(m.size(), 2u);
}

TEST(Mbox, Detection) {
  EXPECT_TRUE(LooksLikeMbox("From MAILER-DAEMON Mon Jan  5 10:00:00 2026\n"));
  EXPECT_FALSE(LooksLikeMbox("From: someone@example.com\n"));
  EXPECT_TRUE(SplitMbox("").empty());
}

TEST(Inputs, FoldersExpandSortedAndSkipHiddenAndMaildirTmp) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(::testing::TempDir()) / "ndr_inputs";
  fs::remove_all(dir);
  for (const char* sub : {"cur", "new", "tmp", ".hidden"}) fs::create_directories(dir / sub);
  for (const char* f : {"new/b", "cur/a", "tmp/partial", ".hidden/x", ".dotfile"}) std::ofstream(dir / f) << "x";
  std::vector<std::string> errors;
  auto files = ExpandInputs({dir.string(), (dir / "missing").string()}, &errors);
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(fs::path(files[0]).filename(), "a");
  EXPECT_EQ(fs::path(files[1]).filename(), "b");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("missing"), std::string::npos);
}

TEST(Inputs, ReadErrorsNameTheFile) {
  std::string data, error;
  EXPECT_FALSE(ReadWholeFile("/nonexistent/ndr/file", &data, &error));
  EXPECT_NE(error.find("/nonexistent/ndr/file"), std::string::npos);
}

}  // namespace
}  // namespace ndr
