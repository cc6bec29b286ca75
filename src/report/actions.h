// The action table (data/report_actions.tsv): which recipients make which
// action item. Loaded once by ReportBuilder::Create.
#ifndef NDR_SRC_REPORT_ACTIONS_H_
#define NDR_SRC_REPORT_ACTIONS_H_

#include <string>
#include <vector>

#include "ndr/report.h"

namespace ndr {
namespace internal {

struct ActionRow {
  std::string id;
  std::vector<std::string> kinds;   // "failed", "delayed", "complaint", "escalated"
  std::vector<Reason> reasons;      // empty: any
  std::string listed;               // "ip", "domain", "url", "none", "*"
  std::string split;                // "", "blocklist", "vendor"
  std::string sentence, sentence_one, next_step;
  std::string sample;               // "kind reason listed"
  int line = 0;
};

// What the rows look at of one recipient.
struct ActionSubject {
  std::string kind;    // RecordKindName, or "escalated"
  Reason reason = Reason::kUndefined;
  std::string listed;  // what the named blocklist holds, "none" when no list was named
};

class ActionTable {
 public:
  bool Load(std::string* error);
  // The first row `subject` matches, or null.
  const ActionRow* Match(const ActionSubject& subject) const;
  const std::vector<ActionRow>& rows() const { return rows_; }

 private:
  std::vector<ActionRow> rows_;
};

}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_REPORT_ACTIONS_H_
