// The compiled bounce markers for tests of the bounce and extraction stages
// (production code gets them from Analyzer::Create).
#ifndef NDR_TESTS_MARKERS_FIXTURE_H_
#define NDR_TESTS_MARKERS_FIXTURE_H_

#include <memory>
#include <string>

#include "bounce/markers.h"

namespace ndr_test {

inline std::shared_ptr<const ndr::internal::BounceMarkers> SharedMarkers(
    ndr::RuleScope rules = ndr::RuleScope::kAll) {
  std::string error;
  static const auto all = ndr::internal::BounceMarkers::Load(ndr::RuleScope::kAll, &error);
  static const auto generic = ndr::internal::BounceMarkers::Load(ndr::RuleScope::kGeneric, &error);
  return rules == ndr::RuleScope::kAll ? all : generic;
}

inline const ndr::internal::BounceMarkers& Markers(ndr::RuleScope rules = ndr::RuleScope::kAll) {
  return *SharedMarkers(rules);
}

}  // namespace ndr_test

#endif  // NDR_TESTS_MARKERS_FIXTURE_H_
