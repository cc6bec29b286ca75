// Whole-buffer helpers of the input layer: the mbox line rules (shared with
// the stream reader in inputs.cc through mbox_scan.h) and reading one file.
#include "ndr/mailbox.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>
#include <filesystem>

#include "io/mbox_scan.h"

namespace ndr {

bool ReadWholeFile(const std::string& path, std::string* out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = path + ": " + std::strerror(errno);
    return false;
  }
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
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

bool LooksLikeMbox(std::string_view data) { return data.substr(0, 5) == "From "; }

namespace io {

bool HasTimeOfDay(std::string_view line) {
  auto digit = [&](size_t i) { return isdigit(static_cast<unsigned char>(line[i])) != 0; };
  for (size_t i = 5; i + 4 < line.size(); ++i) {
    if (line[i + 2] == ':' && digit(i) && digit(i + 1) && digit(i + 3) && digit(i + 4)) return true;
  }
  return false;
}

bool IsQuotedFromLine(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && line[i] == '>') ++i;
  return i > 0 && line.compare(i, 5, "From ") == 0;
}

}  // namespace io

std::vector<std::string_view> SplitMbox(std::string_view data) {
  std::vector<std::string_view> out;
  io::MboxScan scan;
  io::ScanMbox(data, /*at_end=*/true, &scan,
               [&](const io::MboxCut& c) { out.push_back(data.substr(c.begin, c.end - c.begin)); });
  return out;
}

std::string UnquoteFromLines(std::string_view message) {
  std::string out;
  out.reserve(message.size());
  size_t pos = 0;
  while (pos < message.size()) {
    size_t eol = message.find('\n', pos);
    size_t next = eol == std::string_view::npos ? message.size() : eol + 1;
    std::string_view line = message.substr(pos, next - pos);
    if (io::IsQuotedFromLine(line)) line.remove_prefix(1);
    out.append(line);
    pos = next;
  }
  return out;
}

}  // namespace ndr
