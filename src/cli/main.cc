// ndr: explain bounce messages. This file only dispatches to a subcommand.
#include <cstring>
#include <iostream>

#include "cli/commands.h"

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
    "\n"
    "Run 'ndr <command> --help' for the options of a command.\n"
    "Exit status: 0 success, 1 nothing found (e.g. not a bounce), 2 usage or read error.\n";

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
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
  std::cerr << "ndr: unknown command '" << command << "'\n\n" << kUsage;
  return 2;
}
