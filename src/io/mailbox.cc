#include "ndr/mailbox.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace ndr {

namespace fs = std::filesystem;

bool ReadWholeFile(const std::string& path, std::string* out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = path + ": " + std::strerror(errno);
    return false;
  }
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  out->clear();
  if (!ec) out->reserve(static_cast<size_t>(size));
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    out->append(buffer, static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) {
    *error = path + ": read error";
    return false;
  }
  return true;
}

std::vector<std::string> ExpandInputs(const std::vector<std::string>& paths,
                                      std::vector<std::string>* errors) {
  std::vector<std::string> out;
  for (const std::string& path : paths) {
    std::error_code ec;
    fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) {
      errors->push_back(path + ": no such file or directory");
      continue;
    }
    if (!fs::is_directory(st)) {
      out.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec);
    if (ec) {
      errors->push_back(path + ": " + ec.message());
      continue;
    }
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) {
        errors->push_back(path + ": " + ec.message());
        break;
      }
      const fs::path& p = it->path();
      std::string name = p.filename().string();
      if (!name.empty() && name[0] == '.') {
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      if (it->is_directory(ec)) {
        if (name == "tmp" && fs::exists(p.parent_path() / "cur", ec)) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file(ec)) found.push_back(p.string());
    }
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

bool LooksLikeMbox(std::string_view data) { return data.substr(0, 5) == "From "; }

namespace {

// A "From " line separates messages when it looks like a postmark:
// "From sender@example.com Mon Jan  5 10:00:00 2026" (a time of day in it).
// Body lines starting with "From " are usually quoted (">From "); this keeps
// the rest from splitting a message, with or without an empty line before.
bool IsSeparator(std::string_view line) {
  if (line.compare(0, 5, "From ") != 0) return false;
  for (size_t i = 5; i + 4 < line.size(); ++i) {
    if (isdigit(static_cast<unsigned char>(line[i])) && isdigit(static_cast<unsigned char>(line[i + 1])) &&
        line[i + 2] == ':' && isdigit(static_cast<unsigned char>(line[i + 3])) &&
        isdigit(static_cast<unsigned char>(line[i + 4]))) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::vector<std::string_view> SplitMbox(std::string_view data) {
  std::vector<std::string_view> out;
  size_t start = std::string_view::npos;  // start of the current message's text
  size_t pos = 0;
  while (pos < data.size()) {
    size_t eol = data.find('\n', pos);
    size_t next = (eol == std::string_view::npos) ? data.size() : eol + 1;
    bool after_blank = pos == 0 || (pos >= 2 && data[pos - 2] == '\n') ||
                       (pos >= 3 && data[pos - 2] == '\r' && data[pos - 3] == '\n');
    std::string_view line = data.substr(pos, next - pos);
    if ((pos == 0 && line.compare(0, 5, "From ") == 0) || (after_blank && line.compare(0, 5, "From ") == 0) ||
        IsSeparator(line)) {
      if (start != std::string_view::npos) out.push_back(data.substr(start, pos - start));
      start = next;
    }
    pos = next;
  }
  if (start != std::string_view::npos && start < data.size()) out.push_back(data.substr(start));
  return out;
}

}  // namespace ndr
