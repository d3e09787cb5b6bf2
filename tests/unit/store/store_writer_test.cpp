// The writer thread: order of callbacks, group commit, barriers, durability,
// and what happens when a change set or a whole transaction fails.
#include "store_fixture.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <set>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace brug;
using namespace brug::store::testing;

namespace {

// Holds the writer thread before its next batch (the store's
// before_batch_for_tests) until released, so that everything submitted
// meanwhile queues up behind it and goes into one transaction.
struct writer_gate {
    std::mutex m;
    std::condition_variable cv;
    bool armed = false, held = false;

    std::function<void()> hook() {
        return [this] {
            std::unique_lock lk(m);
            if (!armed) return;
            held = true;
            cv.notify_all();
            cv.wait(lk, [&] { return !armed; });
            held = false;
        };
    }
    // Returns once the writer waits in the gate: the barrier submitted here
    // wakes it, and before its next batch it stops.
    void hold(store::store& s) {
        {
            std::lock_guard lk(m);
            armed = true;
        }
        s.submit({}, nullptr);
        std::unique_lock lk(m);
        cv.wait(lk, [&] { return held; });
    }
    void release() {
        {
            std::lock_guard lk(m);
            armed = false;
        }
        cv.notify_all();
    }
};

// A store whose writer `g` can hold.
std::unique_ptr<store::store> open_gated(writer_gate& g, store::options o) {
    o.before_batch_for_tests = g.hook();
    return open_store(o);
}

model::change_set one_card(std::string const& code, int i) {
    return {code,
            {model::card_put{
                sample_card("card" + std::to_string(i), "tekst " + std::to_string(i), i)}}};
}

// Queues `n` cards for AAAA-AAAA while `g` holds the writer, lets it go and
// waits until all are answered; returns how many were acknowledged.
int queue_cards_held(writer_gate& g, store::store& s, int n) {
    g.hold(s);
    std::atomic<int> acked{0};
    for (int i = 0; i < n; ++i)
        s.submit(one_card("AAAA-AAAA", i), [&acked](bool ok) { acked += ok; });
    g.release();
    REQUIRE(submit_wait(s, {}));
    return acked;
}

} // namespace

TEST_CASE("store: done callbacks run once each, in the order of submission") {
    temp_dir dir;
    auto s = open_store(dir.file("brug.db"), store::sync_mode::normal, 16);
    std::vector<std::string> codes = {"AAAA-AAAA", "BBBB-BBBB", "CCCC-CCCC"};
    for (auto const& c : codes)
        REQUIRE(submit_wait(*s, create_workshop(c)));

    std::vector<int> order; // written by the answering thread only, read after the barrier
    for (int i = 0; i < 300; ++i)
        s->submit(one_card(codes[i % 3], i),
                  [&order, i](bool ok) { order.push_back(ok ? i : -1 - i); });
    REQUIRE(submit_wait(*s, {}));
    REQUIRE(order.size() == 300);
    for (int i = 0; i < 300; ++i)
        REQUIRE(order[i] == i);
}

TEST_CASE("store: change sets queued during a commit share the next transaction") {
    temp_dir dir;
    std::size_t const max_batch = GENERATE(std::size_t{512}, std::size_t{100});
    writer_gate g;
    auto o = store_options(dir.file("brug.db"), store::sync_mode::full, max_batch);
    o.commit_budget = std::chrono::microseconds(0); // batches of max_batch, whatever the pace
    auto s = open_gated(g, o);
    REQUIRE(submit_wait(*s, create_workshop("AAAA-AAAA")));
    auto const before = s->counters();

    int const acked = queue_cards_held(g, *s, 1000);

    auto const after = s->counters();
    CHECK(acked == 1000);
    // The gate's barrier, 1000 cards and the last barrier.
    CHECK(after.change_sets - before.change_sets == 1002);
    // The 1000 queued cards in batches of max_batch.
    CHECK(after.commits - before.commits == (1000 + max_batch - 1) / max_batch);
    CHECK(s->load("AAAA-AAAA")->cards.size() == 1000);
}

