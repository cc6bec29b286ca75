// Renderers are sinks: they receive records, never the raw message.
#ifndef NDR_RENDER_H_
#define NDR_RENDER_H_

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "ndr/record.h"

namespace ndr {

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual void Write(const Record& record) = 0;
  virtual void Finish() {}
};

// One JSON object per line with the keys of the record contract, in order.
std::unique_ptr<RecordSink> MakeJsonLinesSink(std::ostream& out);
// A plain-language report for people, one block per recipient. `verbose`
// adds technical remarks (a reply code the RFCs do not allow at that stage).
std::unique_ptr<RecordSink> MakeTextSink(std::ostream& out, bool verbose = false);

// The JSON object for one record, without the trailing newline.
std::string RecordToJson(const Record& record);
// Appends `text` as a JSON string literal (quotes included); invalid UTF-8 is
// replaced by U+FFFD so that every line is valid JSON.
void AppendJsonString(std::string_view text, std::string* out);

// One key of the record contract and its value: the keys JSON and CSV write,
// in their order (README "The record").
struct RecordField {
  std::string_view key;
  std::string_view value;  // "true"/"false" for a boolean
  bool is_bool = false;
};
void ForEachRecordField(const Record& record, const std::function<void(const RecordField&)>& visit);

// CSV (RFC 4180): a header row with the record keys, then one row per record;
// a value with a comma, quote, CR or LF is quoted, its quotes doubled; CRLF
// ends every row. The header row is written even when no record follows.
std::unique_ptr<RecordSink> MakeCsvSink(std::ostream& out);
// Appends `value` as one CSV field (quoted when it must be).
void AppendCsvField(std::string_view value, std::string* out);

// What Sisimai 4's `Sisimai->dump` writes: one JSON array of objects with
// Sisimai's field names and value forms (timestamp and softbounce numbers,
// catch null, the rest strings); records of delivered messages are left out,
// as Sisimai leaves them out by default. See README "Output formats".
std::unique_ptr<RecordSink> MakeSisimaiSink(std::ostream& out);
// The Sisimai object for one record, without a trailing newline.
std::string RecordToSisimaiJson(const Record& record);

}  // namespace ndr

#endif  // NDR_RENDER_H_
