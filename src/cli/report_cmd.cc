// ndr report: the triage report over many bounces (text, Markdown, JSON, HTML).
#include <unistd.h>

#include <boost/program_options.hpp>
#include <ctime>
#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "cli/parse_args.h"
#include "cli/process.h"
#include "ndr/history.h"
#include "ndr/report.h"

namespace po = boost::program_options;

namespace ndr {
namespace cli {

namespace {

// ProcessInputs finishes its sink before it returns the counts the headline
// needs; the report is finished after them.
class WritesOnly : public RecordSink {
 public:
  explicit WritesOnly(RecordSink* inner) : inner_(inner) {}
  void Write(const Record& record) override { inner_->Write(record); }

 private:
  RecordSink* inner_;
};

// "30d" (the last 30 days, today included) or a day "2026-11-01".
bool ParseSince(const std::string& text, std::string* day) {
  if (text.empty()) return true;
  long number;
  if (DayNumber(text, &number)) {
    *day = text;
    return true;
  }
  if (text.size() < 2 || text.back() != 'd') return false;
  long days = 0;
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9' || days > 100000) return false;
    days = days * 10 + (text[i] - '0');
  }
  if (days < 1) return false;
  long today = static_cast<long>(std::time(nullptr) / 86400);
  *day = DayFromNumber(today - days + 1);
  return true;
}

// Reads JSON Lines records of `ndr scan` into the sink; counts bad lines.
bool ReadJsonRecords(const std::string& path, RecordSink* sink, size_t* records) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) {
      std::cerr << "ndr report: cannot read " << path << "\n";
      return false;
    }
    in = &file;
  }
  std::string line, error;
  size_t number = 0, bad = 0;
  while (std::getline(*in, line)) {
    ++number;
    if (line.empty()) continue;
    Record r;
    if (!RecordFromJson(line, &r, &error)) {
      if (++bad <= 3) std::cerr << "ndr report: " << path << ":" << number << ": " << error << "\n";
      continue;
    }
    sink->Write(r);
    ++*records;
  }
  if (bad > 3) std::cerr << "ndr report: " << path << ": " << bad << " lines are not records\n";
  return !in->bad();
}

}  // namespace

