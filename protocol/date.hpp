// Calendar dates as the contract writes them (agreement `due`): YYYY-MM-DD.
#pragma once

#include <string_view>

namespace brug::protocol {

// True when `s` is exactly YYYY-MM-DD (ASCII digits) and names a real day of
// the proleptic Gregorian calendar: 2028-02-29 yes, 2026-02-29 and 2026-04-31 no.
bool is_calendar_date(std::string_view s);

// Whether `year` has a 29 February (divisible by 4, centuries only by 400).
constexpr bool is_leap_year(int year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

} // namespace brug::protocol
