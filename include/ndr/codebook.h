// What every SMTP reply code and enhanced status code means, from the tables
// in data/ (reply_codes.tsv, reply_digits.tsv, command_replies.tsv,
// enhanced_status.tsv, status_classes.tsv) compiled into the binary. The
// columns and the lookup precedence are documented in data/README.md.
//
// A CodeBook is immutable after Load() and safe to share between threads.
#ifndef NDR_CODEBOOK_H_
#define NDR_CODEBOOK_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ndr/types.h"

namespace ndr {

struct ReplyCodeInfo {
  int code = 0;          // 550
  std::string meaning;   // "Requested action not taken: mailbox unavailable"
  std::string source;    // "RFC 5321", "RFC 876", ...
  bool standard = true;  // false for nonstandard codes (200 of RFC 876, 530 ...)
  std::string note;      // plain-words remark for people, may be ""
  std::string plain;     // the meaning in plain words for a non-expert
  // The status subjects (X.<subject>.*) under which `meaning` fits, a bit
  // each; 0: any. 550's "mailbox unavailable" fits 5.1.1 and 5.2.1, not
  // 5.7.1, where the server used 550 for a policy refusal.
  uint16_t fits_subjects = 0;
  bool FitsStatus(const EnhancedStatus& status) const {
    // Subject 0 ("other or undefined") says nothing to contradict.
    return fits_subjects == 0 || status.empty() || status.subject == 0 ||
           (status.subject < 16 && (fits_subjects >> status.subject & 1) != 0);
  }
};

// The meaning of one digit position of a reply code (1yz..5yz, x0z..x5z).
struct ReplyDigitInfo {
  int position = 0;  // 1 = first digit, 2 = second digit
  int digit = 0;
  std::string name;         // "Permanent Negative Completion reply", "Syntax"
  std::string description;  // the longer text
  std::string plain;        // a short phrase in plain words: "permanent failure: ..."
};

// One row of "codes grouped by command": `command` may answer `code`.
struct CommandReply {
  SmtpCommand command = SmtpCommand::kUnknown;
  int code = 0;
  std::string meaning;  // the meaning in that context (EHLO 550 is "Not implemented")
  std::string source;
};

struct StatusInfo {
  EnhancedStatus code;
  std::string meaning;      // plain words, e.g. "the destination mailbox does not exist"
  std::string source;       // "RFC 3463", or the provider's page for scoped rows
  std::string scope;        // "" for the IANA registry, else a vendor id ("google")
  bool registered = false;  // false when the answer fell back to class + subject
  std::string title;        // the registry's formal name ("Bad destination mailbox
                            // address") or the provider's own wording; "" for a fallback
  int detail_to = 0;        // rows of AllStatuses(): last detail of a range row
                            // (5.7.606-649 has detail 606, detail_to 649), else 0
  std::string note;         // may be ""
};

// One row of status_classes.tsv: what a class (2, 4, 5) or a subject (0..7)
// of an enhanced status code means.
struct StatusPartInfo {
  bool is_class = true;     // true: a class (first number); false: a subject
  int value = 0;            // 5, or 1 for subject X.1.YYY
  std::string title;        // "Permanent Failure", "Addressing Status"
  std::string meaning;      // short phrase: "permanent failure", "addressing problem"
  std::string description;  // plain words
  std::string source;
};

class CodeBook {
 public:
  // Builds from the embedded tables. On a bad row returns null and sets *error
  // to "data/<file>:<line>: <what is wrong>".
  static std::shared_ptr<const CodeBook> Load(std::string* error);

  // Null for a code that is not in the table.
  const ReplyCodeInfo* Reply(int code) const;
  const std::vector<ReplyCodeInfo>& AllReplies() const;
  // Null when position/digit is not described.
  const ReplyDigitInfo* Digit(int position, int digit) const;
  const std::vector<ReplyDigitInfo>& AllDigits() const;

  // The replies a command may return, in table order.
  std::vector<CommandReply> RepliesOf(SmtpCommand command) const;
  // The commands that may return `code`, in table order.
  std::vector<SmtpCommand> CommandsReturning(int code) const;
  // True when the table lists `code` for `command`, or when the command is
  // kUnknown or has no rows (nothing to contradict).
  bool CommandMayReturn(SmtpCommand command, int code) const;
  const std::vector<CommandReply>& AllCommandReplies() const;

  // The meaning of `code`, looked up for `vendor` first (rows scoped to that
  // vendor id), then the IANA registry, then class + subject as a fallback
  // ("permanent failure, addressing problem, detail unknown"). Never fails for
  // a non-empty code. `vendor` is a lower-case vendor id ("google"); within a
  // scope an exact-class row beats an "X" row, and exact rows beat range rows.
  // The result's `code` is `code`. No parsing happens here: the tables are
  // indexed by Load(), so this is cheap enough to call per recipient.
  StatusInfo Status(EnhancedStatus code, std::string_view vendor = {}) const;
  // Every row of enhanced_status.tsv (registry rows and vendor-scoped rows).
  // Rows written "X.s.d" (valid for every class) have code.klass == 0.
  const std::vector<StatusInfo>& AllStatuses() const;

  // The registry row for `code` (code.klass may be 0 for "X.s.d"), or null when
  // the registry does not list it. No vendor rows, no fallback.
  const StatusInfo* RegistryStatus(EnhancedStatus code) const;
  // The vendor-scoped rows that cover `code` (exact or range rows, one per
  // vendor at most, in table order). Empty when no provider redefines it.
  std::vector<const StatusInfo*> VendorStatuses(EnhancedStatus code) const;
  // True when some row of enhanced_status.tsv is scoped to `vendor`.
  bool HasVendor(std::string_view vendor) const;

  // The meaning of a class (2, 4, 5) or subject (0..7); null when not described.
  const StatusPartInfo* StatusClass(int klass) const;
  const StatusPartInfo* StatusSubject(int subject) const;
  const std::vector<StatusPartInfo>& AllStatusParts() const;

  struct Impl;
  explicit CodeBook(std::unique_ptr<Impl> impl);
  ~CodeBook();
  CodeBook(const CodeBook&) = delete;
  CodeBook& operator=(const CodeBook&) = delete;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace ndr

#endif  // NDR_CODEBOOK_H_
