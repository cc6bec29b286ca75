// Builds a CodeBook from table contents supplied by the caller, so that tests
// can feed a damaged table and check the "data/<file>:<line>: ..." error.
// CodeBook::Load() is this with the tables compiled into the binary.
#ifndef NDR_SRC_KNOWLEDGE_CODEBOOK_LOAD_H_
#define NDR_SRC_KNOWLEDGE_CODEBOOK_LOAD_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "ndr/codebook.h"

namespace ndr {
namespace internal {

// Returns the content of data/<name> ("reply_codes.tsv"), or "" when there is
// no such table. The content must outlive the LoadCodeBook() call only.
using CodeBookTables = std::function<std::string_view(std::string_view name)>;

// Parses and validates reply_codes.tsv, reply_digits.tsv, command_replies.tsv,
// enhanced_status.tsv and status_classes.tsv. On a bad row returns null and
// sets *error to "data/<file>:<line>: <what is wrong>".
std::shared_ptr<const CodeBook> LoadCodeBook(const CodeBookTables& tables, std::string* error);

}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_KNOWLEDGE_CODEBOOK_LOAD_H_
