// Value types shared by every stage: codes, reasons, actors, commands.
// Strong types here; strings only at the renderers.
#ifndef NDR_TYPES_H_
#define NDR_TYPES_H_

#include <cstdint>      // uint8_t
#include <string>       // std::string
#include <string_view>  // std::string_view

namespace ndr {

// An RFC 3463 enhanced status code "class.subject.detail". class 0 means "none".
struct EnhancedStatus {
  int klass = 0;    // 2, 4 or 5
  int subject = 0;  // 0..999 (registered: 0..7)
  int detail = 0;   // 0..999

  bool empty() const { return klass == 0; }
  std::string ToString() const;  // "5.1.1", or "" when empty
  // Parses exactly "D.D{1,3}.D{1,3}" with class 2, 4 or 5. Returns false otherwise.
  static bool Parse(std::string_view text, EnhancedStatus* out);
  friend bool operator==(const EnhancedStatus& a, const EnhancedStatus& b) {
    return a.klass == b.klass && a.subject == b.subject && a.detail == b.detail;
  }
  friend bool operator!=(const EnhancedStatus& a, const EnhancedStatus& b) { return !(a == b); }
};

// Sisimai's reason vocabulary (the names are the wire format; see ReasonName).
enum class Reason : uint8_t {
  kUndefined,
  kUserUnknown,
  kHostUnknown,
  kMailboxFull,
  kExceedLimit,
  kMesgTooBig,
  kBlocked,
  kSpamDetected,
  kVirusDetected,
  kPolicyViolation,
  kAuthFailure,
  kBadReputation,
  kRequirePtr,
  kNotCompliantRfc,
  kNoRelaying,
  kRejected,
  kFiltered,
  kSuspend,
  kHasMoved,
  kExpired,
  kNetworkError,
  kTooManyConn,
  kSpeeding,
  kSecurityError,
  kSystemError,
  kSystemFull,
  kMailerError,
  kNotAccept,
  kOnHold,
  kSyntaxError,
  kContentError,
  kFailedStartTls,
  kSuppressed,
  kDelivered,
  kVacation,
  kFeedback,
};
inline constexpr int kReasonCount = static_cast<int>(Reason::kFeedback) + 1;

std::string_view ReasonName(Reason r);  // "userunknown", ...
// Case-insensitive; false for an unknown name.
bool ParseReason(std::string_view name, Reason* out);

// Who has to act to get mail through.
enum class Actor : uint8_t {
  kNobody,
  kSender,          // the person or program that sent the message
  kSenderAdmin,     // the administrator of the sending mail system
  kRecipient,       // the person the message was for
  kRecipientAdmin,  // the administrator of the receiving mail system
  kUnknown,         // the bounce does not say (no reason given, or words no rule reads)
};
std::string_view ActorName(Actor a);  // "sender", "sender-admin", ...
bool ParseActor(std::string_view name, Actor* out);

// Whether sending the same message again can work.
enum class Retry : uint8_t { kNow, kLater, kNever };
std::string_view RetryName(Retry r);  // "now", "later", "never"
bool ParseRetry(std::string_view name, Retry* out);

// The SMTP command a reply answered. kConnect is the greeting, kDataEnd the
// reply after the final "." ("RECEIVED DATA" in the reply-code seed table).
enum class SmtpCommand : uint8_t {
  kUnknown,
  kConnect,
  kHelo,
  kEhlo,
  kMail,
  kRcpt,
  kData,
  kDataEnd,
  kRset,
  kSend,
  kSoml,
  kSaml,
  kVrfy,
  kExpn,
  kHelp,
  kNoop,
  kQuit,
  kTurn,
  kBdat,
  kStartTls,
  kAuth,
};
inline constexpr int kSmtpCommandCount = static_cast<int>(SmtpCommand::kAuth) + 1;
// "CONNECT", "HELO", ..., "RECEIVED DATA" for kDataEnd, "" for kUnknown.
std::string_view SmtpCommandName(SmtpCommand c);
// Accepts the names above (case-insensitive) plus "END OF DATA"/"DATA END".
bool ParseSmtpCommand(std::string_view name, SmtpCommand* out);

// What kind of damage or bound a problem reports, so that a program can tell
// "input cut at a limit" from "bytes that could not be decoded".
enum class ProblemKind : uint8_t {
  kLimit,      // a Limits bound was hit: what lies past it was not read
  kDecode,     // a transfer encoding (base64, quoted-printable, gzip) was broken
  kCharset,    // an unknown charset, or bytes invalid in theirs (replaced)
  kStructure,  // broken MIME or report structure (boundaries, missing headers)
  kRead,       // the input could not be read (I/O error, not a regular file)
  kInternal,   // analysis failed inside ndr (out of memory, an unexpected error)
};
std::string_view ProblemKindName(ProblemKind k);  // "limit", "decode", ...

// Damage noticed while reading one input; analysis went on as far as it could.
struct Problem {
  ProblemKind kind = ProblemKind::kStructure;
  std::string detail;  // for people: "decoded body of part 3 cut at 8388608 bytes"
  // "limit: decoded body of part 3 cut at 8388608 bytes"
  std::string ToString() const;
};

}  // namespace ndr

#endif  // NDR_TYPES_H_
