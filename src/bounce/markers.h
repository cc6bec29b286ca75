// The bounce markers of data/bounce_markers.tsv, compiled once by
// Analyzer::Create and shared (read-only) by the bounce and extraction stages.
#ifndef NDR_SRC_BOUNCE_MARKERS_H_
#define NDR_SRC_BOUNCE_MARKERS_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ndr/message.h"
#include "ndr/options.h"

namespace ndr {
namespace internal {

// What a row of bounce_markers.tsv recognizes (its `where` column).
// kHeader patterns are matched against each "Name: value" line of the report's
// own header block; kRecipient patterns have one capture group, the address
// of a failed recipient named by a sentence ("could not be delivered to: <a@b>").
// kBoilerplate patterns are sentences the reporting MTA adds to a recipient's
// paragraph that are not the remote server's words. The word lists below them
// are matched against one short piece of text each (see data/README.md).
enum class MarkerKind {
  kSubject,
  kFrom,
  kBody,
  kOriginal,
  kAutoReplySubject,
  kHeader,
  kRecipient,
  kBoilerplate,
  kDelaySubject,     // the Subject of a delay warning, not a failure
  kAutoReplyHeader,  // a "Name: value" header line that alone marks an auto-reply
  kAutoReplySign,    // a header line saying a program sent it (with an auto-reply Subject)
  kSystemMailbox,    // an address of a mail system, never a person's recipient address
  kIdentifierLine,   // a line of a quoted header whose addresses are no recipients
  kSummaryLabel,     // the words before an address that summarize the returned message
  kMessageHeader,    // a field name of a message header (a quoted header block)
  kTraceHeader,      // a trace field name, which only a real header block has
  kReplyEvidence,    // an SMTP reply next to an address (body evidence no format owns)
  kTranscript,       // a line of an SMTP session transcript
  kReplySubject,     // the Subject of a person's reply ("Re:", "AW:")
  kForwardSubject,   // the Subject of a forward ("Fwd:", "WG:"): the quoted text is what it forwards
  kDelayBody,        // a sentence of a delay warning ("will retry for 46 more hours"), for text without a Subject
  kBareRecipient,    // a slot naming a failed recipient by its local part alone; one capture: the local part
  kRecipientList,    // a heading under which failed recipients are listed one per line
  kNotLocalPart,     // a word that never stands for a recipient's local part ("error", "unknown")
  kReportingHost,    // the report's own words naming the host that wrote it; one capture: the host
  kListBullet,       // the mark of a list item ("-", "--", "•", "1.") before a recipient's address
  kExpandedFrom,     // "(expanded from: <list@x>)" after a recipient; one capture: the alias it came from
  kReplyHeading,     // a line introducing the server's words on the lines below it ("The response was:")
  kSuccessSubject,   // the Subject of a success notice ("Delivery Status Notification (Success)")
  kBulkHeader,       // a header line of bulk mail (List-Unsubscribe): no report a person must read
  kRelayed,          // words of a success notice saying it was relayed on, not delivered ("Relayed:")
  kListAdmin,        // the owner, bounce or request address of a mailing list ("team-owner@x")
  kOtherAddresses,   // a heading of addresses that did not fail ("Possible alternatives:")
  kVerp,             // a VERP return address; one capture: the recipient it encodes, '=' for its '@'
};
constexpr int kMarkerKinds = 34;

class BounceMarkers {
 public:
  // Compiles the table. With RuleScope::kGeneric only rows whose scope is
  // `generic` are kept. Null with *error set when a row is bad.
  static std::shared_ptr<const BounceMarkers> Load(RuleScope rules, std::string* error);

  // The rules this set was built for (kGeneric: no format-specific rule at all).
  RuleScope rules() const { return rules_; }
  bool generic_only() const { return rules_ == RuleScope::kGeneric; }

  // True when any pattern of that kind matches somewhere in text.
  bool Matches(MarkerKind kind, std::string_view text) const;
  // Matches, or else matches once the text's lines are joined (blanks
  // squeezed): a report's sentence breaks wherever its mail system's line
  // width fell ("could not\nbe delivered"), and a pasted or forwarded copy
  // is wrapped again by the mail program it passed through. (Joined, only
  // the text's first 64 KB are read.)
  bool MatchesWrapped(MarkerKind kind, std::string_view text) const;
  // Offset of the first line of `text` that starts the returned original, or npos.
  size_t FindOriginalStart(std::string_view text) const;
  // True when any pattern of `kind` matches one "Name: value" line of headers.
  bool MatchesHeader(const Headers& headers, MarkerKind kind = MarkerKind::kHeader) const;
  // The [begin, end) offsets of every address a kRecipient pattern captures in
  // text, in order of appearance (bounded).
  std::vector<std::pair<size_t, size_t>> FindRecipientPhrases(std::string_view text) const;
  // The same for the other kinds whose patterns capture (kBareRecipient: a
  // local part, kReportingHost: a host name, kExpandedFrom: an alias); empty
  // for a kind that does not. kBareRecipient and kReportingHost are asked only
  // of a report that names no address as a failed recipient, kExpandedFrom
  // only of a recipient's own paragraph.
  std::vector<std::pair<size_t, size_t>> FindCaptures(MarkerKind kind, std::string_view text) const;
  // Where each list under a kRecipientList heading starts: the offset of the
  // line after the heading's line, in order (bounded).
  std::vector<size_t> FindRecipientLists(std::string_view text) const;
  // The same for kReplyHeading lines: where the words under each heading start.
  std::vector<size_t> FindReplyHeadings(std::string_view text) const;
  // `text` without the kBoilerplate sentences, whitespace squeezed; `text`
  // itself when nothing else would remain.
  std::string StripBoilerplate(std::string_view text) const;

  struct Impl;
  ~BounceMarkers();

 private:
  explicit BounceMarkers(RuleScope rules);
  // Sets *error and returns false on the first bad row.
  bool Build(std::string* error);
  std::unique_ptr<Impl> impl_;
  RuleScope rules_;
};

// "where" name of a kind as written in the table ("subject", "delay-subject").
std::string_view MarkerKindName(MarkerKind kind);

}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_BOUNCE_MARKERS_H_
