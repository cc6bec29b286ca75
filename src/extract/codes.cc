// Finding SMTP reply codes, enhanced status codes and the failed command in
// free text, without taking numbers from IP addresses, dates, times, ports,
// sizes or queue ids.
#include <re2/re2.h>

#include <cctype>
#include <vector>

#include "extract/extractor_impl.h"
#include "extract/text_util.h"

namespace ndr {
namespace internal {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// "ERROR_CODE :550" (Zoho), "code:550": a colon after the word "code" introduces a code.
bool AfterCodeLabel(std::string_view text, size_t colon) {
  std::string_view before = text.substr(0, colon);
  while (!before.empty() && before.back() == ' ') before.remove_suffix(1);
  return before.size() >= 4 && IStartsWith(before.substr(before.size() - 4), "code");
}

// A status "5.1.1" at [begin,end) is a code only if it is not part of a longer
// dotted number (an IP address such as 5.1.1.4 or 10.5.1.1, a version 2.5.1.3).
bool StatusBoundaryOk(std::string_view text, size_t begin, size_t end) {
  if (begin > 0) {
    char p = text[begin - 1];
    bool labelled = p == ':' && AfterCodeLabel(text, begin - 1);
    if (!labelled && (IsAlnum(p) || p == '.' || p == '-' || p == '/' || p == ':' || p == '_')) return false;
  }
  if (end < text.size()) {
    char n = text[end];
    if (IsAlnum(n) || n == '-' || n == '/' || n == '_') return false;
    if ((n == '.' || n == ':') && end + 1 < text.size() && IsDigit(text[end + 1])) return false;
  }
  return true;
}

// A reply code "550" at [begin,end) must stand alone: not inside a word, a
// dotted or colon-separated number (IP, time, port), a date, a path or a size.
bool ReplyBoundaryOk(std::string_view text, size_t begin, size_t end) {
  if (begin > 0) {
    char p = text[begin - 1];
    bool labelled = p == ':' && AfterCodeLabel(text, begin - 1);
    if (!labelled && (IsAlnum(p) || p == '.' || p == ':' || p == '/' || p == '-' || p == '+' || p == '=' ||
                      p == '_' || p == '@' || p == '$' || p == '%')) {
      return false;
    }
  }
  if (end < text.size()) {
    char n = text[end];
    if (n != ' ' && n != '-' && n != '\t' && n != '\n' && n != ')' && n != ']' && n != ',' &&
        n != ';' && n != '"' && n != '\'') {
      return false;
    }
    if (n == '-' && end + 1 < text.size() && IsDigit(text[end + 1]) &&
        !(end + 2 < text.size() && text[end + 2] == '.')) {
      return false;  // 550-1234 (a phone number, a range), but 550-5.1.1 is fine
    }
    // Sizes and counts: "552 bytes", "550 KB", "421 seconds".
    std::string_view after = Trim(text.substr(end, 12));
    for (std::string_view unit : {"bytes", "byte", "kb", "mb", "gb", "seconds", "sec", "ms", "minutes",
                                  "hours", "days", "messages", "recipients"}) {
      if (IStartsWith(after, unit)) return false;
    }
  }
  return true;
}

struct Candidate {
  size_t begin;
  size_t end;
};

std::vector<Candidate> FindAll(const RE2& re, std::string_view text) {
  std::vector<Candidate> out;
  re2::StringPiece input(text.data(), text.size());
  re2::StringPiece match;
  size_t offset = 0;
  while (offset < text.size() &&
         re.Match(input, offset, text.size(), RE2::UNANCHORED, &match, 1)) {
    size_t begin = static_cast<size_t>(match.data() - text.data());
    size_t end = begin + match.size();
    out.push_back({begin, end});
    offset = end > begin ? end : begin + 1;
    if (out.size() > 256) break;  // bounded work on hostile input
  }
  return out;
}

bool PrecededByKeyword(std::string_view text, size_t begin) {
  size_t from = begin > 40 ? begin - 40 : 0;
  std::string_view before = text.substr(from, begin - from);
  // Only blanks, quotes, '#', '(' or '<' may sit between the keyword and the code.
  size_t k = before.size();
  while (k > 0 && (before[k - 1] == ' ' || before[k - 1] == '\t' || before[k - 1] == '#' ||
                   before[k - 1] == '(' || before[k - 1] == '"' || before[k - 1] == '\'' ||
                   before[k - 1] == '<' || before[k - 1] == '\n')) {
    --k;
  }
  std::string_view head = before.substr(0, k);
  for (std::string_view kw : {"said:", "said", "reply:", "replied:", "error:", "response:", "returned",
                              "responded", "<<<", "smtp;", "x-postfix;", "reason:", "answer:", "message:",
                              "refused:", "]:", ">:", "code:", "error_code :", "status:", "diagnostic:",
                              "failed:", "rejected:", "dsn:"}) {
    if (head.size() >= kw.size() && IStartsWith(head.substr(head.size() - kw.size()), kw)) return true;
  }
  return false;
}

}  // namespace

SmtpCommand CommandFromWords(std::string_view words) {
  std::string w = ToLower(Trim(words));
  for (char& c : w) {
    if (c == '_') c = ' ';
  }
  if (w.find("end of data") != std::string::npos || w.find("end of message") != std::string::npos ||
      w == "." || w.find("sending message") != std::string::npos ||
      w.find("sending data") != std::string::npos || w.find("message body") != std::string::npos) {
    return SmtpCommand::kDataEnd;
  }
  if (w.rfind("rcpt", 0) == 0) return SmtpCommand::kRcpt;
  if (w.rfind("mail", 0) == 0) return SmtpCommand::kMail;
  if (w.rfind("data", 0) == 0) return SmtpCommand::kData;
  if (w.rfind("bdat", 0) == 0) return SmtpCommand::kBdat;
  if (w.rfind("ehlo", 0) == 0) return SmtpCommand::kEhlo;
  if (w.rfind("helo", 0) == 0) return SmtpCommand::kHelo;
  if (w.rfind("starttls", 0) == 0) return SmtpCommand::kStartTls;
  if (w.rfind("auth", 0) == 0) return SmtpCommand::kAuth;
  if (w.rfind("rset", 0) == 0) return SmtpCommand::kRset;
  if (w.rfind("quit", 0) == 0) return SmtpCommand::kQuit;
  if (w.rfind("vrfy", 0) == 0) return SmtpCommand::kVrfy;
  if (w.find("connect") != std::string::npos || w.find("greeting") != std::string::npos ||
      w.find("banner") != std::string::npos) {
    return SmtpCommand::kConnect;
  }
  return SmtpCommand::kUnknown;
}


ExtractorPatterns::ExtractorPatterns() {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(8 << 20);
  status = std::make_unique<RE2>("[245]\\.[0-9]{1,3}\\.[0-9]{1,3}", o);
  reply = std::make_unique<RE2>("[245][0-9][0-9]", o);
  RE2::Options ci = o;
  ci.set_case_sensitive(false);
  // Ordered: the first pattern that matches names the command.
  command_patterns.push_back(std::make_unique<RE2>(
      "in reply to (?:the )?(end of data|end of message|rcpt to|mail from|data|rcpt|mail|helo|ehlo|"
      "starttls|auth|bdat|rset|quit|vrfy)",
      ci));
  command_patterns.push_back(std::make_unique<RE2>(
      "(?:after|during|while sending|in response to|at) (?:the )?(end of data|rcpt to|mail from|"
      "data|initial connection|connect|helo|ehlo|starttls|auth|bdat|sending message body|sending data|"
      "smtp greeting|greeting|banner)",
      ci));
  command_patterns.push_back(std::make_unique<RE2>("\\[(rcpt_to|mail_from|data|connect)\\]", ci));
  command_patterns.push_back(std::make_unique<RE2>("failed on (data|rcpt|mail) command", ci));
  command_patterns.push_back(std::make_unique<RE2>("(?:connect(?:ion)? to|connecting to) \\S+.*(?:"
                                                   "timed out|refused|unreachable)",
                                                   ci));
  // Sendmail-style transcripts: the last ">>> CMD" line.
  transcript_command = std::make_unique<RE2>(">>> ?(rcpt|mail|data|ehlo|helo|starttls|auth|bdat|quit|\\.)", ci);
  address = std::make_unique<RE2>(
      "([\\p{L}\\p{N}!#$%&'*+/=?^_`{|}~-]+(?:\\.[\\p{L}\\p{N}!#$%&'*+/=?^_`{|}~-]+)*"
      "@[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]*[\\p{L}\\p{N}])?(?:\\.[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]*"
      "[\\p{L}\\p{N}])?)+)",
      o);
}

ExtractorPatterns::~ExtractorPatterns() = default;

CodesInText FindCodesIn(const ExtractorPatterns& p, std::string_view text) {
  CodesInText out;
  std::vector<Candidate> statuses;
  for (const Candidate& c : FindAll(*p.status, text)) {
    if (StatusBoundaryOk(text, c.begin, c.end)) statuses.push_back(c);
  }
  std::vector<Candidate> replies;
  for (const Candidate& c : FindAll(*p.reply, text)) {
    if (ReplyBoundaryOk(text, c.begin, c.end)) replies.push_back(c);
  }
  auto status_at = [&](size_t pos) -> const Candidate* {
    for (const Candidate& s : statuses) {
      if (s.begin == pos) return &s;
    }
    return nullptr;
  };
  const Candidate* chosen_reply = nullptr;
  const Candidate* chosen_status = nullptr;
  // 1. A reply code followed by a status code of the same class ("550 5.1.1", "550-5.1.1").
  for (const Candidate& r : replies) {
    if (r.end + 1 < text.size() && (text[r.end] == ' ' || text[r.end] == '-')) {
      const Candidate* s = status_at(r.end + 1);
      if (s != nullptr && text[s->begin] == text[r.begin]) {
        chosen_reply = &r;
        chosen_status = s;
        break;
      }
    }
  }
  // 2. A reply code at the very start, or 3. right after a keyword such as "said:".
  if (chosen_reply == nullptr) {
    for (const Candidate& r : replies) {
      size_t lead = 0;
      while (lead < r.begin && (text[lead] == ' ' || text[lead] == '#' || text[lead] == '(')) ++lead;
      if (lead == r.begin || PrecededByKeyword(text, r.begin)) {
        chosen_reply = &r;
        break;
      }
    }
  }
  // 4. Any free-standing 4xx/5xx code followed by words.
  if (chosen_reply == nullptr) {
    // "550 No such user", also "550 - Requested action not taken" (Apache James).
    for (const Candidate& r : replies) {
      size_t w = r.end;
      if (w < text.size() && text[w] == ' ' && w + 2 < text.size() && text[w + 1] == '-' && text[w + 2] == ' ') {
        w += 2;
      }
      if (text[r.begin] != '2' && w + 1 < text.size() && text[w] == ' ' &&
          std::isalpha(static_cast<unsigned char>(text[w + 1]))) {
        chosen_reply = &r;
        break;
      }
    }
  }
  if (chosen_status == nullptr) {
    for (const Candidate& s : statuses) {
      if (text[s.begin] != '2' || statuses.size() == 1) {
        chosen_status = &s;
        break;
      }
    }
  }
  if (chosen_reply != nullptr) {
    out.reply_code = (text[chosen_reply->begin] - '0') * 100 + (text[chosen_reply->begin + 1] - '0') * 10 +
                     (text[chosen_reply->begin + 2] - '0');
    out.code_start = chosen_reply->begin;
    out.text_start = chosen_reply->end;
  }
  if (chosen_status != nullptr) {
    EnhancedStatus::Parse(text.substr(chosen_status->begin, chosen_status->end - chosen_status->begin),
                          &out.status);
    if (chosen_reply == nullptr) out.code_start = chosen_status->begin;
    if (chosen_status->end > out.text_start) out.text_start = chosen_status->end;
  }
  while (out.text_start < text.size() && (text[out.text_start] == ' ' || text[out.text_start] == '-')) {
    ++out.text_start;
  }
  return out;
}

SmtpCommand FindCommandIn(const ExtractorPatterns& p, std::string_view text) {
  re2::StringPiece input(text.data(), text.size());
  for (size_t i = 0; i < p.command_patterns.size(); ++i) {
    const RE2& re = *p.command_patterns[i];
    if (re.NumberOfCapturingGroups() == 0) {
      if (RE2::PartialMatch(input, re)) return SmtpCommand::kConnect;
      continue;
    }
    std::string words;
    if (RE2::PartialMatch(input, re, &words)) {
      SmtpCommand c = CommandFromWords(words);
      if (c != SmtpCommand::kUnknown) return c;
    }
  }
  std::string words;
  std::string last;
  re2::StringPiece scan = input;
  while (RE2::FindAndConsume(&scan, *p.transcript_command, &words)) last = words;
  if (!last.empty()) {
    if (last == ".") return SmtpCommand::kDataEnd;
    return CommandFromWords(last);
  }
  return SmtpCommand::kUnknown;
}

std::string NormalizeReplyText(std::string_view raw) {
  std::string text = Squeeze(raw);
  // Leading "550-5.7.1 " or "550 5.7.1 " or "550-" of a multi-line reply.
  if (text.size() < 4 || !IsDigit(text[0]) || !IsDigit(text[1]) || !IsDigit(text[2]) ||
      (text[3] != '-' && text[3] != ' ')) {
    return text;
  }
  std::string code = text.substr(0, 3);
  std::string status;
  size_t pos = 4;
  size_t sp = text.find(' ', pos);
  std::string_view maybe_status = std::string_view(text).substr(pos, (sp == std::string::npos ? text.size() : sp) - pos);
  EnhancedStatus parsed;
  if (EnhancedStatus::Parse(maybe_status, &parsed)) status = std::string(maybe_status);
  std::string out = code + " " + (status.empty() ? "" : status + " ");
  size_t body_start = status.empty() ? 4 : 4 + status.size() + 1;
  std::string_view rest = body_start < text.size() ? std::string_view(text).substr(body_start) : "";
  // Drop the repeated "550-5.7.1 " / "550 5.7.1 " prefixes of continuation lines.
  size_t i = 0;
  while (i < rest.size()) {
    bool at_word = (i == 0 || rest[i - 1] == ' ');
    if (at_word && rest.compare(i, 3, code) == 0 && i + 3 < rest.size() &&
        (rest[i + 3] == '-' || rest[i + 3] == ' ')) {
      size_t j = i + 4;
      if (!status.empty() && rest.compare(j, status.size(), status) == 0 &&
          (j + status.size() == rest.size() || rest[j + status.size()] == ' ')) {
        j += status.size();
        if (j < rest.size() && rest[j] == ' ') ++j;
        i = j;
        continue;
      }
      if (rest[i + 3] == '-' || status.empty()) {
        i = j;
        continue;
      }
    }
    out.push_back(rest[i]);
    ++i;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace internal
}  // namespace ndr
