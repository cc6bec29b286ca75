// Every row of data/bounce_markers.tsv is a rule: its sample (a line we
// wrote) must be recognised as that kind of marker, in both rule scopes when
// the row is generic.
#include <algorithm>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

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
