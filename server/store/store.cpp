// The store: one SQLite file in WAL mode, one writer thread doing group
// commit, one answering thread that syncs the WAL and answers, one reader
// connection for loads and backups.
//
// Why one writer thread: SQLite allows one writer at a time anyway, and a
// commit's cost is its fsync, not its rows. Putting everything that queued up
// during one commit into the next transaction makes a thousand acks cost a
// handful of fsyncs (tests/bench/bench_store.cpp measures it).
//
// Why a second thread syncs (options::pipelined_sync): while one batch's
// fdatasync runs, the writer already writes the next, so the disk's latency
// and the statements' CPU overlap instead of adding up. Nothing is answered
// before its WAL is synced, as with SQLite's own FULL.
//
// Why savepoints inside the batch: change sets of many workshops share a
// transaction. A change set that breaks a constraint (a bug upstream) is rolled
// back alone and answered done(false); the others still commit. Errors of the
// file itself (disk full, I/O, busy) fail the whole transaction and every
// change set in it.
#include "store/store.hpp"

#include "store/schema.hpp"
#include "util/crypto.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <pthread.h>
#include <filesystem>
#include <mutex>
#include <thread>
#include <type_traits>
#include <unistd.h>
#include <unordered_map>

namespace brug::store {

namespace {

using steady = std::chrono::steady_clock;

constexpr int busy_timeout_ms = 5000;
constexpr std::size_t secret_bytes = 32;
// The WAL keeps old page images (the text of deleted or edited cards) until
// it is reset. When the writer has been idle this long after a commit, or at
// the latest after checkpoint_max_delay of steady load, it checkpoints and
// truncates the WAL to zero bytes.
constexpr auto checkpoint_idle_delay = std::chrono::milliseconds(250);
constexpr auto checkpoint_max_delay = std::chrono::seconds(5);
// The writer connection's page cache, and the WAL size at which a checkpoint
// copies it into the file: see configure_writer and checkpointer_loop.
constexpr int writer_cache_kib = 32 * 1024;
// How many checkpoints' worth of WAL the file keeps when the WAL starts over
// (see configure_writer): the WAL grows a little past the checkpoint mark
// while a checkpoint runs.
constexpr std::int64_t wal_rounds_kept = 4;

// One line on stderr: what failed, for which workshop, and SQLite's message.
// SQLite's messages name tables and columns, never bound values, so no card
// text or token reaches the log.
void log_error(std::string_view what, std::string_view code, std::string_view error) {
    std::string line = "store: ";
    line += what;
    if (!code.empty()) {
        line += " (workshop ";
        line += code;
        line += ")";
    }
    line += ": ";
    line += error;
    line += '\n';
    std::fputs(line.c_str(), stderr);
}

constexpr std::array<std::pair<model::phase, char const*>, 8> phase_names = {{
    {model::phase::lobby, "lobby"},
    {model::phase::checkin, "checkin"},
    {model::phase::reflect, "reflect"},
    {model::phase::cluster, "cluster"},
    {model::phase::vote, "vote"},
    {model::phase::discuss, "discuss"},
    {model::phase::agree, "agree"},
    {model::phase::closed, "closed"},
}};

char const* phase_name(model::phase p) {
    for (auto const& [ph, name] : phase_names)
        if (ph == p) return name;
    return "lobby";
}

std::optional<model::phase> parse_phase(std::string const& s) {
    for (auto const& [ph, name] : phase_names)
        if (s == name) return ph;
    return std::nullopt;
}

char const* kind_name(model::card_kind k) {
    return k == model::card_kind::intention ? "intention" : "concern";
}

std::string columns_json(std::vector<model::column> const& cols) {
    nlohmann::json j = nlohmann::json::array();
    for (auto const& c : cols)
        j.push_back({{"id", c.id}, {"title", c.title}});
    return j.dump();
}

std::vector<model::column> parse_columns(std::string const& text) {
    std::vector<model::column> cols;
    auto j = nlohmann::json::parse(text);
    for (auto const& c : j)
        cols.push_back({c.at("id").get<std::string>(), c.at("title").get<std::string>()});
    return cols;
}

std::string settings_json(model::settings const& s) {
    return nlohmann::json{{"votes_per_participant", s.votes_per_participant},
                          {"anonymity_threshold", s.anonymity_threshold},
                          {"max_card_chars", s.max_card_chars}}
        .dump();
}

// Fields missing from an older row take today's defaults.
model::settings parse_settings(std::string const& text) {
    model::settings s;
    auto j = nlohmann::json::parse(text);
    s.votes_per_participant = j.value("votes_per_participant", s.votes_per_participant);
    s.anonymity_threshold = j.value("anonymity_threshold", s.anonymity_threshold);
    s.max_card_chars = j.value("max_card_chars", s.max_card_chars);
    return s;
}

void bind_opt(SQLite::Statement& s, int i, std::optional<std::string> const& v) {
    if (v)
        s.bind(i, *v);
    else
        s.bind(i);
}

std::optional<std::string> column_opt(SQLite::Statement& s, int i) {
    auto c = s.getColumn(i);
    if (c.isNull()) return std::nullopt;
    return c.getString();
}

// Resets a cached statement when it goes out of scope, so that it never
// holds a read transaction (which would block checkpoints) or an old error.
struct reset_on_exit {
    SQLite::Statement& s;
    ~reset_on_exit() { s.tryReset(); }
};

// Runs a cached statement that returns no rows, with the bindings `bind` sets.
template <class Bind> void run(SQLite::Statement& s, Bind&& bind) {
    s.tryReset();
    reset_on_exit guard{s};
    bind(s);
    s.exec();
}

// Errors of the file or the connection, after which the transaction cannot
// be trusted; the others (constraint, mismatch, too big) belong to one change set.
bool fails_whole_transaction(int sqlite_code) {
    switch (sqlite_code & 0xff) {
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_NOMEM:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
    case SQLITE_INTERRUPT:
    case SQLITE_ABORT:
    case SQLITE_PERM:
        return true;
    default:
        return false;
    }
}

// The writer's statements, prepared once at open. Only the writer thread
// uses them (after open).
struct write_statements {
    explicit write_statements(SQLite::Database& db)
        : begin(db, "BEGIN IMMEDIATE"), commit(db, "COMMIT"), rollback(db, "ROLLBACK"),
          savepoint(db, "SAVEPOINT change_set"), release(db, "RELEASE change_set"),
          rollback_to(db, "ROLLBACK TO change_set"), meta_put(db, R"sql(
INSERT INTO workshops (code, title, language, facilitator_key_hash, columns, settings, phase,
                       prompt, revealed, seq, authors, timer_ends_at_ms, timer_seconds,
                       created_at_ms, closed_at_ms, touched_at_ms)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
ON CONFLICT(code) DO UPDATE SET
    title = excluded.title, language = excluded.language,
    facilitator_key_hash = excluded.facilitator_key_hash, columns = excluded.columns,
    settings = excluded.settings, phase = excluded.phase, prompt = excluded.prompt,
    revealed = excluded.revealed, seq = excluded.seq, authors = excluded.authors,
    timer_ends_at_ms = excluded.timer_ends_at_ms, timer_seconds = excluded.timer_seconds,
    created_at_ms = excluded.created_at_ms, closed_at_ms = excluded.closed_at_ms,
    touched_at_ms = excluded.touched_at_ms)sql"),
          meta_seq(db, "UPDATE workshops SET seq = ?2 WHERE code = ?1"), card_put(db, R"sql(
INSERT INTO cards (workshop, id, kind, text, intention, column_id, cluster_id, position, author_tag,
                   nonce_tag, nonce_answer)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
ON CONFLICT(workshop, id) DO UPDATE SET
    kind = excluded.kind, text = excluded.text, intention = excluded.intention,
    column_id = excluded.column_id, cluster_id = excluded.cluster_id,
    position = excluded.position, author_tag = excluded.author_tag)sql"),
          card_nonce_kept(db, R"sql(
INSERT OR IGNORE INTO nonces (workshop, tag, answer)
SELECT workshop, nonce_tag, nonce_answer FROM cards
WHERE workshop = ?1 AND id = ?2 AND nonce_tag IS NOT NULL)sql"),
          card_removed(db, "DELETE FROM cards WHERE workshop = ?1 AND id = ?2"),
          cluster_put(db, R"sql(
INSERT INTO clusters (workshop, id, column_id, title, position) VALUES (?1, ?2, ?3, ?4, ?5)
ON CONFLICT(workshop, id) DO UPDATE SET
    column_id = excluded.column_id, title = excluded.title, position = excluded.position)sql"),
          cluster_removed(db, "DELETE FROM clusters WHERE workshop = ?1 AND id = ?2"),
          participant_put(
              db, "INSERT OR IGNORE INTO participants (workshop, token_hash) VALUES (?1, ?2)"),
          vote_put(db, R"sql(
INSERT INTO votes (workshop, target_id, voter_tag, count) VALUES (?1, ?2, ?3, ?4)
ON CONFLICT(workshop, target_id, voter_tag) DO UPDATE SET count = excluded.count)sql"),
          vote_removed(
              db, "DELETE FROM votes WHERE workshop = ?1 AND target_id = ?2 AND voter_tag = ?3"),
          votes_removed(db, "DELETE FROM votes WHERE workshop = ?1 AND target_id = ?2"),
          agreement_put(db, R"sql(
INSERT INTO agreements (workshop, id, text, owner, due, cluster_id, position)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
ON CONFLICT(workshop, id) DO UPDATE SET
    text = excluded.text, owner = excluded.owner, due = excluded.due,
    cluster_id = excluded.cluster_id, position = excluded.position)sql"),
          agreement_removed(db, "DELETE FROM agreements WHERE workshop = ?1 AND id = ?2"),
          checkin_put(db, R"sql(
INSERT INTO checkins (workshop, id, text) VALUES (?1, ?2, ?3)
ON CONFLICT(workshop, id) DO UPDATE SET text = excluded.text)sql"),
          nonce_put(db,
                    "INSERT OR IGNORE INTO nonces (workshop, tag, answer) VALUES (?1, ?2, ?3)") {
        // Children first, then the workshop row (its cascade then finds nothing).
        for (char const* table :
             {"cards", "clusters", "agreements", "checkins", "votes", "participants", "nonces"})
            workshop_removed.emplace_back(db, std::string("DELETE FROM ") + table +
                                                  " WHERE workshop = ?1");
        workshop_removed.emplace_back(db, "DELETE FROM workshops WHERE code = ?1");
    }

