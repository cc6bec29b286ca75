// The extraction stage: BounceParts -> one Finding per recipient, with the
// codes and words the report gives for it. No interpretation happens here.
#ifndef NDR_FINDING_H_
#define NDR_FINDING_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ndr/bounce.h"
#include "ndr/options.h"
#include "ndr/types.h"

namespace ndr {

namespace internal {
class SmtpText;  // src/smtp/reply_text.h: the reading of SMTP text shared with the reason book
}

struct Finding {
  std::string recipient;           // final recipient address ("" when unknown)
  std::string original_recipient;  // Original-Recipient, when given; the bare local part a report
                                   // named when ndr gave `recipient` its domain ("kim")
  std::string action;              // lower-case: failed, delayed, delivered, relayed, expanded
  EnhancedStatus status;           // as reported (Status field or the text)
  int reply_code = 0;              // SMTP reply code, 0 when none
  std::string diagnostic;          // the remote server's words, unfolded, one line
  std::string remote_mta;          // host name (type prefix "dns;" removed)
  std::string reporting_mta;
  SmtpCommand command = SmtpCommand::kUnknown;  // the command that failed
  std::string last_attempt;        // Last-Attempt-Date, as written
  // What interpretation needs besides the codes and words (it never sees the
  // BounceParts):
  BounceKind report_kind = BounceKind::kNotBounce;  // the kind of report that named the recipient
  std::string diagnostic_type;     // the Diagnostic-Code's type, lower case ("smtp", "x-unix"), "" when none
  std::string problem;             // set when reading the text failed (pattern matching out of memory)
  std::string status_comment;      // the Status field's comment: "4.0.0 (lookup failure)" -> "lookup failure"
  // The report's human-readable text (bounded) when the report speaks of this
  // recipient alone; "" when it names several (their words are not this one's).
  std::string context;
  std::string feedback_type;       // ARF Feedback-Type, lower case, for feedback reports
  std::string report_from;         // the address in the From of the report itself (who wrote it)
  // Index of the recipient's group in BounceParts::per_recipient (delivery
  // reports); kNoGroup when the finding did not come from one.
  static constexpr size_t kNoGroup = static_cast<size_t>(-1);
  size_t group = kNoGroup;
};

// The codes found in one text.
struct CodesInText {
  int reply_code = 0;
  EnhancedStatus status;
  size_t code_start = 0;  // offset of the first code used (0 when none)
  size_t text_start = 0;  // offset of the words after the codes
};

namespace internal {
class BounceMarkers;  // src/bounce/markers.h
}

// Compiles its patterns once; Extract and FindCodes are const and safe to
// call from many threads.
class Extractor {
 public:
  // Null with *error set when data/smtp_phrases.tsv or data/bounce_markers.tsv
  // is bad (tests and tools; the Analyzer shares its own tables).
  static std::unique_ptr<Extractor> Create(std::string* error, RuleScope rules = RuleScope::kAll);
  // Reads SMTP text with `smtp_text` (the Analyzer shares one with its
  // ReasonBook) and finds recipients by position with `markers`
  // (bounce_markers.tsv, built by Analyzer::Create).
  // At most limits.max_recipients findings come from one report.
  Extractor(std::shared_ptr<const internal::SmtpText> smtp_text,
            std::shared_ptr<const internal::BounceMarkers> markers, const Limits& limits = Limits());
  ~Extractor();
  Extractor(const Extractor&) = delete;
  Extractor& operator=(const Extractor&) = delete;

  // One finding per recipient; *problems (may be null) gets a line when
  // recipients were left out (Limits::max_recipients).
  std::vector<Finding> Extract(const BounceParts& parts, std::vector<Problem>* problems = nullptr) const;

  // The SMTP reply code and enhanced status code in a server reply or a
  // sentence, never taken from IP addresses, dates, times, ports, sizes or
  // queue ids. Multi-line replies ("550-5.1.1 ...") are understood.
  CodesInText FindCodes(std::string_view text) const;
  // The SMTP command named by a text ("in reply to RCPT TO command",
  // "after end of data", ">>> DATA"), kUnknown when none.
  SmtpCommand FindCommand(std::string_view text) const;
  // The command that words name on their own: a client's command line
  // ("RCPT TO:<a@b>", "."), or its name ("end of DATA", "initial connection").
  SmtpCommand CommandNamed(std::string_view words) const;
  // Joins "550-5.7.1 a" / "550 5.7.1 b" continuation chunks into one reply
  // "550 5.7.1 a b" and squeezes whitespace (the words the classifier judges).
  std::string NormalizeReply(std::string_view text) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ndr

#endif  // NDR_FINDING_H_
