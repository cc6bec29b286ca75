// The interpretation stage: Finding -> Verdict. Finds the rejecting side's
// vendor, handles reports that are not failures (feedback, auto-replies,
// delivery successes), asks the ReasonBook for the reason, and decides hard or
// soft from the reason (never from the first digit alone).
#include <cctype>
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

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// The recipient's DSN group: the one it came from, the only one, or (for a
// finding made without one) the one naming the recipient. Searching every
// group for every recipient would cost recipients x groups x field length.
const Headers* GroupOf(const Finding& finding, const BounceParts& parts) {
  if (parts.per_recipient.size() == 1) return &parts.per_recipient[0];
  if (finding.group < parts.per_recipient.size()) return &parts.per_recipient[finding.group];
  if (finding.recipient.empty()) return nullptr;
  for (const Headers& g : parts.per_recipient) {
    if (g.Get("Final-Recipient").find(finding.recipient) != std::string_view::npos) return &g;
  }
  return nullptr;
}

std::string_view TrimView(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

// Whether the recipient's Diagnostic-Code came from a local program
// ("Diagnostic-Code: X-Unix; ..." — RFC 3464's diagnostic-type for a delivery
// agent, pipe or filter on the reporting host), not from an SMTP server.
bool DiagnosticIsFromLocalProgram(const Headers* group) {
  if (group == nullptr) return false;
  std::string_view code = group->Get("Diagnostic-Code");
  size_t semi = code.find(';');
  if (semi == std::string_view::npos) return false;
  return EqualsNoCase(TrimView(code.substr(0, semi)), "x-unix");
}

// The comment of the recipient's Status field, "4.0.0 (example.net: host name
// lookup failure)" -> "example.net: host name lookup failure"; RFC 3464's own
// example puts the reason there when there is no Diagnostic-Code.
std::string_view StatusComment(const Headers* group) {
  if (group == nullptr) return {};
  std::string_view status = group->Get("Status");
  size_t open = status.find('(');
  size_t close = status.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close <= open) return {};
  return TrimView(status.substr(open + 1, close - open - 1));
}

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
  v.receiving_vendor = reasons_->DetectVendor(hosts, finding.diagnostic);
  v.reporting_vendor = reasons_->DetectVendor({finding.reporting_mta}, {});

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
  const Headers* group = GroupOf(finding, parts);
  // With no words from the server, the Status field's comment is still this
  // recipient's own.
  if (finding.diagnostic.empty()) in.diagnostic = StatusComment(group);
  // The rest of the report's text helps only when it speaks of this recipient
  // alone: in a report on several recipients it would lend one recipient
  // another's words (even when this recipient has none of its own).
  bool text_is_this_recipients = recipients_in_report <= 1;
  if (text_is_this_recipients) {
    std::string_view context = parts.human_text;
    if (context.size() > kMaxContext) context = context.substr(0, kMaxContext);
    in.context = context;
  }
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
      (finding.status.empty() || finding.status.detail == 0) && DiagnosticIsFromLocalProgram(group)) {
    v.reason = Reason::kMailerError;
    v.rule_id = "diagnostic_type:x-unix";
    v.evidence = "the words come from a local delivery program (Diagnostic-Code type X-Unix) and name "
                 "no clearer reason";
  }
  v.hard_bounce = reasons_->IsHardBounce(v.reason, finding.reply_code, finding.status);
  return v;
}

}  // namespace ndr
