#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "bounce/markers.h"
#include "extract/extractor_impl.h"
#include "extract/text_util.h"
#include "ndr/finding.h"
#include "smtp/code_shapes.h"

namespace ndr {

using internal::CleanAddress;
using internal::BounceMarkers;
using internal::ExtractorPatterns;
using internal::MarkerKind;
using internal::IEndsWith;
using internal::IEquals;
using internal::IFind;
using internal::Squeeze;
using internal::StripTypePrefix;
using internal::ToLower;
using internal::Trim;

struct Extractor::Impl {
  explicit Impl(std::shared_ptr<const internal::SmtpText> smtp) : patterns(std::move(smtp)) {}
  ExtractorPatterns patterns;
  std::shared_ptr<const internal::BounceMarkers> markers;
  size_t max_recipients = Limits().max_recipients;
};

namespace internal {

ExtractorPatterns::ExtractorPatterns(std::shared_ptr<const SmtpText> smtp_text) : smtp(std::move(smtp_text)) {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(8 << 20);
  address = std::make_unique<RE2>(
      // Not led by a quote, backtick or brace: in prose those wrap the address
      // ('jo@x', `jo@x` in Markdown) and are not part of it.
      "([\\p{L}\\p{N}!#$%&*+/=?^_-][\\p{L}\\p{N}!#$%&'*+/=?^_`{|}~-]*(?:\\.[\\p{L}\\p{N}!#$%&'*+/=?^_`{|}~-]+)*"
      "@[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]*[\\p{L}\\p{N}])?(?:\\.[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]*"
      "[\\p{L}\\p{N}])?)+)",
      o);
  transcript_session = std::make_unique<RE2>("(?i)^(?:\\.\\.\\. )?while talking to ([^\\s:]+?)\\.?:\\s*$", o);
  transcript_result = std::make_unique<RE2>(
      "^([245][0-9][0-9])[ -](?:[245]\\.[0-9]{1,3}\\.[0-9]{1,3} )?<?([^\\s<>]+@[^\\s<>]+?)>?\\.\\.\\.\\s*(.*)$", o);
  transcript_local_result = std::make_unique<RE2>(
      "^([245][0-9][0-9])[ -](?:[245]\\.[0-9]{1,3}\\.[0-9]{1,3} )?<?([^\\s<>@]+?)>?\\.\\.\\.\\s*(.*)$", o);
}

ExtractorPatterns::~ExtractorPatterns() = default;

namespace {

// The byte classes FindAddresses walks every byte around each '@' with, one
// table lookup a byte instead of a dozen comparisons.
enum AddressByte : unsigned char {
  kOutsideLocalPart = 1,  // never part of a local part or domain
  kLetterOrDigit = 2,     // an ASCII letter or digit
  kInDomain = 4,          // may be part of a domain
};
struct AddressByteTable {
  unsigned char bits[256] = {};
};
constexpr AddressByteTable MakeAddressByteTable() {
  AddressByteTable t;
  for (int u = 0; u < 256; ++u) {
    const bool letter_or_digit = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9');
    // (The pattern's classes read generously: every byte >= 0x80 may be a letter.)
    const bool outside = u <= 0x20 || u == 0x7F || u == '"' || u == '(' || u == ')' || u == ',' || u == ':' ||
                         u == ';' || u == '<' || u == '>' || u == '@' || u == '[' || u == '\\' || u == ']';
    const bool in_domain = u >= 0x80 || letter_or_digit || u == '-' || u == '.';
    t.bits[u] = static_cast<unsigned char>((outside ? kOutsideLocalPart : 0) | (letter_or_digit ? kLetterOrDigit : 0) |
                                           (in_domain ? kInDomain : 0));
  }
  return t;
}
constexpr AddressByteTable kAddressBytes = MakeAddressByteTable();

bool IsAddressByte(char c, AddressByte kind) { return (kAddressBytes.bits[static_cast<unsigned char>(c)] & kind) != 0; }
bool OutsideLocalPart(char c) { return IsAddressByte(c, kOutsideLocalPart); }
bool AsciiLetterOrDigit(char c) { return IsAddressByte(c, kLetterOrDigit); }
bool InDomain(char c) { return IsAddressByte(c, kInDomain); }

// The start of a quoted local part that ends with the quote at text[quote]
// ("john doe"@example.net, RFC 5321's Quoted-string): printable ASCII, a
// backslash escaping the next character, at most 64 characters, and before
// the opening quote the start of the text, a blank or one of <([:,; -- so
// that prose that only quotes words before an '@' is not read as one.
// npos when there is none.
size_t QuotedLocalPartStart(std::string_view text, size_t quote) {
  constexpr size_t kMaxLocalPart = 64;
  size_t lowest = quote > kMaxLocalPart + 1 ? quote - kMaxLocalPart - 1 : 0;
  for (size_t i = quote; i-- > lowest;) {
    char c = text[i];
    if (c == '"') {
      size_t backslashes = 0;
      while (i > backslashes && text[i - 1 - backslashes] == '\\') ++backslashes;
      if (backslashes % 2 == 1) continue;  // an escaped quote inside
      if (i + 1 == quote) return std::string_view::npos;  // "" is no local part
      if (i > 0 && std::string_view(" \t<([:,;").find(text[i - 1]) == std::string_view::npos) {
        return std::string_view::npos;
      }
      return i;
    }
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7F || c == '<' || c == '>') return std::string_view::npos;
  }
  return std::string_view::npos;
}

}  // namespace

// The match of the address pattern (ExtractorPatterns::address) in an ASCII
// window [from, to) whose one '@' is at `at` -- the local-part bytes before
// it, the domain bytes after it -- read by hand with the pattern's ASCII
// classes: RE2's leftmost match, without its cost per call (this runs for
// every '@' of every text). False when the pattern does not match there.
//  - The local part is A B* (\.B+)*: every byte of the window before the '@'
//    is in B or a dot (the window's bytes are those), so a start s matches
//    when text[s] is in A (B without a quote, a backtick, { | } or ~; no
//    dot), no two dots meet after it and none ends it: the leftmost such s.
//  - The domain is label (\.label)+, a label a letter or digit, then any of
//    letters, digits and '-' ending in a letter or digit: greedy, each label
//    the longest there is, and another one taken while '.' and a letter or
//    digit follow.
bool AsciiAddressAt(std::string_view text, size_t from, size_t at, size_t to, size_t* begin, size_t* end) {
  if (from == at || text[at - 1] == '.') return false;
  size_t domain_end = 0;
  int labels = 0;
  for (size_t i = at + 1; i < to && AsciiLetterOrDigit(text[i]); i = domain_end + 1) {
    size_t last = i;
    for (size_t j = i; j < to && (AsciiLetterOrDigit(text[j]) || text[j] == '-'); ++j) {
      if (text[j] != '-') last = j;
    }
    domain_end = last + 1;
    ++labels;
    if (domain_end + 1 >= to || text[domain_end] != '.') break;
  }
  if (labels < 2) return false;
  size_t start = from;
  for (size_t k = from; k + 1 < at; ++k) {
    if (text[k] == '.' && text[k + 1] == '.') start = k + 2;
  }
  while (start < at && std::string_view(".'`{|}~").find(text[start]) != std::string_view::npos) ++start;
  if (start == at) return false;
  *begin = start;
  *end = domain_end;
  return true;
}

namespace {

// True when `text` ends with a character of a script written without spaces
// between words, or a full-width mark: CJK punctuation, kana and ideographs
// (U+3000-U+9FFF, three UTF-8 bytes led by E3-E9) and full-width forms
// (U+FF00-U+FFEF, led by EF BC-BF).
bool IsCjkCharacterEnd(std::string_view text) {
  if (text.size() < 3) return false;
  auto back = [text](size_t n) { return static_cast<unsigned char>(text[text.size() - n]); };
  if ((back(2) & 0xC0) != 0x80 || (back(1) & 0xC0) != 0x80) return false;
  return (back(3) >= 0xE3 && back(3) <= 0xE9) || (back(3) == 0xEF && back(2) >= 0xBC);
}

}  // namespace

std::vector<AddressHit> FindAddresses(const ExtractorPatterns& p, std::string_view text, size_t max_hits) {
  std::vector<AddressHit> out;
  re2::StringPiece input(text.data(), text.size());
  re2::StringPiece match;
  size_t offset = 0;
  // Every address holds an '@', and its local part holds none: the leftmost
  // match from `offset` lies in the run of local-part bytes before the next
  // '@' and the domain bytes after it. The pattern is run on that window
  // only (the same match as over the whole rest, without scanning it).
  while (offset < text.size() && out.size() < max_hits) {
    size_t at = text.find('@', offset);
    if (at == std::string_view::npos) break;
    size_t from = at;
    unsigned char high = 0;  // the window's bytes or'ed: ASCII when below 0x80
    while (from > offset && !OutsideLocalPart(text[from - 1])) high |= static_cast<unsigned char>(text[--from]);
    size_t to = at + 1;
    while (to < text.size() && InDomain(text[to])) high |= static_cast<unsigned char>(text[to++]);
    size_t quoted = from == at && at > offset && text[at - 1] == '"' ? QuotedLocalPartStart(text, at - 1)
                                                                     : std::string_view::npos;
    if (quoted != std::string_view::npos && quoted >= offset) {
      // The domain as the pattern reads it, after a stand-in local part (a
      // dot that ends the sentence stays out).
      std::string stand_in = "q" + std::string(text.substr(at, to - at));
      re2::StringPiece whole;
      if (p.address->Match(stand_in, 0, stand_in.size(), RE2::ANCHOR_START, &whole, 1)) {
        size_t end = at + whole.size() - 1;
        // As a DSN field's address is written: quotes only where needed ("jo doe"@b, "jo."@b -> jo.@b).
        out.push_back({CleanAddress(text.substr(quoted, end - quoted)), quoted, end});
        offset = end;
      } else {
        offset = at + 1;
      }
      continue;
    }
    size_t begin = 0;
    size_t end = 0;
    if (high < 0x80) {
      if (!AsciiAddressAt(text, from, at, to, &begin, &end)) {
        offset = at + 1;
        continue;
      }
    } else {
      // Nearly always the address starts where the run of local-part bytes
      // does: a match anchored there is the leftmost one, found in one forward
      // pass (an unanchored search also runs backwards for the match's start).
      if (!p.address->Match(input, from, to, RE2::ANCHOR_START, &match, 1) &&
          !p.address->Match(input, from, to, RE2::UNANCHORED, &match, 1)) {
        offset = at + 1;
        continue;
      }
      begin = static_cast<size_t>(match.data() - text.data());
      end = begin + match.size();
    }
    offset = end;
    // Text glued to the address in scripts without spaces ("jo@example.jp您好"):
    // a top-level label of ASCII letters does not go on in another script.
    std::string_view found = text.substr(begin, end - begin);
    // (An ASCII window holds no such text: nothing to cut.)
    if (high >= 0x80) {
      size_t dot = found.rfind('.');
      if (dot != std::string_view::npos && dot + 1 < found.size() &&
          static_cast<unsigned char>(found[dot + 1]) < 0x80) {
        size_t i = dot + 1;
        while (i < found.size() && static_cast<unsigned char>(found[i]) < 0x80) ++i;
        if (i < found.size()) {
          end = begin + i;
          found = found.substr(0, i);
        }
      }
      // The same before the address ("发送到jo@example.cn", "宛先：jo@example.jp"):
      // an ASCII local part does not begin with ideographs, kana or full-width
      // marks. A local part wholly in such a script (RFC 6531) is kept whole.
      size_t ascii_from = found.find('@');
      while (ascii_from > 0 && static_cast<unsigned char>(found[ascii_from - 1]) < 0x80) --ascii_from;
      if (ascii_from >= 3 && found[ascii_from] != '@' && found[ascii_from] != '.' &&
          IsCjkCharacterEnd(found.substr(0, ascii_from))) {
        begin += ascii_from;
        found.remove_prefix(ascii_from);
      }
    }
    // 'jo@example.net' (Exchange quotes addresses so): the quote the local
    // part may legally hold is the wrapper here, not part of the address.
    if (found.size() > 1 && found.front() == '\'' && end < text.size() && text[end] == '\'') {
      found.remove_prefix(1);
      ++begin;
    }
    out.push_back({std::string(found), begin, end});
  }
  return out;
}

}  // namespace internal

