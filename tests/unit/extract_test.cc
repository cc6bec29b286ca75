#include <gtest/gtest.h>

#include "ndr/finding.h"

namespace ndr {
namespace {

TEST(ExtractCodes, Placeholder) { SUCCEED(); }

}  // namespace
}  // namespace ndr
