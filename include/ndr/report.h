// The triage report: many records in, one summary out -- what is going wrong,
// how big each problem is, what to do first, which addresses to stop mailing.
//
// Aggregation (ReportBuilder -> Report) is separate from rendering: every
// format (text, Markdown, JSON, HTML) is drawn from the same Report, so they
// carry the same figures. Action items come from data/report_actions.tsv.
#ifndef NDR_REPORT_H_
#define NDR_REPORT_H_

#include <cstddef>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "ndr/reasons.h"
#include "ndr/record.h"
#include "ndr/render.h"

namespace ndr {

// What a record tells about its recipient, for counting.
enum class RecordKind : uint8_t {
  kFailed,     // a final failure (hard or soft)
  kDelayed,    // still being retried
  kComplaint,  // a feedback (ARF) report: the recipient marked the mail as spam
  kAutoReply,  // vacation / out of office
  kDelivered,  // delivered, relayed or expanded: a success
};
RecordKind KindOf(const Record& record);
std::string_view RecordKindName(RecordKind kind);  // "failed", "delayed", ...

// One distinct address, as its latest record describes it.
struct ReportRecipient {
  std::string address;
  std::string domain;          // lower case
  RecordKind kind = RecordKind::kFailed;
  Reason reason = Reason::kUndefined;
  bool hard = false;
  bool suppress = false;       // on the suppression list
  bool escalated = false;      // suppressed for repeated soft bounces
  std::string suppress_reason;  // why it is on the list ("userunknown", "repeated soft bounces", ...)
  std::string status, reply_code, smtp_command;
  std::string vendor, vendor_name;  // receiving provider
  std::string blocklist;       // id
  std::string sending_ip;      // the IP a blocklist refusal names
  std::string sender, subject, diagnostic, evidence, source;
  std::string day;             // YYYY-MM-DD of the latest record, "" when undated
  size_t bounces = 0;          // records for this address in the period
  size_t soft_days = 0;        // distinct days with a soft bounce (all history)
};

// One row of a breakdown (a reason, a provider, a day, ...).
struct ReportGroup {
  std::string key;    // machine key: "userunknown", "google", "2026-11-30"
  std::string label;  // for people: "Gmail"
  size_t bounces = 0;            // records
  std::vector<size_t> recipients;  // distinct, indexes into Report::recipients, by address
};

struct Breakdown {
  std::string id;     // "reason", "provider", "domain", "sender", "blocklist", "stage", "day"
  std::string title;  // "By reason"
  std::vector<ReportGroup> groups;  // largest first; "day" in date order
};

struct ActionItem {
  std::string id;         // the data/report_actions.tsv row
  std::string sentence;   // what is going wrong, with its size
  std::string evidence;   // codes and words behind it
  std::string next_step;  // what to do
  bool catch_all = false; // the table's last row: what no specific row took; listed last
  std::vector<size_t> recipients;
};

// Failed records per day for the largest groups of a breakdown.
struct Trend {
  std::string id;     // "provider", "reason"
  std::string title;
  std::vector<std::string> days;  // every day from the first to the last
  struct Series {
    std::string key, label;
    std::vector<size_t> counts;  // one per day
  };
  std::vector<Series> series;
};

struct ReportTotals {
  size_t messages = 0;      // messages read (0 when the records came from JSON or a history)
  size_t bounces = 0;       // bounce messages among them
  size_t not_bounces = 0;
  size_t records = 0;       // records in the period
  size_t failed = 0, delayed = 0, complaints = 0, auto_replies = 0, delivered = 0;
  size_t hard = 0, soft = 0;  // failed records
  size_t recipients = 0;    // distinct addresses with a failure, delay or complaint
  size_t domains = 0;       // their distinct domains
  size_t suppress = 0;      // addresses on the suppression list
  size_t escalated = 0;     // of them, for repeated soft bounces
  std::string first_day, last_day;  // the period the records' dates cover
};

struct Report {
  ReportTotals totals;
  std::vector<ActionItem> actions;       // most recipients first
  std::vector<Breakdown> breakdowns;
  std::vector<Trend> trends;
  std::vector<ReportRecipient> recipients;  // sorted by address
  std::vector<size_t> suppression;          // indexes of the addresses to stop mailing
  std::string since;                        // the period's first day asked for, "" for all
};

struct ReportOptions {
  std::string since;        // YYYY-MM-DD: records before it count only for escalation
  int soft_days = 5;        // escalation: soft bounces on at least this many distinct days
  int soft_span_days = 15;  // ... spread over at least this many days (first to last, inclusive)
};

// Collects records; Build() computes the report. Create loads the action
// table (data/report_actions.tsv) and fails with *error on a bad row.
// `reasons` (vendor and blocklist names) must outlive the builder.
class ReportBuilder {
 public:
  static std::unique_ptr<ReportBuilder> Create(const ReasonBook& reasons, const ReportOptions& options,
                                               std::string* error);
  ~ReportBuilder();
  void Add(const Record& record);
  void SetInputCounts(size_t messages, size_t bounces, size_t not_bounces);
  Report Build() const;

  struct Impl;

 private:
  explicit ReportBuilder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The calendar day (UTC) of an RFC 5322 date ("Mon, 30 Nov 2026 08:00:00
// +0100") or an ISO 8601 one ("2026-11-30T08:12:01"), "" when unreadable.
std::string DayOfDate(std::string_view date);
// Days since 1970-01-01 of "YYYY-MM-DD"; false when it is not such a day.
bool DayNumber(std::string_view day, long* out);
std::string DayFromNumber(long days);
// The day a record happened: the bounce's own date, else the original's.
std::string RecordDay(const Record& record);

enum class ReportFormat { kText, kMarkdown, kJson, kHtml };
bool ParseReportFormat(std::string_view name, ReportFormat* out);

struct RenderOptions {
  bool details = false;  // text and Markdown: list the recipients behind every figure
};
void RenderReport(const Report& report, ReportFormat format, const RenderOptions& options,
                  std::ostream& out);
void RenderReportText(const Report& report, const RenderOptions& options, std::ostream& out);
void RenderReportMarkdown(const Report& report, const RenderOptions& options, std::ostream& out);
void RenderReportJson(const Report& report, std::ostream& out);
void RenderReportHtml(const Report& report, std::ostream& out);

// The suppression list as CSV: address,reason,last_date,evidence (RFC 4180).
void WriteSuppressionCsv(const Report& report, std::ostream& out);

// A record read back from one JSON Lines object of `ndr scan` (the record
// contract); false with *error when the line is not such an object.
bool RecordFromJson(std::string_view line, Record* out, std::string* error);

// The report as a sink: records go to the builder; Finish() builds and
// renders (once), writing the suppression CSV too when given.
class ReportSink : public RecordSink {
 public:
  ReportSink(std::unique_ptr<ReportBuilder> builder, ReportFormat format, RenderOptions options,
             std::ostream& out, std::ostream* suppress_csv);
  void Write(const Record& record) override;
  void Finish() override;
  ReportBuilder& builder() { return *builder_; }

 private:
  std::unique_ptr<ReportBuilder> builder_;
  ReportFormat format_;
  RenderOptions options_;
  std::ostream& out_;
  std::ostream* suppress_csv_;
  bool finished_ = false;
};

}  // namespace ndr

#endif  // NDR_REPORT_H_
