// ReasonBook: loads data/reasons.tsv, reason_rules.tsv, status_defaults.tsv,
// vendors.tsv, blocklists.tsv, precedence.tsv and explanations.tsv, validates
// every row, compiles one RE2::Set per scope, and classifies a recipient's
// codes and words into a Reason.
//
// Precedence lives in ONE place: data/precedence.tsv lists the steps in the
// order they are tried (and says what each step means); Classify below walks
// that table and implements each step in one small case. In short: the kind
// of report and success codes first; then clear words (a vendor's rows
// always, a generic row when its priority is above the code's strength, so a
// generic or wrong status never hides words that name a reason); then a local
// delivery program's failure; then the status code's default; a refusal at
// the greeting; the reply code's default; a delay; words that match nothing;
// no words at all.
#include "ndr/reasons.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include <re2/re2.h>
#include <re2/set.h>

#include <string>
#include <utility>

#include "core/strings.h"
#include "knowledge/reason_book_impl.h"
#include "knowledge/template.h"
#include "smtp/reply_text.h"

namespace ndr {

using internal::rb::ToLower;
using internal::rb::Trim;
using internal::rb::Matches;
using internal::rb::Satisfies;
using internal::rb::Specificity;
using internal::rb::Blocklist;
using internal::rb::Candidate;
using internal::rb::Default;
using internal::rb::Rule;
using internal::rb::Scope;
using internal::rb::Vendor;

ReasonBook::ReasonBook(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ReasonBook::~ReasonBook() = default;

const ReasonInfo& ReasonBook::Info(Reason reason) const {
  int index = static_cast<int>(reason);
  if (index < 0 || index >= kReasonCount) index = 0;
  return impl_->infos[index];
}


// ---- vendors ----------------------------------------------------------------

namespace {

// What CleanHost looks for in one pass: an '@' (the host follows the last)
// and what ends a host (a blank or a comment).
enum HostByte : uint8_t { kHostPlain = 0, kHostAt = 1, kHostEnd = 2 };
constexpr std::array<uint8_t, 256> HostBytes() {
  std::array<uint8_t, 256> kinds{};
  kinds['@'] = kHostAt;
  kinds[' '] = kinds['\t'] = kinds['('] = kHostEnd;
  return kinds;
}
constexpr std::array<uint8_t, 256> kHostBytes = HostBytes();

// "dns; MX.Example.COM." -> "MX.Example.COM"; "jo@gmail.com" -> "gmail.com";
// "[192.0.2.1]" -> "192.0.2.1": the host, still in its own case (a view of `raw`).
// The part after the last '@' loses its trailing ".>]" and leading "[<.",
// and ends at its first blank or '(' (neither is ever stripped, so both
// ends are found in one pass, with a table, not three compares a byte).
std::string_view CleanHost(std::string_view raw) {
  std::string_view host = internal::Trim(raw);
  if (internal::IStartsWith(host, "dns;")) host = internal::Trim(host.substr(4));
  size_t start = 0;
  size_t end = std::string_view::npos;  // the first blank or '(' after the last '@'
  for (size_t i = 0; i < host.size(); ++i) {
    const uint8_t kind = kHostBytes[static_cast<unsigned char>(host[i])];
    if (kind == kHostPlain) continue;
    if (kind == kHostAt) {
      start = i + 1;
      end = std::string_view::npos;
    } else if (end == std::string_view::npos) {
      end = i;
    }
  }
  const char* stop = end == std::string_view::npos ? nullptr : host.data() + end;
  host.remove_prefix(start);  // (all of it is kept when there is no '@')
  // (The trailing ".>]" of a host cut at a blank lie beyond the cut.)
  if (stop == nullptr) {
    while (!host.empty() && (host.back() == '.' || host.back() == '>' || host.back() == ']')) host.remove_suffix(1);
  }
  while (!host.empty() && (host.front() == '[' || host.front() == '<' || host.front() == '.')) {
    host.remove_prefix(1);
  }
  return stop == nullptr ? host : host.substr(0, static_cast<size_t>(stop - host.data()));
}

// `text` lower-cased (ASCII) into `small` when it fits in `room` bytes, else
// into *large: no allocation for the short texts vendors are found in.
std::string_view LowerInto(std::string_view text, char* small, size_t room, std::string* large) {
  char* lower = small;
  if (text.size() > room) {
    large->resize(text.size());
    lower = &(*large)[0];
  }
  for (size_t i = 0; i < text.size(); ++i) lower[i] = internal::AsciiLower(text[i]);
  return std::string_view(lower, text.size());
}

}  // namespace

// The first vendor in table order that lists the host or a domain it is in
// (IsHostInDomain): each of the host's suffixes at a dot is looked up once,
// their hashes found in one pass from the end.
std::string_view ReasonBook::VendorOfHost(std::string_view raw) const {
  std::string_view host = CleanHost(raw);
  size_t best = internal::rb::HostTable::kNone;
  uint64_t hash = internal::rb::HostTable::Start();
  // A dot ends the suffix hashed so far (the one after it): it is looked up
  // there, before the dot joins the hash; the whole host at the end.
  for (size_t i = host.size(); i-- > 0;) {
    const char c = host[i];
    if (c == '.' && i + 1 < host.size()) best = std::min(best, impl_->vendor_by_host.Find(hash, host.substr(i + 1)));
    hash = internal::rb::HostTable::Extend(hash, c);
  }
  if (!host.empty()) best = std::min(best, impl_->vendor_by_host.Find(hash, host));
  return best < impl_->vendors.size() ? std::string_view(impl_->vendors[best].id) : std::string_view();
}

// The first vendor in table order with a marker in the (lower-cased) words.
std::string_view ReasonBook::VendorOfWords(std::string_view words) const {
  if (words.empty() || impl_->vendor_of_marker.empty()) return {};
  std::vector<int> hits;
  // The markers are lower case: WordFinder ignores ASCII case, as the set
  // does on lower-cased words. It steps aside for a text holding a letter
  // that folds to ASCII (and one with a byte >= 0x80 should a marker hold one).
  if (!impl_->vendor_marker_finder.Find(words, &hits)) {
    char small[512];
    std::string large;
    std::string_view lower = LowerInto(words, small, sizeof small, &large);
    impl_->vendor_markers->Match(re2::StringPiece(lower.data(), lower.size()), &hits);
  }
  size_t best = impl_->vendors.size();
  for (int hit : hits) best = std::min(best, impl_->vendor_of_marker[static_cast<size_t>(hit)]);
  return best < impl_->vendors.size() ? std::string_view(impl_->vendors[best].id) : std::string_view();
}

std::string ReasonBook::DetectVendor(const std::vector<std::string_view>& hosts,
                                     std::string_view text) const {
  for (std::string_view raw : hosts) {
    std::string_view vendor = VendorOfHost(raw);
    if (!vendor.empty()) return std::string(vendor);
  }
  return std::string(VendorOfWords(text));
}

std::string_view ReasonBook::VendorName(std::string_view vendor) const {
  const Vendor* v = impl_->FindVendor(vendor);
  return v == nullptr ? std::string_view() : std::string_view(v->name);
}

std::string_view ReasonBook::VendorUrl(std::string_view vendor) const {
  const Vendor* v = impl_->FindVendor(vendor);
  return v == nullptr ? std::string_view() : std::string_view(v->url);
}

std::string_view ReasonBook::RuleAdvice(const RuleRef& rule) const { return Guidance(rule).advice; }

ReasonBook::RuleGuidance ReasonBook::Guidance(const RuleRef& rule) const {
  RuleGuidance g;
  if (rule.table == RuleTable::kStatusDefaults) {
    for (const auto* list : {&impl_->status_defaults, &impl_->reply_defaults}) {
      for (const Default& d : *list) {
        if (d.line != rule.line) continue;
        g.summary = d.summary;
        if (!d.advice.empty()) {
          g.advice = d.advice;
          g.drop_reason_advice = true;
        }
        return g;
      }
    }
    return g;
  }
  if (rule.table != RuleTable::kReasonRules) return g;
  const Rule* found = impl_->FindRule(rule);
  if (found == nullptr) return g;
  const Rule& r = *found;
  g.advice = r.advice;
  g.summary = r.summary;
  g.drop_reason_advice = r.drop_reason_advice;
  g.has_actor = r.has_actor;
  g.actor = r.actor;
  g.has_retry = r.has_retry;
  g.retry = r.retry;
  g.has_suppress = r.has_suppress;
  g.suppress = r.suppress;
  return g;
}

std::string_view ReasonBook::Phrase(std::string_view id) const { return impl_->PhraseText(id); }

size_t ReasonBook::RuleCount(std::string_view scope) const {
  if (scope == "generic") return impl_->generic.rules.size();
  auto it = impl_->vendor_scopes.find(scope);
  return it == impl_->vendor_scopes.end() ? 0 : it->second.rules.size();
}

std::string_view RuleTableName(RuleTable table) {
  switch (table) {
    case RuleTable::kReasonRules: return "reason_rules.tsv";
    case RuleTable::kStatusDefaults: return "status_defaults.tsv";
    case RuleTable::kPrecedence: return "precedence.tsv";
    case RuleTable::kNone: break;
  }
  return "";
}

std::string RuleRef::ToString() const {
  if (empty()) return {};
  std::string out = std::string(RuleTableName(table)) + ":" + row;
  if (!scope.empty() && scope != "generic") out += "@" + scope;
  return out;
}

ReasonBook::TextReading ReasonBook::Read(std::string_view diagnostic) const {
  TextReading out;
  out.words = internal::NormalizeReply(diagnostic);
  CodesInText codes = impl_->smtp->FindCodes(out.words);
  out.reply_code = codes.reply_code;
  out.status = codes.status;
  return out;
}

const BlocklistInfo* ReasonBook::BlocklistById(std::string_view id) const {
  for (const auto& b : impl_->blocklists) {
    if (b.info.id == id) return &b.info;
  }
  return nullptr;
}

const BlocklistInfo* ReasonBook::FindBlocklist(std::string_view text) const {
  if (text.empty()) return nullptr;
  std::string normalized = internal::NormalizeReply(text);
  // The list named first in the words (ties: table order, specific rows
  // first): "blocked using bl.spamcop.net ... see spamhaus" names SpamCop.
  const BlocklistInfo* first = nullptr;
  size_t first_at = std::string::npos;
  // One pass over the words finds the lists named; only those are searched
  // for where. Should the pass fail (out of memory), every list is searched.
  for (int index : impl_->blocklist_set.Candidates(normalized)) {
    const Blocklist& b = impl_->blocklists[static_cast<size_t>(index)];
    std::string_view hit = impl_->blocklist_set.FirstMatch(index, normalized);
    if (hit.data() == nullptr) continue;
    size_t at = static_cast<size_t>(hit.data() - normalized.data());
    if (first == nullptr || at < first_at) {
      first = &b.info;
      first_at = at;
    }
  }
  return first;
}

bool ReasonBook::IsHardBounce(Reason reason, int reply_code, EnhancedStatus status) const {
  const ReasonInfo& info = Info(reason);
  if (!info.hard) return false;
  if (!info.hard_needs_permanent) return true;
  // Permanent unless a code says the failure is temporary.
  if (!status.empty()) return status.klass == 5;
  if (reply_code != 0) return reply_code >= 500 && reply_code <= 599;
  return true;
}

// ---- classification ---------------------------------------------------------

namespace {

// A refusal at MAIL FROM, HELO or EHLO: the client has named only itself and
// its sender so far, so the refusal cannot be about a recipient's address.
bool BeforeAnyRecipient(SmtpCommand c) {
  return c == SmtpCommand::kMail || c == SmtpCommand::kHelo || c == SmtpCommand::kEhlo;
}

}  // namespace

bool ReasonBook::Impl::Fits(Reason reason, SmtpCommand command) const {
  return !(infos[static_cast<size_t>(reason)].needs_recipient && BeforeAnyRecipient(command));
}

Candidate ReasonBook::Impl::BestIn(const Scope& scope, bool vendor, std::string_view text,
                                   const ClassifyInput& in, int reply, EnhancedStatus status,
                                   bool* failed) const {
  Candidate best;
  if (text.empty() || scope.set.size() == 0) return best;
  // The best rule is the matching one of highest priority (ties: the
  // earlier row) whose codes and command fit. So the cheap checks come
  // first, and the patterns are tried in that order: the first that matches
  // is the best, and gives its words.
  std::vector<int> rows = scope.set.Potentials(text, failed);
  std::sort(rows.begin(), rows.end(), [&](int a, int b) {
    return scope.rank[static_cast<size_t>(a)] < scope.rank[static_cast<size_t>(b)];
  });
  for (int row : rows) {
    const Rule& r = rules[scope.rules[static_cast<size_t>(row)]];
    if (!r.reply.empty() && !Satisfies(r.reply, reply)) continue;
    if (!r.status.empty() && !Satisfies(r.status, status)) continue;
    if (!r.command.empty() && !Satisfies(r.command, in.command)) continue;
    if (!Fits(r.reason, in.command)) continue;
    std::string_view words = scope.set.FirstMatch(row, text);
    if (words.data() == nullptr) continue;
    best.rule = &r;
    best.vendor = vendor;
    best.matched = std::string(words);
    break;
  }
  return best;
}

const ReasonBook::Impl::ScopeDefaults* ReasonBook::Impl::DefaultsOf(std::string_view scope) const {
  if (scope.empty()) return nullptr;
  auto it = defaults_by_scope.find(scope);
  return it == defaults_by_scope.end() ? nullptr : &it->second;
}

const Default* ReasonBook::Impl::StatusDefault(EnhancedStatus status, const ScopeDefaults* vendor_rows) const {
  if (status.empty()) return nullptr;
  for (const ScopeDefaults* rows : {vendor_rows, generic_defaults}) {
    if (rows == nullptr) continue;
    // The most specific matching row, the first in table order among equals.
    // A row naming the subject never ranks equal with one that does not (the
    // subject counts 10 in Specificity, the class 1), so the two lists, each
    // in table order, are read one after the other.
    const Default* best = nullptr;
    int best_spec = -1;
    auto consider = [&](const std::vector<const Default*>& list) {
      for (const Default* d : list) {
        if (!Matches(d->status, status)) continue;
        int spec = Specificity(d->status);
        if (spec > best_spec) {
          best = d;
          best_spec = spec;
        }
      }
    };
    if (status.subject >= 0 && static_cast<size_t>(status.subject) < rows->status_by_subject.size()) {
      consider(rows->status_by_subject[static_cast<size_t>(status.subject)]);
    }
    consider(rows->status_any_subject);
    if (best != nullptr) return best;
  }
  return nullptr;
}

const Default* ReasonBook::Impl::ReplyDefault(int reply, const ScopeDefaults* vendor_rows) const {
  if (reply == 0) return nullptr;
  for (const ScopeDefaults* rows : {vendor_rows, generic_defaults}) {
    if (rows == nullptr) continue;
    for (const Default* d : rows->reply) {
      if (d->reply == reply) return d;
    }
  }
  return nullptr;
}

namespace {

using internal::rb::PrecedenceRow;
using internal::rb::Step;

std::string Quote(std::string_view words) {
  constexpr size_t kMax = 100;
  // Built in one string of the final size (this runs for most recipients).
  const std::string_view w = words.substr(0, kMax);
  std::string out;
  out.reserve(w.size() + 5);
  out += '\'';
  out += w;
  if (words.size() > kMax) out += "...";
  out += '\'';
  return out;
}

// What Classify knows about one recipient before it walks the steps.
struct Facts {
  const ClassifyInput* in = nullptr;
  std::string text;     // the recipient's own words, normalized
  std::string context;  // the report's other text, normalized (only when the recipient's own words had no rule)
  bool context_has_words = false;  // the report's other text is not only blanks
  bool context_read = false;       // `context` is set
  EnhancedStatus status;  // the status judged by (given, or from the words)
  bool status_from_text = false;
  int reply = 0;
  // What the vendor judged by gives (set again for the report's writer):
  Candidate best;                 // the best wording rule, or none
  const Default* status_default = nullptr;
  const Default* reply_default = nullptr;
  std::string_view vendor_name;

  bool delayed() const { return in->action == "delayed"; }
  bool has_words() const { return !text.empty() || context_has_words; }
  // The context normalized, at its first reading (one of the two vendors').
  const std::string& Context() {
    if (!context_read) {
      context = internal::NormalizeReply(in->context);
      context_read = true;
    }
    return context;
  }
};

// The status to judge by: as given; when none, or only a vague one (X.s.0,
// often the reporting MTA's own), the one the server wrote in its words
// (`written`, as the SMTP text reader found it) or, for a vague given one, the
// first exact one of the same class further on. Never a success code from the
// words: transcripts quote "250 2.1.5 Ok" before the failure. A success code
// on a failed or delayed recipient is a misreading and is ignored.
EnhancedStatus GivenStatus(const ClassifyInput& in) {
  if (in.status.klass == 2 && (in.action == "failed" || in.action == "delayed")) return EnhancedStatus();
  return in.status;
}

bool IsExact(EnhancedStatus s) { return !s.empty() && s.detail != 0; }

// Whether the codes written in the words can count: only when the report's
// own leave something open (no reply code, or no exact status).
bool NeedsWrittenCodes(const ClassifyInput& in) { return in.reply_code == 0 || !IsExact(GivenStatus(in)); }

void ChooseStatus(const ClassifyInput& in, EnhancedStatus written, const internal::SmtpText& smtp, Facts* f) {
  f->status = GivenStatus(in);
  if (IsExact(f->status)) return;
  std::string_view rest = f->text;
  EnhancedStatus found = written;
  while (!found.empty()) {
    bool usable = found.klass != 2 && !(found.subject == 0 && found.detail == 0) &&
                  (f->status.empty() || (found.detail != 0 && found.klass == f->status.klass));
    if (usable) {
      f->status = found;
      f->status_from_text = true;
      return;
    }
    std::string code = found.ToString();
    size_t at = rest.find(code);
    if (at == std::string_view::npos) return;
    rest.remove_prefix(at + code.size());
    found = smtp.FindCodes(rest).status;
  }
}

// For ClassifyInput::writer_vendor: sets the best rule as find_best in
// Decide would when that rule is the vendor's, and returns false when it
// would not be (no row of the vendor matches the words, or a generic row
// matches the recipient's own words before the vendor's matches the context).
bool VendorWordsFirst(const ReasonBook::Impl& impl, const Scope& vendor_scope, Facts* f, bool* failed) {
  const ClassifyInput& in = *f->in;
  if (!f->text.empty()) {
    f->best = impl.BestIn(vendor_scope, true, f->text, in, f->reply, f->status, failed);
    if (f->best.rule != nullptr) return true;
  }
  if (!f->context_has_words) return false;
  f->best = impl.BestIn(vendor_scope, true, f->Context(), in, f->reply, f->status, failed);
  if (f->best.rule == nullptr) return false;
  f->best.from_context = true;
  return f->text.empty() ||
         impl.BestIn(impl.generic, false, f->text, in, f->reply, f->status, failed).rule == nullptr;
}

CodeReading ReadingOf(const Default* d, const std::string& code) {
  CodeReading r;
  if (d == nullptr) return r;
  r.code = code;
  r.meaning = d->meaning;
  r.reason = d->reason;
  r.strength = d->strength;
  return r;
}

RuleRef RefOf(const internal::rb::Rule& r) {
  return RuleRef{RuleTable::kReasonRules, r.id, r.scope, r.line};
}
RuleRef RefOf(const Default& d) { return RuleRef{RuleTable::kStatusDefaults, d.code_text, d.scope, d.line}; }
RuleRef RefOf(const PrecedenceRow& p) {
  return RuleRef{RuleTable::kPrecedence, std::string(internal::rb::kStepNames[static_cast<size_t>(p.step)]), "",
                 p.line};
}

bool IsGreeting(SmtpCommand c) {
  return c == SmtpCommand::kConnect || c == SmtpCommand::kHelo || c == SmtpCommand::kEhlo;
}

// A default that names no reason: "other or undefined" (X.s.0) with strength 0.
bool IsVague(const Default& d) {
  return d.strength == 0 && d.status.subject >= 0 && d.status.detail_lo == 0 && d.status.detail_hi == 0;
}

// The wording step: the best rule decides unless the code outranks it.
bool DecideByWords(const ReasonBook::Impl& impl, Facts* facts, Classification* out) {
  const Facts& f = *facts;
  const internal::rb::Rule* rule = f.best.rule;
  if (rule == nullptr) return false;
  const Default* sd = f.status_default;
  // When the server gave no words, the recipient's own exact status code (a
  // row naming its detail, not "X.4.0" or a wildcard) outweighs wording found
  // elsewhere in the report: "Status: 4.4.7" beats a transcript's
  // "Connection refused by [127.0.0.1]".
  bool own_code_first = f.best.from_context && f.text.empty() && sd != nullptr && !f.status_from_text &&
                        f.status.detail != 0 && Specificity(sd->status) >= 200;
  if (own_code_first) return false;
  // Words that say what kind of automatic reply a message is (a
  // challenge-response request) never make a failure an auto-reply.
  if (rule->reason == Reason::kVacation && !f.in->auto_reply) return false;
  if (!(f.best.vendor || sd == nullptr || rule->priority > sd->strength || rule->reason == sd->reason)) {
    return false;
  }
  out->reason = rule->reason;
  out->decided_by = RefOf(*rule);
  out->advice = rule->advice;
  // Say so when the words decided against what the code alone says.
  std::string outweighed_status;
  std::string_view outweighed_meaning;
  if (sd != nullptr && sd->reason != rule->reason && sd->strength > 0) {
    outweighed_status = f.status.ToString();
    outweighed_meaning = sd->meaning;
  }
  const internal::Template& evidence = f.best.vendor         ? impl.evidence_wording_vendor
                                       : f.best.from_context ? impl.evidence_wording_context
                                                             : impl.evidence_wording;
  std::string quoted = Quote(f.best.matched);
  out->evidence = evidence.Fill({{"vendor", f.vendor_name},
                                 {"words", quoted},
                                 {"status", outweighed_status},
                                 {"code_meaning", outweighed_meaning}});
  // The words are this answer's now (the walk stops here).
  out->words = std::move(facts->best.matched);
  return true;
}

// The steps of data/precedence.tsv for `vendor` (in.vendor, or the report's
// writer) on the facts Classify read: the words' best rule is looked for when
// a step first asks, unless already known (`best_known`, with *failed as its
// search left it).
Classification Decide(const ReasonBook& book, const ReasonBook::Impl& impl, std::string_view vendor,
                      const Scope* vendor_scope, bool best_known, bool failed, Facts* facts) {
  Classification out;
  Facts& f = *facts;
  const ClassifyInput& in = *f.in;
  f.vendor_name = book.VendorName(vendor);

  // The best wording rule: vendor first, then generic; diagnostic first,
  // then context. Looked for only when a step asks (a feedback report or a
  // success decides without words, and the words are the costly part).
  auto say_failed = [&] {
    if (failed) out.problem = "the wording rules could not be matched (RE2 ran out of memory); the reason may be wrong";
  };
  auto find_best = [&] {
    if (best_known) return;
    best_known = true;
    for (int source = 0; source < 2 && f.best.rule == nullptr; ++source) {
      std::string_view words = source == 0 ? std::string_view(f.text)
                               : f.context_has_words ? std::string_view(f.Context())
                                                     : std::string_view();
      if (words.empty()) continue;
      if (vendor_scope != nullptr) f.best = impl.BestIn(*vendor_scope, true, words, in, f.reply, f.status, &failed);
      if (f.best.rule == nullptr) f.best = impl.BestIn(impl.generic, false, words, in, f.reply, f.status, &failed);
      f.best.from_context = source == 1;
    }
    say_failed();
  };
  if (best_known) say_failed();
  // The codes' readings are shown as they are; they weigh in only with a
  // reason the failed command can give (none on the recipient's address
  // before it was named), in every step alike.
  const ReasonBook::Impl::ScopeDefaults* vendor_defaults = impl.DefaultsOf(vendor);
  const Default* status_read = impl.StatusDefault(f.status, vendor_defaults);
  const Default* reply_read = impl.ReplyDefault(f.reply, vendor_defaults);
  auto fitting = [&](const Default* d) { return d != nullptr && impl.Fits(d->reason, in.command) ? d : nullptr; };
  f.status_default = fitting(status_read);
  f.reply_default = fitting(reply_read);
  std::string status_text = f.status.ToString();
  std::string reply_text = f.reply == 0 ? std::string() : std::to_string(f.reply);
  out.status_reading = ReadingOf(status_read, status_text);
  out.reply_reading = ReadingOf(reply_read, reply_text);

  auto fixed = [&](const PrecedenceRow& row) {
    out.reason = row.reason;
    out.decided_by = RefOf(row);
    out.evidence = row.evidence.Fill({{"status", status_text},
                                      {"reply", reply_text},
                                      {"command", SmtpCommandName(in.command)},
                                      {"action", in.action},
                                      {"feedback_type", in.feedback_type}});
  };

  for (const PrecedenceRow& row : impl.precedence) {
    switch (row.step) {
      case Step::kReportKindFeedback:
        if (!in.feedback_report) continue;
        fixed(row);
        return out;
      case Step::kReportKindAutoReply:
        if (!in.auto_reply) continue;
        // Its words may say which kind (a challenge-response filter holding
        // the message): that row's account and advice then stand.
        find_best();
        if (f.best.rule != nullptr && f.best.rule->reason == row.reason && DecideByWords(impl, &f, &out)) return out;
        fixed(row);
        return out;
      case Step::kActionSuccess:
        if (in.action != "delivered" && in.action != "relayed" && in.action != "expanded") continue;
        fixed(row);
        return out;
      case Step::kSuccessStatus:
        if (f.status.klass != 2) continue;
        fixed(row);
        return out;
      case Step::kWording:
        find_best();
        if (DecideByWords(impl, &f, &out)) return out;
        continue;
      case Step::kLocalProgram:
        // The program's words named no reason (else the wording step decided)
        // and no exact status does: the program itself failed.
        if (!in.from_local_program || f.text.empty() || f.delayed() ||
            (!f.status.empty() && f.status.detail != 0)) {
          continue;
        }
        fixed(row);
        return out;
      case Step::kStatusCode: {
        find_best();
        const Default* sd = f.status_default;
        if (sd == nullptr) continue;
        // A code of strength 0 is a guess: a delay stays a delay, and the
        // server's words that match nothing are better read than an "other
        // or undefined" code (X.s.0) guessed over.
        bool guess = sd->strength == 0 && f.best.rule == nullptr;
        if (guess && (f.delayed() || (IsVague(*sd) && !f.text.empty()))) continue;
        out.reason = sd->reason;
        out.decided_by = RefOf(*sd);
        out.evidence = impl.evidence_status.Fill(
            {{"status", status_text},
             {"meaning", sd->meaning},
             {"vendor", sd->scope == "generic" ? std::string_view() : f.vendor_name},
             {"from_text", f.status_from_text ? "yes" : ""},
             {"words", f.best.rule == nullptr ? std::string() : Quote(f.best.matched)}});
        return out;
      }
      case Step::kGreeting:
        if (!IsGreeting(in.command) || f.reply < 400) continue;
        fixed(row);
        return out;
      case Step::kSenderStage:
        if (in.command != SmtpCommand::kMail || (f.reply < 400 && f.status.klass != 4 && f.status.klass != 5)) {
          continue;
        }
        fixed(row);
        return out;
      case Step::kReplyCode:
        if (f.reply_default == nullptr) continue;
        // Three digits are a guess; a status code of another subject says
        // more (552 with 5.7.0 is a policy refusal, not a full mailbox).
        if (f.status_default != nullptr && f.status.subject != 0 &&
            f.status_default->reason != f.reply_default->reason) {
          continue;
        }
        out.reason = f.reply_default->reason;
        out.decided_by = RefOf(*f.reply_default);
        out.evidence = impl.evidence_reply.Fill({{"reply", reply_text}, {"meaning", f.reply_default->meaning}});
        return out;
      case Step::kDelayed:
        if (!f.delayed()) continue;
        fixed(row);
        return out;
      case Step::kUnmatchedWords:
        // The recipient's own words; the report's prose is not the server's.
        if (f.text.empty()) continue;
        fixed(row);
        return out;
      case Step::kNoWords:
        fixed(row);
        return out;
    }
  }
  return out;  // not reached: the table has every step and no-words always decides
}

const Scope* ScopeOf(const ReasonBook::Impl& impl, std::string_view vendor) {
  if (vendor.empty()) return nullptr;
  auto it = impl.vendor_scopes.find(vendor);
  return it == impl.vendor_scopes.end() ? nullptr : &it->second;
}

}  // namespace

Classification ReasonBook::Classify(const ClassifyInput& in) const {
  Facts f;
  f.in = &in;
  // The words as Read gives them; their codes only when they can count.
  f.text = internal::NormalizeReply(in.diagnostic);
  CodesInText written;
  if (NeedsWrittenCodes(in)) written = impl_->smtp->FindCodes(f.text);
  // The context (up to kMaxContext bytes) is normalized only when it is read.
  f.context_has_words = std::any_of(in.context.begin(), in.context.end(), [](char c) { return !internal::IsSpace(c); });
  ChooseStatus(in, written.status, *impl_->smtp, &f);
  f.reply = in.reply_code != 0 ? in.reply_code : written.reply_code;

  Classification out = Decide(*this, *impl_, in.vendor, ScopeOf(*impl_, in.vendor), false, false, &f);
  // The report's writer: its answer stands only when a wording rule of its
  // own decides, so it is worked out only when one of its rows matches the
  // words (VendorWordsFirst); the words and codes read above serve both.
  if (in.writer_vendor.empty() || in.writer_vendor == in.vendor || out.decided_by.IsWordingOf(in.vendor)) return out;
  const Scope* writer_scope = ScopeOf(*impl_, in.writer_vendor);
  if (writer_scope == nullptr || writer_scope->rules.empty()) return out;
  f.best = Candidate();
  bool failed = false;
  if (!VendorWordsFirst(*impl_, *writer_scope, &f, &failed)) return out;
  Classification by_writer = Decide(*this, *impl_, in.writer_vendor, writer_scope, true, failed, &f);
  if (by_writer.decided_by.IsWordingOf(in.writer_vendor)) out = std::move(by_writer);
  return out;
}

}  // namespace ndr
