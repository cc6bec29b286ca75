// Records read back from `ndr scan`'s JSON Lines (the record contract).
#include <nlohmann/json.hpp>

#include "ndr/report.h"

namespace ndr {
namespace {

std::string Get(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool GetBool(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

}  // namespace

bool RecordFromJson(std::string_view line, Record* out, std::string* error) {
  nlohmann::json j = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    *error = "not a JSON object";
    return false;
  }
  if (!j.contains("recipient") || !j.contains("reason")) {
    *error = "not an ndr record (no recipient or reason)";
    return false;
  }
  Record r;
  r.source = Get(j, "source");
  r.recipient = Get(j, "recipient");
  r.original_recipient = Get(j, "original_recipient");
  r.action = Get(j, "action");
  r.status = Get(j, "status");
  r.reply_code = Get(j, "reply_code");
  if (!ParseReason(Get(j, "reason"), &r.reason)) r.reason = Reason::kUndefined;
  r.hard_bounce = GetBool(j, "hard_bounce");
  r.diagnostic = Get(j, "diagnostic");
  r.remote_mta = Get(j, "remote_mta");
  r.receiving_vendor = Get(j, "receiving_vendor");
  r.reporting_mta = Get(j, "reporting_mta");
  r.reporting_vendor = Get(j, "reporting_vendor");
  r.smtp_command = Get(j, "smtp_command");
  r.sender = Get(j, "sender");
  r.subject = Get(j, "subject");
  r.message_id = Get(j, "message_id");
  r.date = Get(j, "date");
  r.queue_id = Get(j, "queue_id");
  r.explanation = Get(j, "explanation");
  r.advice = Get(j, "advice");
  r.feedback_type = Get(j, "feedback_type");
  r.blocklist = Get(j, "blocklist");
  r.bounce_message_id = Get(j, "bounce_message_id");
  r.bounce_date = Get(j, "bounce_date");
  r.details.summary = r.explanation;
  r.details.advice = r.advice;
  r.details.evidence = Get(j, "evidence");
  r.details.blocklist = r.blocklist;
  r.details.suppress = GetBool(j, "suppress");
  if (!ParseActor(Get(j, "actor"), &r.details.actor)) r.details.actor = Actor::kNobody;
  if (!ParseRetry(Get(j, "retry"), &r.details.retry)) r.details.retry = Retry::kLater;
  *out = std::move(r);
  return true;
}

}  // namespace ndr
