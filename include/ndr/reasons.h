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

namespace internal {
class SmtpText;  // src/smtp/reply_text.h: the reading of SMTP text shared with the Extractor
}

struct ReasonInfo {
  Reason reason = Reason::kUndefined;
  std::string summary;     // one plain sentence: what went wrong
  Actor actor = Actor::kNobody;
  Retry retry = Retry::kLater;
  bool suppress = false;   // remove the address from mailing lists
  bool hard = false;       // a hard bounce (the address itself is bad)
  std::string advice;      // what to do next, in plain words
  // With `hard`: hard only when the failure is permanent (status class 5, or a
  // 5xx reply when there is no status). Sisimai's rule for notaccept.
  bool hard_needs_permanent = false;
};

// A blocklist named in a rejection (data/blocklists.tsv).
struct BlocklistInfo {
  std::string id;      // "spamhaus-zen"
  std::string name;    // "Spamhaus ZEN"
  std::string listed;  // what the list holds: "ip", "domain", "url"
  std::string lookup;  // where to look the listing up / ask for removal
  std::string who;     // who can get it removed: "sender-admin", "provider", "recipient-admin"
  std::string note;    // plain-words remark
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
  std::string advice;    // the deciding row's own advice ("" when it has none)
};

class ReasonBook {
 public:
  // Builds from the embedded tables; on a bad row (unknown reason, pattern that
  // does not compile, duplicate id) returns null and sets *error to
  // "data/<file>:<line>: <what is wrong>".
  static std::shared_ptr<const ReasonBook> Load(std::string* error);
  // The same, reading SMTP text with `smtp_text` (the Analyzer shares one
  // with its Extractor, so both read codes and words alike).
  static std::shared_ptr<const ReasonBook> Load(std::shared_ptr<const internal::SmtpText> smtp_text,
                                                std::string* error);

  const ReasonInfo& Info(Reason reason) const;  // every Reason has a row

  // The vendor id ("google", "microsoft", ...) owning any of `hosts` (host
  // names or mail domains, matched by suffix in vendors.tsv order) or, failing
  // that, whose marker appears in `text`. "" when none.
  std::string DetectVendor(const std::vector<std::string_view>& hosts,
                           std::string_view text) const;

  // Picks the reason: vendor wording rules, then generic wording rules, then
  // status-code defaults (vendor-scoped first), then reply-code defaults.
  // In detail: a class-2 status means delivered; wording rules run on the
  // diagnostic (on the context only when the diagnostic matches nothing) and
  // the highest priority, then the earliest row, wins among the rows whose
  // reply/status/command constraints hold. A vendor rule always decides; a
  // generic rule decides unless the status default's strength is at least its
  // priority (and it names another reason). Then the status default; a
  // refusal at CONNECT/HELO/EHLO with no other clue is blocked; then the reply
  // default; Action "delayed" with nothing else is expired; words that match
  // nothing are onhold; no words at all are undefined. The status is taken
  // from the words when the input has none or only "X.0.0". Words found only
  // in `context` never outweigh an exact status code when `diagnostic` is empty.
  Classification Classify(const ClassifyInput& input) const;

  // What Classify judges a diagnostic by: its words normalized (one line, a
  // multi-line reply's repeated prefixes removed) and the codes written in
  // them -- the same reading the Extractor gives the same text.
  struct TextReading {
    std::string words;
    int reply_code = 0;
    EnhancedStatus status;
  };
  TextReading Read(std::string_view diagnostic) const;

  // Whether `reason` is a hard bounce for these codes (notaccept only when
  // the failure is permanent).
  bool IsHardBounce(Reason reason, int reply_code, EnhancedStatus status) const;

  // The first blocklist of data/blocklists.tsv named in `text`, or null.
  const BlocklistInfo* FindBlocklist(std::string_view text) const;

  // Display name ("Gmail") and help page of a vendor id; "" when unknown.
  std::string_view VendorName(std::string_view vendor) const;
  std::string_view VendorUrl(std::string_view vendor) const;

  // The `advice` cell of the row a Classification's rule_id names ("" when
  // none or when the id is not a reason_rules row).
  std::string_view RuleAdvice(std::string_view rule_id) const;

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
