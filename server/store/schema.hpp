// The database schema as an ordered list of migrations (private to store/).
//
// Version N of the schema is what migrations 1..N leave behind. A new version
// is one more entry at the end of the list; entries already released never
// change, because files in the field have run them.
#pragma once

#include <SQLiteCpp/Database.h>

#include <span>
#include <string>

namespace brug::store::schema {

struct migration {
    int version;     // the version the file has after this step
    char const* sql; // one or more statements, run in the step's transaction
};

// All migrations, oldest first, versions 1, 2, 3, ... without gaps.
std::span<migration const> migrations();

// The newest version (the last migration's).
int newest_version();

// Brings the file to newest_version(): creates the version table if missing,
// then runs every migration newer than the file's version, each in its own
// transaction together with the new version number. Returns "" on success,
// else a message for the log. Refuses a file newer than this build.
// REQUIRES: no transaction open on `db`.
std::string migrate(SQLite::Database& db);

// The file's version (0 for a new file), or -1 when it cannot be read.
int file_version(SQLite::Database& db);

} // namespace brug::store::schema
