// The one reading of SMTP text, shared by the extraction stage (which copies a
// server's reply into a Finding) and the reason book (which judges it), so
// both see the same codes and the same words.
//
// What it knows:
//   * reply codes ("550") and enhanced status codes ("5.1.1") written in text,
//     never taken from IP addresses, dates, times, ports, sizes, counts, queue
//     ids or phone numbers;
//   * multi-line replies: "550-5.7.1 a" / "550-5.7.1 b" / "550 5.7.1 c" is
//     one reply "550 5.7.1 a b c" (no line is lost);
//   * the wrappers reporting MTAs write around a reply (Postfix's "host X[ip]
//     said: ... (in reply to RCPT TO command)", Gmail's "Technical details of
//     permanent failure:", Exchange's "Remote Server returned '...'", report
//     prose and headings), which are not the server's words;
//   * the command a reply answered.
// The wording (command phrases, code-introducing keywords, size units,
// wrappers, prose) is data: data/smtp_phrases.tsv, compiled once by Load().
// RFC structure (command verbs, the shape of codes) stays here.
#ifndef NDR_SRC_SMTP_REPLY_TEXT_H_
#define NDR_SRC_SMTP_REPLY_TEXT_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ndr/finding.h"
#include "ndr/types.h"

namespace ndr {
namespace internal {

// What a recipient's line leaves around its address before the words about
// it ("<a@b>: ...", "a@b\" ...", "Kim Lee (a@b) ...", "[SMTP:a@b] ..."):
// skipped by ReadReply and by the extractor alike.
inline constexpr std::string_view kAddressLeftovers = ">:.;\"', )]";

// The server's reply read out of the text a report writes about a recipient.
struct ServerReply {
  std::string words;         // the reply, one line, multi-line prefixes joined; "" when the text has none
  CodesInText codes;         // the codes in `words` (offsets into `words`)
  SmtpCommand command = SmtpCommand::kUnknown;  // named by the text, kUnknown when not
  std::string remote_host;   // the server a wrapper names ("host mx.example.net[...] said:"), or ""
  bool matching_failed = false;  // a pattern set ran out of memory: wrappers may be left in `words`
  // `words` are the very text `command` was looked for in: FindCommand(words)
  // would give `command` again (callers skip that second look).
  bool command_of_words = false;
};

class SmtpText {
 public:
  // Builds from the embedded data/smtp_phrases.tsv. Null with *error set to
  // "data/smtp_phrases.tsv:<line>: <what>" on a bad row.
  static std::shared_ptr<const SmtpText> Load(std::string* error);
  // The same from a table given as text (tests of the loader's checks).
  static std::shared_ptr<const SmtpText> FromTable(std::string_view name, std::string_view content,
                                                   std::string* error);
  ~SmtpText();
  SmtpText(const SmtpText&) = delete;
  SmtpText& operator=(const SmtpText&) = delete;

  // The reply code and enhanced status code of a text: a reply followed by a
  // status of its class ("550 5.1.1", "550-5.1.1", "550: 5.1.1"), else a reply
  // at the start or after a keyword ("said:", "ERROR CODE :", "Status:",
  // "ResponseCode"), else a 4xx/5xx followed by words; the status is the
  // paired one, else the first that is not a success code (unless it is the
  // only one).
  CodesInText FindCodes(std::string_view text) const;

  // The command a text names ("in reply to RCPT TO command", "after end of
  // data", the last ">>> DATA" of a transcript); kUnknown when none.
  // *failed (may be null) is set when matching ran out of memory.
  SmtpCommand FindCommand(std::string_view text, bool* failed = nullptr) const;

  // `text` (white space squeezed) without the wrappers and report prose of
  // data/smtp_phrases.tsv. When a wrapper holds the reply ("Remote Server
  // returned '...'"), only the reply is kept. *host (may be null) gets the
  // remote server a wrapper names.
  // *failed (may be null) is set when matching ran out of memory.
  std::string StripWrappers(std::string_view text, std::string* host, bool* failed = nullptr) const;

  // The server's reply in the text a report writes about one recipient:
  // wrappers and prose removed, from the first code on (a status code that
  // only closes a sentence, "... (#5.1.1)", keeps the words before it), all
  // lines of a multi-line reply joined. Without codes, what words are left.
  ServerReply ReadReply(std::string_view text) const;

  struct Impl;

 private:
  explicit SmtpText(std::unique_ptr<Impl> impl);
  // StripWrappers for a text Squeeze() already gave, with the phrase rows
  // the prefilter lets through for it.
  // *changed (may be null) is set when a wrapper or prose was removed.
  std::string StripSqueezed(std::string text, const std::vector<int>& potentials, std::string* host,
                            bool* failed, bool* changed = nullptr) const;
  static bool StripOnce(const Impl& p, const std::vector<int>& potentials, std::string* text, std::string* host);
  // FindCommand with the phrase rows the prefilter lets through for `text`
  // (none: only a transcript's ">>> CMD" lines are read).
  SmtpCommand FindCommandIn(std::string_view text, const std::vector<int>& potentials) const;
  std::unique_ptr<Impl> impl_;
};

// Squeezes white space and joins a multi-line reply: "x 550-5.7.1 a 550-5.7.1
// b 550 5.7.1 c" -> "x 550 5.7.1 a b c" (the text before the first reply line
// is kept). A "550 " later in the words without the reply's status stays.
std::string NormalizeReply(std::string_view text);
// The same for a text Squeeze() already gave, in place (no copy); true when
// it changed the text.
bool JoinReplyLines(std::string* squeezed);

// The SMTP verb a transcript line starts with (">>> RCPT To:<a@b>" gives
// "RCPT To:<a@b>" -> kRcpt; "." -> kDataEnd); kUnknown when none.
SmtpCommand CommandFromVerb(std::string_view words);

}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_SMTP_REPLY_TEXT_H_
