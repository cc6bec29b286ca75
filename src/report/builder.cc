// Aggregation: records -> Report. Counting only; the words of the action
// items come from data/report_actions.tsv, the rendering from render_*.cc.
#include <re2/re2.h>

#include <algorithm>
#include <climits>
#include <map>
#include <set>
#include <unordered_map>

#include "core/strings.h"
#include "knowledge/template.h"
#include "ndr/report.h"
#include "report/actions.h"

namespace ndr {

RecordKind KindOf(const Record& r) {
  if (r.reason == Reason::kFeedback) return RecordKind::kComplaint;
  if (r.reason == Reason::kVacation) return RecordKind::kAutoReply;
  if (r.action == "delayed") return RecordKind::kDelayed;
  if (r.action == "delivered" || r.action == "relayed" || r.action == "expanded" ||
      r.reason == Reason::kDelivered) {
    return RecordKind::kDelivered;
  }
  return RecordKind::kFailed;
}

std::string_view RecordKindName(RecordKind kind) {
  switch (kind) {
    case RecordKind::kFailed: return "failed";
    case RecordKind::kDelayed: return "delayed";
    case RecordKind::kComplaint: return "complaint";
    case RecordKind::kAutoReply: return "auto-reply";
    case RecordKind::kDelivered: return "delivered";
  }
  return "failed";
}

namespace {

constexpr long kUndated = LONG_MIN;
constexpr size_t kTrendSeries = 5;   // lines per trend chart
constexpr long kTrendMaxDays = 400;  // a trend covers at most the last this many days

// A failure, delay or complaint: what the breakdowns count.
bool IsProblem(RecordKind kind) {
  return kind == RecordKind::kFailed || kind == RecordKind::kDelayed || kind == RecordKind::kComplaint;
}

// What the breakdowns need of one record in the period.
struct Entry {
  size_t recipient;
  RecordKind kind;
  Reason reason;
  bool hard;
  long day;
  std::string vendor, blocklist, sender, stage;
};

// Everything known of one address, over all records given (escalation looks
// beyond the period).
struct AddressState {
  ReportRecipient latest;        // the latest record in the period
  long latest_day = kUndated;
  bool in_period = false;
  std::set<long> soft_days;      // days with a soft failure or delay
  long last_success = kUndated;  // the latest delivered record
};

std::string JoinTop(const std::map<std::string, size_t>& counts, size_t limit, bool with_counts,
                    std::string_view last_join = " and ") {
  std::vector<std::pair<std::string, size_t>> v(counts.begin(), counts.end());
  std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::string> parts;
  for (size_t i = 0; i < v.size() && i < limit; ++i) {
    if (v[i].first.empty()) continue;
    parts.push_back(with_counts ? v[i].first + " (" + std::to_string(v[i].second) + ")" : v[i].first);
  }
  if (v.size() > limit && !parts.empty()) parts.push_back(std::to_string(v.size() - limit) + " more");
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += (i + 1 == parts.size()) ? std::string(last_join) : std::string(", ");
    out += parts[i];
  }
  return out;
}

}  // namespace

struct ReportBuilder::Impl {
  const ReasonBook* reasons = nullptr;
  ReportOptions options;
  long since = kUndated;
  internal::ActionTable actions;
  std::unique_ptr<RE2> ipv4;  // an IPv4 literal (RFC structure, not wording)
  std::vector<AddressState> addresses;
  std::unordered_map<std::string, size_t> index;  // lower-case address -> addresses
  std::vector<Entry> entries;
  size_t messages = 0, bounces = 0, not_bounces = 0;

  std::string SendingIp(const Record& r) const;
  void AddGroups(const std::vector<size_t>& remap, Report* report) const;
  void AddActions(Report* report) const;
  void AddTrends(Report* report) const;
};

std::unique_ptr<ReportBuilder> ReportBuilder::Create(const ReasonBook& reasons, const ReportOptions& options,
                                                     std::string* error) {
  auto impl = std::make_unique<Impl>();
  impl->reasons = &reasons;
  impl->options = options;
  if (!options.since.empty() && !DayNumber(options.since, &impl->since)) {
    *error = "since must be a day YYYY-MM-DD, not '" + options.since + "'";
    return nullptr;
  }
  if (!impl->actions.Load(error)) return nullptr;
  impl->ipv4 = std::make_unique<RE2>(
      R"((?:^|[^0-9.])((?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})(?:[^0-9.]|$))");
  if (!impl->ipv4->ok()) {
    *error = "IPv4 pattern: " + impl->ipv4->error();
    return nullptr;
  }
  return std::unique_ptr<ReportBuilder>(new ReportBuilder(std::move(impl)));
}

