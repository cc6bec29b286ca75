// Where SMTP code shapes stand in a text (internal to src/smtp/): the shapes
// only, RFC structure; SmtpText::FindCodes judges what surrounds them.
#ifndef NDR_SRC_SMTP_CODE_SHAPES_H_
#define NDR_SRC_SMTP_CODE_SHAPES_H_

#include <cstddef>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ndr {
namespace internal {

// Bounded work on hostile input: at most this many shapes of each kind per text.
constexpr size_t kMaxCodeShapes = 257;

// The next position in [i, n) holding '2', '4' or '5' (the first digit of a
// code), or n; n must not exceed text.size(). Most bytes of a text are
// letters: 16 of them are looked at at once where the machine can.
inline size_t NextCodeLead(std::string_view text, size_t i, size_t n) {
  const char* const data = text.data();
#if defined(__SSE2__)
  const __m128i two = _mm_set1_epi8('2');
  const __m128i four = _mm_set1_epi8('4');
  const __m128i five = _mm_set1_epi8('5');
  while (i + 16 <= n) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
    const __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(v, two), _mm_or_si128(_mm_cmpeq_epi8(v, four), _mm_cmpeq_epi8(v, five)));
    const int mask = _mm_movemask_epi8(hit);
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
    i += 16;
  }
#endif
  while (i < n) {
    const char c = data[i];
    if (c <= '5' && (c == '2' || c == '4' || c == '5')) return i;
    ++i;
  }
  return n;
}

// Calls on_reply(begin) for every "[245]DD" reply-code shape (3 bytes) and
// on_status(begin, end) for every "[245].D{1,3}.D{1,3}" status-code shape
// (the last number gives up to 3 digits), in one scan: each kind left to
// right, not overlapping its own kind, at most kMaxCodeShapes of each.
template <typename OnReply, typename OnStatus>
void ForEachCodeShape(std::string_view text, OnReply on_reply, OnStatus on_status) {
  const size_t n = text.size();
  if (n < 3) return;
  auto digit = [&](size_t at) { return at < n && text[at] >= '0' && text[at] <= '9'; };
  const size_t reply_limit = n - 2;                 // a reply shape needs 3 bytes
  const size_t status_limit = n >= 5 ? n - 4 : 0;   // a status shape 5
  size_t reply_next = 0;   // where the next reply shape may start (shapes of a kind do not overlap)
  size_t status_next = 0;
  size_t replies = 0;
  size_t statuses = 0;
  for (size_t i = NextCodeLead(text, 0, reply_limit); i < reply_limit; i = NextCodeLead(text, i + 1, reply_limit)) {
    if (replies < kMaxCodeShapes && i >= reply_next && digit(i + 1) && digit(i + 2)) {
      on_reply(i);
      ++replies;
      reply_next = i + 3;
    }
    if (statuses < kMaxCodeShapes && i >= status_next && i < status_limit && text[i + 1] == '.') {
      size_t middle = 0;
      while (middle < 4 && digit(i + 2 + middle)) ++middle;
      const size_t dot = i + 2 + middle;
      if (middle >= 1 && middle <= 3 && dot < n && text[dot] == '.') {
        size_t last = 0;
        while (last < 3 && digit(dot + 1 + last)) ++last;
        if (last >= 1) {
          on_status(i, dot + 1 + last);
          ++statuses;
          status_next = dot + 1 + last;
        }
      }
    }
    if (replies >= kMaxCodeShapes && statuses >= kMaxCodeShapes) break;
  }
}

// Whether a reply-code shape "[245]DD" starts anywhere in text (with
// or_status, also a status-code shape's start "[245].D"). Without one, no
// code is found in the text nor in any text made of its words (squeezed,
// wrappers cut out, lines joined: their words are pieces of the text's).
inline bool HasCodeShape(std::string_view text, bool or_status) {
  const size_t n = text.size();
  if (n < 3) return false;
  auto digit = [&](size_t at) { return text[at] >= '0' && text[at] <= '9'; };
  for (size_t i = NextCodeLead(text, 0, n - 2); i < n - 2; i = NextCodeLead(text, i + 1, n - 2)) {
    if (digit(i + 2) && (digit(i + 1) || (or_status && text[i + 1] == '.'))) return true;
  }
  return false;
}

}  // namespace internal
}  // namespace ndr

#endif  // NDR_SRC_SMTP_CODE_SHAPES_H_