namespace {

constexpr size_t kMaxParagraph = 4000;
constexpr std::string_view kReadingFailed =
    "reading the server's reply ran out of pattern memory; its words may include the report's own text";
constexpr size_t kMaxContext = 8192;  // bytes of a report's text given to interpretation
constexpr size_t kMentionSearchBudget = 32u << 20;  // bytes of text searched for recipients, per report
// Findings a report's list has room for from the start (one for each of its
// recipients up to this): a list that grows moves every finding it holds.
constexpr size_t kReservedFindings = 16;

bool SameAddress(std::string_view a, std::string_view b) {
  return !a.empty() && IEquals(a, b);
}

// The address in a DSN field value such as "rfc822; <a@b>" or "utf-8; ü@b".
std::string AddressFromField(const ExtractorPatterns& p, std::string_view value) {
  std::string cleaned = CleanAddress(value);
  if (cleaned.find(' ') == std::string::npos) return cleaned;
  auto hits = internal::FindAddresses(p, cleaned, 1);
  return hits.empty() ? cleaned : hits[0].address;
}

// The failed address as the sender wrote it: the Final-Recipient when it is an
// Internet address of the recipient's domain, else the Original-Recipient. A
// Final-Recipient in X.400 form ("/S=jo/OU=sales/"), a local rewrite
// ("jo@ims-ms-daemon") or an internal rewrite to another domain
// ("jo@tenant.onmicrosoft.com" for jo@example.com) is not what the sender used.
const std::string& SenderWrittenAddress(const std::string& final_recipient, const std::string& original) {
  if (original.empty() || !internal::IsInternetAddress(original)) return final_recipient;
  if (internal::IsInternetAddress(final_recipient) &&
      IEquals(internal::DomainOf(final_recipient), internal::DomainOf(original))) {
    return final_recipient;
  }
  return original;
}

// The lines of a text, indexed once: the text is asked about the line of
// every address in it, and scanning from each address to its line's ends (or
// trimming the line each time) costs addresses x line length on one huge line.
class LineIndex {
 public:
  LineIndex(std::string_view text, const BounceMarkers& markers) : text_(text), markers_(markers) {
    // Room for lines of a report's usual width (a list that grows copies
    // what it holds at each doubling); newlines found by memchr, not byte
    // by byte.
    constexpr size_t kUsualLine = 48;
    starts_.reserve(text.size() / kUsualLine + 2);
    starts_.push_back(0);
    for (size_t i = text.find('\n'); i != std::string_view::npos; i = text.find('\n', i + 1)) {
      starts_.push_back(i + 1);
    }
    content_.assign(starts_.size(), std::string_view::npos);
    answers_.assign(starts_.size(), 0);
  }
  // The number of the line that holds pos.
  size_t LineOf(size_t pos) const {
    return static_cast<size_t>(std::upper_bound(starts_.begin(), starts_.end(), pos) - starts_.begin()) - 1;
  }
  size_t Start(size_t n) const { return starts_[n]; }
  // The line without its newline.
  std::string_view Line(size_t n) const {
    size_t end = n + 1 < starts_.size() ? starts_[n + 1] - 1 : text_.size();
    return text_.substr(starts_[n], end - starts_[n]);
  }
  // Where the line's first non-blank byte is (its end when it is all blanks).
  size_t ContentStart(size_t n) {
    if (content_[n] == std::string_view::npos) {
      std::string_view line = Line(n);
      size_t i = 0;
      while (i < line.size() && internal::IsSpace(line[i])) ++i;
      content_[n] = starts_[n] + i;
    }
    return content_[n];
  }
  bool IsIdentifier(size_t n) {
    // Header lines of a quoted original name addresses that are not recipients;
    // so do the lines under a heading of other addresses (GroupWise's
    // "Possible alternatives:").
    return Answer(n, kIdentifier, [&] {
      return markers_.Matches(MarkerKind::kIdentifierLine, Line(n)) || UnderOtherAddresses(n);
    });
  }

