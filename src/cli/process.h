// The loop shared by `explain` and `scan`: read inputs, analyze each message,
// hand records to a sink, report problems on stderr.
#ifndef NDR_SRC_CLI_PROCESS_H_
#define NDR_SRC_CLI_PROCESS_H_

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
  size_t read_errors = 0;
};

struct ProcessOptions {
  bool report_not_bounce = true;  // a line on stderr for each message that is not a bounce
  bool report_problems = false;   // a line on stderr for each problem noticed while reading
  bool progress = false;          // a progress line on stderr
  bool as_text = false;           // --text: every input is pasted bounce text (never split as an mbox)
};

// An empty `paths` (or "-") reads one message (or an mbox) from stdin; its source is "-".
ProcessStats ProcessInputs(const Analyzer& analyzer, const std::vector<std::string>& paths,
                           const ProcessOptions& options, RecordSink* sink);

// True when the format name is one we render; sets *sink. `verbose` adds the
// text format's technical remarks (JSON records never carry them).
bool MakeSink(const std::string& format, bool verbose, std::unique_ptr<RecordSink>* sink);

}  // namespace cli
}  // namespace ndr

#endif  // NDR_SRC_CLI_PROCESS_H_
