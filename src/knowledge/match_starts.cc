#include "knowledge/match_starts.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/strings.h"

namespace ndr {
namespace internal {
namespace {

// Words shorter than this occur too often to pay for a scan and a check at
// each place.
constexpr size_t kMinStart = 4;
// More ways through a pattern than this: it is searched by RE2 itself.
constexpr size_t kMaxWords = 512;

constexpr bool kLittleEndian = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;

using Path = MatchStarts::Path;

// What a piece of a pattern can begin with: its paths in RE2's order of
// preference (leftmost-first: alternatives in order, a greedy '?' present
// before absent).
struct Starts {
  std::vector<Path> paths{Path()};
  bool complete = true;  // the paths are every text the piece matches, so what follows extends them
};

bool IsPunct(char c) { return std::ispunct(static_cast<unsigned char>(c)) != 0; }

// RE2's \b and \B: ASCII letters, digits and '_' are word characters.
bool IsWordByte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Reads a pattern from the left, as far as it is a finite set of words.
class StartReader {
 public:
  explicit StartReader(std::string_view pattern) : p_(pattern) {}

  // Alternatives up to a ')' or the end.
  Starts Alternation() {
    Starts out;
    out.paths.clear();
    for (;;) {
      Starts s = Sequence();
      out.paths.insert(out.paths.end(), s.paths.begin(), s.paths.end());
      out.complete = out.complete && s.complete;
      if (i_ < p_.size() && p_[i_] == '|') {
        ++i_;
        continue;
      }
      break;
    }
    if (out.paths.size() > kMaxWords) {
      out.paths.assign(1, Path());  // too many to search: begins with anything
      out.complete = false;
    }
    return out;
  }

  bool at_end() const { return i_ == p_.size(); }

 private:
  // One alternative: items, each extending every path so far, until one is
  // not a finite set of words (then the rest is stepped over).
  Starts Sequence() {
    Starts s;
    while (i_ < p_.size() && p_[i_] != '|' && p_[i_] != ')') {
      Starts item;
      char check = 0;
      if (!Item(&item, &check)) return Stop(&s);
      if (check != 0) {
        for (Path& path : s.paths) path.checks.push_back({static_cast<uint32_t>(path.word.size()), check});
        continue;
      }
      if (i_ < p_.size() && p_[i_] == '?') {
        ++i_;
        const bool lazy = i_ < p_.size() && p_[i_] == '?';
        if (lazy) ++i_;
        // Absent is preferred by a lazy '??', present by a greedy '?'.
        item.paths.insert(lazy ? item.paths.begin() : item.paths.end(), Path());
      } else if (i_ < p_.size() && (p_[i_] == '*' || p_[i_] == '+' || p_[i_] == '{')) {
        return Stop(&s);  // repeated: the words end before it
      }
      if (s.paths.size() * item.paths.size() > kMaxWords) return Stop(&s);
      std::vector<Path> longer;
      longer.reserve(s.paths.size() * item.paths.size());
      for (const Path& head : s.paths) {
        for (const Path& tail : item.paths) {
          Path joined = head;
          for (const auto& [at, kind] : tail.checks) {
            joined.checks.push_back({static_cast<uint32_t>(head.word.size()) + at, kind});
          }
          joined.word += tail.word;
          longer.push_back(std::move(joined));
        }
      }
      s.paths = std::move(longer);
      if (!item.complete) return Stop(&s);
    }
    return s;
  }

  // The paths so far begin every match; the rest of the alternative is skipped.
  Starts Stop(Starts* s) {
    s->complete = false;
    SkipSequence();
    return std::move(*s);
  }