int RunReport(int argc, char** argv) {
  std::string format = "text", output, suppress, since, history_path;
  ReportOptions report_options;
  std::vector<std::string> paths;
  po::options_description visible(
      "usage: ndr report [options] PATH...\n"
      "\n"
      "A triage report over many bounces: what is going wrong, how many recipients\n"
      "each problem affects, what to do first, and which addresses to stop mailing.\n"
      "PATHs are what `ndr scan` reads (folders, maildirs, mbox files), or with\n"
      "--from-json the JSON Lines `ndr scan` wrote.\n"
      "  ndr report bounces.mbox\n"
      "  ndr report --format html -o report.html ~/Maildir/.Bounces\n"
      "  ndr scan ~/Maildir/.Bounces > records.jsonl; ndr report --from-json records.jsonl\n"
      "  ndr report --suppress suppress.csv ~/Maildir/.Bounces\n"
      "  ndr scan --history bounces.db ~/Maildir/.Bounces       # a daily cron job\n"
      "  ndr report --history bounces.db --since 30d --format html -o month.html\n"
      "\n"
      "Exit status: 0 done, 2 usage error or an input could not be read.\n"
      "\n"
      "options");
  visible.add_options()
      ("help,h", "show this help")
      ("format,f", po::value<std::string>(&format)->default_value("text"),
       "text, markdown, json or html (one self-contained page)")
      ("output,o", po::value<std::string>(&output), "write the report to FILE instead of standard output")
      ("from-json", "the inputs are JSON Lines records of `ndr scan` (- for standard input)")
      ("suppress", po::value<std::string>(&suppress),
       "also write the addresses to stop mailing to FILE as CSV (address,reason,last_date,evidence)")
      ("details", "text and markdown: list the recipients behind every figure")
      ("history", po::value<std::string>(&history_path),
       "store the inputs' records in this SQLite database (as `ndr scan --history` does), then\n"
       "report over everything it holds; PATHs may then be left out")
      ("since", po::value<std::string>(&since),
       "report only records from this day on: 30d (the last 30 days) or 2026-11-01")
      ("soft-days", po::value<int>(&report_options.soft_days)->default_value(5),
       "an address that soft-bounced on this many distinct days ...")
      ("soft-span", po::value<int>(&report_options.soft_span_days)->default_value(15),
       "... over at least this many days, with no later delivery, is to stop mailing")
      ("verbose,v", "name each message that is not a bounce, and damage noticed while reading")
      ("no-progress", "no progress line on stderr (it is shown only when stderr is a terminal)")
      ("text", "read every file as pasted bounce text");
  po::variables_map vm;
  int status = ParseArgs(argc, argv, "report", visible, &paths, &vm);
  if (status >= 0) return status;
  ReportFormat report_format;
  if (!ParseReportFormat(format, &report_format)) {
    std::cerr << "ndr report: unknown format '" << format << "' (use text, markdown, json or html)\n";
    return 2;
  }
  if (!ParseSince(since, &report_options.since)) {
    std::cerr << "ndr report: --since takes a number of days (30d) or a day (2026-11-01), not '" << since << "'\n";
    return 2;
  }
  if (report_options.soft_days < 1 || report_options.soft_span_days < 1) {
    std::cerr << "ndr report: --soft-days and --soft-span must be at least 1\n";
    return 2;
  }
  if (paths.empty() && history_path.empty()) {
    std::cerr << "ndr report: name at least one file or folder (or - for standard input), or --history FILE\n";
    return 2;
  }
  AnalyzeOptions analyze_options;
  analyze_options.load_threads = EffectiveJobs(0);  // the tables compile on every core
  std::string error;
  auto analyzer = Analyzer::Create(analyze_options, &error);
  auto builder = analyzer ? ReportBuilder::Create(analyzer->reasons(), report_options, &error) : nullptr;
  if (!builder) {
    std::cerr << "ndr: built-in tables are broken: " << error << "\n";
    return 2;
  }

  std::ofstream out_file, csv_file;
  if (!output.empty()) {
    out_file.open(output, std::ios::binary | std::ios::trunc);
    if (!out_file) {
      std::cerr << "ndr report: cannot write " << output << "\n";
      return 2;
    }
  }
  if (!suppress.empty()) {
    csv_file.open(suppress, std::ios::binary | std::ios::trunc);
    if (!csv_file) {
      std::cerr << "ndr report: cannot write " << suppress << "\n";
      return 2;
    }
  }
  RenderOptions render_options;
  render_options.details = vm.count("details") > 0;
  std::ostream& out = output.empty() ? std::cout : out_file;
  ReportSink sink(std::move(builder), report_format, render_options, out, suppress.empty() ? nullptr : &csv_file);
  WritesOnly feed(&sink);

  // With --history the inputs go to the database; the report reads it all.
  std::unique_ptr<History> history;
  std::unique_ptr<HistorySink> history_sink;
  RecordSink* input = &feed;
  if (!history_path.empty()) {
    history = History::Open(history_path, &error);
    if (!history) {
      std::cerr << "ndr report: " << error << "\n";
      return 2;
    }
    history_sink = std::make_unique<HistorySink>(history.get(), nullptr);
    input = history_sink.get();
  }
  size_t read_errors = 0;
  if (paths.empty()) {
    // --history alone: nothing new to read.
  } else if (vm.count("from-json")) {
    size_t records = 0;
    for (const std::string& path : paths) {
      if (!ReadJsonRecords(path, input, &records)) ++read_errors;
    }
  } else {
    ProcessOptions options;
    options.report_not_bounce = vm.count("verbose") > 0;
    options.report_problems = vm.count("verbose") > 0;
    options.progress = !vm.count("no-progress") && isatty(STDERR_FILENO);
    options.as_text = vm.count("text") > 0;
    ProcessStats stats = ProcessInputs(*analyzer, paths, options, input);
    // A history report covers more than this run read: no message counts then.
    if (!history) sink.builder().SetInputCounts(stats.messages, stats.bounces, stats.not_bounces);
    read_errors += stats.errors();
  }
  if (history) {
    history_sink->Finish();
    std::string history_error = history_sink->error();
    if (history_error.empty()) {
      history->ForEach([&feed](const Record& r) { feed.Write(r); }, &history_error);
    }
    if (!history_error.empty()) {
      std::cerr << "ndr report: " << history_path << ": " << history_error << "\n";
      return 2;
    }
  }
  sink.Finish();
  if (!out || (!suppress.empty() && !csv_file)) {
    std::cerr << "ndr report: could not write the report (disk full?)\n";
    return 2;
  }
  if (!output.empty()) {
    out_file.close();
    if (!out_file) {
      std::cerr << "ndr report: could not write " << output << "\n";
      return 2;
    }
  }
  return read_errors > 0 ? 2 : 0;
}

}  // namespace cli
}  // namespace ndr
