// Sharding by the first letter of the workshop code (deploy/shard-plan.md):
// a server with --shard-prefixes creates only its own codes and answers 421
// for the others, on every workshop-scoped path and on the WebSocket upgrade.
#include "client.hpp"

#include <catch2/catch.hpp>

using namespace brug::test;

TEST_CASE("shard: a server creates only codes of its own letters") {
    server_process srv({"--shard", "a", "--shard-prefixes", "ab"});
    for (int i = 0; i < 20; ++i) {
        auto w = create_workshop(srv.port(), {{"title", "Shard " + std::to_string(i)}});
        INFO("code " << w.code);
        CHECK((w.code[0] == 'A' || w.code[0] == 'B'));
    }
}

TEST_CASE("shard: a code held elsewhere is 421 misdirected, on every workshop path") {
    server_process srv({"--shard", "a", "--shard-prefixes", "AB"});
    auto own = create_workshop(srv.port(), {{"title", "Hier"}});
    auto paths = GENERATE(as<std::string>{}, "/w/CDEF-GHJK", "/f/cdefghjk", "/api/workshops/CDEF-GHJK/export",
                          "/api/workshops/CDEF-GHJK/qr.svg");
    auto r = http(srv.port(), "GET", paths);
    INFO("path " << paths);
    CHECK(r.status == 421);
    auto j = r.json_body();
    CHECK(j["error"]["code"] == "misdirected");
    CHECK(j["error"]["message"].get<std::string>().find("shard a") != std::string::npos);

    // Its own codes, and paths that name no workshop, are served as usual.
    CHECK(http(srv.port(), "GET", "/w/" + own.code).status == 200);
    CHECK(http(srv.port(), "GET", "/healthz").status == 200);
    CHECK(http(srv.port(), "GET", "/api/workshops/AAAA-AAAA/export").status == 404);
}

TEST_CASE("shard: a WebSocket upgrade for a code held elsewhere is refused with 421") {
    server_process srv({"--shard-prefixes", "AB"});
    ws_client other(srv.port(), "/ws/CDEF-GHJK");
    CHECK_FALSE(other.open());
    CHECK(other.upgrade_status() == 421);

    auto own = create_workshop(srv.port(), {{"title", "Hier"}});
    ws_client mine(srv.port(), "/ws/" + own.code);
    REQUIRE(mine.open());
    CHECK(join_facilitator(mine, own.key).value("type", "") == "welcome");
}

TEST_CASE("shard: without --shard-prefixes every code is held") {
    server_process srv;
    CHECK(http(srv.port(), "GET", "/w/CDEF-GHJK").status == 200);
}
