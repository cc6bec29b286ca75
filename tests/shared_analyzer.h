// One Analyzer, and one ReasonBook, for a whole test binary (each created
// once: they compile every table).
#ifndef NDR_TESTS_SHARED_ANALYZER_H_
#define NDR_TESTS_SHARED_ANALYZER_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "ndr/analyzer.h"
#include "ndr/reasons.h"

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

inline std::shared_ptr<const ndr::ReasonBook> TheReasonBook() {
  static const std::shared_ptr<const ndr::ReasonBook> book = [] {
    std::string error;
    auto b = ndr::ReasonBook::Load(&error);
    EXPECT_NE(b, nullptr) << error;
    return b;
  }();
  return book;
}

}  // namespace ndr_test

#endif  // NDR_TESTS_SHARED_ANALYZER_H_
