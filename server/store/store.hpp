// Durable storage of workshops in one SQLite file (WAL mode).
//
// Writes go through one writer thread that commits in groups: every change set
// queued while a commit runs goes into the next transaction, and each one's
// callback runs only after its transaction is on disk (group commit). Reads
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
    // The page size of a new file (SQLite's default is 4096). A file keeps
    // the size it was made with: in WAL mode only a VACUUM changes it.
    int new_file_page_size = 4096;
    // Checkpoints of a busy WAL on a thread and connection of their own, so
    // that no commit waits for one (false: inside the commit that fills it).
    bool background_checkpoints = true;
    // The WAL size at which it is copied into the file. Small, so that each
    // checkpoint's writes and fsync of the file are short: the commits'
    // fdatasync waits behind them on the same disk. At 4 MiB rather than 32 a
    // busy workshop's commit p99 halves, for up to 9% fewer acks per second
    // at the peak (docs/performance.md).
    std::int64_t checkpoint_wal_bytes = 4 * 1024 * 1024;
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

    // Queues a change set. `done(ok)` runs on the writer thread once the
    // transaction holding it has committed (ok) or failed (!ok, nothing of the
    // transaction is kept). Change sets commit in the order they were queued.
    // An empty change set is a barrier: `done` runs after all earlier ones.
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
