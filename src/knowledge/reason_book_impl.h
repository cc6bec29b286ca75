// Internal pieces of the ReasonBook shared by its loader (reasons_load.cc)
// and its lookups (reasons.cc): the code patterns of the rule and default
// tables, the parsed rows, and ReasonBook::Impl. Not part of the public API.
#ifndef NDR_SRC_KNOWLEDGE_REASON_BOOK_IMPL_H_
#define NDR_SRC_KNOWLEDGE_REASON_BOOK_IMPL_H_

#include <re2/re2.h>
#include <re2/set.h>

#include <array>
#include <cstdint>
#include <cctype>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "knowledge/rule_set.h"
#include "knowledge/template.h"
#include "knowledge/word_finder.h"
#include "ndr/reasons.h"

#include "core/strings.h"

namespace ndr {
namespace internal {
// Kept in their own namespace: other stages have helpers of the same names.
namespace rb {

// ---- small text helpers ------------------------------------------------------
// The string basics are core/strings.h's (ToLower, Trim, ...).
using internal::ToLower;
inline std::string Trim(std::string_view text) { return std::string(internal::Trim(text)); }

inline std::vector<std::string> Split(std::string_view text, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(sep, start);
    if (end == std::string_view::npos) end = text.size();
    std::string part = Trim(text.substr(start, end - start));
    if (!part.empty()) parts.push_back(std::move(part));
    start = end + 1;
  }
  return parts;
}

inline bool ParseInt(std::string_view text, int* out) {
  if (text.empty() || text.size() > 9) return false;
  int value = 0;
  size_t i = 0;
  bool negative = false;
  if (text[0] == '-') {
    negative = true;
    i = 1;
    if (text.size() == 1) return false;
  }
  for (; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  *out = negative ? -value : value;
  return true;
}

inline bool ParseYesNo(std::string_view text, bool* out) {
  if (text == "yes") {
    *out = true;
    return true;
  }
  if (text == "no") {
    *out = false;
    return true;
  }
  return false;
}

// ---- code patterns ---------------------------------------------------------

// "550", "5xx", "55x".
struct ReplyPattern {
  char digits[3] = {'x', 'x', 'x'};
};

inline bool ParseReplyPattern(std::string_view text, ReplyPattern* out) {
  if (text.size() != 3) return false;
  if (text[0] != '2' && text[0] != '4' && text[0] != '5') return false;
  for (int i = 0; i < 3; ++i) {
    char c = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
    if (c != 'x' && (c < '0' || c > '9')) return false;
    out->digits[i] = c;
  }
  return true;
}

inline bool Matches(const ReplyPattern& p, int code) {
  if (code < 200 || code > 599) return false;
  int d[3] = {code / 100, (code / 10) % 10, code % 10};
  for (int i = 0; i < 3; ++i) {
    if (p.digits[i] != 'x' && p.digits[i] - '0' != d[i]) return false;
  }
  return true;
}

// "5.7.26", "X.7.26" (class 4 or 5), "5.7.*", "4.*", "5.7.606-649".
struct StatusPattern {
  int klass = 0;  // 2, 4, 5; 0 = X (4 or 5)
  int subject = -1;  // -1 = any
  int detail_lo = -1, detail_hi = -1;  // -1 = any
};

inline bool ParseStatusPattern(std::string_view text, StatusPattern* out) {
  std::vector<std::string> parts = Split(text, '.');
  if (parts.empty() || parts.size() > 3) return false;
  StatusPattern p;
  const std::string& k = parts[0];
  if (k == "X" || k == "x") {
    p.klass = 0;
  } else if (k == "2" || k == "4" || k == "5") {
    p.klass = k[0] - '0';
  } else {
    return false;
  }
  if (parts.size() >= 2 && parts[1] != "*") {
    if (!ParseInt(parts[1], &p.subject) || p.subject < 0 || p.subject > 999) return false;
  }
  if (parts.size() == 3 && parts[2] != "*") {
    size_t dash = parts[2].find('-');
    if (dash == std::string::npos) {
      if (!ParseInt(parts[2], &p.detail_lo) || p.detail_lo < 0 || p.detail_lo > 999) return false;
      p.detail_hi = p.detail_lo;
    } else {
      if (!ParseInt(std::string_view(parts[2]).substr(0, dash), &p.detail_lo) ||
          !ParseInt(std::string_view(parts[2]).substr(dash + 1), &p.detail_hi) || p.detail_lo < 0 ||
          p.detail_hi > 999 || p.detail_lo > p.detail_hi) {
        return false;
      }
    }
    if (p.subject < 0) return false;  // "5.*.1" makes no sense
  }
  *out = p;
  return true;
}

inline bool Matches(const StatusPattern& p, EnhancedStatus s) {
  if (s.empty()) return false;
  if (p.klass == 0) {
    if (s.klass != 4 && s.klass != 5) return false;
  } else if (p.klass != s.klass) {
    return false;
  }
  if (p.subject >= 0 && p.subject != s.subject) return false;
  if (p.detail_lo >= 0 && (s.detail < p.detail_lo || s.detail > p.detail_hi)) return false;
  return true;
}

// Higher is more specific: the detail counts most, then the subject, then the class.
inline int Specificity(const StatusPattern& p) {
  int detail = p.detail_lo < 0 ? 0 : (p.detail_lo == p.detail_hi ? 2 : 1);
  int subject = p.subject < 0 ? 0 : 1;
  int klass = p.klass == 0 ? 0 : 1;
  return detail * 100 + subject * 10 + klass;
}

// Alternatives joined by "|"; a leading "!" excludes.
template <typename P>
struct Constraint {
  std::vector<P> include;
  std::vector<P> exclude;
  bool empty() const { return include.empty() && exclude.empty(); }
};

template <typename P, typename Parse>
bool ParseConstraint(std::string_view text, Parse parse, Constraint<P>* out) {
  for (const std::string& alt : Split(text, '|')) {
    bool negate = alt[0] == '!';
    P p;
    if (!parse(negate ? std::string_view(alt).substr(1) : std::string_view(alt), &p)) return false;
    (negate ? out->exclude : out->include).push_back(p);
  }
  return true;
}

template <typename P, typename V>
bool Satisfies(const Constraint<P>& c, const V& value) {
  for (const P& p : c.exclude) {
    if (Matches(p, value)) return false;
  }
  if (c.include.empty()) return true;
  for (const P& p : c.include) {
    if (Matches(p, value)) return true;
  }
  return false;
}

// A command constraint value; DATA also covers the reply after the final dot.
struct CommandPattern {
  SmtpCommand command = SmtpCommand::kUnknown;
};

inline bool ParseCommandPattern(std::string_view text, CommandPattern* out) {
  return ParseSmtpCommand(text, &out->command) && out->command != SmtpCommand::kUnknown;
}

inline bool Matches(const CommandPattern& p, SmtpCommand actual) {
  if (actual == SmtpCommand::kUnknown) return false;
  if (p.command == SmtpCommand::kData) {
    return actual == SmtpCommand::kData || actual == SmtpCommand::kDataEnd;
  }
  return p.command == actual;
}


// ---- rows ------------------------------------------------------------------

struct Rule {
  std::string id;
  std::string scope;  // "generic" or a vendor id
  Constraint<ReplyPattern> reply;
  Constraint<StatusPattern> status;
  Constraint<CommandPattern> command;
  Reason reason = Reason::kUndefined;
  int priority = 0;
  std::string advice;
  std::string summary;              // what happened, when the reason's summary does not fit
  bool drop_reason_advice = false;  // reason_advice = drop
  bool has_actor = false;
  Actor actor = Actor::kNobody;
  // retry / suppress: the words' own answer when the reason's would mislead
  // ("temporarily locked" is a suspend that passes).
  bool has_retry = false;
  Retry retry = Retry::kLater;
  bool has_suppress = false;
  bool suppress = false;
  int line = 0;
  std::string pattern;  // matched through its scope's set (Scope::set), which also gives the words
};

struct Scope {
  internal::RuleSet set;
  std::vector<size_t> rules;  // set index -> index into rules
  // set index -> its place in the order rows are tried: higher priority
  // first, ties in table order (set by LoadRules)
  std::vector<size_t> rank;
};

struct Vendor {
  std::string id;
  std::string name;
  std::string url;
  std::vector<std::string> hosts;    // lower-case suffixes
  std::vector<std::string> markers;  // lower-case fragments
};

// The host suffixes of vendors.tsv, found by a hash that VendorOfHost
// computes for every suffix of a host in one pass from its end (each suffix's
// hash extends the next shorter one's), ASCII case ignored: no lower-cased
// copy of the host and no hashing of each suffix anew.
class HostTable {
 public:
  static constexpr size_t kNone = static_cast<size_t>(-1);
  static uint64_t Start() { return 0xcbf29ce484222325ULL; }
  // The hash of c + (the suffix hashed so far).
  static uint64_t Extend(uint64_t hash, char c) {
    return (hash ^ internal::kAsciiLower[static_cast<unsigned char>(c)]) * 0x100000001b3ULL;
  }
  // `host` is lower-case and stays put while the table lives; the first vendor
  // to add a host keeps it.
  void Add(std::string_view host, size_t vendor);
  // The vendor of the suffix `host` (any case) whose hash is `hash`, or kNone.
  size_t Find(uint64_t hash, std::string_view host) const {
    if (slots_.empty()) return kNone;
    for (size_t i = hash & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1)) {
      const Slot& slot = slots_[i];
      if (slot.vendor == kNone) return kNone;
      if (slot.hash == hash && internal::IEquals(slot.host, host)) return slot.vendor;
    }
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    std::string_view host;
    size_t vendor = kNone;
  };
  void Grow();
  std::vector<Slot> slots_;  // open addressing, a power of two, at most half full
  size_t used_ = 0;
};

struct Default {
  int line = 0;
  std::string scope;  // "generic" or a vendor id
  bool is_reply = false;
  int reply = 0;
  StatusPattern status;
  Reason reason = Reason::kUndefined;
  int strength = 0;
  std::string code_text;  // as written in the table
  std::string meaning;
  // Replaces the reason's general advice when this row decides: for a
  // catch-all code whose reason is only a guess (X.7.* is "securityerror").
  std::string advice;
  // Replaces the reason's summary when this row decides (a temporary 4.3.2
  // is not systemerror's "internal error or misconfigured").
  std::string summary;
};

struct Blocklist {
  BlocklistInfo info;  // its pattern is row i of blocklist_set
};

// The steps of data/precedence.tsv, in the order Classify knows them.
enum class Step : uint8_t {
  kReportKindFeedback,
  kReportKindAutoReply,
  kActionSuccess,
  kSuccessStatus,
  kWording,
  kLocalProgram,
  kStatusCode,
  kGreeting,
  kSenderStage,
  kReplyCode,
  kDelayed,
  kUnmatchedWords,
  kNoWords,
};
inline constexpr int kStepCount = static_cast<int>(Step::kNoWords) + 1;
inline constexpr std::array<std::string_view, kStepCount> kStepNames = {
    "report-kind-feedback", "report-kind-auto-reply", "action-success", "success-status",
    "wording",              "local-program",          "status-code",    "greeting",
    "sender-stage",         "reply-code",             "delayed",        "unmatched-words",
    "no-words"};
// Steps that look their reason up in another table (their row has no reason).
inline bool StepLooksUp(Step s) {
  return s == Step::kWording || s == Step::kStatusCode || s == Step::kReplyCode;
}

struct PrecedenceRow {
  Step step = Step::kNoWords;
  Reason reason = Reason::kUndefined;  // for steps with a fixed reason
  internal::Template evidence;         // read once, when the table loads
  int line = 0;
};

// Where a candidate reason came from.
struct Candidate {
  const Rule* rule = nullptr;
  bool vendor = false;
  bool from_context = false;
  std::string matched;
};


}  // namespace rb
}  // namespace internal

