// ndr scan: analyze every message of folders, maildirs and mbox files.
#include <unistd.h>

#include <boost/program_options.hpp>
#include <iostream>

#include "cli/commands.h"
#include "cli/parse_args.h"
#include "cli/process.h"

namespace po = boost::program_options;

namespace ndr {
namespace cli {

int RunScan(int argc, char** argv) {
  std::string format = "json";
  std::vector<std::string> paths;
  po::options_description visible(
      "usage: ndr scan [options] PATH...\n"
      "\n"
      "Analyzes every message in the folders (maildirs included), mbox files and\n"
      "files named, and writes one JSON object per recipient (JSON Lines).\n"
      "Messages that are not bounces produce no record.\n"
      "\n"
      "Exit status: 0 done, 1 no bounce found, 2 usage error or an input could not\n"
      "be read (the others are still scanned).\n"
      "\n"
      "options");
  visible.add_options()
      ("help,h", "show this help")
      ("format,f", po::value<std::string>(&format)->default_value("json"),
       "output format: json (JSON Lines) or text")
      ("verbose,v", "name each message that is not a bounce, and damage noticed while reading")
      ("no-progress", "no progress line on stderr (it is shown only when stderr is a terminal)");
  po::variables_map vm;
  int status = ParseArgs(argc, argv, "scan", visible, &paths, &vm);
  if (status >= 0) return status;
  if (paths.empty()) {
    std::cerr << "ndr scan: name at least one file or folder (or - for standard input)\n";
    return 2;
  }
  std::unique_ptr<RecordSink> sink;
  if (!MakeSink(format, &sink)) {
    std::cerr << "ndr scan: unknown format '" << format << "' (use json or text)\n";
    return 2;
  }
  std::string error;
  auto analyzer = Analyzer::Create(AnalyzeOptions(), &error);
  if (!analyzer) {
    std::cerr << "ndr: built-in tables are broken: " << error << "\n";
    return 2;
  }
  ProcessOptions options;
  options.report_not_bounce = vm.count("verbose") > 0;
  options.report_problems = vm.count("verbose") > 0;
  options.progress = !vm.count("no-progress") && isatty(STDERR_FILENO);
  ProcessStats stats = ProcessInputs(*analyzer, paths, options, sink.get());
  std::cerr << "ndr scan: " << stats.messages << " messages, " << stats.bounces << " bounces, "
            << stats.records << " records";
  if (stats.not_bounces) std::cerr << ", " << stats.not_bounces << " not bounces";
  if (stats.bounces_without_records) {
    std::cerr << ", " << stats.bounces_without_records << " bounces naming no recipient";
  }
  if ((stats.not_bounces || stats.bounces_without_records) && !options.report_not_bounce) {
    std::cerr << " (-v names them)";
  }
  if (stats.read_errors) std::cerr << ", " << stats.read_errors << " unreadable";
  std::cerr << "\n";
  if (stats.read_errors > 0) return 2;
  return stats.bounces == 0 ? 1 : 0;
}

}  // namespace cli
}  // namespace ndr
