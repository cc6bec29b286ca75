// Unit tests of the transfer-encoding decoders (src/mime/transfer_encoding.h):
// mimetic's Base64 and QP decoders behind ndr's input guard. Each broken
// input below is one on which stock mimetic 0.9.8 alone goes wrong (noted
// beside it), or one the guard must leave to mimetic.
#include <gtest/gtest.h>

#include <mimetic/codec/base64.h>
#include <mimetic/codec/qp.h>

#include <random>
#include <string>
#include <string_view>

#include "mime/transfer_encoding.h"

namespace ndr {
namespace internal {
namespace mime {
namespace {

std::string Base64(std::string_view in) {
  std::string out;
  EXPECT_TRUE(DecodeBase64(in, 1 << 20, &out)) << in;
  return out;
}

std::string Qp(std::string_view in) {
  std::string out;
  EXPECT_TRUE(DecodeQuotedPrintable(in, 1 << 20, &out)) << in;
  return out;
}

std::string Q(std::string_view in) {
  std::string out;
  DecodeQEncoding(in, &out);
  return out;
}

TEST(MimeCodecs, Base64WellFormed) {
  EXPECT_EQ(Base64("QUJD"), "ABC");
  EXPECT_EQ(Base64("QUJDRA=="), "ABCD");
  EXPECT_EQ(Base64("QUJDREU="), "ABCDE");
  EXPECT_EQ(Base64(""), "");
}

TEST(MimeCodecs, Base64LineBreaksAndMissingPadding) {
  EXPECT_EQ(Base64("QU\nJD\nRA\n"), "ABCD");
  EXPECT_EQ(Base64("QU\r\nJD\r\nRA\r\n"), "ABCD");
  EXPECT_EQ(Base64("QUJDRA"), "ABCD");
  EXPECT_EQ(Base64("QUJDREU"), "ABCDE");
  EXPECT_EQ(Base64("QUJDR"), "ABC");  // a lone sextet carries no byte
}

TEST(MimeCodecs, Base64GarbageIsSkipped) {
  // '|' (0x7C): mimetic's table lookup reads one byte past its table and
  // decodes it as 'A' ("||||QUJD" gave three NUL bytes first).
  EXPECT_EQ(Base64("||||QUJD"), "ABC");
  EXPECT_EQ(Base64("!!QU|JD**"), "ABC");
  EXPECT_EQ(Base64("Q U\tJ.D\x80\xff"), "ABC");
  EXPECT_EQ(Base64("{}~\x7f"), "");
}

TEST(MimeCodecs, Base64PaddingEndsAQuantum) {
  // mimetic alone misaligns everything after an '=' inside a quantum.
  EXPECT_EQ(Base64("QQ=QUJD"), "AABC");
  EXPECT_EQ(Base64("QQ==QUJD"), "AABC");
  EXPECT_EQ(Base64("=QUJD"), "ABC");
  EXPECT_EQ(Base64("Q=QUJD"), "ABC");  // the lone sextet is dropped
  EXPECT_EQ(Base64("SGk=\nSGk=\n"), "HiHi");
}

TEST(MimeCodecs, Base64Url) {
  // "-" and "_" stand for "+" and "/"; mimetic alone skips them.
  EXPECT_EQ(Base64("-_-_"), Base64("+/+/"));
  EXPECT_EQ(Base64("-_-_"), "\xfb\xff\xbf");
}

TEST(MimeCodecs, Base64StopsAtTheLimit) {
  std::string out;
  EXPECT_FALSE(DecodeBase64("QUJDREVGR0g=", 5, &out));
  EXPECT_EQ(out, "ABCDE");
  out.clear();
  EXPECT_TRUE(DecodeBase64("QUJD", 3, &out));
  EXPECT_EQ(out, "ABC");
  out = "xy";  // appends; the bound counts what is already there
  EXPECT_FALSE(DecodeBase64("QUJD", 4, &out));
  EXPECT_EQ(out, "xyAB");
}

// Base64 as it was decoded through mimetic's decoder behind the guard: only
// alphabet characters reach it (base64url mapped), an '=' flushes it and the
// next run gets a fresh one; bytes past max_size are dropped (false).
bool MimeticBase64(std::string_view in, size_t max_size, std::string* out) {
  struct Sink {
    using iterator_category = std::output_iterator_tag;
    using value_type = void;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = void;
    std::string* out;
    size_t max;
    bool* cut;
    Sink& operator*() { return *this; }
    Sink& operator++() { return *this; }
    Sink& operator=(int byte) {
      if (out->size() < max) {
        out->push_back(static_cast<char>(byte));
      } else {
        *cut = true;
      }
      return *this;
    }
  };
  bool cut = false;
  Sink sink{out, max_size, &cut};
  const std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t i = 0;
  while (i < in.size()) {
    mimetic::Base64::Decoder decoder;
    for (; i < in.size() && !cut; ++i) {
      char c = in[i] == '-' ? '+' : in[i] == '_' ? '/' : in[i];
      if (c == '=') {
        ++i;
        break;
      }
      if (alphabet.find(c) == std::string_view::npos) continue;
      decoder.process(static_cast<mimetic::codec::char_type>(c), sink);
    }
    decoder.flush(sink);
    if (cut) return false;
  }
  return true;
}

TEST(MimeCodecs, Base64AsMimeticDecodedIt) {
  std::mt19937 random(8);
  const std::string broken = "QUJDRA9+/-_=\n \r|*AZaz09";
  const std::string clean = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/QUJDRA9+/\n";
  for (int round = 0; round < 3000; ++round) {
    const std::string& chars = round % 2 == 0 ? broken : clean;  // garbage, or mostly whole quanta
    std::string in;
    const size_t length = random() % 40;
    for (size_t k = 0; k < length; ++k) in.push_back(chars[random() % chars.size()]);
    const size_t max = round % 3 == 0 ? random() % 12 : size_t{1} << 20;
    std::string prefix = round % 5 == 0 ? "xy" : "";  // appends after what is there
    std::string want = prefix;
    std::string got = prefix;
    const bool want_complete = MimeticBase64(in, max, &want);
    EXPECT_EQ(DecodeBase64(in, max, &got), want_complete) << in << " max " << max;
    EXPECT_EQ(got, want) << in << " max " << max;
  }
}

TEST(MimeCodecs, QuotedPrintableEscapes) {
  EXPECT_EQ(Qp("a=3Db"), "a=b");
  EXPECT_EQ(Qp("a=3db"), "a=b");
  EXPECT_EQ(Qp("d=E9bord=E9e"), "d\xe9" "bord\xe9" "e");
}

TEST(MimeCodecs, QuotedPrintableEscapeAsMimeticDecodesIt) {
  // A lone escape is decoded without mimetic: the same byte for every pair of hex digits.
  const std::string hex = "0123456789ABCDEFabcdef";
  for (char high : hex) {
    for (char low : hex) {
      const std::string escape = {'=', high, low};
      std::string want;
      mimetic::QP::Decoder decoder;
      auto sink = std::back_inserter(want);
      for (char c : escape) decoder.process(static_cast<mimetic::codec::char_type>(c), sink);
      decoder.flush(sink);
      ASSERT_EQ(want.size(), 1u) << escape;
      EXPECT_EQ(Qp("a" + escape + "b"), "a" + want + "b") << escape;
      EXPECT_EQ(Qp(escape + " x" + escape), want + " x" + want) << escape;
    }
  }
}

TEST(MimeCodecs, QuotedPrintableBrokenEscapesStay) {
  EXPECT_EQ(Qp("a=ZZb"), "a=ZZb");
  EXPECT_EQ(Qp("a=4Zb"), "a=4Zb");
  EXPECT_EQ(Qp("100% = done"), "100% = done");
  EXPECT_EQ(Qp("x=4"), "x=4");
  // '=' and the character after an invalid escape stay as they are (RFC 2045
  // 6.7 note 1): the second '=' does not start an escape.
  EXPECT_EQ(Qp("==41"), "==41");
  EXPECT_EQ(Qp("====\n"), "====\n");
}

TEST(MimeCodecs, QuotedPrintableSoftLineBreaks) {
  EXPECT_EQ(Qp("mail=\nbox"), "mailbox");
  EXPECT_EQ(Qp("mail=\r\nbox"), "mailbox");
  EXPECT_EQ(Qp("mail= \t\nbox"), "mailbox");
  EXPECT_EQ(Qp("a=\n\nb"), "a\nb");
}

TEST(MimeCodecs, QuotedPrintableSoftLineBreakAtTheEnd) {
  // mimetic alone keeps these as a literal '=' ("a=\n" gave "a=").
  EXPECT_EQ(Qp("a="), "a");
  EXPECT_EQ(Qp("a=\n"), "a");
  EXPECT_EQ(Qp("a= \t"), "a");
  EXPECT_EQ(Qp("a=\n=\n"), "a");
  EXPECT_EQ(Qp("a=\n  ="), "a  ");
  EXPECT_EQ(Qp("="), "");
  // Blanks before a soft line break are text.
  EXPECT_EQ(Qp("a \t="), "a \t");
  EXPECT_EQ(Qp("a =\n ="), "a  ");
  // "=\t=": a literal '=', a tab, then the soft line break.
  EXPECT_EQ(Qp("b=\t="), "b=\t");
}

TEST(MimeCodecs, QuotedPrintableTrailingBlanksAreDroppedNotTheLineBreak) {
  // mimetic alone swallows the line break after trailing blanks ("a  \nb"
  // gave "ab") and turns blanks at the end into a stray '=' ("a " gave "a=").
  EXPECT_EQ(Qp("over quota.  \nBad"), "over quota.\nBad");
  EXPECT_EQ(Qp("a\t \nb \t\nc"), "a\nb\nc");
  EXPECT_EQ(Qp("a  \r\nb"), "a\nb");
  EXPECT_EQ(Qp("a "), "a");
  EXPECT_EQ(Qp("a \tb"), "a \tb");
}

TEST(MimeCodecs, QuotedPrintableLineEndings) {
  EXPECT_EQ(Qp("a\nb\n"), "a\nb\n");
  EXPECT_EQ(Qp("a\r\nb\r\n"), "a\nb\n");
  EXPECT_EQ(Qp("a=0D=0Ab"), "a\r\nb");  // encoded line endings are data
}

TEST(MimeCodecs, QuotedPrintableControlCharactersDropped) {
  // RFC 2045 6.7 note 4: control characters other than TAB are not QP data.
  EXPECT_EQ(Qp("a\x01z\x1b"), "az");
  EXPECT_EQ(Qp("a\tz"), "a\tz");
  EXPECT_EQ(Qp("a=01z"), "a\x01z");
}

TEST(MimeCodecs, QuotedPrintableSpecialsAtAnyOffset) {
  // An escape, a control character or a TAB at every offset of lines up to
  // 40 long (the search for them goes sixteen or eight bytes at a time).
  for (size_t length = 1; length < 40; ++length) {
    for (size_t at = 0; at < length; ++at) {
      const std::string before(at, 'a');
      const std::string after(length - at - 1, '\xe9');
      EXPECT_EQ(Qp(before + "=3D" + after), before + "=" + after) << length << " " << at;
      EXPECT_EQ(Qp(before + "\x01" + after), before + after) << length << " " << at;
      EXPECT_EQ(Qp(before + "\t" + after + "z"), before + "\t" + after + "z") << length << " " << at;
    }
  }
}

TEST(MimeCodecs, QuotedPrintableEscapesApartInOneLine) {
  // The text between escapes is copied, the escapes decoded, each as before.
  EXPECT_EQ(Qp("<a href=3D\"x\">see   the =E9t=E9 report</a>=\n"),
            "<a href=\"x\">see   the \xe9t\xe9 report</a>");
  EXPECT_EQ(Qp("=3D1 =3D2  =3D3\t=ZZ plain =4"), "=1 =2  =3\t=ZZ plain =4");
  EXPECT_EQ(Qp("a=3D \x01 b"), "a=  b");
  // A bare CR inside a line (not in a line-normalized message): after
  // blanks mimetic drops both; alone it is a line break.
  EXPECT_EQ(Qp("a=3Dxy  \rz"), "a=xyz");
  EXPECT_EQ(Qp("a=3Dxy\rz"), "a=xy\nz");
}

TEST(MimeCodecs, QuotedPrintableStopsAtTheLimit) {
  std::string out;
  EXPECT_FALSE(DecodeQuotedPrintable("abc=3Ddef", 4, &out));
  EXPECT_EQ(out, "abc=");
  out.clear();
  EXPECT_TRUE(DecodeQuotedPrintable("abc=3D", 4, &out));
  EXPECT_EQ(out, "abc=");
  out.clear();
  EXPECT_FALSE(DecodeQuotedPrintable("ab \t=", 3, &out));  // blanks before a final soft break
  EXPECT_EQ(out, "ab ");
}

TEST(MimeCodecs, QuotedPrintableAppendsWithinTheBound) {
  // The bound counts what the string held before; nothing of that changes.
  std::string out = "xyz";
  EXPECT_TRUE(DecodeQuotedPrintable("a=3Db\n", 1 << 20, &out));
  EXPECT_EQ(out, "xyza=b\n");
  out = "xyz";
  EXPECT_FALSE(DecodeQuotedPrintable("a=3Db", 5, &out));
  EXPECT_EQ(out, "xyza=");
  out = "longer";
  EXPECT_FALSE(DecodeQuotedPrintable("a", 3, &out));
  EXPECT_EQ(out, "longer");
}

TEST(MimeCodecs, QuotedPrintableEscapesInTheLastBytesOfALongLine) {
  // The last bytes of a line are looked at as the sixteen that end it.
  const std::string text(20, 'a');
  EXPECT_EQ(Qp(text + "=3Db=41\n"), text + "=bA\n");
  EXPECT_EQ(Qp(text + "=3D=41=\n" + text + "\x01z"), text + "=A" + text + "z");
}

TEST(MimeCodecs, QEncoding) {
  EXPECT_EQ(Q("Bo=EEte_pleine_"), "Bo\xeete pleine ");
  EXPECT_EQ(Q("a_=5F_b"), "a _ b");
  EXPECT_EQ(Q("tab\there "), "tab\there ");  // Q text with blanks, as some mailers write it
  EXPECT_EQ(Q("x=ZZ"), "x=ZZ");
  EXPECT_EQ(Q("x="), "x=");
  EXPECT_EQ(Q("x=_y"), "x= y");
  EXPECT_EQ(Q("=4"), "=4");
}

TEST(MimeCodecs, TransferEncodingNames) {
  EXPECT_EQ(ParseTransferEncoding(" Base64 "), TransferEncoding::kBase64);
  EXPECT_EQ(ParseTransferEncoding("\"quoted-printable\" (x)"), TransferEncoding::kQuotedPrintable);
  EXPECT_EQ(ParseTransferEncoding("BASE64;"), TransferEncoding::kBase64);
  EXPECT_EQ(ParseTransferEncoding("x-uuencode"), TransferEncoding::kIdentity);
}

TEST(MimeCodecs, LineEndingsBecomeLf) {
  EXPECT_EQ(NormalizeLineEndings(""), "");
  EXPECT_EQ(NormalizeLineEndings("a\r\nb\rc\nd\r"), "a\nb\nc\nd\n");
  EXPECT_EQ(NormalizeLineEndings("\r\r\n\n\r"), "\n\n\n\n");
  // Every place of a CRLF, a lone CR and a CR that ends the text in texts
  // of up to 100 bytes (the 32-byte steps, the bytes after them, a CR as the
  // last byte of a step and its LF the first of the next).
  for (size_t n = 1; n <= 100; ++n) {
    for (size_t at = 0; at < n; ++at) {
      std::string text(n, 'x');
      std::string want = text;
      text[at] = '\r';
      want[at] = '\n';
      if (at + 1 < n) {
        EXPECT_EQ(NormalizeLineEndings(text), want) << n << " " << at;  // a CR alone
        text[at + 1] = '\n';
        want.erase(at + 1, 1);
      }
      EXPECT_EQ(NormalizeLineEndings(text), want) << n << " " << at;
      std::string lines;  // CRLF after every eleventh byte from `at` on
      std::string lf;
      for (size_t i = 0; i < n; ++i) {
        const bool end = i >= at && (i - at) % 11 == 10;
        lines += end ? "\r\n" : "y";
        lf += end ? "\n" : "y";
      }
      EXPECT_EQ(NormalizeLineEndings(lines), lf) << n << " " << at;
    }
  }
}

}  // namespace
}  // namespace mime
}  // namespace internal
}  // namespace ndr
