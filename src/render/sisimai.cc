// --format sisimai: the JSON that Sisimai 4's `Sisimai->dump` writes, so that
// pipelines built on Sisimai read ndr's records unchanged. Field names and
// value forms follow Sisimai::Data (4.25): strings, but `timestamp` and
// `softbounce` numbers and `catch` null; `token` is Sisimai::String->token
// (SHA-1 of sender, recipient and timestamp).
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <ostream>

#include "ndr/render.h"

namespace ndr {
namespace {

// --- SHA-1 (FIPS 180-4), for Sisimai's token -------------------------------

uint32_t Rotl(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

std::string Sha1Hex(std::string_view data) {
  uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
  std::string msg(data);
  uint64_t bits = static_cast<uint64_t>(data.size()) * 8;
  msg.push_back(static_cast<char>(0x80));
  while (msg.size() % 64 != 56) msg.push_back('\0');
  for (int i = 7; i >= 0; --i) msg.push_back(static_cast<char>((bits >> (i * 8)) & 0xFF));
  for (size_t chunk = 0; chunk < msg.size(); chunk += 64) {
    uint32_t w[80];
    for (int i = 0; i < 16; ++i) {
      const unsigned char* p = reinterpret_cast<const unsigned char*>(msg.data() + chunk + i * 4);
      w[i] = (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
    }
    for (int i = 16; i < 80; ++i) w[i] = Rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 80; ++i) {
      uint32_t f, k;
      if (i < 20) { f = (b & c) | (~b & d); k = 0x5A827999; }
      else if (i < 40) { f = b ^ c ^ d; k = 0x6ED9EBA1; }
      else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8F1BBCDC; }
      else { f = b ^ c ^ d; k = 0xCA62C1D6; }
      uint32_t t = Rotl(a, 5) + f + e + k + w[i];
      e = d; d = c; c = Rotl(b, 30); b = a; a = t;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
  }
  char hex[41];
  for (int i = 0; i < 5; ++i) std::snprintf(hex + i * 8, 9, "%08x", h[i]);
  return std::string(hex, 40);
}

// --- Dates: RFC 5322 ("Tue, 07 Apr 2026 16:47:58 +0200") and ISO 8601 ("2026-04-07T16:47:58+02:00", a log's) ---

struct Moment {
  int64_t epoch = 0;           // seconds since 1970-01-01 UTC
  std::string offset = "+0000";  // the zone as Sisimai writes it
};

// Days from 1970-01-01 to a civil date (proleptic Gregorian).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = static_cast<unsigned>(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  void SkipSpace() { while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == ',')) ++i_; }
  bool Number(int min_digits, int max_digits, int* out) {
    int n = 0, v = 0;
    while (i_ < s_.size() && n < max_digits && isdigit(static_cast<unsigned char>(s_[i_]))) {
      v = v * 10 + (s_[i_++] - '0');
      ++n;
    }
    *out = v;
    return n >= min_digits;
  }
  bool Char(char c) {
    if (i_ < s_.size() && s_[i_] == c) { ++i_; return true; }
    return false;
  }
  std::string_view Word() {
    size_t start = i_;
    while (i_ < s_.size() && isalpha(static_cast<unsigned char>(s_[i_]))) ++i_;
    return s_.substr(start, i_ - start);
  }
  bool AtDigit() const { return i_ < s_.size() && isdigit(static_cast<unsigned char>(s_[i_])); }
  char Peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

bool SameWord(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (tolower(static_cast<unsigned char>(a[i])) != tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

// The zone after a time: "+0200", "-05:00", "Z", "GMT", RFC 5322's obsolete US names. Minutes east of UTC.
bool Zone(Scanner* in, int* minutes) {
  in->SkipSpace();
  char sign = in->Peek();
  if (sign == '+' || sign == '-') {
    in->Char(sign);
    int hh, mm = 0;
    if (!in->Number(2, 2, &hh)) return false;
    in->Char(':');
    in->Number(2, 2, &mm);
    *minutes = (sign == '-' ? -1 : 1) * (hh * 60 + mm);
    return true;
  }
  static const struct { const char* name; int hours; } kZones[] = {
      {"Z", 0}, {"UT", 0}, {"UTC", 0}, {"GMT", 0}, {"EST", -5}, {"EDT", -4},
      {"CST", -6}, {"CDT", -5}, {"MST", -7}, {"MDT", -6}, {"PST", -8}, {"PDT", -7}};
  std::string_view word = in->Word();
  for (const auto& z : kZones) {
    if (SameWord(word, z.name)) {
      *minutes = z.hours * 60;
      return true;
    }
  }
  *minutes = 0;  // no zone or an unknown name: UTC, as Sisimai reads it
  return true;
}

bool ParseDate(std::string_view text, Moment* out) {
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  Scanner in(text);
  in.SkipSpace();
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!in.AtDigit()) in.Word();  // the day of the week
  in.SkipSpace();
  int first;
  if (!in.Number(1, 4, &first)) return false;
  if (in.Char('-')) {  // ISO 8601: 2026-04-07T16:47:58
    year = first;
    if (!in.Number(2, 2, &month) || !in.Char('-') || !in.Number(2, 2, &day)) return false;
    if (!in.Char('T') && !in.Char(' ')) return false;
  } else {  // RFC 5322: 07 Apr 2026 16:47:58
    day = first;
    in.SkipSpace();
    std::string_view name = in.Word();
    for (int m = 0; m < 12; ++m) {
      if (SameWord(name, kMonths[m])) month = m + 1;
    }
    in.SkipSpace();
    int digits_year;
    if (month == 0 || !in.Number(2, 4, &digits_year)) return false;
    year = digits_year < 50 ? 2000 + digits_year : digits_year < 100 ? 1900 + digits_year : digits_year;
    in.SkipSpace();
  }
  if (!in.Number(1, 2, &hour) || !in.Char(':') || !in.Number(2, 2, &minute)) return false;
  if (in.Char(':')) in.Number(2, 2, &second);
  if (in.Char('.')) {
    int ignored;
    in.Number(1, 9, &ignored);
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return false;
  int zone = 0;
  Zone(&in, &zone);
  out->epoch = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
               hour * 3600 + minute * 60 + second - int64_t{zone} * 60;
  char offset[8];
  int z = zone < 0 ? -zone : zone;
  std::snprintf(offset, sizeof offset, "%c%02d%02d", zone < 0 ? '-' : '+', z / 60 % 100, z % 60);
  out->offset = offset;
  return true;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view DomainOf(std::string_view address) {
  size_t at = address.rfind('@');
  return at == std::string_view::npos ? std::string_view() : address.substr(at + 1);
}

std::string_view WithoutAngles(std::string_view id) {
  if (id.size() >= 2 && id.front() == '<' && id.back() == '>') return id.substr(1, id.size() - 2);
  return id;
}

// Sisimai: 1 soft, 0 hard, -1 when the record is no bounce (delivered, feedback, vacation).
int SoftBounce(const Record& r) {
  if (r.reason == Reason::kDelivered || r.reason == Reason::kFeedback || r.reason == Reason::kVacation) return -1;
  return r.hard_bounce ? 0 : 1;
}

// Sisimai->dump leaves out every record whose status is 2.x.x (and ndr's delivered ones).
bool IsDelivered(const Record& r) {
  return r.reason == Reason::kDelivered || r.action == "delivered" || r.status.compare(0, 2, "2.") == 0;
}

// Sisimai's fallback for the Diagnostic-Code type: X-UNIX for a local mailer error, none for
// complaints and auto-replies, SMTP otherwise.
std::string_view DiagnosticType(const Record& r) {
  if (r.reason == Reason::kMailerError) return "X-UNIX";
  if (r.reason == Reason::kFeedback || r.reason == Reason::kVacation) return "";
  return "SMTP";
}

// What Write adds for one record: ",\n" and its object, or nothing for a
// delivered one. WriteRendered turns the first ",\n" into the array's "[".
void AppendSisimaiItem(const Record& record, std::string* out) {
  if (IsDelivered(record)) return;
  out->append(",\n");
  out->append(RecordToSisimaiJson(record));
}

class SisimaiSink : public RecordSink {
 public:
  explicit SisimaiSink(std::ostream& out) : out_(out) {}
  void Write(const Record& record) override {
    text_.clear();
    AppendSisimaiItem(record, &text_);
    WriteRendered(text_);
  }
  bool Render(const std::vector<Record>& records, std::string* out) const override {
    for (const Record& r : records) AppendSisimaiItem(r, out);
    return true;
  }
  void WriteRendered(std::string_view items) override {
    if (items.empty()) return;
    if (!opened_) {
      items.remove_prefix(2);  // the first item's ",\n"
      out_.put('[');
      opened_ = true;
    }
    out_.write(items.data(), static_cast<std::streamsize>(items.size()));
    CheckWritten(out_);
  }
  void Finish() override {
    out_ << (opened_ ? "]\n" : "[]\n");
    out_.flush();
    CheckWritten(out_);
  }

 private:
  std::ostream& out_;
  std::string text_;
  bool opened_ = false;  // "[" is written
};

}  // namespace

std::string RecordToSisimaiJson(const Record& r) {
  Moment when;
  if (!ParseDate(r.date, &when)) ParseDate(r.bounce_date, &when);
  std::string alias = Lower(r.original_recipient) == Lower(r.recipient) ? std::string() : r.original_recipient;
  std::string token;
  if (!r.sender.empty() && !r.recipient.empty()) {
    token = Sha1Hex("\x02" + Lower(r.sender) + "\x1e" + Lower(r.recipient) + "\x1e" + std::to_string(when.epoch) +
                    "\x03");
  }
  std::string out = "{";
  auto text = [&](std::string_view key, std::string_view value) {
    if (out.size() > 1) out.push_back(',');
    AppendJsonString(key, &out);
    out.push_back(':');
    AppendJsonString(value, &out);
  };
  auto raw = [&](std::string_view key, std::string_view value) {
    out.push_back(',');
    AppendJsonString(key, &out);
    out.push_back(':');
    out.append(value);
  };
  // Sisimai::Data::damn's order.
  text("token", token);
  text("lhost", r.reporting_mta);
  text("rhost", r.remote_mta);
  text("listid", "");  // ndr does not read List-Id
  text("alias", alias);
  text("reason", ReasonName(r.reason));
  text("subject", r.subject);
  text("messageid", WithoutAngles(r.message_id));
  text("smtpagent", "");  // the name of a Sisimai parser module: ndr has none
  text("smtpcommand", r.smtp_command);
  text("destination", DomainOf(r.recipient));
  text("diagnosticcode", r.diagnostic);
  text("senderdomain", DomainOf(r.sender));
  text("deliverystatus", r.status);
  text("timezoneoffset", when.offset);
  text("feedbacktype", r.feedback_type);
  text("diagnostictype", DiagnosticType(r));
  text("action", r.action);
  text("replycode", r.reply_code);
  raw("catch", "null");
  raw("softbounce", std::to_string(SoftBounce(r)));
  text("origin", r.source);
  text("addresser", r.sender);
  text("recipient", r.recipient);
  raw("timestamp", std::to_string(when.epoch));
  out.push_back('}');
  return out;
}

std::unique_ptr<RecordSink> MakeSisimaiSink(std::ostream& out) { return std::make_unique<SisimaiSink>(out); }

}  // namespace ndr
