#include "protocol/date.hpp"

namespace brug::protocol {

namespace {

// The value of the ASCII digits s[from, from + n), or -1 if one is not a digit.
int digits(std::string_view s, std::size_t from, std::size_t n) {
    int v = 0;
    for (std::size_t i = from; i < from + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

} // namespace

bool is_calendar_date(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    int const year = digits(s, 0, 4), month = digits(s, 5, 2), day = digits(s, 8, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1) return false;
    static constexpr int days_in_month[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int const last = days_in_month[month - 1] + (month == 2 && is_leap_year(year) ? 1 : 0);
    return day <= last;
}

} // namespace brug::protocol
