// A small recursive-descent reading of RE2 syntax that keeps, for each piece,
// the bytes it can start with and whether it can match nothing (then what
// follows it can start the match too).
#include "knowledge/first_bytes.h"

#include <algorithm>
#include <cstddef>
#include <vector>

namespace ndr {
namespace internal {
namespace {

ByteSet AllBytes() { return ByteSet().set(); }

// The first bytes of some matches of a piece, one set per place: `len` < 3
// when these matches are exactly that long, 3 when they go on.
struct Prefix {
  ByteSet at[3];
  int len = 0;
};
using Prefixes = std::vector<Prefix>;

// Each match of a then b: the prefixes of a completed by those of b. Past 512
// prefixes those of one length merge into one (a superset: still conservative).
Prefixes Then(const Prefixes& a, const Prefixes& b) {
  Prefixes out;
  for (const Prefix& pa : a) {
    if (pa.len == 3) {
      out.push_back(pa);
      continue;
    }
    for (const Prefix& pb : b) {
      Prefix p = pa;
      for (int j = 0; j < pb.len && p.len < 3; ++j) p.at[p.len++] = pb.at[j];
      out.push_back(p);
    }
  }
  if (out.size() <= 512) return out;
  Prefixes merged(4);
  for (int len = 0; len < 4; ++len) merged[static_cast<size_t>(len)].len = len;
  std::vector<bool> used(4, false);
  for (const Prefix& p : out) {
    Prefix& m = merged[static_cast<size_t>(p.len)];
    for (int i = 0; i < p.len; ++i) m.at[i] |= p.at[i];
    used[static_cast<size_t>(p.len)] = true;
  }
  Prefixes kept;
  for (int len = 0; len < 4; ++len) {
    if (used[static_cast<size_t>(len)]) kept.push_back(merged[static_cast<size_t>(len)]);
  }
  return kept;
}

// One character of the set: an ASCII byte alone, or the lead byte of a
// longer UTF-8 sequence whose next bytes are not followed.
Prefixes OneCharacter(const ByteSet& bytes) {
  Prefixes out;
  Prefix ascii;
  Prefix multi;
  for (int b = 0; b < 256; ++b) {
    if (bytes[static_cast<size_t>(b)]) (b < 0x80 ? ascii : multi).at[0].set(static_cast<size_t>(b));
  }
  if (ascii.at[0].any()) {
    ascii.len = 1;
    out.push_back(ascii);
  }
  if (multi.at[0].any()) {
    multi.at[1].set();
    multi.at[2].set();
    multi.len = 3;
    out.push_back(multi);
  }
  return out;
}

// What a piece of a pattern can start with.
struct First {
  ByteSet bytes;
  bool nullable = false;  // it can match the empty string
  Prefixes prefixes;      // its matches' first three bytes
};

class FirstBytesReader {
 public:
  explicit FirstBytesReader(std::string_view pattern) : p_(pattern) {}

  ByteSet Read() {
    First f = Alternation();
    if (failed_ || at_ != p_.size() || f.nullable) return AllBytes();
    return f.bytes;
  }

  // The first three bytes of the matches; false for syntax not followed.
  bool ReadPrefixes(Prefixes* out) {
    First f = Alternation();
    if (failed_ || at_ != p_.size()) return false;
    *out = f.prefixes;
    return true;
  }

 private:
  bool AtEnd() const { return at_ >= p_.size(); }
  char Peek() const { return p_[at_]; }

  First Alternation() {
    First f = Sequence();
    while (!failed_ && !AtEnd() && Peek() == '|') {
      ++at_;
      First g = Sequence();
      f.bytes |= g.bytes;
      f.nullable = f.nullable || g.nullable;
      f.prefixes.insert(f.prefixes.end(), g.prefixes.begin(), g.prefixes.end());
    }
    return f;
  }

  First Sequence() {
    First f;
    f.nullable = true;
    f.prefixes.emplace_back();
    while (!failed_ && !AtEnd() && Peek() != '|' && Peek() != ')') {
      First piece = Repeated();
      f.prefixes = Then(f.prefixes, piece.prefixes);
      if (f.nullable) {
        f.bytes |= piece.bytes;
        f.nullable = piece.nullable;
      }
    }
    return f;
  }

  First Repeated() {
    First f = Atom();
    if (f.prefixes.empty() && !failed_) f.prefixes = OneCharacter(f.bytes);
    while (!failed_ && !AtEnd()) {
      char c = Peek();
      if (c == '*' || c == '?') {
        f.nullable = true;
        f.prefixes = Repeats(f.prefixes, true);
        ++at_;
      } else if (c == '+') {
        f.prefixes = Repeats(f.prefixes, false);
        ++at_;
      } else if (c == '{') {
        size_t close = p_.find('}', at_);
        if (close == std::string_view::npos) return Fail();
        std::string_view counts = p_.substr(at_ + 1, close - at_ - 1);
        if (counts.empty() || counts[0] < '0' || counts[0] > '9') return Fail();
        for (char d : counts) {
          if (!((d >= '0' && d <= '9') || d == ',')) return Fail();
        }
        if (counts[0] == '0' && (counts.size() == 1 || counts[1] == ',')) f.nullable = true;
        f.prefixes = Repeats(f.prefixes, f.nullable);
        at_ = close + 1;
      } else {
        break;
      }
      if (!AtEnd() && Peek() == '?') ++at_;  // non-greedy: the same bytes
    }
    return f;
  }

