// The fields of a part's header block are read from the lines the framing
// finds (mime/header_fields.h): they must be what ParseHeaderBlock gives for
// the same block, under the same limits.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mime/header_fields.h"
#include "mime/mime_util.h"
#include "ndr/message.h"

namespace ndr {
namespace {

using internal::mime::FieldColon;

TEST(MimeHeaderFields, FieldColon) {
  EXPECT_EQ(FieldColon("Subject: x"), 7);
  EXPECT_EQ(FieldColon("Subject \t: x"), 9);
  EXPECT_EQ(FieldColon("a:b"), 1);
  EXPECT_EQ(FieldColon("X-Empty:"), 7);
  EXPECT_EQ(FieldColon("Sub ject: x"), -1);
  EXPECT_EQ(FieldColon(": x"), -1);
  EXPECT_EQ(FieldColon(" Subject: x"), -1);
  EXPECT_EQ(FieldColon("X\x01: y"), -1);
  EXPECT_EQ(FieldColon("From a@example.com Mon Jan  5 10:00:00 2026"), -1);
  EXPECT_EQ(FieldColon("Subject"), -1);
  EXPECT_EQ(FieldColon(""), -1);
  // Names of 16 bytes and more are read 16 at a time: the first other byte
  // is found wherever it falls.
  const std::string name = "X-A-Rather-Long-Field-Name-For-Tests";
  for (size_t k = 1; k < name.size(); ++k) {
    EXPECT_EQ(FieldColon(name.substr(0, k) + ": value and some more text"), static_cast<ptrdiff_t>(k)) << k;
    EXPECT_EQ(FieldColon(name.substr(0, k) + " \t: value and some more text"), static_cast<ptrdiff_t>(k + 2)) << k;
    for (std::string other : {" ", "\x7f", "\xc3", "\x01"}) {
      EXPECT_EQ(FieldColon(name.substr(0, k) + other + name + ": value"), -1) << k;
    }
  }
  EXPECT_EQ(FieldColon(name), -1);
}

void ExpectSameFields(const Headers& got, const Headers& want, const std::string& trace) {
  ASSERT_EQ(got.size(), want.size()) << trace;
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got.fields()[i].name, want.fields()[i].name) << trace << " field " << i;
    EXPECT_EQ(got.fields()[i].value, want.fields()[i].value) << trace << " field " << i;
  }
}

bool HasProblem(const Message& m, const std::string& words) {
  for (const Problem& p : m.problems) {
    if (p.detail.find(words) != std::string::npos) return true;
  }
  return false;
}

// Whether a value needs decoding is read 16 bytes at a time: an encoded
// word, an 8-bit byte or an ESC is found wherever it falls, and a '=' alone
// (or at the very end) is no encoded word.
TEST(MimeHeaderFields, DecodingIsFoundAtEveryOffset) {
  for (size_t k = 0; k < 40; ++k) {
    const std::string pad(k, 'a');
    EXPECT_EQ(ParseHeaderBlock("Subject: " + pad + "=?utf-8?q?=C3=A9t=C3=A9?=\n").Get("Subject"), pad + "\xC3\xA9t\xC3\xA9") << k;
    EXPECT_EQ(ParseHeaderBlock("Subject: " + pad + "\xE9t\xE9\n").Get("Subject"), pad + "\xC3\xA9t\xC3\xA9") << k;
    EXPECT_EQ(ParseHeaderBlock("Subject: " + pad + "\x1b$B$3\x1b(B\n").Get("Subject"), pad + "\xE3\x81\x93") << k;
    EXPECT_EQ(ParseHeaderBlock("Subject: " + pad + "a=b=\n").Get("Subject"), pad + "a=b=") << k;
  }
}

