#include "ndr/bounce.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <utility>

#include "bounce/markers.h"
#include "core/strings.h"
#include "bounce/esp_events.h"
#include "bounce/ses.h"
#include "mime/pasted_text.h"

namespace ndr {
namespace {

using internal::BounceMarkers;
using internal::IEquals;
using internal::IsBlank;
using internal::MarkerKind;


// A yes/no piece of evidence, searched for on first use only.
template <typename Compute>
class LazyFlag {
 public:
  explicit LazyFlag(Compute compute) : compute_(std::move(compute)) {}
  bool operator()() {
    if (!known_) {
      value_ = compute_();
      known_ = true;
    }
    return value_;
  }

 private:
  Compute compute_;
  bool known_ = false;
  bool value_ = false;
};

bool IsDsnType(std::string_view type) {
  return type == "message/delivery-status" || type == "message/global-delivery-status";
}

bool IsHeadersType(std::string_view type) {
  return type == "text/rfc822-headers" || type == "message/global-headers" ||
         type == "message/rfc822-headers";
}

bool IsMessageType(std::string_view type) {
  return type == "message/rfc822" || type == "message/global";
}

bool StartsRecipient(std::string_view name) {
  return IEquals(name, "Final-Recipient") || IEquals(name, "Original-Recipient");
}

// Whether `group` is one recipient's fields just as SplitDsnGroups would
// regroup them (RFC 3464's form: a recipient field first, no field that
// opens a second recipient): then the group is taken whole, not copied.
bool IsOneRecipient(const Headers& group) {
  const std::vector<HeaderField>& f = group.fields();
  if (f.empty() || !StartsRecipient(f[0].name)) return false;
  bool details = false;
  for (size_t i = 1; i < f.size(); ++i) {
    if (StartsRecipient(f[i].name)) {
      if (details) return false;
      for (size_t k = 0; k < i; ++k) {
        if (IEquals(f[k].name, f[i].name)) return false;
      }
    } else if (IEquals(f[i].name, "Action") || IEquals(f[i].name, "Status")) {
      details = true;
    }
  }
  return true;
}

bool HasRecipientField(const Headers& group) {
  for (const HeaderField& f : group.fields()) {
    if (StartsRecipient(f.name)) return true;
  }
  return false;
}

// RFC 3464 says the first group is per-message and each later group is one
// recipient; real reports break both rules (no per-message group, recipients
// not separated). Regroup by field name instead of by blank line. False when
// recipients beyond max_recipients were left out. The groups are used up.
bool SplitDsnGroups(std::vector<Headers>* groups, BounceParts* out, size_t max_recipients) {
  out->per_recipient.reserve(out->per_recipient.size() + std::min(groups->size(), max_recipients));
  for (Headers& group : *groups) {
    // The usual forms move whole (what the loop below would build, field by field).
    if (IsOneRecipient(group)) {
      if (out->per_recipient.size() >= max_recipients) return false;
      out->per_recipient.push_back(std::move(group));
      continue;
    }
    if (out->per_message.empty() && !HasRecipientField(group)) {
      out->per_message = std::move(group);
      continue;
    }
    Headers* current = nullptr;
    bool current_has_details = false;  // a non-recipient field came after its recipient field
    // Some reporters (Oracle Messaging Server) write "Action:" and "Status:"
    // before the recipient fields of the same group: those belong to it.
    size_t first_recipient = group.size();
    for (size_t i = 0; i < group.fields().size(); ++i) {
      if (StartsRecipient(group.fields()[i].name)) {
        first_recipient = i;
        break;
      }
    }
    bool leading_is_recipient = false;
    if (first_recipient < group.size()) {
      for (size_t i = 0; i < first_recipient; ++i) {
        std::string_view name = group.fields()[i].name;
        if (IEquals(name, "Action") || IEquals(name, "Status")) leading_is_recipient = true;
      }
    }
    std::vector<const HeaderField*> pending;
    for (size_t i = 0; i < group.fields().size(); ++i) {
      const HeaderField& f = group.fields()[i];
      if (leading_is_recipient && i < first_recipient) {
        pending.push_back(&f);
        continue;
      }
      if (StartsRecipient(f.name)) {
        // A recipient field opens a new recipient unless it completes the
        // current one (Final- and Original- come in either order, before
        // Action and Status).
        bool opens = current == nullptr || current->Has(f.name) || current_has_details;
        if (opens) {
          if (out->per_recipient.size() >= max_recipients) return false;
          out->per_recipient.emplace_back();
          current = &out->per_recipient.back();
          current_has_details = false;
          for (const HeaderField* p : pending) current->Add(p->name, p->value);
          pending.clear();
        }
        current->Add(f.name, f.value);
      } else if (current != nullptr) {
        current->Add(f.name, f.value);
        if (IEquals(f.name, "Action") || IEquals(f.name, "Status")) current_has_details = true;
      } else {
        out->per_message.Add(f.name, f.value);
      }
    }
  }
  return true;
}

// Reads the groups of a message/delivery-status text into *out within the
// limits, and says on out->problems what was left out.
void ReadDsnFields(std::string_view text, const Limits& limits, BounceParts* out) {
  HeaderCuts cuts;
  // One group per recipient and the per-message group; one more shows that
  // there were more than the limit.
  std::vector<Headers> groups = ParseFieldGroups(text, limits.max_recipients + 2, limits, &cuts);
  if (!SplitDsnGroups(&groups, out, limits.max_recipients)) {
    out->problems.push_back({ProblemKind::kLimit, RecipientLimitProblem(limits.max_recipients)});
  }
  if (cuts.any()) out->problems.push_back({ProblemKind::kLimit, DescribeHeaderCuts(cuts, limits, "a delivery-status group")});
}


// Lines of `text` as [begin, end) offsets, without the newline; bounded.
template <typename F>
void ForEachLine(std::string_view text, F f) {
  size_t pos = 0;
  size_t n = 0;
  while (pos < text.size() && n++ < 20000) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    if (!f(pos, end)) return;
    pos = end + 1;
  }
}

// The field name of a "Name: value" line at column 0, "" when it is not one.
// (ASCII letters and digits: the C locale's isalpha and isalnum, without a call per byte.)
std::string_view FieldName(std::string_view line) {
  auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (line.empty() || !letter(line[0])) return {};
  size_t i = 1;
  while (i < line.size() && i < 40 &&
         (letter(line[i]) || (line[i] >= '0' && line[i] <= '9') || line[i] == '-' || line[i] == '_')) {
    ++i;
  }
  if (i >= line.size() || line[i] != ':') return {};
  return line.substr(0, i);
}

// A returned original quoted without any marker line: a block of message
// header fields at column 0, after a blank line, with at least three known
// fields and one trace field (Received, Return-Path, Message-ID).
// Summaries that reports indent ("  To: a@b") never count.
size_t FindQuotedHeaderBlock(std::string_view text, const BounceMarkers& markers, bool need_trace = true) {
  auto is_message_header = [&](std::string_view name) { return markers.Matches(MarkerKind::kMessageHeader, name); };
  auto is_trace_header = [&](std::string_view name) { return markers.Matches(MarkerKind::kTraceHeader, name); };
  size_t found = std::string_view::npos;
  size_t run_start = std::string_view::npos;
  int known = 0;
  bool trace = false;
  bool previous_blank = true;
  ForEachLine(text, [&](size_t b, size_t e) {
    std::string_view line = text.substr(b, e - b);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    // (all_of stops at the first other byte; find_first_not_of looked each byte up in the set)
    bool blank = std::all_of(line.begin(), line.end(), [](char c) { return IsBlank(c); });
    std::string_view name = FieldName(line);
    if (run_start != std::string_view::npos) {
      if (!name.empty()) {
        if (is_message_header(name)) ++known;
        trace = trace || is_trace_header(name);
      } else if (blank || (line[0] != ' ' && line[0] != '\t')) {
        run_start = std::string_view::npos;  // the run ended without qualifying
      }
      if (run_start != std::string_view::npos && known >= 3 && (trace || !need_trace)) {
        found = run_start;
        return false;
      }
    }
    if (run_start == std::string_view::npos && previous_blank && !name.empty()) {
      run_start = b;
      known = is_message_header(name) ? 1 : 0;
      trace = is_trace_header(name);
    }
    // A rule of dashes or equals signs also separates the report from the copy.
    previous_blank = blank || std::all_of(line.begin(), line.end(), [](char c) {
                       return IsBlank(c) || c == '-' || c == '=' || c == '_' || c == '*';
                     });
    return true;
  });
  return found;
}

// DSN fields written into a plain-text body (no MIME structure, or a text
// part): the offset of the first column-0 DSN field of the block that holds a
// Final-Recipient or Original-Recipient line, npos when there is none.
size_t FindInlineDsn(std::string_view text) {
  size_t candidate = std::string_view::npos;  // start of a run of DSN-looking blocks
  size_t found = std::string_view::npos;
  bool block_start = true;  // the next non-blank line opens a block
  ForEachLine(text, [&](size_t b, size_t e) {
    std::string_view line = text.substr(b, e - b);
    if (std::all_of(line.begin(), line.end(), [](char c) { return IsBlank(c) || c == '\r'; })) {
      block_start = true;
      return true;
    }
    std::string_view name = FieldName(line);
    if (block_start) {
      block_start = false;
      bool dsn_field = false;
      // Any field of RFC 3464 may open a block: a per-recipient block's
      // fields come in any order ("Diagnostic-Code:" first, as some write).
      for (std::string_view f : {"reporting-mta", "original-envelope-id", "arrival-date", "received-from-mta",
                                 "dsn-gateway", "final-recipient", "original-recipient", "action", "status",
                                 "remote-mta", "diagnostic-code", "last-attempt-date", "final-log-id",
                                 "will-retry-until"}) {
        if (IEquals(name, f)) dsn_field = true;
      }
      if (!dsn_field) {
        candidate = std::string_view::npos;
        return true;
      }
      if (candidate == std::string_view::npos) candidate = b;
    }
    if (candidate != std::string_view::npos && StartsRecipient(name)) {
      found = candidate;
      return false;
    }
    return true;
  });
  return found;
}

void AppendText(std::string_view text, std::string* out) {
  if (text.empty()) return;
  if (!out->empty() && out->back() != '\n') out->push_back('\n');
  out->append(text);
}

// An out-of-office reply (RFC 3834): a header that says so, or an auto-reply
// Subject with a sign that a program, not a person, sent it (Auto-Submitted,
// the null return path, Exchange's inbox-rule headers).
bool LooksLikeAutoReply(const Message& m, const BounceMarkers& markers) {
  if (markers.MatchesHeader(m.headers(), MarkerKind::kAutoReplyHeader)) return true;
  return markers.Matches(MarkerKind::kAutoReplySubject, m.headers().Get("Subject")) &&
         markers.MatchesHeader(m.headers(), MarkerKind::kAutoReplySign);
}

// Lines quoted with '>' are someone else's words: a person answering a bounce
// quotes it, a person forwarding one ("Fwd:") passes the report on. Returns
// `text` without the quoted lines, or (`forward`) with their '>' marks removed;
// `text` itself when nothing is quoted.
std::string_view QuotedLinesHandled(std::string_view text, bool forward, std::string* storage) {
  bool quoted = (!text.empty() && text[0] == '>') || text.find("\n>") != std::string_view::npos;
  if (!quoted) return text;
  storage->clear();
  ForEachLine(text, [&](size_t b, size_t e) {
    std::string_view line = text.substr(b, e - b);
    if (!line.empty() && line[0] == '>') {
      if (!forward) return true;
      while (!line.empty() && line[0] == '>') {
        line.remove_prefix(1);
        if (!line.empty() && line[0] == ' ') line.remove_prefix(1);
      }
    }
    storage->append(line).push_back('\n');
    return true;
  });
  return *storage;
}

}  // namespace

