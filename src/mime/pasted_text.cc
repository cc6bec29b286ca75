#include "mime/pasted_text.h"

#include <re2/re2.h>

#include <cctype>
#include <cstring>

#include "core/strings.h"
#include "knowledge/first_bytes.h"
#include "knowledge/tsv.h"

namespace ndr {
namespace internal {
namespace {

// A forwarded copy's header lines follow its separator closely.
constexpr size_t kMaxLinesSearched = 400;

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (end == text.size()) break;
    pos = end + 1;
  }
  return lines;
}

bool IsBlank(std::string_view line) { return Trim(line).empty(); }

// "> > text" -> "text".
std::string_view Unquote(std::string_view line) {
  while (true) {
    size_t i = 0;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t') && i < 4) ++i;
    if (i >= line.size() || line[i] != '>') return line;
    line.remove_prefix(i + 1);
    if (!line.empty() && line[0] == ' ') line.remove_prefix(1);
  }
}

// Quoting is removed when most non-blank lines carry it (a reply quoting the
// bounce), so that a lone "> " inside a bounce stays as it is.
bool MostlyQuoted(const std::vector<std::string_view>& lines) {
  size_t text = 0, quoted = 0;
  for (std::string_view line : lines) {
    if (IsBlank(line)) continue;
    ++text;
    if (Unquote(line).size() != line.size()) ++quoted;
  }
  return text > 0 && quoted * 2 > text;
}

}  // namespace

PastedTextReader::~PastedTextReader() = default;

std::unique_ptr<PastedTextReader> PastedTextReader::Create(std::string* error) {
  TsvTable table;
  if (!LoadEmbeddedTsv("pasted_text.tsv", {"where", "field", "pattern", "sample"}, &table, error)) return nullptr;
  std::unique_ptr<PastedTextReader> reader(new PastedTextReader());
  RE2::Options options;
  options.set_case_sensitive(false);
  options.set_log_errors(false);
  std::string separators;  // the forwarded rows as one alternation: one match per line
  for (const TsvRow& row : table.rows) {
    std::string_view where = table.Cell(row, "where");
    auto re = std::make_unique<RE2>(std::string(table.Cell(row, "pattern")), options);
    if (!re->ok()) {
      *error = table.Where(row, "bad pattern: " + re->error());
      return nullptr;
    }
    if (where == "forwarded") {
      if (!separators.empty()) separators += '|';
      separators += "(?:" + std::string(table.Cell(row, "pattern")) + ")";
      reader->separator_starts_ |= FirstBytes(table.Cell(row, "pattern"));
    } else if (where == "field") {
      std::string_view field = table.Cell(row, "field");
      if (field.empty() || re->NumberOfCapturingGroups() != 1) {
        *error = table.Where(row, "a field row needs a field name and exactly one capture group");
        return nullptr;
      }
      std::string name(field);
      name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
      reader->fields_.push_back({name, std::move(re)});
    } else {
      *error = table.Where(row, "unknown where '" + std::string(where) + "'");
      return nullptr;
    }
  }
  if (!separators.empty()) {
    reader->forwarded_ = std::make_unique<RE2>(separators, options);
    if (!reader->forwarded_->ok()) {
      *error = "data/pasted_text.tsv: the forwarded patterns do not compile together";
      return nullptr;
    }
  }
  return reader;
}

bool PastedTextReader::LooksPasted(std::string_view bytes) {
  size_t pos = 0;
  while (pos < bytes.size() && (bytes[pos] == '\n' || bytes[pos] == '\r' || bytes[pos] == ' ' ||
                                bytes[pos] == '\t')) {
    ++pos;
  }
  if (pos >= bytes.size()) return false;  // nothing at all: not text to read
  std::string_view first = bytes.substr(pos, bytes.find('\n', pos) - pos);
  if (first.compare(0, 5, "From ") == 0) return false;  // an mbox
  // A header field name as mail systems write them (letters, digits, '-',
  // '_'), then a colon; "<jo@example.net>: ..." opens a bounce text instead.
  size_t i = 0;
  while (i < first.size() && i < 80 &&
         (std::isalnum(static_cast<unsigned char>(first[i])) || first[i] == '-' || first[i] == '_')) {
    ++i;
  }
  return !(i > 0 && i < first.size() && first[i] == ':');
}

