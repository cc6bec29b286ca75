#include <ostream>
#include <string>

#include "core/strings.h"
#include "ndr/render.h"

namespace ndr {
namespace {

std::string_view ActorPhrase(Actor a) {
  switch (a) {
    case Actor::kSender: return "you, the sender";
    case Actor::kSenderAdmin: return "the administrator of your (the sending) mail system";
    case Actor::kRecipient: return "the recipient";
    case Actor::kRecipientAdmin: return "the administrator of the recipient's mail system";
    case Actor::kUnknown: return "not clear from the bounce: read the server's words";
    case Actor::kNobody: break;
  }
  return "nobody";
}

std::string_view RetryPhrase(Retry r) {
  switch (r) {
    case Retry::kNow: return "yes, it can be sent again now";
    case Retry::kLater: return "later, once the cause is fixed or has passed";
    case Retry::kNever: return "no, do not send it again as it is";
  }
  return "";
}

// "  Label:          value", the value wrapped at word boundaries so that
// every line stays within kWidth columns (one long word may exceed it).
// Values carry the bounce's words: control characters become visible escapes.
void AppendLine(std::string_view label, std::string_view raw_value, std::string* out) {
  constexpr size_t kIndent = 19;
  constexpr size_t kWidth = 100;
  if (raw_value.empty()) return;
  const std::string safe = TerminalSafe(raw_value);
  std::string_view value = safe;
  out->append("  ").append(label).push_back(':');
  for (size_t i = label.size() + 3; i < kIndent; ++i) out->push_back(' ');
  size_t column = kIndent;
  bool first_word = true;
  size_t pos = 0;
  while (pos < value.size()) {
    size_t end = value.find(' ', pos);
    if (end == std::string_view::npos) end = value.size();
    std::string_view word = value.substr(pos, end - pos);
    pos = end + 1;
    if (word.empty()) continue;
    if (!first_word && column + 1 + word.size() > kWidth) {
      out->push_back('\n');
      out->append(kIndent, ' ');
      column = kIndent;
    } else if (!first_word) {
      out->push_back(' ');
      ++column;
    }
    out->append(word);
    column += word.size();
    first_word = false;
  }
  out->push_back('\n');
}

// The heading of a source's block: "== source" and what the original was.
void AppendHeading(const Record& r, std::string* out) {
  out->append("== ").append(TerminalSafe(r.source)).push_back('\n');
  if (!r.subject.empty() || !r.sender.empty()) {
    out->append("   original message: ");
    if (!r.subject.empty()) out->append("\"").append(TerminalSafe(r.subject)).push_back('"');
    if (!r.sender.empty()) out->append(r.subject.empty() ? "" : " ").append("from ").append(TerminalSafe(r.sender));
    if (!r.date.empty()) out->append(", ").append(TerminalSafe(r.date));
    out->push_back('\n');
  } else if (!r.queue_id.empty()) {  // a mail server's log line
    out->append("   logged ").append(r.date.empty() ? "" : TerminalSafe(r.date) + ", ").append("queue id ");
    out->append(TerminalSafe(r.queue_id)).push_back('\n');
  }
}

// One recipient's block.
void AppendRecordBlock(const Record& r, bool verbose, std::string* out) {
  out->push_back('\n');
  out->append(r.recipient.empty() ? "(recipient not named)" : TerminalSafe(r.recipient));
  if (!r.action.empty()) out->append("  [").append(TerminalSafe(r.action)).push_back(']');
  out->push_back('\n');
  // A report that named the recipient by its local part alone: the domain
  // shown is ndr's reading (README, `recipient`), and a person should know.
  if (!r.original_recipient.empty() && r.original_recipient.find('@') == std::string::npos &&
      r.recipient.find('@') != std::string::npos) {
    AppendLine("Report names", r.original_recipient + " (without a domain: the domain above is the one the report implies)",
               out);
  } else if (r.original_recipient.find('@') != std::string::npos &&
             !internal::IEquals(r.original_recipient, r.recipient)) {
    // An alias or a forward: the address a list holds is the one written
    // in the message, not the one it led to.
    AppendLine("Sent to", r.original_recipient + " (the address the message was written to; it leads to the address above)",
               out);
  }
  AppendLine("What happened", r.details.summary.empty() ? r.explanation : r.details.summary, out);
  bool not_a_failure = r.reason == Reason::kDelivered || r.reason == Reason::kVacation ||
                       r.reason == Reason::kFeedback;
  // "soft" beside a permanent reply code reads as a contradiction without
  // the gloss: hard or soft is about the address, not about the reply.
  AppendLine("Reason", std::string(ReasonName(r.reason)) +
                           (not_a_failure     ? " (not a bounce)"
                            : r.action == "delayed" ? " (not a bounce yet: delivery is still being retried)"
                            : r.hard_bounce   ? " (hard bounce: the address does not work)"
                                              : " (soft bounce: the address itself may be fine)"),
             out);
  if (!r.details.reply_meaning.empty()) AppendLine("Reply code", r.details.reply_meaning, out);
  if (!r.details.status_meaning.empty()) AppendLine("Status code", r.details.status_meaning, out);
  // The stage in a helpdesk's words; the SMTP command name only as a fallback.
  AppendLine("Failed at", r.details.stage.empty() ? r.smtp_command : r.details.stage, out);
  if (verbose && !r.details.command_note.empty()) AppendLine("Note", r.details.command_note, out);
  // The receiving side only: the provider that wrote the report is often
  // the sender's own and did not refuse anything.
  if (!r.remote_mta.empty() || !r.receiving_vendor_name.empty()) {
    std::string remote = r.remote_mta;
    if (!r.receiving_vendor_name.empty()) {
      remote += remote.empty() ? r.receiving_vendor_name : " (" + r.receiving_vendor_name + ")";
    }
    AppendLine("Remote server", remote, out);
  }
  if (!r.diagnostic.empty()) AppendLine(not_a_failure ? "Report says" : "Server said", r.diagnostic, out);
  if (!r.feedback_type.empty()) AppendLine("Feedback type", r.feedback_type, out);
  AppendLine("Who must act", ActorPhrase(r.details.actor), out);
  // A success or an auto-reply has nothing to send again; a delayed message
  // is still being retried by the sending server (sending it again now would
  // deliver it twice once the retries succeed).
  if (r.action == "delayed") {
    AppendLine("Send again?", "not now: the sending server is still retrying it; only if a failure notice follows",
               out);
  } else if (!not_a_failure) {
    AppendLine("Send again?", RetryPhrase(r.details.retry), out);
  }
  AppendLine("Remove address?", r.details.suppress ? "yes, stop mailing this address" : "no", out);
  AppendLine("What to do", r.advice, out);
  if (!r.details.evidence.empty()) AppendLine("Decided by", r.details.evidence, out);
}

// What follows a record of source `previous` (the source of the record
// written before it, "" for none): a blank line and a heading when the source
// changes, then the recipient's block.
void AppendAfter(std::string_view previous, const Record& r, bool verbose, std::string* out) {
  if (r.source != previous) {
    if (!previous.empty()) out->push_back('\n');
    AppendHeading(r, out);
  }
  AppendRecordBlock(r, verbose, out);
}

// Records rendered by Render for WriteRendered: what the first record needs
// depends on the record written before it, so the bytes carry the batch's
// first and last source and the length of the first record's blank line and
// heading -- "first\0last\0length\0" -- then the text as it follows a record
// of another source. (Sources are paths: they hold no '\0'.)
class TextSink : public RecordSink {
 public:
  TextSink(std::ostream& out, bool verbose) : out_(out), verbose_(verbose) {}

