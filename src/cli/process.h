// The loop shared by `explain`, `scan` and `report`: read inputs as a stream,
// analyze messages on a pool of threads, hand records to a sink in
// input order from one thread, report problems on stderr.
#ifndef NDR_SRC_CLI_PROCESS_H_
#define NDR_SRC_CLI_PROCESS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ndr/analyzer.h"
#include "ndr/render.h"

namespace ndr {
namespace cli {

struct ProcessStats {
  size_t messages = 0;
  size_t bounces = 0;
  size_t not_bounces = 0;
  size_t records = 0;
  size_t bounces_without_records = 0;  // bounces that name no recipient
  size_t read_errors = 0;    // inputs or messages that could not be read (unreadable, too large, damaged)
  size_t failed = 0;         // messages whose analysis failed (each named on stderr)
  uint64_t bytes = 0;        // input bytes read (compressed bytes for gzip files)
  double seconds = 0;        // elapsed wall time
  size_t errors() const { return read_errors + failed; }
};

struct ProcessOptions {
  bool report_not_bounce = true;  // a line on stderr for each message that is not a bounce
  bool report_problems = false;   // a line on stderr for each problem noticed while reading
  bool progress = false;          // a progress line on stderr (callers set it only for a terminal)
  bool as_text = false;           // --text: every input is pasted bounce text (never split as an mbox)
  unsigned jobs = 0;              // analyzing threads (the reader among them); 0 = one per core
};

// Reads every path ("-" or an empty list: standard input) in order; see
// ReadInputs in ndr/mailbox.h for what a path may be. Records reach the sink
// in input order, whatever the number of jobs; then sink->Finish().
ProcessStats ProcessInputs(const Analyzer& analyzer, const std::vector<std::string>& paths,
                           const ProcessOptions& options, RecordSink* sink);

// The analyzing threads `jobs` means: itself, or one per core for 0.
unsigned EffectiveJobs(unsigned jobs);

// "ndr scan: 3 messages, 2 bounces, 2 records, 1 not a bounce, 0 errors; 0.1 s, 30 messages/s, 0.1 MB/s"
std::string SummaryLine(const char* command, const ProcessStats& stats);

// True when the format name is one we render; sets *sink. `verbose` adds the
// text format's technical remarks (JSON records never carry them).
bool MakeSink(const std::string& format, bool verbose, std::unique_ptr<RecordSink>* sink);

}  // namespace cli
}  // namespace ndr

#endif  // NDR_SRC_CLI_PROCESS_H_
