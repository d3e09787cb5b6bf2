// The WebSocket side of the contract (protocol.md 3.1, 3.2, 3.7, 3.9): joining,
// every close code, the rate limit, presence and batching.
#include "client.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <thread>

using namespace brug::test;
using namespace std::chrono_literals;

namespace {

bool is_type(json const& j, char const* t) { return j.is_object() && j.value("type", "") == t; }

} // namespace

TEST_CASE("websocket: participant and facilitator join with a welcome") {
    server_process srv;
    auto ws = create_workshop(srv.port());
    ws_client p(srv.port(), "/ws/" + ws.code);
    REQUIRE(p.open());
    auto w = join_participant(p);
    REQUIRE(is_type(w, "welcome"));
    CHECK(w["protocol"] == 1);
    CHECK(w["role"] == "participant");
    CHECK(w["participant_token"].get<std::string>().size() >= 22);
    CHECK(w["seq"].is_number_integer());
    CHECK(w["state"]["code"] == ws.code);
    CHECK(w["state"]["phase"] == "lobby");

    ws_client f(srv.port(), "/ws/" + ws.code);
    auto fw = join_facilitator(f, ws.key);
    REQUIRE(is_type(fw, "welcome"));
    CHECK(fw["role"] == "facilitator");
    CHECK_FALSE(fw.contains("participant_token"));

    // A second hello is an error, and the connection stays open.
    auto again = p.request({{"type", "hello"}, {"protocol", 1}, {"role", "participant"}});
    CHECK(again["type"] == "error");
    CHECK(again["code"] == "already_joined");
    auto pong = p.request({{"type", "ping"}});
    CHECK(pong == json{{"type", "pong"}, {"req", pong["req"]}});
}

TEST_CASE("websocket: codes are found in any case, with or without the dash") {
    server_process srv;
    auto ws = create_workshop(srv.port());
    std::string lower;
    for (char c : ws.code) lower.push_back(static_cast<char>(std::tolower(c)));
    std::string nodash = ws.code.substr(0, 4) + ws.code.substr(5);
    for (auto path : {lower, nodash, lower.substr(0, 4) + lower.substr(5)}) {
        ws_client p(srv.port(), "/ws/" + path);
        auto w = join_participant(p);
        INFO(path);
        REQUIRE(is_type(w, "welcome"));
        CHECK(w["state"]["code"] == ws.code);
    }
}

TEST_CASE("websocket: a pong answers a ping without req with req null") {
    server_process srv;
    auto ws = create_workshop(srv.port());
    ws_client p(srv.port(), "/ws/" + ws.code);
    join_participant(p);
    p.send(json{{"type", "ping"}});
    auto m = p.wait_for([](json const& j) { return is_type(j, "pong"); });
    REQUIRE(m);
    CHECK((*m)["req"].is_null());
}

TEST_CASE("websocket: close codes for joining") {
    server_process srv({"--hello-timeout", "1", "--max-connections", "2"});
    auto ws = create_workshop(srv.port());

    SECTION("unknown workshop: 4404 after hello") {
        ws_client c(srv.port(), "/ws/AAAA-AAAA");
        REQUIRE(c.open());
        c.send(json{{"type", "hello"}, {"protocol", 1}, {"role", "participant"}});
        CHECK(c.wait_close() == 4404);
        ws_client bad(srv.port(), "/ws/not-a-code!");
        REQUIRE(bad.open());
        bad.send(json{{"type", "hello"}, {"protocol", 1}, {"role", "participant"}});
        CHECK(bad.wait_close() == 4404);
    }
    SECTION("wrong facilitator key: 4401") {
        ws_client c(srv.port(), "/ws/" + ws.code);
        c.send(json{{"type", "hello"}, {"protocol", 1}, {"role", "facilitator"}, {"facilitator_key", "nope"}});
        CHECK(c.wait_close() == 4401);
    }
    SECTION("no hello in time: 4400") {
        ws_client c(srv.port(), "/ws/" + ws.code);
        CHECK(c.wait_close(4s) == 4400);
        CHECK(c.close_reason().find("hello") != std::string::npos);
    }
    SECTION("a first frame that is not hello: 4400") {
        ws_client c(srv.port(), "/ws/" + ws.code);
        c.send(json{{"type", "ping"}});
        CHECK(c.wait_close() == 4400);
        ws_client d(srv.port(), "/ws/" + ws.code);
        d.send(std::string("{not json"));
        CHECK(d.wait_close() == 4400);
    }
    SECTION("unsupported protocol: 4426") {
        ws_client c(srv.port(), "/ws/" + ws.code);
        c.send(json{{"type", "hello"}, {"protocol", 2}, {"role", "participant"}});
        CHECK(c.wait_close() == 4426);
    }
    SECTION("workshop full: 4429") {
        ws_client a(srv.port(), "/ws/" + ws.code);
        ws_client b(srv.port(), "/ws/" + ws.code);
        REQUIRE(is_type(join_participant(a), "welcome"));
        REQUIRE(is_type(join_participant(b), "welcome"));
        ws_client c(srv.port(), "/ws/" + ws.code);
        c.send(json{{"type", "hello"}, {"protocol", 1}, {"role", "participant"}});
        CHECK(c.wait_close() == 4429);
        // A place frees up when someone leaves.
        b.close();
        std::this_thread::sleep_for(200ms);
        ws_client d(srv.port(), "/ws/" + ws.code);
        CHECK(is_type(join_participant(d), "welcome"));
    }
}

