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

TEST_CASE("shard: a create from a workshop held elsewhere is 421 misdirected, not 404") {
    server_process srv({"--shard", "a", "--shard-prefixes", "AB"});
    auto own = create_workshop(srv.port(), {{"title", "Hier"}});
    auto body = [](std::string const& code, std::string const& key) {
        return json{{"title", "Opnieuw"}, {"from", {{"code", code}, {"facilitator_key", key}}}}.dump();
    };
    auto away = http(srv.port(), "POST", "/api/workshops", body("cdef-ghjk", "x"));
    CHECK(away.status == 421);
    CHECK(away.json_body()["error"]["code"] == "misdirected");
    // Its own: made here, from the earlier one.
    auto again = http(srv.port(), "POST", "/api/workshops?from=" + own.code, body(own.code, own.key));
    REQUIRE(again.status == 201);
    auto code = again.json_body()["code"].get<std::string>();
    CHECK((code[0] == 'A' || code[0] == 'B'));
    // An unknown code of its own letters is still plain 404.
    CHECK(http(srv.port(), "POST", "/api/workshops", body("AAAA-AAAA", "x")).status == 404);
}