std::string_view BounceKindName(BounceKind kind) {
  switch (kind) {
    case BounceKind::kNotBounce: return "not-bounce";
    case BounceKind::kDeliveryReport: return "delivery-report";
    case BounceKind::kPlainText: return "plain-text";
    case BounceKind::kFeedbackReport: return "feedback-report";
    case BounceKind::kAutoReply: return "auto-reply";
  }
  return "not-bounce";
}

namespace {

bool IsReportType(std::string_view type) { return IsDsnType(type) || type == "message/feedback-report"; }

// Whether `text` opens with a JSON object ('{' after blanks and line ends),
// as ReadSesNotification requires.
bool OpensJsonObject(std::string_view text) {
  const size_t start = text.find_first_not_of(" \t\r\n");
  return start != std::string_view::npos && text[start] == '{';
}

// Whether a body part's own header block is a mail message's (a From, and
// the Received or Message-ID a message carries) rather than the MIME fields
// a body part has: a returned original that lost its message/rfc822 wrapper.
bool IsReturnedMessageHeaders(const Headers& h) {
  return h.Has("From") && (h.Has("Received") || h.Has("Message-ID"));
}

// The message attached at parts[at] (a message/rfc822 part) as a Message of
// its own: the parts below it, one level up, with "inside a returned
// original" recomputed for the attached message's own attachments.
Message AttachedMessage(const Message& message, size_t at) {
  Message inner;
  const int depth = message.parts[at].depth;
  int attached_below = -1;  // depth of the open attached message inside `inner`, -1 when none
  for (size_t j = at + 1; j < message.parts.size() && message.parts[j].depth > depth; ++j) {
    Part part = message.parts[j];
    part.depth -= depth + 1;
    if (attached_below >= 0 && part.depth <= attached_below) attached_below = -1;
    part.in_attached_message = attached_below >= 0;
    if (!part.in_attached_message && IsMessageType(part.content_type)) attached_below = part.depth;
    inner.parts.push_back(std::move(part));
  }
  inner.problems = message.problems;
  return inner;
}

// Whether the message's own header (X-Failed-Recipients) or its text above
// parts[attached] (its first attached message) holds an address.
bool NamesAnAddressAbove(const Message& message, size_t attached) {
  if (message.headers().Has("X-Failed-Recipients")) return true;
  for (size_t i = 0; i < attached; ++i) {
    const Part& part = message.parts[i];
    if (!part.in_attached_message && part.body.find('@') != std::string::npos) return true;
  }
  return false;
}

}  // namespace

