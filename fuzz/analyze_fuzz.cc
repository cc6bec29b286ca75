// libFuzzer target: the whole analyze path, bytes -> records -> text and JSON.
// Both readings are tried: as a message (Analyze) and as pasted bounce text
// (AnalyzeText). Analyze must never throw, and whatever it gives must render.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

#include "ndr/analyzer.h"
#include "ndr/render.h"

namespace {

const ndr::Analyzer& TheAnalyzer() {
  static const std::unique_ptr<ndr::Analyzer> analyzer = [] {
    std::string error;
    auto a = ndr::Analyzer::Create(ndr::AnalyzeOptions(), &error);
    if (!a) std::abort();
    return a;
  }();
  return *analyzer;
}

void Render(const ndr::Analysis& a) {
  std::ostringstream text;
  std::ostringstream json;
  auto text_sink = ndr::MakeTextSink(text, true);
  auto json_sink = ndr::MakeJsonLinesSink(json);
  for (const ndr::Record& r : a.records) {
    text_sink->Write(r);
    json_sink->Write(r);
  }
  text_sink->Finish();
  json_sink->Finish();
  // Text output never carries a raw escape character from the input.
  if (text.str().find('\x1b') != std::string::npos) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  Render(TheAnalyzer().Analyze(bytes, "fuzz"));
  Render(TheAnalyzer().AnalyzeText(bytes, "fuzz"));
  return 0;
}
