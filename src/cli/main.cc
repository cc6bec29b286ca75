// ndr: explain bounce messages. This file only dispatches to a subcommand.
#include <cerrno>
#include <cstring>
#include <exception>
#include <iostream>
#include <new>

#include "cli/commands.h"
#include "cli/stdout_blocks.h"
#include "ndr/render.h"

namespace {

constexpr const char* kUsage =
    "usage: ndr <command> [options] [files...]\n"
    "\n"
    "Explains bounced mail (non-delivery reports): for each failed recipient,\n"
    "what failed, why, who must act, whether to retry, and whether to stop\n"
    "mailing that address.\n"
    "\n"
    "commands:\n"
    "  explain   analyze bounces (stdin or files) and explain them in plain words\n"
    "  scan      analyze every message in folders, maildirs, mbox files; JSON Lines\n"
    "  code      look up an SMTP reply code or enhanced status code\n"
    "  report    a triage report over many bounces: what goes wrong, what to do first\n"
    "\n"
    "Run 'ndr <command> --help' for the options of a command.\n"
    "Exit status: 0 success, 1 nothing found (e.g. not a bounce), 2 usage, read or\n"
    "write error; 141 when standard output is a closed pipe.\n";

// What a shell reports for a process killed by SIGPIPE (128 + 13): the same
// whether SIGPIPE was ignored (then the write fails with EPIPE) or not.
constexpr int kExitBrokenPipe = 141;

int Dispatch(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << kUsage;
    return 2;
  }
  const char* command = argv[1];
  if (std::strcmp(command, "--help") == 0 || std::strcmp(command, "-h") == 0 ||
      std::strcmp(command, "help") == 0) {
    std::cout << kUsage;
    return 0;
  }
  if (std::strcmp(command, "--version") == 0) {
    std::cout << "ndr " << NDR_VERSION << "\n";
    return 0;
  }
  if (std::strcmp(command, "explain") == 0) return ndr::cli::RunExplain(argc - 1, argv + 1);
  if (std::strcmp(command, "scan") == 0) return ndr::cli::RunScan(argc - 1, argv + 1);
  if (std::strcmp(command, "code") == 0) return ndr::cli::RunCode(argc - 1, argv + 1);
  if (std::strcmp(command, "report") == 0) return ndr::cli::RunReport(argc - 1, argv + 1);
  std::cerr << "ndr: unknown command '" << ndr::TerminalSafe(command) << "'\n\n" << kUsage;
  return 2;
}

}  // namespace

#ifdef NDR_SANITIZED
// A sanitizer finding exits 1 by default, the status that means "not a
// bounce", so the tests that run ndr would take a finding for an answer. 86
// is a status no ndr command uses; the environment can still override it.
extern "C" const char* __asan_default_options() { return "exitcode=86"; }
extern "C" const char* __ubsan_default_options() { return "exitcode=86:print_stacktrace=1"; }
extern "C" const char* __lsan_default_options() { return "exitcode=86"; }
#endif

// The exception boundary of every command: nothing escapes as an abort. A
// failed write of the output ends the run (quietly for a closed pipe, with
// the shell's status for SIGPIPE); anything else is one line on stderr.
int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  // (What is still pending when main returns, after an error too, is
  // written then.)
  ndr::cli::StdoutBlocks stdout_blocks;
  try {
    int status = Dispatch(argc, argv);
    std::cout.flush();
    ndr::CheckWritten(std::cout);  // output written outside the sinks (code, help)
    return status;
  } catch (const ndr::OutputError& e) {
    if (e.error_number() == EPIPE) return kExitBrokenPipe;
    std::cerr << "ndr: " << e.what() << "\n";
    return 2;
  } catch (const std::bad_alloc&) {
    std::cerr << "ndr: out of memory\n";
  } catch (const std::exception& e) {
    std::cerr << "ndr: " << ndr::TerminalSafe(e.what()) << "\n";
  } catch (...) {
    std::cerr << "ndr: unexpected error\n";
  }
  return 2;
}
