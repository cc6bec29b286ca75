// Why mail bounced: the reason vocabulary with plain-language advice
// (data/reasons.tsv) and the classification rules that pick a reason from
// codes and wording (data/status_defaults.tsv, data/reason_rules.tsv,
// data/vendors.tsv), compiled into the binary and matched with RE2::Set.
//
// A ReasonBook is immutable after Load() and safe to share between threads.
#ifndef NDR_REASONS_H_
#define NDR_REASONS_H_

#include <cstdint>
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
  // A blocklist the server names explains this reason (reasons.tsv `blocklist`).
  bool names_blocklist = false;
  // A verdict on the recipient's own address or mailbox, which a server
  // cannot give before RCPT TO names the recipient (reasons.tsv `needs_recipient`).
  bool needs_recipient = false;
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
  // The report as a whole is a feedback (complaint) report / an auto-reply.
  bool feedback_report = false;
  bool auto_reply = false;
  std::string_view feedback_type;  // its Feedback-Type, for the evidence
  // The diagnostic comes from a local delivery program (Diagnostic-Code type
  // X-Unix), not from an SMTP server.
  bool from_local_program = false;
  // The vendor that wrote the report, when its own wording rules may take
  // over (no server beyond it is named, and it is not `vendor`): when the
  // words do not decide by `vendor`'s own rules but do by this vendor's,
  // Classify answers as it would with `vendor` set to this one (decided_by
  // then names its row). "" for none. The words are read once for both.
  std::string_view writer_vendor;
};

// Which table and which row decided: a typed value, never a string to parse.
enum class RuleTable : uint8_t {
  kNone,
  kReasonRules,     // data/reason_rules.tsv (words)
  kStatusDefaults,  // data/status_defaults.tsv (a status or reply code)
  kPrecedence,      // data/precedence.tsv (a step with a fixed reason)
};
std::string_view RuleTableName(RuleTable table);  // "reason_rules.tsv", "" for kNone

struct RuleRef {
  RuleTable table = RuleTable::kNone;
  std::string row;    // reason_rules: the id; status_defaults: the code as written; precedence: the step
  std::string scope;  // reason_rules and status_defaults: "generic" or a vendor id
  int line = 0;       // the row's line in data/<table>
  bool empty() const { return table == RuleTable::kNone; }
  // Whether a wording rule (reason_rules.tsv) of `vendor`'s own: false for "".
  bool IsWordingOf(std::string_view vendor) const {
    return !vendor.empty() && table == RuleTable::kReasonRules && scope == vendor;
  }
  // "reason_rules.tsv:user-unknown", "status_defaults.tsv:X.2.1@google", for people and logs.
  std::string ToString() const;
};

// What a code alone says (its status_defaults.tsv row), kept beside the
// reason so that an explanation can tell when the words decided against it.
struct CodeReading {
  std::string code;     // "5.2.1", "552"; "" when the table has no row for the code
  std::string meaning;  // the row's meaning: "mailbox disabled, not accepting messages"
  Reason reason = Reason::kUndefined;
  int strength = 0;     // 0: a vague code ("other or undefined") that names no reason
  bool present() const { return !code.empty(); }
};

struct Classification {
  Reason reason = Reason::kUndefined;
  RuleRef decided_by;    // the row that decided
  std::string evidence;  // for people: "Gmail's wording 'domain's DMARC policy'"
  std::string advice;    // the deciding row's own advice ("" when it has none)
  std::string words;     // the words that decided, when a wording rule did
  CodeReading status_reading;  // what the status code alone says
  CodeReading reply_reading;   // what the reply code alone says
  // Set when matching failed (RE2 ran out of DFA memory): the reason may be
  // wrong, and the caller must report it as a problem.
  std::string problem;
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

  // The vendor id ("google", "microsoft", ...) owning a host name or a mail
  // domain ("dns; MX.Example.COM.", "jo@gmail.com"): a suffix of vendors.tsv's
  // `hosts` on label boundaries, the first row in table order. "" when none.
  // (Views of the book's own text, valid while it lives.)
  std::string_view VendorOfHost(std::string_view host) const;
  // The vendor whose marker (vendors.tsv `markers`: words only its own
  // servers write, such as Google's "- gsmtp") a server's words carry. "" when none.
  std::string_view VendorOfWords(std::string_view words) const;
  // The first of `hosts` that names a vendor, else the vendor of `text`'s markers.
  std::string DetectVendor(const std::vector<std::string_view>& hosts,
                           std::string_view text) const;

  // Picks the reason by the steps of data/precedence.tsv, in its order (that
  // table and the comment at the top of src/knowledge/reasons.cc are the one
  // description of what outranks what). Never throws; a matching failure is
  // reported in Classification::problem.
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

  // The blocklist of data/blocklists.tsv that `text` names first (the
  // earliest match; on a tie, the earlier row), or null.
  const BlocklistInfo* FindBlocklist(std::string_view text) const;
  // The blocklist with this id (a record's `blocklist`), or null.
  const BlocklistInfo* BlocklistById(std::string_view id) const;

  // Display name ("Gmail") and help page of a vendor id; "" when unknown.
  std::string_view VendorName(std::string_view vendor) const;
  std::string_view VendorUrl(std::string_view vendor) const;

  // The `advice` cell of the reason_rules.tsv row `rule` names ("" when none
  // or when `rule` is not a reason_rules.tsv row).
  std::string_view RuleAdvice(const RuleRef& rule) const;

  // What the deciding row adds to its reason's guidance: a reason_rules.tsv
  // row's advice, summary, actor, retry and suppress, or a status_defaults.tsv row's advice
  // (which then replaces the reason's) and summary; all empty for other rows.
  struct RuleGuidance {
    std::string_view advice;      // the row's own advice
    std::string_view summary;     // what happened, replacing the reason's summary ("" = keep it)
    bool drop_reason_advice = false;  // the reason's general advice does not fit these words
    bool has_actor = false;       // the row names who must act, instead of the reason's actor
    Actor actor = Actor::kNobody;
    bool has_retry = false;       // the row says whether to send again, instead of the reason
    Retry retry = Retry::kLater;
    bool has_suppress = false;    // the row says whether to keep the address, instead of the reason
    bool suppress = false;
  };
  RuleGuidance Guidance(const RuleRef& rule) const;

  // A sentence of data/explanations.tsv by its id, "" when there is none
  // (every id explain.cc uses is checked by a test).
  std::string_view Phrase(std::string_view id) const;

  // How many wording rules a scope has, for tests ("generic" or a vendor id).
  size_t RuleCount(std::string_view scope) const;

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
