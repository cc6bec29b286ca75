// Analyze's promise: it never throws. Every allocation on the analyze path is
// made to fail in turn (a replaced operator new, armed only by this test on
// its own thread), and each run must end with a normal result or a failed
// Analysis whose problem says "out of memory" -- never an exception.
#include <gtest/gtest.h>

#include <cstdlib>
#include <new>
#include <string>

#include "ndr/analyzer.h"
#include "ndr/mailbox.h"

namespace {

// -1: allocations succeed. N >= 0: the allocation after N more fails once.
thread_local long g_fail_after = -1;
thread_local long g_allocations = 0;

}  // namespace

void* operator new(std::size_t size) {
  ++g_allocations;
  if (g_fail_after >= 0 && g_fail_after-- == 0) throw std::bad_alloc();
  if (size == 0) size = 1;
  if (void* p = std::malloc(size)) return p;
  throw std::bad_alloc();
}
// Every other plain form too, so that all of them pair with malloc/free (a
// sanitizer runtime replaces each form on its own).
void* operator new[](std::size_t size) { return ::operator new(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return ::operator new(size);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept { return ::operator new(size, tag); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace ndr {
namespace {

TEST(ErrorBoundary, AnalyzeTurnsEveryFailedAllocationIntoAProblem) {
  std::string error;
  // An Analyzer of its own: a failure inside a library must not leave the
  // shared one changed for other tests.
  auto analyzer = Analyzer::Create(AnalyzeOptions(), &error);
  ASSERT_NE(analyzer, nullptr) << error;
  for (const char* sample : {"postfix-user-unknown.eml", "exchange-online-ndr.eml"}) {
    std::string data;
    ASSERT_TRUE(ReadWholeFile(std::string(NDR_SOURCE_DIR) + "/samples/" + sample, &data, &error)) << error;
    g_allocations = 0;
    const size_t expected = analyzer->Analyze(data, sample).records.size();
    const long total = g_allocations;
    ASSERT_GT(total, 50) << "the analyze path allocates: the test must see it";
    size_t failures_seen = 0;
    const long step = total / 400 + 1;  // about 400 runs per sample
    for (long k = 0; k < total; k += step) {
      SCOPED_TRACE(std::string(sample) + ": allocation " + std::to_string(k) + " of " + std::to_string(total));
      Analysis a;
      g_fail_after = k;
      EXPECT_NO_THROW(a = analyzer->Analyze(data, sample));
      g_fail_after = -1;
      if (a.failed) {
        ++failures_seen;
        ASSERT_EQ(a.problems.size(), 1u);
        EXPECT_EQ(a.problems[0].kind, ProblemKind::kInternal);
        EXPECT_EQ(a.problems[0].detail, "analysis stopped: out of memory");
        EXPECT_TRUE(a.records.empty());
      }
    }
    EXPECT_GT(failures_seen, 0u) << "no injected failure reached the boundary";
    // The same Analyzer still gives the same answer afterwards.
    EXPECT_EQ(analyzer->Analyze(data, sample).records.size(), expected);
  }
}

// In a batch, a failure ends its own message only: the others give their
// records. Only the batch's own list may fail to be allocated (then
// AnalyzeBatch throws std::bad_alloc, as its header says).
TEST(ErrorBoundary, BatchKeepsTheOtherMessagesWhenOneFails) {
  std::string error;
  auto analyzer = Analyzer::Create(AnalyzeOptions(), &error);
  ASSERT_NE(analyzer, nullptr) << error;
  std::vector<std::string> data(2);
  const char* names[] = {"postfix-user-unknown.eml", "exim-failed.eml"};
  for (size_t i = 0; i < 2; ++i) {
    ASSERT_TRUE(ReadWholeFile(std::string(NDR_SOURCE_DIR) + "/samples/" + names[i], &data[i], &error)) << error;
  }
  const std::vector<Analyzer::BatchMessage> batch = {{data[0], names[0]}, {data[1], names[1]}};
  const size_t expected[] = {analyzer->Analyze(data[0], names[0]).records.size(),
                             analyzer->Analyze(data[1], names[1]).records.size()};
  g_allocations = 0;
  analyzer->AnalyzeBatch(batch);
  const long total = g_allocations;
  size_t whole = 0;  // runs where one message failed and the other did not
  const long step = total / 400 + 1;
  for (long k = 0; k < total; k += step) {
    SCOPED_TRACE("allocation " + std::to_string(k) + " of " + std::to_string(total));
    std::vector<Analysis> out;
    g_fail_after = k;
    try {
      out = analyzer->AnalyzeBatch(batch);
    } catch (const std::bad_alloc&) {
      g_fail_after = -1;
      continue;
    }
    g_fail_after = -1;
    ASSERT_EQ(out.size(), 2u);
    // One allocation failed: one message at most is touched (it failed, or
    // a stage that could go on without it gave less).
    size_t failed_here = 0, touched = 0;
    for (size_t i = 0; i < 2; ++i) {
      if (out[i].failed) {
        ++failed_here;
        ASSERT_EQ(out[i].problems.size(), 1u);
        EXPECT_EQ(out[i].problems[0].detail, "analysis stopped: out of memory");
      }
      if (out[i].failed || out[i].records.size() != expected[i]) ++touched;
    }
    EXPECT_LE(touched, 1u);
    if (failed_here == 1) ++whole;
  }
  EXPECT_GT(whole, 10u) << "injected failures must reach one message and spare the other";
}

}  // namespace
}  // namespace ndr
