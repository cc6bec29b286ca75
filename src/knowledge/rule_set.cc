#include "knowledge/rule_set.h"

#include <algorithm>

#include <re2/re2.h>
#include <re2/set.h>

namespace ndr {
namespace internal {
namespace {

// Every ndr pattern: case-insensitive, UTF-8, never logs, room for a large DFA
// (64 MB was measured fast for a few hundred rules; the default 8 MB can make
// a big set fail to match with "out of memory").
RE2::Options PatternOptions(bool capture) {
  RE2::Options options;
  options.set_case_sensitive(false);
  options.set_log_errors(false);
  options.set_max_mem(64 << 20);
  options.set_never_capture(!capture);
  return options;
}

}  // namespace

struct RuleSet::Impl {
  Impl() : set(PatternOptions(false), RE2::UNANCHORED) {}
  RE2::Set set;
};

RuleSet::RuleSet() : impl_(new Impl) {}
RuleSet::~RuleSet() = default;
RuleSet::RuleSet(RuleSet&&) noexcept = default;
RuleSet& RuleSet::operator=(RuleSet&&) noexcept = default;

int RuleSet::Add(std::string_view pattern, std::string* error) {
  if (compiled_) {
    *error = "pattern added after Compile()";
    return -1;
  }
  std::string why;
  int index = impl_->set.Add(re2::StringPiece(pattern.data(), pattern.size()), &why);
  if (index < 0) {
    *error = why.empty() ? "pattern does not compile" : why;
    return -1;
  }
  ++count_;
  return index;
}

bool RuleSet::Compile(std::string* error) {
  if (compiled_) return true;
  if (!impl_->set.Compile()) {
    *error = "RE2::Set::Compile failed (out of memory?)";
    return false;
  }
  compiled_ = true;
  return true;
}

std::vector<int> RuleSet::Match(std::string_view text, bool* failed) const {
  std::vector<int> hits;
  if (count_ == 0) return hits;
  if (!compiled_) {
    // Patterns that were never compiled cannot say "no match".
    if (failed != nullptr) *failed = true;
    return hits;
  }
  RE2::Set::ErrorInfo info{RE2::Set::kNoError};
  if (!impl_->set.Match(re2::StringPiece(text.data(), text.size()), &hits, &info)) {
    // RE2::Set says why only through ErrorInfo: a plain no-match is kNoError;
    // kOutOfMemory (the DFA's budget) must not pass for "no wording matched".
    if (info.kind != RE2::Set::kNoError && failed != nullptr) *failed = true;
    hits.clear();
    return hits;
  }
  std::sort(hits.begin(), hits.end());
  return hits;
}

std::unique_ptr<re2::RE2> CompilePattern(std::string_view pattern, std::string* error) {
  // One group around the whole pattern so FirstMatch can report the words.
  std::string wrapped = "(" + std::string(pattern) + ")";
  auto re = std::make_unique<RE2>(wrapped, PatternOptions(true));
  if (!re->ok()) {
    *error = re->error();
    return nullptr;
  }
  return re;
}

std::string_view FirstMatch(const re2::RE2& re, std::string_view text) {
  re2::StringPiece input(text.data(), text.size());
  re2::StringPiece group;
  if (!RE2::PartialMatch(input, re, &group)) return {};
  return std::string_view(group.data(), group.size());
}

}  // namespace internal
}  // namespace ndr