    SQLite::Statement begin, commit, rollback, savepoint, release, rollback_to;
    SQLite::Statement meta_put, meta_seq, card_put, card_nonce_kept, card_removed;
    SQLite::Statement cluster_put, cluster_removed;
    SQLite::Statement participant_put, vote_put, vote_removed, votes_removed;
    SQLite::Statement agreement_put, agreement_removed, checkin_put, nonce_put;
    std::vector<SQLite::Statement> workshop_removed;
};

// The reader's statements, prepared once at open; guarded by the reader's mutex.
struct read_statements {
    explicit read_statements(SQLite::Database& db)
        : begin(db, "BEGIN"), end(db, "COMMIT"),
          exists(db, "SELECT 1 FROM workshops WHERE code = ?1"), workshop(db, R"sql(
SELECT code, title, language, facilitator_key_hash, columns, settings, phase, prompt, revealed,
       seq, authors, timer_ends_at_ms, timer_seconds, created_at_ms, closed_at_ms, touched_at_ms
FROM workshops WHERE code = ?1)sql"),
          cards(db, R"sql(
SELECT id, kind, text, intention, column_id, cluster_id, position, author_tag, nonce_tag,
       nonce_answer FROM cards
WHERE workshop = ?1 ORDER BY column_id, cluster_id, position, id)sql"),
          clusters(db, R"sql(
SELECT id, column_id, title, position FROM clusters WHERE workshop = ?1
ORDER BY column_id, position, id)sql"),
          agreements(db, R"sql(
SELECT id, text, owner, due, cluster_id, position FROM agreements WHERE workshop = ?1
ORDER BY position, id)sql"),
          checkins(db, "SELECT id, text FROM checkins WHERE workshop = ?1 ORDER BY id"),
          votes(db, R"sql(
SELECT target_id, voter_tag, count FROM votes WHERE workshop = ?1 ORDER BY target_id, voter_tag)sql"),
          participants(
              db, "SELECT token_hash FROM participants WHERE workshop = ?1 ORDER BY token_hash"),
          nonces(db, "SELECT tag, answer FROM nonces WHERE workshop = ?1"), expired(db, R"sql(
SELECT code FROM workshops
WHERE (?2 > 0 AND closed_at_ms > 0 AND closed_at_ms < ?1 - ?2)
   OR (?3 > 0 AND max(created_at_ms, touched_at_ms) < ?1 - ?3)
ORDER BY code)sql") {}

    SQLite::Statement begin, end, exists, workshop, cards, clusters, agreements, checkins, votes,
        participants, nonces, expired;
};

// The workshop rows as the writer last wrote them in full, so that a put
// which changes only the event counter (nearly every command: its seq, and
// its last-change time, which the row keeps to the minute) updates that one
// column instead of rewriting the row, its JSON and its index entry: with
// 100 busy workshops the row's upsert cost 70% as much as the card's.
// Rows of a transaction count once it has committed; any failure forgets
// them all (a row then is written in full again). Writer thread only.
struct stored_rows {
    static constexpr std::int64_t touched_step_ms = 60'000;
    static constexpr std::size_t max_rows = 4096; // then it starts over

    std::unordered_map<std::string, model::workshop_meta> committed, pending;

    model::workshop_meta const* find(std::string const& code) const {
        if (auto it = pending.find(code); it != pending.end()) return &it->second;
        if (auto it = committed.find(code); it != committed.end()) return &it->second;
        return nullptr;
    }

    // Whether `m` differs from the stored row only in seq, and in a last
    // change less than touched_step_ms after the stored one.
    static bool counter_only(model::workshop_meta const& stored, model::workshop_meta const& m) {
        static_assert(sizeof(model::workshop_meta) == 272,
                      "a field was added to workshop_meta: compare it here too");
        return m.touched_at_ms >= stored.touched_at_ms &&
               m.touched_at_ms - stored.touched_at_ms < touched_step_ms &&
               m.code == stored.code && m.title == stored.title && m.language == stored.language &&
               m.facilitator_key_hash == stored.facilitator_key_hash &&
               m.columns == stored.columns && m.settings == stored.settings &&
               m.current_phase == stored.current_phase && m.prompt == stored.prompt &&
               m.revealed == stored.revealed && m.authors == stored.authors &&
               m.timer == stored.timer && m.created_at_ms == stored.created_at_ms &&
               m.closed_at_ms == stored.closed_at_ms;
    }

