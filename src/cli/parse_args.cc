#include "cli/parse_args.h"

#include <iostream>

namespace po = boost::program_options;

namespace ndr {
namespace cli {

int ParseArgs(int argc, char** argv, const char* command, const po::options_description& visible,
              std::vector<std::string>* positional, po::variables_map* vm) {
  po::options_description all;
  all.add(visible).add_options()("positional-argument", po::value<std::vector<std::string>>(positional));
  po::positional_options_description positional_spec;
  positional_spec.add("positional-argument", -1);
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional_spec).run(), *vm);
    po::notify(*vm);
  } catch (const po::error& e) {
    std::cerr << "ndr " << command << ": " << e.what() << "\n(see 'ndr " << command << " --help')\n";
    return 2;
  }
  if (vm->count("help")) {
    std::cout << visible << "\n";
    return 0;
  }
  return -1;
}

bool ParseRuleScope(const std::string& word, RuleScope* out) {
  if (word == "all") {
    *out = RuleScope::kAll;
  } else if (word == "generic") {
    *out = RuleScope::kGeneric;
  } else {
    return false;
  }
  return true;
}

}  // namespace cli
}  // namespace ndr
