// The writer thread: order of callbacks, group commit, barriers, durability,
// and what happens when a change set or a whole transaction fails.
#include "store_fixture.hpp"

#include <catch2/catch.hpp>

#include <atomic>
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

// Holds the writer thread inside a `done` callback until released, so that
// everything submitted meanwhile queues up behind it.
struct gate {
    std::promise<void> entered, released;
    std::shared_future<void> release_f = released.get_future().share();

    std::function<void(bool)> callback() {
        return [this](bool) {
            entered.set_value();
            release_f.wait();
        };
    }
};

model::change_set one_card(std::string const& code, int i) {
    return {code,
            {model::card_put{
                sample_card("card" + std::to_string(i), "tekst " + std::to_string(i), i)}}};
}

} // namespace

TEST_CASE("store: done callbacks run once each, in the order of submission") {
    temp_dir dir;
    auto s = open_store(dir.file("brug.db"), store::sync_mode::normal, 16);
    std::vector<std::string> codes = {"AAAA-AAAA", "BBBB-BBBB", "CCCC-CCCC"};
    for (auto const& c : codes)
        REQUIRE(submit_wait(*s, create_workshop(c)));

    std::vector<int> order; // written by the writer thread only, read after the barrier
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
    auto s = open_store(dir.file("brug.db"), store::sync_mode::full, max_batch);
    REQUIRE(submit_wait(*s, create_workshop("AAAA-AAAA")));
    auto const before = s->counters();

    gate g;
    s->submit(one_card("AAAA-AAAA", 0), g.callback());
    g.entered.get_future().wait();
    std::atomic<int> acked{0};
    for (int i = 1; i < 1000; ++i)
        s->submit(one_card("AAAA-AAAA", i), [&acked](bool ok) { acked += ok; });
    g.released.set_value();
    REQUIRE(submit_wait(*s, {}));

    auto const after = s->counters();
    CHECK(acked == 999);
    CHECK(after.change_sets - before.change_sets == 1001); // 1000 cards and the barrier
    // One commit for the gate's card, then 999 queued ones in batches of max_batch.
    CHECK(after.commits - before.commits == 1 + (999 + max_batch - 1) / max_batch);
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
    auto s = open_store(dir.file("brug.db"));
    REQUIRE(submit_wait(*s, create_workshop("AAAA-AAAA")));

    // In one batch: a good change set, a bad one (its first change is fine, its
    // second names a workshop that does not exist, via the foreign key), and
    // another good one.
    gate g;
    s->submit({}, g.callback());
    g.entered.get_future().wait();
    std::vector<int> results; // writer thread only, read after the barrier
    s->submit(one_card("AAAA-AAAA", 1), [&](bool ok) { results.push_back(ok); });
    s->submit({"ZZZZ-ZZZZ",
               {model::nonce_put{"n", "a"}, model::card_put{sample_card("x", "no workshop")}}},
              [&](bool ok) { results.push_back(ok); });
    s->submit(one_card("AAAA-AAAA", 2), [&](bool ok) { results.push_back(ok); });
    g.released.set_value();
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
            auto s = open_store(path);
            if (!submit_wait(*s, create_workshop("AAAA-AAAA"))) _exit(10);
            std::signal(SIGXFSZ, SIG_IGN);
            rlimit old{};
            getrlimit(RLIMIT_FSIZE, &old);
            rlimit tiny = old;
            tiny.rlim_cur = 1;
            setrlimit(RLIMIT_FSIZE, &tiny);

            gate g;
            s->submit({}, g.callback());
            g.entered.get_future().wait();
            std::vector<int> results;
            for (int i = 0; i < 3; ++i) {
                model::change_set cs = one_card("AAAA-AAAA", i);
                cs.changes.push_back(model::card_put{
                    sample_card("big" + std::to_string(i), std::string(3000, 'x'))});
                s->submit(std::move(cs), [&](bool ok) { results.push_back(ok); });
            }
            g.released.set_value();
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
    auto s = open_store(dir.file("brug.db"));
    REQUIRE(submit_wait(*s, create_workshop("AAAA-AAAA")));
    gate g;
    s->submit({}, g.callback());
    g.entered.get_future().wait();
    std::vector<int> results; // writer thread only, read after the barrier
    auto note = [&](bool ok) { results.push_back(ok); };
    s->submit(create_workshop("BBBB-BBBB"), note);
    for (int i = 1; i <= 20; ++i) {
        s->submit(card_and_row("AAAA-AAAA", i), note);
        s->submit(card_and_row("BBBB-BBBB", 100 + i), note);
    }
    g.released.set_value();
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
    auto s = open_store(dir.file("brug.db"));
    REQUIRE(submit_wait(*s, create_workshop("AAAA-AAAA")));
    gate g;
    s->submit({}, g.callback());
    g.entered.get_future().wait();
    std::vector<int> results; // writer thread only, read after the barrier
    auto note = [&](bool ok) { results.push_back(ok); };
    for (int i = 1; i <= 3; ++i) s->submit(card_and_row("AAAA-AAAA", i), note);
    auto bad = card_and_row("AAAA-AAAA", 4);
    bad.changes.push_back(model::workshop_removed{});
    bad.changes.push_back(model::card_put{sample_card("after", "after removal")}); // foreign key
    s->submit(std::move(bad), note);
    g.released.set_value();
    REQUIRE(submit_wait(*s, {}));
    CHECK(results == std::vector<int>{1, 1, 1, 0});
    auto a = s->load("AAAA-AAAA");
    REQUIRE(a);
    CHECK(a->meta.seq == 3);
    CHECK(a->cards.size() == 3);
}
