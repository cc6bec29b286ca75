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

Interpreter::Interpreter(std::shared_ptr<const CodeBook> codes, std::shared_ptr<const ReasonBook> reasons,
                         RuleScope rules)
    : codes_(std::move(codes)), reasons_(std::move(reasons)), rules_(rules) {}

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
  // The generic-only mode knows no vendor, so no vendor-scoped row applies.
  if (rules_ != RuleScope::kGeneric) {
    v.receiving_vendor = reasons_->DetectVendor(hosts, finding.diagnostic);
    v.reporting_vendor = reasons_->DetectVendor({finding.reporting_mta}, {});
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

  // The reason book decides, by the steps of data/precedence.tsv (the kind of
  // report, success, words, a local program, codes, stage, delay, ...).
  Classification c = reasons_->Classify(in);
  v.reason = c.reason;
  v.decided_by = std::move(c.decided_by);
  v.evidence = std::move(c.evidence);
  v.words = std::move(c.words);
  v.status_reading = std::move(c.status_reading);
  v.reply_reading = std::move(c.reply_reading);
  v.problem = std::move(c.problem);
  v.hard_bounce = reasons_->IsHardBounce(v.reason, finding.reply_code, finding.status);
  return v;
}

}  // namespace ndr
