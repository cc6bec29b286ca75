// WordFinder must say exactly what an RE2::Set of the same words (quoted,
// case-insensitive, as RuleSet builds it) says: for every word in ASCII
// texts, for the ASCII words in any text without a letter that folds to
// ASCII (U+212A KELVIN SIGN, U+017F LONG S); and step aside for the rest.
#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <cctype>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/strings.h"
#include "knowledge/word_finder.h"
#include "plain_set.h"

namespace ndr {
namespace {

// The words, quoted, in a case-insensitive RE2::Set, as RuleSet builds it.
ndr_test::PlainSet QuotedSet(const std::vector<std::string>& words) {
  return ndr_test::PlainSet(ndr_test::Quoted(words));
}

std::vector<int> WordsBySet(const std::vector<std::string>& words, std::string_view text) {
  return QuotedSet(words).Match(text);
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

// FindAsciiWords' answer (which must be given) for the words without a byte
// >= 0x80, and whether the text had one.
std::vector<int> AsciiWordsByFinder(const internal::WordFinder& finder, std::string_view text, bool* high_bytes) {
  std::vector<int> found = {-7};
  EXPECT_TRUE(finder.FindAsciiWords(text, &found, high_bytes)) << text;
  EXPECT_EQ(found.front(), -7);
  found.erase(found.begin());
  return found;
}

// The RE2::Set's answer for the words without a byte >= 0x80 alone.
std::vector<int> AsciiWordsBySet(const std::vector<std::string>& words, std::string_view text) {
  std::vector<int> hits = WordsBySet(words, text);
  hits.erase(std::remove_if(hits.begin(), hits.end(),
                            [&](int i) { return !internal::IsAscii(words[static_cast<size_t>(i)]); }),
             hits.end());
  return hits;
}

TEST(WordFinder, FindsAsciiWordsInTextsThatAreNotAscii) {
  std::vector<std::string> words = {"mailbox", "voll", "stra", "e", "straße", "konto", "\xC3\xA9"};
  internal::WordFinder finder(words);
  bool high_bytes = false;
  EXPECT_EQ(AsciiWordsByFinder(finder, "Mailbox VOLL, Straße", &high_bytes), (std::vector<int>{0, 1, 2, 3}));
  EXPECT_TRUE(high_bytes);
  EXPECT_EQ(AsciiWordsByFinder(finder, "Mailbox voll", &high_bytes), (std::vector<int>{0, 1}));
  EXPECT_FALSE(high_bytes);
  // Long enough to be lowered eight bytes at a time, and longer than the
  // finder's stack buffer: bytes 0xC1..0xDA are no capitals ("\xC5" is no 'E').
  std::string text = "Das Konto \xE6\x9C\xAC\xC3\x89\xC5\xC4 ist voll";
  EXPECT_EQ(AsciiWordsByFinder(finder, text, &high_bytes), (std::vector<int>{1, 5}));
  EXPECT_EQ(AsciiWordsByFinder(finder, text, &high_bytes), AsciiWordsBySet(words, text));
  text = std::string(1500, '\xC5') + "MAILBOX" + std::string(300, '\xE9');
  EXPECT_EQ(AsciiWordsByFinder(finder, text, &high_bytes), (std::vector<int>{0}));
  // Find answers for every word or not at all: "straße" is the caller's.
  std::vector<int> found;
  EXPECT_FALSE(finder.Find("Mailbox voll, Straße", &found));
  EXPECT_TRUE(found.empty());
  internal::WordFinder ascii_only({"mailbox", "voll"});
  EXPECT_TRUE(ascii_only.Find("Mailbox für Max, voll", &found));
  EXPECT_EQ(found, (std::vector<int>{0, 1}));
}

TEST(WordFinder, LeavesTextsWithLettersThatFoldToAsciiToTheCaller) {
  // RE2 finds "key" in "\u212Aey" and "mistake" in "mi\u017Ftake": a
  // lowered compare would not.
  std::vector<std::string> words = {"key", "mistake", "ey"};
  EXPECT_EQ(WordsBySet(words, "\xE2\x84\xAA" "EY"), (std::vector<int>{0, 2}));
  EXPECT_EQ(WordsBySet(words, "MI\xC5\xBF" "take"), (std::vector<int>{1}));
  internal::WordFinder finder(words);
  for (const char* text : {"\xE2\x84\xAA" "EY", "MI\xC5\xBF" "take", "key \xC5\xBF", "\xff\xE2\x84\xAA"}) {
    std::vector<int> found;
    bool high_bytes = false;
    EXPECT_FALSE(finder.FindAsciiWords(text, &found, &high_bytes)) << text;
    EXPECT_FALSE(finder.Find(text, &found)) << text;
    EXPECT_TRUE(found.empty());
  }
  // Their parts alone fold to nothing.
  bool high_bytes = false;
  for (const char* text : {"\xE2\x84 key", "\x84\xAA key", "\xC5 key", "\xBF key", "\xE2\x84\xAB key"}) {
    EXPECT_EQ(AsciiWordsByFinder(finder, text, &high_bytes), (std::vector<int>{0, 2})) << text;
    EXPECT_EQ(WordsBySet(words, text), (std::vector<int>{0, 2})) << text;
  }
}

TEST(WordFinder, FindsAsciiWordsBesideInvalidUtf8) {
  // RE2 steps over bytes that are no UTF-8 and matches the ASCII words
  // beside them byte for byte.
  std::vector<std::string> words = {"mailbox", "full", "x", "ll"};
  internal::WordFinder finder(words);
  bool high_bytes = false;
  for (const char* text : {"\xFFmailbox\x80" "full\xC3", "\xC3MAILBOX\xE2\x80" "full", "mail\xC3" "box ful\x80l",
                           "\xF0\x9F\x98x\xBF\xBF", "\xE2\x84\xABll\xEF"}) {
    EXPECT_EQ(AsciiWordsByFinder(finder, text, &high_bytes), WordsBySet(words, text)) << text;
    EXPECT_TRUE(high_bytes);
  }
  EXPECT_EQ(AsciiWordsByFinder(finder, "\xFFmailbox\x80" "full\xC3", &high_bytes), (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(AsciiWordsByFinder(finder, "mail\xC3" "box ful\x80l", &high_bytes), std::vector<int>{2});
}

// Texts of ASCII pieces, letters from other scripts, the two letters that
// fold to ASCII, their parts and bytes that are no UTF-8: FindAsciiWords
// says what the RE2::Set says for the ASCII words, or steps aside exactly
// when the text holds a letter that folds to ASCII.
TEST(WordFinder, SaysWhatAnRe2SetSaysOnGeneratedTextsThatAreNotAscii) {
  std::vector<std::string> words = {"key", "ke", "sk", "mailbox", "box full", "ss", "s", "k", "\xC3\xA4nder",
                                    "stra\xC3\x9F" "e", "x", "ox", "full", "\xE6\x9C\xAC", "unknown"};
  internal::WordFinder finder(words);
  std::vector<std::string> pieces = {"K", "e", "y", "s", "S", "mail", "BOX", " ", "full", "un", "KNOWN", "o",
                                     "\xC3\xA4", "\xC3\x84", "nder", "stra", "\xC3\x9F", "\xE1\xBA\x9E",
                                     "\xE6\x9C\xAC", "\xE2\x84\xAA", "\xC5\xBF", "\xE2\x84", "\xC5",
                                     "\x80", "\xFF", "\xBF", "\xAA", "\xF0\x9F", "x", std::string(1, '\0')};
  std::mt19937 random(20261202);
  int answered = 0, refused = 0;
  for (int n = 0; n < 4000; ++n) {
    std::string text;
    size_t count = random() % (n % 10 == 0 ? 200 : 14);
    for (size_t k = 0; k < count; ++k) text += pieces[random() % pieces.size()];
    std::vector<int> found;
    bool high_bytes = false;
    if (finder.FindAsciiWords(text, &found, &high_bytes)) {
      ++answered;
      ASSERT_EQ(found, AsciiWordsBySet(words, text)) << "text '" << text << "'";
      ASSERT_EQ(high_bytes, !internal::IsAscii(text));
    } else {
      ++refused;
      ASSERT_TRUE(internal::HoldsAsciiFold(text)) << "text '" << text << "'";
      ASSERT_TRUE(found.empty());
    }
  }
  EXPECT_GT(answered, 1000);
  EXPECT_GT(refused, 100);
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

// A word of two bytes is filed under its first three with every third byte:
// the zero after the text and the zero a byte >= 0x80 becomes too.
TEST(WordFinder, FindsTwoByteWordsAtTheEndAndBeforeHighBytes) {
  std::vector<std::string> words = {"##", "--", "->", "].", "ab", "abc", "q"};
  internal::WordFinder finder(words);
  for (const std::string& two : {"##", "--", "->", "].", "AB"}) {
    for (const std::string& text : {two, "x" + two, "xyz" + two, two + "\xC3\xA9", "x" + two + "\xE2\x82\xAC x"}) {
      std::vector<int> found;
      bool high_bytes = false;
      ASSERT_TRUE(finder.FindAsciiWords(text, &found, &high_bytes)) << text;
      EXPECT_EQ(found, WordsBySet(words, text)) << text;
      EXPECT_EQ(found.size(), 1u) << text;
    }
    EXPECT_EQ(WordsByFinder(finder, two.substr(0, 1)), std::vector<int>{}) << two;
  }
  EXPECT_EQ(WordsByFinder(finder, "Q"), std::vector<int>{6});
  EXPECT_EQ(WordsByFinder(finder, "aBc"), (std::vector<int>{4, 5}));
}

// The positions are filtered 256 at a time: words that start on either side
// of the boundaries and run across them, in texts on the stack and longer.
TEST(WordFinder, FindsWordsAcrossTheChunksOfPositions) {
  std::vector<std::string> words = {"--", "no ", "mail", "mailbox full", "unknown"};
  internal::WordFinder finder(words);
  for (size_t length : {600, 1500}) {
    for (size_t boundary = 256; boundary < length; boundary += 256) {
      for (size_t at = boundary - 14; at < boundary + 2; ++at) {
        for (const std::string& word : words) {
          std::string text(length, '.');
          text.replace(at, word.size(), word);
          const std::vector<int> found = WordsByFinder(finder, text);
          EXPECT_EQ(found, WordsBySet(words, text)) << word << " at " << at << " of " << length;
          EXPECT_FALSE(found.empty()) << word << " at " << at << " of " << length;
        }
      }
    }
  }
}

// The first pass hashes the positions sixteen at a time (with SSE2) and reads
// on past the last of them: each word at every position of the first and
// last blocks, in texts of every length around a block's, a chunk's (256)
// and the stack buffer's (1024), among capitals and bytes >= 0x80, and cut
// short by the text's end.
TEST(WordFinder, FindsWordsAtEveryPositionOfTheBlocksOfSixteen) {
  const std::vector<std::string> words = {"##", "5.", "NO ", "mail", "box full", "unknown user"};
  internal::WordFinder finder(words);
  const ndr_test::PlainSet set = QuotedSet(words);
  const std::string filler = "xQ\xE9 z-\xC1";  // no word, nor the start of one but " "
  for (size_t length : {1, 2, 3, 7, 15, 16, 17, 18, 31, 32, 33, 47, 255, 256, 257, 258, 1023, 1024, 1025, 1041}) {
    for (const std::string& word : words) {
      for (size_t at = 0; at < length; at += at < 40 || at + 40 > length ? 1 : 41) {
        std::string text;
        for (size_t k = 0; k < length; ++k) text += filler[k % filler.size()];
        std::string placed = word.substr(0, length - at);
        if (at % 2 == 1) {
          for (char& c : placed) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        text.replace(at, placed.size(), placed);
        bool high_bytes = false;
        ASSERT_EQ(AsciiWordsByFinder(finder, text, &high_bytes), set.Match(text)) << word << " at " << at << " of " << length;
      }
    }
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

// A byte >= 0x80 is no ASCII letter, whatever its low seven bits: "\xC1"
// (0x80 + 'A') neither folds to 'a' nor stands for 'A', at every position of
// an eight-byte block and in the bytes after the last one.
TEST(WordFinder, TakesNoByteAbove0x7fForTheAsciiLetterOfItsLowBits) {
  std::vector<std::string> words = {"abc", "bc", "user unknown", "c d"};
  internal::WordFinder finder(words);
  for (size_t before = 0; before < 20; ++before) {
    for (const char* middle : {"\xC1" "BC", "A\xC2" "C", "\xC1\xC2\xC3", "ABC", "\xC3 D"}) {
      const std::string text = std::string(before, 'x') + middle + " user unknown";
      std::vector<int> found;
      bool high_bytes = false;
      ASSERT_TRUE(finder.FindAsciiWords(text, &found, &high_bytes)) << text;
      EXPECT_EQ(found, WordsBySet(words, text)) << text;
    }
  }
}

// Words longer than eight bytes are compared to the end: a text that differs
// from one only in its last byte does not hold it, at every length.
TEST(WordFinder, ComparesLongWordsToTheirLastByte) {
  const std::string word = "recipient address rejected: access denied";
  std::vector<std::string> words;
  for (size_t n = 9; n <= word.size(); ++n) words.push_back(word.substr(0, n));
  internal::WordFinder finder(words);
  for (size_t n = 9; n <= word.size(); ++n) {
    std::string text = "550 5.7.1 " + word.substr(0, n);
    text.back() = text.back() == 'q' ? 'z' : 'q';
    EXPECT_EQ(WordsByFinder(finder, text), WordsBySet(words, text)) << text;
    EXPECT_EQ(WordsByFinder(finder, text).size(), n - 9) << text;
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
  const ndr_test::PlainSet set = QuotedSet(words);
  for (int n = 0; n < 300; ++n) {
    std::string text;
    size_t length = random() % 160;
    for (size_t k = 0; k < length; ++k) text += letters[random() % letters.size()];
    const std::vector<int> expected = set.Match(text);
    // Words written twice are found under their first index only by the finder.
    std::vector<int> found = WordsByFinder(finder, text);
    for (int i : expected) {
      bool first = std::find(words.begin(), words.end(), words[static_cast<size_t>(i)]) - words.begin() == i;
      if (first) EXPECT_TRUE(std::binary_search(found.begin(), found.end(), i)) << words[static_cast<size_t>(i)] << " in '" << text << "'";
    }
    for (int i : found) EXPECT_TRUE(std::binary_search(expected.begin(), expected.end(), i)) << words[static_cast<size_t>(i)];
  }
}

// Every word compared at every position, ASCII case ignored: what Find must say.
std::vector<int> WordsByEveryPosition(const std::vector<std::string>& words, std::string_view text) {
  std::vector<int> found;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w.empty()) continue;
    for (size_t at = 0; at + w.size() <= text.size(); ++at) {
      if (internal::IEquals(text.substr(at, w.size()), w)) {
        found.push_back(static_cast<int>(i));
        break;
      }
    }
  }
  return found;
}

// A word of four bytes or more is keyed on its rarest window, which may lie
// anywhere in it: words whose key is past their first bytes, found at the
// text's very start and end, cut short there, and sharing their keys.
TEST(WordFinder, SaysWhatEveryPositionSaysWithWordsKeyedInside) {
  const std::vector<std::string> words = {
      "mailbox full", "mailbox unavailable", "the mailbox", "user unknown", "unknown user", "quota exceeded",
      "recipient rejected", "recipient address rejected", "relay denied", "no such user", "box",
      "x-failed-recipients", "5.1.1", "5.7.1", "550 5.1.1", "over quota", "jx", "zzq", "qzz ", "aqza",
      "mail", "ox f", "exceeded", "abcxyz", "xyzabc", "in", "the", "rec"};
  internal::WordFinder finder(words);
  std::mt19937 random(20261203);
  const std::string letters = "abcdeqxyz .-15";
  for (int n = 0; n < 3000; ++n) {
    std::string text;
    // Real-looking texts: words and their pieces joined with filler.
    const size_t count = random() % 8;
    for (size_t k = 0; k < count; ++k) {
      const std::string& w = words[random() % words.size()];
      switch (random() % 4) {
        case 0: text += w; break;
        case 1: text += w.substr(random() % w.size()); break;
        case 2: text += w.substr(0, random() % w.size()); break;
        default:
          for (size_t r = random() % 6; r > 0; --r) text += letters[random() % letters.size()];
      }
      if (random() % 3 == 0) {
        for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      }
    }
    ASSERT_EQ(WordsByFinder(finder, text), WordsByEveryPosition(words, text)) << "text '" << text << "'";
  }
  // Each word alone, at the start and end of a text, and cut short at either end.
  for (const std::string& w : words) {
    for (const std::string& text : {w, w + "..", ".." + w, w.substr(1), w.substr(0, w.size() - 1)}) {
      ASSERT_EQ(WordsByFinder(finder, text), WordsByEveryPosition(words, text)) << "text '" << text << "'";
    }
  }
}

// LoweredText::Holds says what a quoted RE2::Set of the one word says (the
// words are ASCII and lower case): any case, at either end, never across a
// byte >= 0x80, in short texts and in one longer than the stack buffer.
TEST(LoweredText, HoldsAWordAsAnRe2SetSaysInAnyCase) {
  std::string long_text(1500, 'x');
  long_text += "No mailbox";
  const std::vector<std::string> texts = {"", "n", "NO", "a no b", "xno", "no\xC3\xA9", "n\xC3\xA9o",
                                          "MAILBOX FULL", "mail box", "full mailbo", "mailbox", long_text};
  const std::vector<std::string> words = {"no", "mailbox", "mailbox full", "x", "o"};
  for (const std::string& text : texts) {
    internal::LoweredText lowered(text);
    for (const std::string& word : words) {
      EXPECT_EQ(lowered.Holds(word), !WordsBySet({word}, text).empty()) << word << " in '" << text << "'";
    }
  }
  // The finder leaves the text it read for such questions.
  internal::WordFinder finder({"mailbox"});
  internal::LoweredText read;
  std::vector<int> found;
  bool high_bytes = false;
  ASSERT_TRUE(finder.FindAsciiWords(long_text, &found, &high_bytes, &read));
  EXPECT_EQ(found, (std::vector<int>{0}));
  EXPECT_TRUE(read.Holds("no mail"));
  EXPECT_FALSE(read.Holds("no mailbox full"));
}

}  // namespace
}  // namespace ndr
