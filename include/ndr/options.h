// Limits and options for analysis. Every default is written beside its field.
#ifndef NDR_OPTIONS_H_
#define NDR_OPTIONS_H_

#include <cstddef>  // size_t

namespace ndr {

// Bounds that keep hostile or broken input from costing unbounded time or memory.
// When a limit is hit, analysis continues on what was read and a Problem says so.
struct Limits {
  size_t max_message_bytes = 64u << 20;    // larger input is truncated to this size
  size_t max_parts = 512;                  // MIME parts kept (depth-first order)
  int max_depth = 16;                      // MIME nesting depth followed
  size_t max_decoded_part_bytes = 8u << 20;  // a part's decoded body is cut here
  size_t max_header_bytes = 1u << 20;      // one header block is cut here
  size_t max_recipients = 1000;            // per-recipient blocks kept per report
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

struct AnalyzeOptions {
  Limits limits;
  RuleScope rules = RuleScope::kAll;
};

}  // namespace ndr

#endif  // NDR_OPTIONS_H_
