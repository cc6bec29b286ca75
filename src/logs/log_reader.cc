// Log lines -> LogEvents: the prefilter, then the matching rows of
// data/log_formats.tsv, then one Finding per recipient.
#include <re2/re2.h>

#include <array>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>

#include "core/strings.h"
#include "extract/text_util.h"
#include "logs/log_formats_impl.h"

namespace ndr {
namespace {

using Fields = std::array<std::string, kLogFieldCount>;

std::string& At(Fields& f, LogField field) { return f[static_cast<int>(field)]; }

// Splits one CSV line (RFC 4180 quoting: "a, b" and "" inside quotes).
void SplitCsv(std::string_view line, std::vector<std::string>* cells) {
  cells->clear();
  std::string cell;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cell.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cells->push_back(std::move(cell));
      cell.clear();
    } else {
      cell.push_back(c);
    }
  }
  cells->push_back(std::move(cell));
}

// A JSON value as the text a field takes: strings as they are, numbers as
// written, an enhanced status code object {"class":5,"subject":1,"detail":1}
// as "5.1.1"; "" for null and anything else.
std::string JsonText(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer() || v.is_number_unsigned()) return std::to_string(v.get<int64_t>());
  if (v.is_number_float()) {
    // A float past int64 (or NaN) is no code or time: "" instead of undefined behaviour.
    double d = v.get<double>();
    return d > -9.2e18 && d < 9.2e18 ? std::to_string(static_cast<int64_t>(d)) : std::string();
  }
  if (v.is_object() && v.contains("class") && v.contains("subject") && v.contains("detail")) {
    return JsonText(v["class"]) + "." + JsonText(v["subject"]) + "." + JsonText(v["detail"]);
  }
  return {};
}

// The value at "a.b" (key b inside object a), null when absent.
const nlohmann::json* JsonAt(const nlohmann::json& root, std::string_view path) {
  const nlohmann::json* v = &root;
  while (!path.empty()) {
    size_t dot = path.find('.');
    std::string key(path.substr(0, dot));
    if (!v->is_object()) return nullptr;
    auto it = v->find(key);
    if (it == v->end()) return nullptr;
    v = &*it;
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  }
  return v;
}

// The server's reply as the log wrote it -> one line: a DSN type prefix
// ("smtp;") dropped, escaped line breaks (Exim writes "\n") turned into spaces.
std::string CleanReply(std::string_view r) {
  r = internal::Trim(r);
  if (r.size() > 5 && internal::IStartsWith(r, "smtp;")) r = internal::Trim(r.substr(5));
  std::string out;
  out.reserve(r.size());
  for (size_t i = 0; i < r.size(); ++i) {
    if (r[i] == '\\' && i + 1 < r.size() && (r[i + 1] == 'n' || r[i + 1] == 'r')) {
      out.push_back(' ');
      ++i;
    } else {
      out.push_back(r[i]);
    }
  }
  return out;
}

bool StartsWithCode(std::string_view s, int code) {
  std::string c = std::to_string(code);
  return s.size() >= c.size() && s.substr(0, c.size()) == c;
}

}  // namespace

struct LogReader::State {
  LogOptions options;
  std::vector<int> hits;
  // Per format: the columns its last header line named.
  std::map<std::string, std::vector<std::string>, std::less<>> headers;
  std::vector<std::string> cells;
  std::vector<re2::StringPiece> groups;
};

LogReader::LogReader(const LogFormats& formats, const Extractor& extractor, const LogOptions& options)
    : formats_(formats), extractor_(extractor), state_(std::make_unique<State>()) {
  state_->options = options;
}
LogReader::~LogReader() = default;

