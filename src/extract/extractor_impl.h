// Internals of the extraction stage: the compiled patterns and the functions
// that use them. Not part of the public API.
#ifndef NDR_SRC_EXTRACT_EXTRACTOR_IMPL_H_
#define NDR_SRC_EXTRACT_EXTRACTOR_IMPL_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ndr/finding.h"
#include "smtp/reply_text.h"

namespace re2 {
class RE2;
}

namespace ndr {
namespace internal {

// Compiled once per Extractor; RE2 matching is const and thread-safe.
struct ExtractorPatterns {
  explicit ExtractorPatterns(std::shared_ptr<const SmtpText> smtp_text);
  ~ExtractorPatterns();
  std::shared_ptr<const SmtpText> smtp;  // codes, commands, wrappers: shared with the reason book
  std::unique_ptr<re2::RE2> address;
  std::unique_ptr<re2::RE2> transcript_session;  // "While talking to mx.example.org:"
  std::unique_ptr<re2::RE2> transcript_result;   // "550 <a@b>... User unknown"
};

// Every e-mail address in text, in order of appearance, with its offset.
struct AddressHit {
  std::string address;
  size_t begin = 0;
  size_t end = 0;
};
std::vector<AddressHit> FindAddresses(const ExtractorPatterns& p, std::string_view text,
                                      size_t max_hits = 512);

// A Sendmail-style session transcript ("While talking to h:", ">>> RCPT
// To:<a@b>", "<<< 550 ...", "550 <a@b>... User unknown"), read per recipient.
struct TranscriptEntry {
  std::string address;     // the recipient a result line or a RCPT names
  std::string diagnostic;  // the server's reply for it, or the result line's words
  SmtpCommand command = SmtpCommand::kUnknown;  // the command the reply answered
};
struct Transcript {
  std::vector<TranscriptEntry> entries;  // one per result line, in order
  // The command of each session that got an error reply, with that reply.
  std::vector<std::pair<SmtpCommand, std::string>> replies;
  bool empty() const { return entries.empty() && replies.empty(); }
};
Transcript ParseTranscript(const ExtractorPatterns& p, std::string_view text);
// The entry for an address, or null.
const TranscriptEntry* FindEntry(const Transcript& t, std::string_view address);
// The command whose error reply names the address; with one session only, that
// session's command. kUnknown otherwise.
SmtpCommand TranscriptCommandFor(const Transcript& t, std::string_view address);

}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_EXTRACT_EXTRACTOR_IMPL_H_
