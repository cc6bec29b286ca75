// Loads data/log_formats.tsv: one row per log line shape (see data/README.md).
#include <re2/re2.h>

#include "core/strings.h"
#include "knowledge/embedded.h"
#include "knowledge/tsv.h"
#include "logs/log_formats_impl.h"

namespace ndr {
namespace {

constexpr std::string_view kTable = "log_formats.tsv";

template <typename T, size_t N>
bool Named(const std::pair<std::string_view, T> (&names)[N], std::string_view name, T* out) {
  for (const auto& [n, value] : names) {
    if (n == name) {
      *out = value;
      return true;
    }
  }
  return false;
}

const std::pair<std::string_view, LogField> kFields[] = {
    {"date", LogField::kDate},
    {"queue_id", LogField::kQueueId},
    {"recipient", LogField::kRecipient},
    {"original_recipient", LogField::kOriginalRecipient},
    {"outcome", LogField::kOutcome},
    {"status", LogField::kStatus},
    {"reply", LogField::kReply},
    {"reply_code", LogField::kReplyCode},
    {"remote_mta", LogField::kRemoteMta},
    {"command", LogField::kCommand},
    {"text", LogField::kText},
    {"columns", LogField::kColumns},
};
const std::pair<std::string_view, LogRowKind> kKinds[] = {
    {"line", LogRowKind::kLine}, {"text", LogRowKind::kText}, {"header", LogRowKind::kHeader},
    {"row", LogRowKind::kRow},   {"json", LogRowKind::kJson}, {"delivered", LogRowKind::kDelivered},
};
const std::pair<std::string_view, LogOutcome> kOutcomes[] = {
    {"failed", LogOutcome::kFailed},
    {"delayed", LogOutcome::kDelayed},
    {"delivered", LogOutcome::kDelivered},
    {"other", LogOutcome::kOther},
};

bool FieldNamed(std::string_view name, LogField* out) { return Named(kFields, name, out); }

// "a=b c=d" -> {a, b}, {c, d}; each pair split at its last '=' (so "===x" is {"==", "x"}).
bool SplitPairs(std::string_view cell, std::vector<std::pair<std::string_view, std::string_view>>* out) {
  size_t i = 0;
  while (i < cell.size()) {
    size_t end = cell.find(' ', i);
    if (end == std::string_view::npos) end = cell.size();
    std::string_view pair = cell.substr(i, end - i);
    i = end + 1;
    if (pair.empty()) continue;
    size_t eq = pair.rfind('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == pair.size()) return false;
    out->emplace_back(pair.substr(0, eq), pair.substr(eq + 1));
  }
  return true;
}

bool CompileRow(const internal::TsvTable& table, const internal::TsvRow& tsv, LogFormatRow* row,
                std::string* prefilter, std::string* error) {
  auto fail = [&](const std::string& what) {
    *error = table.Where(tsv, what);
    return false;
  };
  row->id = std::string(table.Cell(tsv, "id"));
  row->format = std::string(table.Cell(tsv, "format"));
  row->line = tsv.line;
  row->sample = std::string(table.Cell(tsv, "sample"));
  if (row->id.empty() || row->format.empty()) return fail("id and format must not be empty");
  if (!Named(kKinds, table.Cell(tsv, "kind"), &row->kind)) {
    return fail("kind must be line, text, header, row, json or delivered");
  }
  *prefilter = std::string(table.Cell(tsv, "prefilter"));
  bool needs_prefilter = row->kind != LogRowKind::kText;
  if (needs_prefilter == prefilter->empty()) {
    return fail(needs_prefilter ? "this kind needs a prefilter" : "a text row has no prefilter");
  }
  if (row->sample.empty()) return fail("every row needs a sample");

  std::string_view pattern = table.Cell(tsv, "pattern");
  bool needs_pattern = row->kind == LogRowKind::kLine || row->kind == LogRowKind::kText ||
                       row->kind == LogRowKind::kHeader;
  if (needs_pattern == pattern.empty()) {
    return fail(needs_pattern ? "this kind needs a pattern" : "row, json and delivered rows have no pattern");
  }
  if (needs_pattern) {
    RE2::Options o;
    o.set_log_errors(false);
    o.set_max_mem(8 << 20);
    row->pattern = std::make_unique<RE2>(re2::StringPiece(pattern.data(), pattern.size()), o);
    if (!row->pattern->ok()) return fail("pattern does not compile: " + row->pattern->error());
    for (const auto& [name, index] : row->pattern->NamedCapturingGroups()) {
      LogField field;
      if (!FieldNamed(name, &field)) return fail("unknown field in pattern: " + name);
      row->groups.emplace_back(index, field);
    }
    bool has_columns = false;
    for (const auto& g : row->groups) has_columns |= g.second == LogField::kColumns;
    if ((row->kind == LogRowKind::kHeader) != has_columns) {
      return fail("a header row (and only a header row) has a `columns` group");
    }
  }

  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  if (!SplitPairs(table.Cell(tsv, "columns"), &pairs)) return fail("columns: write FIELD=COLUMN pairs");
  for (const auto& [field_name, column] : pairs) {
    LogField field;
    if (!FieldNamed(field_name, &field)) return fail("columns: unknown field " + std::string(field_name));
    row->columns.emplace_back(field, std::string(column));
  }
  bool needs_columns = row->kind == LogRowKind::kRow || row->kind == LogRowKind::kJson;
  if (needs_columns == row->columns.empty()) {
    return fail(needs_columns ? "this kind needs columns" : "only row and json rows have columns");
  }

  pairs.clear();
  if (!SplitPairs(table.Cell(tsv, "outcomes"), &pairs)) return fail("outcomes: write WORD=ACTION pairs");
  for (const auto& [word, action] : pairs) {
    LogOutcome outcome;
    if (!Named(kOutcomes, action, &outcome)) {
      return fail("outcomes: " + std::string(action) + " is not failed, delayed, delivered or other");
    }
    if (word == "*") {
      row->has_default_outcome = true;
      row->default_outcome = outcome;
    } else {
      row->outcomes.emplace_back(std::string(word), outcome);
    }
  }
  bool gives_deliveries = row->kind == LogRowKind::kLine || row->kind == LogRowKind::kRow ||
                          row->kind == LogRowKind::kJson;
  if (gives_deliveries && row->outcomes.empty()) return fail("this kind needs outcomes");
  if (!gives_deliveries && !pairs.empty()) return fail("only line, row and json rows have outcomes");

  pairs.clear();
  if (!SplitPairs(table.Cell(tsv, "fixed"), &pairs)) return fail("fixed: write FIELD=VALUE pairs");
  for (const auto& [field_name, value] : pairs) {
    LogField field;
    if (!FieldNamed(field_name, &field)) return fail("fixed: unknown field " + std::string(field_name));
    if (field == LogField::kCommand) {
      SmtpCommand command;
      if (!ParseSmtpCommand(value, &command)) return fail("fixed: unknown command " + std::string(value));
    }
    row->fixed.emplace_back(field, std::string(value));
  }
  return true;
}

}  // namespace

LogFormats::LogFormats(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LogFormats::~LogFormats() = default;

std::shared_ptr<const LogFormats> LogFormats::Load(std::string* error) {
  return FromTable(kTable, internal::EmbeddedTableContent(kTable), error);
}

std::shared_ptr<const LogFormats> LogFormats::FromTable(std::string_view name, std::string_view content,
                                                        std::string* error) {
  if (content.empty()) {
    *error = "data/" + std::string(name) + ": missing";
    return nullptr;
  }
  internal::TsvTable table;
  if (!internal::ParseTsv(name, content,
                          {"id", "format", "kind", "prefilter", "pattern", "columns", "outcomes", "fixed", "sample"},
                          &table, error)) {
    return nullptr;
  }
  auto impl = std::make_unique<Impl>();
  for (const internal::TsvRow& tsv : table.rows) {
    LogFormatRow row;
    std::string prefilter;
    if (!CompileRow(table, tsv, &row, &prefilter, error)) return nullptr;
    for (const LogFormatRow& other : impl->rows) {
      if (other.id == row.id) {
        *error = table.Where(tsv, "duplicate id " + row.id);
        return nullptr;
      }
    }
    if (!prefilter.empty()) {
      std::string set_error;
      if (impl->prefilter.Add(prefilter, &set_error) < 0) {
        *error = table.Where(tsv, "prefilter does not compile: " + set_error);
        return nullptr;
      }
      impl->prefilter_rows.push_back(impl->rows.size());
    }
    impl->rows.push_back(std::move(row));
  }
  if (!impl->prefilter.Compile(error)) return nullptr;
  impl->text_rows.resize(impl->rows.size());
  for (size_t i = 0; i < impl->rows.size(); ++i) {
    for (size_t k = 0; k < impl->rows.size(); ++k) {
      if (impl->rows[k].kind == LogRowKind::kText && impl->rows[k].format == impl->rows[i].format) {
        impl->text_rows[i].push_back(k);
      }
    }
  }
  return std::shared_ptr<const LogFormats>(new LogFormats(std::move(impl)));
}

}  // namespace ndr
