#include "knowledge/prefilter_plans.h"

#include <mutex>
#include <utility>

namespace ndr {
namespace internal {

// The build's plans (generated/prefilter_plans.cc; the generator itself
// links an empty table, src/gen/no_plans.cc).
extern const unsigned char kBuiltInPrefilterPlans[];
extern const size_t kBuiltInPrefilterPlansSize;

namespace {

// Numbers as four bytes, little-endian; strings as their length and bytes.
void PutNumber(size_t n, std::string* out) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((n >> (8 * i)) & 0xFF));
}
void PutString(std::string_view s, std::string* out) {
  PutNumber(s.size(), out);
  out->append(s);
}

class Reader {
 public:
  explicit Reader(std::string_view bytes) : rest_(bytes) {}
  bool Number(size_t* n) {
    if (rest_.size() < 4) return false;
    *n = 0;
    for (int i = 0; i < 4; ++i) *n |= static_cast<size_t>(static_cast<unsigned char>(rest_[i])) << (8 * i);
    rest_.remove_prefix(4);
    return true;
  }
  bool String(std::string* s) {
    size_t n = 0;
    if (!Number(&n) || n > rest_.size()) return false;
    s->assign(rest_.data(), n);
    rest_.remove_prefix(n);
    return true;
  }
  bool Byte(unsigned char* b) {
    if (rest_.empty()) return false;
    *b = static_cast<unsigned char>(rest_[0]);
    rest_.remove_prefix(1);
    return true;
  }
  bool AtEnd() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

bool ReadStep(Reader* r, PrefilterStep* step) {
  unsigned char kind = 0;
  if (!r->Byte(&kind) || kind > static_cast<unsigned char>(PrefilterStep::Kind::kLetThrough)) return false;
  step->kind = static_cast<PrefilterStep::Kind>(kind);
  if (step->kind == PrefilterStep::Kind::kStartCheck) return r->String(&step->alternative);
  if (step->kind != PrefilterStep::Kind::kClause) return true;
  size_t groups = 0;
  if (!r->Number(&groups)) return false;
  step->groups.resize(groups);
  for (std::vector<std::string>& group : step->groups) {
    size_t words = 0;
    if (!r->Number(&words)) return false;
    group.resize(words);
    for (std::string& word : group) {
      if (!r->String(&word)) return false;
    }
  }
  return true;
}

std::mutex recorder_mutex;
PrefilterPlanRecorder& Recorder() {
  static PrefilterPlanRecorder recorder;
  return recorder;
}

}  // namespace

std::string EncodePrefilterPlans(const std::map<std::string, PrefilterPlan>& plans) {
  std::string out;
  PutNumber(plans.size(), &out);
  for (const auto& [pattern, plan] : plans) {
    PutString(pattern, &out);
    PutNumber(plan.size(), &out);
    for (const PrefilterStep& step : plan) {
      out.push_back(static_cast<char>(step.kind));
      if (step.kind == PrefilterStep::Kind::kStartCheck) PutString(step.alternative, &out);
      if (step.kind != PrefilterStep::Kind::kClause) continue;
      PutNumber(step.groups.size(), &out);
      for (const std::vector<std::string>& group : step.groups) {
        PutNumber(group.size(), &out);
        for (const std::string& word : group) PutString(word, &out);
      }
    }
  }
  return out;
}

bool DecodePrefilterPlans(std::string_view bytes, std::map<std::string, PrefilterPlan, std::less<>>* plans) {
  Reader r(bytes);
  size_t count = 0;
  if (!r.Number(&count)) return false;
  for (size_t i = 0; i < count; ++i) {
    std::string pattern;
    size_t steps = 0;
    if (!r.String(&pattern) || !r.Number(&steps)) return false;
    PrefilterPlan plan;
    for (size_t s = 0; s < steps; ++s) {
      PrefilterStep step;
      if (!ReadStep(&r, &step)) return false;
      plan.push_back(std::move(step));
    }
    (*plans)[std::move(pattern)] = std::move(plan);
  }
  return r.AtEnd();
}

const PrefilterPlan* BuiltInPrefilterPlan(std::string_view pattern) {
  // Read once, by the first RuleSet that asks (a table that does not read
  // is no table: every plan is then worked out, as without one).
  static const auto* const plans = [] {
    auto* read = new std::map<std::string, PrefilterPlan, std::less<>>();
    const std::string_view bytes(reinterpret_cast<const char*>(kBuiltInPrefilterPlans), kBuiltInPrefilterPlansSize);
    if (!bytes.empty() && !DecodePrefilterPlans(bytes, read)) read->clear();
    return read;
  }();
  auto it = plans->find(pattern);
  return it == plans->end() ? nullptr : &it->second;
}

void SetPrefilterPlanRecorder(PrefilterPlanRecorder recorder) {
  std::lock_guard<std::mutex> lock(recorder_mutex);
  Recorder() = std::move(recorder);
}

void RecordPrefilterPlan(const std::string& pattern, const PrefilterPlan& plan, bool built_in) {
  std::lock_guard<std::mutex> lock(recorder_mutex);
  if (Recorder()) Recorder()(pattern, plan, built_in);
}

}  // namespace internal
}  // namespace ndr
