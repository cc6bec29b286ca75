// Cutting an mbox into messages line by line, over a window of bytes that a
// stream reader refills (positions are offsets into the current window; the
// reader shifts them when it moves the window).
#ifndef NDR_SRC_IO_MBOX_SCAN_H_
#define NDR_SRC_IO_MBOX_SCAN_H_

#include <cstring>
#include <string>
#include <string_view>

namespace ndr {
namespace io {

constexpr size_t kNoMessage = std::string::npos;

struct MboxScan {
  size_t message_start = kNoMessage;  // where the current message's text starts
  size_t line_start = 0;              // the next line to look at
  size_t blank_length = 0;            // length of the last line when it was empty (1 or 2), else 0
  bool at_input_start = true;         // no line seen yet: a "From " line here is a separator
  bool quoted = false;                // the current message has a ">From " line
  bool oversized = false;             // the current message outgrew the limit (its bytes were dropped)
  bool continuing = false;            // line_start is inside a line whose start was dropped
};

struct MboxCut {
  size_t begin = 0;  // the message's text (after its separator line)
  size_t end = 0;    // before the empty line that ends it
  bool quoted = false;
  bool oversized = false;
};

// A "From " line with a time of day in it ("From a@b Mon Jan  5 10:00:00
// 2026") is a postmark even without an empty line before it.
bool HasTimeOfDay(std::string_view line);
// ">From ", ">>From ", ... (mboxrd quoting).
bool IsQuotedFromLine(std::string_view line);

// The first position p in [from, end) where a line starts with 'F' or '>'
// (data[p - 1] is '\n'), or `end`: besides empty lines, which only matter
// just before such a line, the only lines a cutter must look at. Looking at
// every line cost a call and a branch per line, most of the cutting time; so
// the bytes are compared many at a time: 64 per step with AVX2 when the
// processor has it, else 16 with SSE2 (part of x86-64), else one by one.
size_t NextMarkedLine(const char* data, size_t from, size_t end);

// The ways of that search, each usable alone (the tests hold them to the
// same answers). NextMarkedLineAvx2 needs HasAvx2().
bool HasAvx2();
size_t NextMarkedLineAvx2(const char* data, size_t from, size_t end);
size_t NextMarkedLineSse2(const char* data, size_t from, size_t end);
size_t NextMarkedLineBytes(const char* data, size_t from, size_t end);

// The length of the line that ends just before `stop` (data[stop - 1] is
// '\n') when that line is empty, 1 ("\n") or 2 ("\r\n"), else 0. Lines start
// at `first` or after a '\n'.
inline size_t BlankLineBefore(const char* data, size_t first, size_t stop) {
  if (stop == first + 1 || (stop >= first + 2 && data[stop - 2] == '\n')) return 1;
  if (stop >= first + 2 && data[stop - 2] == '\r' && (stop == first + 2 || data[stop - 3] == '\n')) return 2;
  return 0;
}

// Looks at the complete lines of `window` from s->line_start. A "From " line
// at the start of the input, after an empty line, or holding a time of day
// closes the current message: cut(MboxCut) is called for it. With at_end, the
// last line counts without its newline and the last message is cut (one
// trailing empty line taken off, as before a separator).
template <typename Cut>
void ScanMbox(std::string_view window, bool at_end, MboxScan* s, Cut&& cut) {
  const char* data = window.data();
  const size_t size = window.size();
  while (s->line_start < size) {
    size_t pos = s->line_start;
    const void* nl = std::memchr(data + pos, '\n', size - pos);
    if (nl == nullptr && !at_end) break;  // an unfinished line: wait for more bytes
    size_t next = nl == nullptr ? size : static_cast<size_t>(static_cast<const char*>(nl) - data) + 1;
    std::string_view line(data + pos, next - pos);  // never empty
    bool line_begins_here = !s->continuing;
    s->continuing = false;
    const char first = line[0];
    if (line_begins_here && first == 'F' && line.size() >= 5 && std::memcmp(line.data(), "From ", 5) == 0 &&
        (s->at_input_start || s->blank_length > 0 || HasTimeOfDay(line))) {
      if (s->message_start != kNoMessage) {
        size_t end = pos - s->blank_length;
        if (end < s->message_start) end = s->message_start;
        cut(MboxCut{s->message_start, end, s->quoted, s->oversized});
      }
      s->message_start = next;
      s->quoted = false;
      s->oversized = false;
    } else if (line_begins_here && first == '>' && IsQuotedFromLine(line)) {
      s->quoted = true;
    }
    s->at_input_start = false;
    s->blank_length = !line_begins_here                                            ? 0
                      : first == '\n'                                              ? 1
                      : first == '\r' && line.size() == 2 && line[1] == '\n' ? 2
                                                                                   : 0;
    s->line_start = next;
    if (next >= size) break;
    // Skip to the next line that can matter, or else to the last line (it
    // may be unfinished), minding whether the line before it is empty.
    size_t stop = NextMarkedLine(data, next, size);
    if (stop == size) {
      const void* last_nl = memrchr(data + next, '\n', size - next);
      stop = last_nl == nullptr ? next : static_cast<size_t>(static_cast<const char*>(last_nl) - data) + 1;
    }
    if (stop > next) {
      s->blank_length = BlankLineBefore(data, next, stop);
      s->line_start = stop;
    }
  }
  if (at_end && s->message_start != kNoMessage) {
    size_t end = size;
    std::string_view text = window.substr(s->message_start);
    if (text.size() >= 4 && text.compare(text.size() - 4, 4, "\r\n\r\n") == 0) {
      end -= 2;
    } else if (text.size() >= 2 && text.compare(text.size() - 2, 2, "\n\n") == 0) {
      end -= 1;
    }
    if (end > s->message_start || s->oversized) cut(MboxCut{s->message_start, end, s->quoted, s->oversized});
    s->message_start = kNoMessage;
  }
}

}  // namespace io
}  // namespace ndr

#endif  // NDR_SRC_IO_MBOX_SCAN_H_
