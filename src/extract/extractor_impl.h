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

class BounceMarkers;

// Compiled once per Extractor; RE2 matching is const and thread-safe.
struct ExtractorPatterns {
  explicit ExtractorPatterns(std::shared_ptr<const SmtpText> smtp_text);
  ~ExtractorPatterns();
  std::shared_ptr<const SmtpText> smtp;  // codes, commands, wrappers: shared with the reason book
  std::unique_ptr<re2::RE2> address;
  std::unique_ptr<re2::RE2> transcript_session;  // "While talking to mx.example.org:"
  std::unique_ptr<re2::RE2> transcript_result;   // "550 <a@b>... User unknown"
  std::unique_ptr<re2::RE2> transcript_local_result;  // "550 kim... User unknown" (a local part alone)
};

// Every e-mail address in text, in order of appearance, with its offset.
struct AddressHit {
  std::string address;
  size_t begin = 0;
  size_t end = 0;
};
std::vector<AddressHit> FindAddresses(const ExtractorPatterns& p, std::string_view text,
                                      size_t max_hits = 512);
// FindAddresses' reading of the address pattern in an ASCII window
// [from, to) whose one '@' is at `at` (the local-part bytes before it, the
// domain bytes after it): RE2's leftmost match there, [*begin, *end), or
// false when there is none.
bool AsciiAddressAt(std::string_view text, size_t from, size_t at, size_t to, size_t* begin, size_t* end);

// A failed recipient that a report names by its local part alone, where a
// recipient belongs: old Sendmail's list under "The following addresses had
// permanent fatal errors" ("kim"), "Receiver not found: jodoe" (CompuServe and
// other gateways), "<kim>:", "550 kim... User unknown", ">>> RCPT To:<kim>".
struct BareRecipient {
  std::string local_part;
  size_t begin = 0;  // its place in the text
  size_t end = 0;
};
// Every such local part in text, in order of appearance: captured by a
// bare-recipient row of bounce_markers.tsv or alone on a line of a list under
// a recipient-list heading; never glued to an '@' (then it is part of an
// address), never a not-local-part word, always a valid local part.
// With lists_only, only the items of such lists (a list may mix whole
// addresses and local parts).
std::vector<BareRecipient> FindBareRecipients(const BounceMarkers& markers, std::string_view text,
                                              size_t max_hits = 64, bool lists_only = false);
// An RFC 5322 dot-atom with at least one letter, at most 64 bytes (UTF-8
// letters allowed, RFC 6531); not "|prog" or "/file", which Sendmail delivers
// to but which are no mailboxes.
bool IsBareLocalPart(std::string_view token);

// Gives a bare local part the domain the report implies, in this order:
//  1. an address of the returned message's To or Cc with that local part
//     (ignoring case): the sender wrote that address;
//  2. the domain of the report's own From when a mail system wrote it
//     (MAILER-DAEMON@relay.example.org, "CompuServe Postmaster
//     <postmaster@...>"): a bare name is local to the system that wrote the
//     report, and this is how that system writes its own addresses;
//  3. the host of the Reporting-MTA field (a delivery report without a
//     mail-system From);
//  4. the host the report's opening names ("This is the mail system at host
//     mx.example.org.", reporting-host rows): all that pasted text may have.
// Never a Received header: the report's top "by" host is the system that
// received the report (the sender's own), not the one that wrote it.
class LocalPartQualifier {
 public:
  LocalPartQualifier(const ExtractorPatterns& p, const BounceMarkers& markers, const BounceParts& parts);
  // "kim" -> "kim@example.org"; "" when the report implies no domain.
  std::string Qualify(std::string_view local_part) const;

 private:
  std::vector<AddressHit> returned_;  // To and Cc of the returned message
  std::string host_;
};

// A failed recipient that a report names by the display name the sender
// gave it (Exchange 2000/2003: "Kim Lee on 3/2/2026 10:00 AM" under "did not
// reach the following recipient(s)"), with the address of that name in the
// returned copy's To or Cc ("Kim Lee <kim@example.org>").
struct NamedRecipient {
  std::string address;
  size_t begin = 0;  // the name's place in the text, at the start of its line
  size_t end = 0;
};
// Every To/Cc address of the returned copy whose display name (3 letters or
// more, no '@') opens a line of text, followed by the line's end, blanks or
// ':', in the order of the fields.
std::vector<NamedRecipient> FindNamedRecipients(const ExtractorPatterns& p, const Headers& original,
                                                std::string_view text, size_t max_hits = 64);

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
// With local_parts, the lines that name recipients by their local part
// alone (">>> RCPT To:<kim>", "550 kim... User unknown") are read instead,
// entries named "kim": asked only for such recipients (BareRecipient).
Transcript ParseTranscript(const ExtractorPatterns& p, std::string_view text, bool local_parts = false);
// The entry for an address, or null.
const TranscriptEntry* FindEntry(const Transcript& t, std::string_view address);
// The command whose error reply names the address; with one session only, that
// session's command. kUnknown otherwise.
SmtpCommand TranscriptCommandFor(const Transcript& t, std::string_view address);
// A result line's address and words as RE2::FullMatch(line,
// transcript_result) -- with local_parts, transcript_local_result -- captures
// them ("550 5.1.1 <a@b>... User unknown" -> "a@b", "User unknown"), read by
// hand: the pattern's groups cost a submatch search (BitState) per line. For
// an ASCII `line` without '\n' only (another is RE2's to read); false when
// the pattern does not match.
bool AsciiResultLine(std::string_view line, bool local_parts, std::string_view* address, std::string_view* words);
// Whether a transcript in text may name a command: only its ">>> " lines do,
// so without one TranscriptCommandFor gives kUnknown for every address (and a
// caller that wants only the command need not parse the text).
bool TranscriptNamesCommands(std::string_view text);

}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_EXTRACT_EXTRACTOR_IMPL_H_