    void wrote(std::string const& code, model::workshop_meta const& m) { pending[code] = m; }
    void removed(std::string const& code) {
        pending.erase(code);
        committed.erase(code);
    }
    void commit() {
        if (committed.size() + pending.size() > max_rows) committed.clear();
        for (auto& [code, m] : pending) committed[code] = std::move(m);
        pending.clear();
    }
    void forget() {
        committed.clear();
        pending.clear();
    }
};

// Applies one change of workshop `code` with the writer's cached statements.
// Throws SQLite::Exception (or a JSON error) on failure; the caller rolls back.
struct apply_change {
    write_statements& st;
    std::string const& code;
    bool& wants_checkpoint; // set when old text may now linger in the WAL
    stored_rows& rows;
    bool skip_meta = false; // a later change set of the batch writes this workshop's row

    void operator()(model::meta_put const& c) {
        if (skip_meta) return;
        auto const& m = c.meta;
        if (auto const* stored = rows.find(code); stored && stored_rows::counter_only(*stored, m)) {
            run(st.meta_seq, [&](SQLite::Statement& s) {
                s.bind(1, code);
                s.bind(2, static_cast<std::int64_t>(m.seq));
            });
            return;
        }
        run(st.meta_put, [&](SQLite::Statement& s) {
            s.bind(1, code);
            s.bind(2, m.title);
            s.bind(3, m.language);
            s.bind(4, m.facilitator_key_hash);
            s.bind(5, columns_json(m.columns));
            s.bind(6, settings_json(m.settings));
            s.bind(7, phase_name(m.current_phase));
            s.bind(8, m.prompt);
            s.bind(9, m.revealed ? 1 : 0);
            s.bind(10, static_cast<std::int64_t>(m.seq));
            s.bind(11, m.authors);
            if (m.timer) {
                s.bind(12, static_cast<std::int64_t>(m.timer->ends_at_ms));
                s.bind(13, m.timer->seconds);
            } else {
                s.bind(12);
                s.bind(13);
            }
            s.bind(14, static_cast<std::int64_t>(m.created_at_ms));
            s.bind(15, static_cast<std::int64_t>(m.closed_at_ms));
            s.bind(16, static_cast<std::int64_t>(m.touched_at_ms));
        });
        rows.wrote(code, m);
        wants_checkpoint = true; // title and prompt may have changed
    }
    void operator()(model::card_put const& c) {
        auto const& v = c.value;
        run(st.card_put, [&](SQLite::Statement& s) {
            s.bind(1, code);
            s.bind(2, v.id);
            s.bind(3, kind_name(v.kind));
            s.bind(4, v.text);
            bind_opt(s, 5, v.intention);
            bind_opt(s, 6, v.column);
            bind_opt(s, 7, v.cluster_id);
            s.bind(8, v.position);
            s.bind(9, v.author_tag);
            if (c.nonce) {
                s.bind(10, c.nonce->tag);
                s.bind(11, c.nonce->answer);
            } else {
                s.bind(10); // an edit: the upsert leaves the row's nonce as it is
                s.bind(11);
            }
        });
        wants_checkpoint = true; // an edit leaves the old text in the WAL
    }
    void operator()(model::card_removed const& c) {
        // A retry of the post after the card is gone must still find its
        // nonce (after a restart too), so the nonce moves to the nonces table.
        for (auto* stmt : {&st.card_nonce_kept, &st.card_removed})
            run(*stmt, [&](SQLite::Statement& s) {
                s.bind(1, code);
                s.bind(2, c.id);
            });
        wants_checkpoint = true;
    }
    void operator()(model::cluster_put const& c) {
        auto const& v = c.value;
        run(st.cluster_put, [&](SQLite::Statement& s) {
            s.bind(1, code);
            s.bind(2, v.id);
            s.bind(3, v.column);
            s.bind(4, v.title);
            s.bind(5, v.position);
        });
        wants_checkpoint = true;
    }
    void operator()(model::cluster_removed const& c) {
        run(st.cluster_removed, [&](SQLite::Statement& s) {
            s.bind(1, code);
            s.bind(2, c.id);
        });
        wants_checkpoint = true;
    }
    void operator()(model::participant_put const& c) {
        run(st.participant_put, [&](SQLite::Statement& s) {
            s.bind(1, code);
            s.bind(2, c.token_hash);
        });
    }
    void operator()(model::vote_put const& c) {
        auto const& v = c.value;
        if (v.count <= 0) {
            run(st.vote_removed, [&](SQLite::Statement& s) {
                s.bind(1, code);
                s.bind(2, v.target_id);
                s.bind(3, v.voter_tag);
            });
            return;
        }
        run(st.vote_put, [&](SQLite::Statement& s) {
            s.bind(1, code);
            s.bind(2, v.target_id);
            s.bind(3, v.voter_tag);
            s.bind(4, v.count);
        });
    }
    void operator()(model::votes_removed const& c) {
        run(st.votes_removed, [&](SQLite::Statement& s) {
            s.bind(1, code);
            s.bind(2, c.target_id);
        });
    }
    void operator()(model::agreement_put const& c) {
        auto const& v = c.value;
        run(st.agreement_put, [&](SQLite::Statement& s) {
            s.bind(1, code);
            s.bind(2, v.id);
            s.bind(3, v.text);
            bind_opt(s, 4, v.owner);
            bind_opt(s, 5, v.due);
            bind_opt(s, 6, v.cluster_id);
            s.bind(7, v.position);
        });
        wants_checkpoint = true;
    }
    void operator()(model::agreement_removed const& c) {
        run(st.agreement_removed, [&](SQLite::Statement& s) {
            s.bind(1, code);
            s.bind(2, c.id);
        });
        wants_checkpoint = true;
    }
    void operator()(model::checkin_put const& c) {
        run(st.checkin_put, [&](SQLite::Statement& s) {
            s.bind(1, code);
            s.bind(2, c.value.id);
            s.bind(3, c.value.text);
        });
        wants_checkpoint = true;
    }
    void operator()(model::nonce_put const& c) {
        run(st.nonce_put, [&](SQLite::Statement& s) {
            s.bind(1, code);
            s.bind(2, c.tag);
            s.bind(3, c.answer);
        });
    }
    void operator()(model::workshop_removed const&) {
        for (auto& stmt : st.workshop_removed)
            run(stmt, [&](SQLite::Statement& s) { s.bind(1, code); });
        rows.removed(code);
        wants_checkpoint = true;
    }
};

// Sets the connection-level pragmas of the writer. Throws on failure.
// `sqlite_syncs`: whether each commit syncs the WAL itself (SQLite's FULL);
// NORMAL otherwise, when nothing is synced per commit or the store's syncing
// thread does it (options::pipelined_sync). `checkpoint_pages`: the WAL size
// at which a commit checkpoints; 0 for none (another connection does it).
// `wal_keep_bytes`: what the WAL keeps of its size when it starts over.
void configure_writer(SQLite::Database& db, bool sqlite_syncs, int checkpoint_pages,
                      std::int64_t wal_keep_bytes) {
    std::string mode = db.execAndGet("PRAGMA journal_mode = WAL").getString();
    if (mode != "wal") throw std::runtime_error("journal_mode is " + mode + ", not wal");
    // In WAL mode NORMAL still syncs the WAL before every checkpoint and the
    // file after it, so the file itself never holds what the WAL lost.
    db.exec(sqlite_syncs ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
    db.exec("PRAGMA secure_delete = ON");
    db.exec("PRAGMA foreign_keys = ON");
    // When the WAL starts over after a checkpoint, SQLite cuts it back to
    // this size. Cut to nothing, every round of the WAL (one per checkpoint,
    // under load every few hundred commits) wrote its frames into freshly
    // allocated pages and blocks: a third of the writer thread's time went to
    // the file system's write path. Kept at a few checkpoints' size, the
    // frames overwrite the last round's. Old text in the frames past the
    // current round lingers no longer than before: whatever leaves old text
    // sets wants_checkpoint, whose TRUNCATE checkpoint empties the WAL within
    // checkpoint_idle_delay of quiet or checkpoint_max_delay under load.
    db.exec("PRAGMA journal_size_limit = " + std::to_string(wal_keep_bytes));
    // A batch of a few hundred cards touches as many pages (their keys are
    // random), more than SQLite's default 2 MiB cache holds: it then spilled
    // pages into the WAL mid-transaction and read them back. The cache is an
    // upper bound, filled only as pages are used.
    db.exec("PRAGMA cache_size = -" + std::to_string(writer_cache_kib));
    // SQLite checkpoints inside the commit that takes the WAL past this many
    // pages (0: never, the background checkpointer does). At its default
    // (1,000 pages) nearly every large batch paid for one; later, each page
    // written many times is copied once.
    db.exec("PRAGMA wal_autocheckpoint = " + std::to_string(checkpoint_pages));
}

struct pending {
    model::change_set changes;
    std::function<void(bool)> done;
};

// A batch the writer is through with, waiting to be answered: committed (and
// then to be synced first, with pipelined sync) or failed.
struct written_batch {
    std::vector<pending> batch;
    std::vector<char> ok;                // per change set
    bool committed = false;              // a transaction was committed
    steady::time_point began;            // its BEGIN
    std::uint64_t sets = 0;              // change sets with SQL in it
};

// The last meta_put of a change set, if it has one.
model::meta_put const* meta_of(model::change_set const& cs) {
    model::meta_put const* m = nullptr;
    for (auto const& c : cs.changes)
        if (auto const* p = std::get_if<model::meta_put>(&c)) m = p;
    return m;
}

// Nearly every command rewrites its workshop's row (seq, last change), so a
// batch of one busy workshop held hundreds of upserts of one row, each as
// dear as the card it came with. Each put replaces the whole row, so within
// one transaction only the last one of a workshop decides what is stored.
// The change sets of a batch that put one workshop's row form a span; the
// first put of a span is written (a workshop created in this batch has its
// row before anything refers to it) and so is the last, those in between are
// skipped. Should the last one's change set fail alone, the row of the latest
// change set of the span that committed is written in its place
// (write_batch). A workshop's removal ends its span, so that nothing is
// written back after it.
struct meta_plan {
    struct span {
        std::size_t first = 0, last = 0;
        std::optional<std::size_t> last_ok; // latest change set of the span that committed
    };
    std::vector<span> spans;
    std::vector<int> span_of; // per change set: index into spans, or -1

    explicit meta_plan(std::vector<pending> const& batch) : span_of(batch.size(), -1) {
        std::unordered_map<std::string_view, int> open; // code -> its open span
        for (std::size_t i = 0; i < batch.size(); ++i) {
            auto const& cs = batch[i].changes;
            bool removes = std::any_of(cs.changes.begin(), cs.changes.end(), [](auto const& c) {
                return std::holds_alternative<model::workshop_removed>(c);
            });
            if (meta_of(cs)) {
                auto [it, fresh] = open.try_emplace(cs.code, static_cast<int>(spans.size()));
                if (fresh) spans.push_back({i, i, {}});
                spans[static_cast<std::size_t>(it->second)].last = i;
                span_of[i] = it->second;
            }
            if (removes) open.erase(cs.code);
        }
    }

    span* of(std::size_t i) {
        return span_of[i] < 0 ? nullptr : &spans[static_cast<std::size_t>(span_of[i])];
    }
};

} // namespace

struct store::impl {
    options opts_;
    std::string secret_; // written once in open(), read-only afterwards

