#include "ndr/types.h"

#include "core/strings.h"

#include <array>
#include <cctype>
#include <charconv>

namespace ndr {
namespace {


// Parses 1-3 digits at text[*pos], advancing *pos.
bool ParseSmallNumber(std::string_view text, size_t* pos, int* out) {
  size_t start = *pos;
  int value = 0;
  while (*pos < text.size() && *pos - start < 3 &&
         std::isdigit(static_cast<unsigned char>(text[*pos]))) {
    value = value * 10 + (text[*pos] - '0');
    ++*pos;
  }
  if (*pos == start) return false;
  if (*pos < text.size() && std::isdigit(static_cast<unsigned char>(text[*pos]))) return false;
  *out = value;
  return true;
}

constexpr std::array<std::string_view, kReasonCount> kReasonNames = {
    "undefined",      "userunknown",   "hostunknown",   "mailboxfull",   "exceedlimit",
    "mesgtoobig",     "blocked",       "spamdetected",  "virusdetected", "policyviolation",
    "authfailure",    "badreputation", "requireptr",    "notcompliantrfc", "norelaying",
    "rejected",       "filtered",      "suspend",       "hasmoved",      "expired",
    "networkerror",   "toomanyconn",   "speeding",      "securityerror", "systemerror",
    "systemfull",     "mailererror",   "notaccept",     "onhold",        "syntaxerror",
    "contenterror",   "failedstarttls", "suppressed",   "delivered",     "vacation",
    "feedback",
};

constexpr std::array<std::string_view, 6> kActorNames = {
    "nobody", "sender", "sender-admin", "recipient", "recipient-admin", "unknown"};

constexpr std::array<std::string_view, 6> kProblemKindNames = {"limit",     "decode", "charset",
                                                               "structure", "read",   "internal"};
constexpr std::array<std::string_view, 3> kRetryNames = {"now", "later", "never"};

constexpr std::array<std::string_view, kSmtpCommandCount> kCommandNames = {
    "",     "CONNECT", "HELO", "EHLO", "MAIL", "RCPT", "DATA",  "RECEIVED DATA", "RSET", "SEND", "SOML",
    "SAML", "VRFY",    "EXPN", "HELP", "NOOP", "QUIT", "TURN", "BDAT",          "STARTTLS", "AUTH",
};

template <typename Enum, size_t N>
bool ParseByName(const std::array<std::string_view, N>& names, std::string_view name, Enum* out) {
  for (size_t i = 0; i < N; ++i) {
    if (!names[i].empty() && internal::IEquals(names[i], name)) {
      *out = static_cast<Enum>(i);
      return true;
    }
  }
  return false;
}

}  // namespace

std::string EnhancedStatus::ToString() const {
  if (empty()) return {};
  // One string built from a buffer (several records' fields and evidence ask
  // for it): not three to_string results joined by four concatenations.
  char text[3 * 11 + 2];  // three ints of at most 11 characters, two dots
  char* const last = text + sizeof text;
  char* end = text;
  for (int part : {klass, subject, detail}) {
    if (end != text) {
      if (end == last) return {};  // cannot happen: the buffer fits any three ints
      *end++ = '.';
    }
    const std::to_chars_result written = std::to_chars(end, last, part);
    if (written.ec != std::errc()) return {};
    end = written.ptr;
  }
  return std::string(text, end);
}

bool EnhancedStatus::Parse(std::string_view text, EnhancedStatus* out) {
  if (text.size() < 5 || (text[0] != '2' && text[0] != '4' && text[0] != '5') || text[1] != '.') {
    return false;
  }
  size_t pos = 2;
  EnhancedStatus s;
  s.klass = text[0] - '0';
  if (!ParseSmallNumber(text, &pos, &s.subject)) return false;
  if (pos >= text.size() || text[pos] != '.') return false;
  ++pos;
  if (!ParseSmallNumber(text, &pos, &s.detail)) return false;
  if (pos != text.size()) return false;
  *out = s;
  return true;
}

std::string_view ReasonName(Reason r) {
  size_t i = static_cast<size_t>(r);
  return i < kReasonNames.size() ? kReasonNames[i] : "undefined";
}

bool ParseReason(std::string_view name, Reason* out) {
  return ParseByName(kReasonNames, name, out);
}

std::string_view ActorName(Actor a) {
  size_t i = static_cast<size_t>(a);
  return i < kActorNames.size() ? kActorNames[i] : "nobody";
}

bool ParseActor(std::string_view name, Actor* out) { return ParseByName(kActorNames, name, out); }

std::string_view RetryName(Retry r) {
  size_t i = static_cast<size_t>(r);
  return i < kRetryNames.size() ? kRetryNames[i] : "later";
}

bool ParseRetry(std::string_view name, Retry* out) { return ParseByName(kRetryNames, name, out); }

std::string_view SmtpCommandName(SmtpCommand c) {
  size_t i = static_cast<size_t>(c);
  return i < kCommandNames.size() ? kCommandNames[i] : "";
}

bool ParseSmtpCommand(std::string_view name, SmtpCommand* out) {
  if (internal::IEquals(name, "END OF DATA") || internal::IEquals(name, "DATA END")) {
    *out = SmtpCommand::kDataEnd;
    return true;
  }
  return ParseByName(kCommandNames, name, out);
}

std::string_view ProblemKindName(ProblemKind k) {
  size_t i = static_cast<size_t>(k);
  return i < kProblemKindNames.size() ? kProblemKindNames[i] : "internal";
}

std::string Problem::ToString() const {
  std::string out(ProblemKindName(kind));
  out += ": ";
  out += detail;
  return out;
}

}  // namespace ndr
