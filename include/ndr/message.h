// The MIME stage: raw bytes -> Message (decoded headers and a flat list of parts).
//
// Everything in a Message is UTF-8: header values are unfolded and RFC 2047
// decoded, bodies are transfer-decoded (base64, quoted-printable) and, for
// text parts, converted from their charset. Line endings (LF, CRLF, CR) are
// normalized to LF. The Message owns all its strings; nothing points into the
// input buffer, so the input may be freed after ParseMessage returns.
#ifndef NDR_MESSAGE_H_
#define NDR_MESSAGE_H_

#include <atomic>
#include <cstdint>
#include <forward_list>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "ndr/options.h"
#include "ndr/types.h"

namespace ndr {
namespace internal {
namespace mime {
class RawFields;  // fills a Headers from a header block's bytes (src/mime/header_fields.h)
}  // namespace mime
}  // namespace internal

// Views into the storage of the Headers that holds the field: valid while
// that Headers lives and is not changed.
struct HeaderField {
  std::string_view name;   // as written, e.g. "Final-Recipient"
  std::string_view value;  // unfolded, RFC 2047 decoded, surrounding blanks trimmed
};

// An ordered list of header fields with case-insensitive lookup. Names and
// values share one buffer (a message has dozens of fields in each of its
// parts: one allocation per field was a large part of parsing one).
// A field ParseMessage read is unfolded and decoded when it is first read
// (Get, fields()): most fields of a message (Received, DKIM-Signature, a
// part's own fields) are never read. Reads are safe from many threads at
// once, as for any const object: the first read of a field makes it final
// under a lock, taken only while some field is still as written.
class Headers {
  // Held while fields are made final (a short, rare wait): an atomic flag,
  // as a std::mutex's two library calls cost more than a Get's own work
  // (a message's Headers are read some twenty times). A waiter yields.
  class FinishingLock {
   public:
    void lock() {
      while (held_.exchange(true, std::memory_order_acquire)) std::this_thread::yield();
    }
    void unlock() { held_.store(false, std::memory_order_release); }

   private:
    std::atomic<bool> held_{false};
  };

 public:
  Headers() = default;
  Headers(const Headers& other) { *this = other; }
  Headers& operator=(const Headers& other);
  // Moves keep the buffer, so the fields' views stay valid.
  Headers(Headers&& other) noexcept
      : fields_(std::move(other.fields_)),
        raw_(std::move(other.raw_)),
        unread_(other.unread_.exchange(0, std::memory_order_relaxed)),
        made_(std::move(other.made_)),
        text_(std::move(other.text_)),
        used_(std::exchange(other.used_, 0)),
        capacity_(std::exchange(other.capacity_, 0)) {
    other.fields_.clear();
  }
  Headers& operator=(Headers&& other) noexcept;

  void Add(std::string_view name, std::string_view value);
  // Room for n fields of `bytes` bytes in all (a parser's estimate; saves regrowing).
  void Reserve(size_t n, size_t bytes = 0) {
    fields_.reserve(n);
    if (used_ + bytes > capacity_) Grow(bytes);
  }
  // The first field with that name, or "" when absent.
  std::string_view Get(std::string_view name) const;
  bool Has(std::string_view name) const;
  const std::vector<HeaderField>& fields() const {
    if (unread_.load(std::memory_order_acquire) != 0) FinishAll();
    return fields_;
  }
  bool empty() const { return fields_.empty(); }
  size_t size() const { return fields_.size(); }

 private:
  friend class internal::mime::RawFields;
  // Makes room for `bytes` more bytes of text, moving the fields' views along.
  void Grow(size_t bytes);
  std::string_view Store(std::string_view bytes);
  bool Holds(std::string_view bytes) const;  // whether bytes lie in text_
  bool InText(const char* p) const;          // whether p lies in text_ or just past its end
  // Makes field i's value final: unfolded, RFC 2047 decoded, trimmed.
  // Called with finishing_ held.
  void Finish(size_t i) const;
  void FinishAll() const;

  // A flag per field, false unless set: the first 64 in place (most blocks
  // have fewer fields: a std::vector<bool> was an allocation and a slow
  // fill per header block), the rest in words on the heap.
  class FieldFlags {
   public:
    // Sets the flags of fields [0, n) and clears the others.
    void SetFirst(size_t n) {
      first_ = n >= 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1;
      more_.clear();
      if (n > 64) {
        more_.assign((n - 64 + 63) / 64, ~uint64_t{0});
        const size_t tail = (n - 64) % 64;
        if (tail != 0) more_.back() = (uint64_t{1} << tail) - 1;
      }
    }
    bool operator[](size_t i) const {
      if (i < 64) return (first_ >> i & 1) != 0;
      const size_t word = (i - 64) / 64;
      return word < more_.size() && (more_[word] >> (i - 64) % 64 & 1) != 0;
    }
    void Clear(size_t i) {
      if (i < 64) {
        first_ &= ~(uint64_t{1} << i);
      } else if ((i - 64) / 64 < more_.size()) {
        more_[(i - 64) / 64] &= ~(uint64_t{1} << (i - 64) % 64);
      }
    }

   private:
    uint64_t first_ = 0;
    std::vector<uint64_t> more_;
  };

