// The bounce markers of data/bounce_markers.tsv, compiled once per process.
#ifndef NDR_SRC_BOUNCE_MARKERS_H_
#define NDR_SRC_BOUNCE_MARKERS_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ndr/message.h"

namespace ndr {
namespace internal {

// kHeader patterns are matched against each "Name: value" line of the report's
// own header block; kRecipient patterns have one capture group, the address
// of a failed recipient named by a sentence ("could not be delivered to: <a@b>").
// kBoilerplate patterns are sentences the reporting MTA adds to a recipient's
// paragraph that are not the remote server's words.
enum class MarkerKind { kSubject, kFrom, kBody, kOriginal, kAutoReplySubject, kHeader, kRecipient, kBoilerplate };

class BounceMarkers {
 public:
  // The process-wide instance (immutable, built on first use; thread-safe).
  static const BounceMarkers& Get();

  // True when any pattern of that kind matches somewhere in text.
  bool Matches(MarkerKind kind, std::string_view text) const;
  // Offset of the first line of `text` that starts the returned original, or npos.
  size_t FindOriginalStart(std::string_view text) const;
  // True when any kHeader pattern matches one "Name: value" line of headers.
  bool MatchesHeader(const Headers& headers) const;
  // The [begin, end) offsets of every address a kRecipient pattern captures in
  // text, in order of appearance (bounded).
  std::vector<std::pair<size_t, size_t>> FindRecipientPhrases(std::string_view text) const;
  // `text` without the kBoilerplate sentences, whitespace squeezed; `text`
  // itself when nothing else would remain.
  std::string StripBoilerplate(std::string_view text) const;
  // Empty when every row compiled.
  const std::string& error() const { return error_; }

  struct Impl;
  ~BounceMarkers();

 private:
  BounceMarkers();
  std::unique_ptr<Impl> impl_;
  std::string error_;
};

}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_BOUNCE_MARKERS_H_
