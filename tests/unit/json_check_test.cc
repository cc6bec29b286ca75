// The tests' own JSON checker must itself tell valid from invalid JSON, or the
// record-format tests that rely on it could not fail.
#include <gtest/gtest.h>

#include "json_check.h"

namespace {

TEST(JsonChecker, AcceptsAndRejects) {
  ndr_test::JsonChecker json;
  EXPECT_TRUE(json.ParseObject(R"({"a":"x\"y\\z\u0001","b":[1,true,null,{}]})"));
  EXPECT_EQ(json.values().at("a"), "x\"y\\z?");
  EXPECT_TRUE(json.ParseObject(R"( {"t":true} )"));
  EXPECT_EQ(json.values().at("t"), "true");
  EXPECT_FALSE(json.ParseObject(R"({"a":"x"y"})"));
  EXPECT_FALSE(json.ParseObject("{\"a\":\"tab\there\"}"));
  EXPECT_FALSE(json.ParseObject(R"({"a":1,})"));
  EXPECT_FALSE(json.ParseObject(R"({"a":1} {"b":2})"));
  EXPECT_FALSE(json.ParseObject(R"(["not an object"])"));
  EXPECT_FALSE(json.ParseObject(R"({"a":"\q"})"));
}

}  // namespace
