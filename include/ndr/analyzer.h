// The facade: bytes of one message in, records out.
//
//   std::string error;
//   auto analyzer = ndr::Analyzer::Create(ndr::AnalyzeOptions(), &error);
//   ndr::Analysis a = analyzer->Analyze(bytes, "bounce.eml");
//
// An Analyzer is created once (it compiles every pattern and loads every
// table) and is immutable afterwards: Analyze is const and may be called from
// many threads at once. Bad input never throws; it yields problems.
#ifndef NDR_ANALYZER_H_
#define NDR_ANALYZER_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ndr/bounce.h"
#include "ndr/codebook.h"
#include "ndr/options.h"
#include "ndr/reasons.h"
#include "ndr/record.h"

namespace ndr {

struct Analysis {
  BounceKind kind = BounceKind::kNotBounce;
  std::vector<Record> records;        // one per recipient; empty for a non-bounce
  std::vector<std::string> problems;  // damage noticed while reading (analysis went on)
  bool is_bounce() const { return kind != BounceKind::kNotBounce; }
};

class Analyzer {
 public:
  // Null with *error set when the built-in tables are inconsistent.
  static std::unique_ptr<Analyzer> Create(const AnalyzeOptions& options, std::string* error);
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  Analysis Analyze(std::string_view bytes, std::string_view source) const;

  const CodeBook& codes() const;
  const ReasonBook& reasons() const;

 private:
  struct Impl;
  explicit Analyzer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ndr

#endif  // NDR_ANALYZER_H_
