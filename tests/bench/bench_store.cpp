// Benchmark of the store's group commit: how many acknowledged change sets per
// second, and how long each waits from submit to done.
//
//   bench_store [--n 20000] [--workshops 1] [--producers 4] [--sync full|normal]
//               [--mode flood|clients] [--clients 64] [--max-batch 512] [--dir /tmp]
//               [--nonce row|table] [--page-size 4096] [--checkpoint background|commit]
//               [--checkpoint-mib 32] [--sync-by store|sqlite] [--budget-us 4000]
//
// Without options it runs a standard set (both sync modes, 1 and 100
// workshops, flood and closed-loop clients) and prints one JSON line per run.
//
// flood:   `producers` threads submit their share as fast as they can; this
//          measures the writer's ceiling (latency is mostly queueing).
// clients: `clients` simulated participants each post a card, wait for its
//          ack, and post the next; closer to a live workshop's load.
//
// Each change set is one card post with its nonce: in the card's row as the
// server writes it (`--nonce row`, the default), or in a row of its own in the
// nonces table as before schema version 2 (`--nonce table`), for comparison.
#include "store/store.hpp"
#include "util/crypto.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace brug;
using steady = std::chrono::steady_clock;

namespace {

struct config {
    int n = 20000;
    int workshops = 1;
    int producers = 4;
    int clients = 64;
    int max_batch = 512;
    store::sync_mode sync = store::sync_mode::full;
    std::string mode = "flood";
    std::string dir = "/tmp";
    bool nonce_in_card_row = true;
    int page_size = store::options{}.new_file_page_size;
    bool background_checkpoints = store::options{}.background_checkpoints;
    long long wal_mib = store::options{}.checkpoint_wal_bytes >> 20;
    bool pipelined_sync = store::options{}.pipelined_sync; // --sync-by store|sqlite
    long long budget_us = store::options{}.commit_budget.count();
};

std::string code_of(int i) {
    // Distinct valid codes: AAAA-AAAA, AAAA-AAAB, ...
    static constexpr char alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    std::string c = "AAAA-AAAA";
    for (int pos = 8; pos >= 5 && i > 0; --pos, i /= 31)
        c[pos] = alphabet[i % 31];
    return c;
}

model::change_set card_set(std::string const& code, int i, bool nonce_in_card_row) {
    model::card c;
    c.id = util::random_hex(12);
    c.text = "Kaart nummer " + std::to_string(i) +
             ": een gewone zin van gemiddelde lengte voor een retro.";
    c.column = "behouden";
    c.position = i;
    c.author_tag = util::random_hex(32);
    model::nonce_put nonce{util::random_hex(32),
                           "{\"type\":\"ack\",\"req\":1,\"card_id\":\"" + c.id + "\"}"};
    if (nonce_in_card_row) return {code, {model::card_put{std::move(c), std::move(nonce)}}};
    return {code, {model::card_put{std::move(c)}, std::move(nonce)}};
}

double percentile(std::vector<double>& v, double p) {
    if (v.empty()) return 0;
    std::size_t k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k];
}