TEST_CASE("websocket: close codes for bad frames") {
    server_process srv({"--max-frame", "1024"});
    auto ws = create_workshop(srv.port());
    ws_client c(srv.port(), "/ws/" + ws.code);
    REQUIRE(is_type(join_participant(c), "welcome"));

    SECTION("too large: 1009") {
        c.send(json{{"type", "ping"}, {"pad", std::string(2000, 'x')}});
        CHECK(c.wait_close() == 1009);

    }
    SECTION("invalid UTF-8: 1007") {
        c.send(std::string("{\"type\":\"ping\",\"x\":\"\xff\xfe\"}"));
        CHECK(c.wait_close() == 1007);
    }
    SECTION("binary: 1003") {
        c.send_binary(json{{"type", "ping"}}.dump());
        CHECK(c.wait_close() == 1003);
    }
    SECTION("shape errors answer with an error and leave the connection open") {
        auto e = c.request({{"type", "no.such.thing"}});
        CHECK(e["code"] == "unknown_type");
        c.send(std::string("[1,2]"));
        auto m = c.wait_for([](json const& j) { return is_type(j, "error"); });
        REQUIRE(m);
        CHECK((*m)["code"] == "bad_message");
        CHECK((*m)["req"].is_null());
        c.send(std::string("{oops"));
        m = c.wait_for([](json const& j) { return is_type(j, "error"); });
        REQUIRE(m);
        CHECK((*m)["code"] == "bad_json");
        CHECK(c.request({{"type", "ping"}})["type"] == "pong");
    }
    // The server is still fine.
    ws_client d(srv.port(), "/ws/" + ws.code);
    CHECK(is_type(join_participant(d), "welcome"));
}

TEST_CASE("websocket: rate limit answers rate_limited, then 1008 for a flood") {
    server_process srv({"--rate-limit", "2", "--rate-burst", "4"});
    auto ws = create_workshop(srv.port());
    ws_client c(srv.port(), "/ws/" + ws.code);
    REQUIRE(is_type(join_participant(c), "welcome"));
    // The hello took a token; 3 more pings pass, then refused.
    for (int i = 0; i < 6; ++i) c.send(json{{"type", "ping"}, {"req", i}});
    int pongs = 0, limited = 0;
    while (pongs + limited < 6) {
        auto m = c.next();
        REQUIRE(m);
        if (is_type(*m, "pong")) ++pongs;
        if (is_type(*m, "error") && (*m)["code"] == "rate_limited") {
            ++limited;
            CHECK((*m)["req"].is_number_integer());
        }
    }
    // The hello took a token; a token may have come back since.
    CHECK(pongs >= 3);
    CHECK(pongs <= 4);
    CHECK(limited == 6 - pongs);
    // The connection stays open, and tokens come back.
    std::this_thread::sleep_for(1100ms);
    CHECK(c.request({{"type", "ping"}})["type"] == "pong");

    // More than twice the burst while limited: 1008.
    for (int i = 0; i < 20; ++i) c.send(json{{"type", "ping"}});
    CHECK(c.wait_close() == 1008);
}

TEST_CASE("websocket: idle connections are closed with 4408, live ones are not") {
    server_process srv({"--idle-timeout", "1"});
    auto ws = create_workshop(srv.port());
    ws_client live(srv.port(), "/ws/" + ws.code);
    REQUIRE(is_type(join_participant(live), "welcome"));
    ws_client idle(srv.port(), "/ws/" + ws.code);
    REQUIRE(is_type(join_participant(idle), "welcome"));
    // `live` reads (and so answers the server's pings); `idle` reads nothing.
    auto until = std::chrono::steady_clock::now() + 2500ms;
    while (std::chrono::steady_clock::now() < until) live.next(100ms);
    CHECK_FALSE(live.closed());
    CHECK(idle.wait_close() == 4408);
    CHECK(live.request({{"type", "ping"}})["type"] == "pong");
}

TEST_CASE("websocket: a slow consumer is dropped with 1013") {
    server_process srv({"--queue-limit", "65536", "--send-buffer", "4096", "--rate-limit", "100000", "--rate-burst", "100000",
                        "--sync", "normal"});
    auto ws = create_workshop(srv.port());
    ws_client::config small;
    small.receive_buffer = 2048;
    ws_client slow(srv.port(), "/ws/" + ws.code, small);
    REQUIRE(is_type(join_participant(slow), "welcome"));
    ws_client f(srv.port(), "/ws/" + ws.code);
    REQUIRE(is_type(join_facilitator(f, ws.key), "welcome"));
    // `slow` stops reading; the facilitator makes events for everyone.
    std::string text(190, 'p');
    bool dropped = false;
    for (int round = 0; round < 500 && !dropped; ++round) {
        for (int i = 0; i < 10; ++i)
            f.send(json{{"type", "prompt.set"}, {"text", text}, {"req", round * 100 + i}});
        int acks = 0;
        while (acks < 10) {
            auto m = f.next(5s);
            REQUIRE(m);
            if (is_type(*m, "ack")) ++acks;
        }
        auto metrics = http(srv.port(), "GET", "/metrics").body;
        dropped = metrics.find("brug_slow_consumers_total 0") == std::string::npos;
    }
    CHECK(dropped);
    CHECK(slow.wait_close(10s) == 1013);
    // The facilitator is fine.
    CHECK(f.request({{"type", "ping"}})["type"] == "pong");
}

