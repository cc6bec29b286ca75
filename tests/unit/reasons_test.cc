#include <gtest/gtest.h>

#include "ndr/reasons.h"

namespace ndr {
namespace {

TEST(ReasonBook, Loads) {
  std::string error;
  auto book = ReasonBook::Load(&error);
  ASSERT_NE(book, nullptr) << error;
}

}  // namespace
}  // namespace ndr
