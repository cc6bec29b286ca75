// The interpretation stage: Finding -> Verdict. Finds the rejecting side's
// vendor, handles reports that are not failures (feedback, auto-replies,
// delivery successes), asks the ReasonBook for the reason, and decides hard or
// soft from the reason (never from the first digit alone).
#include <string>
#include <string_view>
#include <vector>

#include "core/strings.h"
#include "knowledge/template.h"
#include "ndr/verdict.h"

namespace ndr {
namespace {

using internal::DomainOf;

// The receiving side, the server that refused: its own host (the Remote-MTA,
// or the host a wrapper names: the extractor puts either in remote_mta), else
// the marks its reply carries (Google's "- gsmtp"), else the recipient's
// domain. The Reporting-MTA is never asked: it wrote the report and is often
// the sender's own provider, which refused nothing.
std::string_view ReceivingVendor(const ReasonBook& book, const Finding& f) {
  std::string_view vendor = book.VendorOfHost(f.remote_mta);
  if (vendor.empty()) vendor = book.VendorOfWords(f.diagnostic.empty() ? f.status_comment : f.diagnostic);
  const std::string_view recipient_domain = DomainOf(f.recipient);
  if (vendor.empty()) vendor = book.VendorOfHost(recipient_domain);
  // (Most often the recipient's own: the same host is not looked up twice.)
  const std::string_view original_domain = DomainOf(f.original_recipient);
  if (vendor.empty() && original_domain != recipient_domain) vendor = book.VendorOfHost(original_domain);
  return vendor;
}

// The side that wrote the report: its Reporting-MTA, else the domain of the
// report's From (MAILER-DAEMON@amazonses.com).
std::string_view ReportingVendor(const ReasonBook& book, const Finding& f) {
  std::string_view vendor = book.VendorOfHost(f.reporting_mta);
  // (The From's domain is often the Reporting-MTA itself: looked up once.)
  const std::string_view from_domain = DomainOf(f.report_from);
  if (vendor.empty() && from_domain != f.reporting_mta) vendor = book.VendorOfHost(from_domain);
  return vendor;
}

}  // namespace

Interpreter::Interpreter(std::shared_ptr<const CodeBook> codes, std::shared_ptr<const ReasonBook> reasons,
                         RuleScope rules)
    : codes_(std::move(codes)), reasons_(std::move(reasons)), rules_(rules) {}

Verdict Interpreter::Interpret(const Finding& finding) const {
  Verdict v;

  // The generic-only mode knows no vendor, so no vendor-scoped row applies.
  if (rules_ != RuleScope::kGeneric) {
    v.receiving_vendor = ReceivingVendor(*reasons_, finding);
    v.reporting_vendor = ReportingVendor(*reasons_, finding);
  }

  if (codes_ != nullptr && finding.reply_code != 0) {
    v.reply_fits_command = codes_->CommandMayReturn(finding.command, finding.reply_code);
  }

  ClassifyInput in;
  in.reply_code = finding.reply_code;
  in.status = finding.status;
  in.diagnostic = finding.diagnostic;
  // With no words from the server, the Status field's comment is still this
  // recipient's own.
  if (finding.diagnostic.empty()) in.diagnostic = finding.status_comment;
  // The rest of the report's text (the extractor gives it only when the
  // report speaks of this recipient alone).
  in.context = finding.context;
  in.vendor = v.receiving_vendor;
  in.command = finding.command;
  in.action = finding.action;
  in.feedback_report = finding.report_kind == BounceKind::kFeedbackReport;
  in.auto_reply = finding.report_kind == BounceKind::kAutoReply;
  in.feedback_type = finding.feedback_type;
  in.from_local_program = !finding.diagnostic.empty() && finding.diagnostic_type == "x-unix";
  // Vendor wording is the receiving side's. When no server beyond the report's
  // writer is named, the words may be the writer's own (Amazon SES's
  // suppression list, a provider refusing its own customer's mail): its
  // wording rules may then speak, but its status meanings never stand in for
  // a server it does not run.
  if (finding.remote_mta.empty() && v.reporting_vendor != v.receiving_vendor) in.writer_vendor = v.reporting_vendor;

  // The reason book decides, by the steps of data/precedence.tsv (the kind of
  // report, success, words, a local program, codes, stage, delay, ...).
  Classification c = reasons_->Classify(in);
  if (c.decided_by.IsWordingOf(in.writer_vendor)) {
    // The writer refused before any receiving server was reached.
    v.receiving_vendor.clear();
  }
  v.reason = c.reason;
  v.decided_by = std::move(c.decided_by);
  v.evidence = std::move(c.evidence);
  v.words = std::move(c.words);
  v.status_reading = std::move(c.status_reading);
  v.reply_reading = std::move(c.reply_reading);
  v.problem = std::move(c.problem);
  // A recipient domain's own server that will not relay for that domain is
  // misconfigured on the recipient's side (the domain's MX points to a server
  // that does not accept it); the sender cannot fix that.
  std::string_view domain = DomainOf(finding.recipient);
  if (v.reason == Reason::kNoRelaying && internal::IsHostInDomain(finding.remote_mta, domain)) {
    v.actor = Actor::kRecipientAdmin;
    internal::TemplateValues values = {{"host", finding.remote_mta}, {"domain", domain}};
    v.evidence += internal::FillTemplate(reasons_->Phrase("party-recipient-mx"), values);
    v.party_advice = internal::FillTemplate(reasons_->Phrase("party-recipient-mx-advice"), values);
  }
  // Hard by the reason and the codes; or by the words, when the deciding
  // wording row says the address is to be removed whatever the code's class
  // (a null MX that a report gives as 4.0.0: the domain never takes mail).
  // Only wording rows have that column: the row is looked up for them alone.
  v.hard_bounce = reasons_->IsHardBounce(v.reason, finding.reply_code, finding.status);
  if (!v.hard_bounce && v.decided_by.table == RuleTable::kReasonRules) {
    const ReasonBook::RuleGuidance row = reasons_->Guidance(v.decided_by);
    v.hard_bounce = row.has_suppress && row.suppress;
  }
  // A delay is no bounce yet: the sending server is still retrying, whatever
  // an attempt's codes said (its explanation keeps the address too).
  if (finding.action == "delayed") v.hard_bounce = false;
  return v;
}

}  // namespace ndr