  // One character, class or group; or a zero-width assertion (*check: 'b',
  // 'B', '^' or '$'). False (and nothing read) when it is not a finite set
  // of words.
  bool Item(Starts* item, char* check) {
    const size_t start = i_;
    const char c = p_[i_];
    if (c == '\\') {
      if (i_ + 1 >= p_.size()) return false;
      const char e = p_[i_ + 1];
      if (e == 'b' || e == 'B' || e == 'A' || e == 'z') {
        i_ += 2;
        *check = e == 'A' ? '^' : e == 'z' ? '$' : e;
        return true;
      }
      if (!IsPunct(e)) return false;  // "\S", "\d", "\x41"...
      i_ += 2;
      item->paths.assign(1, Path{std::string(1, e), {}});
      return true;
    }
    if (c == '^' || c == '$') {
      ++i_;
      *check = c;
      return true;
    }
    if (c == '(') {
      if (p_.compare(i_, 3, "(?:") == 0) {
        i_ += 3;
      } else if (p_.compare(i_, 3, "(?P") == 0) {
        const size_t close = p_.find('>', i_);
        if (close == std::string_view::npos) return false;
        i_ = close + 1;
      } else if (p_.compare(i_, 2, "(?") == 0) {
        return false;  // flags
      } else {
        ++i_;
      }
      *item = Alternation();
      if (i_ >= p_.size() || p_[i_] != ')') {
        i_ = start;
        return false;
      }
      ++i_;
      return true;
    }
    if (c == '[') return Class(item);
    if (static_cast<unsigned char>(c) >= 0x80) {
      // A non-ASCII letter: no way through it in an ASCII text (the only
      // texts searched by words), unless RE2's case folding pairs it with
      // an ASCII one.
      const size_t length = NonAsciiLength(i_);
      if (length == 0) return false;
      i_ += length;
      item->paths.clear();
      return true;
    }
    if (std::string_view(".*+?{}]").find(c) != std::string_view::npos) return false;
    ++i_;
    item->paths.assign(1, Path{std::string(1, AsciiLower(c)), {}});
    return true;
  }

  // A class of a few single characters ("[ae]", "[- ]"); not a range, not negated.
  bool Class(Starts* item) {
    constexpr size_t kMaxMembers = 8;
    size_t j = i_ + 1;
    if (j < p_.size() && p_[j] == '^') return false;
    std::string members;
    for (bool first = true; j < p_.size() && (p_[j] != ']' || first); first = false) {
      char m = p_[j];
      if (m == '\\') {
        if (j + 1 >= p_.size() || !IsPunct(p_[j + 1])) return false;
        m = p_[j + 1];
        j += 2;
      } else if (static_cast<unsigned char>(m) >= 0x80) {
        // A non-ASCII member: none in an ASCII text (see Item).
        const size_t length = NonAsciiLength(j);
        if (length == 0) return false;
        j += length;
        if (j + 1 < p_.size() && p_[j] == '-' && p_[j + 1] != ']') return false;  // a range
        continue;
      } else {
        if (m == '[') return false;
        ++j;
      }
      if (j + 1 < p_.size() && p_[j] == '-' && p_[j + 1] != ']') return false;  // a range
      m = AsciiLower(m);
      if (members.find(m) == std::string::npos) members += m;
      if (members.size() > kMaxMembers) return false;
    }
    if (j >= p_.size()) return false;
    i_ = j + 1;
    item->paths.clear();
    for (char m : members) item->paths.push_back(Path{std::string(1, m), {}});
    return true;
  }

  // The length of the UTF-8 character at `at` when it is one that no ASCII
  // text holds; 0 when it is not one (a bad sequence, or U+212A KELVIN SIGN
  // and U+017F LONG S, which RE2 matches with 'k' and 's').
  size_t NonAsciiLength(size_t at) const {
    const size_t length = Utf8SequenceLength(reinterpret_cast<const unsigned char*>(p_.data()), at, p_.size());
    return length < 2 || HoldsAsciiFold(p_.substr(at, length)) ? 0 : length;
  }

  // To the '|' or ')' that ends the alternative being read.
  void SkipSequence() {
    int depth = 0;
    while (i_ < p_.size()) {
      const char c = p_[i_];
      if (c == '\\') {
        i_ += 2;
        continue;
      }
      if (c == '[') {
        size_t j = i_ + 1;
        if (j < p_.size() && p_[j] == '^') ++j;
        if (j < p_.size() && p_[j] == ']') ++j;
        for (; j < p_.size() && p_[j] != ']'; ++j) {
          if (p_[j] == '\\') ++j;
        }
        i_ = j + 1;
        continue;
      }
      if (depth == 0 && (c == '|' || c == ')')) break;
      if (c == '(') ++depth;
      if (c == ')') --depth;
      ++i_;
    }
    if (i_ > p_.size()) i_ = p_.size();
  }

