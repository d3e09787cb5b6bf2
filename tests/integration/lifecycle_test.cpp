// Data lifecycle and abuse limits against the real server (issue 5):
// DELETE /api/workshops/{code}, `brug backup`, and the per-address limits on
// failed joins and connections.
#include "client.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

using namespace brug::test;
using namespace std::chrono_literals;

namespace {

std::string file_bytes(std::string const& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// A workshop in reflect with `texts` posted by one participant (all acked).
workshop_keys workshop_with_cards(int port, std::vector<std::string> const& texts) {
    auto ws = create_workshop(port, {{"title", "Lifecycle"}});
    ws_client f(port, "/ws/" + ws.code);
    REQUIRE(is_type(join_facilitator(f, ws.key), "welcome"));
    REQUIRE(f.request({{"type", "phase.set"}, {"phase", "reflect"}})["type"] == "ack");
    ws_client p(port, "/ws/" + ws.code);
    REQUIRE(is_type(join_participant(p), "welcome"));
    int i = 0;
    for (auto const& t : texts)
        REQUIRE(p.request(card_post(t, "n" + std::to_string(i++)))["type"] == "ack");
    return ws;
}

std::vector<std::pair<std::string, std::string>> bearer(std::string const& key) {
    return {{"Authorization", "Bearer " + key}};
}

} // namespace

TEST_CASE("lifecycle: DELETE removes a workshop and all its data at once") {
    server_process srv;
    std::string const marker = "lifecycle-delete-marker-7f3a9c";
    auto ws = workshop_with_cards(srv.port(), {marker + " one", marker + " two"});
    auto other = workshop_with_cards(srv.port(), {"kept card of another workshop"});

    // A facilitator and a participant stay connected through the delete.
    ws_client f(srv.port(), "/ws/" + ws.code);
    REQUIRE(is_type(join_facilitator(f, ws.key), "welcome"));
    ws_client p(srv.port(), "/ws/" + ws.code);
    REQUIRE(is_type(join_participant(p), "welcome"));

    // The contract's order: unknown code 404, then a missing or wrong key 401.
    CHECK(http(srv.port(), "DELETE", "/api/workshops/ZZZZ-ZZZZ", {}, bearer(ws.key)).status == 404);
    CHECK(http(srv.port(), "DELETE", "/api/workshops/" + ws.code).status == 401);
    CHECK(http(srv.port(), "DELETE", "/api/workshops/" + ws.code, {}, bearer(other.key)).status == 401);
    CHECK(http(srv.port(), "GET", "/api/workshops/" + ws.code).status == 405);
    CHECK(http(srv.port(), "GET", "/api/workshops/" + ws.code + "/export", {}, bearer(ws.key)).status == 200);

    auto del = http(srv.port(), "DELETE", "/api/workshops/" + ws.code, {}, bearer(ws.key));
    CHECK(del.status == 204);
    CHECK(del.body.empty());

    // Its open connections are closed with 4404 "workshop deleted".
    CHECK(f.wait_close() == 4404);
    CHECK(f.close_reason() == "workshop deleted");
    CHECK(p.wait_close() == 4404);
    CHECK(p.close_reason() == "workshop deleted");

    // Gone for HTTP and for a new hello; a second delete is 404.
    CHECK(http(srv.port(), "GET", "/api/workshops/" + ws.code + "/export", {}, bearer(ws.key)).status == 404);
    CHECK(http(srv.port(), "DELETE", "/api/workshops/" + ws.code, {}, bearer(ws.key)).status == 404);
    ws_client again(srv.port(), "/ws/" + ws.code);
    join_facilitator(again, ws.key);
    CHECK(again.wait_close() == 4404);

    // The other workshop is untouched.
    auto kept = http(srv.port(), "GET", "/api/workshops/" + other.code + "/export?format=json", {},
                     bearer(other.key));
    CHECK(kept.status == 200);

    // On disk: no row of it, and (secure_delete, WAL checkpointed at stop) not
    // its card text anywhere in the file or its WAL.
    REQUIRE(srv.stop() == 0);
    auto db = srv.data_file();
    CHECK(sql(db, "SELECT count(*) FROM workshops WHERE code = '" + ws.code + "';") == "0");
    CHECK(sql(db, "SELECT count(*) FROM cards WHERE workshop = '" + ws.code + "';") == "0");
    CHECK(sql(db, "SELECT count(*) FROM workshops;") == "1");
    CHECK(sql(db, "SELECT count(*) FROM cards WHERE workshop = '" + other.code + "';") == "1");
    CHECK(file_bytes(db).find(marker) == std::string::npos);
    CHECK(file_bytes(db + "-wal").find(marker) == std::string::npos);
    CHECK(sql(db, "PRAGMA integrity_check;") == "ok");
}

TEST_CASE("lifecycle: brug backup copies the database while the server runs") {
    server_process srv;
    std::vector<std::string> texts;
    for (int i = 0; i < 20; ++i) texts.push_back("backup card " + std::to_string(i));
    auto ws = workshop_with_cards(srv.port(), texts);

    // Writes go on while the copy is made: the copy is one committed state.
    ws_client f(srv.port(), "/ws/" + ws.code);
    REQUIRE(is_type(join_facilitator(f, ws.key), "welcome"));
    std::atomic<bool> stop{false};
    std::thread writer([&] {
        ws_client p(srv.port(), "/ws/" + ws.code);
        if (!is_type(join_participant(p), "welcome")) return;
        for (int i = 0; !stop && i < 200; ++i) p.request(card_post("late card " + std::to_string(i), "late" + std::to_string(i)));
    });
    std::this_thread::sleep_for(100ms);

    auto copy = srv.data_dir() + "/copy.db";
    auto [out, rc] = run_command(shell_quote(brug_binary()) + " backup " + shell_quote(copy) + " --data " +
                         shell_quote(srv.data_file()));
    stop = true;
    writer.join();
    CHECK(rc == 0);
    CHECK(out == copy);
    REQUIRE(std::filesystem::exists(copy));
    CHECK_FALSE(std::filesystem::exists(copy + ".partial"));
    CHECK(sql(copy, "PRAGMA integrity_check;") == "ok");
    CHECK(sql(copy, "SELECT count(*) FROM cards WHERE text LIKE 'backup card %';") == "20");
    CHECK(sql(copy, "SELECT count(*) FROM workshops WHERE code = '" + ws.code + "';") == "1");

    // The running server was not disturbed, and the copy serves as a database.
    CHECK(f.request({{"type", "ping"}})["type"] == "pong");
    {
        server_process second({}, {});
        second.stop();
        std::filesystem::copy_file(copy, second.data_file(),
                                   std::filesystem::copy_options::overwrite_existing);
        std::filesystem::remove(second.data_file() + "-wal");
        std::filesystem::remove(second.data_file() + "-shm");
        second.start();
        auto e = http(second.port(), "GET", "/api/workshops/" + ws.code + "/export?format=json", {},
                      bearer(ws.key));
        CHECK(e.status == 200);
    }

    // Errors: a missing database is exit 1 with a reason; bad usage is 2.
    auto [missing, rc1] = run_command(shell_quote(brug_binary()) + " backup " + shell_quote(srv.data_dir() + "/x.db") +
                              " --data " + shell_quote(srv.data_dir() + "/nothing-here.db"));
    CHECK(rc1 == 1);
    CHECK(missing.find("no database file") != std::string::npos);
    CHECK(run_command(shell_quote(brug_binary()) + " backup").second == 2);
}

TEST_CASE("lifecycle: failed joins per address are limited in a sliding window") {
    server_process srv({"--limit-loopback", "--join-failures", "3", "--join-window", "2"});
    auto ws = create_workshop(srv.port());

    // Two wrong keys and one unknown code: three failures.
    for (int i = 0; i < 2; ++i) {
        ws_client c(srv.port(), "/ws/" + ws.code);
        join_facilitator(c, "wrong-key-" + std::to_string(i));
        CHECK(c.wait_close() == 4401);
    }
    {
        ws_client c(srv.port(), "/ws/ZZZZ-ZZZZ");
        join_participant(c);
        CHECK(c.wait_close() == 4404);
    }
    // Now even the right key is refused until the window has passed.
    {
        ws_client c(srv.port(), "/ws/" + ws.code);
        REQUIRE(c.open());
        join_facilitator(c, ws.key);
        CHECK(c.wait_close() == 4429);
        CHECK(c.close_reason() == "too many failed joins, wait a minute");
    }
    std::this_thread::sleep_for(2200ms);
    {
        ws_client c(srv.port(), "/ws/" + ws.code);
        CHECK(is_type(join_facilitator(c, ws.key), "welcome"));
    }
    // The addresses are in memory only: nothing of them in the log.
    CHECK(srv.log().find("127.0.0.1:") == std::string::npos);

    // Without --limit-loopback, loopback is not limited.
    server_process free_srv({"--join-failures", "1"});
    auto ws2 = create_workshop(free_srv.port());
    for (int i = 0; i < 3; ++i) {
        ws_client c(free_srv.port(), "/ws/" + ws2.code);
        join_facilitator(c, "wrong");
        CHECK(c.wait_close() == 4401);
    }
    ws_client ok(free_srv.port(), "/ws/" + ws2.code);
    CHECK(is_type(join_facilitator(ok, ws2.key), "welcome"));
}

TEST_CASE("lifecycle: connections per address are limited") {
    server_process srv({"--limit-loopback", "--max-connections-per-address", "4"});
    auto ws = create_workshop(srv.port());
    std::vector<std::unique_ptr<ws_client>> open;
    for (int i = 0; i < 4; ++i) {
        open.push_back(std::make_unique<ws_client>(srv.port(), "/ws/" + ws.code));
        REQUIRE(open.back()->open());
        REQUIRE(is_type(join_participant(*open.back()), "welcome"));
    }
    {
        ws_client refused(srv.port(), "/ws/" + ws.code);
        CHECK_FALSE(refused.open());
        CHECK(refused.upgrade_status() == 429);
    }
    // A closed connection gives its slot back.
    open.front()->close();
    open.erase(open.begin());
    bool reopened = false;
    for (int i = 0; i < 40 && !reopened; ++i) {
        ws_client again(srv.port(), "/ws/" + ws.code);
        if (again.open()) {
            reopened = is_type(join_participant(again), "welcome");
        } else {
            std::this_thread::sleep_for(50ms);
        }
    }
    CHECK(reopened);
    // HTTP is not counted against WebSockets.
    CHECK(http(srv.port(), "GET", "/healthz").status == 200);
}

TEST_CASE("lifecycle: --help names the new options and their defaults") {
    auto [help, rc] = run_command(shell_quote(brug_binary()) + " --help");
    CHECK(rc == 0);
    CHECK(help.find("brug backup PATH [--data FILE]") != std::string::npos);
    CHECK(help.find("--join-failures N") != std::string::npos);
    CHECK(help.find("(default: 20)") != std::string::npos);
    CHECK(help.find("--join-window SECONDS") != std::string::npos);
    // As many per address as one workshop holds: an office behind one NAT
    // address at an all-hands.
    auto const per_address = help.find("--max-connections-per-address N");
    REQUIRE(per_address != std::string::npos);
    auto const line = help.substr(per_address, help.find('\n', per_address) - per_address);
    CHECK(line.find("(default: 2000)") != std::string::npos);
    CHECK(help.find("--limit-loopback") != std::string::npos);
    CHECK(run_command(shell_quote(brug_binary()) + " --limit-loopback=yes").second == 2);
}
