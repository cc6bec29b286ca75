// Unit tests of ndr's own Content-Type / Content-Disposition reader
// (src/mime/content_type.h). Each case is one mimetic's ContentType and
// FieldParam get wrong (why ndr keeps its own reader; README, Dependencies).
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "mime/content_type.h"

namespace ndr {
namespace internal {
namespace mime {
namespace {

TEST(MimeContentType, QuotedValueWithSemicolonAndEquals) {
  // mimetic splits at the ';': boundary "\"a", then a parameter b="c\"".
  ContentType ct = ParseContentType("multipart/mixed; boundary=\"a;b=c\"; charset=x");
  EXPECT_EQ(ct.params.Get("boundary"), "a;b=c");
  EXPECT_EQ(ct.params.Get("charset"), "x");
  EXPECT_EQ(ct.params.Get("b"), "");
}

TEST(MimeContentType, QuotedPairsAndTextAfterTheQuote) {
  EXPECT_EQ(ParseContentType("multipart/mixed; boundary=\"a\\\"b\"").params.Get("boundary"), "a\"b");
  EXPECT_EQ(ParseContentType("multipart/mixed; boundary=\"a\\\\b\"").params.Get("boundary"), "a\\b");
  EXPECT_EQ(ParseContentType("multipart/mixed; boundary=\"abc\" junk").params.Get("boundary"), "abc");
  EXPECT_EQ(ParseContentType("multipart/mixed; boundary=\"abc").params.Get("boundary"), "abc");
  EXPECT_EQ(ParseContentType("multipart/mixed; boundary=\"abc\\").params.Get("boundary"), "abc\\");
  EXPECT_EQ(ParseContentType("multipart/mixed; boundary=\"\"").params.Get("boundary"), "");
  EXPECT_EQ(ParseContentType("multipart/mixed; boundary=\"----=_Part_1_2.3\"; x=\"a\\\"\"").params.Get("boundary"),
            "----=_Part_1_2.3");
  EXPECT_EQ(ParseContentType("multipart/mixed; boundary=\"----=_Part_1_2.3\"; x=\"a\\\"\"").params.Get("x"), "a\"");
  // A quoted pair hides a quote (the ';' after it is inside the string) or a
  // backslash (the quote after it closes the string).
  ContentType pairs = ParseContentType("text/plain; x=\"a\\\";b\"; y=\"c\\\\\"; z=1");
  EXPECT_EQ(pairs.params.Get("x"), "a\";b");
  EXPECT_EQ(pairs.params.Get("y"), "c\\");
  EXPECT_EQ(pairs.params.Get("z"), "1");
}

TEST(MimeContentType, CommentsAndBlanks) {
  // mimetic keeps them: subtype "plain (comment)", charset "us-ascii (x)", type " text ".
  ContentType ct = ParseContentType("text/plain (comment); charset=us-ascii (x)");
  EXPECT_TRUE(ct.Is("text", "plain"));
  EXPECT_EQ(ct.params.Get("charset"), "us-ascii");
  ct = ParseContentType(" text / html ; charset = utf-8 ");
  EXPECT_TRUE(ct.Is("text", "html"));
  EXPECT_EQ(ct.params.Get("charset"), "utf-8");
  ct = ParseContentType("multipart/report; report-type=delivery-status;\t boundary=\"x y\"");
  EXPECT_EQ(ct.params.Get("boundary"), "x y");
  EXPECT_EQ(ct.params.Get("report-type"), "delivery-status");
  ct = ParseContentType("text/plain; charset=\"a(b)c\"");  // no comment inside quotes
  EXPECT_EQ(ct.params.Get("charset"), "a(b)c");
}

TEST(MimeContentType, CaseOfNamesAndValues) {
  ContentType ct = ParseContentType("Multipart/REPORT; Report-Type=Delivery-Status; BOUNDARY=\"AbC\"");
  EXPECT_TRUE(ct.Is("multipart", "report"));
  EXPECT_EQ(ct.Full(), "multipart/report");
  EXPECT_EQ(ct.params.Get("report-type"), "Delivery-Status");
  EXPECT_EQ(ct.params.Get("boundary"), "AbC");  // boundaries are case-sensitive
}

TEST(MimeContentType, MissingOrBrokenSubtype) {
  ContentType ct = ParseContentType("text");  // mimetic: subtype ""
  EXPECT_TRUE(ct.valid);
  EXPECT_TRUE(ct.Is("text", "plain"));
  ct = ParseContentType("text/; charset=utf-8");
  EXPECT_FALSE(ct.valid);
  EXPECT_TRUE(ct.Is("text", "plain"));  // the default
  EXPECT_EQ(ct.params.Get("charset"), "utf-8");
  EXPECT_FALSE(ParseContentType("/plain").valid);
  EXPECT_FALSE(ParseContentType("").valid);
  EXPECT_TRUE(ParseContentType("text/plain\"; x=y").valid);  // subtype ends at the first non-token character
  EXPECT_EQ(ParseContentType("text/plain\"; x=y").subtype, "plain");
}

TEST(MimeContentType, Rfc2231Continuations) {
  // mimetic leaves "name*0" and "name*1" as two parameters.
  EXPECT_EQ(ParseContentType("application/x; name*0=\"abc\"; name*1=\"def\"").params.Get("name"), "abcdef");
  EXPECT_EQ(ParseContentType("application/x; name*1=def; name*0=abc").params.Get("name"), "abcdef");
  EXPECT_EQ(ParseContentType("application/x; name*0*=UTF-8''%E5%A0%B1; name*1*=%E5%91%8A.txt").params.Get("name"),
            "\xe5\xa0\xb1\xe5\x91\x8a.txt");
  // A continuation without '*' is not percent-decoded.
  EXPECT_EQ(ParseContentType("application/x; name*0*=UTF-8''a%20b; name*1=%20c").params.Get("name"), "a b%20c");
}

TEST(MimeContentType, Rfc2231CharsetAndLanguage) {
  EXPECT_EQ(ParseContentType("application/x; name*=utf-8''%C3%A9t%C3%A9").params.Get("name"), "\xc3\xa9t\xc3\xa9");
  EXPECT_EQ(ParseContentType("application/x; title*=iso-8859-1'en'%E9t%E9").params.Get("title"), "\xc3\xa9t\xc3\xa9");
  // The extended value wins over a plain one of the same name.
  EXPECT_EQ(ParseContentType("application/x; name=\"old\"; name*=utf-8''new").params.Get("name"), "new");
  // A broken %-escape stays as it is.
  EXPECT_EQ(ParseContentType("application/x; name*=utf-8''a%zzb%4").params.Get("name"), "a%zzb%4");
}

TEST(MimeContentType, EmptyAndNamelessParameters) {
  ContentType ct = ParseContentType("text/plain;;charset=utf-8; ;format=flowed; charset; =x");
  EXPECT_EQ(ct.params.Get("charset"), "utf-8");
  EXPECT_EQ(ct.params.Get("format"), "flowed");
  EXPECT_EQ(ct.params.params.size(), 2u);
}

TEST(MimeContentType, DispositionParameters) {
  MimeParams p = ParseDispositionParams("attachment; filename=\"a;b (1).txt\" (comment)");
  EXPECT_EQ(p.Get("filename"), "a;b (1).txt");
  EXPECT_EQ(ParseDispositionParams("inline; FILENAME*=utf-8''r%C3%A9ponse.txt").Get("filename"),
            "r\xc3\xa9ponse.txt");
  EXPECT_TRUE(ParseDispositionParams("inline").params.empty());
}

TEST(MimeContentType, SemicolonsAmongQuotedStringsAndPairs) {
  // The splitter searches each of ';', '"' and '\\' again only once it got
  // past the last one found: a pair before the first quote, quotes after
  // a pair, a ';' far behind several quoted strings.
  ContentType ct = ParseContentType("text/plain; x=a\\b; y=\"c;d\"; z=\"4\\\";5\"; w=\"6\" \"7\" 8; v=9");
  EXPECT_EQ(ct.params.Get("x"), "a\\b");
  EXPECT_EQ(ct.params.Get("y"), "c;d");
  EXPECT_EQ(ct.params.Get("z"), "4\";5");
  EXPECT_EQ(ct.params.Get("w"), "6");
  EXPECT_EQ(ct.params.Get("v"), "9");
  EXPECT_EQ(ct.params.params.size(), 5u);
}

TEST(MimeContentType, UpperCaseAnywhereInLongNamesIsLowered) {
  // Eight bytes at a time, the last eight overlapping: an upper-case byte
  // in the last bytes only, or in the first eight only.
  ContentType ct = ParseContentType("multipart/alternativE; boundarY=\"AbC\"; Charset=x; REPORT-TYPE=y");
  EXPECT_TRUE(ct.Is("multipart", "alternative"));
  EXPECT_EQ(ct.Full(), "multipart/alternative");
  EXPECT_EQ(ct.params.Get("boundary"), "AbC");
  EXPECT_EQ(ct.params.Get("charset"), "x");
  EXPECT_EQ(ct.params.Get("report-type"), "y");
}

TEST(MimeContentType, MadeValuesMoveWithTheContentType) {
  // Values a parse made (without comments, unquoted pairs, lowered, RFC
  // 2231) live in the ContentType's own list: views of them stay valid
  // when it moves, as entities do in a growing vector.
  std::vector<ContentType> all;
  all.push_back(ParseContentType("TEXT/Plain (c); Charset=\"a\\\"b\"; name*=utf-8''%C3%A9"));
  for (int i = 0; i < 20; ++i) all.push_back(ParseContentType("text/plain"));
  EXPECT_TRUE(all[0].Is("text", "plain"));
  EXPECT_EQ(all[0].params.Get("charset"), "a\"b");
  EXPECT_EQ(all[0].params.Get("name"), "\xc3\xa9");
  ContentType moved = std::move(all[0]);
  all.clear();
  EXPECT_EQ(moved.Full(), "text/plain");
  EXPECT_EQ(moved.params.Get("charset"), "a\"b");
}

}  // namespace
}  // namespace mime
}  // namespace internal
}  // namespace ndr
