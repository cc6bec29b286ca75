// The subcommands of the ndr tool. Each parses its own options and returns the
// process exit status (0 ok, 1 "nothing found" as the command defines it,
// 2 usage or read error).
#ifndef NDR_SRC_CLI_COMMANDS_H_
#define NDR_SRC_CLI_COMMANDS_H_

namespace ndr {
namespace cli {

// argv[0] is the subcommand name ("explain", "scan", "code").
int RunExplain(int argc, char** argv);
int RunScan(int argc, char** argv);
int RunCode(int argc, char** argv);
int RunReport(int argc, char** argv);

}  // namespace cli
}  // namespace ndr

#endif  // NDR_SRC_CLI_COMMANDS_H_
