// Why the tables look as they do (protocol.md 3.6): only the workshop row has
// times (for retention); no table has an address, a user agent or a posting
// time. The tables people post into are WITHOUT ROWID and keyed by random ids
// or keyed tags, so that neither a rowid nor the physical order of rows tells
// the order of posting. Every child row names its workshop and goes with it
// (ON DELETE CASCADE), though the store also deletes children explicitly.
#include "store/schema.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <array>

namespace brug::store::schema {

namespace {

constexpr char const* v1 = R"sql(
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE workshops (
    code                 TEXT PRIMARY KEY,
    title                TEXT NOT NULL,
    language             TEXT NOT NULL,
    facilitator_key_hash TEXT NOT NULL,
    columns              TEXT NOT NULL,   -- JSON [{"id","title"}]
    settings             TEXT NOT NULL,   -- JSON {"votes_per_participant",...}
    phase                TEXT NOT NULL,
    prompt               TEXT NOT NULL,
    revealed             INTEGER NOT NULL,
    seq                  INTEGER NOT NULL,
    authors              INTEGER NOT NULL,
    timer_ends_at_ms     INTEGER,         -- NULL: no timer
    timer_seconds        INTEGER,
    created_at_ms        INTEGER NOT NULL,
    closed_at_ms         INTEGER NOT NULL, -- 0 while open
    touched_at_ms        INTEGER NOT NULL
);

CREATE TABLE cards (
    workshop   TEXT NOT NULL REFERENCES workshops(code) ON DELETE CASCADE,
    id         TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('concern', 'intention')),
    text       TEXT NOT NULL,
    intention  TEXT,
    column_id  TEXT,
    cluster_id TEXT,
    position   INTEGER NOT NULL,
    author_tag TEXT NOT NULL,
    PRIMARY KEY (workshop, id)
) WITHOUT ROWID;

CREATE TABLE clusters (
    workshop  TEXT NOT NULL REFERENCES workshops(code) ON DELETE CASCADE,
    id        TEXT NOT NULL,
    column_id TEXT NOT NULL,
    title     TEXT NOT NULL,
    position  INTEGER NOT NULL,
    PRIMARY KEY (workshop, id)
) WITHOUT ROWID;

CREATE TABLE agreements (
    workshop   TEXT NOT NULL REFERENCES workshops(code) ON DELETE CASCADE,
    id         TEXT NOT NULL,
    text       TEXT NOT NULL,
    owner      TEXT,
    due        TEXT,
    cluster_id TEXT,
    position   INTEGER NOT NULL,
    PRIMARY KEY (workshop, id)
) WITHOUT ROWID;

CREATE TABLE checkins (
    workshop TEXT NOT NULL REFERENCES workshops(code) ON DELETE CASCADE,
    id       TEXT NOT NULL,
    text     TEXT NOT NULL,
    PRIMARY KEY (workshop, id)
) WITHOUT ROWID;

CREATE TABLE votes (
    workshop  TEXT NOT NULL REFERENCES workshops(code) ON DELETE CASCADE,
    target_id TEXT NOT NULL,
    voter_tag TEXT NOT NULL,
    count     INTEGER NOT NULL CHECK (count > 0),
    PRIMARY KEY (workshop, target_id, voter_tag)
) WITHOUT ROWID;

CREATE TABLE participants (
    workshop   TEXT NOT NULL REFERENCES workshops(code) ON DELETE CASCADE,
    token_hash TEXT NOT NULL,
    PRIMARY KEY (workshop, token_hash)
) WITHOUT ROWID;

CREATE TABLE nonces (
    workshop TEXT NOT NULL REFERENCES workshops(code) ON DELETE CASCADE,
    tag      TEXT NOT NULL,
    answer   TEXT NOT NULL,
    PRIMARY KEY (workshop, tag)
) WITHOUT ROWID;

CREATE INDEX workshops_closed ON workshops(closed_at_ms) WHERE closed_at_ms > 0;
CREATE INDEX workshops_touched ON workshops(touched_at_ms);
)sql";

// A card post's nonce in the row of the card it made (one row written per
// post instead of two). NULL for cards posted without a nonce or before this
// version, whose nonces stay in the nonces table; a deleted card's nonce moves
// there too.
constexpr char const* v2 = R"sql(
ALTER TABLE cards ADD COLUMN nonce_tag TEXT;
ALTER TABLE cards ADD COLUMN nonce_answer TEXT;
)sql";

// Append new versions here: {3, "ALTER TABLE ..."}.
constexpr std::array<migration, 2> all = {{
    {1, v1},
    {2, v2},
}};

} // namespace

std::span<migration const> migrations() {
    return all;
}

int newest_version() {
    return all.back().version;
}

int file_version(SQLite::Database& db) {
    try {
        if (!db.tableExists("schema_version")) return 0;
        SQLite::Statement q(db, "SELECT max(version) FROM schema_version");
        if (!q.executeStep() || q.getColumn(0).isNull()) return 0;
        return q.getColumn(0).getInt();
    } catch (std::exception const&) {
        return -1;
    }
}

std::string migrate(SQLite::Database& db) {
    try {
        db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        int have = file_version(db);
        if (have < 0) return "cannot read the schema version";
        if (have > newest_version())
            return "the file has schema version " + std::to_string(have) +
                   ", newer than this build's " + std::to_string(newest_version());
        for (migration const& m : all) {
            if (m.version <= have) continue;
            SQLite::Transaction tx(db);
            db.exec(m.sql);
            db.exec("DELETE FROM schema_version");
            SQLite::Statement put(db, "INSERT INTO schema_version (version) VALUES (?)");
            put.bind(1, m.version);
            put.exec();
            tx.commit();
        }
        return {};
    } catch (std::exception const& e) {
        return std::string("migration failed: ") + e.what();
    }
}

} // namespace brug::store::schema
