// The interpretation stage: Finding -> Verdict. Finds the rejecting side's
// vendor, handles reports that are not failures (feedback, auto-replies,
// delivery successes), asks the ReasonBook for the reason, and decides hard or
// soft from the reason (never from the first digit alone).
#include <string>
#include <string_view>
#include <vector>

#include "ndr/verdict.h"

namespace ndr {
namespace {

std::string_view DomainOf(std::string_view address) {
  size_t at = address.rfind('@');
  if (at == std::string_view::npos) return {};
  return address.substr(at + 1);
}

}  // namespace

Interpreter::Interpreter(std::shared_ptr<const CodeBook> codes, std::shared_ptr<const ReasonBook> reasons)
    : codes_(std::move(codes)), reasons_(std::move(reasons)) {}

Verdict Interpreter::Interpret(const Finding& finding) const {
  Verdict v;

  // The rejecting side: the remote MTA, else the recipient's domain; the
  // reporting MTA only when no remote MTA is named (then it is the one that
  // refused, e.g. Google's own "address not found" reports).
  std::vector<std::string_view> hosts;
  hosts.push_back(finding.remote_mta);
  hosts.push_back(DomainOf(finding.recipient));
  hosts.push_back(DomainOf(finding.original_recipient));
  if (finding.remote_mta.empty()) hosts.push_back(finding.reporting_mta);
  v.receiving_vendor = reasons_->DetectVendor(hosts, finding.diagnostic);
  v.reporting_vendor = reasons_->DetectVendor({finding.reporting_mta}, {});

  if (codes_ != nullptr && finding.reply_code != 0) {
    v.reply_fits_command = codes_->CommandMayReturn(finding.command, finding.reply_code);
  }

  if (finding.report_kind == BounceKind::kFeedbackReport) {
    v.reason = Reason::kFeedback;
    v.rule_id = "bounce_kind:feedback-report";
    v.evidence = "a feedback (complaint) report";
    if (!finding.feedback_type.empty()) v.evidence += ", type " + finding.feedback_type;
    return v;
  }
  if (finding.report_kind == BounceKind::kAutoReply) {
    v.reason = Reason::kVacation;
    v.rule_id = "bounce_kind:auto-reply";
    v.evidence = "an automatic reply (RFC 3834), not a delivery failure";
    return v;
  }
  if (finding.action == "delivered" || finding.action == "relayed" || finding.action == "expanded") {
    v.reason = Reason::kDelivered;
    v.rule_id = "action:" + finding.action;
    v.evidence = "the report's Action field says " + finding.action;
    return v;
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

  Classification c = reasons_->Classify(in);
  v.reason = c.reason;
  v.rule_id = std::move(c.rule_id);
  v.evidence = std::move(c.evidence);
  // Words from a local delivery program that name no clearer reason than a
  // vague status (X.s.0) or none: the program itself failed.
  bool decided_by_words = v.rule_id.compare(0, 13, "reason_rules:") == 0;
  if (!decided_by_words && !finding.diagnostic.empty() && v.reason != Reason::kExpired &&
      (finding.status.empty() || finding.status.detail == 0) && finding.diagnostic_type == "x-unix") {
    v.reason = Reason::kMailerError;
    v.rule_id = "diagnostic_type:x-unix";
    v.evidence = "the words come from a local delivery program (Diagnostic-Code type X-Unix) and name "
                 "no clearer reason";
  }
  v.hard_bounce = reasons_->IsHardBounce(v.reason, finding.reply_code, finding.status);
  return v;
}

}  // namespace ndr
