// The one reading of SMTP text (src/smtp/reply_text.h): codes, multi-line
// replies, wrappers, commands, the rows of data/smtp_phrases.tsv, and that the
// extraction stage and the reason book read the same text alike. Every sample
// is written for this test.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/strings.h"
#include "knowledge/tsv.h"
#include "smtp/code_shapes.h"
#include "markers_fixture.h"
#include "ndr/finding.h"
#include "ndr/reasons.h"
#include "smtp/reply_text.h"

namespace ndr {
namespace {

using internal::NormalizeReply;
using internal::SmtpText;

const SmtpText& Smtp() {
  static const std::shared_ptr<const SmtpText> smtp = [] {
    std::string error;
    auto s = SmtpText::Load(&error);
    EXPECT_TRUE(s) << error;
    return s;
  }();
  return *smtp;
}

std::string StatusOf(std::string_view text) { return Smtp().FindCodes(text).status.ToString(); }
int ReplyOf(std::string_view text) { return Smtp().FindCodes(text).reply_code; }

// ---- the table ----------------------------------------------------------------

TEST(SmtpPhrases, EverySampleMatchesItsRow) {
  internal::TsvTable t;
  std::string error;
  ASSERT_TRUE(internal::LoadEmbeddedTsv("smtp_phrases.tsv", {"kind", "pattern", "command", "sample"}, &t, &error))
      << error;
  RE2::Options o;
  o.set_case_sensitive(false);
  for (const internal::TsvRow& row : t.rows) {
    std::string pattern(t.Cell(row, "pattern"));
    std::string sample(t.Cell(row, "sample"));
    std::string_view kind = t.Cell(row, "kind");
    SCOPED_TRACE(t.Where(row, sample));
    RE2 re(pattern, o);
    ASSERT_TRUE(re.ok());
    EXPECT_TRUE(RE2::PartialMatch(sample, re));
    if (kind == "command") {
      SmtpCommand expected;
      ASSERT_TRUE(ParseSmtpCommand(t.Cell(row, "command"), &expected));
      EXPECT_EQ(Smtp().FindCommand(sample), expected);
    } else if (kind == "keyword") {
      EXPECT_NE(ReplyOf(sample), 0);
    } else if (kind == "unit") {
      EXPECT_EQ(ReplyOf(sample), 0);
    } else {
      // Wrappers and prose are removed; the reply or the reason stays.
      std::string stripped = Smtp().StripWrappers(sample, nullptr);
      EXPECT_FALSE(RE2::PartialMatch(stripped, re)) << stripped;
      EXPECT_TRUE(stripped.find("No such user") != std::string::npos ||
                  stripped.find("Mailbox full") != std::string::npos ||
                  stripped.find("not recognized") != std::string::npos ||
                  stripped.find("not found") != std::string::npos ||
                  stripped.find("not listed") != std::string::npos)
          << stripped;
    }
  }
}

TEST(SmtpPhrases, BadRowsAreReportedWithTheirLine) {
  const std::string head = "# version: 1\nkind\tpattern\tcommand\tsample\n";
  std::string error;
  EXPECT_FALSE(SmtpText::FromTable("t.tsv", head + "verb\tx\t\tx\n", &error));
  EXPECT_NE(error.find("data/t.tsv:3: unknown kind"), std::string::npos) << error;
  EXPECT_FALSE(SmtpText::FromTable("t.tsv", head + "keyword\t(said\t\tsaid: 550 x\n", &error));
  EXPECT_NE(error.find("does not compile"), std::string::npos) << error;
  EXPECT_FALSE(SmtpText::FromTable("t.tsv", head + "command\tin reply to rcpt\tRCTP\tx\n", &error));
  EXPECT_NE(error.find("unknown command"), std::string::npos) << error;
  EXPECT_FALSE(SmtpText::FromTable("t.tsv", head + "wrapper\t(?P<server>x)\t\tx\n", &error));
  EXPECT_NE(error.find("unknown group name"), std::string::npos) << error;
  EXPECT_FALSE(SmtpText::FromTable("t.tsv", head + "prose\tsaid\t\t\n", &error));
  EXPECT_NE(error.find("must not be empty"), std::string::npos) << error;
  EXPECT_TRUE(SmtpText::FromTable("t.tsv", head + "keyword\tsaid:\t\tsaid: 550 x\n", &error)) << error;
}

// ---- codes --------------------------------------------------------------------

TEST(SmtpCodes, ReplyAndStatusTogether) {
  EXPECT_EQ(StatusOf("550 5.1.1 <jo@example.org> unknown"), "5.1.1");
  EXPECT_EQ(StatusOf("said: 550 #5.1.0 Address rejected"), "5.1.0");
  // The status of a multi-line reply's first line (it was lost before).
  EXPECT_EQ(StatusOf("550-5.1.1 The email account that you tried to reach does not exist."), "5.1.1");
  EXPECT_EQ(ReplyOf("550-5.1.1 The email account that you tried to reach does not exist."), 550);
  // Yahoo writes a colon after the reply code.
  EXPECT_EQ(ReplyOf("550: 5.2.2 <jo@example.org>... Mailbox Full"), 550);
  EXPECT_EQ(StatusOf("550: 5.2.2 <jo@example.org>... Mailbox Full"), "5.2.2");
  EXPECT_EQ(ReplyOf("550 Message rejected as spam"), 550);
  EXPECT_EQ(ReplyOf("550-Your message was rejected by this system"), 550);
}

// Codes that fill the text or end it exactly (the shape scans stop where a
// shape no longer fits), and a shape right after bytes that cannot start one.
TEST(SmtpCodes, CodesAtTheEdgesOfTheText) {
  EXPECT_EQ(ReplyOf("550"), 550);  // the whole text
  EXPECT_EQ(StatusOf("5.1.1"), "5.1.1");
  EXPECT_EQ(StatusOf("rejected 5.7.1"), "5.7.1");
  EXPECT_EQ(StatusOf("5.1"), "");
  EXPECT_EQ(ReplyOf("said: 554"), 554);
  EXPECT_EQ(ReplyOf("55"), 0);
  EXPECT_EQ(ReplyOf("999 550 x"), 550);
  EXPECT_EQ(StatusOf("9.9.9 4.4.7 expired"), "4.4.7");
}

TEST(SmtpCodes, CodesIntroducedByKeywords) {
  EXPECT_EQ(ReplyOf("Invalid Address, ERROR CODE :550, No such user"), 550);
  EXPECT_EQ(ReplyOf("Invalid Address, ERROR_CODE :550, ERROR_CODE :5.2.1 <a@b.example>... User Unknown"), 550);
  EXPECT_EQ(StatusOf("Invalid Address, ERROR_CODE :550, ERROR_CODE :5.2.1 <a@b.example>... User Unknown"), "5.2.1");
  EXPECT_EQ(ReplyOf("Status: 553 Mailbox name not allowed"), 553);
  EXPECT_EQ(ReplyOf("Unable to deliver [ResponseCode 421, Host not reachable.]"), 421);
  EXPECT_EQ(ReplyOf("The server responded <<< 554 Transaction failed"), 554);
  EXPECT_EQ(ReplyOf("Server mx.example.net[192.0.2.10] failed with: 550 No such user"), 550);
}

TEST(SmtpCodes, NeverFromNumbersThatAreNotCodes) {
  EXPECT_TRUE(Smtp().FindCodes("from 192.0.2.5.1 and 10.5.1.1").status.empty());
  EXPECT_TRUE(Smtp().FindCodes("version 5.1.10.2").status.empty());
  EXPECT_TRUE(Smtp().FindCodes("").status.empty());
  EXPECT_EQ(ReplyOf("connect to host:465: timed out"), 0);
  EXPECT_EQ(ReplyOf("at 2026-11-30 10:550:12 the queue ran"), 0);
  EXPECT_EQ(ReplyOf("message size 552 bytes exceeds 100"), 0);
  EXPECT_EQ(ReplyOf("retried for 450 minutes"), 0);
  // The unit test reads the first byte after the spaces, in either case.
  EXPECT_EQ(ReplyOf("message size 552   MB exceeds 100"), 0);
  EXPECT_EQ(ReplyOf("limit of 452 Recipients"), 0);
  EXPECT_EQ(ReplyOf("call 555-0100 today"), 0);
  EXPECT_EQ(ReplyOf("queue id 4A550B2C1 deferred"), 0);
  EXPECT_EQ(ReplyOf("5501 messages"), 0);
  // A success code alone only when it opens the text: not a version number.
  EXPECT_EQ(StatusOf("X-Mailer: Apple Mail (2.753.1)"), "");
  EXPECT_EQ(StatusOf("2.0.0 Ok: queued"), "2.0.0");
  // A plural unit only: "550 Message ..." is a reply, "452 messages" a count.
  EXPECT_EQ(ReplyOf("452 messages were sent"), 0);
}

// ---- multi-line replies -------------------------------------------------------

TEST(SmtpReply, NormalizeJoinsAllLines) {
  EXPECT_EQ(NormalizeReply("  550 5.1.1\n\t user   unknown \r\n"), "550 5.1.1 user unknown");
  EXPECT_EQ(NormalizeReply("550-5.7.1 a\n550-5.7.1 b\n550 5.7.1 c"), "550 5.7.1 a b c");
  EXPECT_EQ(NormalizeReply("550-5.7.26 This mail has an SPF record with a 550-5.7.26 hard fail "
                           "policy. 550 5.7.26 https://support.google.com/ x1 - gsmtp"),
            "550 5.7.26 This mail has an SPF record with a hard fail policy. https://support.google.com/ x1 - gsmtp");
  EXPECT_EQ(NormalizeReply("550-Mailbox unavailable 550-for this user 550 sorry"),
            "550 Mailbox unavailable for this user sorry");
  // Words before the first reply line stay; a number in the words stays.
  EXPECT_EQ(NormalizeReply("said: 550-5.7.1 a 550 5.7.1 b"), "said: 550 5.7.1 a b");
  EXPECT_EQ(NormalizeReply("550 too many (550 max) recipients"), "550 too many (550 max) recipients");
  EXPECT_EQ(NormalizeReply(""), "");
}

// The two scans FindCodes made before ForEachCodeShape found both kinds in
// one, kept as the reference: {begin, end} of every shape of one kind.
std::vector<std::pair<size_t, size_t>> ReferenceShapes(std::string_view text, bool status) {
  std::vector<std::pair<size_t, size_t>> out;
  auto digit = [&](size_t at) { return at < text.size() && text[at] >= '0' && text[at] <= '9'; };
  auto lead = [&](size_t at) { return text[at] == '2' || text[at] == '4' || text[at] == '5'; };
  size_t i = 0;
  while (out.size() < internal::kMaxCodeShapes && i + (status ? 4 : 2) < text.size()) {
    if (lead(i) && !status && digit(i + 1) && digit(i + 2)) {
      out.push_back({i, i + 3});
      i += 3;
      continue;
    }
    if (lead(i) && status && text[i + 1] == '.') {
      size_t middle = 0;
      while (middle < 4 && digit(i + 2 + middle)) ++middle;
      size_t dot = i + 2 + middle;
      if (middle >= 1 && middle <= 3 && dot < text.size() && text[dot] == '.') {
        size_t last = 0;
        while (last < 3 && digit(dot + 1 + last)) ++last;
        if (last >= 1) {
          out.push_back({i, dot + 1 + last});
          i = dot + 1 + last;
          continue;
        }
      }
    }
    ++i;
  }
  return out;
}

TEST(SmtpCodes, OneScanFindsTheShapesTheTwoScansFound) {
  auto check = [](const std::string& text) {
    std::vector<std::pair<size_t, size_t>> replies;
    std::vector<std::pair<size_t, size_t>> statuses;
    internal::ForEachCodeShape(
        text, [&](size_t begin) { replies.push_back({begin, begin + 3}); },
        [&](size_t begin, size_t end) { statuses.push_back({begin, end}); });
    EXPECT_EQ(replies, ReferenceShapes(text, false)) << text;
    EXPECT_EQ(statuses, ReferenceShapes(text, true)) << text;
  };
  for (const char* text : {"550 5.1.1 user unknown", "5.5.5.5.5 2555 4.4", "x 550-5.7.26 y (#5.1.1)", "55", "5.1.1",
                           "550", "", "421 4.7.0 at 12:45:00 from 192.0.2.5", "2.0.0 Ok 250 2.1.5"}) {
    check(text);
  }
  // Every length around the 16-byte steps of the lead scan, code bytes
  // anywhere; and more shapes than are looked at.
  const char bytes[] = "0123456789. a-:";
  std::mt19937 random(3);
  for (int n = 0; n < 20000; ++n) {
    std::string text(random() % 70, ' ');
    for (char& c : text) c = bytes[random() % (sizeof(bytes) - 1)];
    check(text);
  }
  std::string many;
  for (int k = 0; k < 300; ++k) many += "550 5.1.1 ";
  check(many);
  for (size_t n = 0; n < 40; ++n) {
    std::string text(n, 'x');
    for (size_t at = 0; at < n; ++at) {
      text[at] = '4';
      EXPECT_EQ(internal::NextCodeLead(text, 0, n), at);
      EXPECT_EQ(internal::NextCodeLead(text, at + 1, n), n);
      text[at] = 'x';
    }
  }
}

TEST(SmtpCodes, ATextWithoutACodeShapeGivesNoCode) {
  EXPECT_TRUE(internal::HasCodeShape("said: 550 no", false));
  EXPECT_TRUE(internal::HasCodeShape("x5.1.1", true));
  EXPECT_FALSE(internal::HasCodeShape("x5.1.1", false));
  EXPECT_FALSE(internal::HasCodeShape("3.1.1 on 12/31/99 at 10:30", true));
  EXPECT_FALSE(internal::HasCodeShape("55", true));
  EXPECT_TRUE(internal::HasCodeShape("1255", false));  // any place, also inside a number
  // Reports made of wrapper, prose and code pieces: without a shape in the
  // text, neither FindCodes nor ReadReply (which cuts and joins the text's
  // words) finds a code.
  const char* pieces[] = {"host mx.example.net[192.0.2.1] said: ", "ERROR CODE :550, ERROR CODE : ", "550-", "5.1.1 ",
                          "(in reply to RCPT TO command) ", "Remote Server returned '", "' ", "user unknown ", "\n",
                          "#5.0.0 smtp;", "> #SMTP#", "12:45 ", "2.0 ", "5", "0 ", "The response was: ", "4.", "4"};
  std::mt19937 random(11);
  int without = 0;
  for (int n = 0; n < 4000; ++n) {
    std::string text;
    int count = static_cast<int>(random() % 8) + 1;
    for (int k = 0; k < count; ++k) text += pieces[random() % (sizeof(pieces) / sizeof(pieces[0]))];
    SCOPED_TRACE(text);
    internal::ServerReply reply = Smtp().ReadReply(text);
    CodesInText codes = Smtp().FindCodes(text);
    if (!internal::HasCodeShape(text, false)) {
      ++without;
      ASSERT_EQ(reply.codes.reply_code, 0);
      ASSERT_EQ(codes.reply_code, 0);
    }
    if (!internal::HasCodeShape(text, true)) {
      ASSERT_TRUE(reply.codes.status.empty());
      ASSERT_TRUE(codes.status.empty());
    }
  }
  EXPECT_GT(without, 100);
}

// The byte-by-byte form NormalizeReply had before it joined lines in place
// (JoinReplyLines), kept as the reference the fast form must equal.
std::string ReferenceNormalizeReply(std::string_view raw) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  auto reply_at = [&](std::string_view t, size_t i) {
    return i + 3 <= t.size() && (t[i] == '2' || t[i] == '4' || t[i] == '5') && digit(t[i + 1]) && digit(t[i + 2]);
  };
  auto status_length = [&](std::string_view t, size_t pos) -> size_t {
    if (pos >= t.size() || (t[pos] != '2' && t[pos] != '4' && t[pos] != '5')) return 0;
    size_t i = pos + 1;
    for (int part = 0; part < 2; ++part) {
      if (i >= t.size() || t[i] != '.') return 0;
      size_t start = ++i;
      while (i < t.size() && digit(t[i]) && i - start < 3) ++i;
      if (i == start || (i < t.size() && digit(t[i]))) return 0;
    }
    return i - pos;
  };
  auto word_start = [](std::string_view t, size_t i) { return i == 0 || t[i - 1] == ' '; };
  std::string text = internal::Squeeze(raw);
  size_t first = std::string::npos;
  if (reply_at(text, 0) && text.size() > 3 && (text[3] == '-' || text[3] == ' ')) {
    first = 0;
  } else {
    for (size_t i = 1; i + 4 <= text.size(); ++i) {
      if (word_start(text, i) && reply_at(text, i) && text[i + 3] == '-' &&
          (i + 4 == text.size() || !digit(text[i + 4]) || status_length(text, i + 4) > 0)) {
        first = i;
        break;
      }
    }
  }
  if (first == std::string::npos) return text;
  bool multi_line = text[first + 3] == '-';
  std::string code = text.substr(first, 3);
  size_t length = status_length(text, first + 4);
  if (length > 0 && first + 4 + length < text.size() && text[first + 4 + length] != ' ') length = 0;
  std::string status = text.substr(first + 4, length);
  std::string out = text.substr(0, first) + code + " ";
  if (!status.empty()) out += status + " ";
  size_t body = first + 4 + (status.empty() ? 0 : status.size() + 1);
  std::string_view rest = body < text.size() ? std::string_view(text).substr(body) : std::string_view();
  size_t i = 0;
  while (i < rest.size()) {
    if (word_start(rest, i) && rest.compare(i, 3, code) == 0 && i + 3 < rest.size() &&
        (rest[i + 3] == '-' || rest[i + 3] == ' ')) {
      size_t j = i + 4;
      bool has_status = !status.empty() && rest.compare(j, status.size(), status) == 0 &&
                        (j + status.size() == rest.size() || rest[j + status.size()] == ' ');
      if (has_status || rest[i + 3] == '-' || (multi_line && status.empty())) {
        if (has_status) j += status.size();
        while (j < rest.size() && rest[j] == ' ') ++j;
        i = j;
        continue;
      }
    }
    out.push_back(rest[i]);
    ++i;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// A text squeezed already is taken as it is (told sixteen bytes at a time);
// any other white space, or a control byte, goes through the squeeze. Both
// give what squeezing every text gave, wherever in a sixteen-byte step the
// bytes fall.
TEST(SmtpReply, NormalizingASqueezedTextGivesWhatSqueezingItGave) {
  auto squeezed_and_joined = [](std::string_view text) {
    std::string s = internal::Squeeze(text);
    internal::JoinReplyLines(&s);
    return s;
  };
  const char bytes[] = {'a', 'b', '5', '0', ' ', ' ', ' ', '\t', '\n', '\r', '\x01', '\0', '-', '.', '\xc3'};
  std::mt19937 random(23);
  for (int n = 0; n < 20000; ++n) {
    std::string text(random() % 48, 'x');
    for (char& c : text) c = bytes[random() % sizeof(bytes)];
    SCOPED_TRACE(::testing::PrintToString(text));
    ASSERT_EQ(NormalizeReply(text), squeezed_and_joined(text));
  }
  for (size_t at = 0; at < 40; ++at) {  // two blanks, one blank or a tab at each place
    for (std::string_view gap : {"  ", " ", "\t", "\x01"}) {
      std::string text = std::string(at, 'w') + std::string(gap) + "550 5.1.1 user unknown";
      SCOPED_TRACE(::testing::PrintToString(text));
      EXPECT_EQ(NormalizeReply(text), squeezed_and_joined(text));
    }
  }
}

TEST(SmtpReply, JoiningInPlaceGivesWhatTheByteByByteFormGave) {
  const char* samples[] = {
      "550-5.7.1 a\n550-5.7.1 b\n550 5.7.1 c", "550-Mailbox unavailable 550-for this user 550 sorry",
      "said: 550-5.7.1 a 550 5.7.1 b", "550 too many (550 max) recipients", "550 5.1.1", "550 5.1.1 ",
      "550-550-550 x", "x 550-1234 y 550-5.1.1 z", "550- 550-", "421-4.7.0 a 421 4.7.0 b 421-4.7.0", "",
      "550 5.1.1x 550 5.1.1 y", "a 550-", "250-2.0.0 ok 250 2.0.0 ok 550 5.1.1 no",
  };
  for (const char* sample : samples) {
    SCOPED_TRACE(sample);
    EXPECT_EQ(NormalizeReply(sample), ReferenceNormalizeReply(sample));
  }
  // Texts made of code-like pieces in every order: the two forms agree, and
  // JoinReplyLines says whether it changed the text.
  const char* pieces[] = {"550", "550-", "550 ", "5.1.1", "5.1.1 ", "-", " ", "\n", "a", "word ", "4.2.2", "421-",
                          "421 ", "2.0.0", "55", "0", "5.7.26", "said: ", "(#5.1.1)", "550-5.1.1", "5501", "550-5.1.1 "};
  std::mt19937 random(8);
  for (int n = 0; n < 20000; ++n) {
    std::string text;
    int count = static_cast<int>(random() % 12) + 1;
    for (int k = 0; k < count; ++k) text += pieces[random() % (sizeof(pieces) / sizeof(pieces[0]))];
    SCOPED_TRACE(text);
    std::string expected = ReferenceNormalizeReply(text);
    ASSERT_EQ(NormalizeReply(text), expected);
    std::string joined = internal::Squeeze(text);
    const std::string squeezed = joined;
    ASSERT_EQ(internal::JoinReplyLines(&joined), squeezed != expected);
    ASSERT_EQ(joined, expected);
  }
}

TEST(SmtpReply, TheLineNamingTheBlockedAddressIsKept) {
  internal::ServerReply r = Smtp().ReadReply(
      "host mx.example.net[192.0.2.10] said: 550-5.7.1 Service unavailable; client\n"
      "    550-5.7.1 [198.51.100.7] blocked using zen.spamhaus.org\n"
      "    550 5.7.1 see https://www.spamhaus.org/query/ip/198.51.100.7 (in reply to RCPT TO command)");
  EXPECT_EQ(r.words,
            "550 5.7.1 Service unavailable; client [198.51.100.7] blocked using zen.spamhaus.org see "
            "https://www.spamhaus.org/query/ip/198.51.100.7");
  EXPECT_EQ(r.codes.reply_code, 550);
  EXPECT_EQ(r.codes.status.ToString(), "5.7.1");
  EXPECT_EQ(r.command, SmtpCommand::kRcpt);
  EXPECT_EQ(r.remote_host, "mx.example.net");
}

// ---- wrappers -----------------------------------------------------------------

struct WrapperCase {
  const char* text;
  const char* words;
  const char* host;
  SmtpCommand command;
};

TEST(SmtpReply, WrappersAreNotTheServersWords) {
  const WrapperCase cases[] = {
      {"host mx.example.net[192.0.2.10] said: 550 5.1.1 <jo@example.net>: Recipient address\n"
       "    rejected: User unknown (in reply to RCPT TO command)",
       "550 5.1.1 <jo@example.net>: Recipient address rejected: User unknown", "mx.example.net", SmtpCommand::kRcpt},
      {"SMTP error from remote mail server after RCPT TO:<jo@example.net>:\n"
       "    host mx.example.net [192.0.2.10]: 550 No such user here",
       "550 No such user here", "mx.example.net", SmtpCommand::kRcpt},
      {"host mx.example.net [192.0.2.10]\n    SMTP error from remote mail server after end of data:\n"
       "    550-Message rejected\n    550 as spam",
       "550 Message rejected as spam", "mx.example.net", SmtpCommand::kDataEnd},
      {"192.0.2.10 does not like recipient.\nRemote host said: 550 5.1.1 No mailbox here by that name",
       "550 5.1.1 No mailbox here by that name", "192.0.2.10", SmtpCommand::kRcpt},
      {"Technical details of permanent failure:\nGoogle tried to deliver your message, but it was rejected by "
       "the server for the recipient domain example.net by mx.example.net. [192.0.2.10].\n\n"
       "The error that the other server returned was:\n550 5.2.1 The account is disabled",
       "550 5.2.1 The account is disabled", "mx.example.net", SmtpCommand::kUnknown},
      {"Diagnostic information for administrators: Remote Server returned '550 5.1.10 "
       "RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'",
       "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup", "",
       SmtpCommand::kUnknown},
      {"#< #5.1.1 smtp;550 5.1.1 User unknown> #SMTP#", "550 5.1.1 User unknown", "", SmtpCommand::kUnknown},
      {"The e-mail account does not exist at the organization this message was sent to.\n"
       "<mx.example.net #5.1.1 smtp;550 5.1.1 <jo@example.net>... User unknown>",
       "550 5.1.1 <jo@example.net>... User unknown", "mx.example.net", SmtpCommand::kUnknown},
      {"5.1.0 - Unknown address error 550-'5.1.1 <jo@example.net>... User unknown' (delivery attempts: 0)",
       "550 5.1.1 <jo@example.net>... User unknown", "", SmtpCommand::kUnknown},
      {"smtp; 554 5.7.1 Rejected", "554 5.7.1 Rejected", "", SmtpCommand::kUnknown},
      {"on Mon, 30 Nov 2026 08:12:01 +0000\n  The recipient name is not recognized",
       "The recipient name is not recognized", "", SmtpCommand::kUnknown},
      {"mx.example.net [192.0.2.10] did not like our final DATA:\n554 5.7.1 Spam detected",
       "554 5.7.1 Spam detected", "mx.example.net", SmtpCommand::kDataEnd},
      // A status that closes the sentence keeps the words before it.
      {"Sorry, no mailbox here by that name. (#5.1.1)", "Sorry, no mailbox here by that name. (#5.1.1)", "",
       SmtpCommand::kUnknown},
  };
  for (const WrapperCase& c : cases) {
    SCOPED_TRACE(c.text);
    internal::ServerReply r = Smtp().ReadReply(c.text);
    EXPECT_EQ(r.words, c.words);
    EXPECT_EQ(r.remote_host, c.host);
    EXPECT_EQ(r.command, c.command);
    // The codes are those of the words (read once when the words are the text read).
    CodesInText codes = Smtp().FindCodes(r.words);
    EXPECT_EQ(r.codes.reply_code, codes.reply_code);
    EXPECT_EQ(r.codes.status.ToString(), codes.status.ToString());
    EXPECT_EQ(r.codes.code_start, codes.code_start);
    EXPECT_EQ(r.codes.text_start, codes.text_start);
  }
}

// A wrapper's reply has no length limit: a server's reply of a thousand
// characters (a long policy text) is still read out of its wrapper. (The rows
// once bounded it with {1,900}: RE2 compiles such a count as 900 copies, which
// cost a sixth of start-up and thousands of automaton states.)
TEST(SmtpReply, WrappersHoldRepliesOfAnyLength) {
  std::string policy;
  while (policy.size() < 1000) policy += " see the policy page of example.net for details";
  const std::string reply = "550 5.7.1 Rejected by policy:" + policy;
  const std::string texts[] = {
      "554 4.4.7 Message expired: unable to deliver in 90 minutes.<" + reply + ">",
      "mx.example.net #" + reply + " ##",
      "#< #5.7.1 smtp;" + reply + "> #SMTP#",
      "Reported error: " + reply + " DSN generated by: mx.example.org",
      "Could not be delivered because of " + reply + " The following recipients were affected: jo@example.net",
  };
  for (const std::string& text : texts) {
    SCOPED_TRACE(text.substr(0, 60));
    EXPECT_EQ(Smtp().ReadReply(text).words, reply);
  }
}

// Localized Exchange / Office 365 reports quote the reply inside a sentence of
// their language; only the quoted reply is the server's.
TEST(SmtpReply, LocalizedRemoteServerReturnedKeepsOnlyTheReply) {
  const char* const sentences[] = {
      "Remoteserver hat '550 5.1.1 User unknown' zurückgegeben",
      "Le serveur distant a retourné '550 5.1.1 User unknown'",
      "El servidor remoto devolvió '550 5.1.1 User unknown'",
      "Il server remoto ha restituito '550 5.1.1 User unknown'",
      "O servidor remoto retornou '550 5.1.1 User unknown'",
      "O servidor remoto devolveu '550 5.1.1 User unknown'",
      "Externe server heeft '550 5.1.1 User unknown' geretourneerd",
      "Serwer zdalny zwrócił '550 5.1.1 User unknown'",
      "Fjärrservern returnerade '550 5.1.1 User unknown'",
      "Удаленный сервер вернул '550 5.1.1 User unknown'",
      "Vzdálený server vrátil '550 5.1.1 User unknown'",
      "リモート サーバーから '550 5.1.1 User unknown' が返されました",
      "远程服务器返回“550 5.1.1 User unknown”",
      "원격 서버가 '550 5.1.1 User unknown'을(를) 반환했습니다",
  };
  for (const char* sentence : sentences) {
    SCOPED_TRACE(sentence);
    EXPECT_EQ(Smtp().ReadReply(sentence).words, "550 5.1.1 User unknown");
  }
}

TEST(SmtpReply, AReplyCodeOpeningALineIsAReply) {
  // The words of its block of lines stay: the local agent's line says why.
  internal::ServerReply r = Smtp().ReadReply(
      "(expanded from: <jo@example.net>)\n\n   ----- Transcript of session follows -----\n"
      "mail.local: unknown user: jo\n554 <jo@example.net>... Service unavailable\n");
  EXPECT_EQ(r.codes.reply_code, 554);
  EXPECT_EQ(r.words, "mail.local: unknown user: jo 554 <jo@example.net>... Service unavailable");
  // Not a number that merely starts a line inside a sentence's flow of words.
  EXPECT_EQ(Smtp().ReadReply("Your message of 2026\n450 minutes ago could not be sent").codes.reply_code, 0);
}

// command_of_words: set only when the words are the very text the command
// was looked for in, so that skipping a second FindCommand on them is exact.
TEST(SmtpReply, SaysWhenItsWordsAreTheTextTheCommandWasLookedFor) {
  const char* plain = "550 5.1.1 <jo@example.net>: Recipient address rejected: User unknown";
  internal::ServerReply r = Smtp().ReadReply(plain);
  EXPECT_TRUE(r.command_of_words);
  EXPECT_EQ(r.words, plain);
  EXPECT_EQ(Smtp().FindCommand(r.words), r.command);
  // Cut at the code, or stripped of a wrapper: other words than those searched.
  EXPECT_FALSE(Smtp().ReadReply("Delivery failed: 550 5.1.1 user unknown").command_of_words);
  internal::ServerReply wrapped = Smtp().ReadReply(
      "host mx.example.net[192.0.2.1] said: 550 5.1.1 user unknown (in reply to RCPT TO command)");
  EXPECT_FALSE(wrapped.command_of_words);
  EXPECT_EQ(wrapped.command, SmtpCommand::kRcpt);
  // Lines joined: "550-" prefixes go, so the words differ from the text.
  EXPECT_FALSE(Smtp().ReadReply("550-5.7.1 first line\n550 5.7.1 second line").command_of_words);
}

// FindCommand matches the command rows as one RE2::Set; ReadReply runs the
// rows the phrase prefilter lets through. Both name the first row in table
// order that matches, else a transcript's last ">>> CMD".
TEST(SmtpCommands, TheCommandSetAndThePrefilterNameTheSameCommand) {
  const char* texts[] = {
      "550 5.1.1 user unknown (in reply to RCPT TO command)",
      "SMTP error from remote mail server after end of data: 554 rejected (in reply to MAIL FROM command)",
      "host x said: 421 try later (in reply to end of DATA command)",
      "Connection to mx.example.net timed out while waiting for the greeting",
      "--> RCPT To:<jo@example.net> <-- 550 no such user",
      ">>> MAIL From:<a@example.org> <<< 250 ok >>> RCPT To:<jo@example.net> <<< 550 unknown",
      "en réponse à la commande RCPT",
      "550 5.1.1 user unknown",
      "",
  };
  for (const char* text : texts) {
    SCOPED_TRACE(text);
    EXPECT_EQ(Smtp().FindCommand(text), Smtp().ReadReply(text).command);
  }
  EXPECT_EQ(Smtp().FindCommand(texts[1]), SmtpCommand::kMail);  // "in reply to" rows come first
  EXPECT_EQ(Smtp().FindCommand(texts[5]), SmtpCommand::kRcpt);
  EXPECT_EQ(Smtp().FindCommand(texts[7]), SmtpCommand::kUnknown);
  // Two rows match: the first in table order names the command.
  const std::string head = "# version: 1\nkind\tpattern\tcommand\tsample\n";
  std::string error;
  auto smtp = SmtpText::FromTable(
      "t.tsv", head + "command\tafter mail\tMAIL\tafter mail\ncommand\tafter \\w+\tRCPT\tafter rcpt\n", &error);
  ASSERT_TRUE(smtp) << error;
  EXPECT_EQ(smtp->FindCommand("after rcpt, then after mail"), SmtpCommand::kMail);
  EXPECT_EQ(smtp->FindCommand("after rcpt"), SmtpCommand::kRcpt);
  EXPECT_EQ(smtp->FindCommand("before"), SmtpCommand::kUnknown);
}

TEST(SmtpReply, ReportProseIsNotTheServersWords) {
  EXPECT_EQ(Smtp().StripWrappers("This is the mail system at host mail.example.org.\n\nI'm sorry to have to "
                                 "inform you that your message could not\nbe delivered to one or more "
                                 "recipients. It's attached below.\n\nFor further assistance, please send "
                                 "mail to postmaster.",
                                 nullptr),
            "");
  // Removing the intro brings Postfix's "The mail system" heading to the start.
  EXPECT_EQ(Smtp().StripWrappers("This is the mail system at host mail.example.org.\n\n     The mail system\n",
                                 nullptr),
            "");
  EXPECT_EQ(Smtp().StripWrappers("----- Non-delivered information -----\nMailbox full", nullptr), "Mailbox full");
  EXPECT_EQ(Smtp().StripWrappers("   ----- Transcript of session follows -----\n550 5.1.1 No such user", nullptr),
            "550 5.1.1 No such user");
  // A heading left after the recipient's bracketed address ("[SMTP:jo@x]") goes too.
  EXPECT_EQ(Smtp().StripWrappers("] Reason: Mailbox full", nullptr), "Mailbox full");
  // A row that occurs more than once goes every time, wherever it stands.
  EXPECT_EQ(Smtp().StripWrappers("a ----- one -----\nb ----- two -----   c\t----- three ----- d", nullptr), "a b c d");
}

TEST(SmtpReply, RowsThatMatchNoWordsAreRemovedAsGlobalReplaceDoes) {
  // "-*" matches empty words everywhere: RE2::GlobalReplace's own steps
  // (a blank at every empty match, none right after a match) decide.
  const std::string head = "# version: 1\nkind\tpattern\tcommand\tsample\n";
  std::string error;
  auto smtp = SmtpText::FromTable("t.tsv", head + "prose\t-*\t\t---\n", &error);
  ASSERT_TRUE(smtp) << error;
  std::string expected = "ab --- c";
  RE2::GlobalReplace(&expected, "-*", " ");
  expected = internal::Squeeze(expected);
  EXPECT_EQ(expected, "a b c");
  EXPECT_EQ(smtp->StripWrappers("ab --- c", nullptr), expected);
}

// ---- one reading for both stages ----------------------------------------------

TEST(SmtpReading, ExtractorAndClassifierAgree) {
  std::string error;
  std::shared_ptr<const SmtpText> smtp = SmtpText::Load(&error);
  ASSERT_TRUE(smtp) << error;
  Extractor extractor(smtp, ndr_test::SharedMarkers());
  std::shared_ptr<const ReasonBook> book = ReasonBook::Load(smtp, &error);
  ASSERT_TRUE(book) << error;
  const char* texts[] = {
      "550-5.1.1 The email account that you tried to reach does not exist. Please try\n"
      "550-5.1.1 double-checking the recipient's email address for typos or\n"
      "550 5.1.1 unnecessary spaces. https://support.google.com/mail/?p=NoSuchUser - gsmtp",
      "550-5.7.1 [192.0.2.1] Our system has detected an unusual rate of\n550 5.7.1 unsolicited mail.",
      "550: 5.2.2 <jo@example.org>... Mailbox Full",
      "Invalid Address, ERROR CODE :550, No such user",
      "Status: 553 Mailbox name not allowed",
      "ResponseCode 421, Host not reachable.",
      "<<< 550 5.1.1 <jo@example.org>... User unknown",
      "Sorry, no mailbox here by that name. (#5.2.1)",
      "message size 552 bytes exceeds the limit",
      "421-4.7.0 Try again later\n421 4.7.0 closing connection",
      "connect to mx.example.net[192.0.2.10]:25: Connection refused",
  };
  for (const char* text : texts) {
    SCOPED_TRACE(text);
    CodesInText codes = extractor.FindCodes(text);
    ReasonBook::TextReading reading = book->Read(text);
    EXPECT_EQ(extractor.NormalizeReply(text), reading.words);
    EXPECT_EQ(codes.reply_code, reading.reply_code);
    EXPECT_EQ(codes.status.ToString(), reading.status.ToString());
  }
  // The status the classifier judges a plain-text multi-line reply by is the
  // one the record shows.
  EXPECT_EQ(book->Read(texts[0]).status.ToString(), "5.1.1");
}

}  // namespace
}  // namespace ndr
