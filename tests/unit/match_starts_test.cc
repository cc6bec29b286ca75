// Searching a pattern from the literal words its matches begin with
// (src/knowledge/match_starts.h) gives RE2's unanchored answer: the same
// match, the same groups, on texts written for this test and on every row of
// data/smtp_phrases.tsv and data/reason_rules.tsv.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <random>
#include <string>
#include <vector>

#include "core/strings.h"
#include "knowledge/match_starts.h"
#include "knowledge/tsv.h"

namespace ndr {
namespace {

using internal::MatchStarts;
using Words = std::vector<std::string>;

RE2::Options Insensitive() {
  RE2::Options o;
  o.set_case_sensitive(false);
  o.set_log_errors(false);
  return o;
}

TEST(MatchStarts, TheLiteralWordsAMatchBeginsWith) {
  EXPECT_EQ(MatchStarts("Remote host said:").words(), Words{"remote host said:"});
  EXPECT_TRUE(MatchStarts("Remote host said:").complete());
  EXPECT_EQ(MatchStarts("See the details below\\.").words(), Words{"see the details below."});
  EXPECT_TRUE(MatchStarts("See the details below\\.").complete());
  // Up to the first thing that is not a finite set of words.
  EXPECT_EQ(MatchStarts("host (?P<host>[^ ]+) said:").words(), Words{"host "});
  EXPECT_FALSE(MatchStarts("host (?P<host>[^ ]+) said:").complete());
  EXPECT_EQ(MatchStarts("Your message To: .{1,20} ok").words(), Words{"your message to: "});
  EXPECT_EQ(MatchStarts("\\(in reply to [^()]+\\)").words(), Words{"(in reply to "});
  // Optional characters and groups, alternatives, small classes.
  EXPECT_EQ(MatchStarts("Delivery failed for recipients?").words(),
            (Words{"delivery failed for recipient", "delivery failed for recipients"}));
  EXPECT_TRUE(MatchStarts("Delivery failed for recipients?").complete());
  EXPECT_EQ(MatchStarts("(?:after|during) data").words(), (Words{"after data", "during data"}));
  EXPECT_EQ(MatchStarts("during data|after data").words(), (Words{"after data", "during data"}));
  EXPECT_EQ(MatchStarts("e-?mail (is )?gone").words(), (Words{"e-mail gone", "e-mail is gone", "email gone", "email is gone"}));
  EXPECT_EQ(MatchStarts("gr[ae]y[- ]?list").words(), (Words{"gray list", "gray-list", "graylist", "grey list", "grey-list", "greylist"}));
  // Zero-width assertions are stepped over: the anchored run checks them.
  EXPECT_EQ(MatchStarts("\\bmail ?box\\b|^inbox full$").words(), (Words{"inbox full", "mail box", "mailbox"}));
  EXPECT_TRUE(MatchStarts("\\bmailbox\\b").complete());
  EXPECT_FALSE(MatchStarts("mailbox \\S+").complete());
  EXPECT_EQ(MatchStarts("user|username|users?").words(), (Words{"user", "username", "users"}));
  // No starts: a short or open start, a flag group, a repeat, a range, a non-ASCII letter.
  EXPECT_EQ(MatchStarts("^Reason: ").words(), Words{"reason: "});
  EXPECT_TRUE(MatchStarts("in|into the void").words().empty());
  EXPECT_TRUE(MatchStarts("-{10,}").words().empty());
  EXPECT_TRUE(MatchStarts("at \\S+").words().empty());
  EXPECT_TRUE(MatchStarts("(?i)mailbox").words().empty());
  EXPECT_TRUE(MatchStarts("[a-z]+ unknown").words().empty());
  EXPECT_TRUE(MatchStarts("[^@]mailbox").words().empty());
  // A non-ASCII letter is a way no ASCII text takes (only those are searched by words).
  EXPECT_EQ(MatchStarts("r(\xc3\xbc|ue)ckl(\xc3\xa4|ae)ufer").words(), Words{"ruecklaeufer"});
  EXPECT_TRUE(MatchStarts("Fj\xc3\xa4rrservern returnerade").words().empty());
  EXPECT_TRUE(MatchStarts("Fj\xc3\xa4rrservern returnerade").complete());
  // ... but RE2 matches the Kelvin sign and the long s with 'k' and 's'.
  EXPECT_FALSE(MatchStarts("\xe2\x84\xaa" "elvin bounce").complete());
  EXPECT_TRUE(MatchStarts("(unbalanced|group").words().empty());
  EXPECT_TRUE(MatchStarts("stray) paren").words().empty());
}

// MatchStarts::Match against RE2's own unanchored search of the same pattern.
void ExpectSameAnswer(const RE2& re, const MatchStarts& starts, const std::string& text, size_t from = 0) {
  SCOPED_TRACE(re.pattern() + "  <-  " + text);
  const int n = 1 + re.NumberOfCapturingGroups();
  std::vector<re2::StringPiece> want(static_cast<size_t>(n));
  std::vector<re2::StringPiece> got(static_cast<size_t>(n));
  const re2::StringPiece input(text.data(), text.size());
  const bool want_match = re.Match(input, from, text.size(), RE2::UNANCHORED, want.data(), n);
  const bool ascii = internal::IsAscii(text);
  ASSERT_EQ(starts.Match(re, text, from, ascii, got.data(), n), want_match);
  EXPECT_EQ(starts.Match(re, text, from, ascii, nullptr, 0), want_match);
  if (starts.complete() && ascii && from == 0) EXPECT_EQ(starts.FoundIn(text), want_match);
  if (!want_match) return;
  for (int i = 0; i < n; ++i) {
    EXPECT_EQ(got[i].data(), want[i].data()) << "group " << i;
    EXPECT_EQ(got[i].size(), want[i].size()) << "group " << i;
  }
}

TEST(MatchStarts, SearchingFromTheStartsGivesRe2sMatch) {
  const std::vector<std::string> patterns = {
      "Remote host said:",
      "host (?P<host>[a-z.]+) said:",
      "Delivery failed for recipients?:?",
      "in reply to (?:the )?rcpt\\b",
      "The response was: ?(?P<reply>.+)",
      "Remote Server returned '(?P<reply>[^']*)'",
      "Could not deliver because of (?P<reply>.{1,40}?) The following",
      "Warning: still undelivered after [0-9]+ (?:hours?|days?)\\.?",
      "\\b(user|recipient|mail ?box)( name)? (is )?(unknown|not found)\\b",
      "^(bounced|undeliverable): (?P<reply>.*)$",
      "\\bgr[ae]y[- ]?list(ed|ing)?\\b|\\btry again later\\b",
      "(host|domain) (?:not found|unknown)|\\bno such (host|domain)",
      "mail|mailbox",
      "mailbox|mail",
      "\\bmail(box)?? full",
      "\\Bbox\\b|box( is)? full$",
      "(abcd|abcdef)(gh|efgh)",
      "\\A(?:bounce|undeliverable)d?\\b",
      "r(\xc3\xbc|ue)ckl(\xc3\xa4|ae)ufer",
      "(\xc3\xa9|e)chec de (la )?remise",
      "nelze doru[c\xc4\x8d]it",
      "\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab|\xe9\x85\x8d\xe4\xbf\xa1",
      "\xe2\x84\xaa" "elvin bounce|mail\xc5\xbf" "ystem",
      // Ends and starts the byte tests read.
      "<(?P<reply>[245][0-9][0-9][ -][^<>]{1,40})>$",
      "^on [0-9]{1,2}/[0-9]+ wrote:",
      "^(?:on|at) (?:[a-z]{3}, )?[0-9]",
      "x\\.$|y\\z",
      "ok\\\\$",
      "said k$",
      "\\pL$",
      "a\\x41$",
      "ab?$",
      "[>)]$",
      "(?m)no>$",
  };
  const std::vector<std::string> texts = {
      "",
      "remote host said: 550 no such user",
      "x REMOTE HOST SAID: 550 no such user; Remote host said: again",
      "Remote host sai",
      "host a.example said: 550 no host b.example said: 451 later",
      "host 10.0.0.1 said: 550 (no name) host mx.example said: 550 ok",
      "hosthost mx.example said: 550",
      "Delivery failed for recipients: jo; delivery failed for recipient",
      "Delivery failed for recipient",
      "550 in reply to the rcpt command; in reply to rcpt",
      "in reply to rcpts, in reply to RCPT TO",
      "The response was: The response was: 550 twice",
      "the response was:",
      "Remote Server returned '550 5.1.1 no such user' Remote Server returned ''",
      "Remote Server returned '550 unterminated",
      "Could not deliver because of Could not deliver because of quota The following",
      "Could not deliver because of a reason far too long to fit in forty bytes at all The following",
      "Warning: still undelivered after 4 hours. warning: still undelivered after 2 days",
      "Warning: still undelivered after hours",
      // RE2 folds 'k' and 's' with the Kelvin sign and the long s: such texts keep RE2's own search.
      "Remote ho\xc5\xbf" "t said: 550 no",
      "Remote host \xc5\xbf" "aid: 550",
      "550 User unknown; mailbox unknown",
      "user name is unknown, username unknown, xuser unknown, mail box not found",
      "MAILBOX IS NOT FOUND",
      "Bounced: 550 nope",
      "x Bounced: 550 nope",
      "greylisted, try again later; grey-listing",
      "graylist",
      "no such domain; host not found",
      "a mailbox",
      "\xc3\xa4 user unknown \xc3\xa4",
      "mail full; mailbox full; MAILBOX FULL",
      "mailbox is full",
      "inbox is full, box full",
      "abcdefgh abcdgh",
      "bounced: undeliverable",
      "undeliverabled, bounce",
      "RUECKLAEUFER: Rueckl\xc3\xa4ufer",
      "echec de la remise; \xc3\xa9" "chec de remise",
      "nelze dorucit",
      "kelvin bounce; mailsystem",
      "KELVIN BOUNCE",
      "<550 5.1.1 no such user>",
      "<550 no>\n",
      "x <550 no> y",
      "on 1/2 wrote: ON 3/4 WROTE:",
      "xon 1/2 wrote:",
      "At Mon, 5 May; at 6",
      "ends in x.",
      "ends in y",
      "ends in Y\n",
      "ok\\",
      "said K",
      "said \xe2\x84\xaa",
      "grade \xc3\x89",
      "aA",
      "ab",
      "a",
      "(no>)",
      "no>\nyes",
  };
  for (const std::string& pattern : patterns) {
    const RE2 re(pattern, Insensitive());
    ASSERT_TRUE(re.ok()) << pattern;
    const MatchStarts starts(pattern);
    for (const std::string& text : texts) {
      ExpectSameAnswer(re, starts, text);
      if (text.size() > 5) ExpectSameAnswer(re, starts, text, 5);
    }
  }
}

// The places a match may begin are found sixteen at a time by the words'
// first two bytes (few pairs), their first bytes (few first bytes), or byte
// by byte (many): every place is found, in either case, at every offset of
// a block and in the last, overlapping one, and none before `from`. The
// bytes around the words differ from theirs only in the 0x20 bit ('@' for
// '`', '\r' for '-', DEL for '_', capitals), which the block test lets
// through.
TEST(MatchStarts, EveryPlaceIsFoundInBlocksOfSixteen) {
  std::string many_pairs;  // seventeen words of one first byte, other second bytes
  std::string many_firsts;  // seventeen words of other first bytes
  for (char c = 'a'; c < 'a' + 17; ++c) {
    many_pairs += std::string(many_pairs.empty() ? "" : "|") + "`" + c + "-x";
    many_firsts += std::string(many_firsts.empty() ? "" : "|") + c + "`-x";
  }
  const std::vector<std::string> patterns = {"`a-x", "`a-x(?P<tail>[0-9]*)", "`a-x|mail", "@_ok", many_pairs, many_firsts};
  const std::string near = "@A\rX @a-X `A\rx @@\r\r `q\rx `\x7fok";  // near misses of each word
  for (const std::string& pattern : patterns) {
    const RE2 re(pattern, Insensitive());
    ASSERT_TRUE(re.ok()) << pattern;
    const MatchStarts starts(pattern);
    ASSERT_FALSE(starts.words().empty()) << pattern;
    for (const std::string word : {"`a-x", "`A-X12", "`Q-X", "q`-x", "Mail", "@_OK"}) {
      for (size_t length = 4; length <= 52; ++length) {
        for (size_t at = 0; at + word.size() <= length; ++at) {
          std::string text;
          while (text.size() < length) text += near;
          text.resize(length);
          text.replace(at, word.size(), word);
          ExpectSameAnswer(re, starts, text);
          for (size_t from : {at, at + 1, length > 20 ? length - 20 : 1}) {
            if (from <= length) ExpectSameAnswer(re, starts, text, from);
          }
        }
      }
    }
  }
}

// Keys of too many first bytes and pairs for the blocks of sixteen: a place
// is looked up only when its first two bytes are a key's, in either case;
// bytes that differ from those in the 0x20 bit or above the low six bits
// ('0' for 'p', '\x10' for '0') are no key, and each key is still found.
TEST(MatchStarts, ManyKeysAreFoundByTheirFirstTwoBytes) {
  std::string pattern;
  std::vector<std::string> words;
  for (char c = 'a'; c < 'a' + 20; ++c) {
    words.push_back(std::string(1, c) + static_cast<char>('z' - (c - 'a')) + "-key");
    words.push_back(std::string(1, c) + "0-key");
  }
  for (const std::string& word : words) pattern += (pattern.empty() ? "" : "|") + word;
  const RE2 re(pattern, Insensitive());
  ASSERT_TRUE(re.ok());
  const MatchStarts starts(pattern);
  ASSERT_TRUE(starts.complete());
  const std::string near = "p\x10-key PZ-KEY a0-kex \x01z-key ";  // near misses, none a word
  for (const std::string& word : {words[0], words[7], words[39], std::string("T\x30-KEY"), std::string("BY-key")}) {
    for (size_t at = 0; at < 40; at += 3) {
      std::string text;
      while (text.size() < 48) text += near;
      ExpectSameAnswer(re, starts, text);
      text.replace(at, word.size(), word);
      ExpectSameAnswer(re, starts, text);
      ExpectSameAnswer(re, starts, text.substr(0, at + word.size()));
    }
  }
}

// A path's eight bytes after its key are read lowered, in one word when the
// text has them all: capitals match, and a byte that differs from the word's
// in its 0x20 bit alone but is no letter ('`' for '@', '\r' for '-') does
// not; words that end within those eight bytes, or with the text, too.
TEST(MatchStarts, TheBytesAfterTheKeyAreReadLowered) {
  const std::vector<std::string> patterns = {"mailer-daemon@", "mail-to@x|mail-to", "postmaster\\b", "abcd@-efgh@-ijkl"};
  const std::vector<std::string> texts = {"MAILER-DAEMON@", "Mailer-Daemon`", "mailer\rdaemon@", "MAIL-TO@X", "mail-to`x",
                                          "POSTMASTER", "postmasters", "ABCD@-EFGH@-IJKL", "abcd`-efgh@-ijkl",
                                          "abcd@-efgh`-ijkl", "abcd@-efgh@-ijkL"};
  for (const std::string& pattern : patterns) {
    const RE2 re(pattern, Insensitive());
    ASSERT_TRUE(re.ok()) << pattern;
    const MatchStarts starts(pattern);
    ASSERT_TRUE(starts.complete()) << pattern;
    for (const std::string& word : texts) {
      for (size_t cut = 4; cut <= word.size(); ++cut) {
        ExpectSameAnswer(re, starts, word.substr(0, cut));
        ExpectSameAnswer(re, starts, "x " + word.substr(0, cut) + " and more text after it");
      }
    }
  }
}

// The byte tests turn away texts that cannot hold a match, and only those
// (SearchingFromTheStartsGivesRe2sMatch compares Match's answers with RE2's).
TEST(MatchStarts, ByteTestsTurnAwayTextsThatCannotMatch) {
  const MatchStarts ends("<(?P<reply>[0-9]+[^<>]*)>$");
  EXPECT_FALSE(ends.MayMatch("<550 no> and more", 0, true));
  EXPECT_FALSE(ends.MayMatch("", 0, true));
  EXPECT_TRUE(ends.MayMatch("x <550 no>", 0, true));
  EXPECT_TRUE(ends.MayMatch("x <550 n\xc3\xb6>", 0, false));  // any text: the last byte decides
  // Either case; the Kelvin sign ends in a byte RE2 folds with 'k'.
  const MatchStarts letter("said k$|said x\\z");
  EXPECT_TRUE(letter.MayMatch("SAID K", 0, true));
  EXPECT_TRUE(letter.MayMatch("said \xe2\x84\xaa", 0, false));
  EXPECT_FALSE(letter.MayMatch("said y", 0, true));
  // No test where the end is not one literal, or '$' may end a line.
  EXPECT_TRUE(MatchStarts("<[^>]*>?$").MayMatch("<x", 0, true));
  EXPECT_TRUE(MatchStarts("(?m)x>$").MayMatch("x>\ny", 0, true));
  EXPECT_TRUE(MatchStarts("x>$|y").MayMatch("y z", 0, true));

  const MatchStarts starts("^on (?:[a-z]{3}, )?[0-9]{1,2} [a-z]{3}");
  EXPECT_TRUE(starts.MayMatch("On Mon, 5 May", 0, true));
  EXPECT_FALSE(starts.MayMatch("x On 5 May", 0, true));
  EXPECT_FALSE(starts.MayMatch("On 5 May", 1, true));  // '^' is the text's start, not the search's
  EXPECT_FALSE(starts.MayMatch("o", 0, true));
  EXPECT_TRUE(starts.MayMatch("\xc3\xb6 x", 0, false));  // non-ASCII texts: RE2 decides
  EXPECT_TRUE(MatchStarts("^\\s*on").MayMatch("  x", 0, true));  // no word after '^'
  EXPECT_TRUE(MatchStarts("^on|at").MayMatch("cat", 0, true));     // not every way at the start

  // Many ways, of several first bytes, some beginning others: each is found.
  const MatchStarts ways("^,? ?(?:could not|couldn'?t|cannot|was not|has not been) (?:be )?delivered\\.?");
  for (const char* text : {",could not delivered", ", couldnt be delivered.", " cannot delivered x",
                           "Was not be delivered", "HAS NOT BEEN delivered", "couldn't delivered"}) {
    EXPECT_TRUE(ways.MayMatch(text, 0, true)) << text;
  }
  for (const char* text : {"could not be", "x could not delivered", ";could not delivered", "has not delivered", ""}) {
    EXPECT_FALSE(ways.MayMatch(text, 0, true)) << text;
  }
}

// Every pattern of a table against its sample: the sample alone, twice in
// other words, cut short, without its first byte, in capitals; and texts
// spliced from pieces of all the table's samples (seeded: the same each run).
void ExpectSameAnswerOnTable(const char* table, const char* column = "pattern") {
  SCOPED_TRACE(table);
  internal::TsvTable t;
  std::string error;
  ASSERT_TRUE(internal::LoadEmbeddedTsv(table, {column, "sample"}, &t, &error)) << error;
  std::vector<std::string> samples;
  for (const internal::TsvRow& row : t.rows) samples.emplace_back(t.Cell(row, "sample"));
  std::mt19937 random(20261201);
  auto piece = [&]() {
    const std::string& s = samples[random() % samples.size()];
    const size_t from = s.empty() ? 0 : random() % s.size();
    return s.substr(from, random() % 40);
  };
  size_t with_starts = 0;
  for (const internal::TsvRow& row : t.rows) {
    const std::string pattern(t.Cell(row, column));
    if (pattern.empty()) continue;
    const std::string sample(t.Cell(row, "sample"));
    const RE2 re(pattern, Insensitive());
    ASSERT_TRUE(re.ok()) << pattern;
    const MatchStarts starts(pattern);
    if (!starts.words().empty()) ++with_starts;
    std::string upper = sample;
    for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
    std::vector<std::string> texts = {sample, "Report: " + sample + " -- " + sample,
                                      sample.substr(0, sample.size() / 2), sample.substr(1), upper,
                                      "nothing of the kind"};
    for (int k = 0; k < 20; ++k) texts.push_back(piece() + " " + piece() + sample.substr(0, random() % (sample.size() + 1)) + piece());
    for (const std::string& text : texts) {
      ExpectSameAnswer(re, starts, text);
    }
  }
  EXPECT_GT(with_starts, 0u);  // the table's rows do take the new path
}

TEST(MatchStarts, EveryPhraseRowGivesRe2sMatch) { ExpectSameAnswerOnTable("smtp_phrases.tsv"); }
TEST(MatchStarts, EveryReasonRuleGivesRe2sMatch) { ExpectSameAnswerOnTable("reason_rules.tsv"); }
TEST(MatchStarts, EveryBlocklistGivesRe2sMatch) { ExpectSameAnswerOnTable("blocklists.tsv"); }
TEST(MatchStarts, EveryLogPrefilterGivesRe2sMatch) { ExpectSameAnswerOnTable("log_formats.tsv", "prefilter"); }

}  // namespace
}  // namespace ndr
