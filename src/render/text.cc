#include <ostream>
#include <string>

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

class TextSink : public RecordSink {
 public:
  TextSink(std::ostream& out, bool verbose) : out_(out), verbose_(verbose) {}

  void Write(const Record& r) override {
    if (r.source != last_source_) {
      if (!last_source_.empty()) out_ << '\n';
      out_ << "== " << TerminalSafe(r.source) << '\n';
      if (!r.subject.empty() || !r.sender.empty()) {
        out_ << "   original message: ";
        if (!r.subject.empty()) out_ << '"' << TerminalSafe(r.subject) << '"';
        if (!r.sender.empty()) out_ << (r.subject.empty() ? "" : " ") << "from " << TerminalSafe(r.sender);
        if (!r.date.empty()) out_ << ", " << TerminalSafe(r.date);
        out_ << '\n';
      } else if (!r.queue_id.empty()) {  // a mail server's log line
        out_ << "   logged " << (r.date.empty() ? "" : TerminalSafe(r.date) + ", ") << "queue id "
             << TerminalSafe(r.queue_id) << '\n';
      }
      last_source_ = r.source;
    }
    out_ << '\n' << (r.recipient.empty() ? "(recipient not named)" : TerminalSafe(r.recipient));
    if (!r.action.empty()) out_ << "  [" << TerminalSafe(r.action) << ']';
    out_ << '\n';
    Line("What happened", r.details.summary.empty() ? r.explanation : r.details.summary);
    bool not_a_failure = r.reason == Reason::kDelivered || r.reason == Reason::kVacation ||
                         r.reason == Reason::kFeedback;
    // "soft" beside a permanent reply code reads as a contradiction without
    // the gloss: hard or soft is about the address, not about the reply.
    Line("Reason", std::string(ReasonName(r.reason)) +
                       (not_a_failure     ? " (not a bounce)"
                        : r.hard_bounce   ? " (hard bounce: the address does not work)"
                                          : " (soft bounce: the address itself may be fine)"));
    if (!r.details.reply_meaning.empty()) Line("Reply code", r.details.reply_meaning);
    if (!r.details.status_meaning.empty()) Line("Status code", r.details.status_meaning);
    // The stage in a helpdesk's words; the SMTP command name only as a fallback.
    Line("Failed at", r.details.stage.empty() ? r.smtp_command : r.details.stage);
    if (verbose_ && !r.details.command_note.empty()) Line("Note", r.details.command_note);
    // The receiving side only: the provider that wrote the report is often
    // the sender's own and did not refuse anything.
    if (!r.remote_mta.empty() || !r.receiving_vendor_name.empty()) {
      std::string remote = r.remote_mta;
      if (!r.receiving_vendor_name.empty()) {
        remote += remote.empty() ? r.receiving_vendor_name : " (" + r.receiving_vendor_name + ")";
      }
      Line("Remote server", remote);
    }
    if (!r.diagnostic.empty()) Line(not_a_failure ? "Report says" : "Server said", r.diagnostic);
    if (!r.feedback_type.empty()) Line("Feedback type", r.feedback_type);
    Line("Who must act", ActorPhrase(r.details.actor));
    // A success or an auto-reply has nothing to send again.
    if (!not_a_failure) Line("Send again?", RetryPhrase(r.details.retry));
    Line("Remove address?", r.details.suppress ? "yes, stop mailing this address" : "no");
    Line("What to do", r.advice);
    if (!r.details.evidence.empty()) Line("Decided by", r.details.evidence);
    CheckWritten(out_);
  }

  void Finish() override {
    out_.flush();
    CheckWritten(out_);
  }

 private:
  // "  Label:          value", the value wrapped at word boundaries so that
  // every line stays within kWidth columns (one long word may exceed it).
  // Values carry the bounce's words: control characters become visible escapes.
  void Line(std::string_view label, std::string_view raw_value) {
    constexpr size_t kIndent = 19;
    constexpr size_t kWidth = 100;
    if (raw_value.empty()) return;
    safe_.clear();
    AppendTerminalSafe(raw_value, &safe_);
    std::string_view value = safe_;
    out_ << "  " << label << ':';
    for (size_t i = label.size() + 3; i < kIndent; ++i) out_ << ' ';
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
        out_ << '\n' << std::string(kIndent, ' ');
        column = kIndent;
      } else if (!first_word) {
        out_ << ' ';
        ++column;
      }
      out_ << word;
      column += word.size();
      first_word = false;
    }
    out_ << '\n';
  }

  std::ostream& out_;
  bool verbose_;
  std::string last_source_;
  std::string safe_;  // the current value, escaped (reused)
};

}  // namespace

std::unique_ptr<RecordSink> MakeTextSink(std::ostream& out, bool verbose) {
  return std::make_unique<TextSink>(out, verbose);
}

}  // namespace ndr