bool FindAttachedReport(const Message& message, const BounceMarkers& markers, const Limits& limits,
                        Message* report) {
  if (message.pasted) return false;
  // The structure first (no pattern runs): most reports have a report part
  // of their own, and most mail attaches no message.
  size_t attached = message.parts.size();
  for (size_t i = 0; i < message.parts.size(); ++i) {
    const Part& part = message.parts[i];
    if (part.in_attached_message) continue;
    if (IsReportType(part.content_type)) return false;  // a report of its own
    if (IsMessageType(part.content_type) && attached == message.parts.size()) attached = i;
  }
  if (attached == message.parts.size()) return false;
  // A mail system's report that returns the original: not a person's forward,
  // and the report is its own (a bounce of a bounce names the address that
  // failed). Unless it names no address at all and what it returns is a
  // delivery report: a gateway passing on the report of the server behind it
  // ("The following addresses had permanent delivery errors" over an empty
  // list), whose recipients only that report names.
  const bool from_mail_system = markers.Matches(MarkerKind::kFrom, message.headers().Get("From"));
  if (from_mail_system && NamesAnAddressAbove(message, attached)) return false;
  Message inner = AttachedMessage(message, attached);
  if (inner.parts.empty()) return false;
  bool has_report_part = false;
  for (const Part& part : inner.parts) {
    if (!part.in_attached_message && IsReportType(part.content_type)) has_report_part = true;
  }
  if (from_mail_system) {
    if (!has_report_part) return false;
    *report = std::move(inner);
    return true;
  }
  bool is_report = has_report_part || markers.Matches(MarkerKind::kFrom, inner.headers().Get("From")) ||
                   markers.Matches(MarkerKind::kSubject, inner.headers().Get("Subject"));
  // A message from postmaster returned by a report that a mail system sent
  // under an unknown From: the outer text speaks as a report ("This is the
  // qmail-send program ..."), which a person's note above a forward does not.
  if (!has_report_part) {
    for (size_t i = 0; i < attached; ++i) {
      const Part& part = message.parts[i];
      if (part.content_type == "text/plain" && markers.MatchesWrapped(MarkerKind::kBody, part.body)) return false;
    }
  }
  // Else what the attached message's own evidence says (reports without a
  // report part or a known sender, auto-replies).
  if (!is_report && LocateBounce(inner, markers, limits).kind == BounceKind::kNotBounce) return false;
  *report = std::move(inner);
  return true;
}

