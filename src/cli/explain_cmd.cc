// ndr explain: analyze bounces and explain them.
#include <unistd.h>

#include <boost/program_options.hpp>
#include <iostream>

#include "cli/commands.h"
#include "cli/parse_args.h"
#include "cli/process.h"

namespace po = boost::program_options;

namespace ndr {
namespace cli {

int RunExplain(int argc, char** argv) {
  std::string format = "text";
  std::string rules = "all";
  std::vector<std::string> files;
  po::options_description visible(
      "usage: ndr explain [options] [FILE...]\n"
      "\n"
      "Reads bounces from the files named (or one from standard input) and tells,\n"
      "for each recipient, what happened, why, who must act and what to do next.\n"
      "An mbox file is read message by message. Text without a header block (a\n"
      "bounce pasted from a mail client, or one server reply line) is read as\n"
      "pasted bounce text.\n"
      "\n"
      "Exit status: 0 every input was a bounce and was analyzed, 1 an input was\n"
      "not a bounce, named no recipient or was empty, 2 usage or read error.\n"
      "\n"
      "options");
  visible.add_options()
      ("help,h", "show this help")
      ("rules", po::value<std::string>(&rules)->default_value("all"),
       "diagnostic: 'generic' uses only rules no format or vendor owns (no format markers,\n"
       "no vendor detection or vendor rows), to see how unknown layouts are read")
      ("format,f", po::value<std::string>(&format)->default_value("text"),
       "output format: text (for people), json (JSON Lines, one object per recipient), csv or sisimai")
      ("problems", "also report damage noticed while reading (bad charsets, truncated MIME)")
      ("verbose,v", "text output: add technical remarks (a reply code the RFCs do not allow at that stage)")
      ("text", "read every input as pasted bounce text, even when it starts like a message");
  visible.add(LimitOptions());
  po::variables_map vm;
  int status = ParseArgs(argc, argv, "explain", visible, &files, &vm);
  if (status >= 0) return status;
  std::unique_ptr<RecordSink> sink;
  if (!MakeSink(format, vm.count("verbose") > 0, &sink)) {
    std::cerr << "ndr explain: unknown format '" << format << "' (use text, json, csv or sisimai)\n";
    return 2;
  }
  AnalyzeOptions analyze_options;
  if (!ParseRuleScope(rules, &analyze_options.rules)) {
    std::cerr << "ndr explain: unknown --rules '" << rules << "' (use all or generic)\n";
    return 2;
  }
  std::string limit_error;
  if (!ReadLimitOptions(vm, &analyze_options.limits, &limit_error)) {
    std::cerr << "ndr explain: " << limit_error << "\n";
    return 2;
  }
  analyze_options.code_meanings = sink->ShowsCodeMeanings();
  // One bounce waits for the tables: compile them on every core.
  analyze_options.load_threads = EffectiveJobs(0);
  std::string error;
  auto analyzer = Analyzer::Create(analyze_options, &error);
  if (!analyzer) {
    std::cerr << "ndr: built-in tables are broken: " << error << "\n";
    return 2;
  }
  ProcessOptions options;
  options.report_problems = vm.count("problems") > 0;
  options.as_text = vm.count("text") > 0;
  ProcessStats stats = ProcessInputs(*analyzer, files, options, sink.get());
  if (stats.errors() > 0) return 2;
  if (stats.messages == 0) {
    // Empty files hold no message; exit 1 alone would leave the user guessing.
    std::cerr << "ndr: no message to explain: the input is empty\n";
    return 1;
  }
  // Nothing to act on for some input: not a bounce, or a bounce naming no recipient.
  if (stats.not_bounces > 0 || stats.bounces_without_records > 0) return 1;
  return 0;
}

}  // namespace cli
}  // namespace ndr
