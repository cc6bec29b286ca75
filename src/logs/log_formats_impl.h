// Internals of the log stage: data/log_formats.tsv compiled. Not public API.
#ifndef NDR_SRC_LOGS_LOG_FORMATS_IMPL_H_
#define NDR_SRC_LOGS_LOG_FORMATS_IMPL_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "knowledge/rule_set.h"
#include "ndr/logs.h"

namespace re2 {
class RE2;
}

namespace ndr {

// The fields a row can give (group names, or the left side of `columns`).
enum class LogField : int {
  kDate,
  kQueueId,
  kRecipient,
  kOriginalRecipient,
  kOutcome,
  kStatus,
  kReply,
  kReplyCode,
  kRemoteMta,
  kCommand,
  kText,
  kColumns,  // header rows: the column names
};
inline constexpr int kLogFieldCount = static_cast<int>(LogField::kColumns) + 1;

enum class LogRowKind { kLine, kText, kHeader, kRow, kJson, kDelivered };

// What an outcome word means.
enum class LogOutcome { kFailed, kDelayed, kDelivered, kOther };

struct LogFormatRow {
  std::string id;
  std::string format;
  LogRowKind kind = LogRowKind::kLine;
  int line = 0;                                   // in the table, for messages
  std::unique_ptr<re2::RE2> pattern;              // line, text and header rows
  std::vector<std::pair<int, LogField>> groups;   // capture group index -> field
  std::vector<std::pair<LogField, std::string>> columns;  // row and json rows: field <- column/key
  std::vector<std::pair<std::string, LogOutcome>> outcomes;
  bool has_default_outcome = false;
  LogOutcome default_outcome = LogOutcome::kOther;
  std::vector<std::pair<LogField, std::string>> fixed;
  std::string sample;
};

struct LogFormats::Impl {
  std::vector<LogFormatRow> rows;         // table order
  internal::RuleSet prefilter;            // one pattern per row with a prefilter
  std::vector<size_t> prefilter_rows;     // prefilter index -> rows index
  // Per row: the text rows of its format, in table order.
  std::vector<std::vector<size_t>> text_rows;
};

}  // namespace ndr

#endif  // NDR_SRC_LOGS_LOG_FORMATS_IMPL_H_
