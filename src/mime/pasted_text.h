// Bounce text that a person pasted or forwarded: no header block of its own,
// perhaps quoted ("> ") by a reply, perhaps under a mail client's "Forwarded
// message" separator with the bounce's header lines written as text. Read
// into a Message with one text/plain part, so the rest of the pipeline reads
// it like the human-readable part of a bounce.
#ifndef NDR_SRC_MIME_PASTED_TEXT_H_
#define NDR_SRC_MIME_PASTED_TEXT_H_

#include <bitset>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ndr/message.h"

namespace re2 {
class RE2;
}

namespace ndr {
namespace internal {

class PastedTextReader {
 public:
  // Compiles data/pasted_text.tsv; null with *error set when a row is bad.
  static std::unique_ptr<PastedTextReader> Create(std::string* error);
  ~PastedTextReader();

  // True when `bytes` has no header block of its own: its first non-blank
  // line is neither a "Name: value" header field nor an mbox "From " line.
  static bool LooksPasted(std::string_view bytes);

  // The text as a Message (pasted = true): quoting removed, the header lines
  // of a forwarded copy taken as its headers and the text above them dropped,
  // invalid UTF-8 replaced. Const and thread-safe.
  Message Read(std::string_view text, const Limits& limits) const;

  // Where the first line stands that Read could take for a forwarded copy's
  // separator (Read may still find no header lines under it), npos when
  // there is none: without Read's copy of the whole text, for a caller that
  // only wants the forwarded copy.
  size_t ForwardSeparatorAt(std::string_view text) const;

 private:
  struct Field {
    std::string name;  // From, Subject, Date, To
    std::unique_ptr<re2::RE2> re;
  };
  PastedTextReader() = default;
  // Whether a line (blanks trimmed) is a forwarded copy's separator.
  bool IsSeparator(std::string_view trimmed_line) const;
  std::unique_ptr<re2::RE2> forwarded_;  // the "forwarded" rows as one alternation (null when none)
  std::bitset<256> separator_starts_;     // the bytes a "forwarded" row's match can start with
  std::vector<Field> fields_;
};

}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_MIME_PASTED_TEXT_H_
