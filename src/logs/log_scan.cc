// Reading a log file (plain or gzip, as a stream) and the whole path from its
// lines to records.
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>

#include "ndr/logs.h"

namespace ndr {
namespace {

// zlib's error text without the "path: " it puts in front.
std::string GzipError(gzFile in) {
  int code = Z_OK;
  std::string what = gzerror(in, &code);
  if (code == Z_ERRNO) return std::strerror(errno);
  size_t colon = what.rfind(": ");
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

}  // namespace

bool LooksLikeMailLog(std::string_view text) {
  constexpr size_t kLines = 5;           // the first non-blank lines looked at
  constexpr size_t kNeeded = 3;          // of them, this many alike (all, when fewer)
  constexpr size_t kMaxLookedAt = 64u << 10;
  // A sign missed by this many lines cannot be on kNeeded of kLines.
  constexpr size_t kMissesToFail = kLines - kNeeded + 1;
  text = text.substr(0, kMaxLookedAt);
  auto commas = [](std::string_view line) { return std::count(line.begin(), line.end(), ','); };
  // Called for every message a scan reads: lines are read one at a time, and
  // reading stops as soon as no sign of a log can be on enough of them (a
  // message's header lines: after three).
  size_t count = 0, stamped = 0, json = 0, same_commas = 0;
  std::ptrdiff_t first_commas = 0;
  size_t pos = 0;
  while (pos < text.size() && count < kLines) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    if (line.empty()) continue;
    if (count == 0) {
      if (line.rfind("#Software:", 0) == 0 || line.rfind("#Fields:", 0) == 0) return true;
      first_commas = commas(line);  // the others' commas are counted only when it has enough
    }
    ++count;
    // A fixed reference time: only whether a stamp is there matters.
    if (!LeadingLogTime(line, 1).empty()) ++stamped;
    if (line.front() == '{' && line.back() == '}') ++json;
    if (first_commas >= 4 && commas(line) == first_commas) ++same_commas;
    if (count - stamped >= kMissesToFail && count - json >= kMissesToFail && count - same_commas >= kMissesToFail) {
      return false;
    }
  }
  const size_t needed = count < kNeeded ? count : kNeeded;
  return count >= 2 && (stamped >= needed || json >= needed || same_commas >= needed);
}

bool ForEachLogLine(const std::string& path, const std::function<void(std::string_view)>& line,
                    std::string* error) {
  bool from_stdin = path == "-";
  // zlib reads gzip members and passes plain bytes through unchanged, so one
  // reader serves mail.log and mail.log.1.gz (and a gzip piped to stdin).
  gzFile in = from_stdin ? gzdopen(dup(STDIN_FILENO), "rb") : gzopen(path.c_str(), "rb");
  std::string name = from_stdin ? "<stdin>" : path;
  if (in == nullptr) {
    *error = name + ": " + (errno != 0 ? std::strerror(errno) : "cannot open");
    return false;
  }
  gzbuffer(in, 1 << 17);
  std::vector<char> buffer(1 << 20);
  size_t kept = 0;  // bytes of an unfinished line at the start of buffer
  bool ok = true;
  for (;;) {
    if (kept == buffer.size()) buffer.resize(buffer.size() * 2);  // a very long line
    int n = gzread(in, buffer.data() + kept, static_cast<unsigned>(buffer.size() - kept));
    if (n < 0) {
      *error = name + ": " + GzipError(in);
      ok = false;
      break;
    }
    size_t end = kept + static_cast<size_t>(n);
    if (n == 0) {
      if (kept > 0) line(std::string_view(buffer.data(), kept));
      // A gzip stream cut short ends like a file, with an error set.
      int code = Z_OK;
      gzerror(in, &code);
      if (code != Z_OK) {
        *error = name + ": " + GzipError(in);
        ok = false;
      }
      break;
    }
    size_t start = 0;
    for (;;) {
      const void* nl = std::memchr(buffer.data() + start, '\n', end - start);
      if (nl == nullptr) break;
      size_t stop = static_cast<size_t>(static_cast<const char*>(nl) - buffer.data());
      line(std::string_view(buffer.data() + start, stop - start));
      start = stop + 1;
    }
    kept = end - start;
    if (kept > 0 && start > 0) std::memmove(buffer.data(), buffer.data() + start, kept);
  }
  gzclose(in);
  return ok;
}

bool ScanLog(const Analyzer& analyzer, const LogFormats& formats, const std::string& path,
             RecordSink* sink, LogStats* stats, std::string* error) {
  LogOptions options;
  struct stat st;
  // Lines were written before the file was last changed: the year of a
  // syslog time stamp is the one that keeps it at or before that moment.
  if (path != "-" && stat(path.c_str(), &st) == 0) options.reference_time = st.st_mtime;
  LogReader reader(formats, analyzer.extractor(), options);
  std::vector<LogEvent> events;
  std::string source_prefix = (path == "-" ? std::string("<stdin>") : path) + ":";
  uint64_t number = 0;
  bool ok = ForEachLogLine(
      path,
      [&](std::string_view line) {
        ++number;
        events.clear();
        if (reader.Read(line, &events) == 0) return;
        std::string source = source_prefix + std::to_string(number);
        for (LogEvent& e : events) {
          ReportContext report;
          report.date = std::move(e.date);
          Record r = analyzer.RecordFor(std::move(e.finding), source, report);
          r.queue_id = std::move(e.queue_id);
          sink->Write(r);
        }
      },
      error);
  const LogStats& s = reader.stats();
  stats->lines += s.lines;
  stats->failed += s.failed;
  stats->delayed += s.delayed;
  stats->delivered += s.delivered;
  stats->other += s.other;
  return ok;
}

}  // namespace ndr