TEST(MimeHeaderFields, PartHeadersAreTheBlockParsed) {
  const std::vector<std::string> blocks = {
      "Subject: a very long\n\tsubject line\n   continued\nX-Empty:\nX-Latin1: caf\xe9\n"
      "Subject : second\nX-Word: =?utf-8?Q?caf=C3=A9?= and =?iso-8859-1?B?Y2Fm6Q==?=\n",
      "From: a@example.com\nReceived: from x.example.com\n by y.example.net\n\twith ESMTP id 1;\n"
      " Mon, 5 Jan 2026 10:00:00 +0000\nTo: b@example.com\nMessage-ID: <1@example.com>\n",
      "X-Long: 0123456789 0123456789 0123456789\n  0123456789 0123456789\nX-Next: y\n",
      "Content-Description: Notification\nContent-Type: text/plain;\n charset=us-ascii\n",
  };
  Limits defaults;
  Limits few_fields;
  few_fields.max_headers = 2;
  Limits short_lines;
  short_lines.max_header_line_bytes = 12;
  Limits short_block;  // cuts the block in the middle of a line
  short_block.max_header_bytes = 40;
  for (const Limits& limits : {defaults, few_fields, short_lines, short_block}) {
    for (const std::string& block : blocks) {
      const std::string trace = block + " max_headers " + std::to_string(limits.max_headers) + " line " +
                                std::to_string(limits.max_header_line_bytes) + " block " +
                                std::to_string(limits.max_header_bytes);
      HeaderCuts cuts;
      Headers want = ParseHeaderBlock(block, limits, &cuts);
      // As the message's own header (after an mbox "From " line, which is no field).
      Message top = ParseMessage("From a@example.com Mon Jan  5 10:00:00 2026\n" + block + "\nbody\n", limits);
      ExpectSameFields(top.parts[0].headers, want, "top: " + trace);
      ExpectSameFields(top.headers(), want, "top: " + trace);
      // As the header of a part of a multipart.
      Message multi = ParseMessage(
          "Content-Type: multipart/mixed; boundary=b\n\n--b\n" + block + "\nbody\n--b--\n", limits);
      ASSERT_GE(multi.parts.size(), 2u) << trace;
      ExpectSameFields(multi.parts[1].headers, want, "part: " + trace);
      EXPECT_EQ(HasProblem(multi, "the header of part 1: more than"), cuts.fields) << trace;
      EXPECT_EQ(HasProblem(multi, "the header of part 1: a field cut"), cuts.line) << trace;
    }
  }
}

TEST(MimeHeaderFields, FieldsMadeFinalOnReadAreTheBlockParsed) {
  // A part's fields are unfolded and decoded when first read: by Get, in any
  // order, on a copy, on a moved list, with fields added after.
  const std::string block =
      "Subject: =?utf-8?Q?caf=C3=A9?=\n folded on\nFrom: a@example.com\nX-Empty:\n"
      "X-Folded: one\n\ttwo\n  \nTo:  b@example.com \n";
  const Headers want = ParseHeaderBlock(block);
  Message m = ParseMessage(block + "\nbody\n");
  const Headers& h = m.headers();
  const std::string_view subject = h.Get("subject");
  EXPECT_EQ(subject, "caf\xc3\xa9 folded on");
  Headers copy = h;  // one field read, the others still as written
  EXPECT_EQ(copy.Get("x-folded"), "one two");
  Headers added = copy;
  added.Add("X-Added", std::string(300, 'a'));  // the buffer grows
  EXPECT_EQ(added.Get("to"), "b@example.com");
  EXPECT_EQ(added.Get("x-added"), std::string(300, 'a'));
  EXPECT_EQ(subject, "caf\xc3\xa9 folded on");  // a value read stays valid
  ExpectSameFields(h, want, "read once");
  ExpectSameFields(copy, want, "copy");
  Headers moved = std::move(copy);
  EXPECT_EQ(moved.Get("X-Empty"), "");
  ExpectSameFields(moved, want, "moved");
  ASSERT_EQ(added.size(), want.size() + 1);
  EXPECT_EQ(added.fields()[1].value, "a@example.com");
}

TEST(MimeHeaderFields, FieldsPastTheSixtyFourthAreMadeFinalOnRead) {
  // Which fields are still as written is kept in place for the first 64 and
  // in words beyond: each field, read in any order, is read once and right,
  // and a field added after the block's is taken as it is.
  constexpr int kFields = 150;  // two words past the first 64, the last one partly used
  std::string block;
  for (int i = 0; i < kFields; ++i) {
    block += "X-F" + std::to_string(i) + ": =?utf-8?Q?caf=C3=A9?= " + std::to_string(i) + "\n folded\n";
  }
  Message m = ParseMessage(block + "\nbody\n");
  Headers added = m.headers();
  added.Add("X-Late", "=?utf-8?Q?as_given?=");
  for (int i = kFields - 1; i >= 0; i -= 3) {
    EXPECT_EQ(m.headers().Get("x-f" + std::to_string(i)), "caf\xc3\xa9 " + std::to_string(i) + " folded") << i;
  }
  ASSERT_EQ(m.headers().size(), static_cast<size_t>(kFields));
  for (int i = 0; i < kFields; ++i) {
    EXPECT_EQ(m.headers().fields()[static_cast<size_t>(i)].value, "caf\xc3\xa9 " + std::to_string(i) + " folded") << i;
  }
  EXPECT_EQ(added.Get("X-Late"), "=?utf-8?Q?as_given?=");
  EXPECT_EQ(added.Get("X-F149"), "caf\xc3\xa9 149 folded");
  EXPECT_EQ(added.fields()[64].value, "caf\xc3\xa9 64 folded");
}