  std::string_view p_;
  size_t i_ = 0;
};

// A word's (or a text's) first four bytes, lowered, the first the highest:
// keys in numeric order are in the words' order.
uint32_t KeyAt(const char* p) {
  return static_cast<uint32_t>(static_cast<unsigned char>(AsciiLower(p[0]))) << 24 |
         static_cast<uint32_t>(static_cast<unsigned char>(AsciiLower(p[1]))) << 16 |
         static_cast<uint32_t>(static_cast<unsigned char>(AsciiLower(p[2]))) << 8 |
         static_cast<uint32_t>(static_cast<unsigned char>(AsciiLower(p[3])));
}

// The byte a top-level alternative ends with before its '$' or '\z' (the
// end of the text, in a pattern that sets no flag), as a one-byte class in
// *bytes; false when it does not end so ("x$", "\.$" do; "x?$", "\d$",
// "(x)$", "[xy]$" do not).
bool AddLastByte(const std::string& alternative, uint64_t bytes[4]) {
  // Whether alternative[i] is escaped (an odd run of backslashes before it).
  auto escaped = [&alternative](size_t i) {
    size_t run = 0;
    while (i > run && alternative[i - 1 - run] == '\\') ++run;
    return run % 2 == 1;
  };
  // Escapes whose last byte is not a literal ("\pL", "\x41", "\101").
  for (size_t i = 0; i + 1 < alternative.size(); ++i) {
    if (alternative[i] != '\\' || escaped(i)) continue;
    const char e = alternative[i + 1];
    if (e == 'p' || e == 'P' || e == 'x' || e == 'Q' || e == 'C' || (e >= '0' && e <= '9')) return false;
  }
  size_t end = alternative.size();
  if (end >= 2 && alternative.compare(end - 2, 2, "\\z") == 0 && !escaped(end - 2)) {
    end -= 2;
  } else if (end >= 1 && alternative[end - 1] == '$' && !escaped(end - 1)) {
    end -= 1;
  } else {
    return false;
  }
  if (end == 0) return false;
  const char c = alternative[end - 1];
  if (escaped(end - 1)) {
    if (!IsPunct(c)) return false;  // "\d", "\S": a class
  } else if (static_cast<unsigned char>(c) >= 0x80 || std::string_view(".?*+{}()[]|^$\\").find(c) != std::string_view::npos) {
    return false;
  }
  auto add = [bytes](unsigned char b) { bytes[b >> 6] |= uint64_t{1} << (b & 63); };
  add(static_cast<unsigned char>(AsciiLower(c)));
  add(static_cast<unsigned char>(std::toupper(static_cast<unsigned char>(c))));
  // RE2 matches 'k' with U+212A KELVIN SIGN and 's' with U+017F LONG S:
  // their last bytes.
  if (AsciiLower(c) == 'k') add(0xAA);
  if (AsciiLower(c) == 's') add(0xBF);
  return true;
}

}  // namespace

std::vector<std::string> TopLevelAlternatives(const std::string& pattern) {
  if (pattern.compare(0, 2, "(?") == 0 && pattern.find(')') != std::string::npos &&
      pattern.find(':') > pattern.find(')')) {
    return {pattern};
  }
  std::vector<std::string> out;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\') {
      ++i;
    } else if (c == '[') {
      // A class: up to its closing ']' (one right after '[' or '[^' is a member).
      size_t j = i + 1;
      if (j < pattern.size() && pattern[j] == '^') ++j;
      if (j < pattern.size() && pattern[j] == ']') ++j;
      for (; j < pattern.size() && pattern[j] != ']'; ++j) {
        if (pattern[j] == '\\') ++j;
      }
      i = j;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (c == '|' && depth == 0) {
      out.push_back(pattern.substr(start, i - start));
      start = i + 1;
    }
  }
  out.push_back(pattern.substr(start));
  return out;
}

bool SetsFlags(const std::string& pattern) {
  for (size_t i = 0; i + 2 < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      ++i;  // an escaped byte ("\(" is a literal parenthesis)
      continue;
    }
    if (pattern[i] == '(' && pattern[i + 1] == '?' && pattern[i + 2] != ':' && pattern[i + 2] != 'P') return true;
  }
  return false;
}

