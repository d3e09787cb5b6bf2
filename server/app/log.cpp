#include "app/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <unistd.h>

namespace brug::app {

namespace {
std::atomic<bool> quiet_{false};
}

void set_quiet(bool quiet) { quiet_ = quiet; }

void log(std::string_view line) {
    if (quiet_) return;
    auto now = std::chrono::system_clock::now();
    auto t = std::chrono::system_clock::to_time_t(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ ", &tm);
    std::string out = stamp;
    out.append(line);
    out.push_back('\n');
    // One write() per line, so that lines of different threads do not interleave.
    auto rc = ::write(2, out.data(), out.size());
    (void)rc;
}

} // namespace brug::app
