// Command-line parsing shared by the subcommands (Boost.ProgramOptions stays
// in src/cli/).
#ifndef NDR_SRC_CLI_PARSE_ARGS_H_
#define NDR_SRC_CLI_PARSE_ARGS_H_

#include <boost/program_options.hpp>
#include <string>
#include <vector>

#include "ndr/options.h"

namespace ndr {
namespace cli {

// Parses argv (argv[0] is the subcommand) against `visible` plus the
// positional arguments, which land in *positional. Returns -1 to go on, or the
// exit status to return at once: 0 after printing --help, 2 after printing a
// usage error ("ndr <command>: ...") on stderr.
int ParseArgs(int argc, char** argv, const char* command,
              const boost::program_options::options_description& visible,
              std::vector<std::string>* positional, boost::program_options::variables_map* vm);

// The value of --rules: "all" (default) or "generic" (the diagnostic mode of
// RuleScope::kGeneric). False for any other word.
bool ParseRuleScope(const std::string& word, RuleScope* out);

}  // namespace cli
}  // namespace ndr

#endif  // NDR_SRC_CLI_PARSE_ARGS_H_