MatchStarts::MatchStarts(std::string_view pattern) {
  const std::string source(pattern);
  if (!SetsFlags(source)) {
    end_known_ = true;
    for (const std::string& alternative : TopLevelAlternatives(source)) {
      end_known_ = end_known_ && AddLastByte(alternative, last_bits_);
    }
  }
  StartReader reader(pattern);
  Starts s = reader.Alternation();
  if (!reader.at_end()) return;  // an unbalanced ')': RE2's own search
  // Every way begins at the start of the text with a word: only there.
  anchored_ = !s.paths.empty();
  for (const Path& path : s.paths) {
    const bool at_start = !path.checks.empty() && path.checks.front().first == 0 && path.checks.front().second == '^';
    if (!at_start || path.word.empty() || path.word.size() > 0xFF) anchored_ = false;
  }
  if (anchored_) {
    std::vector<std::string> leads;
    for (const Path& path : s.paths) leads.push_back(path.word);
    // Sorted, a word comes right after the words it begins with (which
    // begin each other in turn): the last one kept is the one to look at.
    std::sort(leads.begin(), leads.end());
    leads.erase(std::unique(leads.begin(), leads.end()), leads.end());
    std::string kept;  // the last word kept
    for (const std::string& word : leads) {
      if (!kept.empty() && word.compare(0, kept.size(), kept) == 0) continue;
      if (lead_firsts_.empty() || lead_firsts_.back() != word[0]) {
        lead_firsts_ += word[0];
        lead_groups_.push_back(static_cast<uint32_t>(leads_.size()));
      }
      leads_ += static_cast<char>(word.size());
      leads_ += word;
      kept = word;
    }
    lead_groups_.push_back(static_cast<uint32_t>(leads_.size()));
  }
  for (const Path& path : s.paths) {
    if (path.word.size() < kMinStart || path.word.size() > 0xFFFF) return;
  }
  searchable_ = true;  // (without paths: it never matches an ASCII text)
  complete_ = s.complete;
  // The paths grouped by key, each group in RE2's order (a match at a place
  // is the first path of its key there that fits).
  std::vector<std::pair<uint32_t, const Path*>> keyed;
  for (const Path& path : s.paths) keyed.push_back({KeyAt(path.word.data()), &path});
  std::stable_sort(keyed.begin(), keyed.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<uint32_t> keys, groups, first_keys;
  std::vector<FlatPath> paths;
  std::vector<Check> checks;
  std::string words, firsts;
  for (const auto& [key, path] : keyed) {
    if (keys.empty() || keys.back() != key) {
      keys.push_back(key);
      groups.push_back(static_cast<uint32_t>(paths.size()));
      const auto first = static_cast<unsigned char>(key >> 24);
      if (firsts.empty() || firsts.back() != static_cast<char>(first)) {
        firsts += static_cast<char>(first);
        first_keys.push_back(static_cast<uint32_t>(keys.size() - 1));
      }
      // The text's byte as it stands: a key's letter in either case (only
      // bytes AsciiLower takes to `first`, which NextStart looks up).
      const unsigned char upper = first >= 'a' && first <= 'z' ? static_cast<unsigned char>(first - 'a' + 'A') : first;
      for (const unsigned char b : {first, upper}) first_bits_[b >> 6] |= uint64_t{1} << (b & 63);
    }
    FlatPath flat;
    flat.word = static_cast<uint32_t>(words.size());
    flat.length = static_cast<uint16_t>(path->word.size());
    flat.checks = static_cast<uint32_t>(checks.size());
    flat.check_count = static_cast<uint16_t>(path->checks.size());
    const size_t next = std::min<size_t>(path->word.size() - kMinStart, 8);
    for (size_t i = 0; i < next; ++i) {
      flat.next |= uint64_t{static_cast<unsigned char>(path->word[kMinStart + i])} << (8 * i);
      flat.next_mask |= uint64_t{0xFF} << (8 * i);
    }
    words += path->word;
    for (const auto& [offset, kind] : path->checks) checks.push_back({offset, kind});
    paths.push_back(flat);
  }
  groups.push_back(static_cast<uint32_t>(paths.size()));
  first_keys.push_back(static_cast<uint32_t>(keys.size()));
  key_count_ = static_cast<uint32_t>(keys.size());
  first_count_ = static_cast<uint32_t>(firsts.size());
  // The keys' first two bytes, or else their first bytes, for NextStart.
  auto fold = [this, &keys](bool pairs) {
    folded_count_ = 0;
    for (const uint32_t key : keys) {
      const auto first = static_cast<unsigned char>((key >> 24) | 0x20);
      const auto second = pairs ? static_cast<unsigned char>(((key >> 16) & 0xFF) | 0x20) : 0;
      bool known = false;
      for (uint32_t k = 0; k < folded_count_ && !known; ++k) {
        known = folded_firsts_[k] == first && folded_seconds_[k] == second;
      }
      if (known) continue;
      if (folded_count_ == kMaxFolded) return false;
      folded_firsts_[folded_count_] = first;
      folded_seconds_[folded_count_] = second;
      ++folded_count_;
    }
    return true;
  };
  folded_pairs_ = fold(true);
  if (!folded_pairs_ && !fold(false)) folded_count_ = 0;  // too many: byte by byte
  for (uint32_t k = 0; k < folded_count_; ++k) {
    std::memset(folded_first_rows_[k], folded_firsts_[k], sizeof(folded_first_rows_[k]));
    std::memset(folded_second_rows_[k], folded_seconds_[k], sizeof(folded_second_rows_[k]));
  }
  path_count_ = static_cast<uint32_t>(paths.size());
  // Too many pairs for the blocks of sixteen: the pairs as a bit table, for
  // NextStart to test the places it would look up (see PairMayStart).
  std::vector<uint64_t> pair_rows;
  if (!folded_pairs_ && !keys.empty()) {
    pair_rows.assign(64, 0);
    for (const uint32_t key : keys) {
      const auto first = static_cast<unsigned char>(key >> 24);
      const auto second = static_cast<unsigned char>(key >> 16);
      pair_rows[(first | 0x20) & 63] |= uint64_t{1} << ((second | 0x20) & 63);
    }
  }
  // One blob, each part on an 8-byte boundary; what NextStart reads first.
  size_t size = 0;
  auto place = [&size](size_t bytes) {
    const auto at = static_cast<uint32_t>(size);
    size += (bytes + 7) & ~size_t{7};
    return at;
  };
  pair_rows_ = place(pair_rows.size() * sizeof(uint64_t));
  has_pair_rows_ = !pair_rows.empty();
  keys_ = place(keys.size() * sizeof(uint32_t));
  first_keys_ = place(first_keys.size() * sizeof(uint32_t));
  firsts_ = place(firsts.size());
  groups_ = place(groups.size() * sizeof(uint32_t));
  paths_ = place(paths.size() * sizeof(FlatPath));
  checks_ = place(checks.size() * sizeof(Check));
  words_ = place(words.size());
  blob_.assign(size, 0);
  auto copy = [this](uint32_t at, const void* from, size_t bytes) {
    if (bytes > 0) std::memcpy(blob_.data() + at, from, bytes);
  };
  copy(pair_rows_, pair_rows.data(), pair_rows.size() * sizeof(uint64_t));
  copy(keys_, keys.data(), keys.size() * sizeof(uint32_t));
  copy(first_keys_, first_keys.data(), first_keys.size() * sizeof(uint32_t));
  copy(firsts_, firsts.data(), firsts.size());
  copy(groups_, groups.data(), groups.size() * sizeof(uint32_t));
  copy(paths_, paths.data(), paths.size() * sizeof(FlatPath));
  copy(checks_, checks.data(), checks.size() * sizeof(Check));
  copy(words_, words.data(), words.size());
}

std::vector<std::string> MatchStarts::words() const {
  std::vector<std::string> out;
  for (uint32_t k = 0; k < path_count_; ++k) {
    const FlatPath& path = At<FlatPath>(paths_)[k];
    out.emplace_back(At<char>(words_) + path.word, path.length);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

inline bool MatchStarts::KeyIndexAt(std::string_view text, size_t i, size_t* group) const {
  // (Tested as it stands: nearly every byte fails, and is never lowered.)
  const auto b = static_cast<unsigned char>(text[i]);
  if (((first_bits_[b >> 6] >> (b & 63)) & 1) == 0) return false;
  const auto c = static_cast<unsigned char>(AsciiLower(text[i]));
  const uint32_t key = KeyAt(text.data() + i);
  const auto* firsts = At<unsigned char>(firsts_);
  const size_t j = static_cast<size_t>(std::find(firsts, firsts + first_count_, c) - firsts);
  const uint32_t* keys = At<uint32_t>(keys_);
  const uint32_t* first_keys = At<uint32_t>(first_keys_);
  for (size_t k = first_keys[j]; k < first_keys[j + 1]; ++k) {
    if (keys[k] == key) {
      *group = k;
      return true;
    }
  }
  return false;
}

size_t MatchStarts::NextStart(std::string_view text, size_t from, size_t* group) const {
  if (text.size() < kMinStart) return std::string_view::npos;
  const size_t last = text.size() - kMinStart;
  size_t i = from;
#if defined(__SSE2__)
  // Sixteen places at a time, by the keys' first two bytes (or first bytes):
  // a byte-by-byte test of the first byte alone costs more than this whole
  // test, and lets through a place in five of an English text. The last
  // sixteen places are tested as one block too, its places before `i` left
  // out; texts shorter than that are tested byte by byte.
  if (folded_count_ > 0 && last >= 15 && i <= last) {
    const auto* firsts = reinterpret_cast<const __m128i*>(folded_first_rows_);
    const auto* seconds = reinterpret_cast<const __m128i*>(folded_second_rows_);
    const __m128i fold = _mm_set1_epi8(0x20);
    // The places of the block at `at` that may start a key, a bit each. (The
    // second load ends at at + 16 <= last + 1: inside the text.)
    auto places = [&](size_t at) {
      const __m128i a = _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + at)), fold);
      __m128i hit = _mm_setzero_si128();
      if (folded_pairs_) {
        const __m128i b = _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + at + 1)), fold);
        for (uint32_t k = 0; k < folded_count_; ++k) {
          hit = _mm_or_si128(hit, _mm_and_si128(_mm_cmpeq_epi8(a, _mm_load_si128(firsts + k)), _mm_cmpeq_epi8(b, _mm_load_si128(seconds + k))));
        }
      } else {
        for (uint32_t k = 0; k < folded_count_; ++k) hit = _mm_or_si128(hit, _mm_cmpeq_epi8(a, _mm_load_si128(firsts + k)));
      }
      return static_cast<unsigned>(_mm_movemask_epi8(hit));
    };
    for (;; i += 16) {
      size_t at = i;
      unsigned mask;
      if (i + 15 <= last) {
        mask = places(at);
      } else {
        at = last - 15;
        mask = places(at) >> (i - at) << (i - at);
      }
      for (; mask != 0; mask &= mask - 1) {
        const size_t place = at + static_cast<size_t>(__builtin_ctz(mask));
        if ((!has_pair_rows_ || PairMayStart(At<uint64_t>(pair_rows_), text.data() + place)) &&
            KeyIndexAt(text, place, group)) {
          return place;
        }
      }
      if (at + 15 >= last) return std::string_view::npos;
    }
  }
