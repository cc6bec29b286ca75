// Calendar days of the dates bounces carry: RFC 5322 (the Date header) and
// ISO 8601 (log lines). Month names and the zone syntax are RFC structure.
#include <cctype>
#include <cstdio>

#include "ndr/report.h"

namespace ndr {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
long DaysFromCivil(long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long>(doe) - 719468;
}

void CivilFromDays(long z, long* y, unsigned* m, unsigned* d) {
  z += 719468;
  const long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<long>(yoe) + era * 400 + (*m <= 2);
}

bool ReadNumber(std::string_view s, size_t* pos, size_t max_digits, long* out) {
  size_t start = *pos;
  long value = 0;
  while (*pos < s.size() && *pos - start < max_digits && std::isdigit(static_cast<unsigned char>(s[*pos]))) {
    value = value * 10 + (s[*pos] - '0');
    ++*pos;
  }
  *out = value;
  return *pos > start;
}

void SkipSpace(std::string_view s, size_t* pos) {
  while (*pos < s.size() && (s[*pos] == ' ' || s[*pos] == '\t' || s[*pos] == ',')) ++*pos;
}

int MonthOf(std::string_view word) {
  static const char* const kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                        "jul", "aug", "sep", "oct", "nov", "dec"};
  if (word.size() < 3) return 0;
  for (int i = 0; i < 12; ++i) {
    bool same = true;
    for (int k = 0; k < 3; ++k) {
      if (std::tolower(static_cast<unsigned char>(word[k])) != kMonths[i][k]) same = false;
    }
    if (same) return i + 1;
  }
  return 0;
}

bool ValidDay(long y, long m, long d) { return y >= 1970 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= 31; }

// The zone offset in minutes at *pos ("+0100", "-0500", "Z", "GMT", "UT"); 0 when absent.
long ZoneMinutes(std::string_view s, size_t pos) {
  SkipSpace(s, &pos);
  if (pos >= s.size() || (s[pos] != '+' && s[pos] != '-')) return 0;
  int sign = s[pos] == '-' ? -1 : 1;
  ++pos;
  if (pos < s.size() && s[pos] == ':') return 0;
  long hhmm = 0;
  size_t start = pos;
  if (!ReadNumber(s, &pos, 4, &hhmm)) return 0;
  if (pos - start == 2 && pos + 2 < s.size() + 1 && pos < s.size() && s[pos] == ':') {  // +01:00
    long mm = 0;
    ++pos;
    ReadNumber(s, &pos, 2, &mm);
    return sign * (hhmm * 60 + mm);
  }
  if (pos - start != 4) return 0;
  return sign * ((hhmm / 100) * 60 + hhmm % 100);
}

// Time of day at *pos ("08:00:00"), in minutes; advances past it.
long TimeMinutes(std::string_view s, size_t* pos) {
  long h = 0, m = 0, sec = 0;
  if (!ReadNumber(s, pos, 2, &h) || *pos >= s.size() || s[*pos] != ':') return -1;
  ++*pos;
  if (!ReadNumber(s, pos, 2, &m)) return -1;
  if (*pos < s.size() && s[*pos] == ':') {
    ++*pos;
    ReadNumber(s, pos, 2, &sec);
  }
  while (*pos < s.size() && (s[*pos] == '.' || std::isdigit(static_cast<unsigned char>(s[*pos])))) ++*pos;
  if (h > 23 || m > 59) return -1;
  return h * 60 + m;
}

std::string DayAt(long y, long m, long d, long minutes, long zone) {
  long days = DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  if (minutes >= 0) {
    long utc = minutes - zone;  // local time minus the zone's offset
    if (utc < 0) --days;
    if (utc >= 24 * 60) ++days;
  }
  return DayFromNumber(days);
}

}  // namespace

std::string DayFromNumber(long days) {
  long y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04ld-%02u-%02u", y, m, d);
  return buffer;
}

bool DayNumber(std::string_view day, long* out) {
  if (day.size() != 10 || day[4] != '-' || day[7] != '-') return false;
  size_t pos = 0;
  long y, m, d;
  if (!ReadNumber(day, &pos, 4, &y) || pos != 4) return false;
  pos = 5;
  if (!ReadNumber(day, &pos, 2, &m) || pos != 7) return false;
  pos = 8;
  if (!ReadNumber(day, &pos, 2, &d) || pos != 10) return false;
  if (!ValidDay(y, m, d)) return false;
  *out = DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  return true;
}

std::string DayOfDate(std::string_view date) {
  size_t pos = 0;
  SkipSpace(date, &pos);
  // ISO 8601: 2026-11-30[T ]08:12:01[Z|+01:00]
  if (date.size() >= pos + 10 && date[pos + 4] == '-' && date[pos + 7] == '-') {
    long y, m, d;
    size_t p = pos;
    if (!ReadNumber(date, &p, 4, &y) || p != pos + 4) return "";
    ++p;
    if (!ReadNumber(date, &p, 2, &m) || p != pos + 7) return "";
    ++p;
    if (!ReadNumber(date, &p, 2, &d) || p != pos + 10) return "";
    if (!ValidDay(y, m, d)) return "";
    long minutes = -1;
    long zone = 0;
    if (p < date.size() && (date[p] == 'T' || date[p] == ' ')) {
      ++p;
      minutes = TimeMinutes(date, &p);
      if (p < date.size() && date[p] == 'Z') zone = 0;
      else zone = ZoneMinutes(date, p);
      // Without a zone a log's local time is taken as it is.
    }
    return DayAt(y, m, d, minutes, zone);
  }
  // RFC 5322: [Day-name ","] day month year time zone
  while (pos < date.size() && std::isalpha(static_cast<unsigned char>(date[pos]))) ++pos;  // day name
  SkipSpace(date, &pos);
  long d = 0, y = 0;
  if (!ReadNumber(date, &pos, 2, &d)) return "";
  SkipSpace(date, &pos);
  size_t word = pos;
  while (pos < date.size() && std::isalpha(static_cast<unsigned char>(date[pos]))) ++pos;
  int m = MonthOf(date.substr(word, pos - word));
  if (m == 0) return "";
  SkipSpace(date, &pos);
  size_t year_start = pos;
  if (!ReadNumber(date, &pos, 4, &y)) return "";
  if (pos - year_start == 2) y += y < 50 ? 2000 : 1900;  // obsolete two-digit years (RFC 5322 4.3)
  if (!ValidDay(y, m, d)) return "";
  SkipSpace(date, &pos);
  long minutes = TimeMinutes(date, &pos);
  long zone = minutes >= 0 ? ZoneMinutes(date, pos) : 0;
  return DayAt(y, m, d, minutes, zone);
}

std::string RecordDay(const Record& record) {
  std::string day = DayOfDate(record.bounce_date);
  if (day.empty()) day = DayOfDate(record.date);
  return day;
}

}  // namespace ndr