// The groups of a delivery-status text as the blank lines split them, each
// parsed by ParseHeaderBlock: what ParseFieldGroups gives reading the text once.
std::vector<Headers> GroupsOneByOne(std::string_view text, size_t max_groups, const Limits& limits,
                                    HeaderCuts* cuts) {
  std::vector<Headers> groups;
  internal::mime::LineReader lines(text);
  std::string_view line;
  size_t group_begin = std::string_view::npos;
  size_t group_end = 0;
  auto close_group = [&]() {
    if (group_begin == std::string_view::npos) return;
    Headers h = ParseHeaderBlock(text.substr(group_begin, group_end - group_begin), limits, cuts);
    group_begin = std::string_view::npos;
    if (!h.empty()) groups.push_back(std::move(h));
  };
  size_t line_begin = 0;
  while (groups.size() < max_groups && lines.Next(&line)) {
    size_t next = lines.position();
    if (internal::Trim(line).empty()) {
      close_group();
    } else {
      if (group_begin == std::string_view::npos) group_begin = line_begin;
      group_end = next;
    }
    line_begin = next;
  }
  if (groups.size() < max_groups) close_group();
  return groups;
}

TEST(MimeHeaderFields, FieldGroupsReadOnceAreTheGroupsParsedOneByOne) {
  const std::vector<std::string> texts = {
      "",
      "\n\n",
      "Reporting-MTA: dns; mx.example.com\nArrival-Date: Mon, 5 Jan 2026\n\n"
      "Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.1.1\n"
      "Diagnostic-Code: smtp; 550 5.1.1 <a@example.com>:\n    user unknown\n \t\n"
      "Final-Recipient: rfc822; b@example.com\nAction: delayed\nStatus: 4.4.1\n",
      "Reporting-MTA: dns; mx.example.com\r\n\r\nFinal-Recipient: rfc822; a@example.com\r\n"
      "Action: failed\r\nStatus: 5.0.0\r\n\r\n\r\nnot a field\r\n  its continuation\r\n",
      "Final-Recipient: rfc822; a@example.com\rAction: failed\r\rStatus: 5.0.0\rX-Long: "
      "=?utf-8?Q?caf=C3=A9?= 0123456789 0123456789 0123456789 0123456789",
      "  indented: first\nFinal-Recipient: rfc822; a@example.com\nX-1: 1\nX-2: 2\nX-3: 3\n\nX-4: 4\n",
  };
  Limits defaults;
  Limits few_fields;
  few_fields.max_headers = 2;
  Limits short_lines;
  short_lines.max_header_line_bytes = 12;
  std::vector<Limits> all = {defaults, few_fields, short_lines};
  for (size_t block = 1; block <= 90; block += 7) {  // cuts in names, values, line endings
    Limits short_block;
    short_block.max_header_bytes = block;
    all.push_back(short_block);
  }
  for (const Limits& limits : all) {
    for (const std::string& text : texts) {
      for (size_t max_groups : {size_t{1}, size_t{2}, size_t{1001}}) {
        const std::string trace = text + " max_headers " + std::to_string(limits.max_headers) + " line " +
                                  std::to_string(limits.max_header_line_bytes) + " block " +
                                  std::to_string(limits.max_header_bytes) + " groups " + std::to_string(max_groups);
        HeaderCuts want_cuts;
        std::vector<Headers> want = GroupsOneByOne(text, max_groups, limits, &want_cuts);
        HeaderCuts got_cuts;
        std::vector<Headers> got = ParseFieldGroups(text, max_groups, limits, &got_cuts);
        ASSERT_EQ(got.size(), want.size()) << trace;
        for (size_t i = 0; i < want.size(); ++i) ExpectSameFields(got[i], want[i], trace);
        EXPECT_EQ(got_cuts.block, want_cuts.block) << trace;
        EXPECT_EQ(got_cuts.fields, want_cuts.fields) << trace;
        EXPECT_EQ(got_cuts.line, want_cuts.line) << trace;
      }
    }
  }
}

}  // namespace
}  // namespace ndr