#endif
  if (has_pair_rows_) {
    const uint64_t* rows = At<uint64_t>(pair_rows_);
    for (; i <= last; ++i) {
      if (PairMayStart(rows, text.data() + i) && KeyIndexAt(text, i, group)) return i;
    }
    return std::string_view::npos;
  }
  for (; i <= last; ++i) {
    if (KeyIndexAt(text, i, group)) return i;
  }
  return std::string_view::npos;
}

bool MatchStarts::Fits(const FlatPath& path, std::string_view text, size_t at, uint64_t next, bool checks) const {
  if ((next & path.next_mask) != path.next) return false;
  if (path.length > text.size() - at) return false;
  // The key and the eight bytes after it are equal: the rest, if any.
  const size_t known = kMinStart + 8;
  if (path.length > known &&
      !IEqualsSized(text.data() + at + known, At<char>(words_) + path.word + known, path.length - known)) {
    return false;
  }
  if (!checks) return true;
  const Check* all_checks = At<Check>(checks_);
  for (uint32_t c = path.checks; c < path.checks + path.check_count; ++c) {
    const Check& check = all_checks[c];
    const size_t i = at + check.offset;
    bool holds;
    switch (check.kind) {
      case '^': holds = i == 0; break;
      case '$': holds = i == text.size(); break;
      default: {
        const bool before = i > 0 && IsWordByte(text[i - 1]);
        const bool after = i < text.size() && IsWordByte(text[i]);
        holds = (before != after) == (check.kind == 'b');
      }
    }
    if (!holds) return false;
  }
  return true;
}