  bool ShowsCodeMeanings() const override { return true; }

  void Write(const Record& r) override {
    text_.clear();
    AppendAfter(last_source_, r, verbose_, &text_);
    last_source_ = r.source;
    Put(text_);
  }

  bool Render(const std::vector<Record>& records, std::string* out) const override {
    if (records.empty()) return true;
    const Record& first = records.front();
    std::string text = "\n";  // as after a record of another source
    AppendHeading(first, &text);
    const size_t lead = text.size();
    AppendRecordBlock(first, verbose_, &text);
    for (size_t i = 1; i < records.size(); ++i) AppendAfter(records[i - 1].source, records[i], verbose_, &text);
    out->append(first.source).push_back('\0');
    out->append(records.back().source).push_back('\0');
    out->append(std::to_string(lead)).push_back('\0');
    out->append(text);
    return true;
  }

  void WriteRendered(std::string_view rendered) override {
    if (rendered.empty()) return;
    std::string_view first = Field(&rendered), last = Field(&rendered), lead = Field(&rendered);
    std::string_view text = rendered;
    if (first == last_source_) {
      text.remove_prefix(std::stoul(std::string(lead)));  // the same source goes on: no heading
    } else if (last_source_.empty()) {
      text.remove_prefix(1);  // the first heading has no blank line above it
    }
    Put(text);
    last_source_ = std::string(last);
  }

  void Finish() override {
    out_.flush();
    CheckWritten(out_);
  }

 private:
  // The text up to the next '\0', which is taken away too.
  static std::string_view Field(std::string_view* rest) {
    size_t end = rest->find('\0');
    std::string_view field = rest->substr(0, end);
    rest->remove_prefix(end == std::string_view::npos ? rest->size() : end + 1);
    return field;
  }

  void Put(std::string_view text) {
    out_.write(text.data(), static_cast<std::streamsize>(text.size()));
    CheckWritten(out_);
  }

  std::ostream& out_;
  bool verbose_;
  std::string last_source_;
  std::string text_;  // the current record's text (reused)
};

}  // namespace

std::unique_ptr<RecordSink> MakeTextSink(std::ostream& out, bool verbose) {
  return std::make_unique<TextSink>(out, verbose);
}

}  // namespace ndr
