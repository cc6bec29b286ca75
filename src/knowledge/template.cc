#include "knowledge/template.h"

#include <utility>

namespace ndr {
namespace internal {
namespace {

std::string_view ValueOf(std::string_view name, const TemplateValues& values) {
  for (const auto& [key, value] : values) {
    if (key == name) return value;
  }
  return {};
}

// Reads text[begin, end) of a template, outside or inside a [part]:
// reader.Literal(at, size) for plain text, reader.Placeholder(at, size,
// condition) for the name in "{name}" or "{name?}" (offsets into `text`).
template <typename Reader>
void ReadPart(std::string_view text, size_t begin, size_t end, Reader* reader) {
  const std::string_view part = text.substr(0, end);  // (a brace is looked for within the part only)
  size_t pos = begin;
  while (pos < end) {
    size_t open = part.find('{', pos);
    size_t close = open == std::string_view::npos ? open : part.find('}', open);
    if (close == std::string_view::npos) {
      reader->Literal(pos, end - pos);
      break;
    }
    reader->Literal(pos, open - pos);
    size_t name_size = close - open - 1;
    // "{name?}" only decides whether its [part] is kept; it prints nothing.
    const bool condition = name_size > 0 && part[close - 1] == '?';
    reader->Placeholder(open + 1, condition ? name_size - 1 : name_size, condition);
    pos = close + 1;
  }
}

// The one reading of a template, for FillTemplate (which fills as it reads)
// and Template (which records what it read): the parts, with
// reader.Open() and reader.Close() around each optional [part].
template <typename Reader>
void ReadTemplate(std::string_view text, Reader* reader) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find('[', pos);
    size_t close = open == std::string_view::npos ? open : text.find(']', open);
    if (close == std::string_view::npos) {
      ReadPart(text, pos, text.size(), reader);
      break;
    }
    ReadPart(text, pos, open, reader);
    reader->Open();
    ReadPart(text, open + 1, close, reader);
    reader->Close();
    pos = close + 1;
  }
}

// Writes a template's pieces with their values: an optional part is written
// in place and taken back when one of its values is missing.
class Filler {
 public:
  Filler(std::string_view text, const TemplateValues& values, std::string* out)
      : text_(text), values_(values), out_(out) {}
  void Literal(size_t at, size_t size) { out_->append(text_.data() + at, size); }
  void Placeholder(size_t at, size_t size, bool condition) {
    std::string_view value = ValueOf(text_.substr(at, size), values_);
    if (value.empty()) all_set_ = false;
    if (!condition) out_->append(value);
  }
  void Open() {
    mark_ = out_->size();
    all_set_ = true;
  }
  void Close() {
    if (!all_set_) out_->resize(mark_);
  }

 private:
  std::string_view text_;
  const TemplateValues& values_;
  std::string* out_;
  size_t mark_ = 0;
  bool all_set_ = true;
};

}  // namespace

std::string FillTemplate(std::string_view text, const TemplateValues& values) {
  std::string out;
  out.reserve(text.size() + 64);
  Filler filler(text, values, &out);
  ReadTemplate(text, &filler);
  return out;
}

// Records what ReadTemplate reads, for Fill to replay.
struct Template::Recorder {
  std::vector<Segment>* segments;
  void Literal(size_t at, size_t size) {
    if (size != 0) segments->push_back({Kind::kLiteral, static_cast<uint32_t>(at), static_cast<uint32_t>(size)});
  }
  void Placeholder(size_t at, size_t size, bool condition) {
    segments->push_back({condition ? Kind::kCondition : Kind::kValue, static_cast<uint32_t>(at),
                         static_cast<uint32_t>(size)});
  }
  void Open() { segments->push_back({Kind::kOpen, 0, 0}); }
  void Close() { segments->push_back({Kind::kClose, 0, 0}); }
};

Template::Template(std::string text) : text_(std::move(text)) {
  Recorder recorder{&segments_};
  ReadTemplate(text_, &recorder);
}

std::string Template::Fill(const TemplateValues& values) const {
  std::string out;
  out.reserve(text_.size() + 64);
  Filler filler(text_, values, &out);
  for (const Segment& s : segments_) {
    switch (s.kind) {
      case Kind::kLiteral: filler.Literal(s.at, s.size); break;
      case Kind::kValue: filler.Placeholder(s.at, s.size, false); break;
      case Kind::kCondition: filler.Placeholder(s.at, s.size, true); break;
      case Kind::kOpen: filler.Open(); break;
      case Kind::kClose: filler.Close(); break;
    }
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