namespace {

// Fills fields from a row's pattern match; false when it does not match.
bool MatchRow(const LogFormatRow& row, std::string_view text, std::vector<re2::StringPiece>* groups,
              Fields* fields) {
  int n = row.pattern->NumberOfCapturingGroups() + 1;
  groups->assign(static_cast<size_t>(n), re2::StringPiece());
  if (!row.pattern->Match(re2::StringPiece(text.data(), text.size()), 0, text.size(), RE2::UNANCHORED,
                          groups->data(), n)) {
    return false;
  }
  const re2::StringPiece& whole = (*groups)[0];
  for (const auto& [index, field] : row.groups) {
    const re2::StringPiece& g = (*groups)[static_cast<size_t>(index)];
    if (g.data() == nullptr) continue;
    if (field == LogField::kText && g.empty() && g.data() == whole.data() + whole.size()) {
      // An empty text group that ends the pattern: the rest of the line
      // (capturing it would cost RE2 time per character), less the ")" that
      // closes a "(" right before it.
      std::string_view rest = text.substr(static_cast<size_t>(g.data() - text.data()));
      while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t')) rest.remove_suffix(1);
      if (g.data() > text.data() && g.data()[-1] == '(' && !rest.empty() && rest.back() == ')') {
        rest.remove_suffix(1);
      }
      At(*fields, field).assign(rest.data(), rest.size());
      continue;
    }
    At(*fields, field).assign(g.data(), g.size());
  }
  for (const auto& [field, value] : row.fixed) At(*fields, field) = value;
  return true;
}

LogOutcome OutcomeOf(const LogFormatRow& row, std::string_view word) {
  for (const auto& [w, outcome] : row.outcomes) {
    if (w == word) return outcome;
  }
  return row.has_default_outcome ? row.default_outcome : LogOutcome::kOther;
}

}  // namespace

namespace {

// The event(s) of a delivery line whose fields are read: the outcome decides
// whether there is one, the format's text rows split the words around the
// reply, and the shared SMTP-text helpers read codes and the command.
size_t Emit(const LogFormats::Impl& impl, size_t row_index, const Extractor& extractor_,
            const LogOptions& options, std::string_view line, Fields& fields,
            std::vector<re2::StringPiece>* groups, LogStats& stats_, std::vector<LogEvent>* events) {
  const LogFormatRow& row = impl.rows[row_index];
  LogOutcome outcome = OutcomeOf(row, internal::Trim(At(fields, LogField::kOutcome)));
  if (outcome == LogOutcome::kDelivered) {
    ++stats_.delivered;
    return 0;
  }
  if (outcome == LogOutcome::kOther || At(fields, LogField::kRecipient).empty()) {
    ++stats_.other;
    return 0;
  }

  // The words around the server's reply: split by the format's text rows.
  std::string text = std::move(At(fields, LogField::kText));
  if (!text.empty()) {
    bool split = false;
    for (size_t t : impl.text_rows[row_index]) {
      if (MatchRow(impl.rows[t], text, groups, &fields)) {
        split = true;
        break;
      }
    }
    if (!split && At(fields, LogField::kReply).empty()) At(fields, LogField::kReply) = text;
  }

  Finding f;
  f.report_kind = BounceKind::kDeliveryReport;
  f.action = outcome == LogOutcome::kFailed ? "failed" : "delayed";
  f.original_recipient = internal::CleanAddress(At(fields, LogField::kOriginalRecipient));
  f.remote_mta = internal::HostFromField(At(fields, LogField::kRemoteMta));
  f.diagnostic = extractor_.NormalizeReply(CleanReply(At(fields, LogField::kReply)));
  CodesInText codes = extractor_.FindCodes(f.diagnostic);
  f.reply_code = codes.reply_code;
  f.status = codes.status;
  // Codes the format gives in fields of their own (KumoMTA splits the reply)
  // come first; the status the MTA logged (dsn=) is the one its bounce gives.
  const std::string& reply_code = At(fields, LogField::kReplyCode);
  if (!reply_code.empty()) {
    int code = std::atoi(reply_code.c_str());
    if (code >= 200 && code <= 599) {
      if (!f.diagnostic.empty() && !StartsWithCode(f.diagnostic, code)) {
        EnhancedStatus logged;
        std::string_view status_text = internal::Trim(At(fields, LogField::kStatus));
        std::string prefix = reply_code + " ";
        if (EnhancedStatus::Parse(status_text.substr(0, status_text.find(' ')), &logged) &&
            f.diagnostic.find(logged.ToString()) != 0) {
          prefix += logged.ToString() + " ";
        }
        f.diagnostic = prefix + f.diagnostic;  // the server's reply as it was sent
      }
      f.reply_code = code;
    }
  }
  std::string_view status_text = internal::Trim(At(fields, LogField::kStatus));
  EnhancedStatus logged;
  if (EnhancedStatus::Parse(status_text.substr(0, status_text.find(' ')), &logged)) f.status = logged;
  const std::string& command = At(fields, LogField::kCommand);
  SmtpCommand parsed;
  if (!command.empty() && ParseSmtpCommand(internal::Trim(command), &parsed)) {
    f.command = parsed;
  } else if (!command.empty()) {
    f.command = extractor_.CommandNamed(command);
  }
  if (f.command == SmtpCommand::kUnknown) f.command = extractor_.FindCommand(text.empty() ? f.diagnostic : text);

  std::string date = At(fields, LogField::kDate).empty()
                         ? LeadingLogTime(line, options.reference_time)
                         : LogTimeToIso(At(fields, LogField::kDate), options.reference_time);

  // One event per recipient the line names (Sendmail joins them with ",",
  // Exchange with ";").
  std::string_view recipients = At(fields, LogField::kRecipient);
  size_t added = 0;
  while (!recipients.empty()) {
    size_t end = recipients.find_first_of(",;");
    std::string recipient = internal::CleanAddress(recipients.substr(0, end));
    recipients = end == std::string_view::npos ? std::string_view() : recipients.substr(end + 1);
    if (recipient.empty()) continue;
    LogEvent e;
    e.finding = f;
    e.finding.recipient = std::move(recipient);
    e.date = date;
    e.queue_id = std::string(internal::Trim(At(fields, LogField::kQueueId)));
    e.format = row.format;
    events->push_back(std::move(e));
    ++added;
  }
  if (added == 0) {
    ++stats_.other;
    return 0;
  }
  (f.action == "failed" ? stats_.failed : stats_.delayed) += added;
  return added;
}

}  // namespace

