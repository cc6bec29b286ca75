// Fills the sentences of the data tables (precedence.tsv evidence,
// explanations.tsv): "{name}" is replaced by its value, and a "[bracketed
// part]" is left out when a placeholder in it has an empty value, so a table
// row can say "status {status}[, as {vendor} uses it]". "{name?}" prints
// nothing and only keeps or drops its [part]: "[, written in the reply{quoted?}]".
#ifndef NDR_SRC_KNOWLEDGE_TEMPLATE_H_
#define NDR_SRC_KNOWLEDGE_TEMPLATE_H_

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ndr {
namespace internal {

// The values, written in place ({{"status", s}, {"vendor", v}}): no container
// is built per call. A named list keeps its values while it lives
// (`TemplateValues values = {...};` extends them as a reference would).
using TemplateValues = std::initializer_list<std::pair<std::string_view, std::string_view>>;

// Unknown placeholders count as empty. Brackets do not nest.
std::string FillTemplate(std::string_view text, const TemplateValues& values);

// The placeholder names used in `text` ("{status}" -> "status"), for checking
// a table row against the names its user fills in.
std::vector<std::string_view> TemplatePlaceholders(std::string_view text);

}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_KNOWLEDGE_TEMPLATE_H_
