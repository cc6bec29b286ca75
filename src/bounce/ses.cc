#include "bounce/ses.h"

#include <cctype>
#include <string>
#include <utility>
#include <vector>

namespace ndr {
namespace internal {
namespace {

constexpr size_t kMaxJson = 1u << 20;
constexpr int kMaxDepth = 24;
constexpr size_t kMaxItems = 20000;

// A small JSON reader: enough for SES notifications, bounded in depth and size.
struct Json {
  enum Type { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type = kNull;
  std::string text;  // string value, or the number / true / false as written
  std::vector<Json> items;
  std::vector<std::pair<std::string, Json>> members;

  const Json* Get(std::string_view key) const {
    for (const auto& [k, v] : members) {
      if (k == key) return &v;
    }
    return nullptr;
  }
  std::string_view Str(std::string_view key) const {
    const Json* v = Get(key);
    return (v != nullptr && v->type == kString) ? std::string_view(v->text) : std::string_view();
  }
};

class JsonReader {
 public:
  explicit JsonReader(std::string_view s) : s_(s) {}
  bool Read(Json* out) {
    if (!Value(out, 0)) return false;
    return true;
  }

 private:
  void Blank() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  bool Value(Json* out, int depth) {
    if (depth > kMaxDepth || ++items_ > kMaxItems) return false;
    Blank();
    if (i_ >= s_.size()) return false;
    char c = s_[i_];
    if (c == '{') return Object(out, depth);
    if (c == '[') return Array(out, depth);
    if (c == '"') {
      out->type = Json::kString;
      return String(&out->text);
    }
    size_t start = i_;
    while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '-' ||
                              s_[i_] == '+' || s_[i_] == '.')) {
      ++i_;
    }
    if (i_ == start) return false;
    out->text = std::string(s_.substr(start, i_ - start));
    out->type = (out->text == "true" || out->text == "false") ? Json::kBool
                : out->text == "null"                         ? Json::kNull
                                                              : Json::kNumber;
    return true;
  }
  bool Object(Json* out, int depth) {
    out->type = Json::kObject;
    ++i_;
    Blank();
    if (i_ < s_.size() && s_[i_] == '}') {
      ++i_;
      return true;
    }
    while (i_ < s_.size()) {
      Blank();
      std::string key;
      if (i_ >= s_.size() || s_[i_] != '"' || !String(&key)) return false;
      Blank();
      if (i_ >= s_.size() || s_[i_] != ':') return false;
      ++i_;
      out->members.emplace_back(std::move(key), Json());
      if (!Value(&out->members.back().second, depth + 1)) return false;
      Blank();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < s_.size() && s_[i_] == '}') {
        ++i_;
        return true;
      }
      return false;
    }
    return false;
  }
  bool Array(Json* out, int depth) {
    out->type = Json::kArray;
    ++i_;
    Blank();
    if (i_ < s_.size() && s_[i_] == ']') {
      ++i_;
      return true;
    }
    while (i_ < s_.size()) {
      out->items.emplace_back();
      if (!Value(&out->items.back(), depth + 1)) return false;
      Blank();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < s_.size() && s_[i_] == ']') {
        ++i_;
        return true;
      }
      return false;
    }
    return false;
  }
  static void PutUtf8(unsigned cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  bool Hex4(unsigned* out) {
    if (i_ + 4 > s_.size()) return false;
    unsigned v = 0;
    for (int k = 0; k < 4; ++k) {
      char h = s_[i_ + k];
      v <<= 4;
      if (h >= '0' && h <= '9') v |= static_cast<unsigned>(h - '0');
      else if (h >= 'a' && h <= 'f') v |= static_cast<unsigned>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F') v |= static_cast<unsigned>(h - 'A' + 10);
      else return false;
    }
    i_ += 4;
    *out = v;
    return true;
  }
  bool String(std::string* out) {
    ++i_;  // the opening quote
    while (i_ < s_.size()) {
      char c = s_[i_++];
      if (c == '"') return true;
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (i_ >= s_.size()) return false;
      char e = s_[i_++];
      switch (e) {
        case 'n': out->push_back('\n'); break;
        case 't': out->push_back('\t'); break;
        case 'r': out->push_back('\r'); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'u': {
          unsigned cp;
          if (!Hex4(&cp)) return false;
          if (cp >= 0xD800 && cp < 0xDC00 && i_ + 6 <= s_.size() && s_[i_] == '\\' && s_[i_ + 1] == 'u') {
            i_ += 2;
            unsigned low;
            if (!Hex4(&low)) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          PutUtf8(cp, out);
          break;
        }
        default: out->push_back(e); break;  // \" \\ \/
      }
    }
    return false;
  }

  std::string_view s_;
  size_t i_ = 0;
  size_t items_ = 0;
};

bool Parse(std::string_view text, Json* out) {
  if (text.size() > kMaxJson) return false;
  JsonReader reader(text);
  return reader.Read(out) && out->type == Json::kObject;
}

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
  const Json* headers = mail.Get("headers");
  if (headers != nullptr && headers->type == Json::kArray) {
    size_t n = 0;
    for (const Json& h : headers->items) {
      if (++n > 200) break;
      std::string_view name = h.Str("name");
      if (!name.empty()) out->original_headers.Add(std::string(name), std::string(h.Str("value")));
    }
  }
  if (out->original_headers.empty()) {
    const Json* common = mail.Get("commonHeaders");
    if (common != nullptr && !common->Str("subject").empty()) {
      out->original_headers.Add("Subject", std::string(common->Str("subject")));
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

bool ReadSesNotification(std::string_view text, BounceParts* out) {
  size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || text[start] != '{') return false;
  if (text.find("notificationType") == std::string_view::npos) return false;
  std::string unfolded = Unfold(text.substr(start, std::min(text.size() - start, kMaxJson)));
  // The object ends at its matching brace; trailing text (an unsubscribe footer) is ignored.
  Json root;
  {
    JsonReader reader(unfolded);
    if (!reader.Read(&root) || root.type != Json::kObject) return false;
  }
  // An SNS envelope carries the notification as a JSON string in "Message".
  if (root.Get("notificationType") == nullptr) {
    std::string_view message = root.Str("Message");
    Json inner;
    if (message.empty() || !Parse(message, &inner)) return false;
    root = std::move(inner);
  }
  std::string_view type = root.Str("notificationType");
  if (type.empty()) type = root.Str("eventType");  // SES event publishing
  const Json* mail = root.Get("mail");
  if (mail != nullptr) AddOriginalHeaders(*mail, out);

  if (type == "Bounce") {
    const Json* bounce = root.Get("bounce");
    const Json* list = bounce != nullptr ? bounce->Get("bouncedRecipients") : nullptr;
    if (list == nullptr || list->type != Json::kArray) return false;
    std::string_view mta = bounce->Str("reportingMTA");
    if (!mta.empty()) out->per_message.Add("Reporting-MTA", std::string(mta));
    std::string bounce_type = std::string(bounce->Str("bounceType"));
    std::string_view sub_type = bounce->Str("bounceSubType");
    if (!sub_type.empty()) bounce_type += "; " + std::string(sub_type);
    for (const Json& r : list->items) {
      if (out->per_recipient.size() >= 1000) break;
      std::string_view address = r.Str("emailAddress");
      if (address.empty()) continue;
      Headers group;
      group.Add("Final-Recipient", "rfc822; " + std::string(address));
      if (!r.Str("action").empty()) group.Add("Action", std::string(r.Str("action")));
      if (!r.Str("status").empty()) group.Add("Status", std::string(r.Str("status")));
      if (!r.Str("diagnosticCode").empty()) group.Add("Diagnostic-Code", std::string(r.Str("diagnosticCode")));
      if (!bounce_type.empty()) group.Add("X-SES-Bounce-Type", bounce_type);
      out->per_recipient.push_back(std::move(group));
    }
    if (out->per_recipient.empty()) return false;
    out->kind = BounceKind::kDeliveryReport;
    return true;
  }
  if (type == "Delivery") {
    const Json* delivery = root.Get("delivery");
    const Json* list = delivery != nullptr ? delivery->Get("recipients") : nullptr;
    if (list == nullptr || list->type != Json::kArray) return false;
    std::string_view mta = delivery->Str("reportingMTA");
    if (!mta.empty()) out->per_message.Add("Reporting-MTA", "dns; " + std::string(mta));
    std::string_view response = delivery->Str("smtpResponse");
    std::string status = StatusOfResponse(response);
    for (const Json& r : list->items) {
      if (r.type != Json::kString || r.text.empty() || out->per_recipient.size() >= 1000) continue;
      Headers group;
      group.Add("Final-Recipient", "rfc822; " + r.text);
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
    const Json* complaint = root.Get("complaint");
    const Json* list = complaint != nullptr ? complaint->Get("complainedRecipients") : nullptr;
    if (list == nullptr || list->type != Json::kArray) return false;
    std::string_view feedback_type = complaint->Str("complaintFeedbackType");
    if (!feedback_type.empty()) out->feedback.Add("Feedback-Type", std::string(feedback_type));
    if (!complaint->Str("userAgent").empty()) {
      out->feedback.Add("User-Agent", std::string(complaint->Str("userAgent")));
    }
    size_t n = 0;
    for (const Json& r : list->items) {
      if (++n > 1000) break;
      if (!r.Str("emailAddress").empty()) {
        out->feedback.Add("Original-Rcpt-To", std::string(r.Str("emailAddress")));
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