bool FindForwardedReportText(const Message& message, const BounceMarkers& markers,
                             const internal::PastedTextReader& pasted, const Limits& limits, Message* report) {
  if (message.pasted) return false;
  // The parts first: they rule out most messages for less than the From pattern.
  const Part* text = nullptr;  // the forward's own words and the copy below them
  for (const Part& part : message.parts) {
    if (part.in_attached_message) continue;
    if (IsReportType(part.content_type) || IsMessageType(part.content_type)) return false;
    if (text == nullptr && part.content_type == "text/plain") text = &part;
  }
  if (text == nullptr || markers.Matches(MarkerKind::kFrom, message.headers().Get("From"))) return false;
  const size_t separator = pasted.ForwardSeparatorAt(text->body);
  if (separator == std::string::npos) return false;
  // The words above the copy are a person's, not a report's: a report that
  // quotes its returned original under such a separator is the report.
  if (markers.MatchesWrapped(MarkerKind::kBody, std::string_view(text->body).substr(0, separator))) return false;
  Message copy = pasted.Read(text->body, limits);
  // Read takes a forwarded copy's header lines as the message's headers: none
  // means no forwarded copy (a person's own words about a bounce, say).
  const Headers& forwarded = copy.headers();
  if (forwarded.empty()) return false;
  // Strong evidence that the copy is a report, of the kinds LocateBounce
  // counts (a mail system's From, a report's Subject or sentences); it reads
  // the copy as pasted text, for which a person's word is weak evidence too.
  if (!markers.Matches(MarkerKind::kFrom, forwarded.Get("From")) &&
      !markers.Matches(MarkerKind::kSubject, forwarded.Get("Subject")) &&
      (copy.parts.empty() || !markers.MatchesWrapped(MarkerKind::kBody, copy.parts[0].body))) {
    return false;
  }
  *report = std::move(copy);
  return true;
}

