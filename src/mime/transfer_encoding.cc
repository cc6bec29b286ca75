// Content-Transfer-Encoding decoders. See transfer_encoding.h.
#include "mime/transfer_encoding.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "mime/mime_util.h"

namespace ndr {
namespace internal {
namespace mime {
namespace {

constexpr int8_t kInvalid = -1;
constexpr int8_t kPad = -2;

constexpr std::array<int8_t, 256> MakeBase64Table() {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = kInvalid;
  const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(alphabet[i])] = static_cast<int8_t>(i);
  t[static_cast<unsigned char>('-')] = 62;  // base64url, seen in the wild
  t[static_cast<unsigned char>('_')] = 63;
  t[static_cast<unsigned char>('=')] = kPad;
  return t;
}
constexpr std::array<int8_t, 256> kBase64 = MakeBase64Table();

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

TransferEncoding ParseTransferEncoding(std::string_view value) {
  value = Trim(value);
  // Drop a trailing comment or parameter ("base64 (x)", "base64;").
  size_t end = value.find_first_of(" \t(;");
  if (end != std::string_view::npos) value = value.substr(0, end);
  while (!value.empty() && value.front() == '"') value.remove_prefix(1);
  while (!value.empty() && value.back() == '"') value.remove_suffix(1);
  if (IEquals(value, "base64")) return TransferEncoding::kBase64;
  if (IEquals(value, "quoted-printable")) return TransferEncoding::kQuotedPrintable;
  return TransferEncoding::kIdentity;
}

bool DecodeBase64(std::string_view in, size_t max_size, std::string* out) {
  if (out->size() >= max_size) return in.empty();
  out->reserve(std::min(max_size, out->size() + in.size() / 4 * 3 + 3));
  uint32_t acc = 0;
  int bits = 0;  // number of sextets in acc
  for (char ch : in) {
    int8_t v = kBase64[static_cast<unsigned char>(ch)];
    if (v >= 0) {
      acc = (acc << 6) | static_cast<uint32_t>(v);
      if (++bits == 4) {
        char b[3] = {static_cast<char>(acc >> 16), static_cast<char>(acc >> 8), static_cast<char>(acc)};
        size_t room = max_size - out->size();
        if (room < 3) {
          out->append(b, room);
          return false;
        }
        out->append(b, 3);
        acc = 0;
        bits = 0;
      }
    } else if (v == kPad && bits > 0) {
      // End of a quantum: flush what it holds and start afresh.
      if (bits >= 2) {
        acc <<= 6 * (4 - bits);
        char b[2] = {static_cast<char>(acc >> 16), static_cast<char>(acc >> 8)};
        size_t len = static_cast<size_t>(bits - 1);
        size_t room = max_size - out->size();
        if (room < len) {
          out->append(b, room);
          return false;
        }
        out->append(b, len);
      }
      acc = 0;
      bits = 0;
    }
  }
  if (bits >= 2) {  // missing padding
    acc <<= 6 * (4 - bits);
    char b[2] = {static_cast<char>(acc >> 16), static_cast<char>(acc >> 8)};
    size_t len = static_cast<size_t>(bits - 1);
    size_t room = max_size - out->size();
    if (room < len) {
      out->append(b, room);
      return false;
    }
    out->append(b, len);
  }
  return true;
}

bool DecodeQuotedPrintable(std::string_view in, size_t max_size, std::string* out) {
  if (out->size() >= max_size) return in.empty();
  out->reserve(std::min(max_size, out->size() + in.size()));
  bool cut = false;
  auto append = [&](const char* p, size_t len) {
    size_t room = max_size - out->size();
    if (len > room) {
      len = room;
      cut = true;
    }
    out->append(p, len);
  };
  const size_t n = in.size();
  size_t i = 0;
  while (i < n && !cut) {
    char c = in[i];
    if (c == '=') {
      // Soft line break: '=' then optional blanks then a line ending (or the end).
      size_t j = i + 1;
      while (j < n && IsBlank(in[j])) ++j;
      if (j >= n) {
        i = n;
        continue;
      }
      if (in[j] == '\n' || in[j] == '\r') {
        if (in[j] == '\r' && j + 1 < n && in[j + 1] == '\n') ++j;
        i = j + 1;
        continue;
      }
      int hi = i + 1 < n ? HexValue(in[i + 1]) : -1;
      int lo = i + 2 < n ? HexValue(in[i + 2]) : -1;
      if (hi >= 0 && lo >= 0) {
        char b = static_cast<char>(hi * 16 + lo);
        append(&b, 1);
        i += 3;
      } else {
        append("=", 1);  // invalid: keep literally
        ++i;
      }
      continue;
    }
    if (IsBlank(c)) {
      // Blanks at the end of a line were added in transport: drop them.
      size_t j = i;
      while (j < n && IsBlank(in[j])) ++j;
      if (j < n && in[j] != '\n' && in[j] != '\r') append(in.data() + i, j - i);
      i = j;
      continue;
    }
    // Copy a run of ordinary characters at once.
    size_t j = i + 1;
    while (j < n && in[j] != '=' && !IsBlank(in[j])) ++j;
    append(in.data() + i, j - i);
    i = j;
  }
  return !cut;
}

void DecodeQEncoding(std::string_view in, std::string* out) {
  const size_t n = in.size();
  for (size_t i = 0; i < n; ++i) {
    char c = in[i];
    if (c == '_') {
      out->push_back(' ');
    } else if (c == '=' && i + 2 < n) {
      int hi = HexValue(in[i + 1]);
      int lo = HexValue(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out->push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
      } else {
        out->push_back(c);
      }
    } else {
      out->push_back(c);
    }
  }
}

}  // namespace mime
}  // namespace internal
}  // namespace ndr
