#include "bounce/esp_events.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bounce/json_text.h"
#include "core/strings.h"
#include "knowledge/tsv.h"

namespace ndr {
namespace internal {
namespace {

// "a|b|" -> {"a", "b"} (empty pieces dropped).
std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    size_t at = s.find(sep);
    std::string_view piece = s.substr(0, at);
    if (!piece.empty()) out.push_back(piece);
    if (at == std::string_view::npos) break;
    s.remove_prefix(at + 1);
  }
  return out;
}

using Path = std::vector<std::string>;   // member names; empty: the object itself
using Paths = std::vector<Path>;         // alternatives, the first that gives a value wins

// "a.b|c" -> {{"a","b"},{"c"}}; "." -> {{}}; "" -> {}.
Paths ParsePaths(std::string_view cell) {
  Paths out;
  if (cell.empty()) return out;
  for (std::string_view alt : Split(cell, '|')) {
    Path path;
    if (alt != ".") {
      for (std::string_view name : Split(alt, '.')) path.emplace_back(name);
    }
    out.push_back(std::move(path));
  }
  return out;
}

// "key=v1|v2": a string member equal to one of the values; "k1|k2": one of the members present.
struct Condition {
  std::vector<std::string> keys;
  std::vector<std::string> values;  // empty: presence
};

enum class EventAction { kFailed, kDelayed, kFeedback, kNone };

struct EventRow {
  std::string vendor, reporter;
  Paths event;
  std::vector<Condition> when;
  EventAction action = EventAction::kNone;
  Paths recipient, status, reply, diagnostic, subject, sender, message_id;
  std::string sample;
};

struct EventTable {
  std::vector<EventRow> rows;
  std::string error;  // the first bad row, "" when the table loaded
};

bool ParseAction(std::string_view cell, EventAction* out) {
  if (cell == "failed") *out = EventAction::kFailed;
  else if (cell == "delayed") *out = EventAction::kDelayed;
  else if (cell == "feedback") *out = EventAction::kFeedback;
  else if (cell == "none") *out = EventAction::kNone;
  else return false;
  return true;
}

EventTable LoadTable() {
  EventTable t;
  TsvTable table;
  if (!LoadEmbeddedTsv("esp_events.tsv",
                       {"vendor", "reporter", "event", "when", "action", "recipient", "status", "reply", "diagnostic",
                        "subject", "sender", "message_id", "sample"},
                       &table, &t.error)) {
    return t;
  }
  for (const TsvRow& r : table.rows) {
    EventRow row;
    row.vendor = std::string(table.Cell(r, "vendor"));
    row.reporter = std::string(table.Cell(r, "reporter"));
    row.event = ParsePaths(table.Cell(r, "event"));
    for (std::string_view cond : Split(table.Cell(r, "when"), ';')) {
      Condition c;
      size_t eq = cond.find('=');
      for (std::string_view k : Split(cond.substr(0, eq), '|')) c.keys.emplace_back(k);
      if (eq != std::string_view::npos) {
        for (std::string_view v : Split(cond.substr(eq + 1), '|')) c.values.emplace_back(v);
      }
      if (c.keys.empty() || (eq != std::string_view::npos && (c.keys.size() != 1 || c.values.empty()))) {
        t.error = table.Where(r, "bad condition in 'when'");
        return t;
      }
      row.when.push_back(std::move(c));
    }
    row.recipient = ParsePaths(table.Cell(r, "recipient"));
    row.status = ParsePaths(table.Cell(r, "status"));
    row.reply = ParsePaths(table.Cell(r, "reply"));
    row.diagnostic = ParsePaths(table.Cell(r, "diagnostic"));
    row.subject = ParsePaths(table.Cell(r, "subject"));
    row.sender = ParsePaths(table.Cell(r, "sender"));
    row.message_id = ParsePaths(table.Cell(r, "message_id"));
    row.sample = std::string(table.Cell(r, "sample"));
    if (row.vendor.empty() || row.event.empty() || row.when.empty() || row.recipient.empty() || row.sample.empty() ||
        !ParseAction(table.Cell(r, "action"), &row.action)) {
      t.error = table.Where(r, "vendor, event, when, a known action, recipient and sample are required");
      return t;
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

const EventTable& Table() {
  static const EventTable table = LoadTable();
  return table;
}

const Json* At(const Json& v, const Path& path) {
  const Json* at = &v;
  for (const std::string& name : path) {
    at = JsonMember(*at, name);
    if (at == nullptr) return nullptr;
  }
  return at;
}

// A string or a number at the first path that gives one ("" when none does).
std::string Text(const Json& event, const Paths& paths) {
  for (const Path& path : paths) {
    const Json* v = At(event, path);
    if (v == nullptr) continue;
    if (v->is_string() && !v->get_ref<const std::string&>().empty()) return v->get<std::string>();
    if (v->is_number_integer() || v->is_number_unsigned()) return v->dump();
  }
  return {};
}

bool Holds(const Json& event, const Condition& c) {
  for (const std::string& key : c.keys) {
    const Json* v = JsonMember(event, key);
    if (v == nullptr) continue;
    if (c.values.empty()) return true;
    if (!v->is_string()) continue;
    for (const std::string& value : c.values) {
      if (v->get_ref<const std::string&>() == value) return true;
    }
  }
  return false;
}

// The event object of `element` a row reads, or null when its conditions do not hold.
const Json* EventOf(const EventRow& row, const Json& element) {
  for (const Path& path : row.event) {
    const Json* event = At(element, path);
    if (event == nullptr || !event->is_object()) continue;
    bool all = true;
    for (const Condition& c : row.when) all = all && Holds(*event, c);
    return all ? event : nullptr;
  }
  return nullptr;
}

std::vector<std::string> Recipients(const Json& event, const Paths& paths, size_t max) {
  std::vector<std::string> out;
  for (const Path& path : paths) {
    const Json* v = At(event, path);
    if (v == nullptr) continue;
    if (v->is_string() && !v->get_ref<const std::string&>().empty()) {
      out.push_back(v->get<std::string>());
    } else if (v->is_array()) {
      for (const Json& item : *v) {
        if (out.size() >= max) break;
        if (item.is_string() && !item.get_ref<const std::string&>().empty()) out.push_back(item.get<std::string>());
      }
    }
    if (!out.empty()) break;
  }
  return out;
}

// The server's words with the reply code before them when the event gives it
// apart ("5.1.1 No such user" and 550 -> "550 5.1.1 No such user"); a leading
// "smtp;" is the event's own type prefix.
std::string Diagnostic(std::string words, const std::string& reply) {
  std::string_view trimmed = Trim(words);
  if (IStartsWith(trimmed, "smtp;")) trimmed = Trim(trimmed.substr(5));
  words = std::string(trimmed);
  if (reply.size() == 3 && words.compare(0, 3, reply) != 0) words = words.empty() ? reply : reply + " " + words;
  return words;
}

void AddOriginalField(BounceParts* out, const char* name, const std::string& value) {
  if (!value.empty() && !out->original_headers.Has(name)) out->original_headers.Add(name, value);
}

}  // namespace

bool CheckEspEventTable(std::string* error) {
  const EventTable& t = Table();
  if (!t.error.empty() && error != nullptr) *error = t.error;
  return t.error.empty();
}

bool ReadEspEvents(std::string_view text, BounceParts* out, size_t max_recipients) {
  size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || (text[start] != '{' && text[start] != '[')) return false;
  const EventTable& table = Table();
  if (!table.error.empty() || table.rows.empty()) return false;
  Json root;
  if (!ParseJsonText(text.substr(start), &root)) return false;
  std::vector<const Json*> elements;
  if (root.is_array()) {
    for (const Json& e : root) {
      if (elements.size() >= max_recipients) break;
      elements.push_back(&e);
    }
  } else {
    elements.push_back(&root);
  }
  BounceParts read = *out;
  bool any = false;
  for (const Json* element : elements) {
    for (const EventRow& row : table.rows) {
      const Json* event = EventOf(row, *element);
      if (event == nullptr) continue;
      any = true;
      if (row.action == EventAction::kNone) break;
      if (!read.per_message.Has("Reporting-MTA")) read.per_message.Add("Reporting-MTA", "dns; " + row.reporter);
      AddOriginalField(&read, "Subject", Text(*event, row.subject));
      AddOriginalField(&read, "From", Text(*event, row.sender));
      AddOriginalField(&read, "Message-ID", Text(*event, row.message_id));
      for (const std::string& recipient : Recipients(*event, row.recipient, max_recipients)) {
        if (row.action == EventAction::kFeedback) {
          if (!read.feedback.Has("Feedback-Type")) read.feedback.Add("Feedback-Type", "abuse");
          read.feedback.Add("Original-Rcpt-To", recipient);
          continue;
        }
        if (read.per_recipient.size() >= max_recipients) {
          read.problems.push_back({ProblemKind::kLimit, RecipientLimitProblem(max_recipients)});
          break;
        }
        Headers group;
        group.Add("Final-Recipient", "rfc822; " + recipient);
        group.Add("Action", row.action == EventAction::kFailed ? "failed" : "delayed");
        std::string status = Text(*event, row.status);
        if (status.size() >= 5 && (status[0] == '2' || status[0] == '4' || status[0] == '5') && status[1] == '.') {
          group.Add("Status", status);
        }
        std::string words = Diagnostic(Text(*event, row.diagnostic), Text(*event, row.reply));
        if (!words.empty()) group.Add("Diagnostic-Code", "smtp; " + words);
        read.per_recipient.push_back(std::move(group));
      }
      break;
    }
  }
  if (!any) return false;
  if (!read.per_recipient.empty()) {
    read.kind = BounceKind::kDeliveryReport;
  } else if (read.feedback.Has("Original-Rcpt-To")) {
    read.kind = BounceKind::kFeedbackReport;
  } else {
    read.kind = BounceKind::kNotBounce;
  }
  read.human_text.clear();
  *out = std::move(read);
  return true;
}

}  // namespace internal
}  // namespace ndr
