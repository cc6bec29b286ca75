// Every row of data/bounce_markers.tsv is a rule: its sample (a line we
// wrote) must be recognised as that kind of marker, in both rule scopes when
// the row is generic.
#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <re2/re2.h>
#include <re2/set.h>

#include "bounce/markers.h"
#include "knowledge/tsv.h"
#include "markers_fixture.h"
#include "ndr/message.h"

namespace ndr {
namespace {

using internal::BounceMarkers;
using internal::MarkerKind;

TEST(BounceMarkers, TableCompilesInBothScopes) {
  for (RuleScope rules : {RuleScope::kAll, RuleScope::kGeneric}) {
    std::string error;
    auto markers = BounceMarkers::Load(rules, &error);
    ASSERT_NE(markers, nullptr) << error;
    EXPECT_EQ(markers->rules(), rules);
  }
}

// True when `sample` is recognized as a marker of that `where`.
bool SampleMatches(const BounceMarkers& markers, const std::string& where, const std::string& sample) {
  for (int i = 0; i < internal::kMarkerKinds; ++i) {
    MarkerKind kind = static_cast<MarkerKind>(i);
    if (internal::MarkerKindName(kind) != where) continue;
    switch (kind) {
      case MarkerKind::kOriginal:
        return markers.FindOriginalStart("Some report text.\n" + sample + "\nFrom: a@example.com\n") ==
               std::string("Some report text.\n").size();
      case MarkerKind::kHeader:
      case MarkerKind::kBulkHeader:
      case MarkerKind::kAutoReplyHeader:
      case MarkerKind::kAutoReplySign:
        return markers.MatchesHeader(ParseHeaderBlock(sample + "\n"), kind);
      case MarkerKind::kRecipient:
        return !markers.FindRecipientPhrases(sample).empty();
      case MarkerKind::kBareRecipient:
      case MarkerKind::kReportingHost:
      case MarkerKind::kExpandedFrom:
      case MarkerKind::kVerp:
        return !markers.FindCaptures(kind, sample).empty();
      case MarkerKind::kRecipientList:
        return markers.FindRecipientLists("Hi.\n" + sample + "\nkim\n") ==
               std::vector<size_t>{std::string("Hi.\n").size() + sample.size() + 1};
      case MarkerKind::kReplyHeading:
        return markers.FindReplyHeadings("Hi.\n" + sample + "\n550 No such user\n") ==
               std::vector<size_t>{std::string("Hi.\n").size() + sample.size() + 1};
      case MarkerKind::kNotLocalPart:
        return markers.Matches(kind, sample) && !markers.Matches(kind, "x" + sample) &&
               !markers.Matches(kind, sample + "x");
      case MarkerKind::kListBullet:
        return markers.Matches(kind, sample) && !markers.Matches(kind, sample + "x");
      case MarkerKind::kBoilerplate:
        return markers.StripBoilerplate("550 5.1.1 No such user. " + sample) == "550 5.1.1 No such user.";
      default:
        return markers.Matches(kind, sample);
    }
  }
  ADD_FAILURE() << "unknown 'where' " << where;
  return false;
}

TEST(BounceMarkers, EverySampleMatchesItsRow) {
  internal::TsvTable table;
  std::string error;
  ASSERT_TRUE(internal::LoadEmbeddedTsv("bounce_markers.tsv", {"where", "scope", "pattern", "sample"}, &table,
                                        &error))
      << error;
  for (const internal::TsvRow& row : table.rows) {
    std::string where(table.Cell(row, "where"));
    std::string sample(table.Cell(row, "sample"));
    bool generic = table.Cell(row, "scope") == "generic";
    SCOPED_TRACE(table.Where(row, where + ": " + sample));
    ASSERT_FALSE(sample.empty());
    EXPECT_TRUE(SampleMatches(ndr_test::Markers(RuleScope::kAll), where, sample));
    if (generic) EXPECT_TRUE(SampleMatches(ndr_test::Markers(RuleScope::kGeneric), where, sample));
  }
}

// Matches answers as one RE2::Set of the kind's patterns would (it answers
// most ASCII texts from the patterns' words, without RE2): on every sample,
// in capitals, cut, with words around, and on texts spliced from samples.
TEST(BounceMarkers, MatchesGivesTheAnswerOfASetOfTheKindsPatterns) {
  internal::TsvTable table;
  std::string error;
  ASSERT_TRUE(internal::LoadEmbeddedTsv("bounce_markers.tsv", {"where", "pattern", "sample"}, &table, &error))
      << error;
  const BounceMarkers& markers = ndr_test::Markers(RuleScope::kAll);
  RE2::Options options;
  options.set_case_sensitive(false);
  options.set_log_errors(false);
  std::vector<std::string> samples;
  for (const internal::TsvRow& row : table.rows) samples.emplace_back(table.Cell(row, "sample"));
  std::vector<std::string> texts = {"", "x", "nothing of the kind", "Postmaster", "MAILER-DAEMON@example.net",
                                    "\xc3\xa4 mailer-daemon"};
  std::mt19937 random(20261201);
  for (const std::string& sample : samples) {
    std::string upper = sample;
    for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
    texts.insert(texts.end(), {sample, upper, sample.substr(1), sample.substr(0, sample.size() / 2),
                               "see: " + sample + "; more", "x" + sample + "x"});
    const std::string& other = samples[random() % samples.size()];
    texts.push_back(other.substr(0, random() % (other.size() + 1)) + sample.substr(random() % (sample.size() + 1)));
  }
  size_t kinds = 0;
  for (int i = 0; i < internal::kMarkerKinds; ++i) {
    const MarkerKind kind = static_cast<MarkerKind>(i);
    // Kinds read by their own searches (FindCaptures, FindRecipientLists, FindReplyHeadings).
    if (kind == MarkerKind::kBareRecipient || kind == MarkerKind::kReportingHost ||
        kind == MarkerKind::kRecipientList || kind == MarkerKind::kExpandedFrom || kind == MarkerKind::kReplyHeading ||
        kind == MarkerKind::kVerp) {
      continue;
    }
    RE2::Set set(options, RE2::UNANCHORED);
    size_t rows = 0;
    for (const internal::TsvRow& row : table.rows) {
      if (table.Cell(row, "where") != internal::MarkerKindName(kind)) continue;
      const std::string pattern(table.Cell(row, "pattern"));
      ASSERT_GE(set.Add(pattern, nullptr), 0) << pattern;
      ++rows;
    }
    if (rows == 0 || !set.Compile()) continue;
    ++kinds;
    for (const std::string& text : texts) {
      EXPECT_EQ(markers.Matches(kind, text), !text.empty() && set.Match(text, nullptr))
          << internal::MarkerKindName(kind) << " <- " << text;
    }
  }
  EXPECT_GT(kinds, 10u);
}

// A kind whose every pattern begins with '^' is searched from the text's
// start only; a kind with one pattern that may match anywhere is searched
// everywhere, its anchored patterns still at the start.
TEST(BounceMarkers, AnchoredKindsMatchAtTheStartOnly) {
  const BounceMarkers& markers = ndr_test::Markers();
  struct Case {
    MarkerKind kind;
    const char* text;
    bool matches;
  };
  for (const Case& c : {Case{MarkerKind::kForwardSubject, "Fwd: your order", true},
                        Case{MarkerKind::kForwardSubject, "  WG: Bestellung", true},
                        Case{MarkerKind::kForwardSubject, "Re: Fwd: your order", false},
                        Case{MarkerKind::kIdentifierLine, "Message-ID: <a@b>", true},
                        Case{MarkerKind::kIdentifierLine, "see the Message-ID: <a@b>", false},
                        Case{MarkerKind::kSuccessSubject, "Relayed: hello", true},
                        Case{MarkerKind::kSuccessSubject, "x Relayed: hello", false},
                        Case{MarkerKind::kSuccessSubject, "Re: Delivery Status Notification (Success)", true}}) {
    EXPECT_EQ(markers.Matches(c.kind, c.text), c.matches) << internal::MarkerKindName(c.kind) << " <- " << c.text;
  }
}

// A kind without word patterns whose matches begin with words (delay-body)
// is searched from those words only: a match after other sentences and
// lines, none where the words stand without the rest of a match.
TEST(BounceMarkers, DelaySentencesFoundWhereTheirWordsAre) {
  const BounceMarkers& markers = ndr_test::Markers();
  struct Case {
    const char* text;
    bool matches;
  };
  for (const Case& c : {Case{"Hello.\nThis is the mail system.\nThe server will retry for 46 more hours.", true},
                        Case{"We will try again in 2 days.", true},
                        Case{"I will retry. It takes days.", false},
                        Case{"This is the mail system at host example.net.", false},
                        Case{"This is only a warning, you do not need to resend your message.", true},
                        Case{"Delivery to the following recipient has been delayed:", true},
                        Case{"Delivery to the following recipients failed.", false}}) {
    EXPECT_EQ(markers.Matches(MarkerKind::kDelayBody, c.text), c.matches) << c.text;
  }
}

// One text holding every recipient sample: each sample's addresses are found
// there too, at their place (rows are searched only where a first pass over
// all of them says they occur; that pass must let every one through).
TEST(BounceMarkers, RecipientPhrasesOfManyRowsInOneText) {
  internal::TsvTable table;
  std::string error;
  ASSERT_TRUE(internal::LoadEmbeddedTsv("bounce_markers.tsv", {"where", "sample"}, &table, &error)) << error;
  const BounceMarkers& markers = ndr_test::Markers(RuleScope::kAll);
  std::string joined;
  std::vector<std::pair<size_t, size_t>> want;
  for (const internal::TsvRow& row : table.rows) {
    if (table.Cell(row, "where") != "recipient") continue;
    std::string sample(table.Cell(row, "sample"));
    for (const auto& [b, e] : markers.FindRecipientPhrases(sample)) {
      want.emplace_back(joined.size() + b, joined.size() + e);
    }
    joined += sample + "\n\n";
  }
  ASSERT_GT(want.size(), 3u);
  auto found = markers.FindRecipientPhrases(joined);
  EXPECT_TRUE(std::is_sorted(found.begin(), found.end()));
  for (const auto& phrase : want) {
    EXPECT_NE(std::find(found.begin(), found.end(), phrase), found.end())
        << joined.substr(phrase.first, phrase.second - phrase.first);
  }
}

// Every body and delay-body sample still counts when its words are broken
// over lines, at any word, as a mail system's line width or a mail
// program's rewrapping breaks them.
TEST(BounceMarkers, WrappedSentencesStillMatch) {
  internal::TsvTable table;
  std::string error;
  ASSERT_TRUE(internal::LoadEmbeddedTsv("bounce_markers.tsv", {"where", "sample"}, &table, &error)) << error;
  const BounceMarkers& markers = ndr_test::Markers(RuleScope::kAll);
  size_t wrapped = 0;
  for (const internal::TsvRow& row : table.rows) {
    const std::string_view where = table.Cell(row, "where");
    MarkerKind kind;
    if (where == "body") {
      kind = MarkerKind::kBody;
    } else if (where == "delay-body") {
      kind = MarkerKind::kDelayBody;
    } else {
      continue;
    }
    const std::string sample(table.Cell(row, "sample"));
    for (size_t space = sample.find(' '); space != std::string::npos; space = sample.find(' ', space + 1)) {
      std::string broken = sample;
      broken.replace(space, 1, "\n    ");
      EXPECT_TRUE(markers.MatchesWrapped(kind, broken)) << broken;
      ++wrapped;
    }
  }
  EXPECT_GT(wrapped, 100u);
  // Joining lines finds what the lines hold, not more.
  EXPECT_FALSE(markers.MatchesWrapped(MarkerKind::kBody, "Lunch on Friday?\nThe usual place at noon."));
}

// A report's opening sentence in languages whose rows came last (Turkish,
// Hungarian, Greek, Romanian, Indonesian, Vietnamese).
TEST(BounceMarkers, ReportSentencesInMoreLanguages) {
  const BounceMarkers& markers = ndr_test::Markers(RuleScope::kAll);
  for (const char* sentence :
       {"Mesajınız aşağıdaki alıcılara teslim edilemedi:", "Az üzenet kézbesíthetetlen a következő címzettnek:",
        "Δεν ήταν δυνατή η παράδοση του μηνύματός σας στους παρακάτω παραλήπτες:",
        "Mesajul dumneavoastră nu a putut fi livrat următorilor destinatari:",
        "Pesan Anda tidak dapat dikirim ke penerima berikut:", "Không thể gửi thư của bạn đến những người nhận sau:"}) {
    EXPECT_TRUE(markers.Matches(MarkerKind::kBody, sentence)) << sentence;
  }
}

TEST(BounceMarkers, OriginalLineStartsTheLineAfterItsBlanks) {
  const BounceMarkers& markers = ndr_test::Markers();
  const std::string report = "Your message could not be delivered.\n\n";
  EXPECT_EQ(markers.FindOriginalStart(report + "   ----- Original message -----\nFrom: a@example.com\n"),
            report.size());
  EXPECT_EQ(markers.FindOriginalStart(report + "\t------ This is a copy of the message, including all the headers.\n"),
            report.size());
  // The same words inside a sentence start nothing.
  EXPECT_EQ(markers.FindOriginalStart(report + "See the original message follows rule.\n"
                                               "I said: ----- Original message -----\n"),
            std::string::npos);
}

TEST(BounceMarkers, OrdinaryTextIsNoMarker) {
  const BounceMarkers& markers = ndr_test::Markers();
  EXPECT_FALSE(markers.Matches(MarkerKind::kSubject, "Lunch on Friday?"));
  EXPECT_FALSE(markers.Matches(MarkerKind::kFrom, "Jane Doe <jane@example.com>"));
  EXPECT_EQ(markers.FindOriginalStart("Hello,\nsee you soon.\n"), std::string::npos);
  EXPECT_FALSE(markers.Matches(MarkerKind::kBody, "Thanks for the offer, I will call you on Monday."));
  EXPECT_FALSE(markers.Matches(MarkerKind::kReplyEvidence, "Mail jo@example.net before 12 May 2026, please."));
  EXPECT_FALSE(markers.Matches(MarkerKind::kReplySubject, "Undeliverable: Re: Meeting"));
  EXPECT_FALSE(markers.Matches(MarkerKind::kDelaySubject, "Undelivered Mail Returned to Sender"));
  EXPECT_FALSE(markers.Matches(MarkerKind::kSystemMailbox, "jo.postmaster@example.net"));
  EXPECT_FALSE(markers.Matches(MarkerKind::kSummaryLabel, "Unknown user:"));
  EXPECT_FALSE(markers.Matches(MarkerKind::kMessageHeader, "Final-Recipient"));
  EXPECT_FALSE(markers.Matches(MarkerKind::kIdentifierLine, "<jo@example.net>: 550 No such user"));
}

TEST(BounceMarkers, GenericScopeDropsFormatRows) {
  const BounceMarkers& all = ndr_test::Markers(RuleScope::kAll);
  const BounceMarkers& generic = ndr_test::Markers(RuleScope::kGeneric);
  EXPECT_TRUE(generic.generic_only());
  Headers exchange = ParseHeaderBlock("X-MS-Exchange-Message-Is-Ndr: \n");
  EXPECT_TRUE(all.MatchesHeader(exchange));
  EXPECT_FALSE(generic.MatchesHeader(exchange));
  std::string qmail = "Hi. This is the qmail-send program at mail.example.com.";
  EXPECT_TRUE(all.Matches(MarkerKind::kBody, qmail));
  EXPECT_FALSE(generic.Matches(MarkerKind::kBody, qmail));
  // Generic wording stays.
  EXPECT_TRUE(generic.Matches(MarkerKind::kBody, "I'm sorry, your message could not be delivered to one or more recipients"));
  EXPECT_EQ(generic.StripBoilerplate("550 No such user. Giving up on 192.0.2.1."),
            "550 No such user. Giving up on 192.0.2.1.");
}

// The kinds searched row by row (not prefiltered) give every capture, in
// order, wherever the row's words stand: in either case, more than once, in
// a text with other than ASCII letters; none where the words are not.
TEST(BounceMarkers, CapturesOfRowsSearchedOneByOne) {
  const BounceMarkers& markers = ndr_test::Markers();
  auto captured = [&](MarkerKind kind, const std::string& text) {
    std::vector<std::string> out;
    for (const auto& [b, e] : markers.FindCaptures(kind, text)) out.push_back(text.substr(b, e - b));
    return out;
  };
  using Texts = std::vector<std::string>;
  EXPECT_EQ(captured(MarkerKind::kExpandedFrom, "a@x (EXPANDED FROM: <team@example.org>), b@x (generated from ops@example.org)"),
            (Texts{"team@example.org", "ops@example.org"}));
  EXPECT_EQ(captured(MarkerKind::kExpandedFrom, "Empf\xc3\xa4nger (ultimately generated from all@example.org)"),
            Texts{"all@example.org"});
  EXPECT_TRUE(captured(MarkerKind::kExpandedFrom, "expanded from team@example.org, (generated by x)").empty());
  EXPECT_EQ(captured(MarkerKind::kReportingHost, "Hi. This is the qmail-send program at MX.example.com.\n"),
            Texts{"MX.example.com"});
  EXPECT_TRUE(captured(MarkerKind::kReportingHost, "This is the mail system of example.com.\n").empty());
}

// Boilerplate is cut wherever it stands, in either case and in a text with
// other than ASCII letters; a text without it comes back as it is.
TEST(BounceMarkers, BoilerplateIsCutOnlyWhereItStands) {
  const BounceMarkers& markers = ndr_test::Markers();
  EXPECT_EQ(markers.StripBoilerplate("550 No such user (GENERATED FROM list@example.org) here"), "550 No such user here");
  EXPECT_EQ(markers.StripBoilerplate("550 Benutzer unbekannt, Empf\xc3\xa4nger (generated from a@example.org)"),
            "550 Benutzer unbekannt, Empf\xc3\xa4nger");
  for (std::string text : {"550 5.1.1 <a@example.org>: generated from nothing", "giving up", "(generated from)",
                           "552 Mailbox f\xc3\xbcll", "  two  spaces  stay  "}) {
    EXPECT_EQ(markers.StripBoilerplate(text), text);
  }
}

TEST(BounceMarkers, SummaryLabelsButNotTheSmtpCommand) {
  const BounceMarkers& markers = ndr_test::Markers();
  for (const char* label : {"To:", "Cc:", "Reply-To:", "Delivered-To:", "An:", "De :", "Kopie:", "宛先:"}) {
    EXPECT_TRUE(markers.Matches(MarkerKind::kSummaryLabel, label)) << label;
  }
  for (const char* label : {"Recipient:", "Empfänger:", "Destinataire :", "failed:"}) {
    EXPECT_FALSE(markers.Matches(MarkerKind::kSummaryLabel, label)) << label;
  }
}

TEST(BounceMarkers, ListBulletsAreWholeMarks) {
  const BounceMarkers& markers = ndr_test::Markers();
  for (const char* mark : {"-", "--", "*", "+", "\u2022", "\u2013", "1.", "12)"}) {
    EXPECT_TRUE(markers.Matches(MarkerKind::kListBullet, mark)) << mark;
  }
  // Words, labels and quote marks are no bullets.
  for (const char* mark : {"to", "x-", "----", "1.2", "Recipient:", ">", "- to"}) {
    EXPECT_FALSE(markers.Matches(MarkerKind::kListBullet, mark)) << mark;
  }
}

}  // namespace
}  // namespace ndr
