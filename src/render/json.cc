#include <ostream>

#include "ndr/render.h"

namespace ndr {
namespace {

class JsonLinesSink : public RecordSink {
 public:
  explicit JsonLinesSink(std::ostream& out) : out_(out) {}
  void Write(const Record& record) override {
    line_ = RecordToJson(record);
    line_.push_back('\n');
    out_.write(line_.data(), static_cast<std::streamsize>(line_.size()));
    CheckWritten(out_);
  }
  void Finish() override {
    out_.flush();
    CheckWritten(out_);
  }

 private:
  std::ostream& out_;
  std::string line_;
};

}  // namespace

void ForEachRecordField(const Record& r, const std::function<void(const RecordField&)>& visit) {
  auto field = [&](std::string_view key, std::string_view value) { visit(RecordField{key, value, false}); };
  auto flag = [&](std::string_view key, bool value) { visit(RecordField{key, value ? "true" : "false", true}); };
  field("source", r.source);
  field("recipient", r.recipient);
  field("original_recipient", r.original_recipient);
  field("action", r.action);
  field("status", r.status);
  field("reply_code", r.reply_code);
  field("reason", ReasonName(r.reason));
  flag("hard_bounce", r.hard_bounce);
  field("diagnostic", r.diagnostic);
  field("remote_mta", r.remote_mta);
  field("receiving_vendor", r.receiving_vendor);
  field("reporting_mta", r.reporting_mta);
  field("reporting_vendor", r.reporting_vendor);
  field("smtp_command", r.smtp_command);
  field("sender", r.sender);
  field("subject", r.subject);
  field("message_id", r.message_id);
  field("date", r.date);
  field("queue_id", r.queue_id);
  field("explanation", r.explanation);
  field("advice", r.advice);
  field("feedback_type", r.feedback_type);
  // The answers to "who acts, retry?, stop mailing?" as values for scripts.
  field("actor", ActorName(r.details.actor));
  field("retry", RetryName(r.details.retry));
  flag("suppress", r.details.suppress);
  field("evidence", r.details.evidence);
  field("blocklist", r.blocklist);
  field("bounce_message_id", r.bounce_message_id);
  field("bounce_date", r.bounce_date);
}

std::string RecordToJson(const Record& r) {
  std::string out;
  out.reserve(512 + r.diagnostic.size() + r.explanation.size() + r.advice.size());
  out.push_back('{');
  ForEachRecordField(r, [&](const RecordField& f) {
    if (out.size() > 1) out.push_back(',');
    AppendJsonString(f.key, &out);
    out.push_back(':');
    if (f.is_bool) {
      out.append(f.value);
    } else {
      AppendJsonString(f.value, &out);
    }
  });
  out.push_back('}');
  return out;
}

std::unique_ptr<RecordSink> MakeJsonLinesSink(std::ostream& out) {
  return std::make_unique<JsonLinesSink>(out);
}

}  // namespace ndr
