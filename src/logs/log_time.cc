// Log time stamps -> ISO 8601. The forms are the ones syslog, journald and
// the MTAs write (RFC 3164 / RFC 3339 structure), so they are code, not data.
#include <ctime>

#include "ndr/logs.h"

namespace ndr {
namespace {

bool Digits(std::string_view s, size_t at, size_t n, int* value) {
  if (at + n > s.size()) return false;
  int v = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *value = v;
  return true;
}

void Append2(int v, std::string* out) {
  out->push_back(static_cast<char>('0' + v / 10 % 10));
  out->push_back(static_cast<char>('0' + v % 10));
}

std::string Format(int year, int month, int day, int hour, int minute, int second) {
  std::string out = std::to_string(year);
  out.push_back('-');
  Append2(month, &out);
  out.push_back('-');
  Append2(day, &out);
  out.push_back('T');
  Append2(hour, &out);
  out.push_back(':');
  Append2(minute, &out);
  out.push_back(':');
  Append2(second, &out);
  return out;
}

bool Plausible(int month, int day, int hour, int minute, int second) {
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 60;
}

// "2026-11-30T08:12:01[.fff][ ][Z|+01:00|+0100]" at the start of s; *used = its length.
std::string ParseIso(std::string_view s, size_t* used) {
  int year, month, day, hour, minute, second;
  if (!Digits(s, 0, 4, &year) || s.size() < 19 || s[4] != '-' || !Digits(s, 5, 2, &month) || s[7] != '-' ||
      !Digits(s, 8, 2, &day) || (s[10] != 'T' && s[10] != ' ') || !Digits(s, 11, 2, &hour) || s[13] != ':' ||
      !Digits(s, 14, 2, &minute) || s[16] != ':' || !Digits(s, 17, 2, &second) ||
      !Plausible(month, day, hour, minute, second)) {
    return {};
  }
  std::string out = Format(year, month, day, hour, minute, second);
  size_t i = 19;
  if (i < s.size() && (s[i] == '.' || s[i] == ',') && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '9') {
    out.push_back('.');
    for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) out.push_back(s[i]);
  }
  *used = i;
  size_t z = i;
  if (z < s.size() && s[z] == ' ') ++z;  // Exim and PowerMTA: "08:12:01 +0100"
  if (z < s.size() && s[z] == 'Z') {
    out.push_back('Z');
    *used = z + 1;
  } else if (z < s.size() && (s[z] == '+' || s[z] == '-')) {
    int zh, zm;
    size_t colon = (z + 3 < s.size() && s[z + 3] == ':') ? 1 : 0;
    if (Digits(s, z + 1, 2, &zh) && Digits(s, z + 3 + colon, 2, &zm) && zh <= 14 && zm <= 59) {
      out.push_back(s[z]);
      Append2(zh, &out);
      out.push_back(':');
      Append2(zm, &out);
      *used = z + 5 + colon;
    }
  }
  return out;
}

constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// "Nov 30 08:12:01" / "Nov  3 08:12:01" (RFC 3164): no year, no zone.
std::string ParseSyslog(std::string_view s, int64_t reference_time) {
  if (s.size() < 15 || s[3] != ' ' || s[6] != ' ' || s[9] != ':' || s[12] != ':') return {};
  int month = 0;
  for (int m = 0; m < 12; ++m) {
    if (s.substr(0, 3) == kMonths[m]) month = m + 1;
  }
  int day, hour, minute, second;
  if (month == 0) return {};
  if (s[4] == ' ') {
    if (!Digits(s, 5, 1, &day)) return {};
  } else if (!Digits(s, 4, 2, &day)) {
    return {};
  }
  if (!Digits(s, 7, 2, &hour) || !Digits(s, 10, 2, &minute) || !Digits(s, 13, 2, &second) ||
      !Plausible(month, day, hour, minute, second)) {
    return {};
  }
  // The year that puts the stamp at or before the reference moment: a log
  // read in January still holds December's lines of the year before.
  std::time_t ref = reference_time != 0 ? static_cast<std::time_t>(reference_time) : std::time(nullptr);
  std::tm tm{};
  gmtime_r(&ref, &tm);
  int year = tm.tm_year + 1900;
  if (month > tm.tm_mon + 1) --year;
  return Format(year, month, day, hour, minute, second);
}

// Seconds since the epoch ("1795939921", "1795939921.25"), as UTC.
std::string ParseEpoch(std::string_view s) {
  size_t digits = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
  if (digits < 9 || digits > 11) return {};
  if (digits < s.size() && s[digits] != '.') return {};
  std::time_t t = static_cast<std::time_t>(std::stoll(std::string(s.substr(0, digits))));
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) return {};
  return Format(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec) + "Z";
}

}  // namespace

std::string LogTimeToIso(std::string_view text, int64_t reference_time) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  size_t used = 0;
  std::string iso = ParseIso(text, &used);
  if (!iso.empty()) return iso;
  iso = ParseSyslog(text, reference_time);
  if (!iso.empty()) return iso;
  return ParseEpoch(text);
}

std::string LeadingLogTime(std::string_view line, int64_t reference_time) {
  if (line.empty()) return {};
  if (line[0] >= '0' && line[0] <= '9') {
    size_t used = 0;
    return ParseIso(line, &used);
  }
  return ParseSyslog(line, reference_time);
}

}  // namespace ndr
