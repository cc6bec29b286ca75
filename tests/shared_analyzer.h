// One Analyzer for a whole test binary (created once: it compiles every table).
#ifndef NDR_TESTS_SHARED_ANALYZER_H_
#define NDR_TESTS_SHARED_ANALYZER_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "ndr/analyzer.h"

namespace ndr_test {

inline const ndr::Analyzer& TheAnalyzer() {
  static const std::unique_ptr<ndr::Analyzer> analyzer = [] {
    std::string error;
    auto a = ndr::Analyzer::Create(ndr::AnalyzeOptions(), &error);
    EXPECT_NE(a, nullptr) << error;
    return a;
  }();
  return *analyzer;
}

}  // namespace ndr_test

#endif  // NDR_TESTS_SHARED_ANALYZER_H_
