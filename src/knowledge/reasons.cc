// ReasonBook: loads data/reasons.tsv, reason_rules.tsv, status_defaults.tsv,
// vendors.tsv and blocklists.tsv, validates every row, compiles one RE2::Set
// per scope, and classifies a recipient's codes and words into a Reason.
//
// Precedence (also written in data/README.md):
//   1. An enhanced status of class 2 means delivered.
//   2. Wording rules on the diagnostic (or, when nothing there matches, on the
//      context text): the detected vendor's rules first, then generic rules;
//      rows whose reply/status/command constraints fail are dropped; the
//      highest priority wins, then the earliest row.
//   3. A vendor rule always decides. A generic rule decides unless the status
//      default for the code (vendor-scoped row first) is stronger: a generic
//      rule beats a status default only when its priority exceeds the
//      default's strength (or when both name the same reason). Words found
//      only in the context never outweigh the recipient's own exact status
//      code when the server gave no words at all.
//   4. Status default (for a delayed recipient a vague, strength-0 default
//      gives way to step 5's "expired"); then a greeting/HELO refusal with no
//      other clue means blocked; then the reply-code default; then Action:
//      delayed means expired; then onhold when there are words; else undefined.
// The status used is the given one, or the first one written in the words when
// none (or only X.0.0) is given; a success code is never taken from the words.
#include "ndr/reasons.h"

#include <re2/re2.h>

#include <string>
#include <utility>

#include "knowledge/reason_book_impl.h"
#include "smtp/reply_text.h"

