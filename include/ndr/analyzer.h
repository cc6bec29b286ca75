// The facade: bytes of one message in, records out.
//
//   std::string error;
//   auto analyzer = ndr::Analyzer::Create(ndr::AnalyzeOptions(), &error);
//   ndr::Analysis a = analyzer->Analyze(bytes, "bounce.eml");
//
// An Analyzer is created once (it compiles every pattern and loads every
// table) and is immutable afterwards: Analyze is const and may be called from
// many threads at once. Analyze never throws: bad input yields problems, and an
// error inside (out of memory) a failed Analysis with a problem saying so.
#ifndef NDR_ANALYZER_H_
#define NDR_ANALYZER_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ndr/bounce.h"
#include "ndr/codebook.h"
#include "ndr/finding.h"
#include "ndr/options.h"
#include "ndr/reasons.h"
#include "ndr/record.h"

namespace ndr {

struct Analysis {
  BounceKind kind = BounceKind::kNotBounce;
  std::vector<Record> records;        // one per recipient; empty for a non-bounce
  std::vector<Problem> problems;      // damage noticed while reading (analysis went on)
  // Analysis stopped by an error (out of memory, ...): no records, `kind`
  // unknown; problems say why. The caller reports it and goes on.
  bool failed = false;
  bool is_bounce() const { return kind != BounceKind::kNotBounce; }
};

// What every record of one report shares: the returned original's headers.
// A mail server's log line has no original: then only `date` (the logged
// event's time) is set.
struct ReportContext {
  std::string sender;                  // From of the returned original (or the envelope sender)
  std::string subject;                 // Subject of the returned original
  std::string message_id;              // Message-ID of the returned original
  std::string date;                    // Date of the returned original, or the logged event's time
  std::string bounce_message_id;       // Message-ID of the report itself
  std::string bounce_date;             // Date of the report itself
};

class Analyzer {
 public:
  // Null with *error set when the built-in tables are inconsistent.
  static std::unique_ptr<Analyzer> Create(const AnalyzeOptions& options, std::string* error);
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  // Input without a header block of its own is read as pasted bounce text.
  Analysis Analyze(std::string_view bytes, std::string_view source) const;
  // Reads `text` as bounce text a person pasted or forwarded (quoted with
  // "> ", under a "Forwarded message" separator, or one server reply line),
  // whatever its first line looks like.
  Analysis AnalyzeText(std::string_view text, std::string_view source) const;

  // Several messages, each read as Analyze (AnalyzeText when `as_text`)
  // reads it, with the same results, stage by stage: each stage (MIME,
  // locating the report, extraction, interpretation) runs over all of them
  // before the next. A stage's tables then stay in the processor's cache
  // from one message to the next, where one message at a time finds them
  // evicted by the other stages'. A message's time limit counts its own
  // stages only. Never throws for a message (as Analyze); throws
  // std::bad_alloc only when the batch's own list cannot be allocated.
  struct BatchMessage {
    std::string_view bytes;
    std::string_view source;
  };
  std::vector<Analysis> AnalyzeBatch(const std::vector<BatchMessage>& messages, bool as_text = false) const;

  // One finding -> Verdict -> Explanation -> Record: the path every record
  // takes, whether its finding came from a bounce message or a log line.
  // A failure while deciding (pattern matching out of memory) is added to
  // *problems when given.
  Record RecordFor(Finding finding, std::string_view source, const ReportContext& report,
                   std::vector<Problem>* problems = nullptr) const;

  // The options it was created with (the CLI reads its message-size limit).
  const AnalyzeOptions& options() const;
  const CodeBook& codes() const;
  const ReasonBook& reasons() const;
  // The extraction stage's reading of SMTP text (codes, commands), for
  // findings that come from elsewhere (the log stage).
  const Extractor& extractor() const;

 private:
  struct Impl;
  explicit Analyzer(std::unique_ptr<Impl> impl);
  // One message on its way through the stages, which run in this order.
  struct Pending;
  // RecordFor into *out (a default Record), but the report's fields: the
  // batch builds each record where it stays, in the message's list, instead
  // of moving it there, and moves the report's strings into the last one.
  void FillRecord(Finding finding, std::string_view source, std::vector<Problem>* problems, Record* out) const;
  enum class Stage { kReadMessage, kLocateReport, kExtract, kMakeRecords };
  static constexpr Stage kStages[] = {Stage::kReadMessage, Stage::kLocateReport, Stage::kExtract,
                                      Stage::kMakeRecords};
  // One message through every stage (Analyze, AnalyzeText).
  Analysis AnalyzeOne(std::string_view bytes, std::string_view source, bool as_text) const;
  // Runs `stage` of a message not yet done; what it throws (std::bad_alloc
  // on a hostile input, a library's error) ends the message with a
  // problem, and the caller goes on with the next.
  void RunStage(Stage stage, Pending* p) const;
  void DoStage(Stage stage, Pending* p) const;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ndr

#endif  // NDR_ANALYZER_H_
