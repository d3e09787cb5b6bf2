// Process-wide counters for GET /metrics (Prometheus text format). Plain
// atomics, relaxed: each number is exact on its own, and a scrape does not
// need a consistent snapshot across numbers.
#pragma once

#include "protocol/errors.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace brug::live {

// A latency histogram with fixed buckets in microseconds.
class histogram {
public:
    static constexpr std::array<std::uint64_t, 12> bounds_us = {
        100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 1000000};

    void observe(std::uint64_t us);
    // Appends the Prometheus lines of this histogram, in seconds.
    void write(std::string& out, char const* name, char const* help) const;

private:
    std::array<std::atomic<std::uint64_t>, bounds_us.size() + 1> counts_{}; // last: +Inf
    std::atomic<std::uint64_t> sum_us_{0};
};

struct metrics {
    std::atomic<std::int64_t> participant_connections{0};
    std::atomic<std::int64_t> facilitator_connections{0};
    std::atomic<std::int64_t> websocket_connections{0}; // open, joined or not
    std::atomic<std::int64_t> workshops_in_memory{0};
    std::atomic<std::uint64_t> workshops_created{0};
    std::atomic<std::uint64_t> frames_in{0};
    std::atomic<std::uint64_t> frames_out{0};      // WebSocket frames written
    std::atomic<std::uint64_t> messages_out{0};    // messages in them (batches hold several)
    std::atomic<std::uint64_t> http_requests{0};
    std::atomic<std::uint64_t> slow_consumers{0};
    std::atomic<std::uint64_t> frames_superseded{0}; // counts and presence replaced unsent (protocol 7)
    std::atomic<std::uint64_t> commit_failures{0};
    std::array<std::atomic<std::uint64_t>, 14> errors{}; // by protocol::error_code
    histogram commit_latency;  // submit to done
    histogram fanout_latency;  // done to the last deliver() of an outcome

    void count_error(protocol::error_code code);

    // The Prometheus text exposition of every counter.
    std::string render() const;
};

// The process's counters.
metrics& global_metrics();

} // namespace brug::live
