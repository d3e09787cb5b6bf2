// How long the store's commits take and how much each holds (private to
// store/, tested on its own).
//
// The store records one entry per commit: its duration, from BEGIN until it
// is on disk (the statements, the WAL writes and the fdatasync of the WAL,
// which with pipelined sync runs on the answering thread), and how many
// change sets it held. Any thread may read a summary meanwhile. Only
// counts and durations are kept: nothing names a workshop, a card or a time
// of day.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace brug::store {

struct commit_summary {
    std::uint64_t commits = 0;
    std::uint64_t change_sets = 0;     // in those commits (one per command or post)
    std::uint64_t max_change_sets = 0; // in one commit
    double p50_ms = 0, p99_ms = 0, max_ms = 0;
    // The writer's TRUNCATE checkpoints between two batches under steady
    // load (store.cpp, checkpoint_max_delay): the commits queued meanwhile wait.
    std::uint64_t truncations = 0;
    double truncation_max_ms = 0;

    // "N commits, commit ms p50 A p99 B max C, change sets per commit M (max K),
    // WAL truncations under load T (max D ms)"
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

    // Once per commit, by the answering thread (a few hundred per second at
    // most, so a mutex costs nothing here and keeps every summary exact);
    // truncations by the writer thread.
    void record(std::chrono::nanoseconds took, std::uint64_t change_sets);
    void record_truncation(std::chrono::nanoseconds took);

    // The commits since the start or the last take(); take() starts over.
    commit_summary summary() const;
    commit_summary take();

private:
    commit_summary summary_locked() const; // REQUIRES: mu_ held

    mutable std::mutex mu_;
    std::array<std::uint64_t, buckets> counts_{};
    std::uint64_t change_sets_ = 0;
    std::uint64_t max_change_sets_ = 0;
    std::int64_t max_ns_ = 0;
    std::uint64_t truncations_ = 0;
    std::int64_t truncation_max_ns_ = 0;
};

} // namespace brug::store
