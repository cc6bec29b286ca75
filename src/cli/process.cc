#include "cli/process.h"

#include <unistd.h>

#include <iostream>

#include "ndr/mailbox.h"

namespace ndr {
namespace cli {

namespace {

void AnalyzeOne(const Analyzer& analyzer, std::string_view bytes, const std::string& source,
                const ProcessOptions& options, RecordSink* sink, ProcessStats* stats) {
  ++stats->messages;
  Analysis a = options.as_text ? analyzer.AnalyzeText(bytes, source) : analyzer.Analyze(bytes, source);
  if (options.report_problems) {
    for (const std::string& problem : a.problems) std::cerr << "ndr: " << source << ": " << problem << "\n";
  }
  if (!a.is_bounce()) {
    ++stats->not_bounces;
    if (options.report_not_bounce) std::cerr << "ndr: " << source << ": not a bounce\n";
    return;
  }
  ++stats->bounces;
  if (a.records.empty()) ++stats->bounces_without_records;
  if (a.records.empty() && options.report_not_bounce) {
    std::cerr << "ndr: " << source << ": looks like a bounce, but names no recipient\n";
  }
  for (const Record& r : a.records) {
    sink->Write(r);
    ++stats->records;
  }
}

}  // namespace

bool MakeSink(const std::string& format, bool verbose, std::unique_ptr<RecordSink>* sink) {
  if (format == "json" || format == "jsonl") {
    *sink = MakeJsonLinesSink(std::cout);
    return true;
  }
  if (format == "text") {
    *sink = MakeTextSink(std::cout, verbose);
    return true;
  }
  return false;
}

ProcessStats ProcessInputs(const Analyzer& analyzer, const std::vector<std::string>& paths,
                           const ProcessOptions& options, RecordSink* sink) {
  ProcessStats stats;
  if (paths.empty() || (paths.size() == 1 && paths[0] == "-")) {
    if (isatty(STDIN_FILENO)) {
      std::cerr << "ndr: reading one message from standard input (end it with Ctrl-D; "
                   "or name files, see --help)\n";
    }
    // istream::read, not istreambuf_iterator: a failing read (stdin closed,
    // EBADF/EIO) throws from the stream buffer, and only read() turns that
    // into badbit instead of an uncaught exception.
    std::string data;
    char buffer[1 << 16];
    while (std::cin.read(buffer, sizeof buffer) || std::cin.gcount() > 0) {
      data.append(buffer, static_cast<size_t>(std::cin.gcount()));
    }
    if (std::cin.bad()) {
      std::cerr << "ndr: -: read error (standard input)\n";
      ++stats.read_errors;
      return stats;
    }
    if (!options.as_text && LooksLikeMbox(data)) {
      size_t n = 0;
      for (std::string_view m : SplitMbox(data)) {
        AnalyzeOne(analyzer, m, "-#" + std::to_string(++n), options, sink, &stats);
      }
    } else {
      AnalyzeOne(analyzer, data, "-", options, sink, &stats);
    }
    return stats;
  }
  std::vector<std::string> errors;
  std::vector<std::string> files = ExpandInputs(paths, &errors);
  for (const std::string& e : errors) {
    std::cerr << "ndr: " << e << "\n";
    ++stats.read_errors;
  }
  std::string data;
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string& path = files[i];
    if (options.progress) {
      std::cerr << "\rndr: " << (i + 1) << "/" << files.size() << " files, " << stats.records
                << " records" << std::flush;
    }
    std::string error;
    if (!ReadWholeFile(path, &data, &error)) {
      if (options.progress) std::cerr << "\n";
      std::cerr << "ndr: " << error << "\n";
      ++stats.read_errors;
      continue;
    }
    if (!options.as_text && LooksLikeMbox(data)) {
      size_t n = 0;
      for (std::string_view m : SplitMbox(data)) {
        AnalyzeOne(analyzer, m, path + "#" + std::to_string(++n), options, sink, &stats);
      }
    } else {
      AnalyzeOne(analyzer, data, path, options, sink, &stats);
    }
  }
  if (options.progress) std::cerr << "\n";
  sink->Finish();
  return stats;
}

}  // namespace cli
}  // namespace ndr
