// The mbox cutter (io::ScanMbox) skips the lines that cannot matter many
// bytes at a time. Checked here against the rule it implements, written line by
// line, on generated mailboxes fed as a growing stream of windows.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "io/mbox_scan.h"

namespace ndr {
namespace {

using Cut = std::tuple<size_t, size_t, bool, bool>;

// The cutting rule, one line at a time: a "From " line at the start, after
// an empty line or with a time of day is a separator; the message before it
// ends before that empty line; ">From " lines mark the message quoted; at
// the end, one trailing empty line is taken off.
std::vector<Cut> CutLineByLine(std::string_view data) {
  std::vector<Cut> cuts;
  size_t start = io::kNoMessage, blank = 0, pos = 0;
  bool quoted = false, first_line = true;
  while (pos < data.size()) {
    size_t nl = data.find('\n', pos);
    size_t next = nl == std::string_view::npos ? data.size() : nl + 1;
    std::string_view line = data.substr(pos, next - pos);
    if (line.substr(0, 5) == "From " && (first_line || blank > 0 || io::HasTimeOfDay(line))) {
      if (start != io::kNoMessage) cuts.emplace_back(start, std::max(start, pos - blank), quoted, false);
      start = next;
      quoted = false;
    } else if (io::IsQuotedFromLine(line)) {
      quoted = true;
    }
    first_line = false;
    blank = line == "\n" ? 1 : line == "\r\n" ? 2 : 0;
    pos = next;
  }
  if (start != io::kNoMessage) {
    size_t end = data.size();
    std::string_view text = data.substr(start);
    if (text.size() >= 4 && text.substr(text.size() - 4) == "\r\n\r\n") {
      end -= 2;
    } else if (text.size() >= 2 && text.substr(text.size() - 2) == "\n\n") {
      end -= 1;
    }
    if (end > start) cuts.emplace_back(start, end, quoted, false);
  }
  return cuts;
}

// ScanMbox over windows that grow by the given steps, then the whole input at its end.
std::vector<Cut> CutAsStream(std::string_view data, const std::vector<size_t>& steps) {
  std::vector<Cut> cuts;
  io::MboxScan scan;
  auto cut = [&](const io::MboxCut& c) { cuts.emplace_back(c.begin, c.end, c.quoted, c.oversized); };
  size_t have = 0;
  for (size_t step : steps) {
    have = std::min(data.size(), have + step);
    io::ScanMbox(data.substr(0, have), /*at_end=*/false, &scan, cut);
  }
  io::ScanMbox(data, /*at_end=*/true, &scan, cut);
  return cuts;
}

TEST(MboxScan, SkippingLinesCutsAsTheLineByLineRule) {
  const std::vector<std::string> pieces = {
      "From a@b Mon Jan  5 10:00:00 2026\n", "From someone\n", "From x Mon Jan  5 1:0 2026\n", ">From y\n",
      ">>From z\n", ">F\n", "\n", "\r\n", "\r", "From: a@b\n", "F\n", "Fro", "text line\n",
      "a longer line of body text that spans more than sixteen bytes\n", "Subject: hi\n", ">\n", "m", "\n\n"};
  std::mt19937 rng(20261201);
  for (int round = 0; round < 3000; ++round) {
    std::string data;
    int n = static_cast<int>(rng() % 40);
    for (int i = 0; i < n; ++i) data += pieces[rng() % pieces.size()];
    std::vector<size_t> steps;
    for (int i = static_cast<int>(rng() % 6); i > 0; --i) steps.push_back(1 + rng() % 40);
    SCOPED_TRACE("input: " + data);
    EXPECT_EQ(CutAsStream(data, steps), CutLineByLine(data));
  }
}

TEST(MboxScan, SeparatorAfterALongRunOfLinesThatDoNotMatter) {
  std::string body;
  for (int i = 0; i < 50; ++i) body += "line " + std::to_string(i) + " of the body, no separator here\n";
  std::string data = "From a Mon Jan  5 10:00:00 2026\n" + body + "\nFrom b\n" + body + "\r\n>From c\n";
  auto cuts = CutAsStream(data, {100, 1000});
  ASSERT_EQ(cuts.size(), 2u);
  EXPECT_EQ(std::get<1>(cuts[0]), data.find("\nFrom b") );  // before the empty line
  EXPECT_TRUE(std::get<2>(cuts[1]));                        // quoted
  EXPECT_EQ(cuts, CutLineByLine(data));
}

// The search for the next line starting with 'F' or '>' compares many bytes
// at a time (64 with AVX2, 16 with SSE2); every way must find what the byte
// loop finds, wherever the hit and the ends fall inside a step.
TEST(MboxScan, EveryWayOfFindingAMarkedLineAgrees) {
  const char alphabet[] = {'\n', '\n', 'F', '>', 'a', 'r', '\r', ' '};
  std::mt19937 rng(20261203);
  for (int round = 0; round < 4000; ++round) {
    std::string data(rng() % 300, 'x');
    // Mostly plain bytes, so that hits are often far apart (past a whole step).
    for (char& c : data) c = rng() % 16 == 0 ? alphabet[rng() % sizeof alphabet] : 'x';
    size_t end = data.empty() ? 0 : rng() % (data.size() + 1);
    size_t from = end == 0 ? 0 : rng() % (end + 1);
    SCOPED_TRACE("from " + std::to_string(from) + " end " + std::to_string(end) + " data: " + data);
    size_t want = io::NextMarkedLineBytes(data.data(), from, end);
    EXPECT_EQ(io::NextMarkedLineSse2(data.data(), from, end), want);
    if (io::HasAvx2()) EXPECT_EQ(io::NextMarkedLineAvx2(data.data(), from, end), want);
    EXPECT_EQ(io::NextMarkedLine(data.data(), from, end), want);
  }
}

TEST(MboxScan, MarkedLineFoundAtEachPlaceOfALongRun) {
  for (size_t at = 1; at < 200; ++at) {
    std::string data(260, 'x');
    data[at - 1] = '\n';
    data[at] = at % 2 == 0 ? 'F' : '>';
    SCOPED_TRACE("at " + std::to_string(at));
    EXPECT_EQ(io::NextMarkedLineBytes(data.data(), 0, data.size()), at);
    EXPECT_EQ(io::NextMarkedLine(data.data(), 0, data.size()), at);
    EXPECT_EQ(io::NextMarkedLine(data.data(), at + 1, data.size()), data.size());  // none after it
    EXPECT_EQ(io::NextMarkedLine(data.data(), 0, at), at);                      // the line starts at the end: not in range
  }
  EXPECT_EQ(io::NextMarkedLine(">a", 0, 2), 0u);  // the input's first line
  EXPECT_EQ(io::NextMarkedLine("a\nF", 2, 3), 2u);
}

}  // namespace
}  // namespace ndr
