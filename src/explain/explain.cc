// The explanation stage: Finding + Verdict -> plain words for people. Every
// sentence is built from the tables (reasons.tsv, reason_rules.tsv advice,
// blocklists.tsv, vendors.tsv and the CodeBook's meanings) and the codes the
// bounce gave; nothing here decides the reason.
#include <string>
#include <string_view>

#include "ndr/explanation.h"

namespace ndr {
namespace {

bool EndsWithStop(const std::string& s) {
  return !s.empty() && (s.back() == '.' || s.back() == '!' || s.back() == '?');
}

void AddSentence(std::string* text, std::string_view sentence) {
  if (sentence.empty()) return;
  if (!text->empty()) {
    if (!EndsWithStop(*text)) text->push_back('.');
    text->push_back(' ');
  }
  text->append(sentence);
}

std::string CommandLabel(SmtpCommand command) {
  if (command == SmtpCommand::kDataEnd) return "the end of the message data";
  if (command == SmtpCommand::kConnect) return "the connection greeting";
  return std::string(SmtpCommandName(command));
}

bool IsDelay(const Finding& finding) { return finding.action == "delayed"; }

bool IsPermanent(const Finding& finding) {
  if (!finding.status.empty()) return finding.status.klass == 5;
  if (finding.reply_code != 0) return finding.reply_code >= 500 && finding.reply_code <= 599;
  return true;
}

std::string BlocklistAdvice(const BlocklistInfo& list) {
  std::string what = list.listed == "domain" ? "a domain of yours"
                     : list.listed == "url"  ? "a link in the message"
                                             : "the sending server's IP address";
  std::string text = "The server names " + list.name + ", which lists " + what + ".";
  if (list.who == "recipient-admin") {
    AddSentence(&text, list.note);
    AddSentence(&text, "Tell the recipient's administrator; you cannot fix this listing yourself.");
    return text;
  }
  AddSentence(&text, "Look it up at " + list.lookup + " and follow the removal steps there");
  if (list.who == "provider") AddSentence(&text, "The network or hosting provider usually has to act");
  AddSentence(&text, list.note);
  return text;
}

}  // namespace

Explanation Explain(const Finding& finding, const Verdict& verdict, const CodeBook& codes,
                    const ReasonBook& reasons) {
  Explanation e;
  const ReasonInfo& info = reasons.Info(verdict.reason);
  bool delayed = IsDelay(finding) && verdict.reason != Reason::kDelivered &&
                 verdict.reason != Reason::kVacation && verdict.reason != Reason::kFeedback;

  // What happened.
  e.summary = info.summary;
  if (delayed) {
    // "Expired" describes giving up, which a delay has not done yet: say only
    // that it is still being retried; other reasons say why it is delayed.
    e.summary = "Delivery is delayed, not failed: the sending server is still retrying." +
                (verdict.reason == Reason::kExpired ? std::string() : " So far: " + e.summary);
  }
  std::string_view vendor_name = reasons.VendorName(verdict.receiving_vendor);

  // What the codes mean.
  if (finding.reply_code != 0) {
    if (const ReplyCodeInfo* reply = codes.Reply(finding.reply_code)) {
      e.reply_meaning = std::to_string(reply->code) + ": " + reply->meaning;
      if (!reply->standard) e.reply_meaning += " (not a standard code)";
    } else {
      e.reply_meaning = std::to_string(finding.reply_code) + ": not a code the SMTP standards define";
      if (const ReplyDigitInfo* first = codes.Digit(1, finding.reply_code / 100)) {
        e.reply_meaning += "; the first digit means " + first->name;
      }
    }
  }
  if (!finding.status.empty()) {
    StatusInfo s = codes.Status(finding.status, verdict.receiving_vendor);
    e.status_meaning = finding.status.ToString() + ": " + s.meaning;
    if (!s.scope.empty()) {
      std::string_view scope_name = reasons.VendorName(s.scope);
      e.status_meaning +=
          " (" + std::string(scope_name.empty() ? std::string_view(s.scope) : scope_name) + "'s meaning";
      if (!s.source.empty()) e.status_meaning += "; " + s.source;
      e.status_meaning += ")";
    } else if (!s.source.empty()) {
      e.status_meaning += " (" + s.source + ")";
    }
  }
  if (!verdict.reply_fits_command && finding.reply_code != 0 && finding.command != SmtpCommand::kUnknown) {
    e.command_note = std::to_string(finding.reply_code) + " is not a reply the RFCs allow for " +
                     CommandLabel(finding.command) +
                     "; many servers use codes for other meanings, e.g. to reject spam — the words "
                     "matter more than the number.";
  }

  // Who acts, whether to retry, whether to keep the address.
  e.actor = info.actor;
  e.retry = info.retry;
  e.suppress = info.suppress;
  if (info.hard_needs_permanent && !IsPermanent(finding)) e.suppress = false;
  if (delayed) {
    e.retry = Retry::kLater;
    e.suppress = false;
  }

  // What to do.
  if (delayed) {
    AddSentence(&e.advice, "Nothing to do yet: the message is still being retried, so do not remove the "
                           "address. If a final failure notice follows, act on that one");
  }
  const BlocklistInfo* list = nullptr;
  if (verdict.reason == Reason::kBlocked || verdict.reason == Reason::kSpamDetected ||
      verdict.reason == Reason::kBadReputation || verdict.reason == Reason::kRejected) {
    list = reasons.FindBlocklist(finding.diagnostic);
  }
  // A delay has not failed yet: advice written for a final failure ("remove
  // the address", "could not be reached for the whole retry period") would
  // contradict "still being retried", so it is left to the final notice.
  bool reason_advice_fits = !delayed || (!info.suppress && verdict.reason != Reason::kExpired);
  if (list != nullptr && verdict.reason == Reason::kBlocked) {
    // The named list makes the general blocked advice specific.
    AddSentence(&e.advice, BlocklistAdvice(*list));
  } else {
    if (reason_advice_fits) AddSentence(&e.advice, info.advice);
    if (list != nullptr) AddSentence(&e.advice, BlocklistAdvice(*list));
  }
  std::string_view rule_advice = reasons.RuleAdvice(verdict.rule_id);
  if (list == nullptr || rule_advice.find(list->lookup) == std::string_view::npos) {
    AddSentence(&e.advice, rule_advice);
  }
  bool failure = verdict.reason != Reason::kDelivered && verdict.reason != Reason::kVacation &&
                 verdict.reason != Reason::kFeedback;
  if (!vendor_name.empty() && failure && rule_advice.empty() && list == nullptr) {
    std::string_view url = reasons.VendorUrl(verdict.receiving_vendor);
    if (!url.empty()) {
      AddSentence(&e.advice, std::string(vendor_name) + " explains its errors at " + std::string(url));
    }
  }
  if (!e.advice.empty() && !EndsWithStop(e.advice)) e.advice.push_back('.');

  // Why we think so.
  e.evidence = verdict.evidence;
  if (!vendor_name.empty() && e.evidence.find(vendor_name) == std::string::npos) {
    e.evidence += " (rejecting side: " + std::string(vendor_name) + ")";
  }
  return e;
}

}  // namespace ndr
