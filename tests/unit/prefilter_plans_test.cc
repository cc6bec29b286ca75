// The prefilter plans the build works out (src/gen/) and RuleSet replays
// (knowledge/prefilter_plans.h): their bytes read back as written, and the
// built-in table holds, for every pattern a program compiles, the plan
// RuleSet would work out now.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "knowledge/prefilter_plans.h"
#include "knowledge/rule_set.h"
#include "ndr/analyzer.h"
#include "ndr/logs.h"

namespace ndr {
namespace {

using internal::PrefilterPlan;
using internal::PrefilterStep;

PrefilterStep Clause(std::vector<std::vector<std::string>> groups) {
  PrefilterStep step;
  step.kind = PrefilterStep::Kind::kClause;
  step.groups = std::move(groups);
  return step;
}

TEST(PrefilterPlans, BytesReadBackAsWritten) {
  PrefilterStep start;
  start.kind = PrefilterStep::Kind::kStartCheck;
  start.alternative = "^[0-9]{1,3}$";
  std::map<std::string, PrefilterPlan> plans;
  plans["mailbox (is )?full|quota"] = {Clause({{"mailbox"}, {"full"}}), Clause({{"quota"}})};
  plans["(?:no such|unknown) user|^5"] = {Clause({{"no such", "unknown"}, {" user"}}), start};
  plans["."] = {PrefilterStep{}};
  // Words with any byte: a zero, a line break, UTF-8.
  plans[std::string("a\0b", 3)] = {Clause({{std::string("a\0b", 3), "x\ny", "gr\xC3\xBC\xC3\x9F"}})};
  plans["empty plan"] = {};
  const std::string bytes = internal::EncodePrefilterPlans(plans);

  std::map<std::string, PrefilterPlan, std::less<>> read;
  ASSERT_TRUE(internal::DecodePrefilterPlans(bytes, &read));
  ASSERT_EQ(read.size(), plans.size());
  for (const auto& [pattern, plan] : plans) {
    auto it = read.find(pattern);
    ASSERT_NE(it, read.end()) << pattern;
    EXPECT_EQ(it->second, plan) << pattern;
  }
  // Bytes cut short, or with more after the end, are not plans.
  for (size_t cut : {size_t{0}, size_t{3}, bytes.size() / 2, bytes.size() - 1}) {
    std::map<std::string, PrefilterPlan, std::less<>> partial;
    EXPECT_FALSE(internal::DecodePrefilterPlans(std::string_view(bytes).substr(0, cut), &partial)) << cut;
  }
  std::map<std::string, PrefilterPlan, std::less<>> longer;
  EXPECT_FALSE(internal::DecodePrefilterPlans(bytes + "x", &longer));
}

TEST(PrefilterPlans, PatternsOfNoTableAreWorkedOut) {
  // A pattern no table holds: RuleSet works its plan out (and matches).
  const std::string pattern = "zq-never-in-a-table (alpha|beta) \\d+";
  EXPECT_EQ(internal::BuiltInPrefilterPlan(pattern), nullptr);
  std::string error;
  const PrefilterPlan plan = internal::PlanPrefilter(pattern, &error);
  ASSERT_FALSE(plan.empty()) << error;
  EXPECT_EQ(plan[0].kind, PrefilterStep::Kind::kClause);
  internal::RuleSet set;
  ASSERT_EQ(set.Add(pattern, &error), 0) << error;
  ASSERT_TRUE(set.Compile(&error)) << error;
  EXPECT_EQ(set.Match("x zq-never-in-a-table beta 42 y"), std::vector<int>{0});
  EXPECT_TRUE(set.Match("zq-never-in-a-table gamma 42").empty());
  EXPECT_TRUE(internal::PlanPrefilter("(unclosed", &error).empty());
}

// Every RuleSet a program makes (an analyzer in each rule scope, the log
// formats) finds each of its patterns' plans built in, equal to the plan
// worked out now: a set the generator does not make, or a plan that would
// come out otherwise, fails here.
TEST(PrefilterPlans, EveryBuiltInPatternHasItsCurrentPlan) {
  struct Seen {
    PrefilterPlan plan;
    bool built_in;
  };
  std::map<std::string, Seen> seen;
  internal::SetPrefilterPlanRecorder([&seen](const std::string& pattern, const PrefilterPlan& plan, bool built_in) {
    seen[pattern] = Seen{plan, built_in};
  });
  std::string error;
  for (RuleScope scope : {RuleScope::kAll, RuleScope::kGeneric}) {
    AnalyzeOptions options;
    options.rules = scope;
    EXPECT_NE(Analyzer::Create(options, &error), nullptr) << error;
  }
  EXPECT_NE(LogFormats::Load(&error), nullptr) << error;
  internal::SetPrefilterPlanRecorder(nullptr);

  ASSERT_GT(seen.size(), 300u);
  size_t clauses = 0;
  for (const auto& [pattern, s] : seen) {
    EXPECT_TRUE(s.built_in) << "no built-in plan for " << pattern;
    const PrefilterPlan now = internal::PlanPrefilter(pattern, &error);
    EXPECT_EQ(s.plan, now) << "the built-in plan differs for " << pattern;
    for (const PrefilterStep& step : s.plan) clauses += step.kind == PrefilterStep::Kind::kClause;
  }
  EXPECT_GT(clauses, seen.size() / 2);  // most patterns are filtered by words
}

}  // namespace
}  // namespace ndr
