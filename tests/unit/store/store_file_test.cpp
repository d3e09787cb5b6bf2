// What the file itself holds: schema and secret across reopenings, no rows
// left behind by a removed workshop, no deleted text in the bytes, no
// posting times, and consistent online backups.
#include "store_fixture.hpp"
#include "store/schema.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <set>
#include <thread>

using namespace brug;
using namespace brug::store::testing;

namespace {

std::vector<std::string> table_names(SQLite::Database& db) {
    std::vector<std::string> names;
    SQLite::Statement q(db, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name");
    while (q.executeStep())
        names.push_back(q.getColumn(0).getString());
    return names;
}

std::vector<std::string> column_names(SQLite::Database& db, std::string const& table) {
    std::vector<std::string> names;
    SQLite::Statement q(db, "SELECT name FROM pragma_table_info(?1)");
    q.bind(1, table);
    while (q.executeStep())
        names.push_back(q.getColumn(0).getString());
    return names;
}

bool contains(std::string const& haystack, std::string const& needle) {
    return haystack.find(needle) != std::string::npos;
}

std::string const child_tables[] = {"cards", "clusters",     "agreements", "checkins",
                                    "votes", "participants", "nonces"};

model::change_set populated(std::string const& code) {
    model::change_set cs = create_workshop(code);
    cs.changes.push_back(model::card_put{sample_card("c1", "kaart van " + code)});
    cs.changes.push_back(model::cluster_put{{"k1", "behouden", "cluster", 0}});
    cs.changes.push_back(model::agreement_put{{"g1", "afspraak", {}, {}, {}, 0}});
    cs.changes.push_back(model::checkin_put{{"x1", "moe"}});
    cs.changes.push_back(model::vote_put{{std::string(64, '1'), "c1", 2}});
    cs.changes.push_back(model::participant_put{std::string(64, 'p')});
    cs.changes.push_back(model::nonce_put{"n1", "{}"});
    return cs;
}

} // namespace

TEST_CASE("store: migrations build the schema in an empty file") {
    temp_dir dir;
    auto path = dir.file("brug.db");
    { std::ofstream(path).flush(); } // an existing, zero-byte file
    REQUIRE(std::filesystem::file_size(path) == 0);
    {
        auto s = open_store(path);
        CHECK(store::store::schema_version() >= 1);
    }
    SQLite::Database raw(path, SQLite::OPEN_READONLY);
    auto names = table_names(raw);
    for (char const* t : {"schema_version", "meta", "workshops", "cards", "clusters", "agreements",
                          "checkins", "votes", "participants", "nonces"}) {
        INFO("table " << t);
        CHECK(std::find(names.begin(), names.end(), t) != names.end());
    }
    CHECK(query_int(raw, "SELECT version FROM schema_version") == store::store::schema_version());
    CHECK(query_int(raw, "SELECT count(*) FROM schema_version") == 1);
    CHECK(raw.execAndGet("PRAGMA journal_mode").getString() == "wal");
}

TEST_CASE("store: a new folder is created and the file is private") {
    temp_dir dir;
    auto path = dir.file("var/sub/brug.db");
    auto s = open_store(path);
    auto perms = std::filesystem::status(path).permissions();
    CHECK((perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all)) ==
          std::filesystem::perms::none);
}

TEST_CASE("store: reopening keeps the secret and the schema version") {
    temp_dir dir;
    auto path = dir.file("brug.db");
    std::string secret;
    {
        auto s = open_store(path);
        secret = s->secret();
        REQUIRE(submit_wait(*s, create_workshop("AAAA-AAAA")));
    }
    CHECK(secret.size() == 32);
    auto s = open_store(path);
    CHECK(s->secret() == secret);
    CHECK(s->exists("AAAA-AAAA"));
    {
        SQLite::Database raw(path, SQLite::OPEN_READONLY);
        CHECK(query_int(raw, "SELECT version FROM schema_version") ==
              store::store::schema_version());
        CHECK(query_int(raw, "SELECT count(*) FROM meta WHERE key = 'secret'") == 1);
    }
    // Another file has another secret.
    auto other = open_store(dir.file("other.db"));
    CHECK(other->secret() != secret);
}

