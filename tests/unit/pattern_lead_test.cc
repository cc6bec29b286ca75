// Searching a phrase pattern from its literal lead (src/smtp/pattern_lead.h)
// gives RE2's unanchored answer: the same match, the same groups, on texts
// written for this test and on every row of data/smtp_phrases.tsv.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <string>
#include <vector>

#include "core/strings.h"
#include "knowledge/tsv.h"
#include "smtp/pattern_lead.h"

namespace ndr {
namespace {

using internal::LeadOf;
using internal::MatchFromLead;
using internal::PatternLead;

RE2::Options Insensitive() {
  RE2::Options o;
  o.set_case_sensitive(false);
  o.set_log_errors(false);
  return o;
}

TEST(PatternLead, TheLiteralWordsAMatchBeginsWith) {
  EXPECT_EQ(LeadOf("Remote host said:").words, "remote host said:");
  EXPECT_TRUE(LeadOf("Remote host said:").whole);
  EXPECT_EQ(LeadOf("See the details below\\.").words, "see the details below.");
  EXPECT_TRUE(LeadOf("See the details below\\.").whole);
  // Up to a group, a class, a quantified character or an escape that is no character.
  EXPECT_EQ(LeadOf("host (?P<host>[^ ]+) said:").words, "host ");
  EXPECT_FALSE(LeadOf("host (?P<host>[^ ]+) said:").whole);
  EXPECT_EQ(LeadOf("Delivery failed for recipients?").words, "delivery failed for recipient");
  EXPECT_FALSE(LeadOf("Delivery failed for recipients?").whole);
  EXPECT_EQ(LeadOf("in reply to rcpt\\b").words, "in reply to rcpt");
  EXPECT_EQ(LeadOf("\\(in reply to [^()]+\\)").words, "(in reply to ");
  EXPECT_EQ(LeadOf("Your message To: .{1,20} ok").words, "your message to: ");
  // None: an anchor or a group first, an alternative at the top, too short a lead.
  EXPECT_EQ(LeadOf("^Reason: ").words, "");
  EXPECT_EQ(LeadOf("(?:after|during) data").words, "");
  EXPECT_EQ(LeadOf("during data|after data").words, "");
  EXPECT_EQ(LeadOf("-{10,}").words, "");
  EXPECT_EQ(LeadOf("at \\S+").words, "");
  EXPECT_EQ(LeadOf("Fjärrservern returnerade").words, "");  // stops at the first non-ASCII byte: too short
}

// MatchFromLead against RE2's own unanchored search of the same pattern.
void ExpectSameAnswer(const std::string& pattern, const std::string& text, size_t from = 0) {
  SCOPED_TRACE(pattern + "  <-  " + text);
  RE2 re(pattern, Insensitive());
  ASSERT_TRUE(re.ok());
  const PatternLead lead = LeadOf(pattern);
  const int n = 1 + re.NumberOfCapturingGroups();
  std::vector<re2::StringPiece> want(static_cast<size_t>(n));
  std::vector<re2::StringPiece> got(static_cast<size_t>(n));
  const re2::StringPiece input(text.data(), text.size());
  const bool want_match = re.Match(input, from, text.size(), RE2::UNANCHORED, want.data(), n);
  const bool ascii = internal::IsAscii(text);
  ASSERT_EQ(MatchFromLead(re, lead, text, from, ascii, got.data(), n), want_match);
  EXPECT_EQ(MatchFromLead(re, lead, text, from, ascii, nullptr, 0), want_match);
  if (!want_match) return;
  for (int i = 0; i < n; ++i) {
    EXPECT_EQ(got[i].data(), want[i].data()) << "group " << i;
    EXPECT_EQ(got[i].size(), want[i].size()) << "group " << i;
  }
}

TEST(PatternLead, SearchingFromTheLeadGivesRe2sMatch) {
  const std::vector<std::string> patterns = {
      "Remote host said:",
      "host (?P<host>[a-z.]+) said:",
      "Delivery failed for recipients?:?",
      "in reply to (?:the )?rcpt\\b",
      "The response was: ?(?P<reply>.+)",
      "Remote Server returned '(?P<reply>[^']*)'",
      "Could not deliver because of (?P<reply>.{1,40}?) The following",
      "Warning: still undelivered after [0-9]+ (?:hours?|days?)\\.?",
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
  };
  for (const std::string& pattern : patterns) {
    for (const std::string& text : texts) {
      ExpectSameAnswer(pattern, text);
      if (text.size() > 5) ExpectSameAnswer(pattern, text, 5);
    }
  }
}

TEST(PatternLead, EveryPhraseRowGivesRe2sMatchOnItsSample) {
  internal::TsvTable t;
  std::string error;
  ASSERT_TRUE(internal::LoadEmbeddedTsv("smtp_phrases.tsv", {"kind", "pattern", "command", "sample"}, &t, &error))
      << error;
  for (const internal::TsvRow& row : t.rows) {
    const std::string pattern(t.Cell(row, "pattern"));
    const std::string sample(t.Cell(row, "sample"));
    // The sample, twice, in other words, cut short, and in capitals.
    std::string upper = sample;
    for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
    const std::vector<std::string> texts = {sample, "Report: " + sample + " -- " + sample,
                                            sample.substr(0, sample.size() / 2), sample.substr(1), upper,
                                            "nothing of the kind"};
    for (const std::string& text : texts) {
      ExpectSameAnswer(pattern, text);
    }
  }
}

}  // namespace
}  // namespace ndr
