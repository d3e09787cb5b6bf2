// The commit-time summary: percentiles from the buckets, the exact longest
// commit, change sets per commit, and what the store records.
#include "store/commit_times.hpp"
#include "store_fixture.hpp"

#include <catch2/catch.hpp>

using namespace brug;
using namespace brug::store::testing;
using namespace std::chrono_literals;

TEST_CASE("commit times: nothing recorded reads as zeros") {
    store::commit_times t;
    auto s = t.summary();
    CHECK(s.commits == 0);
    CHECK(s.p50_ms == 0);
    CHECK(s.p99_ms == 0);
    CHECK(s.max_ms == 0);
    CHECK(s.describe() == "0 commits, commit ms p50 0.0 p99 0.0 max 0.0, change sets per commit 0.0 "
                          "(max 0), WAL truncations under load 0 (max 0.0 ms)");
}

TEST_CASE("commit times: percentiles are the upper edge of their 0.1 ms bucket") {
    store::commit_times t;
    // 98 commits of 1.23 ms, one of 7.05 ms, one of 12.34 ms.
    for (int i = 0; i < 98; ++i)
        t.record(1230us, 10);
    t.record(7050us, 200);
    t.record(12340us, 3);
    auto s = t.summary();
    CHECK(s.commits == 100);
    CHECK(s.change_sets == 98 * 10 + 200 + 3);
    CHECK(s.max_change_sets == 200);
    CHECK(s.p50_ms == Approx(1.3));
    CHECK(s.p99_ms == Approx(7.1)); // rank 99 of 100
    CHECK(s.max_ms == Approx(12.34));
    t.record_truncation(31500us);
    t.record_truncation(4ms);
    s = t.summary();
    CHECK(s.truncations == 2);
    CHECK(s.truncation_max_ms == Approx(31.5));
    CHECK(s.describe() == "100 commits, commit ms p50 1.3 p99 7.1 max 12.3, change sets per commit "
                          "11.8 (max 200), WAL truncations under load 2 (max 31.5 ms)");
}

TEST_CASE("commit times: a percentile never reads above the longest commit") {
    store::commit_times t;
    t.record(1010us, 1);
    auto s = t.summary();
    CHECK(s.p50_ms == Approx(1.01));
    CHECK(s.p99_ms == Approx(1.01));
}

TEST_CASE("commit times: commits past the last bucket read as the longest") {
    store::commit_times t;
    for (int i = 0; i < 10; ++i)
        t.record(2ms, 1);
    t.record(900ms, 1);
    t.record(450ms, 1);
    auto s = t.summary();
    CHECK(s.p50_ms == Approx(2.1)); // 2.0 ms is in the bucket [2.0, 2.1)
    CHECK(s.p99_ms == Approx(900.0)); // rank 12 of 12, beyond 200 ms
    CHECK(s.max_ms == Approx(900.0));
}

TEST_CASE("commit times: take() returns the figures so far and starts over") {
    store::commit_times t;
    t.record(3ms, 4);
    t.record(9ms, 2);
    t.record_truncation(7ms);
    auto first = t.take();
    CHECK(first.truncations == 1);
    CHECK(first.commits == 2);
    CHECK(first.change_sets == 6);
    CHECK(first.max_ms == Approx(9.0));
    auto empty = t.summary();
    CHECK(empty.commits == 0);
    CHECK(empty.max_ms == 0);
    CHECK(empty.max_change_sets == 0);
    CHECK(empty.truncations == 0);
    t.record(1ms, 1);
    auto second = t.take();
    CHECK(second.commits == 1);
    CHECK(second.max_ms == Approx(1.0));
    CHECK(second.p99_ms == Approx(1.0));
}

TEST_CASE("store: every commit is in the summary, with its change sets") {
    temp_dir dir;
    auto s = open_store(dir.file("brug.db"), store::sync_mode::normal);
    REQUIRE(submit_wait(*s, create_workshop("AAAA-AAAA")));
    for (int i = 0; i < 50; ++i)
        s->submit({"AAAA-AAAA", {model::card_put{sample_card("c" + std::to_string(i), "t", i)}}},
                  nullptr);
    REQUIRE(submit_wait(*s, {})); // a barrier: no SQL, no commit of its own

    auto const summary = s->commits_summary();
    auto const counters = s->counters();
    CHECK(summary.commits == counters.commits);
    CHECK(summary.change_sets == 51); // the workshop and 50 cards; not the barriers
    CHECK(summary.max_change_sets >= 1);
    CHECK(summary.p50_ms > 0);
    CHECK(summary.p50_ms <= summary.p99_ms);
    CHECK(summary.p99_ms <= summary.max_ms);
}
