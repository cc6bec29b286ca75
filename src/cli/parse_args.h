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

// The analysis limits as options (--max-message-size, --max-header-line,
// --max-headers, --max-header-size, --max-depth, --max-parts,
// --max-recipients, --max-decoded-size, --max-time), each defaulting to
// Limits(). Sizes take a K, M or G suffix (powers of 1024).
boost::program_options::options_description LimitOptions();
// Sets the fields of *limits whose options were given; false with *error
// ("--max-parts: ...") for a value that is no positive number.
bool ReadLimitOptions(const boost::program_options::variables_map& vm, Limits* limits, std::string* error);

// The value of --rules: "all" (default) or "generic" (the diagnostic mode of
// RuleScope::kGeneric). False for any other word.
bool ParseRuleScope(const std::string& word, RuleScope* out);

}  // namespace cli
}  // namespace ndr

#endif  // NDR_SRC_CLI_PARSE_ARGS_H_
