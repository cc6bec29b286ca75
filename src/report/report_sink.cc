// The report as a RecordSink, the suppression list as CSV, and the choice of
// renderer by format name.
#include <ostream>

#include "ndr/report.h"

namespace ndr {
namespace {

// One RFC 4180 cell. A cell a spreadsheet would read as a formula (= + - @)
// gets a leading apostrophe: the evidence is text from a bounce.
std::string CsvCell(std::string_view text) {
  std::string cell;
  if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@')) cell += '\'';
  cell += text;
  bool quote = cell.find_first_of(",\"\r\n") != std::string::npos;
  if (!quote) return cell;
  std::string out = "\"";
  for (char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace

bool ParseReportFormat(std::string_view name, ReportFormat* out) {
  if (name == "text") *out = ReportFormat::kText;
  else if (name == "markdown" || name == "md") *out = ReportFormat::kMarkdown;
  else if (name == "json") *out = ReportFormat::kJson;
  else if (name == "html") *out = ReportFormat::kHtml;
  else return false;
  return true;
}

void RenderReport(const Report& report, ReportFormat format, const RenderOptions& options, std::ostream& out) {
  switch (format) {
    case ReportFormat::kText: RenderReportText(report, options, out); break;
    case ReportFormat::kMarkdown: RenderReportMarkdown(report, options, out); break;
    case ReportFormat::kJson: RenderReportJson(report, out); break;
    case ReportFormat::kHtml: RenderReportHtml(report, out); break;
  }
}

void WriteSuppressionCsv(const Report& report, std::ostream& out) {
  out << "address,reason,last_date,evidence\r\n";
  for (size_t i : report.suppression) {
    const ReportRecipient& p = report.recipients[i];
    out << CsvCell(p.address) << ',' << CsvCell(p.suppress_reason) << ',' << CsvCell(p.day) << ','
        << CsvCell(p.evidence) << "\r\n";
  }
}

ReportSink::ReportSink(std::unique_ptr<ReportBuilder> builder, ReportFormat format, RenderOptions options,
                       std::ostream& out, std::ostream* suppress_csv)
    : builder_(std::move(builder)), format_(format), options_(options), out_(out), suppress_csv_(suppress_csv) {}

void ReportSink::Write(const Record& record) { builder_->Add(record); }

void ReportSink::Finish() {
  if (finished_) return;
  finished_ = true;
  Report report = builder_->Build();
  RenderReport(report, format_, options_, out_);
  out_.flush();
  CheckWritten(out_);
  if (suppress_csv_ != nullptr) {
    WriteSuppressionCsv(report, *suppress_csv_);
    suppress_csv_->flush();
    CheckWritten(*suppress_csv_);
  }
}

}  // namespace ndr
