// Access to the data/*.tsv tables compiled into the binary.
#ifndef NDR_SRC_KNOWLEDGE_EMBEDDED_H_
#define NDR_SRC_KNOWLEDGE_EMBEDDED_H_

#include <string_view>
#include <vector>

namespace ndr {
namespace internal {

struct EmbeddedTable {
  std::string_view name;     // file name under data/, e.g. "reply_codes.tsv"
  std::string_view content;  // the whole file
};

// All tables, sorted by name. Defined in the generated embedded_data.cc.
const std::vector<EmbeddedTable>& EmbeddedTables();

// The content of data/<name>, or "" when there is no such table.
std::string_view EmbeddedTableContent(std::string_view name);

}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_KNOWLEDGE_EMBEDDED_H_
