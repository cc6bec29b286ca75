#include "extract/text_util.h"

#include <algorithm>
#include <cctype>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ndr {
namespace internal {

namespace {

// Where the value's text starts after a "type;" prefix (RFC 3464's
// address-type, diagnostic-type, mta-name-type: "rfc822;", "X-Unix;", also
// the misspelt "rfc/822;"); 0 when it has none.
size_t TypePrefixEnd(std::string_view value) {
  size_t semi = value.find(';');
  if (semi == std::string_view::npos || semi >= 24 || semi == 0) return 0;
  for (char c : value.substr(0, semi)) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != ' ' && c != '/') return 0;
  }
  return semi + 1;
}

// Where an address starts after the address type of Exchange proxy addresses
// ("smtp:a@b") and Notes/X.400 gateways ("SMTP=a@b"); 0 when it has none.
size_t ProxyTypeEnd(std::string_view value) {
  constexpr std::string_view kSmtp = "smtp";
  if (value.size() > kSmtp.size() + 1 && IStartsWith(value, kSmtp) &&
      (value[kSmtp.size()] == ':' || value[kSmtp.size()] == '=')) {
    return kSmtp.size() + 1;
  }
  return 0;
}

// Where the first blank (' ' or '\t') at or after `from` is, npos when none.
// (A loop: find_first_of(" \t") calls memchr on its set for every byte.)
size_t FindBlank(std::string_view s, size_t from = 0) {
  for (size_t i = from; i < s.size(); ++i) {
    if (IsBlank(s[i])) return i;
  }
  return std::string_view::npos;
}

// Where the last blank at or before `at` is, npos when none.
size_t FindLastBlank(std::string_view s, size_t at) {
  for (size_t i = std::min(at + 1, s.size()); i > 0; --i) {
    if (IsBlank(s[i - 1])) return i - 1;
  }
  return std::string_view::npos;
}

bool IsOpening(char c) { return c == '<' || c == '"' || c == '\'' || c == '('; }
bool IsClosing(char c) {
  return c == '>' || c == '"' || c == '\'' || c == '.' || c == ',' || c == ':' || c == ')' || c == ';';
}

}  // namespace

std::string StripTypePrefix(std::string_view value) {
  value = Trim(value);
  return std::string(Trim(value.substr(TypePrefixEnd(value))));
}

std::string TypePrefix(std::string_view value) {
  value = Trim(value);
  size_t end = TypePrefixEnd(value);
  return end == 0 ? std::string() : ToLower(Trim(value.substr(0, end - 1)));
}

namespace {

// Whether CleanedAddressView would give the trimmed `a` back as it is: no
// type ("x;"), proxy type ("smtp:"), angle brackets or blanks in it, and
// nothing to take off either end. One pass over its bytes, so that the
// usual case -- an address cleaned once already, or once its type is off --
// skips the rules (CleanAddressInPlace runs on every finding's addresses).
// Other control bytes than a blank also take the rules' way: they decide.
bool NothingToClean(std::string_view a) {
  if (a.empty()) return true;
  if (IsOpening(a.front()) || a.front() == '@' || IsClosing(a.back()) || ProxyTypeEnd(a) > 0) return false;
  size_t i = 0;
#if defined(__SSE2__)
  // Sixteen bytes at a time (most addresses are longer): a byte at most ' '
  // (unsigned), ';' or '<'.
  const __m128i blank = _mm_set1_epi8(' ');
  const __m128i semicolon = _mm_set1_epi8(';');
  const __m128i bracket = _mm_set1_epi8('<');
  for (; i + 16 <= a.size(); i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a.data() + i));
    const __m128i low = _mm_cmpeq_epi8(_mm_min_epu8(v, blank), v);
    const __m128i hit = _mm_or_si128(low, _mm_or_si128(_mm_cmpeq_epi8(v, semicolon), _mm_cmpeq_epi8(v, bracket)));
    if (_mm_movemask_epi8(hit) != 0) return false;
  }
#endif
  for (; i < a.size(); ++i) {
    const char c = a[i];
    if (static_cast<unsigned char>(c) <= ' ' || c == ';' || c == '<') return false;
  }
  return true;
}

