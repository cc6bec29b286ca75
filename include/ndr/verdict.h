// The interpretation stage: Finding -> Verdict (reason, hard/soft, vendors,
// and the evidence that decided).
#ifndef NDR_VERDICT_H_
#define NDR_VERDICT_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ndr/codebook.h"
#include "ndr/finding.h"
#include "ndr/options.h"
#include "ndr/reasons.h"

namespace ndr {

struct Verdict {
  Reason reason = Reason::kUndefined;
  bool hard_bounce = false;
  // Vendor ids (vendors.tsv). The receiving side is the server that refused
  // the message (its codes and wording decide); the reporting side wrote the
  // report and is often the sender's own provider: never blame it for a
  // refusal by someone else.
  std::string receiving_vendor;  // "" when unknown
  std::string reporting_vendor;  // "" when unknown
  RuleRef decided_by;    // which table and row decided (typed; never parsed from a string)
  // Who must act, when the parties found say otherwise than the reason's usual
  // actor (a recipient domain's own server refusing to relay for it).
  std::optional<Actor> actor;
  std::string party_advice;  // what to do instead of the reason's general advice, then
  std::string evidence;  // for people: the code, the provider's meaning or the words
  std::string words;     // the server's words that decided, when a wording rule did
  CodeReading status_reading;  // what the status code alone says (to tell when words overruled it)
  CodeReading reply_reading;   // what the reply code alone says
  std::string problem;   // set when deciding failed (pattern matching out of memory)
  bool reply_fits_command = true;  // false when the command may not return this reply
};

class Interpreter {
 public:
  // RuleScope::kGeneric: no vendor is detected, so no vendor-scoped row applies.
  Interpreter(std::shared_ptr<const CodeBook> codes, std::shared_ptr<const ReasonBook> reasons,
              RuleScope rules = RuleScope::kAll);
  // Const and thread-safe. Everything it reads is in the Finding.
  Verdict Interpret(const Finding& finding) const;

 private:
  std::shared_ptr<const CodeBook> codes_;
  std::shared_ptr<const ReasonBook> reasons_;
  RuleScope rules_;
};

}  // namespace ndr

#endif  // NDR_VERDICT_H_
