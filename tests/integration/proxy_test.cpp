// The client's real address behind a reverse proxy (--trusted-proxy; issue
// 8): the per-address limits count each client the proxy names, not the
// proxy; and the headers are ignored from anyone else. The test itself plays
// the proxy, from 127.0.0.1, and names clients from documentation ranges.
#include "client.hpp"

#include <catch2/catch.hpp>

using namespace brug::test;
using namespace std::chrono_literals;

namespace {

bool is_type(json const& j, char const* t) { return j.is_object() && j.value("type", "") == t; }

using headers = std::vector<std::pair<std::string, std::string>>;

ws_client::config from(headers h) {
    ws_client::config c;
    c.headers = std::move(h);
    return c;
}

// A hello with a wrong facilitator key, from the client the headers name:
// the close code (4401 while the address has failures left, then 4429).
int failed_join(int port, std::string const& code, headers h) {
    ws_client c(port, "/ws/" + code, from(std::move(h)));
    if (!c.open()) return -c.upgrade_status();
    join_facilitator(c, "not-the-key");
    return c.wait_close();
}

bool joins(int port, workshop_keys const& ws, headers h) {
    ws_client c(port, "/ws/" + ws.code, from(std::move(h)));
    return c.open() && is_type(join_facilitator(c, ws.key), "welcome");
}

int creates_until_refused(int port, headers h, int at_most) {
    for (int i = 1; i <= at_most; ++i) {
        auto r = http(port, "POST", "/api/workshops", R"({"title":"Proxy"})", h);
        if (r.status == 429) {
            CHECK(r.json_body()["error"]["code"] == "rate_limited");
            return i;
        }
        REQUIRE(r.status == 201);
    }
    return 0;
}

} // namespace

TEST_CASE("proxy: behind a trusted proxy, each client the proxy names has its own budget") {
    server_process srv({"--trusted-proxy", "127.0.0.1", "--join-failures", "2",
                        "--max-connections-per-address", "2"});
    auto ws = create_workshop(srv.port());
    headers const a = {{"X-Real-IP", "198.51.100.1"}};
    headers const b = {{"X-Real-IP", "198.51.100.2"}};

    SECTION("failed joins") {
        CHECK(failed_join(srv.port(), ws.code, a) == 4401);
        CHECK(failed_join(srv.port(), ws.code, a) == 4401);
        CHECK(failed_join(srv.port(), ws.code, a) == 4429);
        CHECK_FALSE(joins(srv.port(), ws, a)); // even with the right key
        // Another client behind the same proxy is not touched, nor is the
        // proxy itself (a request without the header: loopback, exempt).
        CHECK(joins(srv.port(), ws, b));
        CHECK(joins(srv.port(), ws, {}));
        // X-Forwarded-For counts by its last entry, the one the proxy wrote.
        CHECK_FALSE(joins(srv.port(), ws, {{"X-Forwarded-For", "203.0.113.9, 198.51.100.1"}}));
        CHECK(joins(srv.port(), ws, {{"X-Forwarded-For", "198.51.100.1, 198.51.100.3"}}));
        // X-Real-IP comes first.
        CHECK(joins(srv.port(), ws,
                    {{"X-Real-IP", "198.51.100.2"}, {"X-Forwarded-For", "198.51.100.1"}}));
    }

    SECTION("WebSockets per address") {
        std::vector<std::unique_ptr<ws_client>> open;
        for (int i = 0; i < 2; ++i) {
            open.push_back(std::make_unique<ws_client>(srv.port(), "/ws/" + ws.code, from(a)));
            REQUIRE(open.back()->open());
        }
        ws_client refused(srv.port(), "/ws/" + ws.code, from(a));
        CHECK_FALSE(refused.open());
        CHECK(refused.upgrade_status() == 429);
        ws_client other(srv.port(), "/ws/" + ws.code, from(b));
        CHECK(other.open());
    }

    SECTION("workshop creation") {
        // The default: bursts of 20 per address.
        CHECK(creates_until_refused(srv.port(), a, 25) == 21);
        CHECK(http(srv.port(), "POST", "/api/workshops", R"({"title":"B"})", b).status == 201);
    }

    // The addresses are in memory only: nothing of them in the log.
    CHECK(srv.log().find("198.51.100.") == std::string::npos);
}

TEST_CASE("proxy: the headers of a peer that is not a trusted proxy are ignored") {
    SECTION("a forged X-Real-IP does not buy a fresh budget") {
        // 127.0.0.1 is no proxy here; --limit-loopback so that it is counted.
        server_process srv({"--limit-loopback", "--join-failures", "1"});
        auto ws = create_workshop(srv.port());
        CHECK(failed_join(srv.port(), ws.code, {{"X-Real-IP", "198.51.100.1"}}) == 4401);
        CHECK_FALSE(joins(srv.port(), ws, {{"X-Real-IP", "198.51.100.2"}}));
        CHECK_FALSE(joins(srv.port(), ws, {{"X-Forwarded-For", "198.51.100.3"}}));
    }

    SECTION("a forged X-Real-IP does not make loopback a limited address") {
        server_process srv({"--trusted-proxy", "192.0.2.1", "--join-failures", "1"});
        auto ws = create_workshop(srv.port());
        headers const forged = {{"X-Real-IP", "198.51.100.1"}};
        CHECK(failed_join(srv.port(), ws.code, forged) == 4401);
        CHECK(failed_join(srv.port(), ws.code, forged) == 4401);
        CHECK(joins(srv.port(), ws, forged));
        CHECK(creates_until_refused(srv.port(), forged, 25) == 0);
    }
}

TEST_CASE("proxy: --trusted-proxy takes IP addresses only") {
    CHECK_THROWS(server_process({"--trusted-proxy", "nginx.local"}));
    server_process srv({"--trusted-proxy", "127.0.0.1,::1"});
    CHECK(http(srv.port(), "GET", "/healthz").status == 200);
}