 private:
  // Whether the first line of n's block (the lines since the last blank
  // one, a few at most) is an other-addresses heading.
  bool UnderOtherAddresses(size_t n) {
    constexpr size_t kMaxBlock = 32;
    for (size_t k = n, seen = 0; k > 0 && seen < kMaxBlock; --k, ++seen) {
      if (ContentStart(k - 1) == Start(k - 1) + Line(k - 1).size()) break;  // a blank line ends the block
      // Each line is asked once: the lines of a block share the lines above them.
      if (Answer(k - 1, kHeading, [&] { return markers_.Matches(MarkerKind::kOtherAddresses, Line(k - 1)); })) {
        return true;
      }
    }
    return false;
  }
  // What a line was asked, kept per line: two bits a question (asked, answer).
  static constexpr unsigned char kIdentifier = 0;  // IsIdentifier
  static constexpr unsigned char kHeading = 2;     // an other-addresses heading
  template <typename Ask>
  bool Answer(size_t n, unsigned char question, Ask ask) {
    const unsigned char asked = static_cast<unsigned char>(1u << question);
    const unsigned char yes = static_cast<unsigned char>(2u << question);
    if ((answers_[n] & asked) == 0) answers_[n] |= static_cast<unsigned char>(asked | (ask() ? yes : 0));
    return (answers_[n] & yes) != 0;
  }
  std::string_view text_;
  const BounceMarkers& markers_;
  std::vector<size_t> starts_;
  std::vector<size_t> content_;
  std::vector<unsigned char> answers_;  // see Answer
};

// Whether line n continues a reply wrapped over indented lines (Postfix's
// "    <sender@x>: unauthorized sender (in reply to RCPT TO command)" under
// "<rcpt@y>: host ... said: 550"): indented at least as deep as the line
// above, which holds words (not a heading ending in ':') and, when it opens
// with an address, is long enough to have been wrapped. A list of recipients
// (short lines, one address each) and Exim's shallower recipient lines under
// their deeper reply lines stay recipients.
bool ContinuesWrappedReply(LineIndex& lines, size_t n) {
  constexpr size_t kWrappedLine = 60;
  if (n == 0) return false;
  size_t indent = lines.ContentStart(n) - lines.Start(n);
  std::string_view previous = Trim(lines.Line(n - 1));
  if (indent == 0 || previous.empty() || previous.back() == ':') return false;
  // The line's first word would have fit on the line above at any wrap
  // width a mail program uses: that line was not wrapped (GroupWise's
  // "\tkim (user not found)" over "\tjo@example.net (mailbox full)").
  std::string_view line = lines.Line(n).substr(indent);
  size_t first_word = std::min(line.find_first_of(" \t"), line.size());
  if (lines.Line(n - 1).size() + 1 + first_word < kWrappedLine) return false;
  // A heading drawn with rules ("|----- Failed addresses follow: -----|").
  if (previous.find("---") != std::string_view::npos || previous.find("===") != std::string_view::npos) return false;
  bool opens_with_address = previous.front() == '<' || previous.find('@') < previous.find(' ');
  if (opens_with_address && previous.size() < kWrappedLine) return false;
  return lines.ContentStart(n - 1) - lines.Start(n - 1) <= indent;
}

// The text that speaks about one recipient: from its mention to the next
// blank line (or the next recipient), bounded.
std::string_view ParagraphAfter(std::string_view text, size_t from, size_t stop) {
  size_t end = std::min(stop, text.size());
  size_t blank = text.find("\n\n", from);
  // A blank line right after the address line is common ("<a@b>:\n\n  reason"):
  // allow one blank line when the paragraph would otherwise hold only the address.
  if (blank != std::string_view::npos && blank < end) {
    std::string_view first = Trim(text.substr(from, blank - from));
    if (first.size() < 200 && first.find(' ') == std::string_view::npos) {
      size_t second = text.find("\n\n", blank + 2);
      blank = (second == std::string_view::npos) ? end : second;
    }
    end = std::min(end, blank);
    // A short heading that introduces the words below it ("For the following
    // reason:", "because:") is not the reason itself: take the next paragraph too.
    std::string_view para = Trim(text.substr(from, end - from));
    size_t last_line = para.rfind('\n');
    std::string_view tail = last_line == std::string_view::npos ? para : Trim(para.substr(last_line + 1));
    if (end < std::min(stop, text.size()) && !tail.empty() && tail.back() == ':' && tail.size() < 80 &&
        tail.find('@') == std::string_view::npos) {
      size_t next = text.find("\n\n", end + 2);
      end = std::min(std::min(stop, text.size()), next == std::string_view::npos ? text.size() : next);
    }
  }
  if (end - from > kMaxParagraph) end = from + internal::Utf8CutPoint(text.substr(from), kMaxParagraph);
  return text.substr(from, end - from);
}

// The words of a line before an address at its `column`, without the
// blanks, brackets, quotes and list marks around it ("  - Unknown user: <"
// -> "Unknown user:").
std::string_view WordsBefore(std::string_view line, size_t column) {
  line = line.substr(0, column);
  size_t end = line.find_last_not_of(" \t<(\"'");
  line = end == std::string_view::npos ? std::string_view() : line.substr(0, end + 1);
  size_t begin = line.find_first_not_of(" \t-*>");
  return begin == std::string_view::npos ? std::string_view() : line.substr(begin);
}

// Whether pos is on a "To:"/"Cc:"/"From:" line: a summary of the returned
// message's header fields (RFC 5322 names), not a sentence about a failure.
bool OnAddressHeaderLine(std::string_view text, size_t pos) {
  size_t start = text.rfind('\n', pos);
  start = start == std::string_view::npos ? 0 : start + 1;
  std::string_view line = Trim(text.substr(start, pos - start));
  for (std::string_view field : {"to:", "cc:", "bcc:", "from:", "reply-to:", "sender:"}) {
    if (internal::IStartsWith(line, field)) return true;
  }
  return false;
}

// Whether `text` says more than the recipient's address: letters outside it.
bool HasWordsBesides(std::string_view text, std::string_view address) {
  size_t at = address.empty() ? std::string_view::npos : IFind(text, address);
  for (size_t i = 0; i < text.size(); ++i) {
    if (at != std::string_view::npos && i == at) {
      i += address.size() - 1;
      at = IFind(text, address, i + 1);
      continue;
    }
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (std::isalpha(c) || c >= 0x80) return true;  // any letter, also of other scripts
  }
  return false;
}

std::string ActionOf(std::string_view raw, const EnhancedStatus& status) {
  std::string action = ToLower(Trim(raw));
  size_t cut = action.find_first_of(" (;");
  if (cut != std::string::npos) action.resize(cut);
  if (!action.empty()) return action;
  if (status.klass == 2) return "delivered";
  if (status.klass == 4) return "delayed";
  return "failed";
}

// The comment of a Status field, "4.0.0 (example.net: host name lookup
// failure)" -> "example.net: host name lookup failure"; RFC 3464's own
// example puts the reason there when there is no Diagnostic-Code.
std::string StatusComment(std::string_view status) {
  size_t open = status.find('(');
  size_t close = status.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close <= open) return {};
  return std::string(Trim(status.substr(open + 1, close - open - 1)));
}

// The alias or list a recipient was expanded from, as Sendmail ("    (expanded
// from: <team@x>)" under the address), Postfix ("<a@b> (expanded from
// <team@x>):") and Exim ("    (generated from team@x)", "(ultimately
// generated from ...)" through several aliases) note it right after the
// address: the address the sender wrote ("" when the paragraph notes none,
// or no address). Only the paragraph's start is read.
std::string ExpandedFrom(const BounceMarkers& markers, std::string_view paragraph) {
  constexpr size_t kNoteReach = 512;
  std::string_view start = paragraph.substr(0, internal::Utf8CutPoint(paragraph, kNoteReach));
  auto found = markers.FindCaptures(MarkerKind::kExpandedFrom, start);
  if (found.empty()) return {};
  // A local alias name ("expanded from: staff") is no address: the record's
  // original_recipient without '@' means a local part ndr gave a domain.
  std::string alias = CleanAddress(start.substr(found[0].first, found[0].second - found[0].first));
  return internal::IsInternetAddress(alias) ? alias : std::string();
}

// The list an owner, bounce or request address belongs to: the local part
// before its '+' tag and its last '-' ("team-bounces+ann=x@lists.example.org"
// -> "team@lists.example.org").
std::string ListOfAdminAddress(std::string_view admin) {
  size_t at = admin.rfind('@');
  std::string_view local = admin.substr(0, at);
  local = local.substr(0, local.find('+'));
  size_t dash = local.rfind('-');
  if (at == std::string_view::npos || dash == std::string_view::npos || dash == 0) return {};
  return std::string(local.substr(0, dash)) + std::string(admin.substr(at));
}

// The recipient a VERP return address encodes ("news-bounces+jo=example.org@
// lists.example.net" -> "jo@example.org"), "" when `address` is none.
std::string VerpRecipient(const ExtractorPatterns& p, const BounceMarkers& markers, std::string_view address) {
  auto hits = internal::FindAddresses(p, address, 1);
  if (hits.empty()) return {};
  const std::string& verp = hits[0].address;
  auto found = markers.FindCaptures(MarkerKind::kVerp, verp);
  if (found.empty()) return {};
  std::string encoded = verp.substr(found[0].first, found[0].second - found[0].first);
  const size_t equals = encoded.rfind('=');  // the '@' (a row that captures none is no VERP row)
  if (equals == std::string::npos) return {};
  encoded[equals] = '@';
  return internal::IsInternetAddress(encoded) ? encoded : std::string();
}

// Whether a recipient's own paragraph says too little to be the reason: one
// word; or two words that are a field ("Action: delayed") or that the text
// says more about further on, where it names the recipient again (Sendmail's
// "(unrecoverable error)" above its transcript). Two words alone are the
// reason ("(mailbox full)" in GroupWise's list, "Unrouteable address").
bool SaysTooLittle(std::string_view words, std::string_view text, size_t after, std::string_view recipient) {
  const auto blanks = std::count(words.begin(), words.end(), ' ');
  if (blanks < 1) return true;
  if (blanks > 1) return false;
  return words.find(':') != std::string_view::npos ||
         (after != std::string_view::npos && !recipient.empty() && IFind(text, recipient, after) != std::string::npos);
}

// Whether `line` holds `address` alone (a list bullet, brackets or a colon
// around it allowed).
bool LineIsAddressAlone(std::string_view line, std::string_view address) {
  size_t begin = line.find_first_not_of(" \t*-<\"'");
  size_t end = line.find_last_not_of(" \t\r>:;,.\"'");
  if (begin == std::string_view::npos || end == std::string_view::npos || end < begin) return false;
  return internal::IEquals(line.substr(begin, end - begin + 1), address);
}

// Whether the last line of `text` that holds words is `address` alone.
bool LastLineIsAddress(std::string_view text, std::string_view address) {
  std::string_view rest = Trim(text);
  size_t line = rest.find_last_of('\n');
  return LineIsAddressAlone(line == std::string_view::npos ? rest : rest.substr(line + 1), address);
}

