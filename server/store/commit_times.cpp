#include "store/commit_times.hpp"

#include <algorithm>
#include <cstdio>

namespace brug::store {

std::string commit_summary::describe() const {
    double const per_commit =
        commits ? static_cast<double>(change_sets) / static_cast<double>(commits) : 0.0;
    char line[256];
    std::snprintf(line, sizeof line,
                  "%llu commits, commit ms p50 %.1f p99 %.1f max %.1f, "
                  "change sets per commit %.1f (max %llu), "
                  "WAL truncations under load %llu (max %.1f ms)",
                  static_cast<unsigned long long>(commits), p50_ms, p99_ms, max_ms, per_commit,
                  static_cast<unsigned long long>(max_change_sets),
                  static_cast<unsigned long long>(truncations), truncation_max_ms);
    return line;
}

void commit_times::record(std::chrono::nanoseconds took, std::uint64_t change_sets) {
    auto const slot = std::max<std::int64_t>(0, took.count() / std::chrono::nanoseconds(width).count());
    std::lock_guard lk(mu_);
    counts_[std::min<std::size_t>(static_cast<std::size_t>(slot), buckets - 1)] += 1;
    change_sets_ += change_sets;
    max_change_sets_ = std::max(max_change_sets_, change_sets);
    max_ns_ = std::max<std::int64_t>(max_ns_, took.count());
}

void commit_times::record_truncation(std::chrono::nanoseconds took) {
    std::lock_guard lk(mu_);
    truncations_ += 1;
    truncation_max_ns_ = std::max<std::int64_t>(truncation_max_ns_, took.count());
}

commit_summary commit_times::summary() const {
    std::lock_guard lk(mu_);
    return summary_locked();
}

commit_summary commit_times::take() {
    std::lock_guard lk(mu_);
    auto s = summary_locked();
    counts_.fill(0);
    change_sets_ = 0;
    max_change_sets_ = 0;
    max_ns_ = 0;
    truncations_ = 0;
    truncation_max_ns_ = 0;
    return s;
}

commit_summary commit_times::summary_locked() const {
    commit_summary s;
    std::uint64_t total = 0;
    for (auto n : counts_)
        total += n;
    s.commits = total;
    s.change_sets = change_sets_;
    s.max_change_sets = max_change_sets_;
    s.max_ms = static_cast<double>(max_ns_) / 1e6;
    s.truncations = truncations_;
    s.truncation_max_ms = static_cast<double>(truncation_max_ns_) / 1e6;
    double const width_ms = static_cast<double>(width.count()) / 1000.0;
    // The upper edge of the bucket holding the commit of rank ceil(p * total),
    // never above the longest commit seen.
    auto percentile = [&](double p) {
        if (total == 0) return 0.0;
        auto rank = static_cast<std::uint64_t>(p * static_cast<double>(total));
        if (static_cast<double>(rank) < p * static_cast<double>(total)) ++rank;
        rank = std::max<std::uint64_t>(rank, 1);
        std::uint64_t seen = 0;
        for (std::size_t i = 0; i < buckets; ++i) {
            seen += counts_[i];
            if (seen < rank) continue;
            if (i == buckets - 1) return s.max_ms; // past the buckets: the longest is known
            return std::min(static_cast<double>(i + 1) * width_ms, s.max_ms);
        }
        return s.max_ms;
    };
    s.p50_ms = percentile(0.50);
    s.p99_ms = percentile(0.99);
    return s;
}

} // namespace brug::store
