// Why mail bounced: the reason vocabulary with plain-language advice
// (data/reasons.tsv) and the classification rules that pick a reason from
// codes and wording (data/status_defaults.tsv, data/reason_rules.tsv,
// data/vendors.tsv), compiled into the binary and matched with RE2::Set.
//
// A ReasonBook is immutable after Load() and safe to share between threads.
#ifndef NDR_REASONS_H_
#define NDR_REASONS_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ndr/types.h"

namespace ndr {

struct ReasonInfo {
  Reason reason = Reason::kUndefined;
  std::string summary;     // one plain sentence: what went wrong
  Actor actor = Actor::kNobody;
  Retry retry = Retry::kLater;
  bool suppress = false;   // remove the address from mailing lists
  bool hard = false;       // a hard bounce (the address itself is bad)
  std::string advice;      // what to do next, in plain words
};

// What the classifier looks at for one recipient.
struct ClassifyInput {
  int reply_code = 0;
  EnhancedStatus status;
  std::string_view diagnostic;  // the server's words (normalized, one line)
  std::string_view context;     // more text from the bounce (may be "")
  std::string_view vendor;      // vendor id from DetectVendor, "" when unknown
  SmtpCommand command = SmtpCommand::kUnknown;
  std::string_view action;      // failed, delayed, delivered, ...
};

struct Classification {
  Reason reason = Reason::kUndefined;
  std::string rule_id;   // the row that decided, e.g. "reason_rules:google-dmarc"
  std::string evidence;  // for people: "Gmail's wording 'domain's DMARC policy'"
};

class ReasonBook {
 public:
  // Builds from the embedded tables; on a bad row (unknown reason, pattern that
  // does not compile, duplicate id) returns null and sets *error to
  // "data/<file>:<line>: <what is wrong>".
  static std::shared_ptr<const ReasonBook> Load(std::string* error);

  const ReasonInfo& Info(Reason reason) const;  // every Reason has a row

  // The vendor id ("google", "microsoft", ...) owning any of `hosts` (host
  // names or mail domains, matched by suffix in vendors.tsv order) or, failing
  // that, whose marker appears in `text`. "" when none.
  std::string DetectVendor(const std::vector<std::string_view>& hosts,
                           std::string_view text) const;

  // Picks the reason: vendor wording rules, then generic wording rules, then
  // status-code defaults (vendor-scoped first), then reply-code defaults.
  Classification Classify(const ClassifyInput& input) const;

  struct Impl;
  explicit ReasonBook(std::unique_ptr<Impl> impl);
  ~ReasonBook();
  ReasonBook(const ReasonBook&) = delete;
  ReasonBook& operator=(const ReasonBook&) = delete;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace ndr

#endif  // NDR_REASONS_H_