    // The writer connection and its statements: used by open() and then only
    // by the writer thread. ~impl closes them last, so that the final close
    // checkpoints and removes the WAL.
    std::optional<SQLite::Database> writer_db_;
    std::optional<write_statements> write_;
    bool wants_checkpoint_ = false;            // writer thread only
    steady::time_point wanted_since_{};        // writer thread only
    steady::time_point retry_checkpoint_at_{}; // writer thread only

    // The reader connection; reader_mu_ guards it and its statements.
    std::mutex reader_mu_;
    std::optional<SQLite::Database> reader_db_;
    std::optional<read_statements> read_;

    // The queue; queue_mu_ guards queue_ and stopping_.
    std::mutex queue_mu_;
    std::condition_variable queue_cv_;
    std::deque<pending> queue_;
    bool stopping_ = false;

    std::atomic<std::uint64_t> commits_{0};
    std::atomic<std::uint64_t> change_sets_{0};
    std::atomic<std::uint64_t> failures_{0};
    commit_times commit_times_;

    std::thread writer_;

    // The answering thread: it syncs the WAL for the committed batches (with
    // pipelined sync) and then runs their callbacks, in the writer's order.
    // sync_mu_ guards sync_queue_ and sync_stop_.
    std::mutex sync_mu_;
    std::condition_variable sync_cv_;       // the syncer waits for work
    std::condition_variable sync_taken_cv_; // the writer waits for the syncer to take a batch
    std::vector<written_batch> sync_queue_;
    bool sync_stop_ = false;
    std::thread syncer_;
    int wal_fd_ = -1; // pipelined sync: the WAL, opened for fdatasync
    // The WAL could not be synced: what is in it may not be on disk, so no
    // later change set may be answered ok. Set by the syncer, read by the writer.
    std::atomic<bool> broken_{false};
    // Recent transactions' time per change set, BEGIN until COMMIT returned
    // (moving average, µs; 0 before the first): how many fit into the budget.
    double us_per_change_set_ = 0; // writer thread only
    stored_rows rows_;             // writer thread only

    // The background checkpointer (options::background_checkpoints): its own
    // connection and thread, woken by the writer's WAL hook when the WAL has
    // grown past busy_wal_pages_. ckpt_mu_ guards ckpt_due_ and ckpt_stop_.
    std::optional<SQLite::Database> checkpoint_db_;
    int busy_wal_pages_ = 0;
    int wal_pages_at_last_checkpoint_ = 0; // writer thread only (the WAL hook)
    std::mutex ckpt_mu_;
    std::condition_variable ckpt_cv_;
    bool ckpt_due_ = false;
    bool ckpt_stop_ = false;
    std::thread checkpointer_;
    std::atomic<bool> catch_up_due_{false}; // a background checkpoint has finished

    ~impl() {
        stop_syncer(); // already stopped by ~store, unless open() failed half-way
        stop_checkpointer();
        if (wal_fd_ >= 0) ::close(wal_fd_);
        // Statements before their connections; the writer's last, so that
        // its close checkpoints and removes the WAL.
        read_.reset();
        reader_db_.reset();
        checkpoint_db_.reset();
        write_.reset();
        writer_db_.reset();
    }