namespace ndr {

using internal::rb::ToLower;
using internal::rb::Trim;
using internal::rb::Matches;
using internal::rb::Satisfies;
using internal::rb::Specificity;
using internal::rb::Blocklist;
using internal::rb::Candidate;
using internal::rb::Default;
using internal::rb::Rule;
using internal::rb::Scope;
using internal::rb::Vendor;

ReasonBook::ReasonBook(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ReasonBook::~ReasonBook() = default;

const ReasonInfo& ReasonBook::Info(Reason reason) const {
  int index = static_cast<int>(reason);
  if (index < 0 || index >= kReasonCount) index = 0;
  return impl_->infos[index];
}


// ---- vendors ----------------------------------------------------------------

namespace {

// "dns; MX.Example.COM." -> "mx.example.com"; "jo@gmail.com" -> "gmail.com";
// "[192.0.2.1]" -> "192.0.2.1".
std::string CleanHost(std::string_view raw) {
  std::string host = ToLower(Trim(raw));
  if (host.compare(0, 4, "dns;") == 0) host = Trim(std::string_view(host).substr(4));
  size_t at = host.rfind('@');
  if (at != std::string::npos) host.erase(0, at + 1);
  while (!host.empty() && (host.back() == '.' || host.back() == '>' || host.back() == ']')) host.pop_back();
  while (!host.empty() && (host.front() == '[' || host.front() == '<' || host.front() == '.')) {
    host.erase(0, 1);
  }
  size_t space = host.find_first_of(" \t(");
  if (space != std::string::npos) host.erase(space);
  return host;
}

bool HostHasSuffix(std::string_view host, std::string_view suffix) {
  if (host.empty() || suffix.empty() || host.size() < suffix.size()) return false;
  if (host.compare(host.size() - suffix.size(), suffix.size(), suffix) != 0) return false;
  return host.size() == suffix.size() || host[host.size() - suffix.size() - 1] == '.';
}

}  // namespace

std::string ReasonBook::DetectVendor(const std::vector<std::string_view>& hosts,
                                     std::string_view text) const {
  for (std::string_view raw : hosts) {
    std::string host = CleanHost(raw);
    if (host.empty()) continue;
    for (const Vendor& v : impl_->vendors) {
      for (const std::string& suffix : v.hosts) {
        if (HostHasSuffix(host, suffix)) return v.id;
      }
    }
  }
  if (text.empty()) return {};
  std::string lower = ToLower(text);
  for (const Vendor& v : impl_->vendors) {
    for (const std::string& marker : v.markers) {
      if (lower.find(marker) != std::string::npos) return v.id;
    }
  }
  return {};
}

std::string_view ReasonBook::VendorName(std::string_view vendor) const {
  const Vendor* v = impl_->FindVendor(vendor);
  return v == nullptr ? std::string_view() : std::string_view(v->name);
}

std::string_view ReasonBook::VendorUrl(std::string_view vendor) const {
  const Vendor* v = impl_->FindVendor(vendor);
  return v == nullptr ? std::string_view() : std::string_view(v->url);
}

std::string_view ReasonBook::RuleAdvice(std::string_view rule_id) const {
  constexpr std::string_view kPrefix = "reason_rules:";
  if (rule_id.substr(0, kPrefix.size()) != kPrefix) return {};
  auto it = impl_->rule_by_id.find(std::string(rule_id.substr(kPrefix.size())));
  if (it == impl_->rule_by_id.end()) return {};
  return impl_->rules[it->second].advice;
}

ReasonBook::TextReading ReasonBook::Read(std::string_view diagnostic) const {
  TextReading out;
  out.words = internal::NormalizeReply(diagnostic);
  CodesInText codes = impl_->smtp->FindCodes(out.words);
  out.reply_code = codes.reply_code;
  out.status = codes.status;
  return out;
}

const BlocklistInfo* ReasonBook::FindBlocklist(std::string_view text) const {
  if (text.empty()) return nullptr;
  std::string normalized = internal::NormalizeReply(text);
  for (const Blocklist& b : impl_->blocklists) {
    if (RE2::PartialMatch(normalized, *b.re)) return &b.info;
  }
  return nullptr;
}

bool ReasonBook::IsHardBounce(Reason reason, int reply_code, EnhancedStatus status) const {
  const ReasonInfo& info = Info(reason);
  if (!info.hard) return false;
  if (!info.hard_needs_permanent) return true;
  // Permanent unless a code says the failure is temporary.
  if (!status.empty()) return status.klass == 5;
  if (reply_code != 0) return reply_code >= 500 && reply_code <= 599;
  return true;
}

// ---- classification ---------------------------------------------------------

Candidate ReasonBook::Impl::BestIn(const Scope& scope, bool vendor, std::string_view text,
                                   const ClassifyInput& in, int reply, EnhancedStatus status) const {
  Candidate best;
  if (text.empty() || scope.set.size() == 0) return best;
  for (int hit : scope.set.Match(text)) {
    const Rule& r = rules[scope.rules[static_cast<size_t>(hit)]];
    if (!r.reply.empty() && !Satisfies(r.reply, reply)) continue;
    if (!r.status.empty() && !Satisfies(r.status, status)) continue;
    if (!r.command.empty() && !Satisfies(r.command, in.command)) continue;
    // Hits come in row order, so only a strictly higher priority replaces.
    if (best.rule == nullptr || r.priority > best.rule->priority) best.rule = &r;
  }
  if (best.rule != nullptr) {
    best.vendor = vendor;
    if (const RE2* re = best.rule->Re()) best.matched = std::string(internal::FirstMatch(*re, text));
  }
  return best;
}

const Default* ReasonBook::Impl::StatusDefault(EnhancedStatus status, std::string_view vendor) const {
  if (status.empty()) return nullptr;
  for (int pass = 0; pass < 2; ++pass) {
    std::string_view scope = pass == 0 ? vendor : std::string_view("generic");
    if (scope.empty()) continue;
    const Default* best = nullptr;
    int best_spec = -1;
    for (const Default& d : status_defaults) {
      if (d.scope != scope || !Matches(d.status, status)) continue;
      int spec = Specificity(d.status);
      if (spec > best_spec) {
        best = &d;
        best_spec = spec;
      }
    }
    if (best != nullptr) return best;
  }
  return nullptr;
}

const Default* ReasonBook::Impl::ReplyDefault(int reply, std::string_view vendor) const {
  if (reply == 0) return nullptr;
  for (int pass = 0; pass < 2; ++pass) {
    std::string_view scope = pass == 0 ? vendor : std::string_view("generic");
    if (scope.empty()) continue;
    for (const Default& d : reply_defaults) {
      if (d.scope == scope && d.reply == reply) return &d;
    }
  }
  return nullptr;
}

namespace {

std::string Quote(std::string_view words) {
  constexpr size_t kMax = 100;
  std::string w(words.substr(0, kMax));
  if (words.size() > kMax) w += "...";
  return "'" + w + "'";
}

}  // namespace

Classification ReasonBook::Classify(const ClassifyInput& in) const {
  Classification out;
  TextReading reading = Read(in.diagnostic);
  const std::string& text = reading.words;
  std::string context = internal::NormalizeReply(in.context);

  // The codes to judge by: as given, else as written in the words.
  // A success code on a failed or delayed recipient is a misreading: ignore it.
  EnhancedStatus status = in.status;
  if (status.klass == 2 && (in.action == "failed" || in.action == "delayed")) status = EnhancedStatus();
  bool status_from_text = false;
  if (status.empty() || (status.subject == 0 && status.detail == 0)) {
    // Never a success code from the words: transcripts quote "250 2.1.5 Ok"
    // before the failure.
    EnhancedStatus found = reading.status;
    if (!found.empty() && !(found.subject == 0 && found.detail == 0) && found.klass != 2) {
      status = found;
      status_from_text = true;
    }
  }
  int reply = in.reply_code != 0 ? in.reply_code : reading.reply_code;

  if (status.klass == 2) {
    out.reason = Reason::kDelivered;
    out.rule_id = "status_defaults:2.*.*";
    out.evidence = "status " + status.ToString() + " (success)";
    return out;
  }

  // Wording rules: vendor first, then generic; diagnostic first, then context.
  const Scope* vendor_scope = nullptr;
  if (!in.vendor.empty()) {
    auto it = impl_->vendor_scopes.find(std::string(in.vendor));
    if (it != impl_->vendor_scopes.end()) vendor_scope = &it->second;
  }
  Candidate best;
  for (int source = 0; source < 2 && best.rule == nullptr; ++source) {
    std::string_view words = source == 0 ? std::string_view(text) : std::string_view(context);
    if (words.empty()) continue;
    if (vendor_scope != nullptr) best = impl_->BestIn(*vendor_scope, true, words, in, reply, status);
    if (best.rule == nullptr) best = impl_->BestIn(impl_->generic, false, words, in, reply, status);
    best.from_context = source == 1;
  }

  const Default* sd = impl_->StatusDefault(status, in.vendor);
  std::string_view vendor_name = VendorName(in.vendor);

  // When the server gave no words, the recipient's own exact status code (a
  // row naming its detail, not "X.4.0" or a wildcard) outweighs wording found
  // elsewhere in the report: "Status: 4.4.7" beats a transcript's "Connection
  // refused by [127.0.0.1]".
  bool own_code_first = best.rule != nullptr && best.from_context && text.empty() && sd != nullptr &&
                        !status_from_text && status.detail != 0 && Specificity(sd->status) >= 200;

  if (best.rule != nullptr && !own_code_first &&
      (best.vendor || sd == nullptr || best.rule->priority > sd->strength ||
       best.rule->reason == sd->reason)) {
    out.reason = best.rule->reason;
    out.rule_id = "reason_rules:" + best.rule->id;
    out.advice = best.rule->advice;
    if (best.vendor) {
      out.evidence = std::string(vendor_name) + "'s wording: " + Quote(best.matched);
    } else if (best.from_context) {
      out.evidence = "wording in the report's text: " + Quote(best.matched);
    } else {
      out.evidence = "wording: " + Quote(best.matched);
    }
    return out;
  }
  // A delay whose only clue is a vague status (strength 0) is reported as a delay.
  if (sd != nullptr && sd->strength == 0 && best.rule == nullptr && in.action == "delayed") sd = nullptr;
  if (sd != nullptr) {
    out.reason = sd->reason;
    out.rule_id = "status_defaults:" + sd->code_text + (sd->scope == "generic" ? "" : "@" + sd->scope);
    out.evidence = "status " + status.ToString() + " (" + sd->meaning;
    if (sd->scope != "generic") out.evidence += ", as " + std::string(vendor_name) + " uses it";
    if (status_from_text) out.evidence += ", written in the server's reply";
    out.evidence += ")";
    if (best.rule != nullptr) {
      out.evidence += "; it outweighs the wording " + Quote(best.matched);
    }
    return out;
  }
  bool has_words = !text.empty() || !context.empty();
  if (in.command == SmtpCommand::kConnect || in.command == SmtpCommand::kHelo ||
      in.command == SmtpCommand::kEhlo) {
    if (reply >= 400 || has_words) {
      out.reason = Reason::kBlocked;
      out.rule_id = "fallback:greeting";
      out.evidence = "refused at the " + std::string(SmtpCommandName(in.command)) +
                     " stage, before any address was sent, with no clearer reason";
      return out;
    }
  }
  if (const Default* rd = impl_->ReplyDefault(reply, in.vendor)) {
    out.reason = rd->reason;
    out.rule_id = "status_defaults:" + rd->code_text + (rd->scope == "generic" ? "" : "@" + rd->scope);
    out.evidence = "reply code " + std::to_string(reply) + " (" + rd->meaning + ")";
    return out;
  }
  if (in.action == "delayed") {
    out.reason = Reason::kExpired;
    out.rule_id = "fallback:delayed";
    out.evidence = "the report says delivery is delayed and gives no other reason";
    return out;
  }
  if (has_words) {
    out.reason = Reason::kOnHold;
    out.rule_id = "fallback:onhold";
    out.evidence = "the server's words match no known pattern";
    return out;
  }
  out.reason = Reason::kUndefined;
  out.rule_id = "fallback:undefined";
  out.evidence = "the report gives no reason: no words from the server";
  if (!status.empty()) out.evidence += " and status " + status.ToString() + " says nothing more";
  return out;
}


}  // namespace ndr