TEST_CASE("store: a file from a newer build is refused, not damaged") {
    temp_dir dir;
    auto path = dir.file("brug.db");
    { auto s = open_store(path); }
    {
        SQLite::Database raw(path, SQLite::OPEN_READWRITE);
        raw.exec("UPDATE schema_version SET version = 999");
    }
    store::options o;
    o.path = path;
    store::status st;
    auto s = store::store::open(o, st);
    CHECK_FALSE(s);
    CHECK_FALSE(st.ok);
    CHECK(contains(st.message, "999"));
    SQLite::Database raw(path, SQLite::OPEN_READONLY);
    CHECK(query_int(raw, "SELECT version FROM schema_version") == 999);
}

TEST_CASE("store: a file that is not a database is an error value") {
    temp_dir dir;
    auto path = dir.file("brug.db");
    { std::ofstream(path) << std::string(4096, 'x'); }
    store::options o;
    o.path = path;
    store::status st;
    auto s = store::store::open(o, st);
    CHECK_FALSE(s);
    CHECK_FALSE(st.ok);
    CHECK_FALSE(st.message.empty());
}

TEST_CASE("store: removing a workshop removes every row of it in every table") {
    temp_dir dir;
    auto path = dir.file("brug.db");
    auto s = open_store(path);
    REQUIRE(submit_wait(*s, populated("AAAA-AAAA")));
    REQUIRE(submit_wait(*s, populated("BBBB-BBBB")));
    {
        SQLite::Database raw(path, SQLite::OPEN_READONLY);
        for (auto const& t : child_tables)
            REQUIRE(query_int(raw, "SELECT count(*) FROM " + t + " WHERE workshop = ?1",
                              "AAAA-AAAA") == 1);
    }
    REQUIRE(submit_wait(*s, {"AAAA-AAAA", {model::workshop_removed{}}}));
    CHECK_FALSE(s->exists("AAAA-AAAA"));
    CHECK_FALSE(s->load("AAAA-AAAA"));

    SQLite::Database raw(path, SQLite::OPEN_READONLY);
    CHECK(query_int(raw, "SELECT count(*) FROM workshops WHERE code = ?1", "AAAA-AAAA") == 0);
    for (auto const& t : child_tables) {
        INFO("table " << t);
        CHECK(query_int(raw, "SELECT count(*) FROM " + t + " WHERE workshop = ?1", "AAAA-AAAA") ==
              0);
        CHECK(query_int(raw, "SELECT count(*) FROM " + t + " WHERE workshop = ?1", "BBBB-BBBB") ==
              1);
    }
}

