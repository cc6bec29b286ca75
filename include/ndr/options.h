// Limits and options for analysis. Every default is written beside its field.
#ifndef NDR_OPTIONS_H_
#define NDR_OPTIONS_H_

#include <cstddef>  // size_t
#include <string>

namespace ndr {

// Bounds that keep hostile or broken input from costing unbounded time or memory.
// When a limit is hit, analysis continues on what was read and a Problem says so.
// Each has a flag on `ndr explain` and `ndr scan` (README: "Limits and errors");
// every problem a limit causes names its flag.
struct Limits {
  size_t max_message_bytes = 64u << 20;      // --max-message-size: larger input is cut here
  size_t max_header_bytes = 1u << 20;        // --max-header-size: one header block is cut here
  size_t max_header_line_bytes = 64u << 10;  // --max-header-line: one field (unfolded) is cut here
  size_t max_headers = 1000;                 // --max-headers: fields kept per header block
  int max_depth = 16;                        // --max-depth: MIME nesting depth followed
  size_t max_parts = 512;                    // --max-parts: MIME parts kept (depth-first order)
  size_t max_recipients = 1000;              // --max-recipients: recipients read per report
  size_t max_decoded_part_bytes = 8u << 20;  // --max-decoded-size: a part's decoded body is cut here
  double max_seconds = 10;                   // --max-time: analysis of one message stops here (0: never)
};

// Which rules analysis may use.
enum class RuleScope {
  kAll,      // every rule (the default)
  // A diagnostic mode (`ndr scan --rules generic`): only evidence and wording
  // no single format or vendor owns -- RFC structure (DSN, ARF fields), the
  // generic rows of data/bounce_markers.tsv, generic wording rules. Format
  // markers, Amazon SES JSON, Microsoft's and Apple's report headers, vendor
  // detection and every vendor-scoped row are off. It shows how ndr reads
  // layouts it was never shown.
  kGeneric,
};

// The problem every stage reports when a report names more recipients than
// Limits::max_recipients (the first ones are analyzed).
inline std::string RecipientLimitProblem(size_t max_recipients) {
  return "more than " + std::to_string(max_recipients) + " recipients, the rest not read (--max-recipients)";
}

struct AnalyzeOptions {
  Limits limits;
  RuleScope rules = RuleScope::kAll;
  // How many threads Analyzer::Create may use to compile its tables: 1 = the
  // calling thread only; 2 or more = the calling thread and one other (the
  // tables split in two about equal halves), ~half the start-up wall time.
  unsigned load_threads = 1;
  // Whether each record's Explanation carries the words for people reading
  // its codes (stage, reply_meaning, status_meaning, command_note), which
  // only text output shows (RecordSink::ShowsCodeMeanings): JSON, CSV and
  // Sisimai output have no field for them, and a scan writing those skips
  // the work (~1.5 % of a scan).
  bool code_meanings = true;
};

}  // namespace ndr

#endif  // NDR_OPTIONS_H_
