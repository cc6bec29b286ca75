#include "knowledge/tsv.h"

#include "knowledge/embedded.h"

namespace ndr {
namespace internal {

std::string_view EmbeddedTableContent(std::string_view name) {
  for (const EmbeddedTable& t : EmbeddedTables()) {
    if (t.name == name) return t.content;
  }
  return {};
}

int TsvTable::Column(std::string_view column) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == column) return static_cast<int>(i);
  }
  return -1;
}

std::string_view TsvTable::Cell(const TsvRow& row, std::string_view column) const {
  int i = Column(column);
  if (i < 0 || static_cast<size_t>(i) >= row.cells.size()) return {};
  return row.cells[i];
}

std::string TsvTable::Where(const TsvRow& row, std::string_view what) const {
  return "data/" + name + ":" + std::to_string(row.line) + ": " + std::string(what);
}

namespace {

std::vector<std::string_view> SplitTabs(std::string_view line) {
  std::vector<std::string_view> cells;
  size_t start = 0;
  while (true) {
    size_t tab = line.find('\t', start);
    if (tab == std::string_view::npos) {
      cells.push_back(line.substr(start));
      return cells;
    }
    cells.push_back(line.substr(start, tab - start));
    start = tab + 1;
  }
}

}  // namespace

bool ParseTsv(std::string_view name, std::string_view content,
              const std::vector<std::string_view>& required, TsvTable* out, std::string* error) {
  out->name = std::string(name);
  out->columns.clear();
  out->rows.clear();
  int line_no = 0;
  size_t pos = 0;
  while (pos < content.size()) {
    size_t end = content.find('\n', pos);
    if (end == std::string_view::npos) end = content.size();
    std::string_view line = content.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string_view> cells = SplitTabs(line);
    if (out->columns.empty()) {
      out->columns = std::move(cells);
      continue;
    }
    if (cells.size() > out->columns.size()) {
      *error = "data/" + std::string(name) + ":" + std::to_string(line_no) + ": " +
               std::to_string(cells.size()) + " cells but " +
               std::to_string(out->columns.size()) + " columns";
      return false;
    }
    cells.resize(out->columns.size());
    out->rows.push_back(TsvRow{line_no, std::move(cells)});
  }
  if (out->columns.empty()) {
    *error = "data/" + std::string(name) + ": no header row";
    return false;
  }
  for (std::string_view column : required) {
    if (out->Column(column) < 0) {
      *error = "data/" + std::string(name) + ": missing column '" + std::string(column) + "'";
      return false;
    }
  }
  return true;
}

bool LoadEmbeddedTsv(std::string_view name, const std::vector<std::string_view>& required,
                     TsvTable* out, std::string* error) {
  std::string_view content = EmbeddedTableContent(name);
  if (content.empty()) {
    *error = "data/" + std::string(name) + ": table not compiled into the binary";
    return false;
  }
  return ParseTsv(name, content, required, out, error);
}

}  // namespace internal
}  // namespace ndr
