// The explanation stage: Finding + Verdict -> plain words for people.
#ifndef NDR_EXPLANATION_H_
#define NDR_EXPLANATION_H_

#include <string>

#include "ndr/codebook.h"
#include "ndr/finding.h"
#include "ndr/reasons.h"
#include "ndr/verdict.h"

namespace ndr {

struct Explanation {
  std::string summary;         // what happened to this recipient (and, when the report quotes
                               // no words of the server, that it gives no reason)
  std::string stage;           // when the server refused, in plain words ("when the recipient
                               // was named (RCPT TO)"); "" when the report does not say
  // What the codes mean. When the server's words decided against a code's
  // meaning, the line says both and which decided (never a gloss that
  // contradicts the reason).
  std::string reply_meaning;   // "550: Requested action not taken: mailbox unavailable"
  std::string status_meaning;  // "5.1.1: bad destination mailbox address (RFC 3463)"
  // Set when the reply does not fit the failed command: a technical remark,
  // shown only on request (--verbose), never part of the record's explanation.
  std::string command_note;
  Actor actor = Actor::kNobody;
  Retry retry = Retry::kLater;
  bool suppress = false;
  std::string advice;          // what to do next, specific to the reason and codes
  std::string evidence;        // what decided the reason
  std::string blocklist;       // id of the blocklist the server named, "" when none
};

// Without `code_meanings`, stage, reply_meaning, status_meaning and
// command_note stay empty (see AnalyzeOptions::code_meanings).
Explanation Explain(const Finding& finding, const Verdict& verdict, const CodeBook& codes,
                    const ReasonBook& reasons, bool code_meanings = true);

}  // namespace ndr

#endif  // NDR_EXPLANATION_H_
