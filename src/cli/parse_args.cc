#include "cli/parse_args.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <limits>

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

namespace {

// "64M", "512k", "1G", "4096" -> bytes; false for anything else or 0.
bool ParseSize(const std::string& text, size_t* out) {
  if (text.empty() || text[0] < '0' || text[0] > '9') return false;
  errno = 0;
  char* end = nullptr;
  unsigned long long value = std::strtoull(text.c_str(), &end, 10);
  if (errno != 0) return false;
  std::string unit(end);
  if (!unit.empty() && (unit.back() == 'B' || unit.back() == 'b')) unit.pop_back();
  int shift = 0;
  if (unit == "k" || unit == "K") shift = 10;
  else if (unit == "m" || unit == "M") shift = 20;
  else if (unit == "g" || unit == "G") shift = 30;
  else if (!unit.empty()) return false;
  if (value == 0 || value > (std::numeric_limits<size_t>::max() >> shift)) return false;
  *out = static_cast<size_t>(value) << shift;
  return true;
}

std::string SizeText(size_t bytes) {
  if (bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + "M";
  if (bytes % (1u << 10) == 0) return std::to_string(bytes >> 10) + "K";
  return std::to_string(bytes);
}

// A limit that is a number of bytes or a count: its flag, its field, what it bounds.
struct NumberLimit {
  const char* flag;
  size_t Limits::*field;
  const char* what;
};

constexpr NumberLimit kSizeLimits[] = {
    {"max-message-size", &Limits::max_message_bytes, "a larger message is not analyzed (stderr names it)"},
    {"max-header-size", &Limits::max_header_bytes, "one header block is cut here"},
    {"max-header-line", &Limits::max_header_line_bytes, "one header field (unfolded) is cut here"},
    {"max-decoded-size", &Limits::max_decoded_part_bytes, "a part's decoded body is cut here"},
};

constexpr NumberLimit kCountLimits[] = {
    {"max-headers", &Limits::max_headers, "header fields read per header block"},
    {"max-parts", &Limits::max_parts, "MIME parts read per message"},
    {"max-recipients", &Limits::max_recipients, "recipients read per report"},
};

}  // namespace

po::options_description LimitOptions() {
  const Limits defaults;
  po::options_description limits(
      "limits (a problem names the limit a message reached; its analysis goes on with what was read)");
  for (const NumberLimit& l : kSizeLimits) {
    limits.add_options()(l.flag, po::value<std::string>()->value_name("BYTES"),
                         (std::string(l.what) + " (default " + SizeText(defaults.*l.field) + ")").c_str());
  }
  for (const NumberLimit& l : kCountLimits) {
    limits.add_options()(l.flag, po::value<std::string>()->value_name("N"),
                         (std::string(l.what) + " (default " + std::to_string(defaults.*l.field) + ")").c_str());
  }
  limits.add_options()("max-depth", po::value<std::string>()->value_name("N"),
                       ("MIME nesting levels followed (default " + std::to_string(defaults.max_depth) + ")").c_str());
  char seconds[32];
  std::snprintf(seconds, sizeof(seconds), "%g", defaults.max_seconds);
  limits.add_options()("max-time", po::value<std::string>()->value_name("SECONDS"),
                       ("analysis time per message, 0 for none (default " + std::string(seconds) + ")").c_str());
  return limits;
}

bool ReadLimitOptions(const po::variables_map& vm, Limits* limits, std::string* error) {
  auto given = [&](const char* flag, std::string* value) {
    if (!vm.count(flag)) return false;
    *value = vm[flag].as<std::string>();
    return true;
  };
  std::string value;
  for (const NumberLimit& l : kSizeLimits) {
    if (given(l.flag, &value) && !ParseSize(value, &(limits->*l.field))) {
      *error = std::string("--") + l.flag + ": '" + value + "' is no size (a number of bytes, or with K, M, G)";
      return false;
    }
  }
  for (const NumberLimit& l : kCountLimits) {
    size_t n = 0;
    if (!given(l.flag, &value)) continue;
    if (value.find_first_not_of("0123456789") != std::string::npos || !ParseSize(value, &n)) {
      *error = std::string("--") + l.flag + ": '" + value + "' is no positive whole number";
      return false;
    }
    limits->*l.field = n;
  }
  if (given("max-depth", &value)) {
    size_t n = 0;
    if (value.find_first_not_of("0123456789") != std::string::npos || !ParseSize(value, &n) || n > 1000) {
      *error = "--max-depth: '" + value + "' is no whole number from 1 to 1000";
      return false;
    }
    limits->max_depth = static_cast<int>(n);
  }
  if (given("max-time", &value)) {
    char* end = nullptr;
    double seconds = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0' || !(seconds >= 0) || seconds > 1e6) {
      *error = "--max-time: '" + value + "' is no number of seconds (0 for no limit)";
      return false;
    }
    limits->max_seconds = seconds;
  }
  return true;
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
