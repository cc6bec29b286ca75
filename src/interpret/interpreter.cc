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

// The human-readable text is used only when the recipient's own words give no
// clue; a bounded slice is enough and keeps the matching cost flat.
constexpr size_t kMaxContext = 8192;

}  // namespace

Interpreter::Interpreter(std::shared_ptr<const CodeBook> codes, std::shared_ptr<const ReasonBook> reasons)
    : codes_(std::move(codes)), reasons_(std::move(reasons)) {}

Verdict Interpreter::Interpret(const Finding& finding, const BounceParts& parts,
                               size_t recipients_in_report) const {
  Verdict v;

  // The rejecting side: the remote MTA, else the recipient's domain; the
  // reporting MTA only when no remote MTA is named (then it is the one that
  // refused, e.g. Google's own "address not found" reports).
  std::vector<std::string_view> hosts;
  hosts.push_back(finding.remote_mta);
  hosts.push_back(DomainOf(finding.recipient));
  hosts.push_back(DomainOf(finding.original_recipient));
  if (finding.remote_mta.empty()) hosts.push_back(finding.reporting_mta);
  v.vendor = reasons_->DetectVendor(hosts, finding.diagnostic);

  if (codes_ != nullptr && finding.reply_code != 0) {
    v.reply_fits_command = codes_->CommandMayReturn(finding.command, finding.reply_code);
  }

  if (parts.kind == BounceKind::kFeedbackReport) {
    v.reason = Reason::kFeedback;
    v.rule_id = "bounce_kind:feedback-report";
    std::string_view type = parts.feedback.Get("Feedback-Type");
    v.evidence = "a feedback (complaint) report";
    if (!type.empty()) v.evidence += ", type " + std::string(type);
    return v;
  }
  if (parts.kind == BounceKind::kAutoReply) {
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
  // The rest of the report's text helps only when it speaks of this recipient
  // alone: in a report on several recipients it would lend one recipient
  // another's words.
  bool text_is_this_recipients = finding.diagnostic.empty() || recipients_in_report <= 1;
  if (text_is_this_recipients) {
    std::string_view context = parts.human_text;
    if (context.size() > kMaxContext) context = context.substr(0, kMaxContext);
    in.context = context;
  }
  in.vendor = v.vendor;
  in.command = finding.command;
  in.action = finding.action;

  Classification c = reasons_->Classify(in);
  v.reason = c.reason;
  v.rule_id = std::move(c.rule_id);
  v.evidence = std::move(c.evidence);
  v.hard_bounce = reasons_->IsHardBounce(v.reason, finding.reply_code, finding.status);
  return v;
}

}  // namespace ndr
