// CSV output (RFC 4180): a header row with the record's keys, one row per record.
#include <ostream>

#include "ndr/render.h"

namespace ndr {
namespace {

class CsvSink : public RecordSink {
 public:
  explicit CsvSink(std::ostream& out) : out_(out) {}

  void Write(const Record& record) override {
    row_.clear();
    if (!header_written_) {
      ForEachRecordField(record, [&](const RecordField& f) { AddField(f.key); });
      row_.append("\r\n");
      header_written_ = true;
    }
    bool first = true;
    ForEachRecordField(record, [&](const RecordField& f) {
      if (!first) row_.push_back(',');
      first = false;
      AppendCsvField(f.value, &row_);
    });
    row_.append("\r\n");
    out_.write(row_.data(), static_cast<std::streamsize>(row_.size()));
    CheckWritten(out_);
  }

  void Finish() override {
    if (!header_written_) {
      row_.clear();
      ForEachRecordField(Record(), [&](const RecordField& f) { AddField(f.key); });
      row_.append("\r\n");
      out_.write(row_.data(), static_cast<std::streamsize>(row_.size()));
      header_written_ = true;
    }
    out_.flush();
    CheckWritten(out_);
  }

 private:
  void AddField(std::string_view key) {
    if (!row_.empty()) row_.push_back(',');
    AppendCsvField(key, &row_);
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