  // Mutable: a field's value is made final on its first read.
  mutable std::vector<HeaderField> fields_;
  // raw_[i]: field i's value is still the bytes after its colon as written
  // (folded lines and all); unread_ counts them.
  // raw_, made_ and the values of raw fields change only with finishing_
  // held; unread_ drops to 0 (release) after the last such change, so a
  // reader that sees 0 (acquire) needs no lock.
  mutable FieldFlags raw_;
  mutable std::atomic<size_t> unread_{0};
  mutable FinishingLock finishing_;
  // Final values that are no view of text_ (unfolded or decoded on read): a
  // list, so that the views handed out stay valid.
  mutable std::forward_list<std::string> made_;
  // The names and values the fields point into: text_[0, used_); the rest,
  // up to capacity_, is room (a plain copy per field, nothing initialized).
  std::unique_ptr<char[]> text_;
  size_t used_ = 0;
  size_t capacity_ = 0;
};

// What ParseHeaderBlock left out to stay within its Limits.
struct HeaderCuts {
  bool block = false;   // the block is longer than max_header_bytes
  bool fields = false;  // more fields than max_headers
  bool line = false;    // a field longer than max_header_line_bytes
  bool any() const { return block || fields || line; }
};

// Parses an RFC 5322 header block (up to the first empty line, or all of
// `text`): unfolds continuation lines, decodes RFC 2047 words to UTF-8.
// Lines that are not "name: value" are skipped. Also used for
// message/delivery-status groups and text/rfc822-headers. The header limits
// of `limits` apply; *cuts (may be null) says which were reached.
Headers ParseHeaderBlock(std::string_view text, const Limits& limits, HeaderCuts* cuts = nullptr);
// The same with the default limits (and max_bytes for the block).
Headers ParseHeaderBlock(std::string_view text, size_t max_bytes = Limits().max_header_bytes);
// The problem text for what a header block lost ("" when nothing), naming
// the limits' flags; `where` names the block ("the header of part 3").
std::string DescribeHeaderCuts(const HeaderCuts& cuts, const Limits& limits, std::string_view where);

// Splits the blank-line separated groups of a message/delivery-status body
// (RFC 3464: one per-message group, then one group per recipient).
// At most `max_groups` groups are read; each group has the header limits.
std::vector<Headers> ParseFieldGroups(std::string_view text, size_t max_groups = 1001,
                                      const Limits& limits = Limits(), HeaderCuts* cuts = nullptr);

// Decodes RFC 2047 encoded words in a header value to UTF-8.
std::string DecodeEncodedWords(std::string_view value);

// Converts `text` from `charset` to UTF-8. Unknown charsets and invalid bytes
// are replaced, never fail; returns false when a replacement happened.
bool ToUtf8(std::string_view text, std::string_view charset, std::string* out);

struct Part {
  std::string content_type;  // lower-case "type/subtype"; "text/plain" when absent
  std::string charset;       // lower-case, as declared ("" when none)
  std::string filename;      // from Content-Disposition or Content-Type name
  int depth = 0;             // 0 for the top-level entity
  bool in_attached_message = false;  // inside a message/rfc822 (the returned original)
  Headers headers;           // the part's own header fields (parts[0]: the message's, Message::headers())
  // Transfer-decoded body, converted to UTF-8 for text/* and message/*
  // report types. For message/rfc822 and message/global: the header block of
  // the embedded message (its parts follow as separate Parts). Empty when
  // body_left_out.
  std::string body;
  // The body was not decoded: a part other than text/* and message/* inside
  // a returned original (always), or what BodyScope::kText leaves out.
  bool body_left_out = false;
  // message/rfc822 and message/global: the next Part is the embedded
  // message's top entity and its `headers` are `body` parsed (with
  // ParseMessage's limits), so no stage need parse `body` again.
  bool body_parsed_next = false;
};

struct Message {
  std::vector<Part> parts;   // depth-first, document order; parts[0] is the top entity
  std::vector<Problem> problems;  // e.g. {kCharset, "unknown charset x-foo in part 3"}
  // Read from pasted text (no header block of its own): a person says it is a
  // bounce, so less evidence is needed to read it as one.
  bool pasted = false;

  // The top-level header block: the headers of parts[0] (kept there only,
  // not copied); empty when there is no part.
  const Headers& headers() const;
  // The first part of that content type that is not inside a returned original, or null.
  const Part* FindPart(std::string_view content_type) const;
};

// Which part bodies ParseMessage decodes.
enum class BodyScope {
  kAll,  // every body (the default)
  // What a reader of the message's text needs (the Analyzer's choice; the
  // bodies it leaves out were most of the decoding work): no body of a part
  // that is neither text/* nor message/* (images, application/*, TNEF), and
  // no text/html alternative when an earlier alternative of its
  // multipart/alternative is text/plain with text (RFC 2046 5.1.4: a reader
  // shows one alternative, the plainest will do), and no body inside a
  // returned original (message/rfc822, message/global) when the message has
  // a report part of its own (message/delivery-status, message/global-
  // delivery-status, message/feedback-report outside it): a report's own
  // parts say what happened, of the copy only its headers are read. Such a Part has
  // body_left_out set; a body not decoded is not checked for damage either
  // (no charset or size problems).
  kText,
};

// Never fails: malformed input gives a Message with fewer parts and problems.
Message ParseMessage(std::string_view raw, const Limits& limits = Limits(), BodyScope bodies = BodyScope::kAll);

}  // namespace ndr

#endif  // NDR_MESSAGE_H_