TEST_CASE("store: a removed card's text leaves the file and the WAL") {
    temp_dir dir;
    auto path = dir.file("brug.db");
    std::string const gone = "GONE-" + std::string(40, 'q') + "-MARKER";
    std::string const kept = "KEPT-" + std::string(40, 'k') + "-MARKER";
    std::string const edited = "EDIT-" + std::string(40, 'e') + "-MARKER";
    auto s = open_store(path);
    REQUIRE(submit_wait(*s, create_workshop("AAAA-AAAA")));
    REQUIRE(submit_wait(
        *s, {"AAAA-AAAA",
             {model::card_put{sample_card("c1", gone)}, model::card_put{sample_card("c2", kept)},
              model::card_put{sample_card("c3", edited)}}}));
    REQUIRE(submit_wait(*s, {"AAAA-AAAA", {model::card_removed{"c1"}}}));
    REQUIRE(submit_wait(*s, {"AAAA-AAAA", {model::card_put{sample_card("c3", "short now")}}}));

    // Checkpoint from outside, as the store's own idle checkpoint would.
    {
        SQLite::Database raw(path, SQLite::OPEN_READWRITE);
        raw.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    std::string db = read_bytes(path);
    std::string wal = read_bytes(path + "-wal");
    CHECK(contains(db, kept)); // the search finds what is there
    CHECK_FALSE(contains(db, gone));
    CHECK_FALSE(contains(wal, gone));
    CHECK_FALSE(contains(db, edited));
    CHECK_FALSE(contains(wal, edited));

    // And after the store closes.
    s.reset();
    CHECK_FALSE(contains(read_bytes(path), gone));
    CHECK_FALSE(contains(read_bytes(path), edited));
    CHECK_FALSE(std::filesystem::exists(path + "-wal"));
}

TEST_CASE("store: the store empties the WAL by itself when it goes quiet") {
    temp_dir dir;
    auto path = dir.file("brug.db");
    std::string const gone = "GONE-" + std::string(40, 'z') + "-MARKER";
    auto s = open_store(path);
    REQUIRE(submit_wait(*s, create_workshop("AAAA-AAAA")));
    REQUIRE(submit_wait(*s, {"AAAA-AAAA", {model::card_put{sample_card("c1", gone)}}}));
    REQUIRE(submit_wait(*s, {"AAAA-AAAA", {model::card_removed{"c1"}}}));
    // The writer checkpoints after 250 ms without work; allow it a few seconds.
    bool clean = false;
    for (int i = 0; i < 100 && !clean; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        clean = std::filesystem::exists(path + "-wal") &&
                std::filesystem::file_size(path + "-wal") == 0;
    }
    CHECK(clean);
    CHECK_FALSE(contains(read_bytes(path), gone));
    CHECK_FALSE(contains(read_bytes(path + "-wal"), gone));
}

TEST_CASE("store: no table people post into has a time, an address or an agent") {
    temp_dir dir;
    auto path = dir.file("brug.db");
    { auto s = open_store(path); }
    SQLite::Database raw(path, SQLite::OPEN_READONLY);
    for (auto const& t : table_names(raw)) {
        auto cols = column_names(raw, t);
        REQUIRE_FALSE(cols.empty());
        for (auto const& c : cols) {
            INFO(t << "." << c);
            CHECK_FALSE(contains(c, "addr"));
            CHECK_FALSE(contains(c, "ip"));
            CHECK_FALSE(contains(c, "agent"));
            if (t != "workshops") {
                CHECK_FALSE(contains(c, "time"));
                CHECK_FALSE(contains(c, "_at"));
                CHECK_FALSE(contains(c, "_ms"));
                CHECK_FALSE(contains(c, "date"));
                CHECK_FALSE(contains(c, "created"));
                CHECK_FALSE(contains(c, "posted"));
            }
        }
    }
    // Nor a rowid that would count postings: these tables are WITHOUT ROWID.
    for (char const* t : {"cards", "participants", "votes", "checkins", "nonces"}) {
        INFO("table " << t);
        CHECK_THROWS(raw.exec(std::string("SELECT rowid FROM ") + t));
    }
    // And a card's row holds exactly what it should.
    CHECK(column_names(raw, "cards") ==
          std::vector<std::string>{"workshop", "id", "kind", "text", "intention", "column_id",
                                   "cluster_id", "position", "author_tag", "nonce_tag",
                                   "nonce_answer"});
    CHECK(column_names(raw, "participants") == std::vector<std::string>{"workshop", "token_hash"});
}

TEST_CASE("store: backup copies a consistent state while the writer works") {
    temp_dir dir;
    auto path = dir.file("brug.db");
    auto s = open_store(path, store::sync_mode::normal);
    REQUIRE(submit_wait(*s, populated("AAAA-AAAA")));
    for (int i = 0; i < 50; ++i)
        REQUIRE(submit_wait(
            *s, {"AAAA-AAAA", {model::card_put{sample_card("a" + std::to_string(i), "vast")}}}));
    REQUIRE(submit_wait(*s, create_workshop("BBBB-BBBB")));

    // A producer adds cards to BBBB-BBBB, one per change set, positions 0, 1, 2, ...
    std::atomic<bool> stop{false};
    std::atomic<int> acked{0};
    std::thread producer([&] {
        for (int i = 0; !stop; ++i) {
            submit_wait(*s, {"BBBB-BBBB",
                             {model::card_put{sample_card("b" + std::to_string(i), "los", i)}}});
            ++acked;
        }
    });
    while (acked < 20)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    auto copy = dir.file("backup/copy.db");
    std::filesystem::create_directories(dir.path / "backup");
    store::status st = s->backup(copy);
    int const after_backup = acked;
    stop = true;
    producer.join();
    REQUIRE(st.ok);
    INFO(st.message);

    SQLite::Database raw(copy, SQLite::OPEN_READONLY);
    CHECK(raw.execAndGet("PRAGMA integrity_check").getString() == "ok");
    // Workshop A, written before, is all there.
    CHECK(query_int(raw, "SELECT count(*) FROM cards WHERE workshop = ?1", "AAAA-AAAA") == 51);
    for (auto const& t : child_tables)
        CHECK(query_int(raw, "SELECT count(*) FROM " + t + " WHERE workshop = ?1", "AAAA-AAAA") >=
              1);
    // Workshop B's cards are a prefix of what was acknowledged: a committed state.
    auto n = query_int(raw, "SELECT count(*) FROM cards WHERE workshop = ?1", "BBBB-BBBB");
    CHECK(n >= 20);
    CHECK(n <= after_backup + 1);
    CHECK(query_int(raw, "SELECT coalesce(max(position), -1) FROM cards WHERE workshop = ?1",
                    "BBBB-BBBB") == n - 1);
    CHECK(query_int(raw, "SELECT version FROM schema_version") == store::store::schema_version());

    // The copy opens as a store, with the same secret and the same rows.
    auto restored = open_store(copy);
    CHECK(restored->secret() == s->secret());
    auto a1 = s->load("AAAA-AAAA");
    auto a2 = restored->load("AAAA-AAAA");
    REQUIRE(a1);
    REQUIRE(a2);
    CHECK(a1->cards.size() == a2->cards.size());
    CHECK(a1->nonces == a2->nonces);
    CHECK(a1->votes.size() == a2->votes.size());
}

TEST_CASE("store: backup into a folder that does not exist is an error value") {
    temp_dir dir;
    auto s = open_store(dir.file("brug.db"));
    auto st = s->backup(dir.file("missing/folder/copy.db"));
    CHECK_FALSE(st.ok);
    CHECK_FALSE(st.message.empty());
}

TEST_CASE("store: expired lists closed and idle workshops") {
    temp_dir dir;
    auto s = open_store(dir.file("brug.db"));
    std::int64_t const day = 24LL * 60 * 60 * 1000;
    std::int64_t const now = 1'800'000'000'000;

    auto put = [&](std::string const& code, std::int64_t touched, std::int64_t closed) {
        auto m = sample_meta(code, touched);
        m.touched_at_ms = touched;
        m.closed_at_ms = closed;
        if (closed) m.current_phase = model::phase::closed;
        REQUIRE(submit_wait(*s, {code, {model::meta_put{m}}}));
    };
    put("AAAA-AAAA", now - 1 * day, 0);               // active
    put("BBBB-BBBB", now - 40 * day, 0);              // idle 40 days
    put("CCCC-CCCC", now - 10 * day, now - 10 * day); // closed 10 days ago
    put("DDDD-DDDD", now - 2 * day, now - 2 * day);   // closed 2 days ago

    using v = std::vector<std::string>;
    CHECK(s->expired(now, 7, 30) == v{"BBBB-BBBB", "CCCC-CCCC"});
    CHECK(s->expired(now, 1, 30) == v{"BBBB-BBBB", "CCCC-CCCC", "DDDD-DDDD"});
    CHECK(s->expired(now, 0, 30) == v{"BBBB-BBBB"});
    CHECK(s->expired(now, 7, 0) == v{"CCCC-CCCC"});
    CHECK(s->expired(now, 0, 0).empty());
    CHECK(s->expired(now, 30, 60).empty());
}

TEST_CASE("store: a long read elsewhere does not hold up commits behind a checkpoint") {
    temp_dir dir;
    auto path = dir.file("brug.db");
    auto s = open_store(path);
    REQUIRE(submit_wait(*s, create_workshop("AAAA-AAAA")));
    REQUIRE(submit_wait(*s, {"AAAA-AAAA", {model::card_put{sample_card("c1", "weg")}}}));

    // Another connection keeps a read transaction open on the current snapshot.
    SQLite::Database reader(path, SQLite::OPEN_READONLY);
    reader.exec("BEGIN");
    CHECK(query_int(reader, "SELECT count(*) FROM cards") == 1);

    REQUIRE(submit_wait(*s, {"AAAA-AAAA", {model::card_removed{"c1"}}}));
    // The writer goes quiet and tries its checkpoint, which the reader blocks.
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    auto t0 = std::chrono::steady_clock::now();
    REQUIRE(submit_wait(*s, {"AAAA-AAAA", {model::card_put{sample_card("c2", "nieuw")}}}));
    auto waited = std::chrono::steady_clock::now() - t0;
    CHECK(waited < std::chrono::seconds(1));
    reader.exec("COMMIT");
}

namespace {

std::uintmax_t wal_size(std::string const& path) {
    std::error_code ec;
    auto n = std::filesystem::file_size(path + "-wal", ec);
    return ec ? 0 : n;
}

// Waits until the store has truncated the WAL to zero bytes (its checkpoint
// succeeded), for at most `limit`.
bool wal_emptied_within(std::string const& path, std::chrono::milliseconds limit) {
    auto const until = std::chrono::steady_clock::now() + limit;
    for (;;) {
        if (std::filesystem::exists(path + "-wal") && wal_size(path) == 0) return true;
        if (std::chrono::steady_clock::now() > until) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

// Submits and returns how long the change set took to be acknowledged.
std::chrono::steady_clock::duration timed_submit(store::store& s, model::change_set cs) {
    auto t0 = std::chrono::steady_clock::now();
    REQUIRE(submit_wait(s, std::move(cs)));
    return std::chrono::steady_clock::now() - t0;
}

} // namespace

// A TRUNCATE checkpoint can be stopped by a reader in three places: the
// reader's snapshot ends before the last frame (frames cannot be copied past
// it), the reader reads the database file itself (no frame may be copied at
// all), or the reader sits at the last frame (everything is copied, but the
// WAL cannot be reset under it). In none of them may the commits behind the
// checkpoint wait for the busy timeout, and once the reader is done the store
// must still empty the WAL, so that removed text leaves the disk.
TEST_CASE(
    "store: a checkpoint blocked by a reader anywhere neither stalls commits nor is dropped") {
    temp_dir dir;
    auto path = dir.file("brug.db");
    std::string const gone = "GONE-" + std::string(40, 'r') + "-MARKER";
    auto s = open_store(path);
    REQUIRE(submit_wait(*s, create_workshop("AAAA-AAAA")));
    REQUIRE(submit_wait(*s, {"AAAA-AAAA", {model::card_put{sample_card("c1", gone)}}}));

    SQLite::Database reader(path, SQLite::OPEN_READONLY);
    SQLite::Statement count(reader, "SELECT count(*) FROM cards");
    auto begin_read = [&] {
        reader.exec("BEGIN");
        REQUIRE(count.executeStep()); // the snapshot starts here
        auto n = count.getColumn(0).getInt();
        count.reset();
        return n;
    };

    SECTION("the reader's snapshot ends before the last frame") {
        CHECK(begin_read() == 1);
        REQUIRE(submit_wait(*s, {"AAAA-AAAA", {model::card_removed{"c1"}}}));
    }
    SECTION("the reader reads the database file itself") {
        // Wait for the WAL to be empty, so that the reader takes its pages
        // from the database file, and then change it.
        REQUIRE(wal_emptied_within(path, std::chrono::seconds(10)));
        CHECK(begin_read() == 1);
        REQUIRE(submit_wait(*s, {"AAAA-AAAA", {model::card_removed{"c1"}}}));
    }
    SECTION("the reader sits at the last frame") {
        REQUIRE(submit_wait(*s, {"AAAA-AAAA", {model::card_removed{"c1"}}}));
        CHECK(begin_read() == 0);
    }

    // The writer goes quiet and tries its checkpoint, which the reader blocks.
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    CHECK(wal_size(path) > 0);
    CHECK(timed_submit(*s, {"AAAA-AAAA", {model::card_put{sample_card("c2", "nieuw")}}}) <
          std::chrono::seconds(1));
    // Long enough for the writer to retry its checkpoint (a second after the
    // failed one), which the reader blocks again.
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    CHECK(wal_size(path) > 0);
    CHECK(timed_submit(*s, {"AAAA-AAAA", {model::card_put{sample_card("c3", "nog een")}}}) <
          std::chrono::seconds(1));
    CHECK(timed_submit(*s, {"AAAA-AAAA", {model::card_removed{"c3"}}}) < std::chrono::seconds(1));

    reader.exec("COMMIT");
    // With the reader gone, the next try succeeds (a second after the last
    // failure at the latest, plus the quiet time; more on a loaded machine).
    CHECK(wal_emptied_within(path, std::chrono::seconds(10)));
    CHECK_FALSE(contains(read_bytes(path), gone));
    CHECK_FALSE(contains(read_bytes(path + "-wal"), gone));
    auto w = s->load("AAAA-AAAA");
    REQUIRE(w);
    REQUIRE(w->cards.size() == 1);
    CHECK(w->cards[0].id == "c2");
}

TEST_CASE("store: expired counts idle time from the later of creation and last change") {
    temp_dir dir;
    auto s = open_store(dir.file("brug.db"));
    std::int64_t const day = 24LL * 60 * 60 * 1000;
    std::int64_t const now = 1'800'000'000'000;

    auto put = [&](std::string const& code, std::int64_t created, std::int64_t touched) {
        auto m = sample_meta(code, created);
        m.created_at_ms = created;
        m.touched_at_ms = touched;
        REQUIRE(submit_wait(*s, {code, {model::meta_put{m}}}));
    };
    put("AAAA-AAAA", now - 1 * day, 0);               // new, never touched
    put("BBBB-BBBB", now - 40 * day, 0);              // old, never touched
    put("CCCC-CCCC", now - 40 * day, now - 1 * day);  // old, touched yesterday
    put("DDDD-DDDD", now - 40 * day, now - 35 * day); // old, touched long ago
    put("EEEE-EEEE", 0, 0);                           // no times at all

    using v = std::vector<std::string>;
    CHECK(s->expired(now, 7, 30) == v{"BBBB-BBBB", "DDDD-DDDD", "EEEE-EEEE"});
    CHECK(s->expired(now, 7, 36) == v{"BBBB-BBBB", "EEEE-EEEE"});
    CHECK(s->expired(now, 7, 0).empty());
    // Created within the idle time: never expired by idleness, touched or not.
    for (int idle : {2, 7, 30, 365}) {
        INFO("idle_days " << idle);
        auto codes = s->expired(now, 0, idle);
        CHECK(std::find(codes.begin(), codes.end(), "AAAA-AAAA") == codes.end());
    }
    // ...until its creation lies longer ago than the idle time.
    auto later = s->expired(now + 30 * day, 0, 30);
    CHECK(std::find(later.begin(), later.end(), "AAAA-AAAA") != later.end());
}

TEST_CASE("store: a file of schema version 1 is upgraded with its cards and nonces") {
    temp_dir dir;
    auto path = dir.file("brug.db");
    {
        // What a build of schema version 1 left behind: a card, and the nonce
        // of its post in the nonces table.
        SQLite::Database raw(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        raw.exec("CREATE TABLE schema_version (version INTEGER NOT NULL)");
        auto const& v1 = store::schema::migrations().front();
        REQUIRE(v1.version == 1);
        raw.exec(v1.sql);
        raw.exec("INSERT INTO schema_version (version) VALUES (1)");
        raw.exec(R"sql(
INSERT INTO workshops (code, title, language, facilitator_key_hash, columns, settings, phase,
                       prompt, revealed, seq, authors, created_at_ms, closed_at_ms, touched_at_ms)
VALUES ('AAAA-AAAA', 'Oud', 'nl', 'ff', '[{"id":"behouden","title":"Behouden"}]', '{}',
        'reflect', '', 0, 7, 1, 1700000000000, 0, 1700000000000))sql");
        raw.exec("INSERT INTO cards (workshop, id, kind, text, position, author_tag) "
                 "VALUES ('AAAA-AAAA', 'c1', 'concern', 'oude kaart', 0, 'aa')");
        raw.exec("INSERT INTO nonces (workshop, tag, answer) "
                 "VALUES ('AAAA-AAAA', 'n-old', '{\"card_id\":\"c1\"}')");
    }
    {
        auto s = open_store(path);
        auto w = s->load("AAAA-AAAA");
        REQUIRE(w);
        REQUIRE(w->cards.size() == 1);
        CHECK(w->cards[0].text == "oude kaart");
        CHECK(w->meta.seq == 7);
        CHECK(w->nonces == std::unordered_map<std::string, std::string>{{"n-old", R"({"card_id":"c1"})"}});
        // The upgraded file takes a post's nonce in its card's row.
        REQUIRE(submit_wait(*s, {"AAAA-AAAA",
                                 {model::card_put{sample_card("c2", "nieuwe kaart"),
                                                  model::nonce_put{"n-new", R"({"card_id":"c2"})"}}}}));
    }
    SQLite::Database raw(path, SQLite::OPEN_READONLY);
    CHECK(query_int(raw, "SELECT version FROM schema_version") == 2);
    CHECK(query_int(raw, "SELECT count(*) FROM schema_version") == 1);
    CHECK(query_int(raw, "SELECT count(*) FROM cards WHERE nonce_tag IS NULL") == 1);
    CHECK(query_int(raw, "SELECT count(*) FROM cards WHERE nonce_tag = 'n-new'") == 1);
    CHECK(query_int(raw, "SELECT count(*) FROM nonces") == 1);
    auto s = open_store(path);
    auto w = s->load("AAAA-AAAA");
    REQUIRE(w);
    CHECK(w->cards.size() == 2);
    CHECK(w->nonces == std::unordered_map<std::string, std::string>{{"n-old", R"({"card_id":"c1"})"},
                                                                    {"n-new", R"({"card_id":"c2"})"}});
}

TEST_CASE("store: a post's nonce lives in its card's row, outlives edits and the card itself") {
    temp_dir dir;
    auto path = dir.file("brug.db");
    std::string const answer = R"({"type":"ack","req":1,"card_id":"c1"})";
    auto s = open_store(path);
    REQUIRE(submit_wait(*s, create_workshop("AAAA-AAAA")));
    REQUIRE(submit_wait(*s, {"AAAA-AAAA",
                             {model::card_put{sample_card("c1", "eerst"), model::nonce_put{"n1", answer}},
                              model::card_put{sample_card("c2", "zonder nonce")}}}));
    {
        SQLite::Database raw(path, SQLite::OPEN_READONLY);
        CHECK(query_int(raw, "SELECT count(*) FROM nonces") == 0); // one row per post, not two
        CHECK(query_int(raw, "SELECT count(*) FROM cards WHERE nonce_tag IS NOT NULL") == 1);
    }
    auto nonces_of = [&] { return s->load("AAAA-AAAA").value().nonces; };
    CHECK(nonces_of() == std::unordered_map<std::string, std::string>{{"n1", answer}});

    // An edit writes the card again without a nonce: the row keeps its own.
    REQUIRE(submit_wait(*s, {"AAAA-AAAA", {model::card_put{sample_card("c1", "bewerkt")}}}));
    CHECK(nonces_of() == std::unordered_map<std::string, std::string>{{"n1", answer}});
    CHECK(s->load("AAAA-AAAA")->cards.size() == 2);

    // Deleting the card keeps its nonce, so a late retry of the post is not
    // taken for a new one (after a restart too).
    REQUIRE(submit_wait(*s, {"AAAA-AAAA", {model::card_removed{"c1"}}}));
    CHECK(s->load("AAAA-AAAA")->cards.size() == 1);
    CHECK(nonces_of() == std::unordered_map<std::string, std::string>{{"n1", answer}});
    s.reset();
    s = open_store(path);
    CHECK(nonces_of() == std::unordered_map<std::string, std::string>{{"n1", answer}});
    {
        SQLite::Database raw(path, SQLite::OPEN_READONLY);
        CHECK(query_int(raw, "SELECT count(*) FROM nonces WHERE tag = 'n1'") == 1);
    }
    // And removing the workshop removes the nonces wherever they were.
    REQUIRE(submit_wait(*s, {"AAAA-AAAA", {model::workshop_removed{}}}));
    SQLite::Database raw(path, SQLite::OPEN_READONLY);
    CHECK(query_int(raw, "SELECT count(*) FROM nonces") == 0);
    CHECK(query_int(raw, "SELECT count(*) FROM cards") == 0);
}

TEST_CASE("store: a new file takes the page size of the options, an existing one keeps its own") {
    temp_dir dir;
    auto path = dir.file("brug.db");
    auto open_with_page_size = [&](int page_size) {
        auto o = store_options(path);
        o.new_file_page_size = page_size;
        return open_store(o);
    };
    {
        auto s = open_with_page_size(2048);
        REQUIRE(submit_wait(*s, create_workshop("AAAA-AAAA")));
        REQUIRE(submit_wait(*s, {"AAAA-AAAA", {model::card_put{sample_card("c1", "klein")}}}));
    }
    {
        SQLite::Database raw(path, SQLite::OPEN_READONLY);
        CHECK(query_int(raw, "PRAGMA page_size") == 2048);
    }
    {
        auto s = open_with_page_size(1024); // no VACUUM: the file stays as it is
        auto w = s->load("AAAA-AAAA");
        REQUIRE(w);
        CHECK(w->cards.size() == 1);
        REQUIRE(submit_wait(*s, {"AAAA-AAAA", {model::card_put{sample_card("c2", "nog")}}}));
    }
    SQLite::Database raw(path, SQLite::OPEN_READONLY);
    CHECK(query_int(raw, "PRAGMA page_size") == 2048);
    CHECK(query_int(raw, "SELECT count(*) FROM cards") == 2);
}

// With background checkpoints the writer's commits never copy the WAL into
// the file themselves; a thread of the store does, once the WAL has grown by
// checkpoint_wal_bytes. Here the writer is kept busy (never quiet long enough
// for its own checkpoint), and the file must still receive the rows.
TEST_CASE("store: a growing WAL is copied into the file while the writer keeps committing") {
    temp_dir dir;
    auto path = dir.file("brug.db");
    auto o = store_options(path, store::sync_mode::normal);
    o.background_checkpoints = true;
    o.checkpoint_wal_bytes = 64 * 1024;
    auto s = open_store(o);
    REQUIRE(submit_wait(*s, create_workshop("AAAA-AAAA")));
    auto const file_before = std::filesystem::file_size(path);

    std::string const text(2000, 'k');
    int i = 0;
    auto const until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    bool grew = false;
    while (!grew && std::chrono::steady_clock::now() < until) {
        REQUIRE(submit_wait(*s, {"AAAA-AAAA", {model::card_put{sample_card(
                                                  "c" + std::to_string(i), text, i)}}}));
        ++i;
        grew = std::filesystem::file_size(path) > file_before + 32 * 1024;
    }
    CHECK(grew);
    s.reset();
    auto again = open_store(path);
    auto w = again->load("AAAA-AAAA");
    REQUIRE(w);
    CHECK(w->cards.size() == static_cast<std::size_t>(i));
}