size_t MatchStarts::PathAt(std::string_view text, size_t at, size_t group, bool checks) const {
  // The (up to) eight bytes after the key, lowered; past the text, zeros
  // (no word holds a zero byte where a path's mask looks).
  uint64_t next = 0;
  const size_t after = at + kMinStart;
  const size_t count = std::min<size_t>(text.size() - after, 8);
  if (count == 8 && kLittleEndian) {
    std::memcpy(&next, text.data() + after, 8);  // byte i at bits 8i, as the loop below puts it
    next = AsciiLower8(next);
  } else {
    for (size_t i = 0; i < count; ++i) {
      next |= uint64_t{static_cast<unsigned char>(AsciiLower(text[after + i]))} << (8 * i);
    }
  }
  const uint32_t* groups = At<uint32_t>(groups_);
  const FlatPath* paths = At<FlatPath>(paths_);
  for (uint32_t k = groups[group]; k < groups[group + 1]; ++k) {
    if (Fits(paths[k], text, at, next, checks)) return paths[k].length;
  }
  return std::string_view::npos;
}

bool MatchStarts::MayMatch(std::string_view text, size_t from, bool ascii) const {
  if (end_known_) {
    if (text.empty()) return false;
    const auto last = static_cast<unsigned char>(text.back());
    if (((last_bits_[last >> 6] >> (last & 63)) & 1) == 0) return false;
  }
  if (anchored_ && ascii) {
    if (from > 0 || text.empty()) return false;  // '^' is the start of the text, not of the search
    const size_t k = lead_firsts_.find(AsciiLower(text[0]));
    if (k == std::string::npos) return false;
    for (size_t i = lead_groups_[k]; i < lead_groups_[k + 1];) {
      const size_t length = static_cast<unsigned char>(leads_[i]);
      if (length <= text.size() && IEqualsSized(text.data(), leads_.data() + i + 1, length)) return true;
      i += 1 + length;
    }
    return false;
  }
  return true;
}

