// ndr scan: analyze every message of folders, maildirs and mbox files.
#include <unistd.h>

#include <boost/program_options.hpp>
#include <iostream>

#include "cli/commands.h"
#include "cli/parse_args.h"
#include "cli/process.h"
#include "ndr/history.h"
#include "ndr/logs.h"

namespace po = boost::program_options;

namespace ndr {
namespace cli {

namespace {

// ndr scan --log: every named file (or "-") is a mail server's log.
int ScanLogs(const Analyzer& analyzer, const std::vector<std::string>& paths, RecordSink* sink) {
  std::string error;
  auto formats = LogFormats::Load(&error);
  if (!formats) {
    std::cerr << "ndr: built-in tables are broken: " << error << "\n";
    return 2;
  }
  LogStats stats;
  size_t read_errors = 0;
  for (const std::string& path : paths) {
    if (!ScanLog(analyzer, *formats, path, sink, &stats, &error)) {
      std::cerr << "ndr: " << TerminalSafe(error) << "\n";
      ++read_errors;
    }
  }
  sink->Finish();
  std::cerr << "ndr scan --log: " << stats.lines << " lines, " << (stats.failed + stats.delayed)
            << " records (" << stats.failed << " failed, " << stats.delayed << " delayed); skipped "
            << stats.delivered << " successful deliveries and " << stats.other << " other lines";
  if (read_errors) std::cerr << ", " << read_errors << " unreadable";
  std::cerr << "\n";
  if (read_errors > 0) return 2;
  return stats.failed + stats.delayed == 0 ? 1 : 0;
}

}  // namespace

int RunScan(int argc, char** argv) {
  std::string format = "json";
  std::string rules = "all";
  unsigned jobs = 0;
  std::vector<std::string> paths;
  std::string history_path;
  po::options_description visible(
      "usage: ndr scan [options] PATH...\n"
      "\n"
      "Analyzes every message in the folders (read recursively; maildirs from cur/\n"
      "and new/), mbox files (source PATH#N for the N-th message), gzip files\n"
      "(.mbox.gz, .eml.gz: told by content, not by name) and files named, and -\n"
      "for standard input (a mailbox or one message). Writes one JSON object per\n"
      "recipient (JSON Lines), in input order whatever --jobs is. Messages that\n"
      "are not bounces are counted, not printed. A summary goes to stderr.\n"
      "\n"
      "With --log, the files are mail server logs (Postfix, Exim, Sendmail,\n"
      "PowerMTA accounting CSV, KumoMTA JSON records, Exchange message tracking;\n"
      "plain or gzip, - for standard input, formats may be mixed): one record per\n"
      "failed or deferred delivery, source PATH:LINE, date and queue_id from the log.\n"
      "  ndr scan --log /var/log/mail.log /var/log/mail.log.1.gz\n"
      "  journalctl -u postfix -o short-iso | ndr scan --log -\n"
      "\n"
      "Exit status: 0 done, 1 no bounce (no failed or deferred delivery) found, 2\n"
      "usage error, or some inputs failed: a file, folder or message could not be\n"
      "read (unreadable, symbolic-link loop, damaged or truncated gzip, a message\n"
      "larger than 64 MB) or analyzed; each is named on stderr and the others\n"
      "are still scanned.\n"
      "\n"
      "options");
  visible.add_options()
      ("help,h", "show this help")
      ("rules", po::value<std::string>(&rules)->default_value("all"),
       "diagnostic: 'generic' uses only rules no format or vendor owns (no format markers,\n"
       "no vendor detection or vendor rows), to see how unknown layouts are read")
      ("format,f", po::value<std::string>(&format)->default_value("json"),
       "output format: json (JSON Lines), csv (a header row, RFC 4180), sisimai (the JSON array\n"
       "Sisimai's dump writes, its field names) or text")
      ("log", "the inputs are mail server logs: one record per failed or deferred delivery")
      ("history", po::value<std::string>(&history_path),
       "also keep every record in this SQLite database (created when missing); a bounce\n"
       "stored already is not stored again, so a daily run adds only what is new")
      ("verbose,v", "name each message that is not a bounce, and damage noticed while reading; in text "
                     "output, technical remarks (a reply code the RFCs do not allow at that stage)")
      ("jobs,j", po::value<unsigned>(&jobs)->default_value(0),
       "threads that analyze, the one reading the input among them (default 0: one per core); "
       "the output is the same for every number")
      ("quiet,q", "no progress line and no summary on stderr (errors are still reported)")
      ("no-progress", "no progress line on stderr (it is shown only when stderr is a terminal)")
      ("text", "read every file as pasted bounce text (files without a header block are anyway)");
  visible.add(LimitOptions());
  po::variables_map vm;
  int status = ParseArgs(argc, argv, "scan", visible, &paths, &vm);
  if (status >= 0) return status;
  if (paths.empty()) {
    std::cerr << "ndr scan: name at least one file or folder (or - for standard input)\n";
    return 2;
  }
  std::unique_ptr<RecordSink> sink;
  if (!MakeSink(format, vm.count("verbose") > 0, &sink)) {
    std::cerr << "ndr scan: unknown format '" << format << "' (use json, csv, sisimai or text)\n";
    return 2;
  }
  AnalyzeOptions analyze_options;
  if (!ParseRuleScope(rules, &analyze_options.rules)) {
    std::cerr << "ndr scan: unknown --rules '" << rules << "' (use all or generic)\n";
    return 2;
  }
  std::string limit_error;
  if (!ReadLimitOptions(vm, &analyze_options.limits, &limit_error)) {
    std::cerr << "ndr scan: " << limit_error << "\n";
    return 2;
  }
  analyze_options.code_meanings = sink->ShowsCodeMeanings();
  // The tables compile on as many threads as the scan may use (--jobs 1: one).
  analyze_options.load_threads = EffectiveJobs(jobs);
  std::string error;
  auto analyzer = Analyzer::Create(analyze_options, &error);
  if (!analyzer) {
    std::cerr << "ndr: built-in tables are broken: " << error << "\n";
    return 2;
  }
  // --history: records go to the database and on to the output.
  std::unique_ptr<History> history;
  std::unique_ptr<HistorySink> history_sink;
  RecordSink* out = sink.get();
  if (!history_path.empty()) {
    history = History::Open(history_path, &error);
    if (!history) {
      std::cerr << "ndr scan: " << error << "\n";
      return 2;
    }
    history_sink = std::make_unique<HistorySink>(history.get(), sink.get());
    out = history_sink.get();
  }
  auto history_done = [&]() {
    if (!history_sink) return true;
    if (!history_sink->error().empty()) {
      std::cerr << "ndr scan: " << history_path << ": " << history_sink->error() << "\n";
      return false;
    }
    if (!vm.count("quiet")) {
      std::cerr << "ndr scan: " << history_path << ": " << history->added() << " bounces stored, "
                << history->skipped() << " stored already\n";
    }
    return true;
  };
  if (vm.count("log")) {
    int log_status = ScanLogs(*analyzer, paths, out);
    return history_done() ? log_status : 2;
  }
  ProcessOptions options;
  options.report_not_bounce = vm.count("verbose") > 0;
  options.report_problems = vm.count("verbose") > 0;
  bool quiet = vm.count("quiet") > 0;
  options.progress = !quiet && !vm.count("no-progress") && isatty(STDERR_FILENO);
  options.as_text = vm.count("text") > 0;
  options.jobs = jobs;
  ProcessStats stats = ProcessInputs(*analyzer, paths, options, out);
  if (!quiet) {
    std::string line = SummaryLine("ndr scan", stats);
    if ((stats.not_bounces || stats.bounces_without_records) && !options.report_not_bounce) line += " (-v names the messages)";
    std::cerr << line << "\n";
  }
  if (!history_done() || stats.errors() > 0) return 2;
  return stats.bounces == 0 ? 1 : 0;
}

}  // namespace cli
}  // namespace ndr
