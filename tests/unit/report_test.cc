// The report's aggregation (escalation, days, action table) and escaping.
#include <gtest/gtest.h>

#include <sstream>

#include "ndr/report.h"
#include "report/actions.h"
#include "report/render_common.h"
#include "shared_analyzer.h"

namespace ndr {
namespace {

const ReasonBook& Reasons() { return ndr_test::TheAnalyzer().reasons(); }

std::unique_ptr<ReportBuilder> Builder(const ReportOptions& options = ReportOptions()) {
  std::string error;
  auto b = ReportBuilder::Create(Reasons(), options, &error);
  EXPECT_TRUE(b) << error;
  return b;
}

Record Soft(const std::string& recipient, const std::string& day) {
  Record r;
  r.recipient = recipient;
  r.action = "failed";
  r.status = "4.2.2";
  r.reason = Reason::kMailboxFull;
  r.bounce_date = day + "T10:00:00";
  r.diagnostic = "452 4.2.2 mailbox full";
  return r;
}

const ReportRecipient* Find(const Report& report, const std::string& address) {
  for (const ReportRecipient& p : report.recipients) {
    if (p.address == address) return &p;
  }
  return nullptr;
}

// Every row of data/report_actions.tsv is the first to match its sample.
TEST(ReportActions, EveryRowMatchesItsSample) {
  internal::ActionTable table;
  std::string error;
  ASSERT_TRUE(table.Load(&error)) << error;
  ASSERT_GE(table.rows().size(), 10u);
  for (const internal::ActionRow& row : table.rows()) {
    std::istringstream sample(row.sample);
    internal::ActionSubject subject;
    std::string reason;
    sample >> subject.kind >> reason >> subject.listed;
    ASSERT_TRUE(ParseReason(reason, &subject.reason)) << row.id << ": " << row.sample;
    const internal::ActionRow* match = table.Match(subject);
    ASSERT_NE(match, nullptr) << row.id;
    EXPECT_EQ(match->id, row.id) << row.sample;
  }
}

TEST(ReportEscalation, FiveSoftDaysOverFifteenDaysSuppress) {
  auto b = Builder();
  for (const char* day : {"2026-11-01", "2026-11-04", "2026-11-08", "2026-11-12", "2026-11-15"}) {
    b->Add(Soft("kept@example.org", day));
  }
  // Five days, but only over 10 days.
  for (const char* day : {"2026-11-01", "2026-11-03", "2026-11-05", "2026-11-07", "2026-11-10"}) {
    b->Add(Soft("short@example.org", day));
  }
  // Four days over 15.
  for (const char* day : {"2026-11-01", "2026-11-05", "2026-11-10", "2026-11-15"}) b->Add(Soft("few@example.org", day));
  // Five days over 15, then delivered.
  for (const char* day : {"2026-11-01", "2026-11-04", "2026-11-08", "2026-11-12", "2026-11-15"}) {
    b->Add(Soft("back@example.org", day));
  }
  Record delivered = Soft("back@example.org", "2026-11-16");
  delivered.action = "delivered";
  delivered.reason = Reason::kDelivered;
  b->Add(delivered);
  // The same day five times is one day.
  for (int i = 0; i < 5; ++i) b->Add(Soft("sameday@example.org", "2026-11-01"));

  Report report = b->Build();
  const ReportRecipient* kept = Find(report, "kept@example.org");
  ASSERT_NE(kept, nullptr);
  EXPECT_TRUE(kept->escalated);
  EXPECT_TRUE(kept->suppress);
  EXPECT_EQ(kept->suppress_reason, "repeated soft bounces");
  EXPECT_EQ(kept->soft_days, 5u);
  for (const char* other : {"short@example.org", "few@example.org", "back@example.org", "sameday@example.org"}) {
    ASSERT_NE(Find(report, other), nullptr) << other;
    EXPECT_FALSE(Find(report, other)->suppress) << other;
  }
  EXPECT_EQ(report.totals.escalated, 1u);
  ASSERT_EQ(report.suppression.size(), 1u);
  ASSERT_FALSE(report.actions.empty());
  EXPECT_EQ(report.actions[0].id, "mailboxfull");  // 4 recipients full, 1 escalated
  bool escalated_item = false;
  for (const ActionItem& a : report.actions) escalated_item |= a.id == "escalated" && a.recipients.size() == 1;
  EXPECT_TRUE(escalated_item);
}

TEST(ReportEscalation, FlagsChangeTheRule) {
  ReportOptions options;
  options.soft_days = 3;
  options.soft_span_days = 5;
  auto b = Builder(options);
  for (const char* day : {"2026-11-01", "2026-11-03", "2026-11-05"}) b->Add(Soft("three@example.org", day));
  Report report = b->Build();
  EXPECT_TRUE(Find(report, "three@example.org")->escalated);
}

TEST(ReportEscalation, DaysBeforeTheSinceDayStillCount) {
  ReportOptions options;
  options.since = "2026-11-15";
  auto b = Builder(options);
  for (const char* day : {"2026-11-01", "2026-11-04", "2026-11-08", "2026-11-12", "2026-11-15"}) {
    b->Add(Soft("kept@example.org", day));
  }
  b->Add(Soft("old@example.org", "2026-11-01"));
  Report report = b->Build();
  EXPECT_EQ(report.recipients.size(), 1u);  // old@ is before the period
  EXPECT_TRUE(Find(report, "kept@example.org")->escalated);
  EXPECT_EQ(report.totals.records, 1u);
}

TEST(ReportDays, DatesBecomeUtcDays) {
  EXPECT_EQ(DayOfDate("Mon, 30 Nov 2026 08:00:00 +0000"), "2026-11-30");
  EXPECT_EQ(DayOfDate("Mon, 30 Nov 2026 23:30:00 -0200"), "2026-12-01");
  EXPECT_EQ(DayOfDate("Tue, 1 Dec 2026 00:30:00 +0100"), "2026-11-30");
  EXPECT_EQ(DayOfDate("30 Nov 2026 08:00 GMT"), "2026-11-30");
  EXPECT_EQ(DayOfDate("Thu, 29 Feb 24 12:00:00 +0000"), "2024-02-29");
  EXPECT_EQ(DayOfDate("2026-11-30T08:12:01"), "2026-11-30");
  EXPECT_EQ(DayOfDate("2026-12-31T23:30:00-01:00"), "2027-01-01");
  EXPECT_EQ(DayOfDate("yesterday"), "");
  EXPECT_EQ(DayOfDate(""), "");
  long n;
  ASSERT_TRUE(DayNumber("2026-11-30", &n));
  EXPECT_EQ(DayFromNumber(n + 1), "2026-12-01");
  EXPECT_FALSE(DayNumber("2026-13-01", &n));
  Record r;
  r.date = "Mon, 02 Nov 2026 10:00:00 +0000";
  EXPECT_EQ(RecordDay(r), "2026-11-02");  // the original's date when the bounce has none
  r.bounce_date = "Wed, 04 Nov 2026 10:00:00 +0000";
  EXPECT_EQ(RecordDay(r), "2026-11-04");
}

TEST(ReportTrend, CountsFailuresPerDayWithEmptyDays) {
  auto b = Builder();
  b->Add(Soft("a@example.org", "2026-11-01"));
  b->Add(Soft("b@example.org", "2026-11-03"));
  b->Add(Soft("c@example.org", "2026-11-03"));
  Report report = b->Build();
  ASSERT_EQ(report.trends.size(), 2u);
  const Trend& reasons = report.trends[1];
  EXPECT_EQ(reasons.id, "reason");
  EXPECT_EQ(reasons.days, (std::vector<std::string>{"2026-11-01", "2026-11-02", "2026-11-03"}));
  ASSERT_EQ(reasons.series.size(), 1u);
  EXPECT_EQ(reasons.series[0].key, "mailboxfull");
  EXPECT_EQ(reasons.series[0].counts, (std::vector<size_t>{1, 0, 2}));
}

TEST(ReportBlocklist, SendingIpIsTakenFromTheRefusal) {
  auto b = Builder();
  Record r = Soft("x@example.net", "2026-11-01");
  r.reason = Reason::kBlocked;
  r.status = "5.7.1";
  r.blocklist = "spamhaus-zen";
  r.diagnostic = "554 5.7.1 Service unavailable; Client host [198.51.100.23] blocked using zen.spamhaus.org";
  b->Add(r);
  Report report = b->Build();
  ASSERT_EQ(report.actions.size(), 1u);
  EXPECT_EQ(report.actions[0].id, "blocklist-ip");
  EXPECT_EQ(report.actions[0].sentence,
            "Your sending IP 198.51.100.23 is listed on Spamhaus ZEN: 1 recipient was refused.");
}

// "Other reasons" names no action: it follows every specific item, even a smaller one.
// Its example words are cut at a character, never inside one.
TEST(ReportActions, CatchAllComesLastAndExamplesKeepWholeCharacters) {
  auto b = Builder();
  for (int i = 0; i < 3; ++i) {
    Record r = Soft("o" + std::to_string(i) + "@example.net", "2026-11-01");
    r.reason = Reason::kSystemError;
    r.status = "5.3.0";
    r.diagnostic = std::string(156, 'x') + "\xC3\xA9\xC3\xA9 local error";
    b->Add(r);
  }
  Record gone = Soft("gone@example.org", "2026-11-01");
  gone.reason = Reason::kUserUnknown;
  gone.status = "5.1.1";
  b->Add(gone);
  Report report = b->Build();
  ASSERT_EQ(report.actions.size(), 2u);
  EXPECT_EQ(report.actions[0].id, "userunknown");
  EXPECT_EQ(report.actions[1].id, "other");
  EXPECT_TRUE(report.actions[1].catch_all);
  const std::string& evidence = report.actions[1].evidence;
  EXPECT_NE(evidence.find(std::string(156, 'x') + "...\""), std::string::npos) << evidence;
}

// Text from a bounce never becomes markup in the page.
TEST(ReportHtml, BounceTextIsEscaped) {
  auto b = Builder();
  Record r = Soft("x@example.net", "2026-11-01");
  r.subject = "<script>alert(1)</script>";
  r.diagnostic = "550 \"><img src=x onerror=alert(2)>";
  r.receiving_vendor = "";
  r.sender = "a<b>@example.org";
  b->Add(r);
  std::ostringstream page;
  RenderReportHtml(b->Build(), page);
  std::string html = page.str();
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<b>@"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("Content-Security-Policy"), std::string::npos);
}

TEST(ReportEscape, Markdown) {
  EXPECT_EQ(internal::MarkdownText("a|b *c* <x>\n[l](u)"), "a\\|b \\*c\\* &lt;x&gt; \\[l\\](u)");
}

// The text report passes bounce text through TerminalSafe, line by line.
TEST(ReportText, NoTerminalEscapesFromBounces) {
  auto b = Builder();
  Record r = Soft("x@example.net", "2026-11-01");
  r.reason = Reason::kUserUnknown;
  r.diagnostic = "550 \x1b]0;owned\x07 unknown";
  b->Add(r);
  RenderOptions options;
  options.details = true;
  std::ostringstream text;
  RenderReportText(b->Build(), options, text);
  EXPECT_EQ(text.str().find('\x1b'), std::string::npos);
  EXPECT_NE(text.str().find("\\x1b]0;owned\\x07"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("\n\nWhat to do first\n"), std::string::npos);
}

TEST(ReportCsv, CellsAreQuotedAndFormulasDefused) {
  auto b = Builder();
  Record r = Soft("x@example.net", "2026-11-01");
  r.reason = Reason::kUserUnknown;
  r.hard_bounce = true;
  r.details.suppress = true;
  r.details.evidence = "=HYPERLINK(\"http://x\"), said \"no\"";
  b->Add(r);
  std::ostringstream csv;
  WriteSuppressionCsv(b->Build(), csv);
  EXPECT_EQ(csv.str(),
            "address,reason,last_date,evidence\r\n"
            "x@example.net,userunknown,2026-11-01,\"'=HYPERLINK(\"\"http://x\"\"), said \"\"no\"\"\"\r\n");
}

TEST(ReportJson, RecordsRoundTrip) {
  Record r = Soft("x@example.net", "2026-11-01");
  r.blocklist = "spamcop";
  r.details.suppress = true;
  r.details.actor = Actor::kSenderAdmin;
  Record back;
  std::string error;
  ASSERT_TRUE(RecordFromJson(RecordToJson(r), &back, &error)) << error;
  EXPECT_EQ(RecordToJson(back), RecordToJson(r));
  EXPECT_FALSE(RecordFromJson("{\"x\":1}", &back, &error));
  EXPECT_FALSE(RecordFromJson("not json", &back, &error));
}

}  // namespace
}  // namespace ndr
