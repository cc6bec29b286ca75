// Fills the sentences of the data tables (precedence.tsv evidence,
// explanations.tsv): "{name}" is replaced by its value, and a "[bracketed
// part]" is left out when a placeholder in it has an empty value, so a table
// row can say "status {status}[, as {vendor} uses it]". "{name?}" prints
// nothing and only keeps or drops its [part]: "[, written in the reply{quoted?}]".
#ifndef NDR_SRC_KNOWLEDGE_TEMPLATE_H_
#define NDR_SRC_KNOWLEDGE_TEMPLATE_H_

#include <cstdint>
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

// A template read once, when its table loads: its plain pieces and
// placeholders, so that filling it (per recipient) does not look for its
// braces and brackets again. Fill gives what FillTemplate gives.
class Template {
 public:
  Template() = default;
  explicit Template(std::string text);
  const std::string& text() const { return text_; }
  std::string Fill(const TemplateValues& values) const;

 private:
  enum class Kind : uint8_t {
    kLiteral,    // text_[at, at + size)
    kValue,      // the value of the name text_[at, at + size)
    kCondition,  // "{name?}": the name's value only keeps or drops its [part]
    kOpen,       // "[": what follows is taken back when one of its values is empty
    kClose,      // "]"
  };
  struct Segment {
    Kind kind;
    uint32_t at;
    uint32_t size;
  };
  struct Recorder;
  std::string text_;
  std::vector<Segment> segments_;  // offsets, not views: text_ may move with the Template
};

// The placeholder names used in `text` ("{status}" -> "status"), for checking
// a table row against the names its user fills in.
std::vector<std::string_view> TemplatePlaceholders(std::string_view text);

}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_KNOWLEDGE_TEMPLATE_H_