ReportBuilder::ReportBuilder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ReportBuilder::~ReportBuilder() = default;

void ReportBuilder::SetInputCounts(size_t messages, size_t bounces, size_t not_bounces) {
  impl_->messages = messages;
  impl_->bounces = bounces;
  impl_->not_bounces = not_bounces;
}

// The sending IP a blocklist refusal names: the first IPv4 literal of the
// server's words, when the list holds IPs.
std::string ReportBuilder::Impl::SendingIp(const Record& r) const {
  if (r.blocklist.empty()) return "";
  const BlocklistInfo* list = reasons->BlocklistById(r.blocklist);
  if (list == nullptr || list->listed != "ip") return "";
  std::string ip;
  if (!RE2::PartialMatch(r.diagnostic, *ipv4, &ip)) return "";
  return ip;
}

void ReportBuilder::Add(const Record& r) {
  Impl& m = *impl_;
  std::string key = internal::ToLower(r.recipient);
  auto [it, added] = m.index.emplace(key, m.addresses.size());
  if (added) m.addresses.emplace_back();
  AddressState& a = m.addresses[it->second];
  RecordKind kind = KindOf(r);
  std::string day_text = RecordDay(r);
  long day = kUndated;
  if (!day_text.empty()) DayNumber(day_text, &day);

  // Escalation looks at every record, in the period or before it.
  if (day != kUndated) {
    if ((kind == RecordKind::kFailed || kind == RecordKind::kDelayed) && !r.hard_bounce) a.soft_days.insert(day);
    if (kind == RecordKind::kDelivered) a.last_success = std::max(a.last_success, day);
  }
  bool in_period = m.since == kUndated || (day != kUndated && day >= m.since);
  if (!in_period) return;

  ReportRecipient& p = a.latest;
  ++p.bounces;
  if (!a.in_period || day >= a.latest_day || day == kUndated) {
    a.in_period = true;
    if (day != kUndated) a.latest_day = day;
    p.address = r.recipient;
    p.domain = internal::ToLower(internal::DomainOf(r.recipient));
    p.kind = kind;
    p.reason = r.reason;
    p.hard = r.hard_bounce;
    p.suppress = r.details.suppress;
    p.status = r.status;
    p.reply_code = r.reply_code;
    p.smtp_command = r.smtp_command;
    p.vendor = r.receiving_vendor;
    p.vendor_name = std::string(m.reasons->VendorName(r.receiving_vendor));
    p.blocklist = r.blocklist;
    p.sending_ip = m.SendingIp(r);
    p.sender = r.sender;
    p.subject = r.subject;
    p.diagnostic = r.diagnostic;
    p.evidence = r.details.evidence;
    p.source = r.source;
    p.day = day_text;
  }
  m.entries.push_back(Entry{it->second, kind, r.reason, r.hard_bounce, day, r.receiving_vendor, r.blocklist,
                            internal::ToLower(r.sender), r.smtp_command});
}

void ReportBuilder::Impl::AddGroups(const std::vector<size_t>& remap, Report* report) const {
  struct Spec {
    const char* id;
    const char* title;
  };
  const Spec specs[] = {{"reason", "By reason"},          {"provider", "By receiving provider"},
                        {"domain", "By recipient domain"}, {"sender", "By sender"},
                        {"blocklist", "By blocklist"},     {"stage", "By SMTP stage"},
                        {"day", "By day"}};
  for (const Spec& spec : specs) {
    std::string id = spec.id;
    std::map<std::string, ReportGroup> groups;
    std::map<std::string, std::set<size_t>> members;
    for (const Entry& e : entries) {
      if (!IsProblem(e.kind)) continue;
      const ReportRecipient& who = report->recipients[remap[e.recipient]];
      std::string key, label;
      if (id == "reason") {
        key = std::string(ReasonName(e.reason));
        label = key;
      } else if (id == "provider") {
        key = e.vendor;
        label = key.empty() ? "unknown" : std::string(reasons->VendorName(key));
        if (label.empty()) label = key;
      } else if (id == "domain") {
        key = who.domain;
        label = key.empty() ? "(no domain)" : key;
      } else if (id == "sender") {
        key = e.sender;
        label = key.empty() ? "(not named)" : key;
      } else if (id == "blocklist") {
        if (e.blocklist.empty()) continue;
        key = e.blocklist;
        const BlocklistInfo* list = reasons->BlocklistById(key);
        label = list != nullptr ? list->name : key;
      } else if (id == "stage") {
        key = e.stage;
        label = key.empty() ? "(not said)" : key;
      } else {
        if (e.day == kUndated) continue;
        key = DayFromNumber(e.day);
        label = key;
      }
      ReportGroup& g = groups[key];
      g.key = key;
      g.label = label;
      ++g.bounces;
      members[key].insert(remap[e.recipient]);
    }
    Breakdown b;
    b.id = id;
    b.title = spec.title;
    for (auto& [key, g] : groups) {
      g.recipients.assign(members[key].begin(), members[key].end());
      b.groups.push_back(std::move(g));
    }
    if (id != "day") {
      std::stable_sort(b.groups.begin(), b.groups.end(), [](const ReportGroup& x, const ReportGroup& y) {
        return x.recipients.size() != y.recipients.size() ? x.recipients.size() > y.recipients.size()
                                                          : x.bounces > y.bounces;
      });
    }
    report->breakdowns.push_back(std::move(b));
  }
}