TEST_CASE("store: 1000 quick submits need far fewer commits") {
    temp_dir dir;
    auto s = open_store(dir.file("brug.db"), store::sync_mode::full);
    REQUIRE(submit_wait(*s, create_workshop("AAAA-AAAA")));
    auto const before = s->counters();
    std::atomic<int> acked{0};
    for (int i = 0; i < 1000; ++i)
        s->submit(one_card("AAAA-AAAA", i), [&acked](bool ok) { acked += ok; });
    REQUIRE(submit_wait(*s, {}));
    auto const commits = s->counters().commits - before.commits;
    INFO("commits: " << commits);
    CHECK(acked == 1000);
    CHECK(commits < 500);
}

TEST_CASE("store: an empty change set is a barrier") {
    temp_dir dir;
    auto s = open_store(dir.file("brug.db"));
    SECTION("on an idle store it answers at once, without a commit") {
        auto const before = s->counters();
        CHECK(submit_wait(*s, {}));
        CHECK(s->counters().commits == before.commits);
    }
    SECTION("its done runs after every earlier done, and the changes are loadable") {
        REQUIRE(submit_wait(*s, create_workshop("AAAA-AAAA")));
        std::atomic<int> done_before{0};
        for (int i = 0; i < 200; ++i)
            s->submit(one_card("AAAA-AAAA", i), [&](bool) { ++done_before; });
        int seen_at_barrier = -1;
        std::promise<void> p;
        s->submit({}, [&](bool) {
            seen_at_barrier = done_before.load();
            p.set_value();
        });
        p.get_future().wait();
        CHECK(seen_at_barrier == 200);
        CHECK(s->load("AAAA-AAAA")->cards.size() == 200);
    }
}

TEST_CASE("store: what done(true) acknowledged is in the file for a second store") {
    temp_dir dir;
    auto path = dir.file("brug.db");
    auto first = open_store(path);
    REQUIRE(submit_wait(*first, create_workshop("AAAA-AAAA")));
    REQUIRE(submit_wait(*first, one_card("AAAA-AAAA", 7)));

    auto second = open_store(path); // while the first is still open
    auto w = second->load("AAAA-AAAA");
    REQUIRE(w);
    REQUIRE(w->cards.size() == 1);
    CHECK(w->cards[0].text == "tekst 7");
    CHECK(second->secret() == first->secret());
}

TEST_CASE("store: the destructor commits everything still queued") {
    temp_dir dir;
    auto path = dir.file("brug.db");
    std::atomic<int> acked{0};
    {
        auto s = open_store(path);
        s->submit(create_workshop("AAAA-AAAA"), [&](bool ok) { acked += ok; });
        for (int i = 0; i < 500; ++i)
            s->submit(one_card("AAAA-AAAA", i), [&](bool ok) { acked += ok; });
    }
    CHECK(acked == 501);
    auto s = open_store(path);
    CHECK(s->load("AAAA-AAAA")->cards.size() == 500);
}