// Runs one configuration on a fresh file and prints its JSON line. Returns
// false when the store cannot be opened or a change set fails.
bool run(config const& cfg) {
    char tmpl[4096];
    std::snprintf(tmpl, sizeof tmpl, "%s/brug-bench-XXXXXX", cfg.dir.c_str());
    if (!mkdtemp(tmpl)) {
        std::perror("mkdtemp");
        return false;
    }
    std::filesystem::path dir = tmpl;
    bool ok = true;
    {
        store::options o;
        o.path = (dir / "bench.db").string();
        o.sync = cfg.sync;
        o.max_batch = static_cast<std::size_t>(cfg.max_batch);
        o.new_file_page_size = cfg.page_size;
        o.background_checkpoints = cfg.background_checkpoints;
        o.checkpoint_wal_bytes = static_cast<std::int64_t>(cfg.wal_mib) << 20;
        o.pipelined_sync = cfg.pipelined_sync;
        o.commit_budget = std::chrono::microseconds(cfg.budget_us);
        store::status st;
        auto s = store::store::open(o, st);
        if (!s) {
            std::fprintf(stderr, "bench_store: %s\n", st.message.c_str());
            return false;
        }
        // Workshops first, outside the measurement.
        for (int w = 0; w < cfg.workshops; ++w) {
            model::workshop_meta m;
            m.code = code_of(w);
            m.title = "Bench";
            m.columns = {{"behouden", "Behouden"}, {"vernieuwen", "Vernieuwen"}};
            s->submit({m.code, {model::meta_put{m}}}, nullptr);
        }
        {
            std::mutex mu;
            std::condition_variable cv;
            bool done = false;
            s->submit({}, [&](bool) {
                std::lock_guard lk(mu);
                done = true;
                cv.notify_one();
            });
            std::unique_lock lk(mu);
            cv.wait(lk, [&] { return done; });
        }

        auto const before = s->counters();
        std::vector<double> latency_ms(static_cast<std::size_t>(cfg.n),
                                       0.0); // slot i: written once by done(i)
        std::atomic<int> failed{0};
        std::atomic<int> outstanding{cfg.n};
        std::mutex mu;
        std::condition_variable all_done;

        auto submit_one = [&](int i, std::function<void()> then) {
            auto t0 = steady::now();
            auto cs = card_set(code_of(i % cfg.workshops), i, cfg.nonce_in_card_row);
            s->submit(std::move(cs), [&, i, t0, then](bool ok) {
                latency_ms[static_cast<std::size_t>(i)] =
                    std::chrono::duration<double, std::milli>(steady::now() - t0).count();
                if (!ok) ++failed;
                if (then) then();
                if (--outstanding == 0) {
                    std::lock_guard lk(mu);
                    all_done.notify_one();
                }
            });
        };

        auto const start = steady::now();
        std::vector<std::thread> threads;
        int const threads_n = cfg.mode == "flood" ? cfg.producers : cfg.clients;
        if (cfg.mode == "flood") {
            for (int p = 0; p < threads_n; ++p)
                threads.emplace_back([&, p] {
                    for (int i = p; i < cfg.n; i += threads_n)
                        submit_one(i, nullptr);
                });
        } else {
            // Each client: post, wait for the ack, post the next.
            for (int p = 0; p < threads_n; ++p)
                threads.emplace_back([&, p] {
                    for (int i = p; i < cfg.n; i += threads_n) {
                        std::mutex m1;
                        std::condition_variable c1;
                        bool acked = false;
                        submit_one(i, [&] {
                            std::lock_guard lk(m1);
                            acked = true;
                            c1.notify_one();
                        });
                        std::unique_lock lk(m1);
                        c1.wait(lk, [&] { return acked; });
                    }
                });
        }
        for (auto& t : threads)
            t.join();
        {
            std::unique_lock lk(mu);
            all_done.wait(lk, [&] { return outstanding.load() == 0; });
        }
        double const seconds = std::chrono::duration<double>(steady::now() - start).count();
        auto const after = s->counters();
        std::uint64_t const commits = after.commits - before.commits;
        double const p50 = percentile(latency_ms, 0.50);
        double const p99 = percentile(latency_ms, 0.99);
        // Every commit since open: the workshops' first one is among them.
        auto const times = s->commits_summary();
        std::printf(
            "{\"bench\":\"store\",\"mode\":\"%s\",\"sync\":\"%s\",\"n\":%d,\"workshops\":%d,"
            "\"threads\":%d,\"seconds\":%.3f,\"acks_per_s\":%.0f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,"
            "\"commits\":%llu,\"sets_per_commit\":%.1f,\"max_batch\":%d,\"nonce\":\"%s\","
            "\"page_size\":%d,\"checkpoint\":\"%s\",\"checkpoint_mib\":%lld,\"sync_by\":\"%s\",\"budget_us\":%lld,\"commit_ms\":{\"p50\":%.1f,\"p99\":%.1f,"
            "\"max\":%.1f},\"failed\":%d}\n",
            cfg.mode.c_str(), cfg.sync == store::sync_mode::full ? "full" : "normal", cfg.n,
            cfg.workshops, threads_n, seconds, cfg.n / seconds, p50, p99,
            static_cast<unsigned long long>(commits),
            commits ? static_cast<double>(cfg.n) / static_cast<double>(commits) : 0.0,
            cfg.max_batch, cfg.nonce_in_card_row ? "row" : "table", cfg.page_size,
            cfg.background_checkpoints ? "background" : "commit", cfg.wal_mib,
            cfg.pipelined_sync ? "store" : "sqlite", cfg.budget_us, times.p50_ms, times.p99_ms,
            times.max_ms, failed.load());
        std::fflush(stdout);
        ok = failed == 0;
    }
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    return ok;
}

} // namespace

int main(int argc, char** argv) {
    config cfg;
    bool custom = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "bench_store: %s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        custom = true;
        if (a == "--n")
            cfg.n = std::max(1, std::atoi(next().c_str()));
        else if (a == "--workshops")
            cfg.workshops = std::max(1, std::atoi(next().c_str()));
        else if (a == "--producers")
            cfg.producers = std::max(1, std::atoi(next().c_str()));
        else if (a == "--clients")
            cfg.clients = std::max(1, std::atoi(next().c_str()));
        else if (a == "--sync")
            cfg.sync = next() == "normal" ? store::sync_mode::normal : store::sync_mode::full;
        else if (a == "--max-batch")
            cfg.max_batch = std::max(1, std::atoi(next().c_str()));
        else if (a == "--mode")
            cfg.mode = next();
        else if (a == "--dir")
            cfg.dir = next();
        else if (a == "--nonce")
            cfg.nonce_in_card_row = next() != "table";
        else if (a == "--page-size")
            cfg.page_size = std::atoi(next().c_str());
        else if (a == "--checkpoint")
            cfg.background_checkpoints = next() != "commit";
        else if (a == "--checkpoint-mib")
            cfg.wal_mib = std::max(1, std::atoi(next().c_str()));
        else if (a == "--sync-by")
            cfg.pipelined_sync = next() != "sqlite";
        else if (a == "--budget-us")
            cfg.budget_us = std::max(0, std::atoi(next().c_str()));
        else {
            std::fprintf(
                stderr, "usage: bench_store [--n N] [--workshops W] [--producers P] [--clients C]\n"
                        "                   [--sync full|normal] [--mode flood|clients] "
                        "[--max-batch B] [--dir DIR] [--nonce row|table]\n"
                        "                   [--page-size BYTES] [--checkpoint background|commit]"
                        " [--checkpoint-mib 32] [--sync-by store|sqlite]\n"
                        "                   [--budget-us 4000]\n");
            return 2;
        }
    }
    if (custom) return run(cfg) ? 0 : 1;

    bool ok = true;
    for (auto sync : {store::sync_mode::full, store::sync_mode::normal})
        for (std::string mode : {"flood", "clients"})
            for (int workshops : {1, 100}) {
                config c = cfg;
                c.sync = sync;
                c.mode = mode;
                c.workshops = workshops;
                ok = run(c) && ok;
            }
    return ok ? 0 : 1;
}