void ReportBuilder::Impl::AddActions(Report* report) const {
  struct Pending {
    const internal::ActionRow* row;
    std::vector<size_t> recipients;
  };
  std::map<std::pair<int, std::string>, Pending> items;  // (row line, split key)
  for (size_t i = 0; i < report->recipients.size(); ++i) {
    const ReportRecipient& p = report->recipients[i];
    if (!p.escalated && !IsProblem(p.kind)) continue;
    internal::ActionSubject subject;
    subject.kind = p.escalated ? "escalated" : std::string(RecordKindName(p.kind));
    subject.reason = p.reason;
    subject.listed = "none";
    if (!p.blocklist.empty()) {
      const BlocklistInfo* list = reasons->BlocklistById(p.blocklist);
      if (list != nullptr) subject.listed = list->listed;
    }
    const internal::ActionRow* row = actions.Match(subject);
    if (row == nullptr) continue;
    std::string split;
    if (row->split == "blocklist") split = p.blocklist + "|" + p.sending_ip;
    if (row->split == "vendor") split = p.vendor;
    Pending& item = items[{row->line, split}];
    item.row = row;
    item.recipients.push_back(i);
  }
  for (auto& [key, item] : items) {
    std::map<std::string, size_t> vendors, statuses, sender_domains, domains, reason_names;
    const ReportRecipient* example = nullptr;
    for (size_t i : item.recipients) {
      const ReportRecipient& p = report->recipients[i];
      ++vendors[p.vendor_name];
      if (!p.status.empty()) ++statuses[p.status];
      else if (!p.reply_code.empty()) ++statuses[p.reply_code];
      ++sender_domains[internal::ToLower(internal::DomainOf(p.sender))];
      ++domains[p.domain];
      ++reason_names[std::string(ReasonName(p.reason))];
      if (example == nullptr && !p.diagnostic.empty()) example = &p;
    }
    const ReportRecipient& first = report->recipients[item.recipients.front()];
    std::string count = std::to_string(item.recipients.size());
    const std::string& vendor = first.vendor_name;
    std::string blocklist, lookup, note;
    if (const BlocklistInfo* list = reasons->BlocklistById(first.blocklist)) {
      blocklist = list->name;
      lookup = list->lookup;
      note = list->note;
    }
    std::string vendor_list = JoinTop(vendors, 3, false);
    std::string status_list = JoinTop(statuses, 3, false, ", ");
    std::string sender_list = JoinTop(sender_domains, 3, false);
    std::string domain_list = JoinTop(domains, 3, false, ", ");
    std::string reason_list = JoinTop(reason_names, 4, true, ", ");
    internal::TemplateValues values = {
        {"count", count},         {"vendor", vendor},        {"vendors", vendor_list},
        {"novendor", vendor.empty() ? "yes" : ""},
        {"ip", first.sending_ip}, {"blocklist", blocklist},  {"lookup", lookup},
        {"note", note},           {"statuses", status_list}, {"sender_domains", sender_list},
        {"domains", domain_list}, {"reasons", reason_list}};
    ActionItem a;
    a.id = item.row->id;
    a.catch_all = item.row == &actions.rows().back();
    a.sentence = internal::FillTemplate(
        item.recipients.size() == 1 ? item.row->sentence_one : item.row->sentence, values);
    a.next_step = internal::FillTemplate(item.row->next_step, values);
    std::string codes = JoinTop(statuses, 4, true, ", ");
    if (!codes.empty()) a.evidence = "codes " + codes;
    if (example != nullptr) {
      std::string words = example->diagnostic;
      if (words.size() > 160) words = words.substr(0, internal::Utf8CutPoint(words, 157)) + "...";
      if (!a.evidence.empty()) a.evidence += "; ";
      a.evidence += "e.g. \"" + words + "\"";
    }
    a.recipients = std::move(item.recipients);
    report->actions.push_back(std::move(a));
  }
  // Largest first; what the table's last row caught ("other reasons") names
  // no action of its own, so it comes after every item that does.
  std::stable_sort(report->actions.begin(), report->actions.end(), [](const ActionItem& x, const ActionItem& y) {
    if (x.catch_all != y.catch_all) return y.catch_all;
    return x.recipients.size() > y.recipients.size();
  });
}