// A report that explains a recipient in its own words and quotes the server
// below a heading ("The response was:" of Gmail's reports, under "Your
// message wasn't delivered to a@b because ...") has the server's words there:
// the words under the first heading between the recipient (`from`) and
// `stop` replace a *reply that holds no code; its command stays when the
// words name none.
void ReadUnderReplyHeading(const internal::SmtpText& smtp, const BounceMarkers& markers, std::string_view text,
                           size_t from, size_t stop, internal::ServerReply* reply) {
  stop = std::min(stop, text.size());
  if (from >= stop) return;
  // The heading line may start before `from` only on the recipient's own line.
  size_t line = text.rfind('\n', from);
  size_t begin = line == std::string_view::npos ? 0 : line + 1;
  for (size_t at : markers.FindReplyHeadings(text.substr(begin, stop - begin))) {
    at += begin;
    if (at < from) continue;
    if (at >= stop) return;
    // Everything under the heading is the server's (Google Groups' reply runs
    // over several paragraphs), up to the next recipient.
    std::string_view words = text.substr(at, stop - at);
    words = words.substr(0, internal::Utf8CutPoint(words, kMaxParagraph));
    internal::ServerReply under = smtp.ReadReply(words);
    if (under.words.empty()) return;
    if (under.command == SmtpCommand::kUnknown) under.command = reply->command;
    if (under.remote_host.empty()) under.remote_host = std::move(reply->remote_host);
    *reply = std::move(under);
    return;
  }
}

