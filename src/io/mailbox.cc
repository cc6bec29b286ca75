// Whole-buffer helpers of the input layer: the mbox line rules (shared with
// the stream reader in inputs.cc through mbox_scan.h) and reading one file.
#include "ndr/mailbox.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>
#include <filesystem>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define NDR_AVX2_SEARCH 1
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "io/mbox_scan.h"

namespace ndr {

bool ReadWholeFile(const std::string& path, std::string* out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = path + ": " + std::strerror(errno);
    return false;
  }
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  out->clear();
  if (!ec) out->reserve(static_cast<size_t>(size));
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    out->append(buffer, static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) {
    *error = path + ": read error";
    return false;
  }
  return true;
}

bool LooksLikeMbox(std::string_view data) { return data.substr(0, 5) == "From "; }

namespace io {

bool HasTimeOfDay(std::string_view line) {
  auto digit = [&](size_t i) { return isdigit(static_cast<unsigned char>(line[i])) != 0; };
  for (size_t i = 5; i + 4 < line.size(); ++i) {
    if (line[i + 2] == ':' && digit(i) && digit(i + 1) && digit(i + 3) && digit(i + 4)) return true;
  }
  return false;
}

bool IsQuotedFromLine(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && line[i] == '>') ++i;
  return i > 0 && line.compare(i, 5, "From ") == 0;
}

namespace {

bool MarksLine(char first) { return first == 'F' || first == '>'; }

// The searches for a marked line below go from i, where a '\n' may be (i + 1
// is the line's first byte), to `end`; each ends with the one after it.
size_t MarkedLineByBytes(const char* data, size_t i, size_t end) {
  for (; i + 1 < end; ++i) {
    if (data[i] == '\n' && MarksLine(data[i + 1])) return i + 1;
  }
  return end;
}

size_t MarkedLineBySse2(const char* data, size_t i, size_t end) {
#if defined(__SSE2__)
  const __m128i nl = _mm_set1_epi8('\n');
  const __m128i f = _mm_set1_epi8('F');
  const __m128i gt = _mm_set1_epi8('>');
  for (; i + 17 <= end; i += 16) {
    __m128i here = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
    __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i + 1));
    __m128i hit = _mm_and_si128(_mm_cmpeq_epi8(here, nl),
                                _mm_or_si128(_mm_cmpeq_epi8(next, f), _mm_cmpeq_epi8(next, gt)));
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(hit));
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(mask)) + 1;
  }
#endif
  return MarkedLineByBytes(data, i, end);
}

#if defined(NDR_AVX2_SEARCH)
// Of the 32 bytes at `at`, those that are a '\n' before an 'F' or a '>'.
__attribute__((target("avx2"))) inline __m256i MarkedLineEnds32(const char* at) {
  __m256i here = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(at));
  __m256i next = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(at + 1));
  __m256i marked = _mm256_or_si256(_mm256_cmpeq_epi8(next, _mm256_set1_epi8('F')),
                                   _mm256_cmpeq_epi8(next, _mm256_set1_epi8('>')));
  return _mm256_and_si256(_mm256_cmpeq_epi8(here, _mm256_set1_epi8('\n')), marked);
}

__attribute__((target("avx2"))) size_t MarkedLineByAvx2(const char* data, size_t i, size_t end) {
  for (; i + 65 <= end; i += 64) {
    __m256i low = MarkedLineEnds32(data + i);
    __m256i high = MarkedLineEnds32(data + i + 32);
    __m256i any = _mm256_or_si256(low, high);
    if (_mm256_testz_si256(any, any) == 0) {
      uint64_t mask = static_cast<uint32_t>(_mm256_movemask_epi8(low)) |
                      static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(high))) << 32;
      return i + static_cast<size_t>(__builtin_ctzll(mask)) + 1;
    }
  }
  return MarkedLineBySse2(data, i, end);
}
#endif

// The input's first line (no '\n' before it), then `search` from the first
// place a '\n' may be.
template <size_t (*search)(const char*, size_t, size_t)>
size_t FirstMarkedLine(const char* data, size_t from, size_t end) {
  if (from == 0 && end > 0 && MarksLine(data[0])) return 0;
  return search(data, from > 0 ? from - 1 : 0, end);
}

}  // namespace

bool HasAvx2() {
#if defined(NDR_AVX2_SEARCH)
  // (__builtin_cpu_init: safe even when first asked before the static constructors ran.)
  static const bool has = (__builtin_cpu_init(), __builtin_cpu_supports("avx2"));
  return has;
#else
  return false;
#endif
}

size_t NextMarkedLineAvx2(const char* data, size_t from, size_t end) {
#if defined(NDR_AVX2_SEARCH)
  return FirstMarkedLine<MarkedLineByAvx2>(data, from, end);
#else
  return NextMarkedLineSse2(data, from, end);
#endif
}

size_t NextMarkedLineSse2(const char* data, size_t from, size_t end) {
  return FirstMarkedLine<MarkedLineBySse2>(data, from, end);
}

size_t NextMarkedLineBytes(const char* data, size_t from, size_t end) {
  return FirstMarkedLine<MarkedLineByBytes>(data, from, end);
}

size_t NextMarkedLine(const char* data, size_t from, size_t end) {
  return HasAvx2() ? NextMarkedLineAvx2(data, from, end) : NextMarkedLineSse2(data, from, end);
}

}  // namespace io

std::vector<std::string_view> SplitMbox(std::string_view data) {
  std::vector<std::string_view> out;
  io::MboxScan scan;
  io::ScanMbox(data, /*at_end=*/true, &scan,
               [&](const io::MboxCut& c) { out.push_back(data.substr(c.begin, c.end - c.begin)); });
  return out;
}

std::string UnquoteFromLines(std::string_view message) {
  std::string out;
  out.reserve(message.size());
  const char* data = message.data();
  const size_t size = message.size();
  size_t copied = 0;  // message[0, copied) is in `out`, each quoted line less its first '>'
  // Only lines starting with '>' can be quoted "From " lines: the others are
  // skipped many bytes at a time, not looked at one by one.
  for (size_t line = io::NextMarkedLine(data, 0, size); line < size;
       line = io::NextMarkedLine(data, line + 1, size)) {
    // (The rest of the message: the test reads no further than the line's '>'s and "From ".)
    if (data[line] != '>' || !io::IsQuotedFromLine(message.substr(line))) continue;
    out.append(data + copied, line - copied);
    copied = line + 1;
  }
  out.append(data + copied, size - copied);
  return out;
}

}  // namespace ndr