// RE2 runs only on a line whose first byte a separator can start with: most
// lines of a text fail that test.
bool PastedTextReader::IsSeparator(std::string_view trimmed_line) const {
  return forwarded_ && !trimmed_line.empty() && separator_starts_[static_cast<unsigned char>(trimmed_line[0])] &&
         RE2::FullMatch(re2::StringPiece(trimmed_line.data(), trimmed_line.size()), *forwarded_);
}

size_t PastedTextReader::ForwardSeparatorAt(std::string_view text) const {
  if (!forwarded_) return std::string_view::npos;
  // The lines Read searches, as it reads them (trimmed, a quote's marks
  // removed).
  size_t begin = 0;
  for (size_t lines = 0; lines < kMaxLinesSearched && begin < text.size(); ++lines) {
    const void* nl = std::memchr(text.data() + begin, '\n', text.size() - begin);
    const size_t end = nl == nullptr ? text.size() : static_cast<size_t>(static_cast<const char*>(nl) - text.data());
    const size_t line_start = begin;
    const std::string_view line = Trim(Unquote(Trim(text.substr(begin, end - begin))));
    begin = end + 1;
    if (IsSeparator(line)) return line_start;
  }
  return std::string_view::npos;
}

Message PastedTextReader::Read(std::string_view text, const Limits& limits) const {
  Message message;
  message.pasted = true;
  if (text.size() > limits.max_message_bytes) {
    text = text.substr(0, limits.max_message_bytes);
    message.problems.push_back(
        {ProblemKind::kLimit, "input truncated to " + std::to_string(limits.max_message_bytes) + " bytes"});
  }
  std::string utf8;
  if (!ToUtf8(text, "utf-8", &utf8)) {
    message.problems.push_back({ProblemKind::kCharset, "invalid UTF-8 in the text replaced"});
  }
  std::vector<std::string_view> lines = SplitLines(utf8);
  if (MostlyQuoted(lines)) {
    for (std::string_view& line : lines) line = Unquote(line);
  }

  // A forwarded copy: its separator, then its header lines; what a person
  // wrote above the separator is not part of the bounce.
  size_t body_from = 0;
  Headers forwarded;  // the forwarded copy's header lines, the message's header
  for (size_t i = 0; i < lines.size() && i < kMaxLinesSearched; ++i) {
    if (!IsSeparator(Trim(lines[i]))) continue;
    Headers headers;
    size_t j = i + 1;
    while (j < lines.size() && IsBlank(lines[j]) && j < i + 3) ++j;
    for (; j < lines.size(); ++j) {
      std::string_view field_line = Trim(lines[j]);
      bool matched = false;
      for (const Field& f : fields_) {
        std::string value;
        if (RE2::FullMatch(re2::StringPiece(field_line.data(), field_line.size()), *f.re, &value)) {
          if (!headers.Has(f.name)) headers.Add(f.name, std::string(Trim(value)));
          matched = true;
          break;
        }
      }
      if (!matched) break;
    }
    if (headers.empty()) continue;  // a separator line inside the text, not a forward
    forwarded = std::move(headers);
    body_from = j;
    break;
  }

  Part part;
  part.content_type = "text/plain";
  part.charset = "utf-8";
  part.headers = std::move(forwarded);
  for (size_t i = body_from; i < lines.size(); ++i) {
    part.body.append(lines[i].data(), lines[i].size());
    part.body.push_back('\n');
  }
  message.parts.push_back(std::move(part));
  return message;
}

}  // namespace internal
}  // namespace ndr