struct ReasonBook::Impl {
  using Rule = internal::rb::Rule;
  using Scope = internal::rb::Scope;
  using Vendor = internal::rb::Vendor;
  using Default = internal::rb::Default;
  using Blocklist = internal::rb::Blocklist;
  using Candidate = internal::rb::Candidate;
  using PrecedenceRow = internal::rb::PrecedenceRow;

  std::array<ReasonInfo, kReasonCount> infos;
  std::vector<Rule> rules;
  std::unordered_map<std::string, size_t> rule_by_id;
  // By line of reason_rules.tsv: the index of the row there, or -1. A
  // RuleRef made by Classify names its line: its row is found without
  // hashing its id (FindRule).
  std::vector<int> rule_at_line;
  Scope generic;
  // By vendor id (views of the vendors' ids, which stay put after loading).
  std::unordered_map<std::string_view, Scope> vendor_scopes;
  std::vector<Vendor> vendors;
  // Lookups built from `vendors` (answers in table order: the lowest index wins):
  std::unordered_map<std::string_view, size_t> vendor_by_id;
  internal::rb::HostTable vendor_by_host;  // host suffix -> first vendor that lists it
  std::unique_ptr<RE2::Set> vendor_markers;                  // every marker, bytes as written
  std::vector<size_t> vendor_of_marker;                      // set index -> vendor index
  // The same markers (same indices) for ASCII texts: a scan finds the set's
  // automaton out of cache, and its pass waits on memory at nearly every
  // byte; WordFinder's small tables cost far less (VendorOfWords).
  internal::WordFinder vendor_marker_finder;
  std::vector<Default> status_defaults;
  std::vector<Default> reply_defaults;
  // The rows of both default tables by scope ("generic" or a vendor id), in
  // table order: a lookup reads only the rows of the scopes it asks.
  struct ScopeDefaults {
    // The status rows by the subject they name (by_subject[s], s.* and s.d
    // rows), and the rows that name none (X.*, 5.*.d): a status is compared
    // with only those two lists, not with every row of the scope.
    std::vector<std::vector<const Default*>> status_by_subject;
    std::vector<const Default*> status_any_subject;
    std::vector<const Default*> reply;
  };
  std::unordered_map<std::string_view, ScopeDefaults> defaults_by_scope;  // views of the rows' scopes
  const ScopeDefaults* generic_defaults = nullptr;  // defaults_by_scope's "generic" (every lookup falls back to it)
  std::vector<Blocklist> blocklists;
  internal::RuleSet blocklist_set;  // the blocklist patterns, in table order: one pass finds the candidates
  std::shared_ptr<const internal::SmtpText> smtp;  // the reading of codes and words
  std::vector<PrecedenceRow> precedence;  // in table order
  std::unordered_map<std::string_view, std::string> phrases;  // explanations.tsv: id (in phrase_ids) -> text
  std::deque<std::string> phrase_ids;
  // The wording step's evidence sentences, looked up and read once
  // (LoadPhrases): words of the vendor's own row, of a generic row, of a row
  // matching the report's text; and those of the status and reply code steps.
  internal::Template evidence_wording_vendor, evidence_wording, evidence_wording_context;
  internal::Template evidence_status, evidence_reply;
  // A phrase of explanations.tsv by id, "" when there is none.
  std::string_view PhraseText(std::string_view id) const {
    auto it = phrases.find(id);
    return it == phrases.end() ? std::string_view() : std::string_view(it->second);
  }

