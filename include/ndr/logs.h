// The log stage: lines of a mail server's log -> one Finding per failed or
// deferred delivery, with the event's time and the server's queue id.
//
//   auto formats = ndr::LogFormats::Load(&error);        // once: compiles data/log_formats.tsv
//   ndr::LogReader reader(*formats, analyzer->extractor(), ndr::LogOptions());
//   std::vector<ndr::LogEvent> events;
//   reader.Read(line, &events);                          // per line, in order
//
// The formats (Postfix, Exim, Sendmail, PowerMTA accounting CSV, KumoMTA JSON
// records, Exchange message tracking) are rows of data/log_formats.tsv; the
// format is found per line, so one stream may mix them. A line that cannot be
// a delivery result is rejected by one prefilter (an RE2::Set over every
// row's prefilter) before any format pattern runs.
//
// ScanLog is the whole path for one file: read (plain or gzip, "-" = stdin),
// find the events, and turn each into a Record with Analyzer::RecordFor, the
// same interpretation a bounce message gets.
#ifndef NDR_LOGS_H_
#define NDR_LOGS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ndr/analyzer.h"
#include "ndr/finding.h"
#include "ndr/render.h"

namespace ndr {

// One failed or deferred delivery a log line reports.
struct LogEvent {
  Finding finding;          // recipient, action (failed/delayed), codes, the server's words, ...
  std::string date;         // the event's time, ISO 8601 ("2026-11-30T08:12:01", "...+01:00", "...Z")
  std::string queue_id;     // the server's id of the message ("" when the format has none)
  std::string_view format;  // the format's name in data/log_formats.tsv ("postfix", ...)
};

struct LogStats {
  uint64_t lines = 0;
  uint64_t failed = 0;      // events with action failed
  uint64_t delayed = 0;     // events with action delayed
  uint64_t delivered = 0;   // successful deliveries (skipped, no record)
  uint64_t other = 0;       // lines that are no delivery result (skipped)
};

struct LogOptions {
  // A classic syslog time stamp ("Nov 30 08:12:01") has no year: it gets the
  // year that puts it at or before this moment (seconds since the epoch, UTC;
  // 0 = now). ScanLog uses a file's modification time.
  int64_t reference_time = 0;
};

// The compiled data/log_formats.tsv. Immutable; share it between readers.
class LogFormats {
 public:
  // Null with *error set ("data/log_formats.tsv:<line>: <what>") on a bad row.
  static std::shared_ptr<const LogFormats> Load(std::string* error);
  // The same from a table given as text (tests).
  static std::shared_ptr<const LogFormats> FromTable(std::string_view name, std::string_view content,
                                                     std::string* error);
  ~LogFormats();
  LogFormats(const LogFormats&) = delete;
  LogFormats& operator=(const LogFormats&) = delete;

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  explicit LogFormats(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Reads one log stream, line by line and in order: header lines (a CSV
// header row, Exchange's "#Fields:") name the columns of the lines after them.
class LogReader {
 public:
  LogReader(const LogFormats& formats, const Extractor& extractor, const LogOptions& options);
  ~LogReader();
  LogReader(const LogReader&) = delete;
  LogReader& operator=(const LogReader&) = delete;

  // Appends to *events one event per failed or deferred delivery the line
  // reports (a line may name several recipients); returns how many.
  size_t Read(std::string_view line, std::vector<LogEvent>* events);
  const LogStats& stats() const { return stats_; }

 private:
  struct State;
  const LogFormats& formats_;
  const Extractor& extractor_;
  std::unique_ptr<State> state_;
  LogStats stats_;
};

// The event's time as ISO 8601: a classic syslog stamp ("Nov 30 08:12:01",
// year from `reference_time`), RFC 3339 / journald short-iso
// ("2026-11-30T08:12:01.5+01:00", "2026-11-30T08:12:01+0100"), the same with
// a space for the T ("2026-11-30 08:12:01 +0100"), or seconds since the epoch.
// "" when `text` is none of these.
std::string LogTimeToIso(std::string_view text, int64_t reference_time);
// The time stamp a log line starts with (syslog or RFC 3339 forms), as ISO 8601; "" when none.
std::string LeadingLogTime(std::string_view line, int64_t reference_time);

// Calls `line` for every line of a log file (gzip-compressed or plain, found
// by its content; "-" reads standard input), without its line end. False with
// *error set when the file cannot be opened or read.
bool ForEachLogLine(const std::string& path, const std::function<void(std::string_view)>& line,
                    std::string* error);

// True when `text` is a mail server log rather than a message or pasted
// bounce text, told by its shape alone: most of its first lines start with a
// time stamp (syslog, RFC 3339), or it opens with a W3C "#Software:"/"#Fields:"
// header (Exchange message tracking), or its first lines are JSON objects or
// rows of one CSV table. A bounce pasted with a log line or two is no log.
bool LooksLikeMailLog(std::string_view text);

// The whole path for one log: every failed or deferred delivery becomes a
// Record (source "path:LINE") through analyzer.RecordFor, written to `sink`.
// Adds to *stats. False with *error set when the file cannot be read.
bool ScanLog(const Analyzer& analyzer, const LogFormats& formats, const std::string& path,
             RecordSink* sink, LogStats* stats, std::string* error);

}  // namespace ndr

#endif  // NDR_LOGS_H_