TEST_CASE("store: a change set that breaks a constraint fails alone and the store goes on") {
    temp_dir dir;
    writer_gate g;
    auto s = open_gated(g, store_options(dir.file("brug.db")));
    REQUIRE(submit_wait(*s, create_workshop("AAAA-AAAA")));

    // In one batch: a good change set, a bad one (its first change is fine, its
    // second names a workshop that does not exist, via the foreign key), and
    // another good one.
    g.hold(*s);
    std::vector<int> results; // answering thread only, read after the barrier
    s->submit(one_card("AAAA-AAAA", 1), [&](bool ok) { results.push_back(ok); });
    s->submit({"ZZZZ-ZZZZ",
               {model::nonce_put{"n", "a"}, model::card_put{sample_card("x", "no workshop")}}},
              [&](bool ok) { results.push_back(ok); });
    s->submit(one_card("AAAA-AAAA", 2), [&](bool ok) { results.push_back(ok); });
    g.release();
    REQUIRE(submit_wait(*s, {}));

    CHECK(results == std::vector<int>{1, 0, 1});
    CHECK(s->counters().failures == 1);
    CHECK_FALSE(s->exists("ZZZZ-ZZZZ"));
    CHECK(s->load("AAAA-AAAA")->cards.size() == 2);

    // A change set fails as a whole: here its first two changes succeed (a new
    // card, then the whole workshop removed) and its third breaks the foreign
    // key; neither of the first two is kept.
    CHECK_FALSE(
        submit_wait(*s, {"AAAA-AAAA",
                         {model::card_put{sample_card("c9", "half")}, model::workshop_removed{},
                          model::card_put{sample_card("c10", "after removal")}}}));
    auto w = s->load("AAAA-AAAA");
    REQUIRE(w);
    CHECK(w->cards.size() == 2);
    CHECK(s->counters().failures == 2);

    CHECK(submit_wait(*s, one_card("AAAA-AAAA", 3)));
    CHECK(s->load("AAAA-AAAA")->cards.size() == 3);
}

// Disk full, for real: in a child process, RLIMIT_FSIZE stops every write to
// the files, so the commit fails with an I/O error. The whole batch answers
// false, nothing of it is kept, and once writes work again so does the store.
TEST_CASE("store: a transaction that cannot be written fails every change set in it") {
    temp_dir dir;
    auto path = dir.file("brug.db");
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        int fail = 0;
        try {
            writer_gate g;
            auto s = open_gated(g, store_options(path));
            if (!submit_wait(*s, create_workshop("AAAA-AAAA"))) _exit(10);
            std::signal(SIGXFSZ, SIG_IGN);
            rlimit old{};
            getrlimit(RLIMIT_FSIZE, &old);
            rlimit tiny = old;
            tiny.rlim_cur = 1;
            setrlimit(RLIMIT_FSIZE, &tiny);

            g.hold(*s);
            std::vector<int> results;
            for (int i = 0; i < 3; ++i) {
                model::change_set cs = one_card("AAAA-AAAA", i);
                cs.changes.push_back(model::card_put{
                    sample_card("big" + std::to_string(i), std::string(3000, 'x'))});
                s->submit(std::move(cs), [&](bool ok) { results.push_back(ok); });
            }
            g.release();
            bool barrier = submit_wait(*s, {});
            if (results != std::vector<int>{0, 0, 0}) fail |= 1;
            if (s->counters().failures < 3) fail |= 2;

            setrlimit(RLIMIT_FSIZE, &old);
            if (!submit_wait(*s, one_card("AAAA-AAAA", 100))) fail |= 4;
            auto w = s->load("AAAA-AAAA");
            if (!w || w->cards.size() != 1 || w->cards[0].id != "card100") fail |= 8;
            (void)barrier;
        } catch (...) {
            fail |= 16;
        }
        _exit(fail);
    }
    int wstatus = 0;
    REQUIRE(waitpid(pid, &wstatus, 0) == pid);
    REQUIRE(WIFEXITED(wstatus));
    CHECK(WEXITSTATUS(wstatus) == 0);

    // And the file is whole afterwards.
    auto s = open_store(path);
    auto w = s->load("AAAA-AAAA");
    REQUIRE(w);
    CHECK(w->cards.size() == 1);
}

