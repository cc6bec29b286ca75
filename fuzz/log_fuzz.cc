// libFuzzer target: the log reader. Every line goes through LogReader (format
// found per line, CSV and #Fields: headers remembered) and every event through
// Analyzer::RecordFor to JSON, as `ndr scan --log` does.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ndr/analyzer.h"
#include "ndr/logs.h"
#include "ndr/render.h"

namespace {

struct Tools {
  std::unique_ptr<ndr::Analyzer> analyzer;
  std::shared_ptr<const ndr::LogFormats> formats;
};

const Tools& TheTools() {
  static const Tools tools = [] {
    Tools t;
    std::string error;
    t.analyzer = ndr::Analyzer::Create(ndr::AnalyzeOptions(), &error);
    t.formats = ndr::LogFormats::Load(&error);
    if (!t.analyzer || !t.formats) std::abort();
    return t;
  }();
  return tools;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Tools& tools = TheTools();
  ndr::LogOptions options;
  options.reference_time = 1796000000;  // fixed: runs repeat
  ndr::LogReader reader(*tools.formats, tools.analyzer->extractor(), options);
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<ndr::LogEvent> events;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    events.clear();
    reader.Read(text.substr(pos, end - pos), &events);
    for (ndr::LogEvent& e : events) {
      ndr::ReportContext report;
      report.date = e.date;
      ndr::Record r = tools.analyzer->RecordFor(std::move(e.finding), "fuzz:1", report);
      (void)ndr::RecordToJson(r);
    }
    pos = end + 1;
  }
  return 0;
}
