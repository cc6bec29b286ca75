// Unit tests of the MIME stage (include/ndr/message.h).
// Non-ASCII bytes are written as escapes (computed with python3).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "ndr/message.h"

namespace ndr {
namespace {

std::string ReplaceAll(std::string s, std::string_view from, std::string_view to) {
  size_t pos = 0;
  while ((pos = s.find(from, pos)) != std::string::npos) {
    s.replace(pos, from.size(), to);
    pos += to.size();
  }
  return s;
}

std::string Types(const Message& m) {
  std::string out;
  for (const Part& p : m.parts) {
    if (!out.empty()) out += ",";
    out += std::to_string(p.depth) + ":" + p.content_type + (p.in_attached_message ? "*" : "");
  }
  return out;
}

// ---- structure ----

TEST(MimeParse, SinglePartPlain) {
  Message m = ParseMessage(
      "From: MAILER-DAEMON@example.org\n"
      "To: sender@example.com\n"
      "Subject: Undelivered Mail\n"
      "\n"
      "I'm sorry to have to inform you that your message could not\n"
      "be delivered.\n");
  ASSERT_EQ(m.parts.size(), 1u);
  const Part& p = m.parts[0];
  EXPECT_EQ(p.content_type, "text/plain");
  EXPECT_EQ(p.charset, "");
  EXPECT_EQ(p.depth, 0);
  EXPECT_FALSE(p.in_attached_message);
  EXPECT_EQ(p.body,
            "I'm sorry to have to inform you that your message could not\n"
            "be delivered.\n");
  EXPECT_EQ(m.headers().Get("subject"), "Undelivered Mail");
  EXPECT_EQ(m.headers().Get("SUBJECT"), "Undelivered Mail");
  EXPECT_EQ(m.headers().Get("X-Missing"), "");
  EXPECT_TRUE(m.headers().Has("to"));
  EXPECT_EQ(p.headers.size(), 3u);
  EXPECT_TRUE(m.problems.empty());
}

// The message's header is its top part's (one copy, not two); a Message
// without parts has an empty one.
TEST(MimeParse, MessageHeadersAreTheTopPartsHeaders) {
  Message m = ParseMessage("Subject: hi\nContent-Type: multipart/mixed; boundary=b\n\n--b\nX-Part: 1\n\nx\n--b--\n");
  ASSERT_EQ(m.parts.size(), 2u);
  EXPECT_EQ(&m.headers(), &m.parts[0].headers);
  EXPECT_EQ(m.headers().Get("Subject"), "hi");
  EXPECT_FALSE(m.headers().Has("X-Part"));
  Message none;
  EXPECT_TRUE(none.headers().empty());
}

const char kReport[] =
    "From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\n"
    "To: sender@example.com\n"
    "Subject: Undelivered Mail Returned to Sender\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/report; report-type=delivery-status;\n"
    "\tboundary=\"B1/report\"\n"
    "\n"
    "This is a MIME-encapsulated message.\n"
    "\n"
    "--B1/report\n"
    "Content-Description: Notification\n"
    "Content-Type: text/plain; charset=us-ascii\n"
    "\n"
    "I'm sorry to have to inform you that your message could not\n"
    "be delivered to one or more recipients.\n"
    "\n"
    "--B1/report\n"
    "Content-Description: Delivery report\n"
    "Content-Type: message/delivery-status\n"
    "\n"
    "Reporting-MTA: dns; mx.example.org\n"
    "\n"
    "Final-Recipient: rfc822; user@example.net\n"
    "Action: failed\n"
    "Status: 5.1.1\n"
    "\n"
    "--B1/report\n"
    "Content-Type: text/rfc822-headers\n"
    "\n"
    "From: sender@example.com\n"
    "Subject: hello\n"
    "\n"
    "--B1/report\n"
    "Content-Description: Undelivered Message\n"
    "Content-Type: message/rfc822\n"
    "\n"
    "From: sender@example.com\n"
    "To: user@example.net\n"
    "Subject: =?UTF-8?Q?caf=C3=A9?=\n"
    "Message-ID: <abc@example.com>\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/alternative; boundary=\"inner\"\n"
    "\n"
    "--inner\n"
    "Content-Type: text/plain\n"
    "\n"
    "plain original\n"
    "--inner\n"
    "Content-Type: application/pdf; name=\"doc.pdf\"\n"
    "Content-Transfer-Encoding: base64\n"
    "\n"
    "JVBERi0xLjQK\n"
    "--inner--\n"
    "\n"
    "--B1/report--\n";

TEST(MimeParse, MultipartReportFlatOrder) {
  Message m = ParseMessage(kReport);
  EXPECT_EQ(Types(m),
            "0:multipart/report,1:text/plain,1:message/delivery-status,1:text/rfc822-headers,"
            "1:message/rfc822,2:multipart/alternative*,3:text/plain*,3:application/pdf*");
  EXPECT_TRUE(m.problems.empty()) << m.problems.front().ToString();
  EXPECT_EQ(m.parts[0].body, "");
  EXPECT_EQ(m.parts[1].charset, "us-ascii");
  EXPECT_EQ(m.parts[1].body,
            "I'm sorry to have to inform you that your message could not\n"
            "be delivered to one or more recipients.\n");
  EXPECT_EQ(m.parts[1].headers.Get("Content-Description"), "Notification");
  EXPECT_EQ(m.parts[2].body,
            "Reporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; user@example.net\n"
            "Action: failed\nStatus: 5.1.1\n");
  EXPECT_EQ(m.parts[3].body, "From: sender@example.com\nSubject: hello\n");

  // message/rfc822: the body is the returned message's header block.
  const Part& original = m.parts[4];
  EXPECT_FALSE(original.in_attached_message);
  EXPECT_EQ(original.body.rfind("From: sender@example.com\nTo: user@example.net\n", 0), 0u);
  Headers returned = ParseHeaderBlock(original.body);
  EXPECT_EQ(returned.Get("Subject"), "caf\xc3\xa9");
  EXPECT_EQ(returned.Get("Message-ID"), "<abc@example.com>");
  // The embedded message's own entity carries the same headers.
  EXPECT_EQ(m.parts[5].headers.Get("Message-ID"), "<abc@example.com>");
  EXPECT_TRUE(original.body_parsed_next);
  ASSERT_EQ(m.parts[5].headers.size(), returned.size());
  for (size_t i = 0; i < returned.size(); ++i) {
    EXPECT_EQ(m.parts[5].headers.fields()[i].name, returned.fields()[i].name);
    EXPECT_EQ(m.parts[5].headers.fields()[i].value, returned.fields()[i].value);
  }
  for (size_t i = 0; i < m.parts.size(); ++i) EXPECT_EQ(m.parts[i].body_parsed_next, i == 4) << i;
  EXPECT_EQ(m.parts[6].body, "plain original");
  // Non-text leaves of the returned original are not decoded.
  EXPECT_EQ(m.parts[7].body, "");
  EXPECT_EQ(m.parts[7].filename, "doc.pdf");

  ASSERT_NE(m.FindPart("message/delivery-status"), nullptr);
  EXPECT_EQ(m.FindPart("message/delivery-status"), &m.parts[2]);
  EXPECT_EQ(m.FindPart("text/plain"), &m.parts[1]);
  EXPECT_EQ(m.FindPart("application/pdf"), nullptr);  // only inside the original
  EXPECT_EQ(m.headers().Get("Subject"), "Undelivered Mail Returned to Sender");
}

TEST(MimeParse, NestedAlternativeInsideMixed) {
  Message m = ParseMessage(
      "Content-Type: multipart/mixed; boundary=outer\n"
      "\n"
      "--outer\n"
      "Content-Type: multipart/alternative; boundary=\"outer-alt\"\n"
      "\n"
      "--outer-alt\n"
      "Content-Type: text/plain; charset=utf-8\n"
      "\n"
      "plain\n"
      "--outer-alt\n"
      "Content-Type: text/html; charset=utf-8\n"
      "\n"
      "<p>html</p>\n"
      "--outer-alt--\n"
      "--outer\n"
      "Content-Type: application/octet-stream\n"
      "Content-Disposition: attachment; filename=\"a b.bin\"\n"
      "\n"
      "xyz\n"
      "--outer--\n"
      "epilogue\n");
  EXPECT_EQ(Types(m), "0:multipart/mixed,1:multipart/alternative,2:text/plain,2:text/html,1:application/octet-stream");
  EXPECT_EQ(m.parts[2].body, "plain");
  EXPECT_EQ(m.parts[3].body, "<p>html</p>");
  EXPECT_EQ(m.parts[4].body, "xyz");
  EXPECT_EQ(m.parts[4].filename, "a b.bin");
  EXPECT_TRUE(m.problems.empty());
}

TEST(MimeParse, BoundaryOnlyAsWholeLine) {
  // "--b" inside a line or followed by other text is no delimiter.
  Message m = ParseMessage(
      "Content-Type: multipart/mixed; boundary=b\n"
      "\n"
      "--b\n"
      "\n"
      "text --b inside\n"
      "--bb is not it\n"
      "--b\n"
      "\n"
      "second\n"
      "--b--\n");
  ASSERT_EQ(m.parts.size(), 3u);
  EXPECT_EQ(m.parts[1].body, "text --b inside\n--bb is not it");
  EXPECT_EQ(m.parts[2].body, "second");
  // Among other dashes (the search looks at each '-'): a tab-indented delimiter ends the part.
  m = ParseMessage("Content-Type: multipart/mixed; boundary=b\n\n--b\n\n"
                   "---- report ----\n  - item --b\n-\n\t--b\n\nsecond -\n--b--");
  ASSERT_EQ(m.parts.size(), 3u);
  EXPECT_EQ(m.parts[1].body, "---- report ----\n  - item --b\n-");
  EXPECT_EQ(m.parts[2].body, "second -");
}

TEST(MimeParse, IndentedDelimiterAndRecoveredBoundary) {
  // A delimiter line indented by a blank (seen in real reports) still counts.
  Message m = ParseMessage(
      "Content-Type: multipart/report; boundary=\"R\"\n\n"
      "--R\n\ntext\n\n"
      " --R\n"
      "Content-Type: message/delivery-status\n\nStatus: 5.0.0\n"
      "--R--\n");
  EXPECT_EQ(Types(m), "0:multipart/report,1:text/plain,1:message/delivery-status");
  EXPECT_EQ(m.parts[1].body, "text\n");
  // A boundary parameter that lost its indentation starts the body.
  m = ParseMessage(
      "Content-Type: multipart/alternative;\n"
      "boundary=\"alt-1\"\n"
      "\n"
      "--alt-1\n"
      "Content-Type: text/plain\n\nhello\n"
      "--alt-1--\n");
  EXPECT_EQ(Types(m), "0:multipart/alternative,1:text/plain");
  EXPECT_EQ(m.parts[1].body, "hello");
  EXPECT_EQ(m.problems.size(), 1u);
}

TEST(MimeParse, MboxFromLineSkipped) {
  Message m = ParseMessage(
      "From MAILER-DAEMON Mon Jan  1 00:00:00 2024\n"
      "Subject: bounce\n"
      "\n"
      "body\n");
  EXPECT_EQ(m.headers().Get("Subject"), "bounce");
  EXPECT_EQ(m.parts[0].body, "body\n");
}

TEST(MimeParse, ContentTypeDetails) {
  Message m = ParseMessage(
      "Content-Type: Multipart/Mixed (comment); BOUNDARY=\"x;y\"\n"
      "\n"
      "--x;y\n"
      "Content-Type: TEXT/Plain; Charset=\"ISO-8859-1\" (latin)\n"
      "\n"
      "a\n"
      "--x;y\n"
      "Content-Type: application/octet-stream;\n"
      " name*0*=UTF-8''%E5%A0%B1;\n"
      " name*1*=%E5%91%8A.txt\n"
      "\n"
      "b\n"
      "--x;y\n"
      "Content-Type: application/pdf; name=\"=?UTF-8?B?5aCx5ZGK?=.pdf\"\n"
      "\n"
      "c\n"
      "--x;y\n"
      "Content-Type: text\n"
      "\n"
      "d\n"
      "--x;y--\n");
  EXPECT_EQ(Types(m), "0:multipart/mixed,1:text/plain,1:application/octet-stream,1:application/pdf,1:text/plain");
  EXPECT_EQ(m.parts[1].charset, "iso-8859-1");
  EXPECT_EQ(m.parts[2].filename, "\xe5\xa0\xb1\xe5\x91\x8a.txt");
  EXPECT_EQ(m.parts[3].filename, "\xe5\xa0\xb1\xe5\x91\x8a.pdf");
}

TEST(MimeParse, ParametersSplitAtSemicolonsOutsideQuotes) {
  // Without quotes every ';' splits (empty pieces are no parameters);
  // within quotes it is part of the value.
  Message m = ParseMessage("Content-Type: text/plain;;charset=UTF-8; ;format=flowed;\n\nx\n");
  EXPECT_EQ(m.parts[0].charset, "utf-8");
  m = ParseMessage("Content-Type: application/pdf; name=\"a;b.pdf\"; charset=x\n\nx\n");
  EXPECT_EQ(m.parts[0].filename, "a;b.pdf");
  EXPECT_EQ(m.parts[0].charset, "x");
}

// ---- transfer encodings ----

TEST(MimeDecode, Base64Body) {
  Message m = ParseMessage(
      "Content-Type: text/plain; charset=us-ascii\n"
      "Content-Transfer-Encoding: BASE64\n"
      "\n"
      "RGVsaXZlcnkgdG8gdGhlIGZvbGxvd2luZyByZWNpcGllbnQgZmFpbGVkIHBlcm1hbmVudGx5Og0K\n"
      "DQogICAgdXNlckBleGFtcGxlLmNvbQ0K\n");
  // CRLFs inside the decoded text are normalized too.
  EXPECT_EQ(m.parts[0].body, "Delivery to the following recipient failed permanently:\n\n    user@example.com\n");
}

TEST(MimeDecode, Base64Tolerance) {
  // Missing padding, blanks, garbage characters.
  Message m = ParseMessage(
      "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n"
      "SGVs bG8g\n  d29y*bGQ\n");
  EXPECT_EQ(m.parts[0].body, "Hello world");
  // Two encoded blocks glued together, each with its padding.
  m = ParseMessage("Content-Transfer-Encoding: base64\n\nSGk=\nSGk=\n");
  EXPECT_EQ(m.parts[0].body, "HiHi");
}

TEST(MimeDecode, QuotedPrintableSoftBreakInsideWord) {
  Message m = ParseMessage(
      "Content-Type: text/plain; charset=us-ascii\n"
      "Content-Transfer-Encoding: Quoted-Printable\n"
      "\n"
      "The recipient's mail=\n"
      "box is full =3D over quota.  \n"
      "Bad =ZZ escape and =4 stays, lower =3d ok=\n");
  EXPECT_EQ(m.parts[0].body,
            "The recipient's mailbox is full = over quota.\n"
            "Bad =ZZ escape and =4 stays, lower = ok");
}

TEST(MimeDecode, Iso88591QuotedPrintable) {
  Message m = ParseMessage(
      "Content-Type: text/plain; charset=\"ISO-8859-1\"\n"
      "Content-Transfer-Encoding: quoted-printable\n"
      "\n"
      "Bo=EEte pleine: d=E9bord=E9e\n");
  EXPECT_EQ(m.parts[0].charset, "iso-8859-1");
  EXPECT_EQ(m.parts[0].body, "Bo\xc3\xaete pleine: d\xc3\xa9""bord\xc3\xa9""e\n");
}

// ---- charsets ----

// Raw 8-bit header bytes are found wherever they stand (the check reads eight
// bytes at a time, then the tail): windows-1252 'é' at each offset of a
// 20-byte value becomes UTF-8, and an ISO-2022-JP escape past the first
// eight bytes is decoded too.
TEST(MimeHeaders, RawEightBitBytesAtAnyOffsetAreDecoded) {
  for (size_t at = 0; at < 20; ++at) {
    std::string value(20, 'a');
    value[at] = '\xe9';
    Message m = ParseMessage("Subject: " + value + "\n\nbody\n");
    std::string want(20, 'a');
    want.replace(at, 1, "\xc3\xa9");
    EXPECT_EQ(m.headers().Get("Subject"), want) << "offset " << at;
  }
  Message m = ParseMessage("Subject: abcdefghij \x1b$B$3$s\x1b(B\n\nbody\n");
  EXPECT_EQ(m.headers().Get("Subject"), "abcdefghij \xe3\x81\x93\xe3\x82\x93");
}

TEST(MimeHeaders, FieldsMadeFinalOnReadAreTheFieldsReadAtOnce) {
  // An LF block's fields are decoded when read; a CRLF block's at once.
  const std::string lf =
      "Subject: =?utf-8?B?Y2Fmw6k=?=\n\tnext\nnot a field\n  its continuation\nTo:  a@example.com\n\nBody: x\n";
  std::string crlf;
  for (char c : lf) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  const Headers read_on_demand = ParseHeaderBlock(lf);
  const Headers read_at_once = ParseHeaderBlock(crlf);
  EXPECT_EQ(read_on_demand.Get("to"), "a@example.com");
  EXPECT_EQ(read_on_demand.Get("subject"), "caf\xc3\xa9 next");
  EXPECT_FALSE(read_on_demand.Has("Body"));
  ASSERT_EQ(read_on_demand.size(), 2u);
  ASSERT_EQ(read_at_once.size(), 2u);
  for (size_t k = 0; k < 2; ++k) {
    EXPECT_EQ(read_on_demand.fields()[k].name, read_at_once.fields()[k].name);
    EXPECT_EQ(read_on_demand.fields()[k].value, read_at_once.fields()[k].value);
  }
}

TEST(MimeHeaders, AnyLineEndingsGiveTheSameFields) {
  // LF, CRLF and CR in any mix, near and far apart (the search for CRs
  // looks some way ahead): the same fields as with LF alone.
  std::vector<std::string> lines;
  for (int i = 0; i < 40; ++i) {
    lines.push_back("X-Field-" + std::to_string(i) + ": " + std::string(static_cast<size_t>(i * 37 % 300), 'v'));
    if (i % 7 == 3) lines.push_back(" folded " + std::string(static_cast<size_t>(i * 211), 'w'));
  }
  std::string lf;
  for (const std::string& line : lines) lf += line + "\n";
  const Headers want = ParseHeaderBlock(lf, size_t{1} << 20);
  ASSERT_EQ(want.size(), 40u);
  const char* endings[] = {"\n", "\r\n", "\r"};
  for (int mix = 0; mix < 6; ++mix) {
    std::string text;
    for (size_t k = 0; k < lines.size(); ++k) {
      text += lines[k] + endings[mix < 3 ? mix : (k * (mix + 1) + k / 5) % 3];
    }
    const Headers got = ParseHeaderBlock(text, size_t{1} << 20);
    ASSERT_EQ(got.size(), want.size()) << mix;
    for (size_t k = 0; k < want.size(); ++k) {
      EXPECT_EQ(got.fields()[k].name, want.fields()[k].name) << mix;
      EXPECT_EQ(got.fields()[k].value, want.fields()[k].value) << mix << " " << k;
    }
  }
}

TEST(MimeHeaders, EncodedWordsAndEscapesAtAnyOffsetAreDecoded) {
  // Values of every length up to 24 with the word (or an ISO-2022-JP run) at
  // every offset: the quick look for what needs decoding misses none.
  for (size_t length = 0; length < 24; ++length) {
    for (size_t at = 0; at <= length; ++at) {
      const std::string before(at, 'a');
      const std::string after(length - at, 'b');
      Message m = ParseMessage("Subject: " + before + "=?UTF-8?Q?caf=C3=A9?=" + after + "\n"
                               "Comments: " + before + "\x1b$B$3\x1b(B" + after + "\n"
                               "Keywords: " + before + "=" + after + "\n\nbody\n");
      EXPECT_EQ(m.headers().Get("Subject"), before + "caf\xc3\xa9" + after) << length << " " << at;
      EXPECT_EQ(m.headers().Get("Comments"), before + "\xe3\x81\x93" + after) << length << " " << at;
      EXPECT_EQ(m.headers().Get("Keywords"), before + "=" + after) << length << " " << at;
    }
  }
}

TEST(MimeCharset, Iso2022JpBodyAndSubject) {
  Message m = ParseMessage(
      "Subject: =?ISO-2022-JP?B?GyRCR1s/LiUoJWkhPBsoQg==?=\n"
      "Content-Type: text/plain; charset=ISO-2022-JP\n"
      "Content-Transfer-Encoding: 7bit\n"
      "\n"
      "\x1b$B$3$s$K$A$O@$3&\x1b(B\n");
  EXPECT_EQ(m.headers().Get("Subject"), "\xe9\x85\x8d\xe4\xbf\xa1\xe3\x82\xa8\xe3\x83\xa9\xe3\x83\xbc");
  EXPECT_EQ(m.parts[0].body, "\xe3\x81\x93\xe3\x82\x93\xe3\x81\xab\xe3\x81\xa1\xe3\x81\xaf\xe4\xb8\x96\xe7\x95\x8c\n");
  EXPECT_TRUE(m.problems.empty());
}

TEST(MimeCharset, Iso2022JpNecExtensionAndUndeclared) {
  std::string out;
  // Circled digit one (NEC row 13), which glibc's ISO-2022-JP rejects.
  EXPECT_TRUE(ToUtf8("\x1b$B-!\x1b(B", "iso-2022-jp", &out));
  EXPECT_EQ(out, "\xe2\x91\xa0");
  // No charset declared, but ISO-2022-JP escapes: detected.
  Message m = ParseMessage("Subject: x\n\n\x1b$B$3$s$K$A$O\x1b(B\n");
  EXPECT_EQ(m.parts[0].body, "\xe3\x81\x93\xe3\x82\x93\xe3\x81\xab\xe3\x81\xa1\xe3\x81\xaf\n");
  // Labelled ISO-2022-JP, sent as EUC-JP.
  EXPECT_TRUE(ToUtf8("\xa5\xe1\xa1\xbc\xa5\xeb", "iso-2022-jp", &out));
  EXPECT_EQ(out, "\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab");
}

// ASCII between the escapes is taken a run at a time: runs that end at an
// escape, at SO/SI (half-width katakana), at an 8-bit byte (replaced) and at
// the end; a line end returns to ASCII; plain ASCII text and ASCII with only
// an SO are told apart.
TEST(MimeCharset, Iso2022JpAsciiRuns) {
  std::string out;
  EXPECT_TRUE(ToUtf8("Dear user,\n\x1b$B$3\x1b(B and \x0e\x31\x0f ok\n\x1b$B$3\nnext line", "iso-2022-jp", &out));
  EXPECT_EQ(out, "Dear user,\n\xe3\x81\x93 and \xef\xbd\xb1 ok\n\xe3\x81\x93\nnext line");
  out.clear();
  EXPECT_FALSE(ToUtf8("abc\x1b$Bx\x1b(Bdef\xff tail", "iso-2022-jp", &out));
  EXPECT_EQ(out, "abc\xef\xbf\xbd" "def\xef\xbf\xbd tail");
  out.clear();
  EXPECT_TRUE(ToUtf8("plain ascii only", "iso-2022-jp", &out));
  EXPECT_EQ(out, "plain ascii only");
  out.clear();
  EXPECT_TRUE(ToUtf8("kana \x0e\x31\x0f only", "iso-2022-jp", &out));
  EXPECT_EQ(out, "kana \xef\xbd\xb1 only");
}

TEST(MimeCharset, ShiftJis) {
  Message m = ParseMessage(
      "Content-Type: text/plain; charset=Shift_JIS\n"
      "Content-Transfer-Encoding: 8bit\n"
      "\n"
      "\x88\xb6\x90\xe6\x95s\x96\xbe\x82\xc5\x82\xb7\n");
  EXPECT_EQ(m.parts[0].charset, "shift_jis");
  EXPECT_EQ(m.parts[0].body, "\xe5\xae\x9b\xe5\x85\x88\xe4\xb8\x8d\xe6\x98\x8e\xe3\x81\xa7\xe3\x81\x99\n");
  std::string out;
  for (const char* alias : {"sjis", "x-sjis", "windows-31j", "cp932", "SHIFT-JIS"}) {
    EXPECT_TRUE(ToUtf8("\x88\xb6\x90\xe6", alias, &out)) << alias;
    EXPECT_EQ(out, "\xe5\xae\x9b\xe5\x85\x88") << alias;
  }
  EXPECT_TRUE(ToUtf8("\x87@", "shift_jis", &out));  // NEC circled one
  EXPECT_EQ(out, "\xe2\x91\xa0");
}

TEST(MimeCharset, Windows1252) {
  Message m = ParseMessage(
      "Content-Type: text/plain; charset=windows-1252\n\n"
      "\x93Quoted\x94 \x96 caf\xe9 \x80""5");
  EXPECT_EQ(m.parts[0].body, "\xe2\x80\x9cQuoted\xe2\x80\x9d \xe2\x80\x93 caf\xc3\xa9 \xe2\x82\xac""5");
  // Undeclared and not UTF-8: read as windows-1252.
  m = ParseMessage("Subject: x\n\ncaf\xe9 \x80""5\n");
  EXPECT_EQ(m.parts[0].body, "caf\xc3\xa9 \xe2\x82\xac""5\n");
  // Undeclared valid UTF-8 stays.
  m = ParseMessage("Subject: x\n\ncaf\xc3\xa9\n");
  EXPECT_EQ(m.parts[0].body, "caf\xc3\xa9\n");
}

TEST(MimeCharset, Koi8r) {
  Message m = ParseMessage(
      "Content-Type: text/plain; charset=koi8-r\n\n"
      "\xf0\xcf\xde\xd4\xcf\xd7\xd9\xca \xd1\xdd\xc9\xcb \xd0\xc5\xd2\xc5\xd0\xcf\xcc\xce\xc5\xce");
  EXPECT_EQ(m.parts[0].body,
            "\xd0\x9f\xd0\xbe\xd1\x87\xd1\x82\xd0\xbe\xd0\xb2\xd1\x8b\xd0\xb9 \xd1\x8f\xd1\x89\xd0\xb8\xd0\xba "
            "\xd0\xbf\xd0\xb5\xd1\x80\xd0\xb5\xd0\xbf\xd0\xbe\xd0\xbb\xd0\xbd\xd0\xb5\xd0\xbd");
}

TEST(MimeCharset, Gb2312) {
  Message m = ParseMessage(
      "Content-Type: text/plain; charset=\"gb2312\"\n"
      "Content-Transfer-Encoding: 8bit\n\n"
      "\xd3\xc3\xbb\xa7\xb2\xbb\xb4\xe6\xd4\xda");
  EXPECT_EQ(m.parts[0].body, "\xe7\x94\xa8\xe6\x88\xb7\xe4\xb8\x8d\xe5\xad\x98\xe5\x9c\xa8");
}

TEST(MimeCharset, OtherCharsetsAndAliases) {
  struct Case {
    const char* charset;
    const char* in;
    const char* want;
  } cases[] = {
      {"big5", "\xb4\xfa\xb8\xd5", "\xe6\xb8\xac\xe8\xa9\xa6"},
      {"ks_c_5601-1987", "\xc7\xd1\xb1\xb9\xbe\xee", "\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4"},
      {"euc-kr", "\xc7\xd1\xb1\xb9\xbe\xee", "\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4"},
      {"windows-1251", "\xcf\xf0\xe8\xe2\xe5\xf2", "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82"},
      {"ISO-8859-2", "\xa3\xf3""d\xbc", "\xc5\x81\xc3\xb3""d\xc5\xba"},
      {"euc-jp", "\xa5\xe1\xa1\xbc\xa5\xeb", "\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab"},
      {"gbk", "\xd3\xc3\xbb\xa7", "\xe7\x94\xa8\xe6\x88\xb7"},
      {"gb18030", "\xd3\xc3\xbb\xa7", "\xe7\x94\xa8\xe6\x88\xb7"},
      {"koi8-u", "\xf0", "\xd0\x9f"},
      {"\"UTF-8\"", "caf\xc3\xa9", "caf\xc3\xa9"},
      {"us-ascii", "plain", "plain"},
  };
  for (const Case& c : cases) {
    std::string out;
    EXPECT_TRUE(ToUtf8(c.in, c.charset, &out)) << c.charset;
    EXPECT_EQ(out, c.want) << c.charset;
  }
}

TEST(MimeCharset, InvalidBytesAndUnknownCharset) {
  std::string out;
  EXPECT_FALSE(ToUtf8("ab\xff""cd", "utf-8", &out));
  EXPECT_EQ(out, "ab\xef\xbf\xbd""cd");
  EXPECT_FALSE(ToUtf8("\x88", "shift_jis", &out));  // truncated double-byte character
  EXPECT_EQ(out, "\xef\xbf\xbd");
  // Unknown charset: valid UTF-8 kept, else windows-1252.
  EXPECT_FALSE(ToUtf8("caf\xc3\xa9", "x-no-such-charset", &out));
  EXPECT_EQ(out, "caf\xc3\xa9");
  EXPECT_FALSE(ToUtf8("caf\xe9", "x-no-such-charset", &out));
  EXPECT_EQ(out, "caf\xc3\xa9");
  EXPECT_FALSE(ToUtf8("x", "bad//TRANSLIT", &out));
  EXPECT_EQ(out, "x");

  Message m = ParseMessage("Content-Type: text/plain; charset=x-klingon\n\nqapla\xe9\n");
  EXPECT_EQ(m.parts[0].body, "qapla\xc3\xa9\n");
  ASSERT_EQ(m.problems.size(), 1u);
  EXPECT_NE(m.problems[0].detail.find("unknown charset x-klingon"), std::string::npos);
  EXPECT_EQ(m.problems[0].kind, ProblemKind::kCharset);
}

// ---- headers ----

TEST(MimeHeaders, Rfc2047QEncodingWithUnderscores) {
  EXPECT_EQ(DecodeEncodedWords("=?iso-8859-1?q?Bo=EEte_pleine_?= ok"), "Bo\xc3\xaete pleine  ok");
  EXPECT_EQ(DecodeEncodedWords("=?UTF-8?Q?Undelivered_Mail_=E2=80=94_Returned?="),
            "Undelivered Mail \xe2\x80\x94 Returned");
}

TEST(MimeHeaders, AdjacentEncodedWords) {
  // Blanks between encoded words vanish; blanks next to plain text stay.
  EXPECT_EQ(DecodeEncodedWords("=?UTF-8?B?44GT44KT44Gr44Gh44Gv?=  \t=?UTF-8?B?5LiW55WM?= !"),
            "\xe3\x81\x93\xe3\x82\x93\xe3\x81\xab\xe3\x81\xa1\xe3\x81\xaf\xe4\xb8\x96\xe7\x95\x8c !");
  EXPECT_EQ(DecodeEncodedWords("a =?utf-8?q?b?= c"), "a b c");
  // A character split across two words of the same charset.
  EXPECT_EQ(DecodeEncodedWords("=?utf-8?B?5pel5g==?= =?utf-8?B?nKw=?="), "\xe6\x97\xa5\xe6\x9c\xac");
  // Malformed words stay as written.
  EXPECT_EQ(DecodeEncodedWords("=?utf-8?X?abc?= =?broken"), "=?utf-8?X?abc?= =?broken");
  EXPECT_EQ(DecodeEncodedWords("plain"), "plain");
}

TEST(MimeHeaders, FoldedHeaderAndRawBytes) {
  Headers h = ParseHeaderBlock(
      "Subject: a very long\n"
      "\tsubject line\n"
      "   continued\n"
      "X-Empty:\n"
      "Not a header line\n"
      "  its continuation\n"
      "X-Utf8: caf\xc3\xa9\n"
      "X-Latin1: caf\xe9\n"
      "X-Jis: \x1b$B$3$s\x1b(B\n"
      "Subject : second\n"
      "\n"
      "Body: not a header\n");
  EXPECT_EQ(h.size(), 6u);
  EXPECT_EQ(h.Get("Subject"), "a very long subject line continued");
  EXPECT_TRUE(h.Has("X-Empty"));
  EXPECT_EQ(h.Get("X-Empty"), "");
  EXPECT_EQ(h.Get("X-Utf8"), "caf\xc3\xa9");
  EXPECT_EQ(h.Get("X-Latin1"), "caf\xc3\xa9");
  EXPECT_EQ(h.Get("X-Jis"), "\xe3\x81\x93\xe3\x82\x93");
  EXPECT_EQ(h.fields().back().name, "Subject");
  EXPECT_EQ(h.fields().back().value, "second");
  EXPECT_FALSE(h.Has("Body"));
}

TEST(MimeCharset, Utf8CheckedAcrossAsciiRuns) {
  // Valid UTF-8 between long ASCII runs stays; a bad byte after one is found.
  const std::string valid = "caf\xc3\xa9 and a long ASCII run between " "\xe2\x80\x94 then more text \xf0\x9f\x93\xa7.";
  std::string out;
  EXPECT_TRUE(ToUtf8(valid, "utf-8", &out));
  EXPECT_EQ(out, valid);
  out.clear();
  EXPECT_FALSE(ToUtf8("caf\xc3\xa9 and a long ASCII run between \xff here", "utf-8", &out));
  EXPECT_EQ(out, "caf\xc3\xa9 and a long ASCII run between \xef\xbf\xbd here");
  out.clear();
  EXPECT_FALSE(ToUtf8("\xc3\xa9 eight+ ASCII bytes then a cut sequence \xe2\x80", "utf-8", &out));
}

// A name of any length is found whatever its case (Get compares four to
// seven bytes as one word of two overlapping halves), and a name that
// differs in any one byte, or in length, is not.
TEST(MimeHeaders, NamesOfAnyLengthAreFoundWhateverTheirCase) {
  const std::string names[] = {"X", "To", "Foo", "From", "X-Abc", "Sender", "Subject", "Reply-To", "Message-ID",
                               "X-Failed-Recipients"};
  Headers h;
  for (const std::string& name : names) h.Add(name, "value of " + name);
  for (const std::string& name : names) {
    std::string upper = name;
    std::string lower = name;
    for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
    for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    EXPECT_EQ(h.Get(upper), "value of " + name);
    EXPECT_EQ(h.Get(lower), "value of " + name);
    EXPECT_TRUE(h.Has(lower));
    for (size_t i = 0; i < name.size(); ++i) {
      std::string other = name;
      other[i] = other[i] == '#' ? '%' : '#';
      EXPECT_EQ(h.Get(other), "") << other;
    }
    EXPECT_EQ(h.Get(name + "#"), "") << name;
  }
}

TEST(MimeHeaders, ReadsFromManyThreadsAtOnceAgree) {
  // A const Headers is read by several threads at once (fields made final
  // on first read must not race): each thread reads every field, in its own
  // order, by Get, fields() or a copy. Regression: a shared Message's
  // Subject read by eight threads came back wrong now and then.
  std::string block;
  for (int i = 0; i < 64; ++i) {
    block += "X-Field-" + std::to_string(i) + ": =?utf-8?B?Y2Fmw6k=?= " + std::to_string(i) + "\n\tfolded\n";
  }
  const Headers want = [&] {
    Headers h = ParseHeaderBlock(block);
    h.fields();
    return h;
  }();
  ASSERT_EQ(want.size(), 64u);
  ASSERT_EQ(want.Get("X-Field-7"), "caf\xc3\xa9 7 folded");
  for (int round = 0; round < 20; ++round) {
    const Headers shared = ParseHeaderBlock(block);
    std::vector<int> wrong(6, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < 6; ++t) {
      threads.emplace_back([&, t]() {
        if (t == 4) {
          for (size_t k = 0; k < want.size(); ++k) wrong[4] += shared.fields()[k].value != want.fields()[k].value;
          return;
        }
        if (t == 5) {
          const Headers copy = shared;
          for (const HeaderField& f : want.fields()) wrong[5] += copy.Get(f.name) != f.value;
          return;
        }
        for (size_t n = 0; n < want.size(); ++n) {
          const HeaderField& f = want.fields()[(n * static_cast<size_t>(2 * t + 1) + static_cast<size_t>(t)) % want.size()];
          wrong[static_cast<size_t>(t)] += shared.Get(f.name) != f.value;
        }
      });
    }
    for (auto& th : threads) th.join();
    for (int t = 0; t < 6; ++t) EXPECT_EQ(wrong[static_cast<size_t>(t)], 0) << "thread " << t << ", round " << round;
  }
}

TEST(MimeHeaders, FieldsStayValidWhenTheListGrowsIsCopiedOrMoved) {
  // Names and values share one buffer: growing it, copying and moving the
  // list must keep every field's view right.
  Headers h;
  std::vector<std::string> values;
  for (int i = 0; i < 200; ++i) {
    values.push_back("value number " + std::to_string(i) + std::string(static_cast<size_t>(i % 7) * 10, 'x'));
    h.Add("X-Field-" + std::to_string(i), values.back());
  }
  h.Add("Copy-Of-First", h.fields()[0].value);  // a field's own bytes, maybe while the buffer moves
  Headers copy = h;
  Headers moved = std::move(h);
  h.Add("After-Move", "usable again");  // a moved-from list starts empty
  EXPECT_EQ(h.size(), 1u);
  EXPECT_EQ(h.Get("after-move"), "usable again");
  for (const Headers* list : {&copy, &moved}) {
    ASSERT_EQ(list->size(), 201u);
    for (int i = 0; i < 200; ++i) {
      EXPECT_EQ(list->fields()[static_cast<size_t>(i)].name, "X-Field-" + std::to_string(i));
      EXPECT_EQ(list->fields()[static_cast<size_t>(i)].value, values[static_cast<size_t>(i)]);
    }
    EXPECT_EQ(list->Get("copy-of-first"), values[0]);
  }
  copy = moved;  // assignment over a list with fields
  EXPECT_EQ(copy.Get("X-Field-199"), values[199]);
  Headers empty;
  copy = empty;
  EXPECT_TRUE(copy.empty());
  EXPECT_EQ(copy.Get("X-Field-1"), "");
}

TEST(MimeHeaders, FieldGroupsOfDeliveryStatus) {
  std::vector<Headers> groups = ParseFieldGroups(
      "Reporting-MTA: dns; mx.example.org\n"
      "Arrival-Date: Mon, 1 Jan 2024 00:00:00 +0000\n"
      "\n"
      "\n"
      "Final-Recipient: rfc822; one@example.net\n"
      "Action: failed\n"
      "Status: 5.1.1\n"
      "Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach\n"
      "    does not exist.\n"
      "  \t \n"
      "Final-Recipient: rfc822; two@example.net\n"
      "Action: delayed\n"
      "Status: 4.2.2\n"
      "\n");
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[0].Get("Reporting-MTA"), "dns; mx.example.org");
  EXPECT_EQ(groups[1].Get("final-recipient"), "rfc822; one@example.net");
  EXPECT_EQ(groups[1].Get("Diagnostic-Code"),
            "smtp; 550-5.1.1 The email account that you tried to reach does not exist.");
  EXPECT_EQ(groups[2].Get("Status"), "4.2.2");
  EXPECT_EQ(groups[2].Get("Action"), "delayed");
  EXPECT_EQ(ParseFieldGroups("A: 1\n\nB: 2\n\nC: 3\n", 2).size(), 2u);
  EXPECT_TRUE(ParseFieldGroups("").empty());
  EXPECT_TRUE(ParseFieldGroups("\n \n\n").empty());
  // CRLF works too (the function is public).
  EXPECT_EQ(ParseFieldGroups("A: 1\r\n\r\nB: 2\r\n").size(), 2u);
}

// ---- line endings ----

TEST(MimeParse, CrlfAndCrOnlyGiveSameParts) {
  std::string lf = kReport;
  std::string crlf = ReplaceAll(lf, "\n", "\r\n");
  std::string cr = ReplaceAll(lf, "\n", "\r");
  Message a = ParseMessage(lf);
  Message b = ParseMessage(crlf);
  Message c = ParseMessage(cr);
  ASSERT_EQ(a.parts.size(), 8u);
  for (const Message* other : {&b, &c}) {
    ASSERT_EQ(other->parts.size(), a.parts.size());
    for (size_t i = 0; i < a.parts.size(); ++i) {
      EXPECT_EQ(other->parts[i].content_type, a.parts[i].content_type) << i;
      EXPECT_EQ(other->parts[i].depth, a.parts[i].depth) << i;
      EXPECT_EQ(other->parts[i].body, a.parts[i].body) << i;
      EXPECT_EQ(other->parts[i].headers.size(), a.parts[i].headers.size()) << i;
    }
    EXPECT_EQ(other->headers().Get("Content-Type"), a.headers().Get("Content-Type"));
    EXPECT_EQ(other->problems.size(), a.problems.size());
  }
}

// ---- malformed input ----

TEST(MimeMalformed, EmptyAndGarbage) {
  Message m = ParseMessage("");
  ASSERT_EQ(m.parts.size(), 1u);
  EXPECT_EQ(m.parts[0].content_type, "text/plain");
  EXPECT_FALSE(m.problems.empty());

  std::string garbage;
  for (int i = 0; i < 5000; ++i) garbage.push_back(static_cast<char>((i * 7919 + 13) & 0xFF));
  m = ParseMessage(garbage);
  ASSERT_GE(m.parts.size(), 1u);
  for (const Part& p : m.parts) EXPECT_LE(p.body.size(), garbage.size() * 3);

  m = ParseMessage("no header at all\njust text\n");
  EXPECT_TRUE(m.headers().empty());
  EXPECT_EQ(m.parts[0].body, "no header at all\njust text\n");

  const char kNul[] = "Subject: nul\0byte\n\nbody\0\n";
  m = ParseMessage(std::string(kNul, sizeof(kNul) - 1));
  EXPECT_EQ(m.parts.size(), 1u);
}

TEST(MimeMalformed, UnterminatedMultipart) {
  Message m = ParseMessage(
      "Content-Type: multipart/mixed; boundary=zz\n\n"
      "--zz\n"
      "Content-Type: text/plain\n\n"
      "first\n"
      "--zz\n"
      "Content-Type: text/plain\n\n"
      "second, cut off");
  EXPECT_EQ(Types(m), "0:multipart/mixed,1:text/plain,1:text/plain");
  EXPECT_EQ(m.parts[2].body, "second, cut off");
  EXPECT_FALSE(m.problems.empty());
}

TEST(MimeMalformed, MissingInnerClosingBoundary) {
  // The inner multipart never closes; the outer parts after it survive.
  Message m = ParseMessage(
      "Content-Type: multipart/mixed; boundary=outer\n\n"
      "--outer\n"
      "Content-Type: multipart/alternative; boundary=inner\n\n"
      "--inner\n"
      "Content-Type: text/plain\n\n"
      "inner text\n"
      "--outer\n"
      "Content-Type: message/delivery-status\n\n"
      "Status: 5.0.0\n"
      "--outer--\n");
  EXPECT_EQ(Types(m), "0:multipart/mixed,1:multipart/alternative,2:text/plain,1:message/delivery-status");
  EXPECT_EQ(m.parts[2].body, "inner text");
  EXPECT_EQ(m.parts[3].body, "Status: 5.0.0");
  EXPECT_FALSE(m.problems.empty());
}

TEST(MimeMalformed, InnerBoundaryNeverUsedBeforeTheOuterEnds) {
  // A report forwarded as an attachment whose own multipart declares a
  // boundary its body never uses: its text is all there is, and is kept.
  Message m = ParseMessage(
      "Content-Type: multipart/mixed; boundary=outer\n\n"
      "--outer\n"
      "Content-Type: text/plain\n\n"
      "What does this mean?\n"
      "--outer\n"
      "Content-Type: message/rfc822\n\n"
      "From: MAILER-DAEMON@mx.example.net\n"
      "Content-Type: multipart/report; boundary=declared\n\n"
      "--used\n"
      "<jo@example.net>: User unknown\n"
      "--outer--\n");
  EXPECT_EQ(Types(m), "0:multipart/mixed,1:text/plain,1:message/rfc822,2:text/plain*");
  EXPECT_EQ(m.parts[3].body, "--used\n<jo@example.net>: User unknown");
  EXPECT_FALSE(m.problems.empty());
}

TEST(MimeMalformed, MissingOrAbsentBoundary) {
  // No boundary parameter: read as text.
  Message m = ParseMessage("Content-Type: multipart/mixed\n\nthe text\n");
  ASSERT_EQ(m.parts.size(), 1u);
  EXPECT_EQ(m.parts[0].content_type, "text/plain");
  EXPECT_EQ(m.parts[0].body, "the text\n");
  EXPECT_FALSE(m.problems.empty());
  // A boundary that never appears: the text is kept.
  m = ParseMessage("Content-Type: multipart/report; boundary=\"nowhere\"\n\nDelivery failed.\n");
  ASSERT_EQ(m.parts.size(), 1u);
  EXPECT_EQ(m.parts[0].content_type, "text/plain");
  EXPECT_EQ(m.parts[0].body, "Delivery failed.\n");
  EXPECT_FALSE(m.problems.empty());
}

TEST(MimeMalformed, DeeplyNestedMultipart) {
  const int kLevels = 5000;
  std::string msg;
  for (int i = 0; i < kLevels; ++i) {
    msg += "Content-Type: multipart/mixed; boundary=\"b" + std::to_string(i) + "\"\n\n--b" + std::to_string(i) +
           "\n";
  }
  msg += "Content-Type: text/plain\n\ndeep\n";
  for (int i = kLevels - 1; i >= 0; --i) msg += "--b" + std::to_string(i) + "--\n";
  Limits limits;
  Message m = ParseMessage(msg, limits);
  EXPECT_LE(m.parts.size(), static_cast<size_t>(limits.max_depth) + 1);
  for (const Part& p : m.parts) EXPECT_LE(p.depth, limits.max_depth);
  EXPECT_FALSE(m.problems.empty());
  EXPECT_LE(m.problems.size(), 101u);

  // Same boundary at every level, never closed.
  std::string same;
  for (int i = 0; i < kLevels; ++i) same += "Content-Type: multipart/mixed; boundary=x\n\n--x\n";
  m = ParseMessage(same);
  EXPECT_LE(m.parts.size(), limits.max_parts);

  // Nested message/rfc822.
  std::string rfc;
  for (int i = 0; i < kLevels; ++i) rfc += "Content-Type: message/rfc822\n\n";
  m = ParseMessage(rfc);
  EXPECT_LE(m.parts.size(), static_cast<size_t>(limits.max_depth) + 1);
  EXPECT_TRUE(m.parts.back().in_attached_message);
}

TEST(MimeLimits, MaxParts) {
  std::string msg = "Content-Type: multipart/mixed; boundary=p\n\n";
  for (int i = 0; i < 50; ++i) msg += "--p\nContent-Type: text/plain\n\npart " + std::to_string(i) + "\n";
  msg += "--p--\n";
  Limits limits;
  limits.max_parts = 10;
  Message m = ParseMessage(msg, limits);
  ASSERT_EQ(m.parts.size(), 10u);
  EXPECT_EQ(m.parts[9].body, "part 8");
  ASSERT_EQ(m.problems.size(), 1u);
  EXPECT_NE(m.problems[0].detail.find("part limit"), std::string::npos);
  EXPECT_EQ(m.problems[0].kind, ProblemKind::kLimit);
}

TEST(MimeLimits, MessageBytesAndDecodedBytes) {
  Limits limits;
  limits.max_message_bytes = 20;
  Message m = ParseMessage("Subject: x\n\n0123456789abcdef\n", limits);
  EXPECT_EQ(m.parts[0].body, "01234567");
  EXPECT_FALSE(m.problems.empty());

  limits = Limits();
  limits.max_decoded_part_bytes = 5;
  m = ParseMessage("Content-Transfer-Encoding: base64\n\nSGVsbG8gd29ybGQ=\n", limits);
  EXPECT_EQ(m.parts[0].body, "Hello");
  EXPECT_FALSE(m.problems.empty());
  m = ParseMessage("Subject: x\n\nHello world\n", limits);
  EXPECT_EQ(m.parts[0].body, "Hello");
}

TEST(MimeParse, EncodedEmbeddedMessageAndGlobal) {
  // message/rfc822 sent base64-encoded (not allowed, seen anyway) and message/global.
  Message m = ParseMessage(
      "Content-Type: multipart/report; boundary=r\n\n"
      "--r\n"
      "Content-Type: message/global-delivery-status\n\n"
      "Final-Recipient: utf-8; caf\xc3\xa9@example.net\n"
      "--r\n"
      "Content-Type: message/rfc822\n"
      "Content-Transfer-Encoding: base64\n\n"
      "U3ViamVjdDogaGkNCg0KYm9keQ0K\n"  // "Subject: hi\r\n\r\nbody\r\n"
      "--r\n"
      "Content-Type: message/global\n\n"
      "Subject: caf\xc3\xa9\n\nbody\n"
      "--r--\n");
  EXPECT_EQ(Types(m), "0:multipart/report,1:message/global-delivery-status,1:message/rfc822,2:text/plain*,"
                      "1:message/global,2:text/plain*");
  EXPECT_EQ(m.parts[1].body, "Final-Recipient: utf-8; caf\xc3\xa9@example.net");
  EXPECT_EQ(m.parts[2].body, "Subject: hi\n");
  EXPECT_EQ(m.parts[3].body, "body\n");
  EXPECT_EQ(m.parts[4].body, "Subject: caf\xc3\xa9\n");
  EXPECT_EQ(m.parts[5].headers.Get("Subject"), "caf\xc3\xa9");
  // The decoded embedded message is parsed as the next entity too.
  EXPECT_TRUE(m.parts[2].body_parsed_next);
  EXPECT_EQ(m.parts[3].headers.Get("Subject"), "hi");
  EXPECT_TRUE(m.parts[4].body_parsed_next);
}

TEST(MimeParse, EmbeddedHeadersNotParsedNextWhenTheBodyDiffers) {
  // An 8-bit header block that is no UTF-8: the body is converted as a
  // whole, so it is not the bytes the next entity's headers came from.
  Message m = ParseMessage(
      "Content-Type: multipart/mixed; boundary=r\n\n"
      "--r\n"
      "Content-Type: message/rfc822\n\n"
      "Subject: caf\xe9\n\nbody\n"
      "--r--\n");
  ASSERT_EQ(Types(m), "0:multipart/mixed,1:message/rfc822,2:text/plain*");
  EXPECT_EQ(m.parts[1].body, "Subject: caf\xc3\xa9\n");
  EXPECT_FALSE(m.parts[1].body_parsed_next);
  // Nesting not followed: no entity after the message part is its own.
  Limits limits;
  limits.max_depth = 1;
  m = ParseMessage(
      "Content-Type: multipart/mixed; boundary=r\n\n"
      "--r\n"
      "Content-Type: message/rfc822\n\n"
      "Subject: hi\n\nbody\n"
      "--r\n"
      "Content-Type: text/plain\n\n"
      "after\n"
      "--r--\n",
      limits);
  ASSERT_EQ(Types(m), "0:multipart/mixed,1:message/rfc822,1:text/plain");
  EXPECT_EQ(m.parts[1].body, "Subject: hi\n");
  EXPECT_FALSE(m.parts[1].body_parsed_next);
}

// ---- BodyScope::kText: what no reader of the text reads is left out ----

// A message with every kind of part kText treats apart: alternatives in
// either order and with an empty plain one, html outside an alternative,
// binary attachments (base64 and raw), and a returned original with an
// attachment of its own.
std::string ScopeSample() {
  return "From: MAILER-DAEMON@example.org\n"
         "Content-Type: multipart/mixed; boundary=M\n"
         "\n"
         "--M\n"
         "Content-Type: multipart/alternative; boundary=A1\n"
         "\n"
         "--A1\n"
         "Content-Type: text/plain; charset=us-ascii\n"
         "\n"
         "plain first\n"
         "--A1\n"
         "Content-Type: text/html; charset=iso-8859-1\n"
         "Content-Transfer-Encoding: quoted-printable\n"
         "\n"
         "<p>caf=E9</p>\n"
         "--A1--\n"
         "--M\n"
         "Content-Type: multipart/alternative; boundary=A2\n"
         "\n"
         "--A2\n"
         "Content-Type: text/html\n"
         "\n"
         "<p>html first</p>\n"
         "--A2\n"
         "Content-Type: text/plain\n"
         "\n"
         "plain second\n"
         "--A2--\n"
         "--M\n"
         "Content-Type: multipart/alternative; boundary=A3\n"
         "\n"
         "--A3\n"
         "Content-Type: text/plain\n"
         "Content-Transfer-Encoding: base64\n"
         "\n"
         "\n"
         "--A3\n"
         "Content-Type: text/html; charset=x-unknown-charset\n"
         "\n"
         "<p>plain was empty</p>\n"
         "--A3--\n"
         "--M\n"
         "Content-Type: text/html\n"
         "\n"
         "<p>no alternative</p>\n"
         "--M\n"
         "Content-Type: image/png; name=dot.png\n"
         "Content-Transfer-Encoding: base64\n"
         "\n"
         "iVBORw0KGgo=\n"
         "--M\n"
         "Content-Type: application/octet-stream; name=\"raw.bin\"\n"
         "\n"
         "raw bytes\n"
         "--M\n"
         "Content-Type: message/delivery-status\n"
         "\n"
         "Final-Recipient: rfc822; a@example.net\n"
         "--M\n"
         "Content-Type: message/rfc822\n"
         "\n"
         "Subject: the original\n"
         "Content-Type: multipart/mixed; boundary=O\n"
         "\n"
         "--O\n"
         "Content-Type: text/plain\n"
         "\n"
         "original text\n"
         "--O\n"
         "Content-Type: application/pdf\n"
         "Content-Transfer-Encoding: base64\n"
         "\n"
         "JVBERi0=\n"
         "--O--\n"
         "--M--\n";
}

TEST(MimeBodyScope, TextLeavesOutBinaryBodiesAndHtmlAfterPlainAlternatives) {
  const std::string raw = ScopeSample();
  const Message all = ParseMessage(raw);
  const Message text = ParseMessage(raw, Limits(), BodyScope::kText);
  ASSERT_EQ(Types(all),
            "0:multipart/mixed,1:multipart/alternative,2:text/plain,2:text/html,1:multipart/alternative,"
            "2:text/html,2:text/plain,1:multipart/alternative,2:text/plain,2:text/html,1:text/html,1:image/png,"
            "1:application/octet-stream,1:message/delivery-status,1:message/rfc822,2:multipart/mixed*,"
            "3:text/plain*,3:application/pdf*");
  ASSERT_EQ(Types(text), Types(all));
  // Left out: the html after a plain alternative with text, binary bodies,
  // the returned original's text (the message has a report part of its
  // own), and in both scopes the returned original's attachment.
  const std::vector<size_t> left_out = {3, 11, 12, 16};
  for (size_t i = 0; i < all.parts.size(); ++i) {
    const Part& a = all.parts[i];
    const Part& t = text.parts[i];
    bool out = std::find(left_out.begin(), left_out.end(), i) != left_out.end();
    SCOPED_TRACE("part " + std::to_string(i));
    EXPECT_EQ(t.body_left_out, out || i == 17);
    EXPECT_EQ(a.body_left_out, i == 17);
    EXPECT_EQ(t.body, out ? "" : a.body);
    EXPECT_EQ(t.content_type, a.content_type);
    EXPECT_EQ(t.charset, a.charset);
    EXPECT_EQ(t.filename, a.filename);
    EXPECT_EQ(t.depth, a.depth);
    ASSERT_EQ(t.headers.size(), a.headers.size());
    for (size_t f = 0; f < a.headers.size(); ++f) {
      EXPECT_EQ(t.headers.fields()[f].name, a.headers.fields()[f].name);
      EXPECT_EQ(t.headers.fields()[f].value, a.headers.fields()[f].value);
    }
  }
  EXPECT_EQ(all.parts[3].body, "<p>caf\xc3\xa9</p>");
  EXPECT_EQ(all.parts[11].body, std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(all.parts[12].body, "raw bytes");
  EXPECT_EQ(text.parts[5].body, "<p>html first</p>");  // the plain alternative comes after it
  EXPECT_EQ(text.parts[9].body, "<p>plain was empty</p>");
  EXPECT_EQ(text.parts[10].body, "<p>no alternative</p>");
  EXPECT_EQ(all.parts[16].body, "original text");
  // The html read checks its charset in both scopes.
  ASSERT_EQ(all.problems.size(), 1u);
  ASSERT_EQ(text.problems.size(), 1u);
  EXPECT_EQ(text.problems[0].ToString(), all.problems[0].ToString());
}

TEST(MimeBodyScope, TextKeepsTheReturnedTextOfAMessageWithoutAReportPart) {
  // A forward of a report: what it attaches may be the report to read.
  const std::string raw = ReplaceAll(ScopeSample(), "Content-Type: message/delivery-status\n", "Content-Type: text/plain\n");
  const Message text = ParseMessage(raw, Limits(), BodyScope::kText);
  ASSERT_EQ(text.parts.size(), 18u);
  EXPECT_EQ(text.parts[13].content_type, "text/plain");
  EXPECT_FALSE(text.parts[16].body_left_out);
  EXPECT_EQ(text.parts[16].body, "original text");
  EXPECT_TRUE(text.parts[17].body_left_out);
  // A report returned inside the copy is not the message's own.
  const std::string nested = ReplaceAll(raw, "Content-Type: application/pdf\n", "Content-Type: message/delivery-status\n");
  const Message inner = ParseMessage(nested, Limits(), BodyScope::kText);
  ASSERT_EQ(inner.parts.size(), 18u);
  EXPECT_EQ(inner.parts[16].body, "original text");
  EXPECT_FALSE(inner.parts[17].body_left_out);
}

TEST(MimeParse, ThreadSafe) {
  std::string crlf = ReplaceAll(kReport, "\n", "\r\n");
  std::string jp =
      "Subject: =?ISO-2022-JP?B?GyRCR1s/LiUoJWkhPBsoQg==?=\n"
      "Content-Type: text/plain; charset=shift_jis\n\n\x88\xb6\x90\xe6\n";
  Message want_report = ParseMessage(crlf);
  Message want_jp = ParseMessage(jp);
  std::vector<std::thread> threads;
  std::vector<int> failures(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t]() {
      for (int i = 0; i < 200; ++i) {
        Message a = ParseMessage(crlf);
        Message b = ParseMessage(jp);
        if (Types(a) != Types(want_report) || a.parts[1].body != want_report.parts[1].body) ++failures[t];
        if (b.parts[0].body != want_jp.parts[0].body || b.headers().Get("Subject") != want_jp.headers().Get("Subject")) {
          ++failures[t];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int f : failures) EXPECT_EQ(f, 0);
}

}  // namespace
}  // namespace ndr
