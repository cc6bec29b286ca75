// The bounce stage: Message -> BounceParts (what kind of report this is and
// where its machine- and human-readable pieces are).
#ifndef NDR_BOUNCE_H_
#define NDR_BOUNCE_H_

#include <string>
#include <string_view>
#include <vector>

#include "ndr/message.h"
#include "ndr/options.h"

namespace ndr {
namespace internal {
class BounceMarkers;  // data/bounce_markers.tsv compiled (src/bounce/markers.h)
class PastedTextReader;  // data/pasted_text.tsv compiled (src/mime/pasted_text.h)
}

enum class BounceKind {
  kNotBounce,       // ordinary mail, read receipt, ...
  kDeliveryReport,  // RFC 3464 / RFC 6533 message/(global-)delivery-status
  kPlainText,       // a bounce without DSN fields (Exim, qmail, Exchange 2003, ...)
  kFeedbackReport,  // RFC 5965 ARF abuse report
  kAutoReply,       // RFC 3834 vacation / out-of-office
};
std::string_view BounceKindName(BounceKind kind);  // "delivery-report", ...

struct BounceParts {
  BounceKind kind = BounceKind::kNotBounce;
  Headers per_message;                 // DSN per-message fields (Reporting-MTA, ...)
  std::vector<Headers> per_recipient;  // DSN per-recipient groups, in order
  // The human-readable part(s), UTF-8, HTML reduced to text. For a plain-text
  // bounce this is the body up to the returned original.
  std::string human_text;
  Headers original_headers;  // headers of the returned message, when present
  Headers feedback;          // ARF message/feedback-report fields
  std::string bounce_subject;  // Subject of the report itself
  std::string bounce_from;     // From of the report itself
  std::string bounce_to;       // To of the report itself (the original's sender)
  std::string bounce_delivered_to;  // Delivered-To, else X-Original-To, of the report (where it arrived)
  std::string failed_recipients;  // X-Failed-Recipients of the report (Exim and others)
  bool pasted = false;            // read from pasted text (Message::pasted)
  std::vector<Problem> problems;  // limits reached while locating (recipients, header fields)
};

// Never fails; kind says whether it is a bounce at all. `markers` are built
// once by Analyzer::Create (BounceMarkers::Load) and carry the rule scope.
// At most limits.max_recipients recipient groups are kept (a problem says so).
BounceParts LocateBounce(const Message& message, const internal::BounceMarkers& markers,
                         const Limits& limits = Limits());

// A person's forward of a report as an attachment (a helpdesk gets "why did
// this bounce?" with the bounce attached as message/rfc822): true, with the
// attached report as a Message of its own in *report, when `message` has no
// report part of its own, is not from a mail system, and its first attached
// message is a report (a delivery-status or feedback part, a mail system's
// From or a report's Subject, or what LocateBounce makes of it). Also true
// for a mail system's notice that names no address (no X-Failed-Recipients,
// no '@' in its text above the attachment) over an attached message with a
// delivery-status or feedback part: a gateway passing on the report of the
// server behind it. False, *report untouched, otherwise.
bool FindAttachedReport(const Message& message, const internal::BounceMarkers& markers, const Limits& limits,
                        Message* report);

// A person's forward of a report written inline, as mail programs forward
// by default (a "Forwarded message" separator, the report's From, Date,
// Subject and To as lines of text, then its text): true, with that text read
// as pasted text (PastedTextReader::Read) in *report, when `message` has no
// report or attached message of its own, is not from a mail system, and the
// forwarded copy's From is a mail system's, its Subject a report's or its
// text has a report's sentences (bounce_markers.tsv). False, *report
// untouched, otherwise.
bool FindForwardedReportText(const Message& message, const internal::BounceMarkers& markers,
                             const internal::PastedTextReader& pasted, const Limits& limits, Message* report);

// Reduces HTML to readable text (tags dropped, entities decoded, block
// elements turned into line breaks).
std::string HtmlToText(std::string_view html);

}  // namespace ndr

#endif  // NDR_BOUNCE_H_
