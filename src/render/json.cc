#include <array>
#include <cstring>
#include <memory>
#include <ostream>

#include "ndr/render.h"
#include "render/json_escape.h"

namespace ndr {
namespace {

// The keys of the record contract, in their order (README "The record"), and
// how each reads its value: one table for JSON, CSV and ForEachRecordField.
// What JSON writes before a value: the separator ('{' for the first key, ','
// for the others), the key quoted with its colon, and a string's opening
// quote: "{\"source\":\"", ",\"hard_bounce\":". Kept in a buffer of fixed
// size, so that it is copied with one fixed-size move (no memcpy call per
// field); the line's buffer has the room for the bytes beyond it.
struct Lead {
  static constexpr size_t kRoom = 32;
  char text[kRoom];
  size_t size;
  std::string_view view() const { return std::string_view(text, size); }
};
constexpr Lead MakeLead(std::string_view text) {
  Lead lead{};
  for (size_t i = 0; i < text.size() && i < Lead::kRoom; ++i) lead.text[i] = text[i];
  lead.size = text.size();
  return lead;
}

struct FieldSpec {
  Lead lead;
  std::string_view (*value)(const Record&);
  bool is_bool;
  std::string_view key() const { return lead.view().substr(2, lead.size - (is_bool ? 4 : 5)); }
};

template <std::string Record::*kMember>
std::string_view Text(const Record& r) {
  return r.*kMember;
}
std::string_view BoolText(bool value) { return value ? "true" : "false"; }

constexpr FieldSpec kFields[] = {
    {MakeLead("{\"source\":\""), Text<&Record::source>, false},
    {MakeLead(",\"recipient\":\""), Text<&Record::recipient>, false},
    {MakeLead(",\"original_recipient\":\""), Text<&Record::original_recipient>, false},
    {MakeLead(",\"action\":\""), Text<&Record::action>, false},
    {MakeLead(",\"status\":\""), Text<&Record::status>, false},
    {MakeLead(",\"reply_code\":\""), Text<&Record::reply_code>, false},
    {MakeLead(",\"reason\":\""), [](const Record& r) { return ReasonName(r.reason); }, false},
    {MakeLead(",\"hard_bounce\":"), [](const Record& r) { return BoolText(r.hard_bounce); }, true},
    {MakeLead(",\"diagnostic\":\""), Text<&Record::diagnostic>, false},
    {MakeLead(",\"remote_mta\":\""), Text<&Record::remote_mta>, false},
    {MakeLead(",\"receiving_vendor\":\""), Text<&Record::receiving_vendor>, false},
    {MakeLead(",\"reporting_mta\":\""), Text<&Record::reporting_mta>, false},
    {MakeLead(",\"reporting_vendor\":\""), Text<&Record::reporting_vendor>, false},
    {MakeLead(",\"smtp_command\":\""), Text<&Record::smtp_command>, false},
    {MakeLead(",\"sender\":\""), Text<&Record::sender>, false},
    {MakeLead(",\"subject\":\""), Text<&Record::subject>, false},
    {MakeLead(",\"message_id\":\""), Text<&Record::message_id>, false},
    {MakeLead(",\"date\":\""), Text<&Record::date>, false},
    {MakeLead(",\"queue_id\":\""), Text<&Record::queue_id>, false},
    {MakeLead(",\"explanation\":\""), Text<&Record::explanation>, false},
    {MakeLead(",\"advice\":\""), Text<&Record::advice>, false},
    {MakeLead(",\"feedback_type\":\""), Text<&Record::feedback_type>, false},
    // The answers to "who acts, retry?, stop mailing?" as values for scripts.
    {MakeLead(",\"actor\":\""), [](const Record& r) { return ActorName(r.details.actor); }, false},
    {MakeLead(",\"retry\":\""), [](const Record& r) { return RetryName(r.details.retry); }, false},
    {MakeLead(",\"suppress\":"), [](const Record& r) { return BoolText(r.details.suppress); }, true},
    {MakeLead(",\"evidence\":\""), [](const Record& r) -> std::string_view { return r.details.evidence; }, false},
    {MakeLead(",\"blocklist\":\""), Text<&Record::blocklist>, false},
    {MakeLead(",\"bounce_message_id\":\""), Text<&Record::bounce_message_id>, false},
    {MakeLead(",\"bounce_date\":\""), Text<&Record::bounce_date>, false},
};

constexpr size_t kFieldCount = sizeof kFields / sizeof kFields[0];
constexpr bool LeadsFit() {
  for (const FieldSpec& f : kFields) {
    if (f.lead.size > Lead::kRoom) return false;
  }
  return true;
}
static_assert(LeadsFit(), "a key too long for Lead::kRoom");

// A record's values, in kFields' order, read once for sizing and writing.
using FieldValues = std::array<std::string_view, kFieldCount>;
FieldValues ValuesOf(const Record& r) {
  FieldValues values;
  for (size_t i = 0; i < kFieldCount; ++i) values[i] = kFields[i].value(r);
  return values;
}

// The size of a record's line when each byte of a value takes `per_byte`
// bytes: 1 when nothing is escaped (the room to reserve), or
// kJsonEscapedPerByte (the most it can take).
size_t JsonLineSize(const FieldValues& values, size_t per_byte) {
  size_t size = 2;  // "}\n"
  for (size_t i = 0; i < kFieldCount; ++i) size += kFields[i].lead.size + 1 + per_byte * values[i].size();
  return size;
}

// Appends one JSON line (the object and its newline) to *out.
// The line is written to a buffer of its greatest size (on the stack unless
// the record is big), then appended: growing the string instead would fill
// every byte of that size first.
void AppendJsonLine(const Record& r, std::string* out) {
  char small[16384];
  std::unique_ptr<char[]> large;
  const FieldValues values = ValuesOf(r);
  // (Lead::kRoom more: a lead is copied whole, its bytes beyond its size too.)
  const size_t room = JsonLineSize(values, internal::kJsonEscapedPerByte) + Lead::kRoom;
  char* const start = room <= sizeof small ? small : (large.reset(new char[room]), large.get());
  char* p = start;
  for (size_t i = 0; i < kFieldCount; ++i) {
    const FieldSpec& f = kFields[i];
    // Keys are plain identifiers (a test says so): no escaping needed.
    std::memcpy(p, f.lead.text, Lead::kRoom);
    p += f.lead.size;
    const std::string_view value = values[i];
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
  out.reserve(JsonLineSize(ValuesOf(r), 1));
  AppendJsonLine(r, &out);
  out.pop_back();  // the newline
  return out;
}

std::unique_ptr<RecordSink> MakeJsonLinesSink(std::ostream& out) {
  return std::make_unique<JsonLinesSink>(out);
}

}  // namespace ndr
