// Every row of data/bounce_markers.tsv is a rule: its sample (a line we
// wrote) must be recognised as that kind of marker.
#include <gtest/gtest.h>

#include "bounce/markers.h"
#include "knowledge/tsv.h"
#include "ndr/message.h"

namespace ndr {
namespace {

using internal::BounceMarkers;
using internal::MarkerKind;

TEST(BounceMarkers, TableCompiles) { EXPECT_EQ(BounceMarkers::Get().error(), ""); }

TEST(BounceMarkers, EverySampleMatchesItsRow) {
  internal::TsvTable table;
  std::string error;
  ASSERT_TRUE(internal::LoadEmbeddedTsv("bounce_markers.tsv", {"where", "pattern", "sample"}, &table, &error))
      << error;
  const BounceMarkers& markers = BounceMarkers::Get();
  for (const internal::TsvRow& row : table.rows) {
    std::string where(table.Cell(row, "where"));
    std::string sample(table.Cell(row, "sample"));
    SCOPED_TRACE(table.Where(row, where + ": " + sample));
    ASSERT_FALSE(sample.empty());
    if (where == "subject") {
      EXPECT_TRUE(markers.Matches(MarkerKind::kSubject, sample));
    } else if (where == "from") {
      EXPECT_TRUE(markers.Matches(MarkerKind::kFrom, sample));
    } else if (where == "body") {
      EXPECT_TRUE(markers.Matches(MarkerKind::kBody, sample));
    } else if (where == "autoreply-subject") {
      EXPECT_TRUE(markers.Matches(MarkerKind::kAutoReplySubject, sample));
    } else if (where == "original") {
      EXPECT_EQ(markers.FindOriginalStart("Some report text.\n" + sample + "\nFrom: a@example.com\n"),
                std::string("Some report text.\n").size());
    } else if (where == "header") {
      EXPECT_TRUE(markers.MatchesHeader(ParseHeaderBlock(sample + "\n")));
    } else if (where == "recipient") {
      EXPECT_FALSE(markers.FindRecipientPhrases(sample).empty());
    } else if (where == "boilerplate") {
      EXPECT_EQ(markers.StripBoilerplate("550 5.1.1 No such user. " + sample), "550 5.1.1 No such user.");
    } else {
      ADD_FAILURE() << "unknown 'where'";
    }
  }
}

TEST(BounceMarkers, OrdinaryTextIsNoMarker) {
  const BounceMarkers& markers = BounceMarkers::Get();
  EXPECT_FALSE(markers.Matches(MarkerKind::kSubject, "Lunch on Friday?"));
  EXPECT_FALSE(markers.Matches(MarkerKind::kFrom, "Jane Doe <jane@example.com>"));
  EXPECT_EQ(markers.FindOriginalStart("Hello,\nsee you soon.\n"), std::string::npos);
}

}  // namespace
}  // namespace ndr
