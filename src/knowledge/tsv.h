// A reader for the data/*.tsv tables: UTF-8, tab-separated, '#' comment lines,
// the first other line is the header row naming the columns.
#ifndef NDR_SRC_KNOWLEDGE_TSV_H_
#define NDR_SRC_KNOWLEDGE_TSV_H_

#include <string>
#include <string_view>
#include <vector>

namespace ndr {
namespace internal {

struct TsvRow {
  int line = 0;                         // 1-based line number in the file
  std::vector<std::string_view> cells;  // one per header column ("" when missing)
};

struct TsvTable {
  std::string name;                    // "reply_codes.tsv"
  std::vector<std::string_view> columns;
  std::vector<TsvRow> rows;

  // Index of a column, -1 when absent.
  int Column(std::string_view column) const;
  // The cell of `row` in `column` ("" when the column is absent).
  std::string_view Cell(const TsvRow& row, std::string_view column) const;
  // "data/<name>:<line>: <what>" for error messages.
  std::string Where(const TsvRow& row, std::string_view what) const;
};

// Parses `content` (which must outlive the table). Returns false and sets
// *error for a row with more cells than columns or a missing header, and when
// a column in `required` is absent.
bool ParseTsv(std::string_view name, std::string_view content,
              const std::vector<std::string_view>& required, TsvTable* out, std::string* error);

// Convenience: ParseTsv on the embedded data/<name>; fails when it is missing.
bool LoadEmbeddedTsv(std::string_view name, const std::vector<std::string_view>& required,
                     TsvTable* out, std::string* error);

}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_KNOWLEDGE_TSV_H_
