// The reference the RuleSet and WordFinder tests compare with: one RE2::Set
// with the options RuleSet documents (case-insensitive, unanchored).
#ifndef NDR_TESTS_PLAIN_SET_H_
#define NDR_TESTS_PLAIN_SET_H_

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace ndr_test {

class PlainSet {
 public:
  explicit PlainSet(const std::vector<std::string>& patterns) : set_(Options(), RE2::UNANCHORED) {
    for (const std::string& p : patterns) EXPECT_GE(set_.Add(p, nullptr), 0) << p;
    EXPECT_TRUE(set_.Compile());
  }
  // The indices of the patterns that match `text`, ascending.
  std::vector<int> Match(std::string_view text) const {
    std::vector<int> hits;
    set_.Match(re2::StringPiece(text.data(), text.size()), &hits);
    std::sort(hits.begin(), hits.end());
    return hits;
  }

 private:
  static RE2::Options Options() {
    RE2::Options o;
    o.set_case_sensitive(false);
    o.set_log_errors(false);
    o.set_max_mem(64 << 20);
    o.set_never_capture(true);
    return o;
  }
  RE2::Set set_;
};

// The words as patterns that match them literally (as RuleSet files its
// prefilter's words).
inline std::vector<std::string> Quoted(const std::vector<std::string>& words) {
  std::vector<std::string> patterns;
  for (const std::string& w : words) patterns.push_back(RE2::QuoteMeta(w));
  return patterns;
}

}  // namespace ndr_test

#endif  // NDR_TESTS_PLAIN_SET_H_
