#include "knowledge/template.h"

namespace ndr {
namespace internal {
namespace {

std::string_view ValueOf(std::string_view name, const TemplateValues& values) {
  for (const auto& [key, value] : values) {
    if (key == name) return value;
  }
  return {};
}

// Appends `part` with its placeholders filled; false when one of them is empty.
bool FillPart(std::string_view part, const TemplateValues& values, std::string* out) {
  bool all_set = true;
  size_t pos = 0;
  while (pos < part.size()) {
    size_t open = part.find('{', pos);
    size_t close = open == std::string_view::npos ? open : part.find('}', open);
    if (close == std::string_view::npos) {
      out->append(part.substr(pos));
      break;
    }
    out->append(part.substr(pos, open - pos));
    std::string_view name = part.substr(open + 1, close - open - 1);
    // "{name?}" only decides whether its [part] is kept; it prints nothing.
    bool condition = !name.empty() && name.back() == '?';
    if (condition) name.remove_suffix(1);
    std::string_view value = ValueOf(name, values);
    if (value.empty()) all_set = false;
    if (!condition) out->append(value);
    pos = close + 1;
  }
  return all_set;
}

}  // namespace

std::string FillTemplate(std::string_view text, const TemplateValues& values) {
  std::string out;
  out.reserve(text.size() + 64);
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find('[', pos);
    size_t close = open == std::string_view::npos ? open : text.find(']', open);
    if (close == std::string_view::npos) {
      FillPart(text.substr(pos), values, &out);
      break;
    }
    FillPart(text.substr(pos, open - pos), values, &out);
    // The optional part is written in place and taken back when a value is missing.
    size_t mark = out.size();
    if (!FillPart(text.substr(open + 1, close - open - 1), values, &out)) out.resize(mark);
    pos = close + 1;
  }
  return out;
}

std::vector<std::string_view> TemplatePlaceholders(std::string_view text) {
  std::vector<std::string_view> names;
  size_t pos = 0;
  while ((pos = text.find('{', pos)) != std::string_view::npos) {
    size_t close = text.find('}', pos);
    if (close == std::string_view::npos) break;
    std::string_view name = text.substr(pos + 1, close - pos - 1);
    if (!name.empty() && name.back() == '?') name.remove_suffix(1);
    names.push_back(name);
    pos = close + 1;
  }
  return names;
}

}  // namespace internal
}  // namespace ndr
