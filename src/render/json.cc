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

void AppendField(std::string_view key, std::string_view value, bool first, std::string* out) {
  if (!first) out->push_back(',');
  AppendJsonString(key, out);
  out->push_back(':');
  AppendJsonString(value, out);
}

void AppendBool(std::string_view key, bool value, std::string* out) {
  out->push_back(',');
  AppendJsonString(key, out);
  out->append(value ? ":true" : ":false");
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

std::string RecordToJson(const Record& r) {
  std::string out;
  out.reserve(512 + r.diagnostic.size() + r.explanation.size() + r.advice.size());
  out.push_back('{');
  AppendField("source", r.source, true, &out);
  AppendField("recipient", r.recipient, false, &out);
  AppendField("original_recipient", r.original_recipient, false, &out);
  AppendField("action", r.action, false, &out);
  AppendField("status", r.status, false, &out);
  AppendField("reply_code", r.reply_code, false, &out);
  AppendField("reason", ReasonName(r.reason), false, &out);
  AppendBool("hard_bounce", r.hard_bounce, &out);
  AppendField("diagnostic", r.diagnostic, false, &out);
  AppendField("remote_mta", r.remote_mta, false, &out);
  AppendField("receiving_vendor", r.receiving_vendor, false, &out);
  AppendField("reporting_mta", r.reporting_mta, false, &out);
  AppendField("reporting_vendor", r.reporting_vendor, false, &out);
  AppendField("smtp_command", r.smtp_command, false, &out);
  AppendField("sender", r.sender, false, &out);
  AppendField("subject", r.subject, false, &out);
  AppendField("message_id", r.message_id, false, &out);
  AppendField("date", r.date, false, &out);
  AppendField("queue_id", r.queue_id, false, &out);
  AppendField("explanation", r.explanation, false, &out);
  AppendField("advice", r.advice, false, &out);
  AppendField("feedback_type", r.feedback_type, false, &out);
  // The answers to "who acts, retry?, stop mailing?" as values for scripts.
  AppendField("actor", ActorName(r.details.actor), false, &out);
  AppendField("retry", RetryName(r.details.retry), false, &out);
  AppendBool("suppress", r.details.suppress, &out);
  AppendField("evidence", r.details.evidence, false, &out);
  AppendField("blocklist", r.blocklist, false, &out);
  AppendField("bounce_message_id", r.bounce_message_id, false, &out);
  AppendField("bounce_date", r.bounce_date, false, &out);
  out.push_back('}');
  return out;
}

std::unique_ptr<RecordSink> MakeJsonLinesSink(std::ostream& out) {
  return std::make_unique<JsonLinesSink>(out);
}

}  // namespace ndr
