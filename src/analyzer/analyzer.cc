#include "ndr/analyzer.h"

#include <chrono>
#include <cstdio>
#include <exception>
#include <future>
#include <new>
#include <system_error>

#include "bounce/markers.h"
#include "extract/text_util.h"
#include "knowledge/reason_book_impl.h"
#include "smtp/reply_text.h"
#include "mime/pasted_text.h"
#include "ndr/explanation.h"
#include "ndr/finding.h"
#include "ndr/message.h"
#include "ndr/verdict.h"

namespace ndr {

struct Analyzer::Impl {
  AnalyzeOptions options;
  std::shared_ptr<const CodeBook> codes;
  std::shared_ptr<const ReasonBook> reasons;
  std::shared_ptr<const internal::BounceMarkers> markers;
  std::unique_ptr<Extractor> extractor;
  std::unique_ptr<Interpreter> interpreter;
  std::unique_ptr<internal::PastedTextReader> pasted;
};

Analyzer::Analyzer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Analyzer::~Analyzer() = default;

namespace {

// Everything Create compiles but the ReasonBook's tables, in the order a
// one-thread Create meets them; `failed_at` names the first that failed.
struct OtherTables {
  enum Step { kNone, kCodes, kSmtpText, kMarkers, kPasted };
  std::shared_ptr<const CodeBook> codes;
  std::shared_ptr<const internal::SmtpText> smtp;
  std::shared_ptr<const internal::BounceMarkers> markers;
  std::unique_ptr<Extractor> extractor;
  std::unique_ptr<internal::PastedTextReader> pasted;
  Step failed_at = kNone;
  std::string error;
};

OtherTables LoadOtherTables(const AnalyzeOptions& options) {
  OtherTables t;
  t.codes = CodeBook::Load(&t.error);
  if (!t.codes) {
    t.failed_at = OtherTables::kCodes;
    return t;
  }
  // One reading of SMTP text for both stages: codes and words agree.
  t.smtp = internal::SmtpText::Load(&t.error);
  if (!t.smtp) {
    t.failed_at = OtherTables::kSmtpText;
    return t;
  }
  t.markers = internal::BounceMarkers::Load(options.rules, &t.error);
  if (!t.markers) {
    t.failed_at = OtherTables::kMarkers;
    return t;
  }
  t.extractor = std::make_unique<Extractor>(t.smtp, t.markers, options.limits);
  t.pasted = internal::PastedTextReader::Create(&t.error);
  if (!t.pasted) t.failed_at = OtherTables::kPasted;
  return t;
}

// `task` on a thread of its own when `threads` > 1; else, or should no thread
// start, on the calling thread when get() asks. get() rethrows what it threw.
template <typename Task>
auto RunAside(unsigned threads, Task task) -> std::future<decltype(task())> {
  if (threads > 1) {
    try {
      return std::async(std::launch::async, task);
    } catch (const std::system_error&) {
      // No thread to be had: the calling thread does it.
    }
  }
  return std::async(std::launch::deferred, task);
}

}  // namespace

std::unique_ptr<Analyzer> Analyzer::Create(const AnalyzeOptions& options, std::string* error) {
  std::string ignored;
  if (error == nullptr) error = &ignored;
  // The ReasonBook's tables, about half the start-up, read no SMTP text while
  // they compile: they compile beside the rest when a second thread is allowed.
  std::string reasons_error;
  std::future<std::unique_ptr<ReasonBook::Impl>> reason_tables = RunAside(
      options.load_threads, [&reasons_error] { return internal::LoadReasonTables(&reasons_error); });
  OtherTables other = LoadOtherTables(options);
  std::unique_ptr<ReasonBook::Impl> tables = reason_tables.get();
  // The error a one-thread Create would meet first: codes, SMTP text, reasons, the rest.
  if (other.failed_at == OtherTables::kCodes || other.failed_at == OtherTables::kSmtpText) {
    *error = other.error;
    return nullptr;
  }
  if (!tables) {
    *error = reasons_error;
    return nullptr;
  }
  if (other.failed_at != OtherTables::kNone) {
    *error = other.error;
    return nullptr;
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->codes = std::move(other.codes);
  impl->reasons = internal::MakeReasonBook(std::move(tables), other.smtp);
  impl->markers = std::move(other.markers);
  impl->extractor = std::move(other.extractor);
  impl->interpreter = std::make_unique<Interpreter>(impl->codes, impl->reasons, options.rules);
  impl->pasted = std::move(other.pasted);
  return std::unique_ptr<Analyzer>(new Analyzer(std::move(impl)));
}

const AnalyzeOptions& Analyzer::options() const { return impl_->options; }
const CodeBook& Analyzer::codes() const { return *impl_->codes; }
const ReasonBook& Analyzer::reasons() const { return *impl_->reasons; }
const Extractor& Analyzer::extractor() const { return *impl_->extractor; }

namespace {

// How many reports inside reports are unwrapped after the first (a person's
// forward of a gateway's notice that passes on a report: one); the bound
// keeps a crafted nest of attachments from costing a pass per level.
constexpr int kMaxReportsInReports = 3;

// Limits::max_seconds for one message, checked between stages and between
// records (each stage is linear in its bounded input, so the overshoot is
// bounded too). Only the time of the message's own stages counts: a batch
// runs them apart.
class Deadline {
 public:
  explicit Deadline(double seconds) : seconds_(seconds) {}
  void Start() { start_ = std::chrono::steady_clock::now(); }
  void Stop() { spent_ += std::chrono::steady_clock::now() - start_; }
  // (Between Start and Stop.)
  bool Passed() const {
    return seconds_ > 0 &&
           std::chrono::duration<double>(spent_ + (std::chrono::steady_clock::now() - start_)).count() > seconds_;
  }
  // The problem: what was not done, and the flag.
  Problem LimitProblem(std::string_view what) const {
    char limit[32];
    std::snprintf(limit, sizeof(limit), "%g", seconds_);
    return {ProblemKind::kLimit,
            "time limit of " + std::string(limit) + " s reached; " + std::string(what) + " (--max-time)"};
  }

 private:
  double seconds_;
  std::chrono::steady_clock::duration spent_{0};
  std::chrono::steady_clock::time_point start_;
};

// The fields every record of a report shares, copied from `report` or, when
// it is an rvalue, moved.
template <typename Context>
void SetReportFields(Context&& report, Record* r) {
  r->sender = std::forward<Context>(report).sender;
  r->subject = std::forward<Context>(report).subject;
  r->message_id = std::forward<Context>(report).message_id;
  r->date = std::forward<Context>(report).date;
  r->bounce_message_id = std::forward<Context>(report).bounce_message_id;
  r->bounce_date = std::forward<Context>(report).bounce_date;
}

}  // namespace

struct Analyzer::Pending {
  Pending(std::string_view b, std::string_view s, bool text, double seconds)
      : bytes(b), source(s), as_text(text), deadline(seconds) {}
  std::string_view bytes;
  std::string_view source;
  bool as_text;
  bool pasted = false;
  bool done = false;
  Deadline deadline;
  Analysis analysis;
  Message message;
  BounceParts parts;
  std::vector<Finding> findings;
};

Analysis Analyzer::Analyze(std::string_view bytes, std::string_view source) const {
  return AnalyzeOne(bytes, source, false);
}

Analysis Analyzer::AnalyzeText(std::string_view text, std::string_view source) const {
  return AnalyzeOne(text, source, true);
}

Analysis Analyzer::AnalyzeOne(std::string_view bytes, std::string_view source, bool as_text) const {
  Pending p(bytes, source, as_text, impl_->options.limits.max_seconds);
  for (Stage stage : kStages) {
    if (!p.done) RunStage(stage, &p);
  }
  return std::move(p.analysis);
}

std::vector<Analysis> Analyzer::AnalyzeBatch(const std::vector<BatchMessage>& messages, bool as_text) const {
  std::vector<Pending> pending;
  pending.reserve(messages.size());
  for (const BatchMessage& m : messages) pending.emplace_back(m.bytes, m.source, as_text, impl_->options.limits.max_seconds);
  for (Stage stage : kStages) {
    for (Pending& p : pending) {
      if (!p.done) RunStage(stage, &p);
    }
  }
  std::vector<Analysis> out;
  out.reserve(pending.size());
  for (Pending& p : pending) out.push_back(std::move(p.analysis));
  return out;
}

// The exception boundary the header promises: whatever a stage throws
// becomes a problem on the result, and the caller goes on with the next
// message.
void Analyzer::RunStage(Stage stage, Pending* p) const {
  std::string why;
  p->deadline.Start();
  try {
    DoStage(stage, p);
    p->deadline.Stop();
    if (stage == Stage::kMakeRecords) p->done = true;
    return;
  } catch (const std::bad_alloc&) {
    why = "out of memory";
  } catch (const std::exception& e) {
    why = e.what();
  } catch (...) {
    why = "unknown error";
  }
  p->done = true;
  p->analysis = Analysis();
  p->analysis.failed = true;
  p->analysis.problems.push_back({ProblemKind::kInternal, "analysis stopped: " + why});
}

void Analyzer::DoStage(Stage stage, Pending* p) const {
  const Limits& limits = impl_->options.limits;
  Analysis& analysis = p->analysis;
  switch (stage) {
    case Stage::kReadMessage: {
      // Input without a header block of its own is read as pasted bounce text.
      p->pasted = p->as_text || internal::PastedTextReader::LooksPasted(p->bytes);
      p->message = p->pasted ? impl_->pasted->Read(p->bytes, limits) : ParseMessage(p->bytes, limits, BodyScope::kText);
      analysis.problems = std::move(p->message.problems);
      if (p->deadline.Passed()) {
        analysis.problems.push_back(p->deadline.LimitProblem("the message was not analyzed beyond its MIME structure"));
        p->done = true;
        return;
      }
      // A bounce a person forwarded, as an attachment or inline: the report is
      // the one to read (the forward's own words are the person's question).
      Message attached;
      if (!p->pasted && (FindAttachedReport(p->message, *impl_->markers, limits, &attached) ||
                         FindForwardedReportText(p->message, *impl_->markers, *impl_->pasted, limits, &attached))) {
        p->message = std::move(attached);
        // What was attached may itself pass on a report attached to it (a
        // gateway's notice over the report of the server behind it).
        for (int level = 0; level < kMaxReportsInReports &&
                            FindAttachedReport(p->message, *impl_->markers, limits, &attached);
             ++level) {
          p->message = std::move(attached);
        }
      }
      return;
    }
    case Stage::kLocateReport: {
      p->parts = LocateBounce(p->message, *impl_->markers, limits);
      for (Problem& problem : p->parts.problems) analysis.problems.push_back(std::move(problem));
      analysis.kind = p->parts.kind;
      if (p->parts.kind == BounceKind::kNotBounce) {
        p->done = true;
        return;
      }
      if (p->deadline.Passed()) {
        analysis.problems.push_back(p->deadline.LimitProblem("no recipient was read"));
        p->done = true;
      }
      return;
    }
    case Stage::kExtract:
      p->findings = impl_->extractor->Extract(p->parts, &analysis.problems);
      return;
    case Stage::kMakeRecords: {
      const BounceParts& parts = p->parts;
      const Headers& original = parts.original_headers;
      ReportContext report;
      report.sender = internal::CleanAddress(original.Get("From"));
      if (report.sender.empty()) report.sender = internal::CleanAddress(parts.per_message.Get("X-Postfix-Sender"));
      if (parts.kind == BounceKind::kFeedbackReport && report.sender.empty()) {
        report.sender = internal::CleanAddress(parts.feedback.Get("Original-Mail-From"));
      }
      report.subject = std::string(original.Get("Subject"));
      report.message_id = std::string(original.Get("Message-ID"));
      report.date = std::string(original.Get("Date"));
      report.bounce_message_id = std::string(p->message.headers().Get("Message-ID"));
      report.bounce_date = std::string(p->message.headers().Get("Date"));

      std::vector<Finding>& findings = p->findings;
      analysis.records.reserve(findings.size());
      for (Finding& f : findings) {
        if (p->deadline.Passed()) {
          analysis.problems.push_back(p->deadline.LimitProblem(std::to_string(findings.size() - analysis.records.size()) +
                                                              " of " + std::to_string(findings.size()) +
                                                              " recipients not analyzed"));
          break;
        }
        Record* record = &analysis.records.emplace_back();
        FillRecord(std::move(f), p->source, &analysis.problems, record);
        // The last record (most reports name one recipient) takes the report's strings.
        if (&f == &findings.back()) {
          SetReportFields(std::move(report), record);
        } else {
          SetReportFields(report, record);
        }
      }
      return;
    }
  }
}

Record Analyzer::RecordFor(Finding f, std::string_view source, const ReportContext& report,
                           std::vector<Problem>* problems) const {
  Record r;
  FillRecord(std::move(f), source, problems, &r);
  SetReportFields(report, &r);
  return r;
}

void Analyzer::FillRecord(Finding f, std::string_view source, std::vector<Problem>* problems, Record* out) const {
  Verdict verdict = impl_->interpreter->Interpret(f);
  if (!f.problem.empty() && problems != nullptr) problems->push_back({ProblemKind::kInternal, f.recipient + ": " + f.problem});
  if (!verdict.problem.empty() && problems != nullptr) problems->push_back({ProblemKind::kInternal, f.recipient + ": " + verdict.problem});
  Explanation explanation = Explain(f, verdict, *impl_->codes, *impl_->reasons, impl_->options.code_meanings);
  Record& r = *out;
  r.source = std::string(source);
  r.recipient = std::move(f.recipient);
  r.original_recipient = std::move(f.original_recipient);
  r.action = std::move(f.action);
  r.status = f.status.ToString();
  r.reply_code = f.reply_code == 0 ? std::string() : std::to_string(f.reply_code);
  r.reason = verdict.reason;
  r.hard_bounce = verdict.hard_bounce;
  r.diagnostic = std::move(f.diagnostic);
  r.remote_mta = std::move(f.remote_mta);
  r.reporting_mta = std::move(f.reporting_mta);
  r.smtp_command = std::string(SmtpCommandName(f.command));
  // The note that a code does not fit the failed command is a technical
  // remark for --verbose text, not part of the explanation.
  r.explanation = explanation.summary;
  r.advice = explanation.advice;
  r.feedback_type = std::move(f.feedback_type);
  r.receiving_vendor_name = std::string(impl_->reasons->VendorName(verdict.receiving_vendor));
  r.receiving_vendor = std::move(verdict.receiving_vendor);
  r.reporting_vendor = std::move(verdict.reporting_vendor);
  r.blocklist = explanation.blocklist;
  r.details = std::move(explanation);
}

}  // namespace ndr
