// ReasonBook: loads data/reasons.tsv, reason_rules.tsv, status_defaults.tsv,
// vendors.tsv and blocklists.tsv, validates every row, compiles one RE2::Set
// per scope, and classifies a recipient's codes and words into a Reason.
//
// Precedence (also written in data/README.md):
//   1. An enhanced status of class 2 means delivered.
//   2. Wording rules on the diagnostic (or, when nothing there matches, on the
//      context text): the detected vendor's rules first, then generic rules;
//      rows whose reply/status/command constraints fail are dropped; the
//      highest priority wins, then the earliest row.
//   3. A vendor rule always decides. A generic rule decides unless the status
//      default for the code (vendor-scoped row first) is stronger: a generic
//      rule beats a status default only when its priority exceeds the
//      default's strength.
//   4. Status default; then a greeting/HELO refusal with no other clue means
//      blocked; then the reply-code default; then Action: delayed means
//      expired; then onhold when there are words; else undefined.
#include "ndr/reasons.h"

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <unordered_map>
#include <utility>

#include "knowledge/reason_text.h"
#include "knowledge/rule_set.h"
#include "knowledge/tsv.h"

namespace ndr {
namespace {

using internal::TsvRow;
using internal::TsvTable;

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Trim(std::string_view text) {
  size_t b = 0, e = text.size();
  while (b < e && std::isspace(static_cast<unsigned char>(text[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(text[e - 1]))) --e;
  return std::string(text.substr(b, e - b));
}

std::vector<std::string> Split(std::string_view text, char sep) {
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

bool ParseInt(std::string_view text, int* out) {
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

bool ParseYesNo(std::string_view text, bool* out) {
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

bool ParseReplyPattern(std::string_view text, ReplyPattern* out) {
  if (text.size() != 3) return false;
  if (text[0] != '2' && text[0] != '4' && text[0] != '5') return false;
  for (int i = 0; i < 3; ++i) {
    char c = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
    if (c != 'x' && (c < '0' || c > '9')) return false;
    out->digits[i] = c;
  }
  return true;
}

bool Matches(const ReplyPattern& p, int code) {
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

bool ParseStatusPattern(std::string_view text, StatusPattern* out) {
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

bool Matches(const StatusPattern& p, EnhancedStatus s) {
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
int Specificity(const StatusPattern& p) {
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

bool ParseCommandPattern(std::string_view text, CommandPattern* out) {
  return ParseSmtpCommand(text, &out->command) && out->command != SmtpCommand::kUnknown;
}

bool Matches(const CommandPattern& p, SmtpCommand actual) {
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
  int line = 0;
  std::unique_ptr<RE2> re;  // the pattern alone, for the words it matched
};

struct Scope {
  internal::RuleSet set;
  std::vector<size_t> rules;  // set index -> index into rules
};

struct Vendor {
  std::string id;
  std::string name;
  std::string url;
  std::vector<std::string> hosts;    // lower-case suffixes
  std::vector<std::string> markers;  // lower-case fragments
};

struct Default {
  std::string scope;  // "generic" or a vendor id
  bool is_reply = false;
  int reply = 0;
  StatusPattern status;
  Reason reason = Reason::kUndefined;
  int strength = 0;
  std::string code_text;  // as written in the table
  std::string meaning;
};

struct Blocklist {
  BlocklistInfo info;
  std::unique_ptr<RE2> re;
};

// Where a candidate reason came from.
struct Candidate {
  const Rule* rule = nullptr;
  bool vendor = false;
  bool from_context = false;
  std::string matched;
};

}  // namespace

struct ReasonBook::Impl {
  std::array<ReasonInfo, kReasonCount> infos;
  std::vector<Rule> rules;
  std::unordered_map<std::string, size_t> rule_by_id;
  Scope generic;
  std::unordered_map<std::string, Scope> vendor_scopes;
  std::vector<Vendor> vendors;
  std::vector<Default> status_defaults;
  std::vector<Default> reply_defaults;
  std::vector<Blocklist> blocklists;

  const Vendor* FindVendor(std::string_view id) const {
    for (const Vendor& v : vendors) {
      if (v.id == id) return &v;
    }
    return nullptr;
  }

  bool LoadReasons(std::string* error);
  bool LoadVendors(std::string* error);
  bool LoadRules(std::string* error);
  bool LoadDefaults(std::string* error);
  bool LoadBlocklists(std::string* error);

  // The best rule of one scope matching `text`, or a null rule.
  Candidate BestIn(const Scope& scope, bool vendor, std::string_view text, const ClassifyInput& in,
                   int reply, EnhancedStatus status) const;
  const Default* StatusDefault(EnhancedStatus status, std::string_view vendor) const;
  const Default* ReplyDefault(int reply, std::string_view vendor) const;
};

// ---- loading ---------------------------------------------------------------

bool ReasonBook::Impl::LoadReasons(std::string* error) {
  TsvTable t;
  if (!internal::LoadEmbeddedTsv("reasons.tsv",
                                 {"reason", "summary", "actor", "retry", "suppress", "hard", "advice"},
                                 &t, error)) {
    return false;
  }
  std::array<bool, kReasonCount> seen{};
  for (const TsvRow& row : t.rows) {
    Reason reason;
    if (!ParseReason(t.Cell(row, "reason"), &reason)) {
      *error = t.Where(row, "unknown reason '" + std::string(t.Cell(row, "reason")) + "'");
      return false;
    }
    int index = static_cast<int>(reason);
    if (seen[index]) {
      *error = t.Where(row, "second row for reason '" + std::string(ReasonName(reason)) + "'");
      return false;
    }
    seen[index] = true;
    ReasonInfo& info = infos[index];
    info.reason = reason;
    info.summary = Trim(t.Cell(row, "summary"));
    info.advice = Trim(t.Cell(row, "advice"));
    if (info.summary.empty() || info.advice.empty()) {
      *error = t.Where(row, "summary and advice must not be empty");
      return false;
    }
    if (!ParseActor(t.Cell(row, "actor"), &info.actor)) {
      *error = t.Where(row, "unknown actor '" + std::string(t.Cell(row, "actor")) + "'");
      return false;
    }
    if (!ParseRetry(t.Cell(row, "retry"), &info.retry)) {
      *error = t.Where(row, "retry must be now, later or never");
      return false;
    }
    if (!ParseYesNo(t.Cell(row, "suppress"), &info.suppress)) {
      *error = t.Where(row, "suppress must be yes or no");
      return false;
    }
    std::string_view hard = t.Cell(row, "hard");
    if (hard == "5xx") {
      info.hard = true;
      info.hard_needs_permanent = true;
    } else if (!ParseYesNo(hard, &info.hard)) {
      *error = t.Where(row, "hard must be yes, no or 5xx");
      return false;
    }
  }
  for (int i = 0; i < kReasonCount; ++i) {
    if (!seen[i]) {
      *error = "data/reasons.tsv: no row for reason '" + std::string(ReasonName(static_cast<Reason>(i))) +
               "'";
      return false;
    }
  }
  return true;
}

bool ReasonBook::Impl::LoadVendors(std::string* error) {
  TsvTable t;
  if (!internal::LoadEmbeddedTsv("vendors.tsv", {"vendor", "name", "hosts", "markers"}, &t, error)) {
    return false;
  }
  for (const TsvRow& row : t.rows) {
    Vendor v;
    v.id = Trim(t.Cell(row, "vendor"));
    v.name = Trim(t.Cell(row, "name"));
    v.url = Trim(t.Cell(row, "url"));
    if (v.id.empty() || v.name.empty() || v.id == "generic") {
      *error = t.Where(row, "vendor id and name must be set (and the id must not be 'generic')");
      return false;
    }
    if (FindVendor(v.id) != nullptr) {
      *error = t.Where(row, "duplicate vendor id '" + v.id + "'");
      return false;
    }
    for (const std::string& h : Split(t.Cell(row, "hosts"), ' ')) {
      std::string host = Lower(h);
      while (!host.empty() && host.front() == '.') host.erase(0, 1);
      if (!host.empty()) v.hosts.push_back(host);
    }
    // Markers keep their spaces as written (" - gsmtp").
    std::string_view cell = t.Cell(row, "markers");
    size_t start = 0;
    while (start <= cell.size()) {
      size_t end = cell.find('|', start);
      if (end == std::string_view::npos) end = cell.size();
      std::string marker = Lower(cell.substr(start, end - start));
      if (!Trim(marker).empty()) v.markers.push_back(marker);
      start = end + 1;
    }
    if (v.hosts.empty() && v.markers.empty()) {
      *error = t.Where(row, "a vendor needs hosts or markers");
      return false;
    }
    vendors.push_back(std::move(v));
  }
  return true;
}

bool ReasonBook::Impl::LoadRules(std::string* error) {
  TsvTable t;
  if (!internal::LoadEmbeddedTsv("reason_rules.tsv",
                                 {"id", "scope", "reply", "status", "command", "pattern", "reason",
                                  "priority", "sample", "source"},
                                 &t, error)) {
    return false;
  }
  for (const TsvRow& row : t.rows) {
    Rule r;
    r.line = row.line;
    r.id = Trim(t.Cell(row, "id"));
    if (r.id.empty()) {
      *error = t.Where(row, "empty id");
      return false;
    }
    for (char c : r.id) {
      if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
            c == '-')) {
        *error = t.Where(row, "id '" + r.id + "' may use only a-z, 0-9 and '-'");
        return false;
      }
    }
    if (rule_by_id.count(r.id) != 0) {
      *error = t.Where(row, "duplicate id '" + r.id + "'");
      return false;
    }
    r.scope = Trim(t.Cell(row, "scope"));
    if (r.scope != "generic" && FindVendor(r.scope) == nullptr) {
      *error = t.Where(row, "scope '" + r.scope + "' is neither generic nor a vendor of vendors.tsv");
      return false;
    }
    if (!ParseConstraint<ReplyPattern>(t.Cell(row, "reply"), ParseReplyPattern, &r.reply)) {
      *error = t.Where(row, "bad reply constraint '" + std::string(t.Cell(row, "reply")) + "'");
      return false;
    }
    if (!ParseConstraint<StatusPattern>(t.Cell(row, "status"), ParseStatusPattern, &r.status)) {
      *error = t.Where(row, "bad status constraint '" + std::string(t.Cell(row, "status")) + "'");
      return false;
    }
    if (!ParseConstraint<CommandPattern>(t.Cell(row, "command"), ParseCommandPattern, &r.command)) {
      *error = t.Where(row, "bad command constraint '" + std::string(t.Cell(row, "command")) + "'");
      return false;
    }
    if (!ParseReason(t.Cell(row, "reason"), &r.reason)) {
      *error = t.Where(row, "unknown reason '" + std::string(t.Cell(row, "reason")) + "'");
      return false;
    }
    if (!ParseInt(t.Cell(row, "priority"), &r.priority) || r.priority < 0) {
      *error = t.Where(row, "priority must be a non-negative integer");
      return false;
    }
    r.advice = Trim(t.Cell(row, "advice"));
    std::string_view pattern = t.Cell(row, "pattern");
    std::string_view sample = t.Cell(row, "sample");
    if (pattern.empty() || sample.empty() || t.Cell(row, "source").empty()) {
      *error = t.Where(row, "pattern, sample and source must be set");
      return false;
    }
    std::string why;
    r.re = internal::CompilePattern(pattern, &why);
    if (r.re == nullptr) {
      *error = t.Where(row, "pattern of '" + r.id + "' does not compile: " + why);
      return false;
    }
    if (!RE2::PartialMatch(internal::NormalizeDiagnostic(sample), *r.re)) {
      *error = t.Where(row, "sample of '" + r.id + "' does not match its own pattern");
      return false;
    }
    Scope& scope = r.scope == "generic" ? generic : vendor_scopes[r.scope];
    int index = scope.set.Add(pattern, &why);
    if (index < 0) {
      *error = t.Where(row, "pattern of '" + r.id + "' rejected by RE2::Set: " + why);
      return false;
    }
    if (static_cast<size_t>(index) != scope.rules.size()) {
      *error = t.Where(row, "internal error: RE2::Set index out of step");
      return false;
    }
    scope.rules.push_back(rules.size());
    rule_by_id.emplace(r.id, rules.size());
    rules.push_back(std::move(r));
  }
  std::string why;
  if (!generic.set.Compile(&why)) {
    *error = "data/reason_rules.tsv: generic rules: " + why;
    return false;
  }
  for (auto& [name, scope] : vendor_scopes) {
    if (!scope.set.Compile(&why)) {
      *error = "data/reason_rules.tsv: rules of " + name + ": " + why;
      return false;
    }
  }
  return true;
}

bool ReasonBook::Impl::LoadDefaults(std::string* error) {
  TsvTable t;
  if (!internal::LoadEmbeddedTsv("status_defaults.tsv", {"code", "scope", "reason", "strength", "meaning"},
                                 &t, error)) {
    return false;
  }
  for (const TsvRow& row : t.rows) {
    Default d;
    d.code_text = Trim(t.Cell(row, "code"));
    d.scope = Trim(t.Cell(row, "scope"));
    d.meaning = Trim(t.Cell(row, "meaning"));
    if (d.scope != "generic" && FindVendor(d.scope) == nullptr) {
      *error = t.Where(row, "scope '" + d.scope + "' is neither generic nor a vendor of vendors.tsv");
      return false;
    }
    if (d.code_text.size() == 3 && d.code_text.find('.') == std::string::npos) {
      d.is_reply = true;
      if (!ParseInt(d.code_text, &d.reply) || d.reply < 200 || d.reply > 599) {
        *error = t.Where(row, "bad reply code '" + d.code_text + "'");
        return false;
      }
    } else if (!ParseStatusPattern(d.code_text, &d.status)) {
      *error = t.Where(row, "bad status code '" + d.code_text + "'");
      return false;
    }
    if (!ParseReason(t.Cell(row, "reason"), &d.reason)) {
      *error = t.Where(row, "unknown reason '" + std::string(t.Cell(row, "reason")) + "'");
      return false;
    }
    if (!ParseInt(t.Cell(row, "strength"), &d.strength) || d.strength < 0) {
      *error = t.Where(row, "strength must be a non-negative integer");
      return false;
    }
    if (d.meaning.empty()) {
      *error = t.Where(row, "meaning must not be empty");
      return false;
    }
    auto& list = d.is_reply ? reply_defaults : status_defaults;
    for (const Default& other : list) {
      if (other.scope == d.scope && other.code_text == d.code_text) {
        *error = t.Where(row, "second row for " + d.scope + " " + d.code_text);
        return false;
      }
    }
    list.push_back(std::move(d));
  }
  return true;
}

bool ReasonBook::Impl::LoadBlocklists(std::string* error) {
  TsvTable t;
  if (!internal::LoadEmbeddedTsv("blocklists.tsv", {"id", "name", "pattern", "listed", "lookup", "who"}, &t,
                                 error)) {
    return false;
  }
  for (const TsvRow& row : t.rows) {
    Blocklist b;
    b.info.id = Trim(t.Cell(row, "id"));
    b.info.name = Trim(t.Cell(row, "name"));
    b.info.listed = Trim(t.Cell(row, "listed"));
    b.info.lookup = Trim(t.Cell(row, "lookup"));
    b.info.who = Trim(t.Cell(row, "who"));
    b.info.note = Trim(t.Cell(row, "note"));
    if (b.info.id.empty() || b.info.name.empty() || b.info.lookup.empty()) {
      *error = t.Where(row, "id, name and lookup must be set");
      return false;
    }
    std::string why;
    b.re = internal::CompilePattern(t.Cell(row, "pattern"), &why);
    if (b.re == nullptr) {
      *error = t.Where(row, "pattern does not compile: " + why);
      return false;
    }
    std::string_view sample = t.Cell(row, "sample");
    if (!sample.empty() && !RE2::PartialMatch(sample, *b.re)) {
      *error = t.Where(row, "sample does not match its own pattern");
      return false;
    }
    blocklists.push_back(std::move(b));
  }
  return true;
}

std::shared_ptr<const ReasonBook> ReasonBook::Load(std::string* error) {
  std::string ignored;
  if (error == nullptr) error = &ignored;
  auto impl = std::make_unique<Impl>();
  if (!impl->LoadReasons(error) || !impl->LoadVendors(error) || !impl->LoadRules(error) ||
      !impl->LoadDefaults(error) || !impl->LoadBlocklists(error)) {
    return nullptr;
  }
  return std::make_shared<const ReasonBook>(std::move(impl));
}

ReasonBook::ReasonBook(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ReasonBook::~ReasonBook() = default;

const ReasonInfo& ReasonBook::Info(Reason reason) const {
  int index = static_cast<int>(reason);
  if (index < 0 || index >= kReasonCount) index = 0;
  return impl_->infos[index];
}

// ---- vendors ----------------------------------------------------------------

namespace {

// "dns; MX.Example.COM." -> "mx.example.com"; "jo@gmail.com" -> "gmail.com";
// "[192.0.2.1]" -> "192.0.2.1".
std::string CleanHost(std::string_view raw) {
  std::string host = Lower(Trim(raw));
  if (host.compare(0, 4, "dns;") == 0) host = Trim(std::string_view(host).substr(4));
  size_t at = host.rfind('@');
  if (at != std::string::npos) host.erase(0, at + 1);
  while (!host.empty() && (host.back() == '.' || host.back() == '>' || host.back() == ']')) host.pop_back();
  while (!host.empty() && (host.front() == '[' || host.front() == '<' || host.front() == '.')) {
    host.erase(0, 1);
  }
  size_t space = host.find_first_of(" \t(");
  if (space != std::string::npos) host.erase(space);
  return host;
}

bool HostHasSuffix(std::string_view host, std::string_view suffix) {
  if (host.empty() || suffix.empty() || host.size() < suffix.size()) return false;
  if (host.compare(host.size() - suffix.size(), suffix.size(), suffix) != 0) return false;
  return host.size() == suffix.size() || host[host.size() - suffix.size() - 1] == '.';
}

}  // namespace

std::string ReasonBook::DetectVendor(const std::vector<std::string_view>& hosts,
                                     std::string_view text) const {
  for (std::string_view raw : hosts) {
    std::string host = CleanHost(raw);
    if (host.empty()) continue;
    for (const Vendor& v : impl_->vendors) {
      for (const std::string& suffix : v.hosts) {
        if (HostHasSuffix(host, suffix)) return v.id;
      }
    }
  }
  if (text.empty()) return {};
  std::string lower = Lower(text);
  for (const Vendor& v : impl_->vendors) {
    for (const std::string& marker : v.markers) {
      if (lower.find(marker) != std::string::npos) return v.id;
    }
  }
  return {};
}

std::string_view ReasonBook::VendorName(std::string_view vendor) const {
  const Vendor* v = impl_->FindVendor(vendor);
  return v == nullptr ? std::string_view() : std::string_view(v->name);
}

std::string_view ReasonBook::VendorUrl(std::string_view vendor) const {
  const Vendor* v = impl_->FindVendor(vendor);
  return v == nullptr ? std::string_view() : std::string_view(v->url);
}

std::string_view ReasonBook::RuleAdvice(std::string_view rule_id) const {
  constexpr std::string_view kPrefix = "reason_rules:";
  if (rule_id.substr(0, kPrefix.size()) != kPrefix) return {};
  auto it = impl_->rule_by_id.find(std::string(rule_id.substr(kPrefix.size())));
  if (it == impl_->rule_by_id.end()) return {};
  return impl_->rules[it->second].advice;
}

const BlocklistInfo* ReasonBook::FindBlocklist(std::string_view text) const {
  if (text.empty()) return nullptr;
  std::string normalized = internal::NormalizeDiagnostic(text);
  for (const Blocklist& b : impl_->blocklists) {
    if (RE2::PartialMatch(normalized, *b.re)) return &b.info;
  }
  return nullptr;
}

bool ReasonBook::IsHardBounce(Reason reason, int reply_code, EnhancedStatus status) const {
  const ReasonInfo& info = Info(reason);
  if (!info.hard) return false;
  if (!info.hard_needs_permanent) return true;
  if (!status.empty()) return status.klass == 5;
  return reply_code >= 500 && reply_code <= 599;
}

// ---- classification ---------------------------------------------------------

Candidate ReasonBook::Impl::BestIn(const Scope& scope, bool vendor, std::string_view text,
                                   const ClassifyInput& in, int reply, EnhancedStatus status) const {
  Candidate best;
  if (text.empty() || scope.set.size() == 0) return best;
  for (int hit : scope.set.Match(text)) {
    const Rule& r = rules[scope.rules[static_cast<size_t>(hit)]];
    if (!r.reply.empty() && !Satisfies(r.reply, reply)) continue;
    if (!r.status.empty() && !Satisfies(r.status, status)) continue;
    if (!r.command.empty() && !Satisfies(r.command, in.command)) continue;
    // Hits come in row order, so only a strictly higher priority replaces.
    if (best.rule == nullptr || r.priority > best.rule->priority) best.rule = &r;
  }
  if (best.rule != nullptr) {
    best.vendor = vendor;
    best.matched = std::string(internal::FirstMatch(*best.rule->re, text));
  }
  return best;
}

const Default* ReasonBook::Impl::StatusDefault(EnhancedStatus status, std::string_view vendor) const {
  if (status.empty()) return nullptr;
  for (int pass = 0; pass < 2; ++pass) {
    std::string_view scope = pass == 0 ? vendor : std::string_view("generic");
    if (scope.empty()) continue;
    const Default* best = nullptr;
    int best_spec = -1;
    for (const Default& d : status_defaults) {
      if (d.scope != scope || !Matches(d.status, status)) continue;
      int spec = Specificity(d.status);
      if (spec > best_spec) {
        best = &d;
        best_spec = spec;
      }
    }
    if (best != nullptr) return best;
  }
  return nullptr;
}

const Default* ReasonBook::Impl::ReplyDefault(int reply, std::string_view vendor) const {
  if (reply == 0) return nullptr;
  for (int pass = 0; pass < 2; ++pass) {
    std::string_view scope = pass == 0 ? vendor : std::string_view("generic");
    if (scope.empty()) continue;
    for (const Default& d : reply_defaults) {
      if (d.scope == scope && d.reply == reply) return &d;
    }
  }
  return nullptr;
}

namespace {

std::string Quote(std::string_view words) {
  constexpr size_t kMax = 100;
  std::string w(words.substr(0, kMax));
  if (words.size() > kMax) w += "...";
  return "'" + w + "'";
}

}  // namespace

Classification ReasonBook::Classify(const ClassifyInput& in) const {
  Classification out;
  std::string text = internal::NormalizeDiagnostic(in.diagnostic);
  std::string context = internal::NormalizeDiagnostic(in.context);

  // The codes to judge by: as given, else as written in the words.
  EnhancedStatus status = in.status;
  bool status_from_text = false;
  if (status.empty() || (status.subject == 0 && status.detail == 0)) {
    EnhancedStatus found = internal::FindStatusInText(text);
    if (!found.empty() && !(found.subject == 0 && found.detail == 0) &&
        (found.klass != 2 || status.empty())) {
      status = found;
      status_from_text = true;
    }
  }
  int reply = in.reply_code != 0 ? in.reply_code : internal::LeadingReplyCode(text);

  if (status.klass == 2) {
    out.reason = Reason::kDelivered;
    out.rule_id = "status_defaults:2.*.*";
    out.evidence = "status " + status.ToString() + " (success)";
    return out;
  }

  // Wording rules: vendor first, then generic; diagnostic first, then context.
  const Scope* vendor_scope = nullptr;
  if (!in.vendor.empty()) {
    auto it = impl_->vendor_scopes.find(std::string(in.vendor));
    if (it != impl_->vendor_scopes.end()) vendor_scope = &it->second;
  }
  Candidate best;
  for (int source = 0; source < 2 && best.rule == nullptr; ++source) {
    std::string_view words = source == 0 ? std::string_view(text) : std::string_view(context);
    if (words.empty()) continue;
    if (vendor_scope != nullptr) best = impl_->BestIn(*vendor_scope, true, words, in, reply, status);
    if (best.rule == nullptr) best = impl_->BestIn(impl_->generic, false, words, in, reply, status);
    best.from_context = source == 1;
  }

  const Default* sd = impl_->StatusDefault(status, in.vendor);
  std::string_view vendor_name = VendorName(in.vendor);

  if (best.rule != nullptr && (best.vendor || sd == nullptr || best.rule->priority > sd->strength)) {
    out.reason = best.rule->reason;
    out.rule_id = "reason_rules:" + best.rule->id;
    out.advice = best.rule->advice;
    if (best.vendor) {
      out.evidence = std::string(vendor_name) + "'s wording: " + Quote(best.matched);
    } else if (best.from_context) {
      out.evidence = "wording in the report's text: " + Quote(best.matched);
    } else {
      out.evidence = "wording: " + Quote(best.matched);
    }
    return out;
  }
  if (sd != nullptr) {
    out.reason = sd->reason;
    out.rule_id = "status_defaults:" + sd->code_text + (sd->scope == "generic" ? "" : "@" + sd->scope);
    out.evidence = "status " + status.ToString() + " (" + sd->meaning;
    if (sd->scope != "generic") out.evidence += ", as " + std::string(vendor_name) + " uses it";
    if (status_from_text) out.evidence += ", written in the server's reply";
    out.evidence += ")";
    if (best.rule != nullptr) {
      out.evidence += "; it outweighs the wording " + Quote(best.matched);
    }
    return out;
  }
  bool has_words = !text.empty() || !context.empty();
  if (in.command == SmtpCommand::kConnect || in.command == SmtpCommand::kHelo ||
      in.command == SmtpCommand::kEhlo) {
    if (reply >= 400 || has_words) {
      out.reason = Reason::kBlocked;
      out.rule_id = "fallback:greeting";
      out.evidence = "refused at the " + std::string(SmtpCommandName(in.command)) +
                     " stage, before any address was sent, with no clearer reason";
      return out;
    }
  }
  if (const Default* rd = impl_->ReplyDefault(reply, in.vendor)) {
    out.reason = rd->reason;
    out.rule_id = "status_defaults:" + rd->code_text + (rd->scope == "generic" ? "" : "@" + rd->scope);
    out.evidence = "reply code " + std::to_string(reply) + " (" + rd->meaning + ")";
    return out;
  }
  if (in.action == "delayed") {
    out.reason = Reason::kExpired;
    out.rule_id = "fallback:delayed";
    out.evidence = "the report says delivery is delayed and gives no other reason";
    return out;
  }
  if (has_words) {
    out.reason = Reason::kOnHold;
    out.rule_id = "fallback:onhold";
    out.evidence = "the server's words match no known pattern";
    return out;
  }
  out.reason = Reason::kUndefined;
  out.rule_id = "fallback:undefined";
  out.evidence = "the report gives no reason: no words from the server";
  if (!status.empty()) out.evidence += " and status " + status.ToString() + " says nothing more";
  return out;
}

}  // namespace ndr
