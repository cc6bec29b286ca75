// The record: one per recipient a report speaks about. This is the JSON Lines
// contract (see README "The record"): every key is always present.
#ifndef NDR_RECORD_H_
#define NDR_RECORD_H_

#include <string>

#include "ndr/explanation.h"
#include "ndr/types.h"

namespace ndr {

struct Record {
  std::string source;         // file path, or "path#N" for the N-th message of a mailbox
  std::string recipient;      // the failed Internet address, as the sender wrote it
  std::string original_recipient;  // the DSN's Original-Recipient, cleaned; "" when absent; the bare
                                   // local part a report named when ndr added the domain ("kim")
  std::string action;         // failed, delayed, delivered, relayed, expanded
  std::string status;         // enhanced status code "5.1.1", "" when none
  std::string reply_code;     // SMTP reply code "550", "" when none
  Reason reason = Reason::kUndefined;
  bool hard_bounce = false;
  std::string diagnostic;     // the remote server's words
  std::string remote_mta;
  std::string receiving_vendor;  // vendor id of the receiving (refusing) side, "" when unknown
  std::string reporting_mta;
  std::string reporting_vendor;  // vendor id of the side that wrote the report, "" when unknown
  std::string smtp_command;   // "RCPT", "DATA", ... "" when unknown
  std::string sender;         // From of the returned original (or the envelope sender)
  std::string subject;        // Subject of the returned original
  std::string message_id;     // Message-ID of the returned original
  std::string date;           // Date of the returned original; for a log line, the event's time (ISO 8601)
  std::string queue_id;       // the mail server's queue id, for a log line; "" otherwise
  std::string explanation;    // one plain sentence
  std::string advice;         // what to do next
  std::string feedback_type;  // ARF Feedback-Type, for feedback reports
  std::string blocklist;      // id of the blocklist the server named (data/blocklists.tsv), "" when none
  // The bounce report itself (not the returned original): its Message-ID and
  // Date, so that a history can store a report seen twice once, and a report
  // can say when the bounces arrived. "" for a log line or pasted text without them.
  std::string bounce_message_id;
  std::string bounce_date;

  // Not serialized as keys of their own (the text renderer shows them).
  std::string receiving_vendor_name;  // display name of receiving_vendor ("Gmail")
  Explanation details;
};

}  // namespace ndr

#endif  // NDR_RECORD_H_
