// ReasonBook::Load: reads data/reasons.tsv, vendors.tsv, reason_rules.tsv,
// status_defaults.tsv, blocklists.tsv, precedence.tsv and explanations.tsv, validates every row (failing with
// "data/<file>:<line>: <what>"), and compiles one RE2::Set per scope.
#include <algorithm>
#include <cctype>
#include <utility>

#include "knowledge/reason_book_impl.h"
#include "smtp/reply_text.h"
#include "knowledge/tsv.h"

namespace ndr {


using internal::rb::ToLower;
using internal::rb::ParseInt;
using internal::rb::ParseYesNo;
using internal::rb::Split;
using internal::rb::Trim;
using internal::TsvRow;
using internal::TsvTable;
using internal::rb::ParseReplyPattern;
using internal::rb::ParseStatusPattern;
using internal::rb::ParseCommandPattern;
using internal::rb::ParseConstraint;
using internal::rb::ReplyPattern;
using internal::rb::StatusPattern;
using internal::rb::CommandPattern;

// ---- loading ---------------------------------------------------------------

bool ReasonBook::Impl::LoadReasons(std::string* error) {
  TsvTable t;
  if (!internal::LoadEmbeddedTsv("reasons.tsv",
                                 {"reason", "summary", "actor", "retry", "suppress", "hard", "advice", "blocklist",
                                  "needs_recipient"},
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
    if (!ParseYesNo(t.Cell(row, "blocklist"), &info.names_blocklist)) {
      *error = t.Where(row, "blocklist must be yes or no");
      return false;
    }
    if (!ParseYesNo(t.Cell(row, "needs_recipient"), &info.needs_recipient)) {
      *error = t.Where(row, "needs_recipient must be yes or no");
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

namespace internal {
namespace rb {

void HostTable::Add(std::string_view host, size_t vendor) {
  if (2 * (used_ + 1) > slots_.size()) Grow();
  uint64_t hash = Start();
  for (size_t i = host.size(); i-- > 0;) hash = Extend(hash, host[i]);
  for (size_t i = hash & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1)) {
    Slot& slot = slots_[i];
    if (slot.vendor == kNone) {
      slot = Slot{hash, host, vendor};
      ++used_;
      return;
    }
    if (slot.hash == hash && slot.host == host) return;  // the first vendor keeps it
  }
}

void HostTable::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 64 : 2 * old.size(), Slot());
  used_ = 0;
  for (const Slot& slot : old) {
    if (slot.vendor != kNone) Add(slot.host, slot.vendor);
  }
}

}  // namespace rb
}  // namespace internal

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
    if (std::any_of(vendors.begin(), vendors.end(), [&](const Vendor& other) { return other.id == v.id; })) {
      *error = t.Where(row, "duplicate vendor id '" + v.id + "'");
      return false;
    }
    for (const std::string& h : Split(t.Cell(row, "hosts"), ' ')) {
      std::string host = ToLower(h);
      while (!host.empty() && host.front() == '.') host.erase(0, 1);
      if (!host.empty()) v.hosts.push_back(host);
    }
    // Markers keep their spaces as written (" - gsmtp").
    std::string_view cell = t.Cell(row, "markers");
    size_t start = 0;
    while (start <= cell.size()) {
      size_t end = cell.find('|', start);
      if (end == std::string_view::npos) end = cell.size();
      std::string marker = ToLower(cell.substr(start, end - start));
      if (!Trim(marker).empty()) v.markers.push_back(marker);
      start = end + 1;
    }
    if (v.hosts.empty() && v.markers.empty()) {
      *error = t.Where(row, "a vendor needs hosts or markers");
      return false;
    }
    vendors.push_back(std::move(v));
  }
  // One lookup per host suffix and one pass over the words for all markers,
  // instead of trying every vendor's every entry in turn. Markers are plain
  // bytes matched in the lower-cased words (Latin-1 mode: byte for byte).
  RE2::Options bytes;
  bytes.set_encoding(RE2::Options::EncodingLatin1);
  bytes.set_literal(true);
  bytes.set_log_errors(false);
  vendor_markers = std::make_unique<RE2::Set>(bytes, RE2::UNANCHORED);
  std::vector<std::string> markers;  // in the set's order: WordFinder reports the same indices
  for (size_t i = 0; i < vendors.size(); ++i) {
    vendor_by_id.emplace(vendors[i].id, i);
    for (const std::string& host : vendors[i].hosts) vendor_by_host.Add(host, i);
    for (const std::string& marker : vendors[i].markers) {
      if (vendor_markers->Add(marker, nullptr) < 0) {
        *error = "data/vendors.tsv: marker '" + marker + "' of " + vendors[i].id + " is not accepted by RE2";
        return false;
      }
      vendor_of_marker.push_back(i);
      markers.push_back(marker);
    }
  }
  vendor_marker_finder = internal::WordFinder(markers);
  if (!vendor_of_marker.empty() && !vendor_markers->Compile()) {
    *error = "data/vendors.tsv: the markers do not compile together (out of memory?)";
    return false;
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
    r.summary = Trim(t.Cell(row, "summary"));
    std::string_view reason_advice = t.Cell(row, "reason_advice");
    if (reason_advice != "" && reason_advice != "keep" && reason_advice != "drop") {
      *error = t.Where(row, "reason_advice must be keep, drop or empty");
      return false;
    }
    r.drop_reason_advice = reason_advice == "drop";
    if (r.drop_reason_advice && r.advice.empty()) {
      *error = t.Where(row, "reason_advice drop needs the row's own advice");
      return false;
    }
    if (!t.Cell(row, "actor").empty()) {
      if (!ParseActor(t.Cell(row, "actor"), &r.actor)) {
        *error = t.Where(row, "unknown actor '" + std::string(t.Cell(row, "actor")) + "'");
        return false;
      }
      r.has_actor = true;
    }
    if (!t.Cell(row, "retry").empty()) {
      if (!ParseRetry(t.Cell(row, "retry"), &r.retry)) {
        *error = t.Where(row, "retry must be now, later, never or empty");
        return false;
      }
      r.has_retry = true;
    }
    if (!t.Cell(row, "suppress").empty()) {
      if (!ParseYesNo(t.Cell(row, "suppress"), &r.suppress)) {
        *error = t.Where(row, "suppress must be yes, no or empty");
        return false;
      }
      r.has_suppress = true;
    }
    std::string_view pattern = t.Cell(row, "pattern");
    std::string_view sample = t.Cell(row, "sample");
    if (pattern.empty() || sample.empty() || t.Cell(row, "source").empty()) {
      *error = t.Where(row, "pattern, sample and source must be set");
      return false;
    }
    // Every pattern compiles (RE2::Set::Add says so, per row); that every
    // sample matches its own row is checked by tests/unit/reason_rules_test.cc.
    std::string why;
    r.pattern = std::string(pattern);
    Scope& scope = r.scope == "generic" ? generic : vendor_scopes[FindVendor(r.scope)->id];
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
    if (rule_at_line.size() <= static_cast<size_t>(r.line)) rule_at_line.resize(static_cast<size_t>(r.line) + 1, -1);
    rule_at_line[static_cast<size_t>(r.line)] = static_cast<int>(rules.size());
    rules.push_back(std::move(r));
  }
  auto rank_by_priority = [&](Scope* scope) {
    std::vector<size_t> order(scope->rules.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return rules[scope->rules[a]].priority > rules[scope->rules[b]].priority;
    });
    scope->rank.assign(order.size(), 0);
    for (size_t place = 0; place < order.size(); ++place) scope->rank[order[place]] = place;
  };
  rank_by_priority(&generic);
  for (auto& [name, scope] : vendor_scopes) rank_by_priority(&scope);
  std::string why;
  if (!generic.set.Compile(&why)) {
    *error = "data/reason_rules.tsv: generic rules: " + why;
    return false;
  }
  for (auto& [name, scope] : vendor_scopes) {
    if (!scope.set.Compile(&why)) {
      *error = "data/reason_rules.tsv: rules of " + std::string(name) + ": " + why;
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
    d.line = row.line;
    d.code_text = Trim(t.Cell(row, "code"));
    d.scope = Trim(t.Cell(row, "scope"));
    d.meaning = Trim(t.Cell(row, "meaning"));
    d.advice = Trim(t.Cell(row, "advice"));
    d.summary = Trim(t.Cell(row, "summary"));
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
  // Indexed once both lists are complete (the pointers stay valid).
  for (const Default& d : status_defaults) {
    ScopeDefaults& rows = defaults_by_scope[std::string_view(d.scope)];
    if (d.status.subject < 0) {
      rows.status_any_subject.push_back(&d);
      continue;
    }
    const size_t subject = static_cast<size_t>(d.status.subject);
    if (rows.status_by_subject.size() <= subject) rows.status_by_subject.resize(subject + 1);
    rows.status_by_subject[subject].push_back(&d);
  }
  for (const Default& d : reply_defaults) defaults_by_scope[std::string_view(d.scope)].reply.push_back(&d);
  generic_defaults = DefaultsOf("generic");
  return true;
}

bool ReasonBook::Impl::LoadBlocklists(std::string* error) {
  TsvTable t;
  if (!internal::LoadEmbeddedTsv("blocklists.tsv", {"id", "name", "pattern", "listed", "lookup", "who"}, &t,
                                 error)) {
    return false;
  }
  std::string why_compile;
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
    if (blocklist_set.Add(t.Cell(row, "pattern"), &why) < 0) {
      *error = t.Where(row, "pattern does not compile: " + why);
      return false;
    }
    blocklists.push_back(std::move(b));
  }
  if (!blocklist_set.Compile(&why_compile)) {
    *error = "data/blocklists.tsv: " + why_compile;
    return false;
  }
  for (size_t i = 0; i < t.rows.size(); ++i) {
    std::string_view sample = t.Cell(t.rows[i], "sample");
    if (!sample.empty() && blocklist_set.FirstMatch(static_cast<int>(i), sample).data() == nullptr) {
      *error = t.Where(t.rows[i], "sample does not match its own pattern");
      return false;
    }
  }
  return true;
}