  // Any count of a piece is taken as one, two or three and more (and none
  // when it may be none): a superset of the prefixes of the counts allowed.
  static Prefixes Repeats(const Prefixes& once, bool none) {
    Prefixes twice = Then(once, once);
    Prefixes out = Then(twice, once);
    out.insert(out.end(), twice.begin(), twice.end());
    out.insert(out.end(), once.begin(), once.end());
    if (none) out.emplace_back();
    return Then(out, Prefixes(1));
  }

  First Atom() {
    char c = Peek();
    switch (c) {
      case '(': return Group();
      case '[': return Class();
      case '.': ++at_; return {AllBytes(), false, {}};
      case '^':
      case '$': ++at_; return Empty();
      case '\\': return Escape();
      case '*':
      case '+':
      case '?':
      case '{':
      case ')':
      case '|': return Fail();
      default: {
        First f;
        Literal(Character(), &f.bytes);
        return f;
      }
    }
  }

  First Group() {
    ++at_;  // '('
    if (!AtEnd() && Peek() == '?') {
      ++at_;
      if (!AtEnd() && Peek() == 'P') {  // (?P<name>...)
        size_t close = p_.find('>', at_);
        if (close == std::string_view::npos) return Fail();
        at_ = close + 1;
      } else {  // (?flags) or (?flags:...)
        while (!AtEnd() && Peek() != ':' && Peek() != ')') {
          char flag = Peek();
          if (flag != 'i' && flag != 'm' && flag != 's' && flag != 'U' && flag != '-') return Fail();
          ++at_;
        }
        if (AtEnd()) return Fail();
        if (Peek() == ')') {  // flags alone: they match nothing
          ++at_;
          return Empty();
        }
        ++at_;  // ':'
      }
    }
    First f = Alternation();
    if (failed_ || AtEnd() || Peek() != ')') return Fail();
    ++at_;
    return f;
  }

  First Escape() {
    ++at_;  // '\\'
    if (AtEnd()) return Fail();
    char c = Peek();
    ++at_;
    First f;
    switch (c) {
      case 'b':
      case 'B':
      case 'A':
      case 'z': return Empty();
      case 'd': AddRange('0', '9', &f.bytes); return f;
      case 's': Spaces(&f.bytes); return f;
      case 'w': WordChars(&f.bytes); return f;
      case 'n': f.bytes.set('\n'); return f;
      case 't': f.bytes.set('\t'); return f;
      case 'r': f.bytes.set('\r'); return f;
      case 'f': f.bytes.set('\f'); return f;
      case 'v': f.bytes.set('\v'); return f;
      default:
        if (IsPunct(c)) {
          f.bytes.set(static_cast<unsigned char>(c));
          return f;
        }
        return Fail();  // \p{..}, \x.., \Q..\E, classes like \S: not followed
    }
  }

  First Class() {
    ++at_;  // '['
    First f;
    bool negated = !AtEnd() && Peek() == '^';
    if (negated) ++at_;
    bool first_item = true;
    while (!AtEnd() && (Peek() != ']' || first_item)) {
      first_item = false;
      if (Peek() == '[' && at_ + 1 < p_.size() && p_[at_ + 1] == ':') return Fail();  // [:alpha:]
      if (Peek() == '\\') {
        ++at_;
        if (AtEnd()) return Fail();
        char e = Peek();
        ++at_;
        if (e == 'd') {
          AddRange('0', '9', &f.bytes);
        } else if (e == 's') {
          Spaces(&f.bytes);
        } else if (e == 'w') {
          WordChars(&f.bytes);
        } else if (e == 'n' || e == 't' || e == 'r' || e == 'f' || e == 'v') {
          f.bytes.set(e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e == 'f' ? '\f' : '\v');
        } else if (IsPunct(e)) {
          f.bytes.set(static_cast<unsigned char>(e));
        } else {
          return Fail();
        }
        continue;
      }
      const char32_t from = Character();
      if (at_ + 1 < p_.size() && Peek() == '-' && p_[at_ + 1] != ']') {  // a range from-to
        ++at_;
        if (Peek() == '\\') return Fail();
        const char32_t to = Character();
        if (to < from) return Fail();
        if (to >= 0x80) {
          AnyNonAscii(&f.bytes);  // its letters' other cases may be ASCII (k, s)
          f.bytes.set('k').set('K').set('s').set('S');
        }
        for (char32_t b = from; b <= to && b < 0x80; ++b) Literal(b, &f.bytes);
        continue;
      }
      Literal(from, &f.bytes);
    }
    if (AtEnd()) return Fail();
    ++at_;  // ']'
    if (negated) f.bytes = AllBytes();
    return f;
  }

