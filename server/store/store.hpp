// Durable storage of workshops in one SQLite file (WAL mode).
//
// Writes go through one writer thread that commits in groups: every change set
// queued while a commit runs goes into the next transaction, and each one's
// callback runs only after its transaction is on disk (group commit). With
// sync_mode::full the writer does not wait for the disk itself: a second
// thread makes the WAL durable (fdatasync) and then answers, while the writer
// already writes the next batch (pipelined_sync). Reads
// (load, exists) use a separate connection, which WAL lets run beside the
// writer. SQLiteCpp's exceptions stop at this class's edge: callers see values.
//
// What the file holds, for anonymity (protocol.md 3.6): no client address, no
// user agent, no posting time; participants only as keyed hashes of their
// tokens; cards, votes and nonces only with per-row keyed tags. Tables of
// cards, participants, votes and check-ins are WITHOUT ROWID, keyed by random
// ids, so their physical order does not follow the order of posting.
#pragma once

#include "model/changes.hpp"
#include "model/state.hpp"
#include "store/commit_times.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace brug::store {

enum class sync_mode { full, normal };

struct options {
    std::string path = "var/brug.db";
    sync_mode sync = sync_mode::full;
    std::size_t max_batch = 512; // change sets per transaction at most
    // The time a transaction should take from BEGIN until COMMIT returns
    // (its WAL written; the sync overlaps the next one): the writer takes as
    // many queued change sets as the recent commits' pace per change set fits
    // into it (at least min_batch, at most max_batch), so that a commit stays
    // short however long the queue grows; what does not fit waits for the
    // next one, which the pipelined sync lets start at once. 0: no budget.
    // 1.5 ms rather than 2: in alternate runs across 100 workshops commit
    // p99 7.8-8.3 against 9.1-9.4 ms, for 20,851-21,376 against
    // 22,002-23,016 acks/s (docs/performance.md).
    std::chrono::microseconds commit_budget{1500};
    std::size_t min_batch = 16;
    // The page size of a new file (SQLite's default is 4096). A file keeps
    // the size it was made with: in WAL mode only a VACUUM changes it.
    int new_file_page_size = 4096;
    // Checkpoints of a busy WAL on a thread and connection of their own, so
    // that no commit waits for one (false: inside the commit that fills it).
    bool background_checkpoints = true;
    // The WAL size at which it is copied into the file. Small, so that each
    // checkpoint's writes and fsync of the file are short: the commits'
    // fdatasync waits behind them on the same disk (at 32 MiB commit p99 was
    // 15-16 ms in one workshop). Since the WAL is synced beside the writer,
    // 8 MiB beats 4: in alternate runs 21,111-21,722 against 19,062-20,664
    // acks/s across 100 workshops, commit p99 9.1-9.7 against 9.3-10.4 ms
    // (docs/performance.md); 16 MiB gave more acks but commit p99 10.0-10.8.
    std::int64_t checkpoint_wal_bytes = 8 * 1024 * 1024;
    // sync_mode::full: the writer commits without waiting for the disk
    // (SQLite's synchronous=NORMAL) and a thread of its own fdatasyncs the WAL
    // before it answers, so that the writer already writes the next batch
    // while one syncs. The answers are the same as SQLite's FULL: done(true)
    // only once the transaction is on disk. false: SQLite's FULL, the writer
    // waits for each sync.
    bool pipelined_sync = true;
    // Tests only: called by the syncing thread in place of fdatasync of the
    // WAL, returning whether it succeeded.
    std::function<bool()> wal_sync_for_tests;
    // Tests only: called by the writer thread before it takes each batch, so
    // that a test can hold it while change sets queue up.
    std::function<void()> before_batch_for_tests;
};

// An error as a value: ok, or a message for the log (never user text).
struct status {
    bool ok = true;
    std::string message;
    static status success() { return {}; }
    static status failure(std::string m) { return {false, std::move(m)}; }
};

class store {
public:
    // Opens (creating the file and its folder if missing), migrates the schema
    // to the newest version, and starts the writer thread.
    static std::unique_ptr<store> open(options const& opts, status& st);
    ~store(); // drains the queue, stops the writer, closes the file

    store(store const&) = delete;
    store& operator=(store const&) = delete;

    // The server's secret (32 random bytes, created on first open, kept in the file).
    std::string const& secret() const;

    // Queues a change set. `done(ok)` runs on the store's answering thread
    // once the transaction holding it is on disk (ok) or failed (!ok). Change
    // sets commit, and are answered, in the order they were queued. An empty
    // change set is a barrier: `done` runs after all earlier ones.
    //
    // A failed transaction keeps nothing, with one exception: when the WAL
    // cannot be synced (an I/O error of the disk), transactions already
    // committed but not yet on disk are answered !ok though later reads may
    // see them, and every later change set is answered !ok too (the store
    // accepts no more writes until the server restarts; see pipelined_sync).
    void submit(model::change_set changes, std::function<void(bool ok)> done);

    // Loads a workshop by canonical code; nullopt when absent or on error.
    // Safe from any thread (reads serialise on the reader's mutex). Sees every
    // change whose `done` has run.
    std::optional<model::workshop_state> load(std::string const& code);

    // Whether a workshop with this canonical code is stored.
    bool exists(std::string const& code);

    // Codes of workshops closed more than `closed_days` ago, or untouched more
    // than `idle_days` ago (both at `now_ms`). 0 disables that rule. Idle time
    // counts from the later of creation and last change, so a workshop whose
    // touched_at_ms is 0 (never changed) is idle only from its creation on.
    // The stored last change is kept to the minute (see stored_rows in store.cpp).
    std::vector<std::string> expired(std::int64_t now_ms, int closed_days, int idle_days);

    // A consistent copy of the whole database at `path`, while the server runs
    // (SQLite's online backup API).
    status backup(std::string const& path);

    // The same copy of the database file `source`, made from a read-only
    // connection of its own (`brug backup`): it starts no writer and changes
    // nothing in `source`, so a server may keep running on it (WAL).
    static status backup_file(std::string const& source, std::string const& path);

    // Numbers for /metrics and benchmarks.
    struct stats {
        std::uint64_t commits = 0;
        std::uint64_t change_sets = 0;
        std::uint64_t failures = 0;
    };
    stats counters() const;

    // The commits since open or the last take_commits_summary(): how long
    // each took (BEGIN to COMMIT returned, the fdatasync included) and how
    // many change sets it held. The server logs it on SIGUSR1 (and starts
    // over) and at shutdown; benchmarks read it.
    commit_summary commits_summary() const;
    commit_summary take_commits_summary();

    // The schema version this build writes.
    static int schema_version();

private:
    struct impl;
    explicit store(std::unique_ptr<impl> p);
    std::unique_ptr<impl> impl_;
};

} // namespace brug::store
