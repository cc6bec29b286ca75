// Prefilter plans: what RuleSet::Compile works out for one pattern (its
// prefilter's clauses of words, the alternatives tested at the start of a
// text, whether it runs on every text), as steps that Compile replays.
//
// Why: working plans out is most of ndr's start-up (RE2 compiles every
// pattern and each top-level alternative for its prefilter, then RuleSet
// asks the prefilter question after question: ~60 % of the instructions of
// `ndr explain` on one message). The plans of the built-in tables depend
// only on the patterns, so the build works them out once (src/gen/) and
// compiles them into the library; RuleSet looks a pattern up there and
// works out only the plans of patterns it does not find (a program's own
// patterns, a test's). A pattern found there is compiled by RE2 only when a
// text first needs it.
#ifndef NDR_SRC_KNOWLEDGE_PREFILTER_PLANS_H_
#define NDR_SRC_KNOWLEDGE_PREFILTER_PLANS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ndr {
namespace internal {

struct PrefilterStep {
  enum class Kind : uint8_t {
    kClause,      // let the pattern through when each group has a word present
    kStartCheck,  // ... or when `alternative` matches at the start of the text
    kLetThrough,  // ... or always
  };
  Kind kind = Kind::kLetThrough;
  std::vector<std::vector<std::string>> groups;  // kClause: the words, lower case
  std::string alternative;                       // kStartCheck: an RE2 pattern
  bool operator==(const PrefilterStep& o) const {
    return kind == o.kind && groups == o.groups && alternative == o.alternative;
  }
};
using PrefilterPlan = std::vector<PrefilterStep>;

// Plans by pattern, as bytes (the form the build compiles in), and back.
// Decode returns false on bytes Encode did not write.
std::string EncodePrefilterPlans(const std::map<std::string, PrefilterPlan>& plans);
bool DecodePrefilterPlans(std::string_view bytes, std::map<std::string, PrefilterPlan, std::less<>>* plans);

// The plan the build worked out for `pattern`, or null. Thread-safe.
const PrefilterPlan* BuiltInPrefilterPlan(std::string_view pattern);

// For the build's plan generator and a test: while set, every RuleSet::Compile
// in the process tells `recorder` each pattern's plan and whether it was
// built in. Set it before any analyzer is made; null stops it.
using PrefilterPlanRecorder = std::function<void(const std::string& pattern, const PrefilterPlan& plan, bool built_in)>;
void SetPrefilterPlanRecorder(PrefilterPlanRecorder recorder);
void RecordPrefilterPlan(const std::string& pattern, const PrefilterPlan& plan, bool built_in);

}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_KNOWLEDGE_PREFILTER_PLANS_H_
