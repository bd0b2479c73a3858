// ISO-8601 UTC timestamps with integer civil-calendar arithmetic (proleptic Gregorian, as JS Date),
// so no time zone database, locale or clock is ever consulted.
#include <cstdint>
#include <optional>
#include <string>

#include "dclcomms/auth/auth_chain.hpp"
#include "dclcomms/core/assert.hpp"

namespace dclcomms::auth {
namespace {

constexpr std::int64_t ms_per_day = 86'400'000;
// JS Date's range: ±100,000,000 days around the epoch. toISOString throws outside it.
constexpr std::int64_t js_date_limit_ms = 8'640'000'000'000'000;

struct Civil {
  std::int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};

// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's days_from_civil): eras of
// 400 years (146097 days) keep every division on non-negative numbers.
std::int64_t days_from_civil(std::int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;                                   // [0, 399]
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;  // [0, 365], from March 1
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           // [0, 146096]
  return era * 146097 + doe - 719468;                                       // 719468: 0000-03-01 -> 1970-01-01
}

Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;                                       // [0, 146096]
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const std::int64_t mp = (5 * doy + 2) / 153;                                     // [0, 11], March = 0
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return Civil{yoe + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

bool is_leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(std::int64_t y, int m) {
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

void append_padded(std::string& out, std::int64_t value, int width) {
  std::string digits = std::to_string(value);
  if (static_cast<int>(digits.size()) < width) out.append(static_cast<std::size_t>(width) - digits.size(), '0');
  out += digits;
}

// Reads exactly `count` ASCII digits at `pos`.
std::optional<int> digits_at(std::string_view text, std::size_t pos, std::size_t count) {
  if (pos + count > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

std::string format_iso8601_ms(std::int64_t unix_ms) {
  DCL_ASSERT(unix_ms >= -js_date_limit_ms && unix_ms <= js_date_limit_ms);
  // Floor division, so instants before 1970 land on the previous day with a positive time of day.
  std::int64_t days = unix_ms / ms_per_day;
  std::int64_t ms_of_day = unix_ms % ms_per_day;
  if (ms_of_day < 0) {
    ms_of_day += ms_per_day;
    days -= 1;
  }
  const Civil date = civil_from_days(days);
  std::string out;
  out.reserve(27);
  if (date.year >= 0 && date.year <= 9999) {
    append_padded(out, date.year, 4);
  } else {  // JS toISOString's expanded years: sign and six digits
    out += date.year < 0 ? '-' : '+';
    append_padded(out, date.year < 0 ? -date.year : date.year, 6);
  }
  out += '-';
  append_padded(out, date.month, 2);
  out += '-';
  append_padded(out, date.day, 2);
  out += 'T';
  append_padded(out, ms_of_day / 3'600'000, 2);
  out += ':';
  append_padded(out, ms_of_day / 60'000 % 60, 2);
  out += ':';
  append_padded(out, ms_of_day / 1000 % 60, 2);
  out += '.';
  append_padded(out, ms_of_day % 1000, 3);
  out += 'Z';
  return out;
}

std::optional<std::int64_t> parse_iso8601_ms(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z — positions of the fixed part.
  if (text.size() < 20) return std::nullopt;
  const auto year = digits_at(text, 0, 4);
  const auto month = digits_at(text, 5, 2);
  const auto day = digits_at(text, 8, 2);
  const auto hour = digits_at(text, 11, 2);
  const auto minute = digits_at(text, 14, 2);
  const auto second = digits_at(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  if (text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  int millis = 0;
  std::size_t pos = 19;
  if (text[pos] == '.') {
    ++pos;
    const std::size_t first = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    const std::size_t count = pos - first;
    if (count < 1 || count > 9) return std::nullopt;
    // Milliseconds are the first three digits; further digits are truncated, as V8 does.
    for (std::size_t i = 0; i < 3; ++i) {
      millis = millis * 10 + (i < count ? text[first + i] - '0' : 0);
    }
  }
  if (pos + 1 != text.size() || text[pos] != 'Z') return std::nullopt;
  // Refuse what is not a real instant, even where V8 rolls over (Feb 30) or allows 24:00.
  if (*month < 1 || *month > 12 || *day < 1 || *day > days_in_month(*year, *month)) return std::nullopt;
  if (*hour > 23 || *minute > 59 || *second > 59) return std::nullopt;
  const std::int64_t days = days_from_civil(*year, *month, *day);
  return days * ms_per_day + *hour * 3'600'000LL + *minute * 60'000LL + *second * 1000LL + millis;
}

}  // namespace dclcomms::auth
