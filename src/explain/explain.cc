// The explanation stage: Finding + Verdict -> plain words for people. Every
// sentence comes from the tables (explanations.tsv for the sentences around
// the reason, reasons.tsv, reason_rules.tsv advice, blocklists.tsv,
// vendors.tsv and the CodeBook's meanings) and the codes the bounce gave;
// nothing here decides the reason.
#include <string>
#include <string_view>

#include "knowledge/template.h"
#include "ndr/explanation.h"

namespace ndr {
namespace {

using internal::FillTemplate;

bool EndsWithStop(const std::string& s) {
  return !s.empty() && (s.back() == '.' || s.back() == '!' || s.back() == '?');
}

// Appends a sentence, never one the text already says (rule, reason and
// blocklist advice may overlap).
void AddSentence(std::string* text, std::string_view sentence) {
  while (!sentence.empty() && sentence.back() == ' ') sentence.remove_suffix(1);
  if (sentence.empty()) return;
  std::string_view core = sentence;
  if (core.back() == '.') core.remove_suffix(1);
  if (text->find(core) != std::string::npos) return;
  if (!text->empty()) {
    if (!EndsWithStop(*text)) text->push_back('.');
    text->push_back(' ');
  }
  text->append(sentence);
}

bool IsDelay(const Finding& finding) { return finding.action == "delayed"; }

bool IsFailure(Reason r) { return r != Reason::kDelivered && r != Reason::kVacation && r != Reason::kFeedback; }

bool DecidedByWords(const Verdict& v) { return v.decided_by.table == RuleTable::kReasonRules && !v.words.empty(); }

std::string Quote(std::string_view words) { return "'" + std::string(words) + "'"; }

// When the server refused, in words a helpdesk uses.
std::string StageWords(SmtpCommand command, const ReasonBook& book) {
  if (command == SmtpCommand::kUnknown) return {};
  std::string_view name = SmtpCommandName(command);
  std::string_view phrase = book.Phrase("stage-" + std::string(name));
  if (!phrase.empty()) return std::string(phrase);
  return FillTemplate(book.Phrase("stage-other"), {{"command", name}});
}

// The reply code's meaning, unless it would contradict what decided.
std::string ReplyMeaning(const Finding& finding, const Verdict& verdict, const CodeBook& codes,
                         const ReasonBook& book) {
  int code = finding.reply_code;
  if (code == 0) return {};
  std::string code_text = std::to_string(code);
  const ReplyDigitInfo* first = codes.Digit(1, code / 100);
  std::string klass = first == nullptr ? std::string() : first->plain;
  const ReplyCodeInfo* reply = codes.Reply(code);
  if (reply == nullptr) {
    return FillTemplate(book.Phrase("reply-unknown"),
                        {{"code", code_text}, {"class", first == nullptr ? "" : first->name}});
  }
  const CodeReading& r = verdict.reply_reading;
  const bool reading_agrees = r.present() && r.reason == verdict.reason;
  // The registered wording beside a status code of another subject ("mailbox
  // unavailable" with 5.7.1, "user not local" with 5.7.1) says what the server
  // did not mean: it used the code for its class alone.
  const bool fits = reply->FitsStatus(finding.status);
  if (DecidedByWords(verdict) && fits && r.present() && r.code == code_text && r.reason != verdict.reason) {
    return FillTemplate(book.Phrase("code-disagrees"), {{"code", code_text},
                                                        {"kind", "reply"},
                                                        {"meaning", r.meaning},
                                                        {"words", Quote(verdict.words)}});
  }
  // Only the class, too, beside words that decided something else: the
  // registered wording ("mailbox unavailable", "TLS not available") is one of
  // many things servers mean by a code. Unless the code's reading is the
  // verdict (552 "exceeded storage allocation" for a full mailbox whose
  // report says 5.1.1).
  if ((!fits || DecidedByWords(verdict)) && !reading_agrees && !klass.empty()) {
    return FillTemplate(book.Phrase("reply-class"), {{"code", code_text}, {"class", klass}});
  }
  return FillTemplate(book.Phrase("reply-meaning"), {{"code", code_text},
                                                     {"meaning", reply->meaning},
                                                     {"nonstandard", reply->standard ? "" : "yes"}});
}

// The status code's meaning; when the server's words decided against it,
// both, and which decided.
std::string StatusMeaning(const Finding& finding, const Verdict& verdict, const CodeBook& codes,
                          const ReasonBook& book) {
  if (finding.status.empty()) return {};
  std::string code_text = finding.status.ToString();
  // The registry's detail texts describe failures ("X.6.0: a media error");
  // under class 2 they only say which part of the system reported the success.
  if (finding.status.klass == 2) return FillTemplate(book.Phrase("status-success"), {{"code", code_text}});
  StatusInfo s = codes.Status(finding.status, verdict.receiving_vendor);
  const CodeReading& r = verdict.status_reading;
  if (DecidedByWords(verdict) && r.present() && r.code == code_text && r.reason != verdict.reason &&
      r.strength > 0) {
    return FillTemplate(book.Phrase("code-disagrees"), {{"code", code_text},
                                                        {"kind", "status"},
                                                        {"meaning", r.meaning},
                                                        {"words", Quote(verdict.words)}});
  }
  if (s.scope.empty()) {
    return FillTemplate(book.Phrase("status-meaning"),
                        {{"code", code_text}, {"meaning", s.meaning}, {"source", s.source}});
  }
  std::string_view scope_name = book.VendorName(s.scope);
  return FillTemplate(book.Phrase("status-meaning-vendor"),
                      {{"code", code_text},
                       {"meaning", s.meaning},
                       {"vendor", scope_name.empty() ? std::string_view(s.scope) : scope_name},
                       {"source", s.source}});
}

std::string BlocklistAdvice(const BlocklistInfo& list, const ReasonBook& book) {
  std::string_view what = book.Phrase("blocklist-what-" + list.listed);
  if (what.empty()) what = book.Phrase("blocklist-what-ip");
  std::string text = FillTemplate(book.Phrase("blocklist-named"), {{"name", list.name}, {"what", what}});
  if (list.who == "recipient-admin") {
    AddSentence(&text, list.note);
    AddSentence(&text, book.Phrase("blocklist-recipient-side"));
    return text;
  }
  // A list without a lookup page (AT&T's) is asked by mail: its `lookup` is an address.
  const bool by_mail = list.lookup.find('@') != std::string::npos && list.lookup.find('/') == std::string::npos;
  AddSentence(&text, FillTemplate(by_mail ? book.Phrase("blocklist-contact") : book.Phrase("blocklist-lookup"),
                                  {{"lookup", list.lookup}}));
  if (list.who == "provider") AddSentence(&text, book.Phrase("blocklist-provider"));
  AddSentence(&text, list.note);
  return text;
}

// The report quotes no words of the receiving server: say so, and say what
// the reason was read from instead.
std::string NoServerWords(const Finding& finding, const Verdict& verdict, const ReasonBook& book) {
  if (!finding.diagnostic.empty() || !IsFailure(verdict.reason) || verdict.reason == Reason::kUndefined) {
    return {};
  }
  switch (verdict.decided_by.table) {
    case RuleTable::kStatusDefaults: {
      std::string code = verdict.status_reading.present() ? verdict.status_reading.code
                                                          : verdict.reply_reading.code;
      return FillTemplate(book.Phrase("no-server-words-code"), {{"code", code}});
    }
    case RuleTable::kReasonRules:
      return std::string(book.Phrase("no-server-words-text"));
    default:
      return std::string(book.Phrase("no-server-words"));
  }
}

// When the server refused, and what the codes mean (never contradicting what decided).
void AddCodeMeanings(const Finding& finding, const Verdict& verdict, const CodeBook& codes,
                     const ReasonBook& reasons, Explanation* e) {
  e->stage = StageWords(finding.command, reasons);
  e->reply_meaning = ReplyMeaning(finding, verdict, codes, reasons);
  e->status_meaning = StatusMeaning(finding, verdict, codes, reasons);
  if (!verdict.reply_fits_command && finding.reply_code != 0 && finding.command != SmtpCommand::kUnknown) {
    e->command_note = FillTemplate(reasons.Phrase("command-note"),
                                   {{"reply", std::to_string(finding.reply_code)},
                                    {"command", SmtpCommandName(finding.command)}});
  }
}

}  // namespace

Explanation Explain(const Finding& finding, const Verdict& verdict, const CodeBook& codes,
                    const ReasonBook& reasons, bool code_meanings) {
  Explanation e;
  const ReasonInfo& info = reasons.Info(verdict.reason);
  bool failure = IsFailure(verdict.reason);
  bool delayed = IsDelay(finding) && failure;
  ReasonBook::RuleGuidance guidance = reasons.Guidance(verdict.decided_by);

  // The blocklist the server named, if any.
  const BlocklistInfo* list = nullptr;
  if (info.names_blocklist) list = reasons.FindBlocklist(finding.diagnostic);
  if (list != nullptr) e.blocklist = list->id;

  // What happened: the words' own account when the reason's general one
  // would mislead (greylisting is no blocklist listing). "blocked" speaks of
  // the sending IP; a named list of domains or links puts the cause in the
  // message's domains instead.
  if (!guidance.summary.empty()) {
    e.summary = std::string(guidance.summary);
  } else if (list != nullptr && list->listed != "ip" && verdict.reason == Reason::kBlocked) {
    e.summary = std::string(reasons.Phrase("blocklist-summary-domain"));
  } else {
    e.summary = info.summary;
  }
  if (delayed) {
    // "Expired" describes giving up, which a delay has not done yet: say only
    // that it is still being retried; other reasons say why it is delayed.
    std::string summary(reasons.Phrase("delay-summary"));
    if (verdict.reason != Reason::kExpired) {
      AddSentence(&summary, FillTemplate(reasons.Phrase("delay-so-far"), {{"summary", e.summary}}));
    }
    e.summary = std::move(summary);
  }
  AddSentence(&e.summary, NoServerWords(finding, verdict, reasons));

  // When, and what the codes mean (never contradicting what decided).
  if (code_meanings) AddCodeMeanings(finding, verdict, codes, reasons, &e);

  // Who acts, whether to retry, whether to keep the address.
  // The parties found (Verdict::actor) outrank the row's and the reason's actor.
  e.actor = verdict.actor ? *verdict.actor : guidance.has_actor ? guidance.actor : info.actor;
  e.retry = guidance.has_retry ? guidance.retry : info.retry;
  e.suppress = guidance.has_suppress ? guidance.suppress : info.suppress;
  // A reason that is hard only when permanent (notaccept), under a temporary
  // code and without words that say the address is gone: the address is
  // kept, so its advice to remove it would contradict.
  const bool kept_for_now = info.hard_needs_permanent && !verdict.hard_bounce;
  if (kept_for_now) e.suppress = false;
  if (delayed) {
    e.retry = Retry::kLater;
    e.suppress = false;
  }

  // What to do: the words' own advice when the deciding row has it, the
  // reason's general advice unless the row says it does not fit, a blocklist
  // only when the server named one.
  if (delayed) AddSentence(&e.advice, reasons.Phrase("delay-advice"));
  // A delay has not failed yet: advice written for a final failure ("remove
  // the address", "could not be reached for the whole retry period") would
  // contradict "still being retried", so it is left to the final notice.
  bool reason_advice_fits = (!delayed || (!info.suppress && verdict.reason != Reason::kExpired)) &&
                            !guidance.drop_reason_advice && verdict.party_advice.empty() && !kept_for_now;
  if (kept_for_now && !delayed) AddSentence(&e.advice, reasons.Phrase("temporary-code-keep"));
  if (list != nullptr && verdict.reason == Reason::kBlocked) {
    // The named list makes the general blocked advice specific.
    AddSentence(&e.advice, BlocklistAdvice(*list, reasons));
  } else {
    if (reason_advice_fits) AddSentence(&e.advice, info.advice);
    if (list != nullptr) AddSentence(&e.advice, BlocklistAdvice(*list, reasons));
  }
  // A row's advice that points at a list's page is left out when the server
  // named a list: the same list is already explained, and another one would
  // send someone to the wrong list.
  AddSentence(&e.advice, verdict.party_advice);
  if (list == nullptr || reasons.FindBlocklist(guidance.advice) == nullptr) {
    AddSentence(&e.advice, guidance.advice);
  }
  if (!verdict.receiving_vendor.empty() && failure && guidance.advice.empty() && list == nullptr) {
    std::string_view url = reasons.VendorUrl(verdict.receiving_vendor);
    if (!url.empty()) {
      AddSentence(&e.advice, FillTemplate(reasons.Phrase("vendor-errors"),
                                          {{"vendor", reasons.VendorName(verdict.receiving_vendor)}, {"url", url}}));
    }
  }
  if (!e.advice.empty() && !EndsWithStop(e.advice)) e.advice.push_back('.');

  // Why we think so.
  e.evidence = verdict.evidence;
  std::string_view vendor_name = reasons.VendorName(verdict.receiving_vendor);
  if (!vendor_name.empty() && e.evidence.find(vendor_name) == std::string::npos) {
    e.evidence = FillTemplate(reasons.Phrase("evidence-rejecting-side"),
                              {{"evidence", e.evidence}, {"vendor", vendor_name}});
  }
  return e;
}

}  // namespace ndr