  // The row `ref` names (by its line, else by its id), or null.
  const Rule* FindRule(const RuleRef& ref) const {
    if (ref.line > 0 && static_cast<size_t>(ref.line) < rule_at_line.size()) {
      const int at = rule_at_line[static_cast<size_t>(ref.line)];
      if (at >= 0 && rules[static_cast<size_t>(at)].id == ref.row) return &rules[static_cast<size_t>(at)];
    }
    auto it = rule_by_id.find(ref.row);
    return it == rule_by_id.end() ? nullptr : &rules[it->second];
  }

  const Vendor* FindVendor(std::string_view id) const {
    if (id.empty()) return nullptr;
    auto it = vendor_by_id.find(id);
    return it == vendor_by_id.end() ? nullptr : &vendors[it->second];
  }

  bool LoadReasons(std::string* error);
  bool LoadVendors(std::string* error);
  bool LoadRules(std::string* error);
  bool LoadDefaults(std::string* error);
  bool LoadBlocklists(std::string* error);
  bool LoadPrecedence(std::string* error);
  bool LoadPhrases(std::string* error);

  // Whether `reason` can be the verdict of a refusal at `command`: not one
  // on the recipient's address before the recipient was named.
  bool Fits(Reason reason, SmtpCommand command) const;
  // The best rule of one scope matching `text`, or a null rule; *failed is
  // set when the pattern set could not be matched (out of DFA memory).
  Candidate BestIn(const Scope& scope, bool vendor, std::string_view text, const ClassifyInput& in,
                   int reply, EnhancedStatus status, bool* failed) const;
  const ScopeDefaults* DefaultsOf(std::string_view scope) const;  // null for "" or a scope without rows
  // The default row for a code: `vendor_rows`' (DefaultsOf the vendor; null
  // for none), else the generic one; null when neither has a row.
  const Default* StatusDefault(EnhancedStatus status, const ScopeDefaults* vendor_rows) const;
  const Default* ReplyDefault(int reply, const ScopeDefaults* vendor_rows) const;
};

namespace internal {

// ReasonBook::Load in two steps. The tables do not read SMTP text while they
// load, so the Analyzer compiles them on one thread while the SmtpText (and
// its other tables) compile on another, and joins the two here.
// Null with *error set as ReasonBook::Load sets it.
std::unique_ptr<ReasonBook::Impl> LoadReasonTables(std::string* error);
std::shared_ptr<const ReasonBook> MakeReasonBook(std::unique_ptr<ReasonBook::Impl> tables,
                                                 std::shared_ptr<const SmtpText> smtp_text);

}  // namespace internal

}  // namespace ndr

#endif  // NDR_SRC_KNOWLEDGE_REASON_BOOK_IMPL_H_