BounceParts LocateBounce(const Message& message, const BounceMarkers& markers, const Limits& limits) {
  BounceParts out;
  out.bounce_subject = std::string(message.headers().Get("Subject"));
  out.bounce_from = std::string(message.headers().Get("From"));
  out.bounce_to = std::string(message.headers().Get("To"));
  std::string_view delivered_to = message.headers().Get("Delivered-To");
  out.bounce_delivered_to = std::string(delivered_to.empty() ? message.headers().Get("X-Original-To") : delivered_to);
  out.failed_recipients = std::string(message.headers().Get("X-Failed-Recipients"));
  out.pasted = message.pasted;
  std::vector<const Part*> html_parts;  // read only when there is no plain text
  bool have_dsn = false;
  bool have_feedback = false;
  bool returned_copy = false;  // a message/rfc822 or headers part, or a quoted copy
  for (size_t i = 0; i < message.parts.size(); ++i) {
    const Part& part = message.parts[i];
    const std::string_view type = part.content_type;  // (a view: compares with literals inline)
    if (part.in_attached_message) {
      // The returned original (or a report nested in it): only its headers.
      continue;
    }
    if (IsDsnType(type)) {
      ReadDsnFields(part.body, limits, &out);
      have_dsn = true;
    } else if (type == "message/feedback-report") {
      out.feedback = ParseHeaderBlock(part.body, limits);
      have_feedback = true;
    } else if (IsHeadersType(type) || IsMessageType(type)) {
      if (out.original_headers.empty()) {
        // ParseMessage parsed an embedded message's headers already.
        out.original_headers = part.body_parsed_next && i + 1 < message.parts.size()
                                   ? message.parts[i + 1].headers
                                   : ParseHeaderBlock(part.body, limits);
      }
      returned_copy = true;
    } else if (i > 0 && IsReturnedMessageHeaders(part.headers)) {
      // The returned original written as a body part without its
      // message/rfc822 wrapper: its header block is the part's own.
      if (out.original_headers.empty()) out.original_headers = part.headers;
      returned_copy = true;
    } else if (type == "text/plain" || (type.rfind("text/", 0) == 0 && type != "text/html" &&
                                        part.filename.empty() && &part == &message.parts[0])) {
      AppendText(part.body, &out.human_text);
    } else if (type == "text/html") {
      html_parts.push_back(&part);
    }
  }
  if (out.human_text.empty()) {
    for (const Part* part : html_parts) AppendText(HtmlToText(part->body), &out.human_text);
  }

  // Amazon SES notifications are JSON in the body: read them as the report
  // they stand for (bounce, delivery, complaint). (A body that opens no JSON
  // object is none, and is not searched for the notification's key.)
  if (!markers.generic_only() && !have_dsn && !have_feedback && OpensJsonObject(out.human_text) &&
      internal::Contains(out.human_text, "notificationType")) {
    BounceParts ses = out;
    if (internal::ReadSesNotification(out.human_text, &ses, limits.max_recipients)) {
      ses.human_text.clear();
      return ses;
    }
  }

  // Email service providers' webhook events (SendGrid, Mailgun, Postmark,
  // ...) are JSON too: read them as the report they stand for.
  if (!markers.generic_only() && !have_dsn && !have_feedback &&
      internal::ReadEspEvents(out.human_text, &out, limits.max_recipients)) {
    return out;
  }

  // A forwarded report ("Fwd: Returned mail: ..."): read the report it quotes.
  // Its own header block (From: MAILER-DAEMON ...) comes first and is the
  // report's, not the returned original's.
  bool forwarded_report = false;
  if (!have_dsn && !have_feedback && markers.Matches(MarkerKind::kForwardSubject, out.bounce_subject)) {
    std::string plain;
    std::string_view unquoted = QuotedLinesHandled(out.human_text, true, &plain);
    if (unquoted.data() != out.human_text.data()) out.human_text = std::move(plain);
    size_t block = FindQuotedHeaderBlock(out.human_text, markers, /*need_trace=*/false);
    if (block != std::string::npos) {
      Headers forwarded = ParseHeaderBlock(std::string_view(out.human_text).substr(block), limits);
      if (markers.Matches(MarkerKind::kFrom, forwarded.Get("From"))) {
        forwarded_report = true;
        size_t end = out.human_text.find("\n\n", block);
        out.human_text.erase(0, end == std::string::npos ? out.human_text.size() : end + 1);
      }
    }
  }

  // A plain-text bounce quotes the original inline: cut it off the human text
  // and take its headers. Without a marker line, a column-0 block of message
  // header fields is the quoted original.
  size_t original = markers.FindOriginalStart(out.human_text);
  bool header_block = false;
  if (original == std::string::npos) {
    original = FindQuotedHeaderBlock(out.human_text, markers);
    header_block = original != std::string::npos;
  }
  if (original != std::string::npos) {
    if (out.original_headers.empty()) {
      size_t next_line = header_block ? original : out.human_text.find('\n', original);
      if (next_line != std::string::npos) {
        std::string_view rest = std::string_view(out.human_text).substr(next_line + (header_block ? 0 : 1));
        while (!rest.empty() && (rest.front() == '\n' || rest.front() == ' ')) rest.remove_prefix(1);
        Headers quoted = ParseHeaderBlock(rest, limits);
        if (quoted.Has("From") || quoted.Has("Subject") || quoted.Has("Message-ID") || quoted.Has("To")) {
          out.original_headers = std::move(quoted);
        }
      }
    }
    out.human_text.resize(original);
  }
  // What a report says about its recipients fits in far less; a bound keeps
  // per-recipient searches cheap on huge or hostile bodies.
  constexpr size_t kMaxHumanText = 256 * 1024;
  if (out.human_text.size() > kMaxHumanText) {
    out.human_text.resize(internal::Utf8CutPoint(out.human_text, kMaxHumanText));
  }

  const Headers& h = message.headers();
  // Evidence that the message is a report, by kind; each kind counts once.
  bool subject = markers.Matches(MarkerKind::kSubject, out.bounce_subject);
  bool from_marker = markers.Matches(MarkerKind::kFrom, out.bounce_from);
  bool from = from_marker || h.Get("Return-Path") == "<>" || forwarded_report;
  // The text's evidence is searched only when the decision below needs it
  // (a MIME delivery report is one whatever its words say), and always on
  // the human text as it stands here.
  std::string unquoted;
  std::optional<std::string_view> evidence_text;
  auto evidence = [&]() {
    if (!evidence_text) evidence_text = QuotedLinesHandled(out.human_text, false, &unquoted);
    return *evidence_text;
  };
  // Sentences broken over lines are looked for only where other evidence
  // points at a report already: for ordinary mail, the common case of a
  // mailbox scan, the joined pass would double the cost of this search.
  const bool failed_header = h.Has("X-Failed-Recipients");
  LazyFlag body([&] {
    const bool other_evidence = message.pasted || subject || from || returned_copy || failed_header;
    return other_evidence ? markers.MatchesWrapped(MarkerKind::kBody, evidence())
                          : markers.Matches(MarkerKind::kBody, evidence());
  });
  LazyFlag header([&] { return markers.MatchesHeader(h); });
  // Weaker evidence, which alone never makes a report: an SMTP reply beside
  // an address, a session transcript, a returned copy of the message.
  LazyFlag reply([&] { return markers.Matches(MarkerKind::kReplyEvidence, evidence()); });
  LazyFlag transcript([&] { return markers.Matches(MarkerKind::kTranscript, evidence()); });
  returned_copy = returned_copy || original != std::string::npos;
  // A person answering or forwarding a bounce ("Re: Undeliverable: ...") writes
  // no report, whatever the text quotes.
  bool person_reply = !from && markers.Matches(MarkerKind::kReplySubject, out.bounce_subject);

  // DSN fields written into the text itself (no MIME structure, or a report
  // that prints them): read them as a delivery report when the message looks
  // like a bounce otherwise, or was pasted (a person copies a report's
  // "Technical report" fields and says it is a bounce).
  if (!have_dsn && !have_feedback && (message.pasted || subject || from || body() || header())) {
    size_t inline_dsn = FindInlineDsn(out.human_text);
    if (inline_dsn != std::string::npos) {
      ReadDsnFields(std::string_view(out.human_text).substr(inline_dsn), limits, &out);
      have_dsn = !out.per_recipient.empty();
      if (have_dsn) out.human_text.resize(inline_dsn);  // the words before the fields
    }
  }

  // Feedback without a message/feedback-report part: Microsoft's JMRP (the
  // complained-about message attached, its recipient in
  // X-HmXmrOriginalRecipient) and Apple Mail's unsubscribe request.
  if (!markers.generic_only() && !have_feedback && !have_dsn) {
    std::string_view jmrp = out.original_headers.Get("X-HmXmrOriginalRecipient");
    if (!jmrp.empty()) {
      out.feedback.Add("Feedback-Type", "abuse");
      out.feedback.Add("Original-Rcpt-To", std::string(jmrp));
      have_feedback = true;
    } else if (IEquals(h.Get("X-Apple-Unsubscribe"), "true")) {
      out.feedback.Add("Feedback-Type", "opt-out");
      out.feedback.Add("Original-Rcpt-To", out.bounce_from);
      have_feedback = true;
    }
  }

  if (have_feedback) {
    out.kind = BounceKind::kFeedbackReport;
  } else if (have_dsn && !out.per_recipient.empty()) {
    out.kind = BounceKind::kDeliveryReport;
  } else {
    // Only "at least one" strong and "at least two" in all count, so the
    // search stops once two are found.
    int strong = subject + from + 2 * failed_header + 2 * have_dsn;
    if (strong < 2) strong += body();
    if (strong < 2) strong += header();
    // Pasted text counts once: the person who pasted it says it is a bounce,
    // so weak evidence (a reply line) is enough.
    int score = strong + returned_copy + message.pasted;
    bool plain = false;
    if ((strong >= 1 || message.pasted) && !person_reply) {
      if (score < 2) score += reply();
      if (score < 2) score += transcript();
      plain = score >= 2;
    }
    // Bulk mail (a newsletter quoting bounce text) from no mail system is no
    // report, whatever its words.
    if (plain && !from_marker && !message.pasted && markers.MatchesHeader(h, MarkerKind::kBulkHeader)) plain = false;
    // A mail system (mailer-daemon, postmaster) does not go on vacation:
    // Auto-Submitted on its reports is not an out-of-office reply.
    if (plain) {
      out.kind = BounceKind::kPlainText;
    } else if (!from_marker && LooksLikeAutoReply(message, markers)) {
      out.kind = BounceKind::kAutoReply;
    }
  }
  return out;
}

