// FirstBytes must never leave out a byte a match can start with: checked on
// patterns of our own and on every row of data/bounce_markers.tsv against
// RE2 itself at each position of the row's sample.
#include <re2/re2.h>

#include <string>

#include <gtest/gtest.h>

#include "knowledge/first_bytes.h"
#include "knowledge/tsv.h"

namespace ndr {
namespace {

using internal::ByteSet;
using internal::FirstBytes;

std::string Members(const ByteSet& set) {
  std::string out;
  for (int b = 0; b < 256; ++b) {
    if (set[static_cast<size_t>(b)]) out.push_back(static_cast<char>(b));
  }
  return out;
}

TEST(FirstBytes, LiteralsAlternativesAndOptionalPieces) {
  EXPECT_EQ(Members(FirstBytes("^original message")), "Oo");
  EXPECT_EQ(Members(FirstBytes("^(here is|old)\\s*:?$")), "HOho");
  EXPECT_EQ(Members(FirstBytes("^-* ?(a )?copy")), " -ACac");
  EXPECT_EQ(Members(FirstBytes("(?:^[0-9]{1,3}x)|(?:^\\.y)")), ".0123456789");
  EXPECT_EQ(Members(FirstBytes("^x{0,2}y")), "XYxy");
}

TEST(FirstBytes, WhatItDoesNotFollowAllowsEveryByte) {
  for (const char* pattern : {"^[^a]bc", "^\\pLx", "^.x", "^a*", "^(?:x|)", "^[[:alpha:]]", "^\\x41", "^(ab"}) {
    EXPECT_EQ(FirstBytes(pattern).count(), 256u) << pattern;
  }
}

TEST(FirstBytes, NonAsciiAndFoldedLetters) {
  ByteSet u = FirstBytes("^ürspr");
  EXPECT_TRUE(u[0xC3] && u[0xC2] && u[0xFF]);
  EXPECT_FALSE(u['u'] || u['k'] || u['s']);
  ByteSet k = FirstBytes("^kelvin");
  EXPECT_EQ(Members(k), "Kk\xE2");  // U+212A KELVIN SIGN (E2 84 AA) folds to k
  ByteSet kelvin = FirstBytes("^\xE2\x84\xAA" "elvin");  // the Kelvin sign itself folds to k too
  EXPECT_TRUE(kelvin['k'] && kelvin['K'] && kelvin[0xE2]);
  EXPECT_EQ(Members(FirstBytes("^元のメッセージ|^原始")), "\xE5");  // no case: the character's own lead byte
  EXPECT_EQ(Members(FirstBytes("^[a-c]x")), "ABCabc");
}

// The filter lets through the lines a pattern may start and turns away
// those whose first three bytes no match has.
TEST(LineStartFilter, ThreeBytesDeep) {
  internal::LineStartFilter copy("^-* ?(a )?copy of|^original message$");
  EXPECT_TRUE(copy.MayStart("--- copy of"));
  EXPECT_TRUE(copy.MayStart("- A copy"));
  EXPECT_TRUE(copy.MayStart("Copy of"));
  EXPECT_TRUE(copy.MayStart("ORIginal"));
  EXPECT_FALSE(copy.MayStart("-x-"));  // after dashes: a blank or a letter of "a copy"
  EXPECT_FALSE(copy.MayStart("content-type"));  // "co" then 'n'
  EXPECT_FALSE(copy.MayStart("order"));
  internal::LineStartFilter kelvin("^kelvin");
  EXPECT_TRUE(kelvin.MayStart("\xE2\x84\xAA" "elvin"));  // the Kelvin sign folds to k
  EXPECT_FALSE(kelvin.MayStart("kev"));
  internal::LineStartFilter short_match("^ab?$|^xy+z");
  EXPECT_TRUE(short_match.MayStart("a.."));  // a match of one byte: any bytes after it
  EXPECT_TRUE(short_match.MayStart("xyy"));
  EXPECT_FALSE(short_match.MayStart("xz."));
  for (const char* pattern : {"^a*", "^[[:alpha:]]x", "^(ab"}) {
    EXPECT_TRUE(internal::LineStartFilter(pattern).MayStart("###")) << pattern;
  }
}

// At every position of every sample: when the row's pattern matches there,
// the byte there is in the pattern's set.
TEST(FirstBytes, NeverMissesAStartOfTheMarkerRows) {
  internal::TsvTable table;
  std::string error;
  ASSERT_TRUE(internal::LoadEmbeddedTsv("bounce_markers.tsv", {"where", "scope", "pattern", "sample"}, &table, &error))
      << error;
  RE2::Options options;
  options.set_case_sensitive(false);
  options.set_log_errors(false);
  int matched = 0;
  for (const internal::TsvRow& row : table.rows) {
    std::string pattern(table.Cell(row, "pattern"));
    std::string sample(table.Cell(row, "sample"));
    RE2 re(pattern, options);
    ASSERT_TRUE(re.ok()) << pattern;
    ByteSet first = FirstBytes(pattern);
    internal::LineStartFilter start(pattern);
    for (size_t i = 0; i < sample.size(); ++i) {
      re2::StringPiece rest(sample.data() + i, sample.size() - i);
      if (RE2::PartialMatch(rest, re) && re.Match(rest, 0, rest.size(), RE2::ANCHOR_START, nullptr, 0)) {
        ++matched;
        EXPECT_TRUE(first[static_cast<unsigned char>(sample[i])]) << pattern << " at " << i << " of " << sample;
        if (rest.size() >= 3) EXPECT_TRUE(start.MayStart(rest)) << pattern << " at " << i << " of " << sample;
      }
    }
  }
  EXPECT_GT(matched, 100);
}

}  // namespace
}  // namespace ndr
