// Runs the built ndr binary for CLI and corpus tests.
#ifndef NDR_TESTS_RUN_COMMAND_H_
#define NDR_TESTS_RUN_COMMAND_H_

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace ndr_test {

struct CommandResult {
  int exit_code = -1;  // -1 when it did not exit normally (crash, signal)
  std::string out;     // stdout
  std::string err;     // stderr, when captured (RunCommandWithStderr)
};

// Runs `command` through the shell; stderr goes where `stderr_to` says
// ("/dev/null" by default).
inline CommandResult RunCommand(const std::string& command, const std::string& stderr_to = "/dev/null") {
  CommandResult r;
  std::string full = command + " 2>" + stderr_to;
  FILE* pipe = popen(full.c_str(), "r");
  if (pipe == nullptr) return r;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) r.out.append(buffer, n);
  int status = pclose(pipe);
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  return r;
}

// Runs `command` through the shell, capturing stdout and stderr apart.
inline CommandResult RunCommandWithStderr(const std::string& command) {
  char err_path[] = "/tmp/ndr_test_stderr_XXXXXX";
  int fd = mkstemp(err_path);
  if (fd < 0) return CommandResult();
  close(fd);
  CommandResult r = RunCommand(command, err_path);
  std::ifstream err(err_path, std::ios::binary);
  r.err.assign(std::istreambuf_iterator<char>(err), std::istreambuf_iterator<char>());
  unlink(err_path);
  return r;
}

inline std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out.push_back(c);
  }
  return out + "'";
}

inline std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

}  // namespace ndr_test

#endif  // NDR_TESTS_RUN_COMMAND_H_
