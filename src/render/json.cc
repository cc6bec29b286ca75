#include <ostream>

#include "ndr/render.h"

namespace ndr {
namespace {

// The keys of the record contract, in their order (README "The record"), and
// how each reads its value: one table for JSON, CSV and ForEachRecordField.
struct FieldSpec {
  std::string_view json_key;  // the key as JSON writes it, quoted, with its colon: "\"source\":"
  std::string_view (*value)(const Record&);
  bool is_bool;
  std::string_view key() const { return json_key.substr(1, json_key.size() - 3); }
};

template <std::string Record::*kMember>
std::string_view Text(const Record& r) {
  return r.*kMember;
}
std::string_view BoolText(bool value) { return value ? "true" : "false"; }

constexpr FieldSpec kFields[] = {
    {"\"source\":", Text<&Record::source>, false},
    {"\"recipient\":", Text<&Record::recipient>, false},
    {"\"original_recipient\":", Text<&Record::original_recipient>, false},
    {"\"action\":", Text<&Record::action>, false},
    {"\"status\":", Text<&Record::status>, false},
    {"\"reply_code\":", Text<&Record::reply_code>, false},
    {"\"reason\":", [](const Record& r) { return ReasonName(r.reason); }, false},
    {"\"hard_bounce\":", [](const Record& r) { return BoolText(r.hard_bounce); }, true},
    {"\"diagnostic\":", Text<&Record::diagnostic>, false},
    {"\"remote_mta\":", Text<&Record::remote_mta>, false},
    {"\"receiving_vendor\":", Text<&Record::receiving_vendor>, false},
    {"\"reporting_mta\":", Text<&Record::reporting_mta>, false},
    {"\"reporting_vendor\":", Text<&Record::reporting_vendor>, false},
    {"\"smtp_command\":", Text<&Record::smtp_command>, false},
    {"\"sender\":", Text<&Record::sender>, false},
    {"\"subject\":", Text<&Record::subject>, false},
    {"\"message_id\":", Text<&Record::message_id>, false},
    {"\"date\":", Text<&Record::date>, false},
    {"\"queue_id\":", Text<&Record::queue_id>, false},
    {"\"explanation\":", Text<&Record::explanation>, false},
    {"\"advice\":", Text<&Record::advice>, false},
    {"\"feedback_type\":", Text<&Record::feedback_type>, false},
    // The answers to "who acts, retry?, stop mailing?" as values for scripts.
    {"\"actor\":", [](const Record& r) { return ActorName(r.details.actor); }, false},
    {"\"retry\":", [](const Record& r) { return RetryName(r.details.retry); }, false},
    {"\"suppress\":", [](const Record& r) { return BoolText(r.details.suppress); }, true},
    {"\"evidence\":", [](const Record& r) -> std::string_view { return r.details.evidence; }, false},
    {"\"blocklist\":", Text<&Record::blocklist>, false},
    {"\"bounce_message_id\":", Text<&Record::bounce_message_id>, false},
    {"\"bounce_date\":", Text<&Record::bounce_date>, false},
};

// Room for a record's line, so that it is not copied while it grows: the
// keys and short values, and the long texts.
size_t SizeHint(const Record& r) {
  return 640 + r.diagnostic.size() + r.explanation.size() + r.advice.size() + r.details.evidence.size() +
         r.subject.size();
}

// Appends one JSON line (the object and its newline) to *out.
void AppendJsonLine(const Record& r, std::string* out) {
  out->push_back('{');
  for (const FieldSpec& f : kFields) {
    // Keys are plain identifiers (a test says so): no escaping needed.
    if (&f != kFields) out->push_back(',');
    out->append(f.json_key);
    if (f.is_bool) {
      out->append(f.value(r));
    } else {
      AppendJsonString(f.value(r), out);
    }
  }
  out->append("}\n");
}

class JsonLinesSink : public RecordSink {
 public:
  explicit JsonLinesSink(std::ostream& out) : out_(out) {}
  void Write(const Record& record) override {
    line_.clear();
    AppendJsonLine(record, &line_);
    WriteRendered(line_);
  }
  bool Render(const std::vector<Record>& records, std::string* out) const override {
    size_t room = out->size();
    for (const Record& r : records) room += SizeHint(r);
    out->reserve(room);
    for (const Record& r : records) AppendJsonLine(r, out);
    return true;
  }
  void WriteRendered(std::string_view bytes) override {
    out_.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
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
  for (const FieldSpec& f : kFields) visit(RecordField{f.key(), f.value(r), f.is_bool});
}

std::string RecordToJson(const Record& r) {
  std::string out;
  out.reserve(SizeHint(r));
  AppendJsonLine(r, &out);
  out.pop_back();  // the newline
  return out;
}

std::unique_ptr<RecordSink> MakeJsonLinesSink(std::ostream& out) {
  return std::make_unique<JsonLinesSink>(out);
}

}  // namespace ndr