size_t LogReader::Read(std::string_view line, std::vector<LogEvent>* events) {
  ++stats_.lines;
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  const LogFormats::Impl& impl = formats_.impl();
  State& st = *state_;
  st.hits = impl.prefilter.Match(line);
  for (int hit : st.hits) {
    size_t index = impl.prefilter_rows[static_cast<size_t>(hit)];
    const LogFormatRow& row = impl.rows[index];
    Fields fields;
    switch (row.kind) {
      case LogRowKind::kHeader: {
        if (!MatchRow(row, line, &st.groups, &fields)) continue;
        SplitCsv(At(fields, LogField::kColumns), &st.cells);
        for (std::string& c : st.cells) c = std::string(internal::Trim(c));
        st.headers[row.format] = st.cells;
        ++stats_.other;
        return 0;
      }
      case LogRowKind::kLine:
        if (!MatchRow(row, line, &st.groups, &fields)) continue;
        break;
      case LogRowKind::kRow: {
        auto header = st.headers.find(row.format);
        if (header == st.headers.end()) continue;
        SplitCsv(line, &st.cells);
        for (const auto& [field, column] : row.columns) {
          for (size_t c = 0; c < header->second.size() && c < st.cells.size(); ++c) {
            if (header->second[c] == column) At(fields, field) = st.cells[c];
          }
        }
        break;
      }
      case LogRowKind::kJson: {
        nlohmann::json doc = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
        if (doc.is_discarded() || !doc.is_object()) continue;
        for (const auto& [field, key] : row.columns) {
          if (const nlohmann::json* v = JsonAt(doc, key)) At(fields, field) = JsonText(*v);
        }
        break;
      }
      case LogRowKind::kDelivered:
        ++stats_.delivered;
        return 0;
      case LogRowKind::kText:
        continue;  // never in the prefilter
    }
    return Emit(impl, index, extractor_, st.options, line, fields, &st.groups, stats_, events);
  }
  ++stats_.other;
  return 0;
}

}  // namespace ndr
