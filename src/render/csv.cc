// CSV output (RFC 4180): a header row with the record's keys, one row per record.
#include <ostream>

#include "ndr/render.h"

namespace ndr {
namespace {

// One row: the record's values in the order of the keys.
void AppendCsvRow(const Record& record, std::string* out) {
  bool first = true;
  ForEachRecordField(record, [&](const RecordField& f) {
    if (!first) out->push_back(',');
    first = false;
    AppendCsvField(f.value, out);
  });
  out->append("\r\n");
}

class CsvSink : public RecordSink {
 public:
  explicit CsvSink(std::ostream& out) : out_(out) {}

  void Write(const Record& record) override {
    row_.clear();
    AppendCsvRow(record, &row_);
    WriteRendered(row_);
  }

  bool Render(const std::vector<Record>& records, std::string* out) const override {
    for (const Record& r : records) AppendCsvRow(r, out);
    return true;
  }

  // The header row goes before the first row.
  void WriteRendered(std::string_view rows) override {
    if (rows.empty()) return;
    WriteHeader();
    out_.write(rows.data(), static_cast<std::streamsize>(rows.size()));
    CheckWritten(out_);
  }

  void Finish() override {
    WriteHeader();
    out_.flush();
    CheckWritten(out_);
  }

 private:
  void WriteHeader() {
    if (header_written_) return;
    std::string header;
    ForEachRecordField(Record(), [&](const RecordField& f) {
      if (!header.empty()) header.push_back(',');
      AppendCsvField(f.key, &header);
    });
    header.append("\r\n");
    out_.write(header.data(), static_cast<std::streamsize>(header.size()));
    CheckWritten(out_);
    header_written_ = true;
  }

  std::ostream& out_;
  std::string row_;
  bool header_written_ = false;
};

}  // namespace

void AppendCsvField(std::string_view value, std::string* out) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(value);
    return;
  }
  out->push_back('"');
  for (char c : value) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

std::unique_ptr<RecordSink> MakeCsvSink(std::ostream& out) { return std::make_unique<CsvSink>(out); }

}  // namespace ndr
