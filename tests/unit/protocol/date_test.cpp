// Calendar dates for agreement `due` (protocol/date.hpp).
#include "protocol/date.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace brug::protocol;

TEST_CASE("date: real calendar days are accepted") {
    auto const s = GENERATE(as<std::string>{}, "2026-01-01", "2026-12-31", "2026-12-15",
                            "2028-02-29", "2000-02-29", "2400-02-29", "2026-04-30", "2026-02-28",
                            "0001-01-01", "9999-12-31");
    CHECK(is_calendar_date(s));
}

TEST_CASE("date: impossible days and other shapes are refused") {
    auto const s =
        GENERATE(as<std::string>{}, "2026-02-30", "2026-02-29", "1900-02-29", "2100-02-29",
                 "2026-04-31", "2026-06-31", "2026-09-31", "2026-11-31", "2026-13-01", "2026-00-10",
                 "2026-01-00", "2026-01-32", "2026-1-05", "2026-01-5", "26-01-05", "2026/01/05",
                 "2026-01-05T00:00", " 2026-01-05", "2026-01-05 ", "", "yyyy-mm-dd", "2026-0a-05",
                 "+026-01-05", "2026--1-05", "20260105");
    CHECK_FALSE(is_calendar_date(s));
}

TEST_CASE("date: the leap year rule over four centuries") {
    int leap_years = 0;
    for (int y = 2001; y <= 2400; ++y)
        leap_years += is_leap_year(y);
    CHECK(leap_years == 97); // 100 multiples of four, less 2100, 2200, 2300
    CHECK(is_leap_year(2000));
    CHECK_FALSE(is_leap_year(1900));
    CHECK(is_leap_year(2028));
    CHECK_FALSE(is_leap_year(2026));
}

TEST_CASE("date: each month has exactly its number of days") {
    int const days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int m = 1; m <= 12; ++m) {
        for (int d = 1; d <= 32; ++d) {
            char buf[16];
            std::snprintf(buf, sizeof buf, "2026-%02d-%02d", m, d);
            INFO(buf);
            CHECK(is_calendar_date(buf) == (d <= days[m - 1]));
        }
    }
}