// protocol.md 3.8: a server killed at any moment has every change it
// acknowledged. A child process posts cards and reports each ack on a pipe;
// the parent kills it with SIGKILL mid-stream and reopens the file.
TEST_CASE("store: after SIGKILL every acknowledged change set is in the file") {
    temp_dir dir;
    auto path = dir.file("brug.db");
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        try {
            auto s = open_store(path, store::sync_mode::normal, 64);
            submit_wait(*s, create_workshop("AAAA-AAAA"));
            for (int i = 0;; ++i) {
                s->submit(one_card("AAAA-AAAA", i), [fd = fds[1], i](bool ok) {
                    if (ok && write(fd, &i, sizeof i) != sizeof i) _exit(3);
                });
                if (i % 64 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
        } catch (...) {
        }
        _exit(2);
    }
    close(fds[1]);
    std::set<int> acked;
    int i = 0;
    while (acked.size() < 300 && read(fds[0], &i, sizeof i) == sizeof i)
        acked.insert(i);
    kill(pid, SIGKILL);
    while (read(fds[0], &i, sizeof i) == sizeof i)
        acked.insert(i); // acks sent before death
    close(fds[0]);
    int wstatus = 0;
    waitpid(pid, &wstatus, 0);
    REQUIRE(WIFSIGNALED(wstatus));
    REQUIRE(acked.size() >= 300);

    auto s = open_store(path);
    auto w = s->load("AAAA-AAAA");
    REQUIRE(w);
    std::set<std::string> stored;
    for (auto const& c : w->cards)
        stored.insert(c.id);
    std::size_t missing = 0;
    for (int a : acked)
        missing += stored.count("card" + std::to_string(a)) == 0;
    CHECK(missing == 0);
    CHECK(stored.size() >= acked.size());
}

TEST_CASE("store: producers on many threads and loads beside them") {
    temp_dir dir;
    auto s = open_store(dir.file("brug.db"), store::sync_mode::normal);
    int const threads_n = 4, per_thread = 250;
    for (int t = 0; t < threads_n; ++t)
        REQUIRE(submit_wait(*s, create_workshop("AAAA-AAA" + std::to_string(t + 2))));
    std::atomic<int> acked{0};
    std::atomic<bool> producing{true};
    std::vector<std::thread> producers;
    for (int t = 0; t < threads_n; ++t)
        producers.emplace_back([&, t] {
            std::string code = "AAAA-AAA" + std::to_string(t + 2);
            for (int i = 0; i < per_thread; ++i)
                s->submit(one_card(code, i), [&](bool ok) { acked += ok; });
        });
    std::size_t loads = 0;
    std::thread loader([&] {
        while (producing) {
            auto w = s->load("AAAA-AAA2");
            if (w) ++loads;
        }
    });
    for (auto& p : producers)
        p.join();
    REQUIRE(submit_wait(*s, {}));
    producing = false;
    loader.join();
    CHECK(acked == threads_n * per_thread);
    CHECK(loads > 0);
    for (int t = 0; t < threads_n; ++t)
        CHECK(s->load("AAAA-AAA" + std::to_string(t + 2))->cards.size() == std::size_t(per_thread));
}

namespace {

// A card and the workshop's row as the model sends them: with its seq.
model::change_set card_and_row(std::string const& code, int i) {
    auto meta = sample_meta(code);
    meta.seq = i;
    return {code,
            {model::card_put{sample_card("card" + std::to_string(i), "tekst", i)},
             model::meta_put{std::move(meta)}}};
}

} // namespace

// Within one batch the store writes a workshop's row only at the first and
// the last change set that put it: the stored row must still be the last one,
// also for a workshop created in the same batch.
TEST_CASE("store: in one batch, the last row put of each workshop is what is stored") {
    temp_dir dir;
    writer_gate g;
    auto s = open_gated(g, store_options(dir.file("brug.db")));
    REQUIRE(submit_wait(*s, create_workshop("AAAA-AAAA")));
    g.hold(*s);
    std::vector<int> results; // answering thread only, read after the barrier
    auto note = [&](bool ok) { results.push_back(ok); };
    s->submit(create_workshop("BBBB-BBBB"), note);
    for (int i = 1; i <= 20; ++i) {
        s->submit(card_and_row("AAAA-AAAA", i), note);
        s->submit(card_and_row("BBBB-BBBB", 100 + i), note);
    }
    g.release();
    REQUIRE(submit_wait(*s, {}));
    CHECK(results == std::vector<int>(41, 1));
    auto a = s->load("AAAA-AAAA"), b = s->load("BBBB-BBBB");
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->meta.seq == 20);
    CHECK(a->cards.size() == 20);
    CHECK(b->meta.seq == 120);
    CHECK(b->cards.size() == 20);
}