    void writer_loop();
    void checkpointer_loop();
    void stop_checkpointer();
    static int on_wal_commit(void* self, sqlite3*, char const*, int pages);
    void write_batch(std::vector<pending> batch);
    void note_pace(steady::duration took, std::uint64_t sets);
    void syncer_loop();
    void stop_syncer();
    void open_wal_for_sync();
    bool sync_wal();
    void answer(written_batch& w, bool synced);
    void checkpoint();
    void catch_up();
    std::optional<model::workshop_state> load_locked(std::string const& code);
};

// Runs on the writer thread until the store is destroyed. Takes everything
// queued (up to max_batch), writes it as one transaction, and repeats; when
// stopping, it first empties the queue, so nothing submitted is dropped.
//
// It starts a transaction only once the answering thread has taken the
// previous one: then the writer writes one batch while the syncer syncs the
// one before, and the change sets that come meanwhile gather for the next
// batch. Without this wait the writer, much faster than one fdatasync,
// committed a few change sets at a time, and each small commit wrote the
// same upper pages of the tables again (bench_store, 256 clients: 6 change
// sets per commit instead of 126-131, commit p50 10-11 ms instead of 5-6).
void store::impl::writer_loop() {
    std::size_t const max_batch = std::max<std::size_t>(1, opts_.max_batch);
    std::size_t const min_batch = std::clamp<std::size_t>(opts_.min_batch, 1, max_batch);
    std::vector<pending> batch;
    for (;;) {
        if (opts_.before_batch_for_tests) opts_.before_batch_for_tests();
        {
            std::unique_lock lk(sync_mu_);
            sync_taken_cv_.wait(lk, [&] { return sync_queue_.empty(); });
        }
        // As many as the commit budget holds at the recent pace.
        std::size_t take = max_batch;
        if (opts_.commit_budget.count() > 0 && us_per_change_set_ > 0)
            take = std::clamp(static_cast<std::size_t>(
                                  static_cast<double>(opts_.commit_budget.count()) /
                                  us_per_change_set_),
                              min_batch, max_batch);
        {
            std::unique_lock lk(queue_mu_);
            if (queue_.empty() && wants_checkpoint_ && !stopping_) {
                // Idle after commits: give new work a moment, else checkpoint.
                auto until = std::max(steady::now() + checkpoint_idle_delay, retry_checkpoint_at_);
                queue_cv_.wait_until(lk, until, [&] { return stopping_ || !queue_.empty(); });
                if (queue_.empty() && !stopping_) {
                    lk.unlock();
                    checkpoint();
                    continue;
                }
            }
            queue_cv_.wait(lk, [&] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return; // stopping and drained
            while (!queue_.empty() && batch.size() < take) {
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
        }
        write_batch(std::move(batch));
        batch = {};
        if (catch_up_due_.exchange(false, std::memory_order_relaxed)) catch_up();
        if (wants_checkpoint_ && steady::now() - wanted_since_ > checkpoint_max_delay) {
            auto const began = steady::now();
            checkpoint();
            commit_times_.record_truncation(steady::now() - began);
        }
    }
}

// A commit on the writer connection that leaves the WAL at `pages` pages
// (SQLite's WAL hook, on the writer thread, once the commit is written to
// the WAL; with pipelined sync before the answering thread syncs it).
//
// Under steady load the WAL does not start over after a background
// checkpoint (commits came meanwhile, which it did not copy), so its size
// stays past the mark: a checkpoint is due each time it has grown by
// busy_wal_pages_ more, not after every commit (each one syncs the WAL and
// the file, even with little to copy). The writer's TRUNCATE checkpoint
// (checkpoint_max_delay) still bounds the WAL.
int store::impl::on_wal_commit(void* self, sqlite3*, char const*, int pages) {
    auto* p = static_cast<impl*>(self);
    if (pages < p->wal_pages_at_last_checkpoint_) p->wal_pages_at_last_checkpoint_ = 0; // started over
    if (pages - p->wal_pages_at_last_checkpoint_ < p->busy_wal_pages_) return SQLITE_OK;
    p->wal_pages_at_last_checkpoint_ = pages;
    {
        std::lock_guard lk(p->ckpt_mu_);
        p->ckpt_due_ = true;
    }
    p->ckpt_cv_.notify_one();
    return SQLITE_OK;
}

// Copies the WAL into the file while the writer goes on: a PASSIVE
// checkpoint from a connection of its own waits for no reader and no writer,
// and copies the frames committed when it starts. Once all are copied, the
// writer's next transaction starts the WAL over from its beginning. Run
// inside a commit instead (SQLite's autocheckpoint), it made one commit in a
// few dozen wait for copying the whole WAL and an fsync of the file, which
// was most of the commits' p99.
void store::impl::checkpointer_loop() {
    std::unique_lock lk(ckpt_mu_);
    for (;;) {
        ckpt_cv_.wait(lk, [&] { return ckpt_stop_ || ckpt_due_; });
        if (ckpt_stop_) return;
        ckpt_due_ = false;
        lk.unlock();
        int rc = sqlite3_wal_checkpoint_v2(checkpoint_db_->getHandle(), nullptr,
                                           SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        if (rc == SQLITE_OK)
            catch_up_due_.store(true, std::memory_order_relaxed);
        else if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
            log_error("background checkpoint failed", "", sqlite3_errstr(rc));
        lk.lock();
    }
}

void store::impl::stop_checkpointer() {
    {
        std::lock_guard lk(ckpt_mu_);
        ckpt_stop_ = true;
    }
    ckpt_cv_.notify_one();
    if (checkpointer_.joinable()) checkpointer_.join();
}

// Writes one batch in one transaction and then calls each `done` in queue
// order: true for the change sets that committed, false for the rest. Empty
// change sets (barriers) need no SQL; they answer with their batch's outcome.
void store::impl::write_batch(std::vector<pending> batch) {
    std::vector<char> ok(batch.size(), 1);
    bool any_sql = false;
    for (auto const& p : batch)
        any_sql = any_sql || !p.changes.empty();
    written_batch w;

    if (any_sql && broken_.load(std::memory_order_relaxed)) {
        std::fill(ok.begin(), ok.end(), 0); // see broken_
    } else if (any_sql) {
        auto& st = *write_;
        auto const began = steady::now();
        bool tx_ok = true;
        bool checkpoint_after = false;
        try {
            run(st.begin, [](SQLite::Statement&) {});
        } catch (std::exception const& e) {
            log_error("begin failed", "", e.what());
            tx_ok = false;
        }
        meta_plan metas(batch);
        for (std::size_t i = 0; tx_ok && i < batch.size(); ++i) {
            auto const& cs = batch[i].changes;
            if (cs.empty()) continue;
            auto* span = metas.of(i);
            try {
                run(st.savepoint, [](SQLite::Statement&) {});
                bool wants = false;
                apply_change apply{st, cs.code, wants, rows_};
                apply.skip_meta = span && i != span->first && i != span->last;
                for (auto const& c : cs.changes)
                    std::visit(apply, c);
                run(st.release, [](SQLite::Statement&) {});
                checkpoint_after = checkpoint_after || wants;
                if (span) span->last_ok = i;
            } catch (std::exception const& e) {
                auto const* se = dynamic_cast<SQLite::Exception const*>(&e);
                log_error("change set failed", cs.code, e.what());
                bool still_open = sqlite3_get_autocommit(writer_db_->getHandle()) == 0;
                if ((se && fails_whole_transaction(se->getErrorCode())) || !still_open) {
                    tx_ok = false;
                    break;
                }
                // Undo this change set only; the transaction goes on.
                rows_.forget(); // its row may have been written and undone
                try {
                    run(st.rollback_to, [](SQLite::Statement&) {});
                    run(st.release, [](SQLite::Statement&) {});
                    ok[i] = 0;
                } catch (std::exception const& e2) {
                    log_error("rollback to savepoint failed", cs.code, e2.what());
                    tx_ok = false;
                }
                // It was to write its workshop's row for the change sets
                // before it, whose own puts were skipped.
                if (tx_ok && span && i == span->last && span->last_ok &&
                    *span->last_ok != span->first) {
                    try {
                        bool wants = false;
                        apply_change{st, cs.code, wants, rows_}(
                            *meta_of(batch[*span->last_ok].changes));
                    } catch (std::exception const& e3) {
                        log_error("workshop row after a failed change set", cs.code, e3.what());
                        tx_ok = false;
                    }
                }
            }
        }
        auto const sets = static_cast<std::uint64_t>(std::count_if(
            batch.begin(), batch.end(), [](pending const& p) { return !p.changes.empty(); }));
        if (tx_ok) {
            try {
                run(st.commit, [](SQLite::Statement&) {});
                note_pace(steady::now() - began, sets);
            } catch (std::exception const& e) {
                log_error("commit failed", "", e.what());
                tx_ok = false;
            }
        }
        if (!tx_ok) {
            if (sqlite3_get_autocommit(writer_db_->getHandle()) == 0) {
                try {
                    run(st.rollback, [](SQLite::Statement&) {});
                } catch (std::exception const& e) {
                    log_error("rollback failed", "", e.what());
                }
            }
            std::fill(ok.begin(), ok.end(), 0);
            rows_.forget();
        } else {
            rows_.commit();
            commits_.fetch_add(1, std::memory_order_relaxed);
            w.committed = true;
            w.began = began;
            w.sets = sets;
            if (checkpoint_after && !wants_checkpoint_) {
                wants_checkpoint_ = true;
                wanted_since_ = steady::now();
            }
        }
    }

    w.batch = std::move(batch);
    w.ok = std::move(ok);
    {
        std::lock_guard lk(sync_mu_);
        sync_queue_.push_back(std::move(w));
    }
    sync_cv_.notify_one();
}

// Keeps the moving average of a transaction's time per change set, from its
// BEGIN until COMMIT returned (the WAL written; not its sync, which overlaps
// the next transaction): see options::commit_budget.
void store::impl::note_pace(steady::duration took, std::uint64_t sets) {
    if (sets == 0) return;
    double const us =
        std::chrono::duration<double, std::micro>(took).count() / static_cast<double>(sets);
    us_per_change_set_ = us_per_change_set_ == 0 ? us : 0.8 * us_per_change_set_ + 0.2 * us;
}

// The answering thread. Takes every batch the writer has finished, syncs the
// WAL once for all the committed ones among them (with pipelined sync; one
// fdatasync makes every commit before it durable), then answers them in the
// writer's order. Meanwhile the writer goes on with the next batch, so under
// load a sync and a transaction are always under way at once.
void store::impl::syncer_loop() {
    std::vector<written_batch> work;
    for (;;) {
        {
            std::unique_lock lk(sync_mu_);
            sync_cv_.wait(lk, [&] { return sync_stop_ || !sync_queue_.empty(); });
            if (sync_queue_.empty()) return; // stopping and drained
            work.swap(sync_queue_);
        }
        sync_taken_cv_.notify_one();
        bool const needs_sync = wal_fd_ >= 0 && std::any_of(work.begin(), work.end(),
                                                            [](auto const& w) { return w.committed; });
        bool const synced = !needs_sync || sync_wal();

        for (auto& w : work)
            answer(w, synced);
        work.clear();
    }
}

// fdatasync of the WAL from a descriptor of our own: the kernel writes back
// the file's data whichever descriptor wrote it. The file stays the same
// while the store runs (SQLite deletes a WAL only when the last connection to
// the database closes, and the store's stay open), and a checkpoint that
// empties it syncs what it copied into the file first.
bool store::impl::sync_wal() {
    bool ok;
    if (opts_.wal_sync_for_tests) {
        ok = opts_.wal_sync_for_tests();
    } else {
        ok = ::fdatasync(wal_fd_) == 0;
        if (!ok) log_error("syncing the WAL failed", "", std::strerror(errno));
    }
    if (!ok && !broken_.exchange(true))
        log_error("no more writes", "",
                  "the WAL could not be synced, so nothing more is answered as saved; restart "
                  "the server once the disk is healthy");
    return ok;
}

// Counts and answers one batch, `synced` telling whether its commit, if any,
// is on disk. The commit's time runs from its BEGIN to here.
void store::impl::answer(written_batch& w, bool synced) {
    if (w.committed && !synced) std::fill(w.ok.begin(), w.ok.end(), 0);
    if (w.committed && synced) commit_times_.record(steady::now() - w.began, w.sets);
    for (std::size_t i = 0; i < w.batch.size(); ++i) {
        if (w.ok[i])
            change_sets_.fetch_add(1, std::memory_order_relaxed);
        else
            failures_.fetch_add(1, std::memory_order_relaxed);
    }
    for (std::size_t i = 0; i < w.batch.size(); ++i) {
        auto& p = w.batch[i];
        if (!p.done) continue;
        try {
            p.done(w.ok[i] != 0);
        } catch (std::exception const& e) {
            log_error("done callback threw", p.changes.code, e.what());
        } catch (...) {
            log_error("done callback threw", p.changes.code, "unknown exception");
        }
    }
}

// Pipelined sync: opens the WAL (SQLite has made it by now: the migration and
// the secret went through it) and syncs the folder once, so that the file's
// name is on disk too. Without a WAL to open, the writer falls back to
// SQLite's own FULL sync.
void store::impl::open_wal_for_sync() {
    std::string const wal_path = opts_.path + "-wal";
    wal_fd_ = ::open(wal_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (wal_fd_ < 0) {
        log_error("cannot open the WAL to sync it, SQLite syncs each commit instead", "",
                  std::strerror(errno));
        writer_db_->exec("PRAGMA synchronous = FULL");
        return;
    }
    auto folder = std::filesystem::path(opts_.path).parent_path();
    int dir = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

void store::impl::stop_syncer() {
    {
        std::lock_guard lk(sync_mu_);
        sync_stop_ = true;
    }
    sync_cv_.notify_one();
    if (syncer_.joinable()) syncer_.join();
}

// Copies the WAL into the file and truncates the WAL to zero bytes, so that
// old page images (deleted or edited text) leave the disk. Writer thread only.
// When a reader is in the middle of a read, it tries again later.
//
// It must not wait for readers. A TRUNCATE checkpoint calls the connection's
// busy handler while a reader holds a read lock it needs: the lock of a
// snapshot that ends before the last frame, read lock 0 of a reader of the
// database file itself, or, with every frame copied, any read lock before the
// WAL is reset. With the writer's busy timeout in place, one long read
// elsewhere (a backup, an operator's sqlite3 shell) would keep the writer
// thread inside this call for busy_timeout_ms, and every commit queued behind
// it would wait as long. So the checkpoint runs without a busy handler; the
// rest of the writer's work keeps the timeout (for another process's writer).
namespace {

// The writer's busy handler off for one checkpoint (see store::impl::checkpoint).
struct no_busy_wait {
    sqlite3* h;
    explicit no_busy_wait(sqlite3* db) : h(db) { sqlite3_busy_timeout(h, 0); }
    ~no_busy_wait() { sqlite3_busy_timeout(h, busy_timeout_ms); }
    no_busy_wait(no_busy_wait const&) = delete;
    no_busy_wait& operator=(no_busy_wait const&) = delete;
};

} // namespace

void store::impl::checkpoint() {
    int rc;
    {
        no_busy_wait guard(writer_db_->getHandle());
        rc = sqlite3_wal_checkpoint_v2(guard.h, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr,
                                       nullptr);
    }
    if (rc == SQLITE_OK) {
        wants_checkpoint_ = false;
        return;
    }
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
        log_error("checkpoint failed", "", sqlite3_errstr(rc));
    // Try again after the next quiet moment, but not before a second.
    wanted_since_ = steady::now();
    retry_checkpoint_at_ = steady::now() + std::chrono::seconds(1);
}

// After a background checkpoint, between two batches: copies the frames
// committed while it ran, so that the next transaction starts the WAL over
// from its beginning. Under steady load the background checkpoint alone
// never catches up (commits keep coming), and the WAL then grew for the
// whole 5 s to checkpoint_max_delay's TRUNCATE: hundreds of MiB of new
// blocks, and a truncation of 250-500 ms with the commits waiting behind it.
// This copies only what came during one background checkpoint. PASSIVE, no
// busy wait: a reader in the way makes it copy less, never wait.
void store::impl::catch_up() {
    no_busy_wait guard(writer_db_->getHandle());
    int rc = sqlite3_wal_checkpoint_v2(guard.h, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
        log_error("checkpoint failed", "", sqlite3_errstr(rc));
}

namespace {

// SQLite counts every allocation under one process-wide mutex unless told
// not to, and nothing here reads those counts. Only possible before SQLite's
// first use in the process; a later call changes nothing (SQLITE_MISUSE).
void skip_memory_statistics() {
    static bool const done = [] {
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        return true;
    }();
    (void)done;
}

// Each connection is used by one thread at a time (the writer's, the
// checkpointer's; the reader's under reader_mu_), so SQLite's own mutex per
// connection only costs a lock and an unlock per call.
constexpr int one_thread_at_a_time = SQLITE_OPEN_NOMUTEX;

} // namespace

std::unique_ptr<store> store::open(options const& opts, status& st) {
    skip_memory_statistics();
    auto p = std::make_unique<impl>();
    p->opts_ = opts;
    try {
        std::filesystem::path path(opts.path);
        if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
        bool const is_new = !std::filesystem::exists(path);

        p->writer_db_.emplace(opts.path,
                              SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | one_thread_at_a_time,
                              busy_timeout_ms);
        if (is_new) {
            // The file holds the secret: only its owner may read it. SQLite
            // gives the -wal and -shm files the same permissions.
            std::filesystem::permissions(path, std::filesystem::perms::owner_read |
                                                   std::filesystem::perms::owner_write);
        }
        if (is_new) {
            // Before the first table (and before WAL mode, which writes the
            // header): a new file takes the page size of the options.
            p->writer_db_->exec("PRAGMA page_size = " + std::to_string(opts.new_file_page_size));
        }
        int const page_size = p->writer_db_->execAndGet("PRAGMA page_size").getInt();
        p->busy_wal_pages_ = static_cast<int>(
            std::max<std::int64_t>(1, opts.checkpoint_wal_bytes / std::max(page_size, 512)));
        bool const pipelined = opts.sync == sync_mode::full && opts.pipelined_sync;
        configure_writer(*p->writer_db_, opts.sync == sync_mode::full && !pipelined,
                         opts.background_checkpoints ? 0 : p->busy_wal_pages_,
                         wal_rounds_kept * opts.checkpoint_wal_bytes);
        if (std::string err = schema::migrate(*p->writer_db_); !err.empty()) {
            log_error("open failed", "", err);
            st = status::failure(err);
            return nullptr;
        }

        // The secret: made once, kept for the file's life.
        {
            SQLite::Statement put(*p->writer_db_,
                                  "INSERT OR IGNORE INTO meta (key, value) VALUES ('secret', ?1)");
            std::string fresh = util::random_bytes(secret_bytes);
            put.bind(1, fresh.data(), static_cast<int>(fresh.size()));
            put.exec();
            SQLite::Statement get(*p->writer_db_, "SELECT value FROM meta WHERE key = 'secret'");
            if (!get.executeStep()) throw std::runtime_error("no secret after creating it");
            auto col = get.getColumn(0);
            p->secret_.assign(static_cast<char const*>(col.getBlob()), col.getBytes());
            if (p->secret_.size() != secret_bytes)
                throw std::runtime_error("the stored secret has a wrong size");
        }
        p->write_.emplace(*p->writer_db_);
        if (pipelined) p->open_wal_for_sync();

        p->reader_db_.emplace(opts.path, SQLite::OPEN_READONLY | one_thread_at_a_time,
                              busy_timeout_ms);
        p->read_.emplace(*p->reader_db_);
        if (opts.background_checkpoints) {
            p->checkpoint_db_.emplace(opts.path, SQLite::OPEN_READWRITE | one_thread_at_a_time,
                                      busy_timeout_ms);
            p->checkpoint_db_->exec(opts.sync == sync_mode::full ? "PRAGMA synchronous = FULL"
                                                                 : "PRAGMA synchronous = NORMAL");
        }
    } catch (std::exception const& e) {
        log_error("open failed", "", e.what());
        st = status::failure(std::string("cannot open ") + opts.path + ": " + e.what());
        return nullptr;
    }

    impl* raw = p.get();
    try {
        // Named for top -H and perf: "brug-sync", "brug-checkpoint", "brug-writer".
        p->syncer_ = std::thread([raw] {
            pthread_setname_np(pthread_self(), "brug-sync");
            raw->syncer_loop();
        });
        if (opts.background_checkpoints) {
            p->checkpointer_ = std::thread([raw] {
                pthread_setname_np(pthread_self(), "brug-checkpoint");
                raw->checkpointer_loop();
            });
            sqlite3_wal_hook(p->writer_db_->getHandle(), &impl::on_wal_commit, raw);
        }
        p->writer_ = std::thread([raw] {
            pthread_setname_np(pthread_self(), "brug-writer");
            raw->writer_loop();
        });
    } catch (std::exception const& e) {
        st = status::failure(std::string("cannot start the writer thread: ") + e.what());
        return nullptr;
    }
    st = status::success();
    return std::unique_ptr<store>(new store(std::move(p)));
}

store::store(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

store::~store() {
    {
        std::lock_guard lk(impl_->queue_mu_);
        impl_->stopping_ = true;
    }
    impl_->queue_cv_.notify_one();
    if (impl_->writer_.joinable()) impl_->writer_.join();
    impl_->stop_syncer(); // answers what the writer left it
}

std::string const& store::secret() const {
    return impl_->secret_;
}

void store::submit(model::change_set changes, std::function<void(bool ok)> done) {
    {
        std::lock_guard lk(impl_->queue_mu_);
        impl_->queue_.push_back(pending{std::move(changes), std::move(done)});
    }
    impl_->queue_cv_.notify_one();
}

// Reads every table of one workshop inside one read transaction, so the
// result is one committed state even while the writer goes on.
// REQUIRES: reader_mu_ held.
std::optional<model::workshop_state> store::impl::load_locked(std::string const& code) {
    auto& q = *read_;
    run(q.begin, [](SQLite::Statement&) {});
    struct end_read {
        read_statements& q;
        ~end_read() {
            q.end.tryReset();
            q.end.tryExecuteStep();
            q.end.tryReset();
        }
    } end{q};

    model::workshop_state w;
    auto& m = w.meta;
    {
        auto& s = q.workshop;
        s.tryReset();
        reset_on_exit g{s};
        s.bind(1, code);
        if (!s.executeStep()) return std::nullopt;
        m.code = s.getColumn(0).getString();
        m.title = s.getColumn(1).getString();
        m.language = s.getColumn(2).getString();
        m.facilitator_key_hash = s.getColumn(3).getString();
        m.columns = parse_columns(s.getColumn(4).getString());
        m.settings = parse_settings(s.getColumn(5).getString());
        auto ph = parse_phase(s.getColumn(6).getString());
        if (!ph) throw std::runtime_error("unknown phase in the workshop row");
        m.current_phase = *ph;
        m.prompt = s.getColumn(7).getString();
        m.revealed = s.getColumn(8).getInt() != 0;
        m.seq = s.getColumn(9).getInt64();
        m.authors = s.getColumn(10).getInt();
        if (!s.getColumn(11).isNull())
            m.timer = model::timer{s.getColumn(11).getInt64(), s.getColumn(12).getInt()};
        m.created_at_ms = s.getColumn(13).getInt64();
        m.closed_at_ms = s.getColumn(14).getInt64();
        m.touched_at_ms = s.getColumn(15).getInt64();
    }
    // Runs `row` for every row of a per-workshop query.
    auto each = [&](SQLite::Statement& s, auto&& row) {
        s.tryReset();
        reset_on_exit g{s};
        s.bind(1, code);
        while (s.executeStep())
            row(s);
    };
    each(q.cards, [&](SQLite::Statement& s) {
        model::card c;
        c.id = s.getColumn(0).getString();
        c.kind = s.getColumn(1).getString() == "intention" ? model::card_kind::intention
                                                           : model::card_kind::concern;
        c.text = s.getColumn(2).getString();
        c.intention = column_opt(s, 3);
        c.column = column_opt(s, 4);
        c.cluster_id = column_opt(s, 5);
        c.position = s.getColumn(6).getInt();
        c.author_tag = s.getColumn(7).getString();
        if (!s.getColumn(8).isNull())
            w.nonces.emplace(s.getColumn(8).getString(), s.getColumn(9).getString());
        w.cards.push_back(std::move(c));
    });
    each(q.clusters, [&](SQLite::Statement& s) {
        w.clusters.push_back({s.getColumn(0).getString(), s.getColumn(1).getString(),
                              s.getColumn(2).getString(), s.getColumn(3).getInt()});
    });
    each(q.agreements, [&](SQLite::Statement& s) {
        model::agreement a;
        a.id = s.getColumn(0).getString();
        a.text = s.getColumn(1).getString();
        a.owner = column_opt(s, 2);
        a.due = column_opt(s, 3);
        a.cluster_id = column_opt(s, 4);
        a.position = s.getColumn(5).getInt();
        w.agreements.push_back(std::move(a));
    });
    each(q.checkins, [&](SQLite::Statement& s) {
        w.checkins.push_back({s.getColumn(0).getString(), s.getColumn(1).getString()});
    });
    each(q.votes, [&](SQLite::Statement& s) {
        w.votes.push_back(
            {s.getColumn(1).getString(), s.getColumn(0).getString(), s.getColumn(2).getInt()});
    });
    each(q.participants, [&](SQLite::Statement& s) {
        model::participant p;
        p.token_hash = s.getColumn(0).getString();
        w.participants.push_back(std::move(p));
    });
    each(q.nonces, [&](SQLite::Statement& s) {
        w.nonces.emplace(s.getColumn(0).getString(), s.getColumn(1).getString());
    });
    return w;
}

std::optional<model::workshop_state> store::load(std::string const& code) {
    std::lock_guard lk(impl_->reader_mu_);
    try {
        return impl_->load_locked(code);
    } catch (std::exception const& e) {
        log_error("load failed", code, e.what());
        return std::nullopt;
    }
}

bool store::exists(std::string const& code) {
    std::lock_guard lk(impl_->reader_mu_);
    try {
        auto& s = impl_->read_->exists;
        s.tryReset();
        reset_on_exit g{s};
        s.bind(1, code);
        return s.executeStep();
    } catch (std::exception const& e) {
        log_error("exists failed", code, e.what());
        return false;
    }
}

std::vector<std::string> store::expired(std::int64_t now_ms, int closed_days, int idle_days) {
    constexpr std::int64_t day_ms = 24LL * 60 * 60 * 1000;
    std::vector<std::string> codes;
    std::lock_guard lk(impl_->reader_mu_);
    try {
        auto& s = impl_->read_->expired;
        s.tryReset();
        reset_on_exit g{s};
        s.bind(1, static_cast<std::int64_t>(now_ms));
        s.bind(2, static_cast<std::int64_t>(closed_days > 0 ? closed_days * day_ms : 0));
        s.bind(3, static_cast<std::int64_t>(idle_days > 0 ? idle_days * day_ms : 0));
        while (s.executeStep())
            codes.push_back(s.getColumn(0).getString());
    } catch (std::exception const& e) {
        log_error("expired failed", "", e.what());
        codes.clear();
    }
    return codes;
}

// Copies the database with SQLite's online backup API from a reader
// connection (the server's, or one of its own): one step of all pages runs inside one read transaction, so the
// copy is one committed state, and in WAL mode the writer is not held up. The
// copy goes to a temporary name first and is renamed when complete.
namespace {

// Copies the main database of `src` to `path` (a temporary name first, renamed
// when complete). `src_mutex`, when given, is held while reading `src`.
status copy_database(sqlite3* src, std::mutex* src_mutex, std::string const& path) {
    std::string const tmp = path + ".partial";
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    sqlite3* dest = nullptr;
    int rc =
        sqlite3_open_v2(tmp.c_str(), &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    if (rc != SQLITE_OK) {
        std::string msg = dest ? sqlite3_errmsg(dest) : sqlite3_errstr(rc);
        sqlite3_close(dest);
        log_error("backup open failed", "", msg);
        return status::failure("backup: cannot open " + path + ": " + msg);
    }
    std::filesystem::permissions(
        tmp, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, ec);
    std::string msg;
    {
        std::unique_lock<std::mutex> lk;
        if (src_mutex) lk = std::unique_lock<std::mutex>(*src_mutex);
        sqlite3_backup* b = sqlite3_backup_init(dest, "main", src, "main");
        if (!b) {
            msg = sqlite3_errmsg(dest);
        } else {
            rc = sqlite3_backup_step(b, -1);
            if (rc != SQLITE_DONE) msg = sqlite3_errstr(rc);
            rc = sqlite3_backup_finish(b);
            if (msg.empty() && rc != SQLITE_OK) msg = sqlite3_errmsg(dest);
        }
    }
    if (sqlite3_close(dest) != SQLITE_OK && msg.empty()) msg = "cannot close the copy";
    if (msg.empty()) {
        std::filesystem::rename(tmp, path, ec);
        if (ec) msg = ec.message();
    }
    if (!msg.empty()) {
        std::filesystem::remove(tmp, ec);
        log_error("backup failed", "", msg);
        return status::failure("backup: " + msg);
    }
    return status::success();
}

} // namespace

status store::backup(std::string const& path) {
    return copy_database(impl_->reader_db_->getHandle(), &impl_->reader_mu_, path);
}

// A read-only connection neither migrates nor writes; in WAL mode it reads
// beside a running server's writer (its checkpoints do not wait for us).
status store::backup_file(std::string const& source, std::string const& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(source, ec))
        return status::failure("backup: no database file at " + source);
    sqlite3* src = nullptr;
    int rc = sqlite3_open_v2(source.c_str(), &src, SQLITE_OPEN_READONLY, nullptr);
    if (rc != SQLITE_OK) {
        std::string msg = src ? sqlite3_errmsg(src) : sqlite3_errstr(rc);
        sqlite3_close(src);
        return status::failure("backup: cannot open " + source + ": " + msg);
    }
    sqlite3_busy_timeout(src, busy_timeout_ms);
    // A file that is not a database fails here rather than half-way.
    rc = sqlite3_exec(src, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
        std::string msg = sqlite3_errmsg(src);
        sqlite3_close(src);
        return status::failure("backup: " + source + " is not a readable database: " + msg);
    }
    auto st = copy_database(src, nullptr, path);
    sqlite3_close(src);
    return st;
}

store::stats store::counters() const {
    stats s;
    s.commits = impl_->commits_.load(std::memory_order_relaxed);
    s.change_sets = impl_->change_sets_.load(std::memory_order_relaxed);
    s.failures = impl_->failures_.load(std::memory_order_relaxed);
    return s;
}

commit_summary store::commits_summary() const {
    return impl_->commit_times_.summary();
}

commit_summary store::take_commits_summary() {
    return impl_->commit_times_.take();
}

int store::schema_version() {
    return schema::newest_version();
}

} // namespace brug::store