bool MatchStarts::Match(const RE2& re, std::string_view text, size_t from, bool ascii, re2::StringPiece* match,
                        int n) const {
  if (!MayMatch(text, from, ascii)) return false;
  const re2::StringPiece input(text.data(), text.size());
  if (!searchable_ || !ascii) return re.Match(input, from, text.size(), RE2::UNANCHORED, match, n);
  // Every match begins with a path's word: the first place where the
  // pattern matches, anchored, is where RE2's leftmost match begins, and
  // anchored it gives the same words and groups there. A pattern that is a
  // finite set of words is matched there without RE2 (unless groups are
  // asked for): by its first path, in RE2's order of preference, that fits.
  const bool by_paths = complete_ && n <= 1;
  size_t group = 0;
  for (size_t at = NextStart(text, from, &group); at != std::string_view::npos;
       at = NextStart(text, at + 1, &group)) {
    const size_t length = PathAt(text, at, group, by_paths);
    if (length == std::string_view::npos) continue;
    if (by_paths) {
      if (n > 0) match[0] = re2::StringPiece(text.data() + at, length);
      return true;
    }
    if (re.Match(input, at, text.size(), RE2::ANCHOR_START, match, n)) return true;
  }
  return false;
}

bool MatchStarts::FoundIn(std::string_view text) const {
  size_t group = 0;
  for (size_t at = NextStart(text, 0, &group); at != std::string_view::npos; at = NextStart(text, at + 1, &group)) {
    if (PathAt(text, at, group, true) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace internal
}  // namespace ndr
