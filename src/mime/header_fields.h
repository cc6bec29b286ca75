// The lines of a header block into Headers (internal). ParseHeaderBlock reads
// a block's lines itself; the entity tree finds the lines of every part's
// header block while framing the message and hands them over, so a part's
// header is read once, not framed and then parsed again.
#ifndef NDR_SRC_MIME_HEADER_FIELDS_H_
#define NDR_SRC_MIME_HEADER_FIELDS_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "core/strings.h"
#include "ndr/message.h"
#include "ndr/options.h"

namespace ndr {
namespace internal {
namespace mime {

// Index of the ':' of a "Name: value" line -- a name of printable ASCII but
// ' ' and ':', blanks allowed before the colon ("Subject : x") -- or -1.
ptrdiff_t FieldColon(const char* line, const char* eol);
inline ptrdiff_t FieldColon(std::string_view line) { return FieldColon(line.data(), line.data() + line.size()); }

// Collects the fields of one header block a line at a time, within the
// field-size and field-count limits of `limits` (*cuts says which were
// reached): unfolds continuation lines, decodes RFC 2047 words to UTF-8.
class FieldCollector {
 public:
  // `block_bytes`: the block's length, for the room reserved up front.
  FieldCollector(Headers* out, const Limits& limits, HeaderCuts* cuts, size_t block_bytes);
  // One non-empty line of the block, without its line break; `colon` is
  // FieldColon(line) (not looked at when the line starts with a blank: a
  // continuation). A line that is no field is skipped with its continuation
  // lines. False when the field-count limit ends the block: later lines are not read.
  bool Line(std::string_view line, ptrdiff_t colon);
  bool Line(std::string_view line) { return Line(line, IsBlank(line.front()) ? -1 : FieldColon(line)); }
  // Adds the field being collected; once, after the last line.
  void Finish();

 private:
  bool Start(std::string_view name, std::string_view value);
  void Continue(std::string_view line);

  Headers* out_;
  size_t max_value_;
  size_t max_fields_;
  HeaderCuts* cuts_;
  std::string_view name_;
  std::string_view first_;
  std::string folded_;
  bool is_folded_ = false;
  bool active_ = false;
};

// Fills an empty Headers from the bytes of a header block, copied once: a
// field's value stays as written (folded, encoded) until it is read
// (Headers::Get, fields()), and is then what FieldCollector gives. For a
// block within the header limits whose fields cannot reach the field-size
// limit (a block no longer than it): nothing is cut.
class RawFields {
 public:
  RawFields(Headers* out, std::string_view block, size_t fields_guess);
  // A field of the block: its name (blanks before the colon trimmed) and the
  // bytes after its colon up to the end of its last line, views into `block`.
  // Inline, and only the field itself: a call per field was most of a
  // block's cost after the copy.
  void Add(std::string_view name, std::string_view raw_value) {
    out_->fields_.push_back({Copied(name), Copied(raw_value)});
  }
  size_t size() const { return out_->size(); }
  // Marks every field added as still as written (unread); once, after the last Add.
  void Finish();

 private:
  std::string_view Copied(std::string_view v) const { return std::string_view(to_ + (v.data() - from_), v.size()); }

  Headers* out_;
  const char* from_;  // the block
  char* to_;          // its copy in *out_
};

}  // namespace mime
}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_MIME_HEADER_FIELDS_H_