namespace {

// The tags that break a line where they stand (opening or closing). Views
// with their lengths known when compiled: a list of C strings was a strlen
// per name for every tag of a page.
constexpr std::string_view kLineBreakingTags[] = {"br", "p",  "div", "tr", "li", "h1",   "h2",
                                                  "h3", "h4", "h5",  "h6", "table", "pre"};

bool BreaksLine(std::string_view name) {
  if (name.empty() || name.size() > 5) return false;  // no such tag is longer
  for (std::string_view tag : kLineBreakingTags) {
    if (IEquals(name, tag)) return true;
  }
  return false;
}

// ASCII letters and digits (the C locale's isalnum, without a call per byte).
bool IsTagNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// The name of the tag at html[lt] ('<'), without a leading '/': "" for none.
std::string_view TagNameAt(std::string_view html, size_t lt) {
  size_t from = lt + 1;
  if (from < html.size() && html[from] == '/') ++from;
  size_t to = from;
  while (to < html.size() && IsTagNameChar(html[to])) ++to;
  return html.substr(from, to - from);
}

// Whether the document breaks its lines with markup anywhere. One that does
// not is plain text in an HTML part: its own line ends are its lines.
bool BreaksLinesWithMarkup(std::string_view html) {
  for (size_t lt = html.find('<'); lt != std::string_view::npos; lt = html.find('<', lt + 1)) {
    if (BreaksLine(TagNameAt(html, lt))) return true;
  }
  return false;
}

}  // namespace

