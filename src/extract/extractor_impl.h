// Internals of the extraction stage: the compiled patterns and the functions
// that use them. Not part of the public API.
#ifndef NDR_SRC_EXTRACT_EXTRACTOR_IMPL_H_
#define NDR_SRC_EXTRACT_EXTRACTOR_IMPL_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ndr/finding.h"

namespace re2 {
class RE2;
}

namespace ndr {
namespace internal {

// Compiled once per Extractor; RE2 matching is const and thread-safe.
struct ExtractorPatterns {
  ExtractorPatterns();
  ~ExtractorPatterns();
  std::unique_ptr<re2::RE2> status;
  std::unique_ptr<re2::RE2> reply;
  std::vector<std::unique_ptr<re2::RE2>> command_patterns;
  std::unique_ptr<re2::RE2> transcript_command;
  std::unique_ptr<re2::RE2> address;
};

CodesInText FindCodesIn(const ExtractorPatterns& p, std::string_view text);
SmtpCommand FindCommandIn(const ExtractorPatterns& p, std::string_view text);
std::string NormalizeReplyText(std::string_view text);

// Every e-mail address in text, in order of appearance, with its offset.
struct AddressHit {
  std::string address;
  size_t begin = 0;
  size_t end = 0;
};
std::vector<AddressHit> FindAddresses(const ExtractorPatterns& p, std::string_view text,
                                      size_t max_hits = 512);

}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_EXTRACT_EXTRACTOR_IMPL_H_
