#include <cstring>
#include <memory>
#include <ostream>

#include "ndr/render.h"
#include "render/json_escape.h"

namespace ndr {
namespace {

// The keys of the record contract, in their order (README "The record"), and
// how each reads its value: one table for JSON, CSV and ForEachRecordField.
struct FieldSpec {
  // What JSON writes before the value: the separator ('{' for the first key,
  // ',' for the others), the key quoted with its colon, and a string's
  // opening quote: "{\"source\":\"", ",\"hard_bounce\":".
  std::string_view lead;
  std::string_view (*value)(const Record&);
  bool is_bool;
  std::string_view key() const { return lead.substr(2, lead.size() - (is_bool ? 4 : 5)); }
};

template <std::string Record::*kMember>
std::string_view Text(const Record& r) {
  return r.*kMember;
}
std::string_view BoolText(bool value) { return value ? "true" : "false"; }

constexpr FieldSpec kFields[] = {
    {"{\"source\":\"", Text<&Record::source>, false},
    {",\"recipient\":\"", Text<&Record::recipient>, false},
    {",\"original_recipient\":\"", Text<&Record::original_recipient>, false},
    {",\"action\":\"", Text<&Record::action>, false},
    {",\"status\":\"", Text<&Record::status>, false},
    {",\"reply_code\":\"", Text<&Record::reply_code>, false},
    {",\"reason\":\"", [](const Record& r) { return ReasonName(r.reason); }, false},
    {",\"hard_bounce\":", [](const Record& r) { return BoolText(r.hard_bounce); }, true},
    {",\"diagnostic\":\"", Text<&Record::diagnostic>, false},
    {",\"remote_mta\":\"", Text<&Record::remote_mta>, false},
    {",\"receiving_vendor\":\"", Text<&Record::receiving_vendor>, false},
    {",\"reporting_mta\":\"", Text<&Record::reporting_mta>, false},
    {",\"reporting_vendor\":\"", Text<&Record::reporting_vendor>, false},
    {",\"smtp_command\":\"", Text<&Record::smtp_command>, false},
    {",\"sender\":\"", Text<&Record::sender>, false},
    {",\"subject\":\"", Text<&Record::subject>, false},
    {",\"message_id\":\"", Text<&Record::message_id>, false},
    {",\"date\":\"", Text<&Record::date>, false},
    {",\"queue_id\":\"", Text<&Record::queue_id>, false},
    {",\"explanation\":\"", Text<&Record::explanation>, false},
    {",\"advice\":\"", Text<&Record::advice>, false},
    {",\"feedback_type\":\"", Text<&Record::feedback_type>, false},
    // The answers to "who acts, retry?, stop mailing?" as values for scripts.
    {",\"actor\":\"", [](const Record& r) { return ActorName(r.details.actor); }, false},
    {",\"retry\":\"", [](const Record& r) { return RetryName(r.details.retry); }, false},
    {",\"suppress\":", [](const Record& r) { return BoolText(r.details.suppress); }, true},
    {",\"evidence\":\"", [](const Record& r) -> std::string_view { return r.details.evidence; }, false},
    {",\"blocklist\":\"", Text<&Record::blocklist>, false},
    {",\"bounce_message_id\":\"", Text<&Record::bounce_message_id>, false},
    {",\"bounce_date\":\"", Text<&Record::bounce_date>, false},
};

// The size of a record's line when each byte of a value takes `per_byte`
// bytes: 1 when nothing is escaped (the room to reserve), or
// kJsonEscapedPerByte (the most it can take).
size_t JsonLineSize(const Record& r, size_t per_byte) {
  size_t size = 2;  // "}\n"
  for (const FieldSpec& f : kFields) size += f.lead.size() + 1 + per_byte * f.value(r).size();
  return size;
}

// Appends one JSON line (the object and its newline) to *out.
// The line is written to a buffer of its greatest size (on the stack unless
// the record is big), then appended: growing the string instead would fill
// every byte of that size first.
void AppendJsonLine(const Record& r, std::string* out) {
  char small[16384];
  std::unique_ptr<char[]> large;
  const size_t room = JsonLineSize(r, internal::kJsonEscapedPerByte);
  char* const start = room <= sizeof small ? small : (large.reset(new char[room]), large.get());
  char* p = start;
  for (const FieldSpec& f : kFields) {
    // Keys are plain identifiers (a test says so): no escaping needed.
    std::memcpy(p, f.lead.data(), f.lead.size());
    p += f.lead.size();
    std::string_view value = f.value(r);
    if (f.is_bool) {
      std::memcpy(p, value.data(), value.size());
      p += value.size();
    } else {
      p = internal::WriteJsonEscaped(value, p);
      *p++ = '"';
    }
  }
  *p++ = '}';
  *p++ = '\n';
  out->append(start, static_cast<size_t>(p - start));
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
    // Each line is appended in one go: no pass over the values to count first.
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
  out.reserve(JsonLineSize(r, 1));
  AppendJsonLine(r, &out);
  out.pop_back();  // the newline
  return out;
}

std::unique_ptr<RecordSink> MakeJsonLinesSink(std::ostream& out) {
  return std::make_unique<JsonLinesSink>(out);
}

}  // namespace ndr
