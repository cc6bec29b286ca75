// The ASCII string helpers of src/core/strings.h. Every sample is written for
// this test.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <random>
#include <string>
#include <vector>

#include "core/strings.h"

namespace ndr {
namespace {

// White space squeezed the plain way: the words, one blank between them.
std::string ReferenceSqueeze(const std::string& s) {
  std::string out;
  std::string word;
  for (char c : s + " ") {
    if (internal::IsSpace(c)) {
      if (!word.empty()) out += (out.empty() ? "" : " ") + word;
      word.clear();
    } else {
      word += c;
    }
  }
  return out;
}

TEST(Strings, AsciiPrefixStopsAtTheFirstHighByteWhereverItIs) {
  // Every length up to 150 and every place of one byte >= 0x80 (the 64-,
  // 16- and eight-byte steps and the byte loop after them), alone and with
  // another such byte later in the same step.
  for (size_t n = 0; n <= 150; ++n) {
    const std::string plain(n, 'a');
    EXPECT_EQ(internal::AsciiPrefix(plain), n);
    EXPECT_TRUE(internal::IsAscii(plain));
    for (size_t at = 0; at < n; ++at) {
      std::string text = plain;
      text[at] = '\xC3';
      EXPECT_EQ(internal::AsciiPrefix(text), at) << n << " " << at;
      EXPECT_FALSE(internal::IsAscii(text));
      text[n - 1] = '\x80';
      EXPECT_EQ(internal::AsciiPrefix(text), at) << n << " " << at;
    }
  }
}

// A code point as UTF-8.
std::string Utf8(char32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
  }
  for (int shift = cp < 0x80 ? -6 : cp < 0x800 ? 0 : cp < 0x10000 ? 6 : 12; shift >= 0; shift -= 6) {
    out += static_cast<char>(0x80 | ((cp >> shift) & 0x3F));
  }
  return out;
}

// HoldsAsciiFold names every character RE2's case folding pairs with an
// ASCII one: every code point, as UTF-8, against a case-insensitive class
// of the ASCII bytes.
TEST(Strings, HoldsAsciiFoldNamesEveryLetterRe2FoldsToAscii) {
  RE2::Options o;
  o.set_case_sensitive(false);
  const RE2 ascii("[\\x00-\\x7f]", o);
  ASSERT_TRUE(ascii.ok());
  int folding = 0;
  for (char32_t cp = 0x80; cp <= 0x10FFFF; ++cp) {
    if (cp >= 0xD800 && cp < 0xE000) continue;
    const std::string utf8 = Utf8(cp);
    const bool folds = RE2::FullMatch(utf8, ascii);
    folding += folds;
    ASSERT_EQ(internal::HoldsAsciiFold(utf8), folds) << std::hex << static_cast<uint32_t>(cp);
    ASSERT_EQ(internal::HoldsAsciiFold("x" + utf8 + "y"), folds) << std::hex << static_cast<uint32_t>(cp);
  }
  EXPECT_EQ(folding, 2);
  EXPECT_FALSE(internal::HoldsAsciiFold("Kelvin, long s"));
  EXPECT_FALSE(internal::HoldsAsciiFold("\xE2\x84 \xAA \xC5 \xBF"));
  EXPECT_TRUE(internal::HoldsAsciiFold("\xFF\xE2\x84\xAA\xFF"));  // among bytes that are no UTF-8 too
  // After characters that share the lead byte (U+2019, U+2122, U+0141), and
  // cut short at the end.
  EXPECT_TRUE(internal::HoldsAsciiFold("It\xE2\x80\x99s \xE2\x84\xA2 \xC5\x81\xC5\xBF"));
  EXPECT_TRUE(internal::HoldsAsciiFold("\xE2\xE2\x84\xE2\x84\xAA"));
  EXPECT_FALSE(internal::HoldsAsciiFold("It\xE2\x80\x99s \xE2\x84\xA2 \xC5\x81 \xE2\x84"));
  EXPECT_FALSE(internal::HoldsAsciiFold("\xC5"));
  EXPECT_FALSE(internal::HoldsAsciiFold(""));
}

TEST(Strings, SqueezeJoinsWordsWithOneBlank) {
  EXPECT_EQ(internal::Squeeze("  550 5.1.1\n\t user   unknown \r\n"), "550 5.1.1 user unknown");
  EXPECT_EQ(internal::Squeeze(" \v\f "), "");
  EXPECT_EQ(internal::Squeeze(""), "");
}

TEST(Strings, SqueezedTextOfPiecesIsTheSqueezeOfTheWhole) {
  std::string out;
  internal::SqueezedText squeezed(&out);
  squeezed.Append("  host said:");
  squeezed.AppendBlank();
  squeezed.Append("550");
  squeezed.Append("5.1.1 \n");
  squeezed.Append("\tuser");
  squeezed.AppendBlank();
  EXPECT_EQ(out, "host said: 5505.1.1 user");
  // Pieces cut anywhere: words that a cut splits stay whole, blanks at a cut
  // count once.
  const char bytes[] = "ab \t\n\r\v\f-";
  std::mt19937 random(5);
  for (int n = 0; n < 5000; ++n) {
    std::vector<std::string> pieces(random() % 5);
    std::string whole;
    for (std::string& piece : pieces) {
      piece.resize(random() % 8);
      for (char& c : piece) c = bytes[random() % (sizeof(bytes) - 1)];
      if (random() % 4 == 0) piece = "\x01";  // stands for AppendBlank
      whole += piece == "\x01" ? std::string(" ") : piece;
    }
    std::string built;
    internal::SqueezedText text(&built);
    for (const std::string& piece : pieces) {
      if (piece == "\x01") {
        text.AppendBlank();
      } else {
        text.Append(piece);
      }
    }
    ASSERT_EQ(built, ReferenceSqueeze(whole)) << whole;
    ASSERT_EQ(internal::Squeeze(whole), ReferenceSqueeze(whole)) << whole;
  }
}

// Long words go eight bytes at a time: every byte near the test's edge (0x20
// is blank, 0x21 and control bytes are not), runs across the 8-byte steps.
TEST(Strings, SqueezeOfLongWordsAndControlBytes) {
  EXPECT_EQ(internal::Squeeze("  averyveryverylongword\x1f!!\x7f\xc3\xa9 x\n"), "averyveryverylongword\x1f!!\x7f\xc3\xa9 x");
  const char bytes[] = "a!\x1f\x7f\x80\xff \t\n";
  std::mt19937 random(8);
  for (int n = 0; n < 5000; ++n) {
    std::string whole(random() % 80, 'a');
    for (char& c : whole) {
      if (random() % 3 == 0) c = bytes[random() % (sizeof(bytes) - 1)];
    }
    whole.insert(random() % (whole.size() + 1), 1, '\0');
    std::string built;
    internal::SqueezedText text(&built);
    size_t cut = random() % (whole.size() + 1);
    text.Append(std::string_view(whole).substr(0, cut));
    text.Append(std::string_view(whole).substr(cut));
    ASSERT_EQ(built, ReferenceSqueeze(whole)) << whole;
    ASSERT_EQ(internal::Squeeze(whole), ReferenceSqueeze(whole)) << whole;
  }
}

// IEquals reads eight bytes at a time: every pair of bytes, at every place
// of a chunk and in the overlapping last chunk, compares as one byte at a
// time would (only 'A'..'Z' fold; bytes 0x80 and up, '@', '[', '`', '{' do not).
TEST(Strings, IEqualsFoldsOnlyAsciiLettersAtEveryPlace) {
  auto one_at_a_time = [](std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (internal::AsciiLower(a[i]) != internal::AsciiLower(b[i])) return false;
    }
    return true;
  };
  for (size_t length : {size_t{5}, size_t{8}, size_t{13}, size_t{16}}) {
    for (size_t at : {size_t{0}, length / 2, length - 1}) {
      for (int x = 0; x < 256; ++x) {
        for (int y = 0; y < 256; ++y) {
          std::string a(length, 'q');
          std::string b(length, 'Q');
          a[at] = static_cast<char>(x);
          b[at] = static_cast<char>(y);
          ASSERT_EQ(internal::IEquals(a, b), one_at_a_time(a, b)) << length << " " << at << " " << x << " " << y;
        }
      }
    }
  }
  EXPECT_TRUE(internal::IEquals("Content-Transfer-Encoding", "content-transfer-encoding"));
  EXPECT_FALSE(internal::IEquals("Content-Transfer-Encodinh", "content-transfer-encoding"));
  EXPECT_FALSE(internal::IEquals("content-", "content"));
}

TEST(Strings, Utf8CharactersAndSequences) {
  EXPECT_EQ(internal::Utf8CharacterCount(""), 0u);
  EXPECT_EQ(internal::Utf8CharacterCount("a\xc3\xb1\xe6\x97\xa5\xf0\x9f\x98\x80"), 4u);  // a, n tilde, a CJK letter, an emoji
  auto length = [](std::string_view s) {
    return internal::Utf8SequenceLength(reinterpret_cast<const unsigned char*>(s.data()), 0, s.size());
  };
  EXPECT_EQ(length("a"), 1u);
  EXPECT_EQ(length("\xc3\xb1"), 2u);
  EXPECT_EQ(length("\xe2\x84\xaa"), 3u);
  EXPECT_EQ(length("\xf0\x9f\x98\x80"), 4u);
  EXPECT_EQ(length("\xc0\x80"), 0u);          // overlong
  EXPECT_EQ(length("\xed\xa0\x80"), 0u);     // a surrogate
  EXPECT_EQ(length("\xf4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(length("\xe2\x84"), 0u);          // cut short
  EXPECT_EQ(length("\x80"), 0u);               // a continuation byte
}

}  // namespace
}  // namespace ndr
