// Reading inputs: files, folders, maildirs, mbox files and gzip streams, cut
// into messages as a stream (memory bounded by the messages in flight, not by
// the size of a mailbox).
//
//   ndr::InputOptions options;
//   ndr::ReadInputs({"bounces.mbox.gz", "Maildir/.Bounces", "-"}, options, &visitor);
//
// Every message and every input that could not be read reaches the visitor in
// input order, from the calling thread.
#ifndef NDR_MAILBOX_H_
#define NDR_MAILBOX_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ndr/options.h"

namespace ndr {

// One message cut from an input. Its bytes are a view into the read buffer
// they were cut from (kept alive by `block`), or its own copy when they had
// to be rewritten (">From " lines of an mbox unquoted).
class InputMessage {
 public:
  InputMessage() = default;
  // `bytes` lie in the read buffer that `block` keeps alive.
  InputMessage(std::string source, std::shared_ptr<const void> block, std::string_view bytes)
      : source_(std::move(source)), block_(std::move(block)), view_(bytes) {}
  InputMessage(std::string source, std::string owned)
      : source_(std::move(source)), owned_(std::move(owned)), is_owned_(true) {}

  const std::string& source() const { return source_; }
  std::string_view bytes() const { return is_owned_ ? std::string_view(owned_) : view_; }

 private:
  std::string source_;                        // "path", "path#N" (N-th message of a mailbox), "-"
  std::shared_ptr<const void> block_;         // keeps the read buffer `view_` points into
  std::string_view view_;
  std::string owned_;
  bool is_owned_ = false;
};

// Receives what reading finds, in input order.
class InputVisitor {
 public:
  virtual ~InputVisitor() = default;
  virtual void Message(InputMessage message) = 0;
  // An input (file, folder, message) that could not be read; `what` says why.
  virtual void Error(const std::string& source, const std::string& what) = 0;
};

struct InputOptions {
  // False (--text): every file or stream is one message, never cut as an mbox.
  bool split_mailboxes = true;
  // A message larger than this is reported and skipped, and never held whole.
  size_t max_message_bytes = Limits().max_message_bytes;
  // When set, raw bytes read so far (compressed bytes for a gzip file) are
  // added here, for a progress line.
  std::atomic<uint64_t>* bytes_read = nullptr;
};

// Reads every path in order. A path is "-" (standard input), a file or a
// folder. A folder is read recursively in name order (hidden names skipped);
// a maildir (a folder with cur/ or new/) is read from cur/ and new/, never
// tmp/. Symbolic-link loops and unreadable folders or files are reported,
// and reading goes on. A file or stream is recognized by its content: gzip
// (decompressed as a stream), an mbox (starts with a "From " line: cut at
// its separator lines, ">From " unquoted, Content-Length ignored), or else
// one message.
void ReadInputs(const std::vector<std::string>& paths, const InputOptions& options, InputVisitor* visitor);

// The total size in bytes of the paths when every one is a regular file
// (known in advance, for an ETA); 0 otherwise.
uint64_t KnownInputBytes(const std::vector<std::string>& paths);

// Reads a whole file. False with *error ("path: reason") when it cannot.
bool ReadWholeFile(const std::string& path, std::string* out, std::string* error);

// True when the data starts like an mbox ("From " separator line).
bool LooksLikeMbox(std::string_view data);

// Cuts mbox data into messages, each the text after its separator line and
// without the empty line that ends it before the next separator. Separator
// lines: a "From " line that starts the data, follows an empty line, or holds
// a time of day (a postmark). ">From " lines stay quoted (the stream reader
// unquotes them).
std::vector<std::string_view> SplitMbox(std::string_view data);

// The message with mboxrd quoting undone: one '>' removed from every line
// that is ">From ", ">>From ", ...
std::string UnquoteFromLines(std::string_view message);

}  // namespace ndr

#endif  // NDR_MAILBOX_H_
