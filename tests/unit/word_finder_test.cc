// WordFinder must say exactly what an RE2::Set of the same words (quoted,
// case-insensitive, as RuleSet builds it) says, for every ASCII text; and
// step aside for the rest.
#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "knowledge/word_finder.h"

namespace ndr {
namespace {

std::vector<int> WordsBySet(const std::vector<std::string>& words, std::string_view text) {
  RE2::Options o;
  o.set_case_sensitive(false);
  o.set_log_errors(false);
  RE2::Set set(o, RE2::UNANCHORED);
  for (const std::string& w : words) EXPECT_GE(set.Add(RE2::QuoteMeta(w), nullptr), 0) << w;
  EXPECT_TRUE(set.Compile());
  std::vector<int> hits;
  set.Match(re2::StringPiece(text.data(), text.size()), &hits);
  std::sort(hits.begin(), hits.end());
  return hits;
}

std::vector<int> WordsByFinder(const internal::WordFinder& finder, std::string_view text) {
  std::vector<int> found = {-7};  // what was there before stays
  EXPECT_TRUE(finder.Find(text, &found)) << text;
  EXPECT_EQ(found.front(), -7);
  found.erase(found.begin());
  return found;
}

TEST(WordFinder, FindsEveryWordOnceAscendingAnyCase) {
  // Lengths 1 to 6; words inside words, sharing their first four bytes,
  // overlapping, at the very start and end; a word with a space.
  std::vector<std::string> words = {"user unknown", "unknown", "kno", "no", "n", "mailbox", "mailbo", "mail",
                                    "ail", "x", "##", "full", "fu"};
  internal::WordFinder finder(words);
  EXPECT_EQ(WordsByFinder(finder, "550 User UNKNOWN"), (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(WordsByFinder(finder, "MAILBOX full"), (std::vector<int>{5, 6, 7, 8, 9, 11, 12}));
  EXPECT_EQ(WordsByFinder(finder, "mailbo"), (std::vector<int>{6, 7, 8}));
  EXPECT_EQ(WordsByFinder(finder, "##x##"), (std::vector<int>{9, 10}));
  EXPECT_EQ(WordsByFinder(finder, "nnnn no no"), (std::vector<int>{3, 4}));
  EXPECT_EQ(WordsByFinder(finder, ""), std::vector<int>{});
  EXPECT_EQ(WordsByFinder(finder, "f"), std::vector<int>{});
  EXPECT_EQ(WordsByFinder(finder, std::string("fu\0ll", 5)), (std::vector<int>{12}));
  for (const char* text : {"550 User UNKNOWN", "MAILBOX full", "mailbo", "##x##", "nnnn no no"}) {
    EXPECT_EQ(WordsByFinder(finder, text), WordsBySet(words, text)) << text;
  }
}

TEST(WordFinder, LeavesNonAsciiTextsToTheCaller) {
  internal::WordFinder finder({"mailbox", "straße"});
  std::vector<int> found;
  EXPECT_FALSE(finder.Find("Mailbox voll, Straße", &found));
  EXPECT_TRUE(found.empty());
  // A word with a byte >= 0x80 is never found in ASCII text (nor could RE2 find it there).
  EXPECT_EQ(WordsByFinder(finder, "mailbox strasse"), (std::vector<int>{0}));
}

TEST(WordFinder, RefusesWordsThatFoldToAscii) {
  // RE2 matches "\u212A" (KELVIN SIGN) against "k" and "\u017F" (LONG S)
  // against "s": such a word could be in an ASCII text.
  for (const char* odd : {"\xE2\x84\xAA" "ey", "mi\xC5\xBF" "take"}) {
    EXPECT_EQ(WordsBySet({odd}, odd[0] == 'm' ? "MISTAKE" : "key"), std::vector<int>{0});
    internal::WordFinder finder({"plain", odd});
    std::vector<int> found;
    EXPECT_FALSE(finder.Find("plain key", &found)) << odd;
  }
}

TEST(WordFinder, RefusesWordsWithAZeroByte) {
  // Find reads the zeros after a text as if they were part of it: a word
  // holding one could then be found where the text has none.
  internal::WordFinder finder({"mailbox", std::string("no\0", 3)});
  std::vector<int> found;
  EXPECT_FALSE(finder.Find("no", &found));
  EXPECT_TRUE(found.empty());
}

TEST(WordFinder, FindsWordsThatRunToTheTextsEnd) {
  // Words of five to twelve bytes sharing their first four, cut short by the
  // end of the text at every length.
  std::vector<std::string> words = {"quota", "quotas", "quota e", "quota ex", "quota exceeded", "ota", "ta"};
  internal::WordFinder finder(words);
  const std::string whole = "Over QUOTA EXCEEDED";
  for (size_t n = 0; n <= whole.size(); ++n) {
    const std::string text = whole.substr(0, n);
    EXPECT_EQ(WordsByFinder(finder, text), WordsBySet(words, text)) << text;
  }
}

TEST(WordFinder, SaysWhatAnRe2SetSaysOnGeneratedTexts) {
  std::vector<std::string> words = {"in",   "inv",  "inva", "invalid", "valid", "lid",      "id",  "d o", "do",
                                    "dom",  "main", "ma",   "ai",      "a",     "domain x", "--",  "---", "5.1",
                                    ".1.1", "550 ", " 550", "[ip]",    "i",     "p]",       "\\d", "a+b"};
  internal::WordFinder finder(words);
  // Texts built from pieces of the words and a few other bytes, so that
  // words overlap, nest and break off at every point.
  std::vector<std::string> pieces = {"In", "V", "a", "LID", "d", " ", "o", "MAIN", "-", "5", ".", "1", "[", "ip",
                                     "]",  "\\", "+", "b", "x", "q", "\t", "\n", "#", "dOm", "ai", "i"};
  std::mt19937 random(20261201);
  for (int n = 0; n < 3000; ++n) {
    std::string text;
    size_t count = random() % 12;
    for (size_t k = 0; k < count; ++k) text += pieces[random() % pieces.size()];
    ASSERT_EQ(WordsByFinder(finder, text), WordsBySet(words, text)) << "text '" << text << "'";
  }
}

// Every ASCII byte next to every other, in texts long enough to be
// lower-cased eight bytes at a time: only 'A'..'Z' fold, so the bytes just
// outside the capitals ('@', '[', '`', '{') stay what they are.
TEST(WordFinder, FoldsOnlyCapitalsAmongAllAsciiBytes) {
  std::vector<std::string> words;
  // (Capitals would only repeat the small letters' words.)
  for (int c = 1; c < 128; ++c) {
    if (c < 'A' || c > 'Z') words.push_back(std::string(1, static_cast<char>(c)) + "q");
  }
  words.push_back("@[`{");
  words.push_back("az[@");
  internal::WordFinder finder(words);
  std::mt19937 random(1202);
  for (int n = 0; n < 400; ++n) {
    std::string text;
    size_t length = 9 + random() % 40;
    for (size_t k = 0; k < length; ++k) {
      text += random() % 3 == 0 ? 'Q' : static_cast<char>(1 + random() % 127);
    }
    if (n % 7 == 0) text += "xx@[`{AZ[@";
    ASSERT_EQ(WordsByFinder(finder, text), WordsBySet(words, text)) << "text '" << text << "'";
  }
}

// Many words: the pair filters are at their largest and hashed pairs
// collide; the answer stays exact.
TEST(WordFinder, SaysWhatAnRe2SetSaysWithManyWords) {
  std::mt19937 random(1201);
  const std::string letters = "abcdeXYZ.- 5";
  std::vector<std::string> words;
  for (int n = 0; n < 2500; ++n) {
    std::string w;
    size_t length = 2 + random() % 7;
    for (size_t k = 0; k < length; ++k) w += letters[random() % letters.size()];
    words.push_back(w);
  }
  internal::WordFinder finder(words);
  RE2::Options o;
  o.set_case_sensitive(false);
  RE2::Set set(o, RE2::UNANCHORED);
  for (const std::string& w : words) ASSERT_GE(set.Add(RE2::QuoteMeta(w), nullptr), 0) << w;
  ASSERT_TRUE(set.Compile());
  for (int n = 0; n < 300; ++n) {
    std::string text;
    size_t length = random() % 160;
    for (size_t k = 0; k < length; ++k) text += letters[random() % letters.size()];
    std::vector<int> expected;
    set.Match(text, &expected);
    std::sort(expected.begin(), expected.end());
    // Words written twice are found under their first index only by the finder.
    std::vector<int> found = WordsByFinder(finder, text);
    for (int i : expected) {
      bool first = std::find(words.begin(), words.end(), words[static_cast<size_t>(i)]) - words.begin() == i;
      if (first) EXPECT_TRUE(std::binary_search(found.begin(), found.end(), i)) << words[static_cast<size_t>(i)] << " in '" << text << "'";
    }
    for (int i : found) EXPECT_TRUE(std::binary_search(expected.begin(), expected.end(), i)) << words[static_cast<size_t>(i)];
  }
}

}  // namespace
}  // namespace ndr