void ReportBuilder::Impl::AddTrends(Report* report) const {
  long first = kUndated, last = kUndated;
  for (const Entry& e : entries) {
    if (!IsProblem(e.kind) || e.day == kUndated) continue;
    if (first == kUndated || e.day < first) first = e.day;
    if (last == kUndated || e.day > last) last = e.day;
  }
  if (first == kUndated) return;
  first = std::max(first, last - kTrendMaxDays + 1);
  for (const char* id : {"provider", "reason"}) {
    Trend t;
    t.id = id;
    t.title = t.id == "provider" ? "Failures per day by receiving provider" : "Failures per day by reason";
    for (long d = first; d <= last; ++d) t.days.push_back(DayFromNumber(d));
    const Breakdown* b = nullptr;
    for (const Breakdown& x : report->breakdowns) {
      if (x.id == t.id) b = &x;
    }
    for (size_t g = 0; b != nullptr && g < b->groups.size() && g < kTrendSeries; ++g) {
      Trend::Series s;
      s.key = b->groups[g].key;
      s.label = b->groups[g].label;
      s.counts.assign(t.days.size(), 0);
      t.series.push_back(std::move(s));
    }
    for (const Entry& e : entries) {
      if (!IsProblem(e.kind) || e.day == kUndated || e.day < first) continue;
      std::string key = t.id == "provider" ? e.vendor : std::string(ReasonName(e.reason));
      for (Trend::Series& s : t.series) {
        if (s.key == key) ++s.counts[static_cast<size_t>(e.day - first)];
      }
    }
    report->trends.push_back(std::move(t));
  }
}

Report ReportBuilder::Build() const {
  const Impl& m = *impl_;
  Report report;
  report.since = m.options.since;
  ReportTotals& t = report.totals;
  t.messages = m.messages;
  t.bounces = m.bounces;
  t.not_bounces = m.not_bounces;

  // The addresses of the period, by address; remap[state] is its index in report.recipients.
  std::vector<size_t> order;
  for (size_t i = 0; i < m.addresses.size(); ++i) {
    if (m.addresses[i].in_period) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    return m.addresses[x].latest.address < m.addresses[y].latest.address;
  });
  std::vector<size_t> remap(m.addresses.size(), 0);
  std::set<std::string> domains;
  for (size_t i : order) {
    const AddressState& a = m.addresses[i];
    remap[i] = report.recipients.size();
    ReportRecipient p = a.latest;
    p.soft_days = a.soft_days.size();
    if (p.suppress) p.suppress_reason = std::string(ReasonName(p.reason));
    // Repeated soft bounces (ESP practice): N distinct days over at least D
    // days, with no delivery after the last of them.
    if (!p.suppress && !a.soft_days.empty() && a.soft_days.size() >= static_cast<size_t>(m.options.soft_days) &&
        *a.soft_days.rbegin() - *a.soft_days.begin() + 1 >= m.options.soft_span_days &&
        a.last_success < *a.soft_days.rbegin()) {
      p.suppress = true;
      p.escalated = true;
      p.suppress_reason = "repeated soft bounces";
    }
    if (IsProblem(p.kind) || p.escalated) {
      ++t.recipients;
      domains.insert(p.domain);
    }
    if (p.suppress) {
      ++t.suppress;
      if (p.escalated) ++t.escalated;
      report.suppression.push_back(report.recipients.size());
    }
    report.recipients.push_back(std::move(p));
  }
  t.domains = domains.size();

  long first = kUndated, last = kUndated;
  for (const Entry& e : m.entries) {
    ++t.records;
    switch (e.kind) {
      case RecordKind::kFailed:
        ++t.failed;
        ++(e.hard ? t.hard : t.soft);
        break;
      case RecordKind::kDelayed: ++t.delayed; break;
      case RecordKind::kComplaint: ++t.complaints; break;
      case RecordKind::kAutoReply: ++t.auto_replies; break;
      case RecordKind::kDelivered: ++t.delivered; break;
    }
    if (e.day == kUndated) continue;
    if (first == kUndated || e.day < first) first = e.day;
    if (last == kUndated || e.day > last) last = e.day;
  }
  if (first != kUndated) {
    t.first_day = DayFromNumber(first);
    t.last_day = DayFromNumber(last);
  }
  m.AddGroups(remap, &report);
  m.AddActions(&report);
  m.AddTrends(&report);
  return report;
}

}  // namespace ndr
