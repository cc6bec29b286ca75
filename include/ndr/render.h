// Renderers are sinks: they receive records, never the raw message.
#ifndef NDR_RENDER_H_
#define NDR_RENDER_H_

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

}  // namespace ndr

#endif  // NDR_RENDER_H_