bool ReasonBook::Impl::LoadPrecedence(std::string* error) {
  using internal::rb::kStepCount;
  using internal::rb::kStepNames;
  using internal::rb::Step;
  TsvTable t;
  if (!internal::LoadEmbeddedTsv("precedence.tsv", {"step", "reason", "evidence"}, &t, error)) return false;
  std::array<bool, kStepCount> seen{};
  for (const TsvRow& row : t.rows) {
    PrecedenceRow p;
    p.line = row.line;
    std::string_view name = t.Cell(row, "step");
    int index = -1;
    for (int i = 0; i < kStepCount; ++i) {
      if (kStepNames[static_cast<size_t>(i)] == name) index = i;
    }
    if (index < 0) {
      *error = t.Where(row, "unknown step '" + std::string(name) + "'");
      return false;
    }
    if (seen[static_cast<size_t>(index)]) {
      *error = t.Where(row, "second row for step '" + std::string(name) + "'");
      return false;
    }
    seen[static_cast<size_t>(index)] = true;
    p.step = static_cast<Step>(index);
    p.evidence = internal::Template(Trim(t.Cell(row, "evidence")));
    std::string_view reason = t.Cell(row, "reason");
    if (internal::rb::StepLooksUp(p.step)) {
      if (!reason.empty() || !p.evidence.text().empty()) {
        *error = t.Where(row, "step '" + std::string(name) + "' looks its reason up: reason and evidence stay empty");
        return false;
      }
    } else if (!ParseReason(reason, &p.reason) || p.evidence.text().empty()) {
      *error = t.Where(row, "step '" + std::string(name) + "' needs a known reason and an evidence sentence");
      return false;
    }
    precedence.push_back(std::move(p));
  }
  for (int i = 0; i < kStepCount; ++i) {
    if (!seen[static_cast<size_t>(i)]) {
      *error = "data/precedence.tsv: no row for step '" + std::string(kStepNames[static_cast<size_t>(i)]) + "'";
      return false;
    }
  }
  return true;
}

