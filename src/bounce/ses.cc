#include "bounce/ses.h"

#include "bounce/json_text.h"

#include <algorithm>
#include <string>
#include <utility>

namespace ndr {
namespace internal {
namespace {

// Parses the object that opens `text`; false when it is not valid JSON or not an object.
bool Parse(std::string_view text, Json* out) { return ParseJsonText(text, out) && out->is_object(); }

const Json* Get(const Json& v, std::string_view key) { return JsonMember(v, key); }
std::string_view Str(const Json& v, std::string_view key) { return JsonString(v, key); }

// Mail gateways fold long lines of these notifications as "!\n " (a "!" at the
// fold); unfold them.
std::string Unfold(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '!' && i + 2 < text.size() && text[i + 1] == '\n' && text[i + 2] == ' ') {
      i += 2;
      continue;
    }
    out.push_back(text[i]);
  }
  return out;
}

void AddOriginalHeaders(const Json& mail, BounceParts* out) {
  if (!out->original_headers.empty()) return;
  const Json* headers = Get(mail, "headers");
  if (headers != nullptr && headers->is_array()) {
    size_t n = 0;
    for (const Json& h : *headers) {
      if (++n > 200) break;
      std::string_view name = Str(h, "name");
      if (!name.empty()) out->original_headers.Add(std::string(name), std::string(Str(h, "value")));
    }
  }
  if (out->original_headers.empty()) {
    const Json* common = Get(mail, "commonHeaders");
    if (common != nullptr && !Str(*common, "subject").empty()) {
      out->original_headers.Add("Subject", std::string(Str(*common, "subject")));
    }
  }
}

// The enhanced status at the start of an SMTP response ("250 2.6.0 Message received").
std::string StatusOfResponse(std::string_view response) {
  if (response.size() < 9 || response[3] != ' ') return {};
  std::string_view rest = response.substr(4);
  size_t sp = rest.find(' ');
  std::string_view token = rest.substr(0, sp);
  if (token.size() >= 5 && (token[0] == '2' || token[0] == '4' || token[0] == '5') && token[1] == '.') {
    return std::string(token);
  }
  return {};
}

}  // namespace

bool ReadSesNotification(std::string_view text, BounceParts* out, size_t max_recipients) {
  size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || text[start] != '{') return false;
  if (text.find("notificationType") == std::string_view::npos) return false;
  std::string unfolded = Unfold(text.substr(start, std::min(text.size() - start, kMaxJsonText)));
  // The object ends at its matching brace; trailing text (an unsubscribe footer) is ignored.
  Json root;
  if (!Parse(unfolded, &root)) return false;
  // An SNS envelope carries the notification as a JSON string in "Message".
  if (Get(root, "notificationType") == nullptr) {
    std::string_view message = Str(root, "Message");
    Json inner;
    if (message.empty() || !Parse(message, &inner)) return false;
    root = std::move(inner);
  }
  std::string_view type = Str(root, "notificationType");
  if (type.empty()) type = Str(root, "eventType");  // SES event publishing
  const Json* mail = Get(root, "mail");
  if (mail != nullptr) AddOriginalHeaders(*mail, out);

  if (type == "Bounce") {
    const Json* bounce = Get(root, "bounce");
    const Json* list = bounce != nullptr ? Get(*bounce, "bouncedRecipients") : nullptr;
    if (list == nullptr || !list->is_array()) return false;
    std::string_view mta = Str(*bounce, "reportingMTA");
    if (!mta.empty()) out->per_message.Add("Reporting-MTA", std::string(mta));
    std::string bounce_type = std::string(Str(*bounce, "bounceType"));
    std::string_view sub_type = Str(*bounce, "bounceSubType");
    if (!sub_type.empty()) bounce_type += "; " + std::string(sub_type);
    for (const Json& r : *list) {
      if (out->per_recipient.size() >= max_recipients) {
        out->problems.push_back({ProblemKind::kLimit, RecipientLimitProblem(max_recipients)});
        break;
      }
      std::string_view address = Str(r, "emailAddress");
      if (address.empty()) continue;
      Headers group;
      group.Add("Final-Recipient", "rfc822; " + std::string(address));
      if (!Str(r, "action").empty()) group.Add("Action", std::string(Str(r, "action")));
      if (!Str(r, "status").empty()) group.Add("Status", std::string(Str(r, "status")));
      if (!Str(r, "diagnosticCode").empty()) {
        group.Add("Diagnostic-Code", std::string(Str(r, "diagnosticCode")));
      } else if (!sub_type.empty() && !Str(*bounce, "bounceType").empty()) {
        // No server's words: SES's own classification is all the report says
        // ("Transient"/"MailboxFull"; reason rows of data/reason_rules.tsv read it).
        group.Add("Diagnostic-Code", "X-SES; Amazon SES bounce type " + std::string(Str(*bounce, "bounceType")) + "/" +
                                         std::string(sub_type));
      }
      if (!bounce_type.empty()) group.Add("X-SES-Bounce-Type", bounce_type);
      out->per_recipient.push_back(std::move(group));
    }
    if (out->per_recipient.empty()) return false;
    out->kind = BounceKind::kDeliveryReport;
    return true;
  }
  if (type == "Delivery") {
    const Json* delivery = Get(root, "delivery");
    const Json* list = delivery != nullptr ? Get(*delivery, "recipients") : nullptr;
    if (list == nullptr || !list->is_array()) return false;
    std::string_view mta = Str(*delivery, "reportingMTA");
    if (!mta.empty()) out->per_message.Add("Reporting-MTA", "dns; " + std::string(mta));
    std::string_view response = Str(*delivery, "smtpResponse");
    std::string status = StatusOfResponse(response);
    for (const Json& r : *list) {
      if (!r.is_string() || r.get_ref<const std::string&>().empty()) continue;
      if (out->per_recipient.size() >= max_recipients) {
        out->problems.push_back({ProblemKind::kLimit, RecipientLimitProblem(max_recipients)});
        break;
      }
      Headers group;
      group.Add("Final-Recipient", "rfc822; " + r.get<std::string>());
      group.Add("Action", "delivered");
      if (!status.empty()) group.Add("Status", status);
      if (!response.empty()) group.Add("Diagnostic-Code", "smtp; " + std::string(response));
      out->per_recipient.push_back(std::move(group));
    }
    if (out->per_recipient.empty()) return false;
    out->kind = BounceKind::kDeliveryReport;
    return true;
  }
  if (type == "Complaint") {
    const Json* complaint = Get(root, "complaint");
    const Json* list = complaint != nullptr ? Get(*complaint, "complainedRecipients") : nullptr;
    if (list == nullptr || !list->is_array()) return false;
    std::string_view feedback_type = Str(*complaint, "complaintFeedbackType");
    if (!feedback_type.empty()) out->feedback.Add("Feedback-Type", std::string(feedback_type));
    if (!Str(*complaint, "userAgent").empty()) {
      out->feedback.Add("User-Agent", std::string(Str(*complaint, "userAgent")));
    }
    size_t n = 0;
    for (const Json& r : *list) {
      if (++n > max_recipients) {
        out->problems.push_back({ProblemKind::kLimit, RecipientLimitProblem(max_recipients)});
        break;
      }
      if (!Str(r, "emailAddress").empty()) {
        out->feedback.Add("Original-Rcpt-To", std::string(Str(r, "emailAddress")));
      }
    }
    if (!out->feedback.Has("Original-Rcpt-To")) return false;
    out->kind = BounceKind::kFeedbackReport;
    return true;
  }
  return false;
}

}  // namespace internal
}  // namespace ndr