TEST_CASE("websocket: waiting messages go out as one JSON array") {
    server_process srv({"--rate-limit", "1000", "--rate-burst", "1000"});
    auto ws = create_workshop(srv.port());
    ws_client p(srv.port(), "/ws/" + ws.code);
    REQUIRE(is_type(join_participant(p), "welcome"));
    ws_client f(srv.port(), "/ws/" + ws.code);
    REQUIRE(is_type(join_facilitator(f, ws.key), "welcome"));
    for (int i = 0; i < 30; ++i) f.send(json{{"type", "prompt.set"}, {"text", "q" + std::to_string(i)}, {"req", i}});
    for (int acks = 0; acks < 30;) {
        auto m = f.next();
        REQUIRE(m);
        if (is_type(*m, "ack")) ++acks;
    }
    // p has not read meanwhile: its events come batched, in order.
    int last = -1;
    for (int seen = 0; seen < 30;) {
        auto m = p.next();
        REQUIRE(m);
        if (is_type(*m, "event") && (*m)["name"] == "prompt.changed") {
            int n = std::stoi((*m)["data"]["text"].get<std::string>().substr(1));
            CHECK(n == last + 1);
            last = n;
            ++seen;
        }
    }
    CHECK(p.batched_frames() > 0);
}

TEST_CASE("websocket: presence counts distinct participants and facilitators") {
    server_process srv;
    auto ws = create_workshop(srv.port());
    ws_client f(srv.port(), "/ws/" + ws.code);
    REQUIRE(is_type(join_facilitator(f, ws.key), "welcome"));
    auto presence = [&](int p, int fa) {
        return f.wait_for([&](json const& j) {
            return is_type(j, "presence") && j["participants"] == p && j["facilitators"] == fa;
        });
    };
    CHECK(presence(0, 1));
    ws_client tab1(srv.port(), "/ws/" + ws.code);
    auto w = join_participant(tab1);
    CHECK(presence(1, 1));
    ws_client tab2(srv.port(), "/ws/" + ws.code);
    join_participant(tab2, w["participant_token"]);
    ws_client other(srv.port(), "/ws/" + ws.code);
    join_participant(other);
    auto m = f.wait_for([](json const& j) { return is_type(j, "presence"); });
    REQUIRE(m);
    CHECK((*m)["participants"] == 2); // tab2 is the same participant: no change sent for it
    tab1.close();
    // Still two: tab2 remains.
    other.close();
    CHECK(presence(1, 1));
    tab2.close();
    CHECK(presence(0, 1));
    // Presence never says who.
    for (auto const& frame : f.frames())
        CHECK(frame.find(w["participant_token"].get<std::string>()) == std::string::npos);
}

TEST_CASE("websocket: a browser Origin must be allowed") {
    server_process srv;
    auto ws = create_workshop(srv.port());
    ws_client::config foreign;
    foreign.headers = {{"Origin", "http://evil.example"}};
    ws_client bad(srv.port(), "/ws/" + ws.code, foreign);
    CHECK_FALSE(bad.open());
    CHECK(bad.upgrade_status() == 403);
    ws_client::config own;
    own.headers = {{"Origin", "http://127.0.0.1:" + std::to_string(srv.port())}};
    ws_client good(srv.port(), "/ws/" + ws.code, own);
    CHECK(good.open());

    server_process srv2({"--allowed-origin", "https://brug.example"});
    auto ws2 = create_workshop(srv2.port());
    ws_client::config listed;
    listed.headers = {{"Origin", "https://brug.example"}};
    ws_client ok(srv2.port(), "/ws/" + ws2.code, listed);
    CHECK(ok.open());
}

TEST_CASE("websocket: SIGTERM closes every connection with 1001 and exits 0") {
    server_process srv({"--hello-timeout", "30"});
    auto ws = create_workshop(srv.port());
    ws_client joined(srv.port(), "/ws/" + ws.code);
    REQUIRE(is_type(join_participant(joined), "welcome"));
    ws_client waiting(srv.port(), "/ws/" + ws.code); // no hello yet
    REQUIRE(waiting.open());
    std::thread stopper([&] {
        std::this_thread::sleep_for(100ms);
        ::kill(srv.pid(), SIGTERM);
    });
    CHECK(joined.wait_close() == 1001);
    CHECK(waiting.wait_close() == 1001);
    stopper.join();
    CHECK(srv.stop(0) == 0);
}
