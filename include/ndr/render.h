// Renderers are sinks: they receive records, never the raw message.
#ifndef NDR_RENDER_H_
#define NDR_RENDER_H_

#include <functional>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "ndr/record.h"

namespace ndr {

// Thrown by a sink whose stream failed (a closed pipe, a full disk): what
// follows would be lost, so the run stops. The CLI reports it (EPIPE quietly).
class OutputError : public std::runtime_error {
 public:
  explicit OutputError(int error_number);
  int error_number() const { return error_number_; }  // errno of the failed write, 0 when unknown

 private:
  int error_number_;
};
// Throws OutputError when `out` has failed; errno still holds the failed
// write's error when called right after it. Every sink calls it after writing.
void CheckWritten(const std::ostream& out);

// Write and Finish throw OutputError when the output fails.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual void Write(const Record& record) = 0;
  virtual void Finish() {}

  // Rendering apart from writing, for a caller that renders on many threads
  // and writes on one, in input order. Render appends the bytes of `records`
  // to *out and returns true; it reads no state of the sink, so it may run on
  // any thread, at the same time as other Render calls. WriteRendered writes
  // the bytes of one Render call, in order, with what depends on the records
  // written before (CSV's header row, Sisimai's array brackets, the text
  // report's headings): Render and WriteRendered give the bytes Write gives.
  // The bytes are the sink's own (the text report adds what it needs to know
  // of them). A sink that cannot render apart (one that stores records)
  // returns false: call Write instead.
  virtual bool Render(const std::vector<Record>& /*records*/, std::string* /*out*/) const { return false; }
  virtual void WriteRendered(std::string_view /*bytes*/) {}

  // Whether the sink shows what a record's codes mean (Explanation's stage,
  // reply_meaning, status_meaning, command_note): the analyzer works them out
  // only for a sink that does (AnalyzeOptions::code_meanings).
  virtual bool ShowsCodeMeanings() const { return false; }
};

// One JSON object per line with the keys of the record contract, in order.
std::unique_ptr<RecordSink> MakeJsonLinesSink(std::ostream& out);
// A plain-language report for people, one block per recipient. `verbose`
// adds technical remarks (a reply code the RFCs do not allow at that stage).
std::unique_ptr<RecordSink> MakeTextSink(std::ostream& out, bool verbose = false);

// The JSON object for one record, without the trailing newline.
std::string RecordToJson(const Record& record);
// Appends `text` as a JSON string literal (quotes included). Invalid UTF-8 is
// replaced by U+FFFD so that every line is valid JSON; every control
// character (C0, DEL, C1), the bidi controls U+202A-U+202E and U+2066-U+2069
// and U+2028/U+2029 are \u escapes, so no reader's terminal or JavaScript
// sees them raw.
void AppendJsonString(std::string_view text, std::string* out);
// Bounce-derived text made safe to print on a terminal: the same characters
// become visible escapes ("\x1b", "\u202e"), invalid UTF-8 bytes "\xff", a
// tab a blank. Every line of text output and of stderr that carries text from
// an input goes through it.
void AppendTerminalSafe(std::string_view text, std::string* out);
std::string TerminalSafe(std::string_view text);

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
