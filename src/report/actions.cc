#include "report/actions.h"

#include <algorithm>

#include "knowledge/reason_book_impl.h"
#include "knowledge/template.h"
#include "knowledge/tsv.h"

namespace ndr {
namespace internal {
namespace {

// The table reader's list splitting (trimmed, empty items dropped).
std::vector<std::string> SplitList(std::string_view cell) { return rb::Split(cell, ','); }

bool Contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// The placeholders report.cc fills for an item.
const char* const kPlaceholders[] = {"count",    "vendor",  "novendor", "vendors",        "ip",      "blocklist", "lookup",
                                     "note",     "statuses", "sender_domains", "domains", "reasons"};

bool KnownPlaceholders(std::string_view text) {
  for (std::string_view name : TemplatePlaceholders(text)) {
    if (std::find(std::begin(kPlaceholders), std::end(kPlaceholders), name) == std::end(kPlaceholders)) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool ActionTable::Load(std::string* error) {
  TsvTable table;
  if (!LoadEmbeddedTsv("report_actions.tsv",
                       {"id", "kind", "reasons", "listed", "split", "sentence", "sentence_one", "next_step", "sample"}, &table,
                       error)) {
    return false;
  }
  static const std::vector<std::string> kKinds = {"failed", "delayed", "complaint", "escalated"};
  static const std::vector<std::string> kListed = {"ip", "domain", "url", "none", "*"};
  static const std::vector<std::string> kSplits = {"", "blocklist", "vendor"};
  for (const TsvRow& row : table.rows) {
    ActionRow a;
    a.line = row.line;
    a.id = std::string(table.Cell(row, "id"));
    a.kinds = SplitList(table.Cell(row, "kind"));
    if (a.id.empty() || a.kinds.empty()) {
      *error = table.Where(row, "id and kind are required");
      return false;
    }
    for (const std::string& kind : a.kinds) {
      if (!Contains(kKinds, kind)) {
        *error = table.Where(row, "unknown kind '" + kind + "'");
        return false;
      }
    }
    for (const std::string& name : SplitList(table.Cell(row, "reasons"))) {
      if (name == "*") continue;
      Reason reason;
      if (!ParseReason(name, &reason)) {
        *error = table.Where(row, "unknown reason '" + name + "'");
        return false;
      }
      a.reasons.push_back(reason);
    }
    a.listed = std::string(table.Cell(row, "listed"));
    a.split = std::string(table.Cell(row, "split"));
    if (!Contains(kListed, a.listed) || !Contains(kSplits, a.split)) {
      *error = table.Where(row, "listed must be ip, domain, url, none or *; split blocklist, vendor or empty");
      return false;
    }
    a.sentence = std::string(table.Cell(row, "sentence"));
    a.sentence_one = std::string(table.Cell(row, "sentence_one"));
    if (a.sentence_one.empty()) a.sentence_one = a.sentence;
    a.next_step = std::string(table.Cell(row, "next_step"));
    a.sample = std::string(table.Cell(row, "sample"));
    if (a.sentence.empty() || a.next_step.empty() || a.sample.empty()) {
      *error = table.Where(row, "sentence, next_step and sample are required");
      return false;
    }
    if (!KnownPlaceholders(a.sentence) || !KnownPlaceholders(a.sentence_one) || !KnownPlaceholders(a.next_step)) {
      *error = table.Where(row, "a placeholder the report does not fill");
      return false;
    }
    for (const ActionRow& other : rows_) {
      if (other.id == a.id) {
        *error = table.Where(row, "duplicate id '" + a.id + "'");
        return false;
      }
    }
    rows_.push_back(std::move(a));
  }
  return true;
}

const ActionRow* ActionTable::Match(const ActionSubject& subject) const {
  for (const ActionRow& row : rows_) {
    if (!Contains(row.kinds, subject.kind)) continue;
    if (!row.reasons.empty() &&
        std::find(row.reasons.begin(), row.reasons.end(), subject.reason) == row.reasons.end()) {
      continue;
    }
    if (row.listed != "*" && row.listed != subject.listed) continue;
    return &row;
  }
  return nullptr;
}

}  // namespace internal
}  // namespace ndr
