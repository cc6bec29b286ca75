#include <ostream>

#include "ndr/render.h"

namespace ndr {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], 0 when invalid.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n;
  unsigned int min;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) { n = 2; min = 0x80; }
  else if ((c & 0xF0) == 0xE0) { n = 3; min = 0x800; }
  else if ((c & 0xF8) == 0xF0) { n = 4; min = 0x10000; }
  else return 0;
  if (i + n > s.size()) return 0;
  unsigned int cp = c & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

class JsonLinesSink : public RecordSink {
 public:
  explicit JsonLinesSink(std::ostream& out) : out_(out) {}
  void Write(const Record& record) override {
    line_ = RecordToJson(record);
    line_.push_back('\n');
    out_.write(line_.data(), static_cast<std::streamsize>(line_.size()));
  }
  void Finish() override { out_.flush(); }

 private:
  std::ostream& out_;
  std::string line_;
};

}  // namespace

void AppendJsonString(std::string_view text, std::string* out) {
  static const char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      size_t n = Utf8SequenceLength(text, i);
      if (n == 0) {
        out->append("\xEF\xBF\xBD");  // U+FFFD keeps every line valid JSON
        ++i;
      } else {
        out->append(text.data() + i, n);
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 0xF]);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out->push_back('"');
}

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