std::string HtmlToText(std::string_view html) {
  std::string out;
  out.reserve(html.size() / 2);
  // As a browser shows it: where markup breaks the lines, the source's own
  // line ends and runs of blanks are one space (outside <pre>), so a line a
  // program wrapped in its source stays one line, and "line<br>\n" makes no
  // blank line (blank lines end paragraphs and DSN groups for the extractor).
  const bool collapse = BreaksLinesWithMarkup(html);
  bool in_pre = false;
  auto append_text = [&](std::string_view text) {
    if (!collapse || in_pre) {
      out.append(text.data(), text.size());
      return;
    }
    for (char t : text) {
      if (t == ' ' || t == '\t' || t == '\n' || t == '\r' || t == '\f') {
        if (!out.empty() && out.back() != ' ' && out.back() != '\n') out.push_back(' ');
      } else {
        out.push_back(t);
      }
    }
  };
  size_t i = 0;
  auto starts_with_ci = [&](size_t at, std::string_view word) {
    if (at + word.size() > html.size()) return false;
    return IEquals(html.substr(at, word.size()), word);
  };
  while (i < html.size()) {
    char c = html[i];
    if (c == '<') {
      // Drop <style> and <script> blocks entirely.
      for (std::string_view block : {std::string_view("style"), std::string_view("script")}) {
        if (starts_with_ci(i + 1, block)) {
          std::string close = "</" + std::string(block);
          // The closing tag starts at a '<': only those are looked at.
          size_t j = i;
          while (j < html.size() && !starts_with_ci(j, close)) {
            const void* lt = std::memchr(html.data() + j + 1, '<', html.size() - j - 1);
            j = lt == nullptr ? html.size() : static_cast<size_t>(static_cast<const char*>(lt) - html.data());
          }
          i = j;
          break;
        }
      }
      size_t end = html.find('>', i);
      if (end == std::string_view::npos) break;
      std::string_view name = TagNameAt(html, i);
      if (BreaksLine(name)) {
        while (!out.empty() && out.back() == ' ') out.pop_back();
        out.push_back('\n');
        if (IEquals(name, "pre")) in_pre = html[i + 1] != '/';
      }
      if (IEquals(name, "td") || IEquals(name, "th")) out.push_back(' ');
      i = end + 1;
      continue;
    }
    if (c == '&') {
      // An entity is short: look for its ';' within the next few bytes only
      // (searching the rest of the text for each '&' was quadratic).
      size_t semi = html.substr(0, i + 9).find(';', i);
      if (semi != std::string_view::npos) {
        std::string_view entity = html.substr(i + 1, semi - i - 1);
        char repl = 0;
        if (entity == "lt") repl = '<';
        else if (entity == "gt") repl = '>';
        else if (entity == "amp") repl = '&';
        else if (entity == "quot") repl = '"';
        else if (entity == "apos" || entity == "#39") repl = '\'';
        else if (entity == "nbsp" || entity == "#160") repl = ' ';
        if (repl != 0) {
          out.push_back(repl);
          i = semi + 1;
          continue;
        }
      }
    }
    if (c == '\r' || c == '&') {
      append_text(c == '\r' ? std::string_view("\n") : std::string_view("&"));
      ++i;
      continue;
    }
    // Plain text up to the next markup, entity or CR: copied in one go.
    size_t run = i + 1;
    while (run < html.size() && html[run] != '<' && html[run] != '&' && html[run] != '\r') ++run;
    append_text(html.substr(i, run - i));
    i = run;
  }
  return out;
}

}  // namespace ndr
