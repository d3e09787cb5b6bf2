// How long the store's commits take and how much each holds (private to
// store/, tested on its own).
//
// The writer thread records one entry per commit: its duration, from BEGIN
// to COMMIT returned (the statements, the WAL writes and the fdatasync), and
// how many change sets it held. Any thread may read a summary meanwhile. Only
// counts and durations are kept: nothing names a workshop, a card or a time
// of day.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace brug::store {

struct commit_summary {
    std::uint64_t commits = 0;
    std::uint64_t change_sets = 0;     // in those commits (one per command or post)
    std::uint64_t max_change_sets = 0; // in one commit
    double p50_ms = 0, p99_ms = 0, max_ms = 0;

    // "N commits, commit ms p50 A p99 B max C, change sets per commit M (max K)"
    std::string describe() const;
};

class commit_times {
public:
    // Durations are counted in buckets of this width up to `buckets` of them;
    // a longer commit counts in the last bucket, and `max_ms` stays exact. A
    // percentile is its bucket's upper edge, so at most one width too high
    // (one in the last bucket reads as the longest commit).
    static constexpr std::chrono::microseconds width{100};
    static constexpr std::size_t buckets = 2000; // up to 200 ms

    // Writer thread only (one writer at a time).
    void record(std::chrono::nanoseconds took, std::uint64_t change_sets);

    // Any thread; exact once the writer is idle, otherwise each figure is.
    commit_summary summary() const;

private:
    std::array<std::atomic<std::uint64_t>, buckets> counts_{};
    std::atomic<std::uint64_t> commits_{0};
    std::atomic<std::uint64_t> change_sets_{0};
    std::atomic<std::uint64_t> max_change_sets_{0};
    std::atomic<std::int64_t> max_ns_{0};
};

} // namespace brug::store