// The change set with the batch's last row put fails alone (its removal is
// undone with it): the row is then that of the latest change set that
// committed, whose own put had been skipped.
TEST_CASE("store: when the last row put of a batch fails alone, the latest committed row stays") {
    temp_dir dir;
    writer_gate g;
    auto s = open_gated(g, store_options(dir.file("brug.db")));
    REQUIRE(submit_wait(*s, create_workshop("AAAA-AAAA")));
    g.hold(*s);
    std::vector<int> results; // answering thread only, read after the barrier
    auto note = [&](bool ok) { results.push_back(ok); };
    for (int i = 1; i <= 3; ++i) s->submit(card_and_row("AAAA-AAAA", i), note);
    auto bad = card_and_row("AAAA-AAAA", 4);
    bad.changes.push_back(model::workshop_removed{});
    bad.changes.push_back(model::card_put{sample_card("after", "after removal")}); // foreign key
    s->submit(std::move(bad), note);
    g.release();
    REQUIRE(submit_wait(*s, {}));
    CHECK(results == std::vector<int>{1, 1, 1, 0});
    auto a = s->load("AAAA-AAAA");
    REQUIRE(a);
    CHECK(a->meta.seq == 3);
    CHECK(a->cards.size() == 3);
}

// Pipelined sync (options::pipelined_sync): a change set is answered only
// after the WAL holding it was synced, and while one sync runs the writer
// already commits the next batch.
TEST_CASE("store: pipelined sync answers after the WAL sync, and the writer goes on meanwhile") {
    temp_dir dir;
    std::mutex m;
    std::condition_variable cv;
    int syncs_entered = 0;
    bool let_sync = true;
    auto o = store_options(dir.file("brug.db"));
    REQUIRE(o.pipelined_sync); // the default
    o.wal_sync_for_tests = [&] {
        std::unique_lock lk(m);
        ++syncs_entered;
        cv.notify_all();
        cv.wait(lk, [&] { return let_sync; });
        return true;
    };
    auto s = open_store(o);
    REQUIRE(submit_wait(*s, create_workshop("AAAA-AAAA")));
    auto const commits_before = s->counters().commits;
    int const syncs_before = syncs_entered;

    {
        std::lock_guard lk(m);
        let_sync = false;
    }
    std::atomic<int> a{-1}, b{-1};
    s->submit(one_card("AAAA-AAAA", 1), [&](bool ok) { a = ok; });
    {
        std::unique_lock lk(m);
        // Card 1 is being synced.
        REQUIRE(cv.wait_for(lk, std::chrono::seconds(10),
                            [&] { return syncs_entered > syncs_before; }));
    }
    s->submit(one_card("AAAA-AAAA", 2), [&](bool ok) { b = ok; });
    // The writer commits card 2 while card 1's sync is held.
    for (int i = 0; i < 5000 && s->counters().commits < commits_before + 2; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    CHECK(s->counters().commits == commits_before + 2);
    CHECK(s->load("AAAA-AAAA")->cards.size() == 2); // committed, visible to reads
    CHECK(a == -1); // but neither is answered before its sync
    CHECK(b == -1);

    {
        std::lock_guard lk(m);
        let_sync = true;
    }
    cv.notify_all();
    REQUIRE(submit_wait(*s, {}));
    CHECK(a == 1);
    CHECK(b == 1);
}

// A WAL that cannot be synced may hold what is not on disk: what was in it
// is answered false, and so is every later change set.
TEST_CASE("store: when the WAL cannot be synced, nothing more is answered as saved") {
    temp_dir dir;
    std::atomic<bool> sync_works{true};
    auto o = store_options(dir.file("brug.db"));
    o.wal_sync_for_tests = [&] { return sync_works.load(); };
    auto s = open_store(o);
    REQUIRE(submit_wait(*s, create_workshop("AAAA-AAAA")));
    REQUIRE(submit_wait(*s, one_card("AAAA-AAAA", 1)));

    sync_works = false;
    CHECK_FALSE(submit_wait(*s, one_card("AAAA-AAAA", 2)));
    sync_works = true; // even once it works again: the disk lost something
    CHECK_FALSE(submit_wait(*s, one_card("AAAA-AAAA", 3)));
    CHECK(s->counters().failures == 2);
}

// options::commit_budget: at a pace slower than the budget allows, each
// transaction holds min_batch change sets, however many are queued.
TEST_CASE("store: a commit takes as many change sets as its time budget holds") {
    temp_dir dir;
    writer_gate g;
    auto o = store_options(dir.file("brug.db"));
    o.commit_budget = std::chrono::microseconds(1); // less than any change set takes
    o.min_batch = 16;
    auto s = open_gated(g, o);
    REQUIRE(submit_wait(*s, create_workshop("AAAA-AAAA"))); // sets the pace
    s->take_commits_summary();

    int const acked = queue_cards_held(g, *s, 200);

    CHECK(acked == 200);
    auto const sum = s->commits_summary();
    CHECK(sum.max_change_sets == 16);
    CHECK(sum.commits == (200 + 15) / 16);
    CHECK(s->load("AAAA-AAAA")->cards.size() == 200);
}

// A row put that changes only the counter updates the stored seq alone; the
// last-change time is kept to the minute; any other change, or a change set
// that fails, writes the whole row again.
TEST_CASE("store: a workshop row put that only counts on stores its seq, and everything else in full") {
    temp_dir dir;
    auto s = open_store(dir.file("brug.db"));
    std::int64_t const t0 = 1'700'000'000'000;
    auto meta = sample_meta("AAAA-AAAA", t0);
    meta.touched_at_ms = t0;
    auto put = [&](model::workshop_meta const& m) {
        return submit_wait(*s, {"AAAA-AAAA", {model::meta_put{m}}});
    };
    REQUIRE(put(meta));

    meta.seq = 2;
    meta.touched_at_ms = t0 + 10'000;
    REQUIRE(put(meta));
    auto w = s->load("AAAA-AAAA");
    REQUIRE(w);
    CHECK(w->meta.seq == 2);
    CHECK(w->meta.touched_at_ms == t0); // within the minute

    meta.seq = 3;
    meta.touched_at_ms = t0 + 70'000;
    REQUIRE(put(meta));
    CHECK(s->load("AAAA-AAAA")->meta == meta); // a minute later: in full

    meta.seq = 4;
    meta.touched_at_ms += 1;
    meta.prompt = "Wat wil je behouden?";
    meta.columns.push_back({"later", "Later"});
    REQUIRE(put(meta));
    CHECK(s->load("AAAA-AAAA")->meta == meta); // another field: in full

    // A change set that puts the row and then fails is undone with it: a
    // later put of what it had put is not counter-only.
    auto undone = meta;
    undone.seq = 5;
    undone.prompt = "Wat wil je vernieuwen?";
    CHECK_FALSE(submit_wait(*s, {"AAAA-AAAA",
                                 {model::meta_put{undone},
                                  model::card_put{sample_card("c1", "x")},
                                  model::card_put{sample_card("c1", "same id, same workshop")},
                                  model::workshop_removed{},
                                  model::card_put{sample_card("c2", "after removal")}}}));
    CHECK(s->load("AAAA-AAAA")->meta.prompt == "Wat wil je behouden?");
    meta.seq = 6;
    meta.touched_at_ms += 1;
    meta.prompt = undone.prompt;
    REQUIRE(put(meta));
    CHECK(s->load("AAAA-AAAA")->meta == meta);
}