bool ReasonBook::Impl::LoadPhrases(std::string* error) {
  TsvTable t;
  if (!internal::LoadEmbeddedTsv("explanations.tsv", {"id", "text"}, &t, error)) return false;
  for (const TsvRow& row : t.rows) {
    std::string id = Trim(t.Cell(row, "id"));
    std::string text = Trim(t.Cell(row, "text"));
    if (id.empty() || text.empty()) {
      *error = t.Where(row, "id and text must be set");
      return false;
    }
    if (phrases.count(id) != 0) {
      *error = t.Where(row, "duplicate id '" + id + "'");
      return false;
    }
    phrase_ids.push_back(std::move(id));
    phrases.emplace(phrase_ids.back(), std::move(text));
  }
  auto read = [this](std::string_view id) { return internal::Template(std::string(PhraseText(id))); };
  evidence_wording_vendor = read("evidence-wording-vendor");
  evidence_wording = read("evidence-wording");
  evidence_wording_context = read("evidence-wording-context");
  evidence_status = read("evidence-status");
  evidence_reply = read("evidence-reply");
  return true;
}

std::shared_ptr<const ReasonBook> ReasonBook::Load(std::string* error) {
  std::string ignored;
  if (error == nullptr) error = &ignored;
  std::shared_ptr<const internal::SmtpText> smtp = internal::SmtpText::Load(error);
  if (!smtp) return nullptr;
  return Load(std::move(smtp), error);
}

std::shared_ptr<const ReasonBook> ReasonBook::Load(std::shared_ptr<const internal::SmtpText> smtp_text,
                                                   std::string* error) {
  std::string ignored;
  std::unique_ptr<Impl> tables = internal::LoadReasonTables(error == nullptr ? &ignored : error);
  if (!tables) return nullptr;
  return internal::MakeReasonBook(std::move(tables), std::move(smtp_text));
}

namespace internal {

std::unique_ptr<ReasonBook::Impl> LoadReasonTables(std::string* error) {
  auto impl = std::make_unique<ReasonBook::Impl>();
  if (!impl->LoadReasons(error) || !impl->LoadVendors(error) || !impl->LoadRules(error) ||
      !impl->LoadDefaults(error) || !impl->LoadBlocklists(error) || !impl->LoadPrecedence(error) ||
      !impl->LoadPhrases(error)) {
    return nullptr;
  }
  return impl;
}

std::shared_ptr<const ReasonBook> MakeReasonBook(std::unique_ptr<ReasonBook::Impl> tables,
                                                 std::shared_ptr<const SmtpText> smtp_text) {
  tables->smtp = std::move(smtp_text);
  return std::make_shared<const ReasonBook>(std::move(tables));
}

}  // namespace internal

}  // namespace ndr