  // The character at at_ (UTF-8; a stray byte stands for itself), stepped over.
  char32_t Character() {
    const auto lead = static_cast<unsigned char>(p_[at_++]);
    if (lead < 0xC0) return lead;
    const int more = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : 1;
    char32_t cp = lead & (0x3F >> more);
    for (int i = 0; i < more && !AtEnd() && (static_cast<unsigned char>(Peek()) & 0xC0) == 0x80; ++i) {
      cp = (cp << 6) | (static_cast<unsigned char>(p_[at_++]) & 0x3F);
    }
    return cp;
  }

  // A character, case ignored: both cases of an ASCII letter. RE2's case
  // folding pairs 'k' with U+212A KELVIN SIGN (E2 84 AA) and 's' with U+017F
  // LONG S (C5 BF). Of other characters, CJK and kana have no case (their own
  // lead byte); any other may be written with another lead byte in its other
  // case (every byte >= 0x80).
  static void Literal(char32_t c, ByteSet* bytes) {
    if (c < 0x80) {
      bytes->set(c);
      if (c >= 'a' && c <= 'z') bytes->set(c - 'a' + 'A');
      if (c >= 'A' && c <= 'Z') bytes->set(c - 'A' + 'a');
      if (c == 'k' || c == 'K') bytes->set(0xE2);
      if (c == 's' || c == 'S') bytes->set(0xC5);
      return;
    }
    if (c == 0x212A) bytes->set('k').set('K');
    if (c == 0x17F) bytes->set('s').set('S');
    if (c >= 0x3000 && c < 0xA000) {
      bytes->set(c < 0x800 ? 0xC0 | (c >> 6) : c < 0x10000 ? 0xE0 | (c >> 12) : 0xF0 | (c >> 18));
    } else {
      AnyNonAscii(bytes);
    }
  }
  static void AnyNonAscii(ByteSet* bytes) {
    for (int b = 0x80; b < 256; ++b) bytes->set(static_cast<size_t>(b));
  }
  static void AddRange(unsigned char lo, unsigned char hi, ByteSet* bytes) {
    for (int b = lo; b <= hi; ++b) bytes->set(static_cast<size_t>(b));
  }
  static void Spaces(ByteSet* bytes) {
    for (char s : {' ', '\t', '\n', '\v', '\f', '\r'}) bytes->set(static_cast<unsigned char>(s));
  }
  static void WordChars(ByteSet* bytes) {
    AddRange('0', '9', bytes);
    AddRange('a', 'z', bytes);
    AddRange('A', 'Z', bytes);
    bytes->set('_');
    bytes->set(0xE2).set(0xC5);  // \w with case folding may take the Kelvin sign and the long s
  }
  static bool IsPunct(char c) {
    return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
           (c >= 0x7B && c <= 0x7E) || c == ' ';
  }
  static First Empty() {
    First f;
    f.nullable = true;
    f.prefixes.emplace_back();
    return f;
  }
  First Fail() {
    failed_ = true;
    at_ = p_.size();
    return {AllBytes(), true, {}};
  }

  std::string_view p_;
  size_t at_ = 0;
  bool failed_ = false;
};

}  // namespace

ByteSet FirstBytes(std::string_view pattern) { return FirstBytesReader(pattern).Read(); }

LineStartFilter::LineStartFilter(std::string_view pattern) : third_of_pair_(1 << 16, 0), thirds_(1) {
  Prefixes prefixes;
  if (!FirstBytesReader(pattern).ReadPrefixes(&prefixes)) {
    third_of_pair_.clear();
    return;
  }
  std::vector<ByteSet> third(1 << 16);
  for (const Prefix& p : prefixes) {
    if (p.len == 0) {  // a match may be empty: any line may start one
      third_of_pair_.clear();
      return;
    }
    for (int x = 0; x < 256; ++x) {
      if (!p.at[0][static_cast<size_t>(x)]) continue;
      for (int y = 0; y < 256; ++y) {
        if (p.len >= 2 && !p.at[1][static_cast<size_t>(y)]) continue;
        third[static_cast<size_t>(x << 8 | y)] |= p.len == 3 ? p.at[2] : AllBytes();
      }
    }
  }
  for (size_t pair = 0; pair < third.size(); ++pair) {
    if (third[pair].none()) continue;
    auto found = std::find(thirds_.begin(), thirds_.end(), third[pair]);
    if (found == thirds_.end()) {
      if (thirds_.size() == 256) {  // too many kinds of third byte: no filter
        third_of_pair_.clear();
        return;
      }
      found = thirds_.insert(thirds_.end(), third[pair]);
    }
    third_of_pair_[pair] = static_cast<uint8_t>(found - thirds_.begin());
  }
}

}  // namespace internal
}  // namespace ndr
