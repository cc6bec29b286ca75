// What every SMTP reply code and enhanced status code means, from the tables
// in data/ (reply_codes.tsv, reply_digits.tsv, command_replies.tsv,
// enhanced_status.tsv) compiled into the binary.
//
// A CodeBook is immutable after Load() and safe to share between threads.
#ifndef NDR_CODEBOOK_H_
#define NDR_CODEBOOK_H_

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
};

// The meaning of one digit position of a reply code (1yz..5yz, x0z..x5z).
struct ReplyDigitInfo {
  int position = 0;  // 1 = first digit, 2 = second digit
  int digit = 0;
  std::string name;         // "Permanent Negative Completion reply", "Syntax"
  std::string description;  // the longer text
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
  // a non-empty code.
  StatusInfo Status(EnhancedStatus code, std::string_view vendor = {}) const;
  // Every row of enhanced_status.tsv (registry rows and vendor-scoped rows).
  const std::vector<StatusInfo>& AllStatuses() const;

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
