// The report as one JSON object (every group with the addresses behind it).
#include <ostream>

#include "ndr/render.h"
#include "ndr/report.h"

namespace ndr {
namespace {

void Key(std::string_view key, std::string* out) {
  AppendJsonString(key, out);
  out->push_back(':');
}

void Str(std::string_view key, std::string_view value, std::string* out) {
  Key(key, out);
  AppendJsonString(value, out);
  out->push_back(',');
}

void Num(std::string_view key, size_t value, std::string* out) {
  Key(key, out);
  out->append(std::to_string(value));
  out->push_back(',');
}

void CloseObject(std::string* out, char close) {
  if (out->back() == ',') out->back() = close;
  else out->push_back(close);
}

void Addresses(const Report& r, const std::vector<size_t>& who, std::string* out) {
  Key("recipients", out);
  out->push_back('[');
  for (size_t i : who) {
    AppendJsonString(r.recipients[i].address, out);
    out->push_back(',');
  }
  CloseObject(out, ']');
  out->push_back(',');
}

}  // namespace

void RenderReportJson(const Report& r, std::ostream& os) {
  std::string out = "{";
  const ReportTotals& t = r.totals;
  Key("totals", &out);
  out.push_back('{');
  Num("messages", t.messages, &out);
  Num("bounces", t.bounces, &out);
  Num("not_bounces", t.not_bounces, &out);
  Num("records", t.records, &out);
  Num("failed", t.failed, &out);
  Num("hard", t.hard, &out);
  Num("soft", t.soft, &out);
  Num("delayed", t.delayed, &out);
  Num("complaints", t.complaints, &out);
  Num("auto_replies", t.auto_replies, &out);
  Num("delivered", t.delivered, &out);
  Num("recipients", t.recipients, &out);
  Num("domains", t.domains, &out);
  Num("suppress", t.suppress, &out);
  Num("escalated", t.escalated, &out);
  Str("first_day", t.first_day, &out);
  Str("last_day", t.last_day, &out);
  Str("since", r.since, &out);
  CloseObject(&out, '}');
  out.push_back(',');

  Key("actions", &out);
  out.push_back('[');
  for (const ActionItem& a : r.actions) {
    out.push_back('{');
    Str("id", a.id, &out);
    Str("sentence", a.sentence, &out);
    Str("evidence", a.evidence, &out);
    Str("next_step", a.next_step, &out);
    Num("count", a.recipients.size(), &out);
    Addresses(r, a.recipients, &out);
    CloseObject(&out, '}');
    out.push_back(',');
  }
  CloseObject(&out, ']');
  out.push_back(',');

  Key("breakdowns", &out);
  out.push_back('{');
  for (const Breakdown& b : r.breakdowns) {
    Key(b.id, &out);
    out.push_back('[');
    for (const ReportGroup& g : b.groups) {
      out.push_back('{');
      Str("key", g.key, &out);
      Str("label", g.label, &out);
      Num("count", g.recipients.size(), &out);
      Num("bounces", g.bounces, &out);
      Addresses(r, g.recipients, &out);
      CloseObject(&out, '}');
      out.push_back(',');
    }
    CloseObject(&out, ']');
    out.push_back(',');
  }
  CloseObject(&out, '}');
  out.push_back(',');

  Key("trends", &out);
  out.push_back('{');
  for (const Trend& trend : r.trends) {
    Key(trend.id, &out);
    out.push_back('{');
    Key("days", &out);
    out.push_back('[');
    for (const std::string& d : trend.days) {
      AppendJsonString(d, &out);
      out.push_back(',');
    }
    CloseObject(&out, ']');
    out.push_back(',');
    Key("series", &out);
    out.push_back('[');
    for (const Trend::Series& s : trend.series) {
      out.push_back('{');
      Str("key", s.key, &out);
      Str("label", s.label, &out);
      Key("counts", &out);
      out.push_back('[');
      for (size_t c : s.counts) out += std::to_string(c) + ",";
      CloseObject(&out, ']');
      out.push_back('}');
      out.push_back(',');
    }
    CloseObject(&out, ']');
    out.push_back('}');
    out.push_back(',');
  }
  CloseObject(&out, '}');
  out.push_back(',');

  Key("suppression", &out);
  out.push_back('[');
  for (size_t i : r.suppression) {
    const ReportRecipient& p = r.recipients[i];
    out.push_back('{');
    Str("address", p.address, &out);
    Str("reason", p.suppress_reason, &out);
    Str("last_date", p.day, &out);
    Str("evidence", p.evidence, &out);
    CloseObject(&out, '}');
    out.push_back(',');
  }
  CloseObject(&out, ']');
  out += "}\n";
  os.write(out.data(), static_cast<std::streamsize>(out.size()));
}

}  // namespace ndr