// CleanAddress's answer as a view into `address`, or into *quoted_free when
// quotes a local part does not need were dropped (a new string).
std::string_view CleanedAddressView(std::string_view address, std::string* quoted_free) {
  std::string_view a = Trim(address);
  // Types first, then a display name's angle brackets, as often as they nest
  // ("rfc822; SMTP:<a@b>").
  for (bool changed = true; changed;) {
    if (NothingToClean(a)) return a;  // (each pass starts from a trimmed text)
    changed = false;
    if (size_t end = TypePrefixEnd(a); end > 0) {
      a = Trim(a.substr(end));
      if (NothingToClean(a)) return a;  // ("rfc822; jo@x": the rules below would leave it so)
      changed = true;
    }
    if (size_t end = ProxyTypeEnd(a); end > 0) {
      a = Trim(a.substr(end));
      changed = true;
    }
    size_t lt = a.rfind('<');
    size_t gt = a.rfind('>');
    if (lt != std::string_view::npos && gt != std::string_view::npos && gt > lt + 1 &&
        a.substr(lt + 1, gt - lt - 1).find('@') != std::string_view::npos) {
      a = Trim(a.substr(lt + 1, gt - lt - 1));
      changed = true;
    }
  }
  // "jo@example.org (Jo Doe)": the word that holds the address.
  if (FindBlank(a) != std::string_view::npos && !a.empty() && a.front() != '"') {
    size_t at = a.find('@');
    if (at != std::string_view::npos) {
      size_t begin = FindLastBlank(a, at);
      begin = begin == std::string_view::npos ? 0 : begin + 1;
      size_t end = FindBlank(a, at);
      a = a.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin);
    }
  }
  // A quoted local part without spaces needs no quotes: "\"jo.\"@b" -> "jo.@b".
  if (a.size() > 3 && a.front() == '"') {
    size_t close = a.find("\"@", 1);
    if (close != std::string_view::npos && a.substr(1, close - 1).find_first_of(" \t\"") == std::string_view::npos) {
      *quoted_free = std::string(a.substr(1, close - 1)) + std::string(a.substr(close + 1));
      a = *quoted_free;
    }
  }
  // A quoted local part that needs its quotes ("jo doe"@b) keeps them.
  bool quoted_local = !a.empty() && a.front() == '"' && a.find("\"@", 1) != std::string_view::npos;
  while (!quoted_local && !a.empty() && IsOpening(a.front())) a.remove_prefix(1);
  while (!a.empty() && IsClosing(a.back())) a.remove_suffix(1);
  // A source route "@relay1,@relay2:jo@example.org" names hosts, not the address.
  if (!a.empty() && a.front() == '@') {
    size_t colon = a.find(':');
    if (colon != std::string_view::npos) a.remove_prefix(colon + 1);
  }
  return Trim(a);
}

}  // namespace

std::string CleanAddress(std::string_view address) {
  std::string quoted_free;
  return std::string(CleanedAddressView(address, &quoted_free));
}

void CleanAddressInPlace(std::string* address) {
  std::string quoted_free;
  std::string_view cleaned = CleanedAddressView(*address, &quoted_free);
  if (cleaned.data() == address->data() && cleaned.size() == address->size()) return;  // clean already
  *address = std::string(cleaned);  // a copy first: the view may point into *address
}


std::string HostFromField(std::string_view value) {
  std::string_view host = Trim(value);
  host = Trim(host.substr(TypePrefixEnd(host)));
  size_t end = 0;  // (a loop: see FindBlank)
  while (end < host.size() && !IsBlank(host[end]) && host[end] != '(') ++end;
  host = host.substr(0, end);
  while (!host.empty() && (host.front() == '[' || host.front() == '<')) host.remove_prefix(1);
  while (!host.empty() && (host.back() == '.' || host.back() == ']' || host.back() == '>')) host.remove_suffix(1);
  return std::string(host);
}

bool IsInternetAddress(std::string_view address) {
  size_t at = address.rfind('@');
  if (at == std::string_view::npos || at == 0 || address.front() == '/') return false;
  std::string_view domain = address.substr(at + 1);
  size_t dot = domain.find('.');
  return dot != std::string_view::npos && dot > 0 && dot + 1 < domain.size() &&
         FindBlank(address) == std::string_view::npos;
}

bool IsAddressList(std::string_view text) {
  bool any = false;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == ',' || c == ';' || IsSpace(c)) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < text.size() && text[end] != ',' && text[end] != ';' && !IsSpace(text[end])) ++end;
    std::string_view token = text.substr(i, end - i);
    if (token.front() == '<' && token.back() == '>' && token.size() > 2) token = token.substr(1, token.size() - 2);
    if (!IsInternetAddress(token) || token.find_first_of("<>\"()") != std::string_view::npos) return false;
    any = true;
    i = end;
  }
  return any;
}

}  // namespace internal
}  // namespace ndr
