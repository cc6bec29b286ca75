// Linear time on hostile shapes: each shape is analyzed at 1 MB and at 8 MB
// and the CPU time may grow at most 16 times (8 for linear; 8 MB no longer
// fits a CPU cache, which alone gave 9.4 on an idle machine, and load adds
// noise; quadratic work would give 64). Ratios, never absolute times: they
// hold on a slow or busy machine and in sanitizer builds. The time limit is
// off so the whole input is read.
#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <functional>
#include <string>

#include "ndr/analyzer.h"
#include "ndr/render.h"

namespace ndr {
namespace {

constexpr size_t kSmall = 1u << 20;
constexpr size_t kLarge = 8u << 20;
constexpr double kMaxRatio = 16.0;

const Analyzer& UnlimitedTimeAnalyzer() {
  static const std::unique_ptr<Analyzer> analyzer = [] {
    AnalyzeOptions options;
    options.limits.max_seconds = 0;  // off: the test measures the whole work
    std::string error;
    auto a = Analyzer::Create(options, &error);
    EXPECT_NE(a, nullptr) << error;
    return a;
  }();
  return *analyzer;
}

double CpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// CPU time of one analysis: the least of three batches (the least is the
// least disturbed), each batch repeating the analysis until it has taken at
// least 20 ms, so that a fast shape is not measured at the clock's grain
// (a 2 ms run disturbed by 1 ms reads as 50 % slower).
double AnalyzeSeconds(const std::string& bytes) {
  constexpr double kMinBatch = 0.02;
  double best = 1e30;
  for (int batch = 0; batch < 3; ++batch) {
    double start = CpuSeconds();
    int runs = 0;
    double elapsed = 0;
    do {
      Analysis a = UnlimitedTimeAnalyzer().Analyze(bytes, "growth");
      for (const Record& r : a.records) RecordToJson(r);
      ++runs;
      elapsed = CpuSeconds() - start;
    } while (elapsed < kMinBatch);
    best = std::min(best, elapsed / runs);
  }
  return best;
}

// glibc's malloc gives blocks of more than 128 KB (up to 32 MB once one was
// freed) their own mapping and hands them back when freed, so every 8 MB
// analysis wrote to fresh pages, a page fault each 4 KB: on a virtual
// machine (measured on a Firecracker VM) that made the 8 MB input of
// LongLineWithoutNewline 24 times the 1 MB one, whose blocks stay in the
// heap. The test measures ndr's work, not the kernel's: freed memory is
// kept, as tcmalloc (which the ndr program uses) keeps it.
void KeepFreedMemory() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

// `make(n)` builds an input of about n bytes.
void ExpectLinear(const std::function<std::string(size_t)>& make) {
  KeepFreedMemory();
  std::string small = make(kSmall);
  std::string large = make(kLarge);
  ASSERT_GE(large.size(), 7 * small.size());
  AnalyzeSeconds(small);  // warm the pattern caches
  // The fastest of a few runs: one run can lose its core to another
  // process (a loaded machine failed this test once with a single run each).
  double t_small = std::min({AnalyzeSeconds(small), AnalyzeSeconds(small), AnalyzeSeconds(small)});
  double t_large = std::min(AnalyzeSeconds(large), AnalyzeSeconds(large));
  // Below a millisecond the clock's grain decides; such a shape is cheap anyway.
  double ratio = t_large / std::max(t_small, 1e-3);
  EXPECT_LT(ratio, kMaxRatio) << "1 MB: " << t_small << " s, 8 MB: " << t_large << " s";
}

const char kBounceHead[] =
    "From: MAILER-DAEMON@mx.example.org\n"
    "To: sender@example.com\n"
    "Subject: Undelivered Mail Returned to Sender\n"
    "MIME-Version: 1.0\n";

std::string Repeat(std::string_view unit, size_t bytes) {
  std::string out;
  out.reserve(bytes + unit.size());
  while (out.size() < bytes) out.append(unit);
  return out;
}

TEST(GrowthTest, HtmlEntities) {
  ExpectLinear([](size_t n) {
    return std::string(kBounceHead) + "Content-Type: text/html\n\n<p>550 5.1.1 <a@example.net>: unknown user</p>" +
           Repeat("&", n);
  });
}

TEST(GrowthTest, HtmlTagsAndBlocks) {
  ExpectLinear([](size_t n) {
    return std::string(kBounceHead) + "Content-Type: text/html\n\n" + Repeat("<style<a &amp &#1 <br>", n);
  });
}

TEST(GrowthTest, LongHeaderLine) {
  ExpectLinear([](size_t n) {
    return std::string(kBounceHead) + "X-Long: " + Repeat("word =?utf-8?q?x?= ", n) +
           "\n\n<a@example.net>: 550 5.1.1 unknown user\n";
  });
}

TEST(GrowthTest, LongFoldedHeader) {
  ExpectLinear([](size_t n) {
    return std::string(kBounceHead) + "X-Folded: a\n" + Repeat(" b\n", n) + "\n<a@example.net>: 550 5.1.1 unknown user\n";
  });
}

TEST(GrowthTest, ManyHeaders) {
  ExpectLinear([](size_t n) {
    return std::string(kBounceHead) + Repeat("X-Header: value\n", n) + "\n<a@example.net>: 550 5.1.1 unknown user\n";
  });
}

TEST(GrowthTest, DeepNesting) {
  ExpectLinear([](size_t n) {
    std::string out = kBounceHead;
    for (size_t level = 0; out.size() < n; ++level) {
      std::string b = "b" + std::to_string(level);
      out += "Content-Type: multipart/mixed; boundary=\"" + b + "\"\n\n--" + b + "\n";
    }
    return out + "Content-Type: text/plain\n\n<a@example.net>: 550 5.1.1 unknown user\n";
  });
}

TEST(GrowthTest, ManyParts) {
  ExpectLinear([](size_t n) {
    return std::string(kBounceHead) + "Content-Type: multipart/mixed; boundary=\"B\"\n\n" +
           Repeat("--B\nContent-Type: text/plain\n\n<a@example.net>: 550 5.1.1 unknown user\n", n) + "--B--\n";
  });
}

TEST(GrowthTest, ManyBoundaries) {
  ExpectLinear([](size_t n) {
    std::string out = std::string(kBounceHead) + "Content-Type: multipart/mixed; boundary=\"B\"\n\n--B\n\n";
    // Delimiter-like lines of boundaries that are not open, and of the open one
    // with junk after it: each is checked against every open boundary.
    for (size_t i = 0; out.size() < n; ++i) out += "--B" + std::to_string(i % 1000) + "\n--Bx--\n";
    return out + "--B--\n";
  });
}

TEST(GrowthTest, ManyRecipients) {
  ExpectLinear([](size_t n) {
    std::string out = std::string(kBounceHead) +
                      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
                      "--B\nContent-Type: text/plain\n\n";
    std::string dsn = "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n";
    for (size_t i = 0; out.size() + dsn.size() < n; ++i) {
      std::string address = "user" + std::to_string(i) + "@example.net";
      out += "<" + address + ">: host mx.example.net said: 550 5.1.1 unknown user\n";
      dsn += "\nFinal-Recipient: rfc822; " + address + "\nAction: failed\nStatus: 5.1.1\n";
    }
    return out + dsn + "--B--\n";
  });
}

TEST(GrowthTest, ManyRecipientsInText) {
  ExpectLinear([](size_t n) {
    std::string out = std::string(kBounceHead) + "\n";
    for (size_t i = 0; out.size() < n; ++i) {
      out += "<user" + std::to_string(i) + "@example.net>: 550 5.1.1 unknown user\n";
    }
    return out;
  });
}

TEST(GrowthTest, LongLineWithoutNewline) {
  ExpectLinear([](size_t n) {
    return std::string(kBounceHead) + "\n<a@example.net>: 550 5.1.1 " + Repeat("unknown user a@b.example 550 ", n);
  });
}

TEST(GrowthTest, Base64AndQuotedPrintableBodies) {
  ExpectLinear([](size_t n) {
    return std::string(kBounceHead) + "Content-Type: multipart/mixed; boundary=\"B\"\n\n" +
           "--B\nContent-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n" +
           Repeat("=3D=\n550 5.1.1 <a@example.net> =XX", n / 2) +
           "\n--B\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n" + Repeat("QUFB!!", n / 2) +
           "\n--B--\n";
  });
}

// The ends of a quoted-printable body that the guard before mimetic's decoder
// reads backwards: many soft line breaks with blanks, a long run of '=', and
// base64 with an '=' (a fresh decoder) every other character.
TEST(GrowthTest, BrokenTransferEncodingEnds) {
  ExpectLinear([](size_t n) {
    return std::string(kBounceHead) + "Content-Transfer-Encoding: quoted-printable\n\n550 5.1.1 <a@example.net>" +
           Repeat(" \t=\n =", n);
  });
  ExpectLinear([](size_t n) {
    return std::string(kBounceHead) + "Content-Transfer-Encoding: quoted-printable\n\n550 5.1.1 <a@example.net>" +
           Repeat("=", n) + "\n";
  });
  ExpectLinear([](size_t n) {
    return std::string(kBounceHead) + "Content-Transfer-Encoding: base64\n\n" + Repeat("Q=", n);
  });
}

TEST(GrowthTest, PastedText) {
  ExpectLinear([](size_t n) { return Repeat("> 550 5.1.1 <a@example.net>: unknown user\n", n); });
}

}  // namespace
}  // namespace ndr
