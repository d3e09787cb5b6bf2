// The client's real address behind a reverse proxy (--trusted-proxy; issue
// 8): the per-address limits count each client the proxy names, not the
// proxy; and the headers are ignored from anyone else. Then the failed
// attempts over HTTP (issue 5), counted with the failed joins. The test
// itself plays the proxy, from 127.0.0.1, and names clients from
// documentation ranges.
#include "client.hpp"

#include <catch2/catch.hpp>

#include <thread>
#include <tuple>

using namespace brug::test;
using namespace std::chrono_literals;

namespace {

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

TEST_CASE("limits: wrong keys and unknown codes over HTTP count as failed joins") {
    server_process srv({"--trusted-proxy", "127.0.0.1", "--join-failures", "3", "--join-window",
                        "2"});
    auto ws = create_workshop(srv.port());
    headers const a = {{"X-Real-IP", "198.51.100.10"}};
    headers const b = {{"X-Real-IP", "198.51.100.11"}};
    auto with_key = [](headers h, std::string const& key) {
        h.emplace_back("Authorization", "Bearer " + key);
        return h;
    };
    auto from_template = [&](std::string const& code, std::string const& key) {
        return json{{"title", "Again"}, {"from", {{"code", code}, {"facilitator_key", key}}}}.dump();
    };
    auto export_path = "/api/workshops/" + ws.code + "/export";

    // One failure on each keyed path: a wrong key, an unknown code, a
    // template with a wrong key.
    CHECK(http(srv.port(), "GET", export_path, {}, with_key(a, "wrong")).status == 401);
    CHECK(http(srv.port(), "DELETE", "/api/workshops/ZZZZ-ZZZZ", {}, with_key(a, ws.key)).status ==
          404);
    CHECK(http(srv.port(), "POST", "/api/workshops", from_template(ws.code, "wrong"), a).status ==
          401);

    // Now every keyed request from that address is refused, the right key
    // too, in the contract's error shape; and its hellos (one budget).
    for (auto const& [method, path, body] :
         {std::tuple<std::string, std::string, std::string>{"GET", export_path, ""},
          {"DELETE", "/api/workshops/" + ws.code, ""},
          {"POST", "/api/workshops", from_template(ws.code, ws.key)}}) {
        INFO(method << " " << path);
        auto r = http(srv.port(), method, path, body, with_key(a, ws.key));
        CHECK(r.status == 429);
        CHECK(r.json_body()["error"]["code"] == "rate_limited");
        CHECK(r.headers["x-content-type-options"] == "nosniff");
    }
    {
        ws_client c(srv.port(), "/ws/" + ws.code, from(a));
        join_facilitator(c, ws.key);
        CHECK(c.wait_close() == 4429);
    }
    // A plain create is not a keyed request: it has its own limit.
    CHECK(http(srv.port(), "POST", "/api/workshops", R"({"title":"New"})", a).status == 201);
    // Another client is not touched.
    CHECK(http(srv.port(), "GET", export_path, {}, with_key(b, ws.key)).status == 200);

    // Failed hellos count against HTTP the same way.
    for (int i = 0; i < 3; ++i) CHECK(failed_join(srv.port(), ws.code, b) == 4401);
    CHECK(http(srv.port(), "GET", export_path, {}, with_key(b, ws.key)).status == 429);

    // Once the failures have left the window, the right key works again.
    std::this_thread::sleep_for(2200ms);
    CHECK(http(srv.port(), "GET", export_path, {}, with_key(a, ws.key)).status == 200);
    auto again = http(srv.port(), "POST", "/api/workshops", from_template(ws.code, ws.key), a);
    CHECK(again.status == 201);

    // Loopback stays exempt: the proxy's own requests, scripts on the machine.
    for (int i = 0; i < 5; ++i)
        CHECK(http(srv.port(), "GET", export_path, {}, {{"Authorization", "Bearer wrong"}}).status ==
              401);
    CHECK(http(srv.port(), "DELETE", "/api/workshops/" + ws.code, {},
               {{"Authorization", "Bearer " + ws.key}})
              .status == 204);
}