std::vector<Finding> FromDsn(const ExtractorPatterns& p, const BounceMarkers& markers, const BounceParts& parts) {
  std::vector<Finding> out;
  out.reserve(std::min<size_t>(parts.per_recipient.size(), kReservedFindings));
  std::string reporting = StripTypePrefix(parts.per_message.Get("Reporting-MTA"));
  // A transcript is read when a recipient's command is not found elsewhere,
  // and only when it may name one.
  std::optional<internal::Transcript> transcript;
  // Each group's Final-Recipient address, read once.
  std::vector<std::string> finals;
  finals.reserve(parts.per_recipient.size());
  for (const Headers& group : parts.per_recipient) finals.push_back(AddressFromField(p, group.Get("Final-Recipient")));
  std::vector<std::string> recipients;
  for (const std::string& r : finals) {
    if (recipients.size() >= 64) break;
    if (!r.empty()) recipients.push_back(r);
  }
  // Each search scans the whole human-readable text: a byte budget keeps a
  // report with a thousand recipients and a huge text linear. Real reports
  // (a few KB of text) never reach it.
  size_t search_budget = kMentionSearchBudget;
  // The first mention not in a summary of the returned message's headers
  // ("To: a@b" names the address, the reason is said elsewhere).
  auto find_mention = [&](std::string_view address) {
    if (address.empty() || parts.human_text.size() > search_budget) return std::string::npos;
    search_budget -= parts.human_text.size();
    size_t at = IFind(parts.human_text, address);
    size_t first = at;
    while (at != std::string::npos && OnAddressHeaderLine(parts.human_text, at)) {
      at = IFind(parts.human_text, address, at + address.size());
    }
    return at == std::string::npos ? first : at;
  };
  // Where the text first names each recipient (bounded: one scan per
  // recipient), found when a recipient's paragraph is first needed.
  std::vector<size_t> first_mentions;
  std::optional<internal::LocalPartQualifier> qualifier;  // made when a recipient needs it
  auto mentions_ready = [&]() -> const std::vector<size_t>& {
    if (first_mentions.size() != recipients.size()) {
      first_mentions.clear();
      for (const std::string& r : recipients) {
        first_mentions.push_back(recipients.size() > 1 ? find_mention(r) : std::string::npos);
      }
    }
    return first_mentions;
  };
  for (size_t g = 0; g < parts.per_recipient.size(); ++g) {
    const Headers& group = parts.per_recipient[g];
    Finding f;
    f.group = g;
    std::string final_recipient = std::move(finals[g]);
    if (final_recipient.empty()) final_recipient = AddressFromField(p, group.Get("X-Actual-Recipient"));
    f.original_recipient = AddressFromField(p, group.Get("Original-Recipient"));
    f.recipient = SenderWrittenAddress(final_recipient, f.original_recipient);
    // "Final-Recipient: rfc822; kim": a local part alone gets the domain the
    // report implies (as in a plain-text report); the field keeps its spelling.
    if (f.recipient.find('@') == std::string::npos && internal::IsBareLocalPart(f.recipient) &&
        !markers.Matches(MarkerKind::kNotLocalPart, f.recipient)) {
      if (!qualifier) qualifier.emplace(p, markers, parts);
      std::string address = qualifier->Qualify(f.recipient);
      if (!address.empty()) {
        if (f.original_recipient.empty()) f.original_recipient = f.recipient;
        f.recipient = std::move(address);
      }
    }
    f.reporting_mta = reporting;
    f.remote_mta = internal::HostFromField(group.Get("Remote-MTA"));
    f.last_attempt = std::string(group.Get("Last-Attempt-Date"));

    const internal::SmtpText& smtp = *p.smtp;
    std::string_view status_field = Trim(group.Get("Status"));
    size_t cut = status_field.find_first_of(" (\t");
    // "Status: 553 ..." puts a reply code where the status belongs.
    int status_reply = 0;
    if (!EnhancedStatus::Parse(status_field.substr(0, cut), &f.status) && !status_field.empty()) {
      CodesInText in_field = smtp.FindCodes(status_field);
      f.status = in_field.status;
      status_reply = in_field.reply_code;
    }
    f.status_comment = StatusComment(status_field);
    f.diagnostic_type = internal::TypePrefix(group.Get("Diagnostic-Code"));
    internal::ServerReply field = smtp.ReadReply(StripTypePrefix(group.Get("Diagnostic-Code")));
    CodesInText codes = field.codes;
    f.diagnostic = std::move(field.words);
    // Whether the command was already looked for in f.diagnostic (cleared
    // wherever other words replace them).
    bool diagnostic_searched = field.command_of_words;
    // Without a Diagnostic-Code, "Status: 553 Mailbox name not allowed" gives the words.
    if (f.diagnostic.empty() && status_reply != 0) {
      f.diagnostic = internal::NormalizeReply(status_field);
      diagnostic_searched = false;
    }

    // The human-readable part often says more (Postfix names the command only
    // there) or is the only place with the reply. It is read only when the
    // fields leave something open (most of the work of a DSN is this read).
    internal::ServerReply para;
    bool para_read = false;
    bool paragraph_looked = false;
    bool has_paragraph = false;
    std::string_view paragraph;  // the recipient's paragraph, after its address
    auto find_paragraph = [&]() -> bool {
      if (paragraph_looked) return has_paragraph;
      paragraph_looked = true;
      const std::vector<size_t>& firsts = mentions_ready();
      // The text may name the address either way.
      std::string_view mentioned = f.recipient;
      size_t mention = find_mention(mentioned);
      if (mention == std::string::npos && final_recipient != f.recipient) {
        mentioned = final_recipient;
        mention = find_mention(mentioned);
      }
      if (mention != std::string::npos) {
        // The paragraph ends where the text turns to another recipient.
        size_t stop = parts.human_text.size();
        for (size_t k = 0; k < recipients.size(); ++k) {
          size_t at = firsts[k];
          if (SameAddress(recipients[k], final_recipient) || at == std::string::npos || at <= mention) continue;
          if (at < stop) {
            size_t line_start = parts.human_text.rfind('\n', at);
            line_start = line_start == std::string::npos ? 0 : line_start + 1;
            stop = line_start > mention ? line_start : at;
          }
        }
        std::string_view whole = ParagraphAfter(parts.human_text, mention, stop);
        paragraph = whole.substr(std::min(whole.size(), mentioned.size()));
        has_paragraph = true;
      }
      return has_paragraph;
    };
    auto paragraph_reply = [&]() -> const internal::ServerReply& {
      if (para_read) return para;
      para_read = true;
      if (find_paragraph()) para = smtp.ReadReply(paragraph);
      return para;
    };
    // Only the command a paragraph names: the first step of reading it.
    bool command_failed = false;
    auto paragraph_command = [&]() -> SmtpCommand {
      if (para_read) return para.command;
      if (!find_paragraph()) return SmtpCommand::kUnknown;
      return smtp.FindCommand(internal::Squeeze(paragraph), &command_failed);
    };
    // A Diagnostic-Code of a few characters without a code ("X-Unix; 77", an
    // exit status) says less than a reply in the text would.
    bool field_says_little = f.diagnostic.size() < 8 && codes.reply_code == 0 && codes.status.empty();
    if (codes.reply_code == 0 && paragraph_reply().codes.reply_code == 0 && parts.per_recipient.size() == 1 &&
        field_says_little && internal::HasCodeShape(parts.human_text, false)) {
      // One recipient and no reply near its address: the reply may sit
      // anywhere in the human-readable part ("The error was: 554 ..."); it
      // is read only when it may hold a reply code, all it is read for.
      internal::ServerReply whole = smtp.ReadReply(parts.human_text);
      para.matching_failed = para.matching_failed || whole.matching_failed;
      if (whole.codes.reply_code != 0) {
        if (para.command != SmtpCommand::kUnknown) whole.command = para.command;
        whole.matching_failed = para.matching_failed;
        para = std::move(whole);
      }
    }
    if (codes.reply_code == 0 && codes.status.empty() &&
        (paragraph_reply().codes.reply_code != 0 || !para.codes.status.empty())) {
      codes = para.codes;
      // A local delivery program's exit status ("X-Unix; 77") stays the words.
      bool exit_status = f.diagnostic_type == "x-unix" && !f.diagnostic.empty();
      if (f.diagnostic.empty() || (f.diagnostic.size() < 8 && !exit_status)) {
        f.diagnostic = para.words;
        diagnostic_searched = false;
      }
    } else if (f.diagnostic.empty() && !paragraph_reply().words.empty()) {
      f.diagnostic = para.words;
      diagnostic_searched = false;
    }
    // A delay notice whose Diagnostic-Code is only its own expiry summary
    // (Exchange's "400 4.4.7 Message delayed") quotes the latest attempt's
    // reply in its text, under a wrapper naming the server: the server's words.
    if (codes.status.subject == 4 && codes.status.detail == 7 && parts.per_recipient.size() == 1 &&
        IEquals(Trim(group.Get("Action")), "delayed")) {
      internal::ServerReply attempt = smtp.ReadReply(parts.human_text);
      if (!attempt.remote_host.empty() && attempt.codes.reply_code != 0 && attempt.codes.status != codes.status) {
        f.diagnostic = std::move(attempt.words);
        codes = attempt.codes;
        diagnostic_searched = false;
      }
    }
    f.reply_code = codes.reply_code != 0 ? codes.reply_code : status_reply;
    // A Status field of x.0.0 says only "failed"; the server's own, more
    // specific code of the same class in the diagnostic says why.
    bool generic = f.status.subject == 0 && f.status.detail == 0;
    if (f.status.empty() || (generic && !codes.status.empty() && codes.status.klass == f.status.klass &&
                             (codes.status.subject != 0 || codes.status.detail != 0))) {
      f.status = codes.status;
    }
    f.command = field.command;
    if (f.command == SmtpCommand::kUnknown && !diagnostic_searched) f.command = smtp.FindCommand(f.diagnostic);
    if (f.command == SmtpCommand::kUnknown) {
      if (!transcript) {
        transcript = internal::TranscriptNamesCommands(parts.human_text) ? internal::ParseTranscript(p, parts.human_text)
                                                                        : internal::Transcript();
      }
      f.command = internal::TranscriptCommandFor(*transcript, f.recipient);
    }
    // The remote server as the wrapper of its reply names it ("host X[ip] said:").
    bool host_open = f.remote_mta.empty() && field.remote_host.empty();
    if (f.command == SmtpCommand::kUnknown) f.command = host_open ? paragraph_reply().command : paragraph_command();
    if (f.remote_mta.empty()) {
      f.remote_mta = !field.remote_host.empty() ? field.remote_host : paragraph_reply().remote_host;
    }
    // (A paragraph that was not needed was not read: its matching cannot fail.)
    if (field.matching_failed || para.matching_failed || command_failed) f.problem = std::string(kReadingFailed);
    f.action = ActionOf(group.Get("Action"), f.status);
    // No Original-Recipient field: the text may note the alias (read only
    // when the recipient's paragraph was needed anyway).
    if (f.original_recipient.empty() && paragraph_looked && has_paragraph) {
      f.original_recipient = ExpandedFrom(markers, paragraph);
    }
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<Finding> FromText(const ExtractorPatterns& p, const BounceMarkers& markers, const BounceParts& parts,
                              size_t max_recipients, bool* cut) {
  const std::string& text = parts.human_text;
  // Addresses that are the sender's, never a failed recipient: the From and
  // Return-Path of the returned original, the From of the report.
  // Also never a failed recipient unless a sentence says so: the report's own
  // To (the original's sender), and the returned copy's sender, reply,
  // list and identifier fields (a list address, a Message-ID).
  // Both are read when an address needs them (most reports name their
  // recipients in ways that do not ask).
  const Headers& o = parts.original_headers;
  std::optional<std::vector<std::string>> senders;
  auto is_sender = [&](const std::string& address) {
    if (!senders) {
      senders.emplace();
      for (std::string_view value : {o.Get("From"), o.Get("Return-Path"), o.Get("Sender"), o.Get("Reply-To"),
                                     o.Get("Errors-To"), o.Get("List-Post"), o.Get("List-Id"), o.Get("Message-ID"),
                                     o.Get("In-Reply-To"), std::string_view(parts.bounce_from)}) {
        for (auto& hit : internal::FindAddresses(p, value, 8)) senders->push_back(std::move(hit.address));
      }
    }
    for (const std::string& s : *senders) {
      if (SameAddress(address, s)) return true;
    }
    return false;
  };
  // The report's To (the original's sender) fails only when the report names
  // it so: in angle brackets before a colon ("<a@b>:"), as a sender writing to
  // their own address gets it back.
  std::optional<std::vector<internal::AddressHit>> report_to;
  // "<a@b>:" -- how Postfix and others open a failed recipient's paragraph.
  auto opens_paragraph = [&](const std::string& address, size_t pos) {
    size_t end = pos + address.size();
    return pos != std::string::npos && pos > 0 && end + 1 < text.size() && text[pos - 1] == '<' &&
           text[end] == '>' && text[end + 1] == ':';
  };
  auto names_report_to = [&](const std::string& address, size_t pos) {
    if (!report_to) report_to = internal::FindAddresses(p, parts.bounce_to, 1);
    if (report_to->empty() || !SameAddress(address, (*report_to)[0].address)) return true;
    return opens_paragraph(address, pos);
  };

  struct Mention {
    std::string address;
    size_t pos;         // where its paragraph starts in text (npos: not in the text)
    size_t length = 0;  // how long it is written there
    std::string bare;   // the local part the text names, when ndr gave it its domain
  };
  std::vector<Mention> mentions;
  auto known = [&](const std::string& address) {
    for (const Mention& m : mentions) {
      if (SameAddress(m.address, address)) return true;
    }
    return false;
  };
  // explicit: named by the report as a failed recipient (a header, a sentence
  // such as "could not be delivered to: <a@b>"), so a postmaster@ or the
  // sender's own address is taken too.
  auto add = [&](const std::string& address, size_t pos, bool explicit_recipient) {
    if (address.empty() || known(address)) return;
    // The sender's own address fails too when the report opens its paragraph
    // with it (someone who wrote to themselves, or to a list they are on).
    // (The text is looked at first: an address that opens its paragraph
    // spares reading the sender's addresses from the returned copy's fields.)
    if (!explicit_recipient && (markers.Matches(MarkerKind::kSystemMailbox, address) ||
                                markers.Matches(MarkerKind::kListAdmin, address) ||
                                (!opens_paragraph(address, pos) && is_sender(address)) ||
                                !names_report_to(address, pos))) {
      return;
    }
    if (mentions.size() >= max_recipients) {
      *cut = true;
      return;
    }
    mentions.push_back({address, pos, address.size(), {}});
  };
  // Where an address opens a line ("<a@b>:", "  a@b", "* a@b", "a@b: reason"):
  // a failed recipient in most plain-text formats.
  LineIndex lines(text, markers);
  // The words before an address on its line, without an opening '<'.
  auto words_before = [&](const internal::AddressHit& hit) {
    size_t from = std::min(lines.ContentStart(lines.LineOf(hit.begin)), hit.begin);
    std::string_view before = Trim(std::string_view(text).substr(from, hit.begin - from));
    if (!before.empty() && before.back() == '<') before = Trim(before.substr(0, before.size() - 1));
    return before;
  };
  // Whether `before` ends in a label that summarizes the returned message
  // ("To:", "From:", "宛先："; a full-width colon is a colon).
  auto summary_label = [&](std::string_view before) {
    // A label is short: only the end of a long line is asked (keeps this linear).
    constexpr size_t kLabelTail = 40;
    std::string_view tail = before.size() > kLabelTail ? before.substr(before.size() - kLabelTail) : before;
    constexpr std::string_view kFullWidthColon = "\xEF\xBC\x9A";
    if (IEndsWith(tail, kFullWidthColon)) {
      std::string ascii(tail.substr(0, tail.size() - kFullWidthColon.size()));
      ascii += ':';
      return markers.Matches(MarkerKind::kSummaryLabel, ascii);
    }
    return markers.Matches(MarkerKind::kSummaryLabel, tail);
  };
  auto opens_line = [&](const internal::AddressHit& hit) {
    size_t line = lines.LineOf(hit.begin);
    std::string_view before = words_before(hit);
    // RCPT TO: is the SMTP command naming the recipient (a transcript line).
    if (IEquals(before, "RCPT TO:")) return !lines.IsIdentifier(line);
    // "> a@b" alone on its line is an item of a list of recipients (MDaemon's
    // "did NOT receive a copy" list); "> " before more words is quoted text.
    size_t line_end = lines.Start(line) + lines.Line(line).size();
    std::string_view rest = Trim(std::string_view(text).substr(hit.end, line_end - hit.end));
    bool quoted_item = before == ">" && (rest.empty() || rest == ">");
    // A list of recipients on one line ("a@b, c@d"), and a quoted display
    // name before an address in angle brackets ("\"Ann\" <a@b>").
    bool listed = internal::IsAddressList(before);
    bool named = before.size() >= 2 && before.front() == '"' && before.back() == '"' && hit.begin > 0 &&
                 text[hit.begin - 1] == '<';
    // A display name with the address in parentheses alone on its line
    // ("Kim Lee (kim@example.org)"), as Exchange and Outlook list recipients;
    // a name holds no ':' (a label) and no '@' (another address).
    constexpr size_t kMaxDisplayName = 80;
    bool name_first = !named && before.size() >= 2 && before.back() == '(' && rest == ")" &&
                      before.size() <= kMaxDisplayName && before.find_first_of(":@") == std::string_view::npos;
    // A label opens a recipient ("Unknown user: a@b"); an address after a
    // colon further along a line that named one already is in its reply
    // ("<a@b>: ... said: 550 User not found: c@d"). "To: a@b" / "From: a@b"
    // summarize the returned message, they name no failure (asked last: most
    // addresses open their line without a label).
    bool labelled = !before.empty() && before.back() == ':' && before.find('@') == std::string_view::npos &&
                    !summary_label(before);
    bool opens = before.empty() || before == "\"" || before == "'" || before == "<" || quoted_item || listed || named ||
                 name_first || labelled;
    // An item of a bulleted or numbered list ("- a@b", "-- a@b", "• a@b",
    // "1. a@b"): a mark is a few bytes (list-bullet rows).
    constexpr size_t kMaxBullet = 9;
    if (!opens && before.size() <= kMaxBullet) opens = markers.Matches(MarkerKind::kListBullet, before);
    return opens && !lines.IsIdentifier(line) && !ContinuesWrappedReply(lines, line);
  };

  // X-Failed-Recipients (Exim, Google) lists exactly the failed recipients.
  std::vector<internal::AddressHit> failed = internal::FindAddresses(p, parts.failed_recipients, 200);
  // Addresses in the text: a few per recipient (senders, copies) are read.
  std::vector<internal::AddressHit> in_text = internal::FindAddresses(p, text, 4 * max_recipients);
  if (!failed.empty()) {
    for (const auto& hit : failed) {
      size_t pos = std::string::npos;
      for (const auto& t : in_text) {
        if (SameAddress(t.address, hit.address) && opens_line(t)) {
          pos = t.begin;
          break;
        }
      }
      if (pos == std::string::npos) pos = IFind(text, hit.address);
      add(hit.address, pos, true);
    }
  } else {
    for (const auto& [b, e] : markers.FindRecipientPhrases(text)) {
      auto hits = internal::FindAddresses(p, std::string_view(text).substr(b, e - b), 1);
      if (!hits.empty()) add(hits[0].address, b + hits[0].begin, true);
    }
    for (const auto& hit : in_text) {
      if (opens_line(hit)) add(hit.address, hit.begin, false);
      if (*cut) break;
    }
    // Some formats name the recipient inside a sentence: "... delivering your
    // mail to <a@b>." Accept an address in angle brackets then.
    // The envelope sender a transcript names ("MAIL FROM:<a@b>") is none.
    if (mentions.empty()) {
      for (const auto& hit : in_text) {
        if (hit.begin > 0 && text[hit.begin - 1] == '<' && hit.end < text.size() && text[hit.end] == '>' &&
            !lines.IsIdentifier(lines.LineOf(hit.begin)) &&
            !IEndsWith(std::string_view(text).substr(0, hit.begin - 1), "MAIL FROM:")) {
          add(hit.address, hit.begin, false);
        }
        if (*cut) break;
      }
    }
    // A postmaster@ address alone on its line is a recipient when nothing
    // else is ("----- The following addresses had delivery problems -----").
    if (mentions.empty()) {
      for (const auto& hit : in_text) {
        if (opens_line(hit) && !is_sender(hit.address) && internal::IStartsWith(hit.address, "postmaster@")) {
          add(hit.address, hit.begin, true);
        }
      }
    }
    // A recipient named by its local part alone, where a recipient belongs
    // (old Sendmail's list, "Receiver not found: jodoe"), with the domain
    // the report implies; none implied, none taken.
    // A list of failed recipients may name some by address and others by
    // their local part alone (GroupWise's "\tkim (user not found)" above
    // "\tjo@example.net (mailbox full)"): the list's local parts count too,
    // unless one is the local part of a named address.
    // (Looked for only when an address is listed with a reason beside it, as
    // such a list gives it: "jo@example.net (mailbox full)".)
    const bool mixed_list = !mentions.empty();
    const bool listed_with_reason = std::any_of(mentions.begin(), mentions.end(), [&](const Mention& m) {
      return m.pos != std::string::npos && text.compare(m.pos + m.length, 2, " (") == 0;
    });
    if (!mixed_list || listed_with_reason) {
      std::vector<internal::BareRecipient> bare =
          internal::FindBareRecipients(markers, text, max_recipients, /*lists_only=*/mixed_list);
      if (mixed_list) {
        std::unordered_set<std::string> named;  // the local parts of the addresses named (lower case)
        for (const Mention& m : mentions) named.insert(internal::ToLower(m.address.substr(0, m.address.rfind('@'))));
        bare.erase(std::remove_if(bare.begin(), bare.end(),
                                  [&](const internal::BareRecipient& b) {
                                    return named.count(internal::ToLower(b.local_part)) != 0;
                                  }),
                   bare.end());
      }
      if (!bare.empty()) {
        const internal::LocalPartQualifier qualifier(p, markers, parts);
        for (internal::BareRecipient& b : bare) {
          size_t before = mentions.size();
          add(qualifier.Qualify(b.local_part), b.begin, true);
          if (mentions.size() > before) {
            mentions.back().length = b.end - b.begin;
            mentions.back().bare = std::move(b.local_part);
          }
          if (*cut) break;
        }
        // In the list's order, so that each paragraph ends where the next recipient's starts.
        if (mixed_list) {
          std::stable_sort(mentions.begin(), mentions.end(),
                           [](const Mention& a, const Mention& b) { return a.pos < b.pos; });
        }
      }
    }
  }
  // A recipient named by the display name the sender gave it, its address
  // in the returned copy's To or Cc (Exchange 2000/2003).
  if (mentions.empty()) {
    for (internal::NamedRecipient& n : internal::FindNamedRecipients(p, o, text, max_recipients)) {
      size_t before = mentions.size();
      add(n.address, n.begin, true);
      if (mentions.size() > before) mentions.back().length = n.end - n.begin;
      if (*cut) break;
    }
  }
  // A report sent back to a VERP return address names the recipient in that
  // address, as mailing lists and bulk senders write it to learn who bounced:
  // the report's own To or where it arrived, or the returned copy's
  // Return-Path. Before the returned copy's To, which for a list's post is
  // the list.
  if (mentions.empty()) {
    for (std::string_view verp : {std::string_view(parts.bounce_to), std::string_view(parts.bounce_delivered_to),
                                  o.Get("Return-Path")}) {
      std::string recipient = VerpRecipient(p, markers, verp);
      if (recipient.empty()) continue;
      add(recipient, IFind(text, recipient), true);
      break;
    }
  }
  // The one address the report's text gives under a summary's label, not
  // the sender's ("收件人：a@b" over its reason, "To: a@b" in "Your message
  // ... could not be delivered"): the report speaks of it, where the returned
  // copy's To may be a list or another of several recipients.
  if (mentions.empty()) {
    const internal::AddressHit* labelled = nullptr;
    bool several = false;
    // Line by line (the hits are in text order), so that each hit is read
    // once whatever the number of addresses on a line.
    for (size_t j = 0; j < in_text.size() && !several;) {
      const size_t line = lines.LineOf(in_text[j].begin);
      size_t k = j;
      bool one_address = true;
      for (; k < in_text.size() && lines.LineOf(in_text[k].begin) == line; ++k) {
        one_address = one_address && SameAddress(in_text[k].address, in_text[j].address);
      }
      for (size_t m = j; m < k && !several; ++m) {
        const internal::AddressHit& hit = in_text[m];
        if (is_sender(hit.address) || !names_report_to(hit.address, hit.begin) ||
            markers.Matches(MarkerKind::kSystemMailbox, hit.address) || lines.IsIdentifier(line) ||
            !summary_label(words_before(hit))) {
          continue;
        }
        // Several (on the label's line or under other labels): the summary
        // lists the original's recipients, not the failure.
        several = !one_address || (labelled != nullptr && !SameAddress(labelled->address, hit.address));
        labelled = &hit;
      }
      j = k;
    }
    if (several) labelled = nullptr;
    if (labelled != nullptr) add(labelled->address, labelled->begin, false);
  }
  if (mentions.empty()) {
    auto hits = internal::FindAddresses(p, parts.original_headers.Get("To"), 2);
    if (hits.size() == 1) add(hits[0].address, IFind(text, hits[0].address), false);
  }
  // A mailing list's notice that names no recipient (Mailman's refusal of a
  // post, without the returned copy) comes from the list's owner or bounce
  // address: the list itself refused the post.
  if (mentions.empty()) {
    auto from = internal::FindAddresses(p, parts.bounce_from, 1);
    if (!from.empty() && markers.Matches(MarkerKind::kListAdmin, from[0].address)) {
      std::string list = ListOfAdminAddress(from[0].address);
      add(list, IFind(text, list), true);
    }
  }
  // Pasted text that names no recipient (one server reply a person copied,
  // maybe naming only the sender: "Sender address rejected: not owned by
  // user jo@x") still speaks of one recipient, whose address the person knows.
  if (mentions.empty() && parts.pasted) mentions.push_back({std::string(), 0, 0, std::string()});
  const internal::Transcript transcript = internal::ParseTranscript(p, text);
  std::optional<internal::Transcript> local_transcript;  // read when a recipient was named by local part alone
  std::vector<Finding> out;
  out.reserve(std::min<size_t>(mentions.size(), kReservedFindings));
  // A delay warning's recipients are delayed, not failed. Pasted text has no
  // Subject; its own sentences say whether the sending side still retries.
  // A report whose Subject says nothing of a delay may still say it in its
  // sentences ("This is just a warning", "delivery attempts will continue").
  // (Asked only when there is a recipient to give the action.) Pasted text,
  // which a mail program may have rewrapped, is also read with its lines
  // joined; a report's own sentences are not worth that second pass.
  bool delay = !mentions.empty() &&
               ((!parts.bounce_subject.empty() && markers.Matches(MarkerKind::kDelaySubject, parts.bounce_subject)) ||
                (parts.pasted ? markers.MatchesWrapped(MarkerKind::kDelayBody, text)
                              : markers.Matches(MarkerKind::kDelayBody, text)));
  // A success notice (a DSN asked for with NOTIFY=SUCCESS, written as text)
  // names recipients the message reached or was relayed to.
  bool success = !mentions.empty() && !parts.bounce_subject.empty() &&
                 markers.Matches(MarkerKind::kSuccessSubject, parts.bounce_subject);
  bool relayed = success && (markers.Matches(MarkerKind::kRelayed, parts.bounce_subject) ||
                             markers.Matches(MarkerKind::kRelayed, text));
  std::string action = success ? (relayed ? "relayed" : "delivered")
                       : delay ? "delayed"
                               : "failed";
  // Recipients listed on one line ("a@b, c@d"), or one to a line with
  // nothing else on it (Domino's "was not delivered to:" list over one
  // "because:"), share the words after the last of them: list_end[i] is that
  // last one (worked out from the end, once for the whole list).
  auto alone_on_line = [&](const Mention& m, size_t n) {
    return LineIsAddressAlone(lines.Line(n), std::string_view(text).substr(m.pos, m.length));
  };
  std::vector<size_t> list_end(mentions.size());
  for (size_t i = mentions.size(); i-- > 0;) {
    list_end[i] = i;
    if (i + 1 == mentions.size() || mentions[i].pos == std::string::npos ||
        mentions[i + 1].pos == std::string::npos) {
      continue;
    }
    const size_t here = lines.LineOf(mentions[i].pos);
    const size_t next = lines.LineOf(mentions[i + 1].pos);
    if (next == here || (next == here + 1 && alone_on_line(mentions[i], here) && alone_on_line(mentions[i + 1], next))) {
      list_end[i] = list_end[i + 1];
    }
  }
  for (size_t i = 0; i < mentions.size(); ++i) {
    Finding f;
    f.recipient = mentions[i].address;
    f.original_recipient = mentions[i].bare;  // as the report wrote it, when ndr added the domain
    f.action = action;
    const internal::SmtpText& smtp = *p.smtp;
    internal::ServerReply reply;
    if (mentions[i].pos != std::string::npos) {
      const size_t last = list_end[i];
      size_t stop = text.size();
      for (size_t j = last + 1; j < mentions.size(); ++j) {
        if (mentions[j].pos != std::string::npos && mentions[j].pos > mentions[i].pos) {
          // The next recipient's paragraph starts at its line ("<b@c>: ..."), not at its address.
          size_t line_start = lines.Start(lines.LineOf(mentions[j].pos));
          stop = std::min(stop, line_start > mentions[i].pos ? line_start : mentions[j].pos);
        }
      }
      size_t from = mentions[last].pos + mentions[last].length;
      std::string_view paragraph = ParagraphAfter(text, std::min(from, text.size()), stop);
      reply = smtp.ReadReply(paragraph);
      if (f.original_recipient.empty()) f.original_recipient = ExpandedFrom(markers, paragraph);
      if (reply.codes.reply_code == 0 && reply.codes.status.empty()) {
        ReadUnderReplyHeading(smtp, markers, text, from, stop, &reply);
      }
      // Nothing after the address, words before it on its line: those are
      // its reason ("Unknown user: jo@x", "Mailbox full - jo@x", one line
      // per recipient), unless they only label it: one word ("Recipient:") or
      // a summary's field ("Cc:"). (One recipient's words are looked for in
      // the whole text, below.)
      if (reply.words.empty() && reply.codes.reply_code == 0 && reply.codes.status.empty() && last == i &&
          mentions.size() > 1) {
        const size_t n = lines.LineOf(mentions[i].pos);
        std::string_view before = WordsBefore(lines.Line(n), mentions[i].pos - lines.Start(n));
        if (before.find(' ') != std::string_view::npos && HasWordsBesides(before, std::string_view()) &&
            !markers.Matches(MarkerKind::kSummaryLabel, before)) {
          reply.words = smtp.StripWrappers(before, nullptr, &reply.matching_failed);
          reply.words.erase(reply.words.find_last_not_of(" :-") + 1);  // (npos + 1: nothing left)
        }
      }
      // A report that explains each recipient in words first and quotes the
      // servers' replies in a later section names the recipient again there
      // (Exchange's "Diagnostic information for administrators:"): without a
      // code in its first paragraph, the paragraph under its next own line.
      if (reply.codes.reply_code == 0 && reply.codes.status.empty() && mentions.size() > 1) {
        size_t after = static_cast<size_t>(paragraph.data() + paragraph.size() - text.data());
        for (const auto& hit : in_text) {
          if (hit.begin < after || !SameAddress(hit.address, f.recipient) || !opens_line(hit)) continue;
          internal::ServerReply later = smtp.ReadReply(ParagraphAfter(text, hit.end, text.size()));
          if (later.codes.reply_code != 0 || !later.codes.status.empty()) reply = std::move(later);
          break;
        }
      }
    }
    if (reply.codes.reply_code == 0 && reply.codes.status.empty() && mentions.size() == 1) {
      // One recipient: the reply may sit anywhere in the text. Without one,
      // the recipient's own paragraph if it has words; else the report gave
      // no reason in words of its own (the classifier still reads the text).
      // A text without a code shape holds no reply: then only the command it
      // names may be needed (below), not its words.
      const bool whole_read = internal::HasCodeShape(text, true);
      internal::ServerReply whole;
      if (whole_read) whole = smtp.ReadReply(text);
      reply.matching_failed = reply.matching_failed || whole.matching_failed;
      if (whole.codes.reply_code != 0 || !whole.codes.status.empty()) {
        reply = std::move(whole);
      } else if (SaysTooLittle(reply.words, text, mentions[0].pos == std::string::npos
                                                     ? std::string::npos
                                                     : mentions[0].pos + mentions[0].length,
                               f.recipient)) {
        // The report's own words at the start of its text, without its
        // known prose and headings ("" when that is all there is).
        // Cut at a character, not inside one (a Japanese report's 600th byte).
        std::string_view start = std::string_view(text).substr(0, internal::Utf8CutPoint(text, 600));
        reply.words = smtp.StripWrappers(start, nullptr, &reply.matching_failed);
        if (!HasWordsBesides(reply.words, f.recipient)) reply.words.clear();
        // The recipient's own line left at the front ("jo@x The recipient
        // server did not accept ...") is no part of the words.
        if (!f.recipient.empty() && internal::IStartsWith(reply.words, f.recipient)) {
          size_t lead = reply.words.find_first_not_of(internal::kAddressLeftovers, f.recipient.size());
          reply.words.erase(0, lead == std::string::npos ? reply.words.size() : lead);
        }
        // So is the recipient listed last on a line of its own, under the
        // sentence ("Unable to deliver message to the following recipients,
        // due to ...:" / "   jo@x"); an address that ends a sentence stays.
        if (!f.recipient.empty() && internal::IEndsWith(reply.words, f.recipient) &&
            LastLineIsAddress(start, f.recipient)) {
          size_t end = reply.words.find_last_not_of("<>:;*\"', ", reply.words.size() - f.recipient.size() - 1);
          reply.words.erase(end == std::string::npos ? 0 : end + 1);
        }
        if (reply.command == SmtpCommand::kUnknown) {
          reply.command = whole_read ? whole.command : smtp.FindCommand(Squeeze(text), &reply.matching_failed);
        }
      }
    }
    if (reply.matching_failed) f.problem = std::string(kReadingFailed);
    f.diagnostic = std::move(reply.words);
    CodesInText codes = reply.codes;
    SmtpCommand command = reply.command;
    // A session transcript says which reply answered which recipient.
    const internal::TranscriptEntry* e = internal::FindEntry(transcript, f.recipient);
    if (e == nullptr && !mentions[i].bare.empty()) {
      if (!local_transcript) local_transcript = internal::ParseTranscript(p, text, true);
      e = internal::FindEntry(*local_transcript, mentions[i].bare);
    }
    if (e != nullptr) {
      CodesInText entry_codes = smtp.FindCodes(e->diagnostic);
      if (entry_codes.reply_code != 0 || !entry_codes.status.empty()) {
        f.diagnostic = e->diagnostic;
        codes = entry_codes;
        // The entry's reply may not say which command drew it (Exim quotes the
        // server's Sendmail-style "550 <a@b>... No such user" under "after
        // RCPT TO:"): the paragraph's command stands then.
        SmtpCommand drew = e->command != SmtpCommand::kUnknown ? e->command : smtp.FindCommand(e->diagnostic);
        if (drew != SmtpCommand::kUnknown) command = drew;
      }
    } else if (command == SmtpCommand::kUnknown) {
      command = internal::TranscriptCommandFor(transcript, f.recipient);
      // One recipient: the command may be named before its address (a
      // session log's "--> RCPT To:<a@b>" line, the reply under it). A QUIT
      // or RSET the sending side closed with is no command that failed. Only
      // a text with a transcript's arrows is read again.
      if (command == SmtpCommand::kUnknown && mentions.size() == 1 &&
          (text.find("-->") != std::string::npos || text.find("<<<") != std::string::npos ||
           text.find(">>>") != std::string::npos)) {
        SmtpCommand named = smtp.FindCommand(Squeeze(text));
        if (named != SmtpCommand::kQuit && named != SmtpCommand::kRset) command = named;
      }
    }
    f.diagnostic = markers.StripBoilerplate(f.diagnostic);
    f.reply_code = codes.reply_code;
    f.status = codes.status;
    f.command = command;
    f.remote_mta = std::move(reply.remote_host);
    if (f.diagnostic.size() > kMaxParagraph) f.diagnostic.resize(internal::Utf8CutPoint(f.diagnostic, kMaxParagraph));
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<Finding> FromFeedback(const ExtractorPatterns& p, const BounceParts& parts, size_t max_recipients,
                                  bool* cut) {
  // One finding per complained-about recipient (a report may name several).
  std::vector<std::string> recipients;
  for (std::string_view field : {"Original-Rcpt-To", "Removal-Recipient"}) {
    for (const HeaderField& f : parts.feedback.fields()) {
      if (!internal::IStartsWith(f.name, field) || f.name.size() != field.size()) continue;
      auto hits = internal::FindAddresses(p, f.value, 1);
      if (hits.empty()) continue;
      bool seen = false;
      for (const std::string& r : recipients) seen = seen || SameAddress(r, hits[0].address);
      if (seen) continue;
      if (recipients.size() >= max_recipients) {
        *cut = true;
        break;
      }
      recipients.push_back(hits[0].address);
    }
    if (!recipients.empty()) break;
  }
  if (recipients.empty()) {
    auto hits = internal::FindAddresses(p, parts.original_headers.Get("To"), 1);
    recipients.push_back(hits.empty() ? std::string() : hits[0].address);
  }
  std::vector<Finding> out;
  for (const std::string& recipient : recipients) {
    Finding f;
    f.recipient = recipient;
    f.reporting_mta = StripTypePrefix(parts.feedback.Get("Reporting-MTA"));
    f.feedback_type = ToLower(Trim(parts.feedback.Get("Feedback-Type")));
    f.diagnostic = Squeeze(parts.human_text.substr(0, std::min<size_t>(parts.human_text.size(), 400)));
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<Finding> FromAutoReply(const ExtractorPatterns& p, const BounceParts& parts) {
  Finding f;
  auto hits = internal::FindAddresses(p, parts.bounce_from, 1);
  if (!hits.empty()) f.recipient = hits[0].address;
  f.diagnostic = Squeeze(parts.bounce_subject);
  return {f};
}

// How much a finding says: a failure over a delay over other actions, then
// codes, the words (better from a Diagnostic-Code field than from prose), the
// server and the command.
int Informativeness(const Finding& f) {
  int score = f.action == "failed" ? 40 : f.action == "delayed" ? 20 : 0;
  if (f.reply_code != 0) score += 8;
  if (!f.status.empty()) score += 8;
  if (!f.diagnostic.empty()) score += 4;
  if (!f.diagnostic_type.empty()) score += 2;
  if (!f.remote_mta.empty()) score += 1;
  if (f.command != SmtpCommand::kUnknown) score += 1;
  return score;
}

// Every address cleaned the one way, and one finding per failed address: a
// report that names an address twice (with and without a type prefix, in two
// places of the text) gives one record, the most informative one, with the
// fields only the other has.
void OneFindingPerAddress(std::vector<Finding>* findings) {
  if (findings->size() <= 1) {  // nearly always: nothing to merge
    for (Finding& f : *findings) {
      internal::CleanAddressInPlace(&f.recipient);
      internal::CleanAddressInPlace(&f.original_recipient);
    }
    return;
  }
  std::vector<Finding> out;
  out.reserve(findings->size());
  std::unordered_map<std::string, size_t> index;  // lower-case address -> its finding in out
  for (Finding& f : *findings) {
    internal::CleanAddressInPlace(&f.recipient);
    internal::CleanAddressInPlace(&f.original_recipient);
    auto [it, fresh] = index.emplace(ToLower(f.recipient), out.size());
    if (fresh || f.recipient.empty()) {
      out.push_back(std::move(f));
      continue;
    }
    Finding* same = &out[it->second];
    if (Informativeness(f) > Informativeness(*same)) std::swap(*same, f);
    for (auto field : {&Finding::original_recipient, &Finding::remote_mta, &Finding::reporting_mta,
                       &Finding::last_attempt, &Finding::status_comment}) {
      if ((*same).*field == "") (*same).*field = std::move(f.*field);
    }
  }
  *findings = std::move(out);
}

}  // namespace

Extractor::Extractor(std::shared_ptr<const internal::SmtpText> smtp_text,
                     std::shared_ptr<const BounceMarkers> markers, const Limits& limits)
    : impl_(std::make_unique<Impl>(std::move(smtp_text))) {
  impl_->markers = std::move(markers);
  impl_->max_recipients = limits.max_recipients == 0 ? 1 : limits.max_recipients;
}
Extractor::~Extractor() = default;

std::unique_ptr<Extractor> Extractor::Create(std::string* error, RuleScope rules) {
  std::shared_ptr<const internal::SmtpText> smtp = internal::SmtpText::Load(error);
  if (!smtp) return nullptr;
  std::shared_ptr<const BounceMarkers> markers = BounceMarkers::Load(rules, error);
  if (!markers) return nullptr;
  return std::make_unique<Extractor>(std::move(smtp), std::move(markers));
}

std::vector<Finding> Extractor::Extract(const BounceParts& parts, std::vector<Problem>* problems) const {
  std::vector<Finding> out;
  const size_t max = impl_->max_recipients;
  bool cut = false;
  switch (parts.kind) {
    case BounceKind::kDeliveryReport:
      out = FromDsn(impl_->patterns, *impl_->markers, parts);
      if (out.size() > max) {  // LocateBounce keeps at most that many groups; a caller's parts may hold more
        out.resize(max);
        cut = true;
      }
      break;
    case BounceKind::kPlainText: out = FromText(impl_->patterns, *impl_->markers, parts, max, &cut); break;
    case BounceKind::kFeedbackReport: out = FromFeedback(impl_->patterns, parts, max, &cut); break;
    case BounceKind::kAutoReply: out = FromAutoReply(impl_->patterns, parts); break;
    case BounceKind::kNotBounce: break;
  }
  if (cut && problems != nullptr) problems->push_back({ProblemKind::kLimit, RecipientLimitProblem(max)});
  OneFindingPerAddress(&out);
  auto from = internal::FindAddresses(impl_->patterns, parts.bounce_from, 1);
  for (Finding& f : out) {
    f.report_kind = parts.kind;
    if (!from.empty()) f.report_from = from[0].address;
  }
  // The rest of the report's text speaks of a recipient only when it is the
  // only one; a bounded slice keeps the matching cost flat.
  if (out.size() == 1) {
    out[0].context = parts.human_text.substr(0, std::min(parts.human_text.size(), kMaxContext));
  }
  return out;
}

CodesInText Extractor::FindCodes(std::string_view text) const { return impl_->patterns.smtp->FindCodes(text); }

SmtpCommand Extractor::FindCommand(std::string_view text) const { return impl_->patterns.smtp->FindCommand(text); }

std::string Extractor::NormalizeReply(std::string_view text) const { return internal::NormalizeReply(text); }

SmtpCommand Extractor::CommandNamed(std::string_view words) const {
  // A client's command line ("RCPT TO:<a@b>", ".") starts with its verb; a
  // name ("end of DATA", "initial connection") reads as reports write it
  // after "after".
  SmtpCommand command = internal::CommandFromVerb(words);
  if (command != SmtpCommand::kUnknown) return command;
  return FindCommand("after " + std::string(words));
}

}  // namespace ndr
