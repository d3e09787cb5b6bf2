// The WebSocket side of the contract (protocol.md 3.1, 3.2, 3.7, 3.9): joining,
// every close code, the rate limit, presence and batching; and the framing
// (RFC 6455 section 5) through a raw socket.
#include "client.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <optional>
#include <thread>

using namespace brug::test;
using namespace std::chrono_literals;

namespace {

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
    // Small kernel buffers on both sides, and more than they hold: frames
    // for p wait in the server's queue whatever the machine's pace (with the
    // default buffers the kernel took every frame as it came on a quiet
    // machine, and nothing waited).
    server_process srv({"--rate-limit", "1000", "--rate-burst", "1000", "--send-buffer", "4096"});
    auto ws = create_workshop(srv.port());
    ws_client::config small;
    small.receive_buffer = 2048;
    ws_client p(srv.port(), "/ws/" + ws.code, small);
    REQUIRE(is_type(join_participant(p), "welcome"));
    ws_client f(srv.port(), "/ws/" + ws.code);
    REQUIRE(is_type(join_facilitator(f, ws.key), "welcome"));
    int const changes = 100; // about 26 KB of events
    for (int i = 0; i < changes; ++i)
        f.send(json{{"type", "prompt.set"}, {"text", "q" + std::to_string(i) + " " + std::string(180, 'x')}, {"req", i}});
    for (int acks = 0; acks < changes;) {
        auto m = f.next();
        REQUIRE(m);
        if (is_type(*m, "ack")) ++acks;
    }
    // p has not read meanwhile: its events come batched, in order.
    int last = -1;
    for (int seen = 0; seen < changes;) {
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

TEST_CASE("websocket: a command's answer and the sender's events of it go in one frame") {
    server_process srv;
    auto ws = create_workshop(srv.port());
    ws_client f(srv.port(), "/ws/" + ws.code);
    REQUIRE(is_type(join_facilitator(f, ws.key), "welcome"));
    REQUIRE(is_type(f.request({{"type", "phase.set"}, {"phase", "reflect"}}), "ack"));
    ws_client p(srv.port(), "/ws/" + ws.code);
    REQUIRE(is_type(join_participant(p), "welcome"));
    // The join's presence counts have come: nothing else is on its way to p.
    auto presence = [](json const& j) { return j.value("type", "") == "presence"; };
    REQUIRE(f.wait_for(presence));
    REQUIRE(p.wait_for(presence));
    auto const before = p.frames().size();
    auto ack = p.request({{"type", "card.post"}, {"kind", "concern"}, {"text", "Bang dat we het overzicht kwijtraken"}, {"nonce", "n1"}});
    REQUIRE(is_type(ack, "ack"));
    // p's writer was idle: the ack, its own card and the new count, in this
    // order, as one JSON array in one frame.
    REQUIRE(p.frames().size() == before + 1);
    auto frame = json::parse(p.frames().back());
    REQUIRE(frame.is_array());
    REQUIRE(frame.size() == 3);
    CHECK(frame[0]["type"] == "ack");
    CHECK(frame[1]["name"] == "card.posted");
    CHECK(frame[1]["data"]["card"]["mine"] == true);
    CHECK(frame[2]["name"] == "cards.counted");
    // The facilitator gets the count once, and no answer of p's.
    auto counted = f.wait_for([](json const& j) { return j.value("name", "") == "cards.counted"; });
    REQUIRE(counted);
    CHECK((*counted)["seq"] == frame[2]["seq"]);
    CHECK(f.frames().back().find("\"ack\"") == std::string::npos);
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

// The framing itself (RFC 6455 section 5), byte by byte: a raw socket that
// writes frames as a client would (or would not) and reads the server's.
namespace {

class raw_ws {
public:
    struct frame {
        int opcode = -1; // -1: none (timeout or the connection ended)
        std::string payload;
        int close_code() const {
            return payload.size() >= 2 ? (static_cast<unsigned char>(payload[0]) << 8) |
                                             static_cast<unsigned char>(payload[1])
                                       : 0;
        }
    };

    // `early`: bytes sent together with the request, before its answer.
    raw_ws(int port, std::string const& target, std::string const& extra_headers = {},
           std::string const& key = "dGhlIHNhbXBsZSBub25jZQ==", std::string const& early = {}) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        send_raw("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                 "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\n" + extra_headers +
                 (extra_headers.find("Version") == std::string::npos ? "Sec-WebSocket-Version: 13\r\n" : "") +
                 "\r\n" + early);
        while (in_.find("\r\n\r\n") == std::string::npos && fill(5000)) {}
        auto end = in_.find("\r\n\r\n");
        if (end != std::string::npos) {
            response_ = in_.substr(0, end + 4);
            in_.erase(0, end + 4);
        }
    }
    ~raw_ws() { ::close(fd_); }

    std::string const& response() const { return response_; }

    void send_raw(std::string const& bytes) {
        std::size_t sent = 0;
        while (sent < bytes.size()) {
            auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) return;
            sent += static_cast<std::size_t>(n);
        }
    }

    // A client frame: `b0` is FIN, RSV and opcode.
    static std::string client_frame(std::uint8_t b0, std::string const& payload, bool masked = true) {
        std::string out(1, static_cast<char>(b0));
        auto const m = masked ? 0x80 : 0;
        auto const n = payload.size();
        if (n < 126) {
            out.push_back(static_cast<char>(m | n));
        } else if (n <= 0xFFFF) {
            out.push_back(static_cast<char>(m | 126));
            out.push_back(static_cast<char>(n >> 8));
            out.push_back(static_cast<char>(n & 0xFF));
        } else {
            out.push_back(static_cast<char>(m | 127));
            for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xFF));
        }
        char const key[4] = {0x12, 0x34, 0x56, 0x78};
        if (masked) out.append(key, 4);
        for (std::size_t i = 0; i < n; ++i) out.push_back(masked ? payload[i] ^ key[i % 4] : payload[i]);
        return out;
    }

    // The next server frame; opcode -1 on timeout or end of the stream.
    frame next(std::chrono::milliseconds timeout = 5000ms) {
        auto until = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            if (auto f = parse()) return *f;
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
            if (left.count() <= 0 || !fill(static_cast<int>(left.count()))) return {};
        }
    }

    // The next frame that is not a ping (the server's keep-alive) nor a
    // message (presence and the like).
    frame next_control(std::chrono::milliseconds timeout = 5000ms) {
        for (;;) {
            auto f = next(timeout);
            if (f.opcode != 0x9 && f.opcode != 0x1) return f;
        }
    }

    // Whether the server ended the TCP stream (after what is buffered).
    bool ended(std::chrono::milliseconds timeout = 5000ms) {
        auto until = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < until) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
            if (!fill(static_cast<int>(std::max<long>(1, left.count())))) return eof_;
        }
        return false;
    }

private:
    // Reads what arrives within `timeout_ms`; false on timeout or end.
    bool fill(int timeout_ms) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, timeout_ms) <= 0) return false;
        char buf[4096];
        auto n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) {
            eof_ = true;
            return false;
        }
        in_.append(buf, static_cast<std::size_t>(n));
        return true;
    }

    std::optional<frame> parse() {
        if (in_.size() < 2) return std::nullopt;
        auto b = [&](std::size_t i) { return static_cast<unsigned char>(in_[i]); };
        std::size_t len = b(1) & 0x7F, pos = 2;
        if (len == 126) {
            if (in_.size() < 4) return std::nullopt;
            len = (b(2) << 8) | b(3);
            pos = 4;
        } else if (len == 127) {
            if (in_.size() < 10) return std::nullopt;
            len = 0;
            for (int i = 0; i < 8; ++i) len = (len << 8) | b(2 + i);
            pos = 10;
        }
        if (in_.size() < pos + len) return std::nullopt;
        CHECK((b(1) & 0x80) == 0); // a server never masks
        CHECK((b(0) & 0x80) != 0); // nor fragments
        frame f{b(0) & 0x0F, in_.substr(pos, len)};
        in_.erase(0, pos + len);
        return f;
    }

    int fd_ = -1;
    std::string in_;
    std::string response_;
    bool eof_ = false;
};

std::string const hello = R"({"type":"hello","protocol":1,"role":"participant"})";

} // namespace

TEST_CASE("websocket framing: the handshake") {
    server_process srv;
    auto ws = create_workshop(srv.port());
    raw_ws ok(srv.port(), "/ws/" + ws.code);
    CHECK(ok.response().rfind("HTTP/1.1 101", 0) == 0);
    CHECK(ok.response().find("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") != std::string::npos);
    CHECK(ok.response().find("Sec-WebSocket-Extensions") == std::string::npos); // no deflate

    raw_ws old(srv.port(), "/ws/" + ws.code, "Sec-WebSocket-Version: 8\r\n");
    CHECK(old.response().rfind("HTTP/1.1 426", 0) == 0);
    CHECK(old.response().find("Sec-WebSocket-Version: 13") != std::string::npos);
    raw_ws bad_key(srv.port(), "/ws/" + ws.code, {}, "short");
    INFO(bad_key.response());
    CHECK(bad_key.response().rfind("HTTP/1.1 400", 0) == 0);
}

TEST_CASE("websocket framing: frames sent with the upgrade request are read") {
    server_process srv;
    auto ws = create_workshop(srv.port());
    // The hello and a ping in the same segment as the request, before the 101.
    raw_ws c(srv.port(), "/ws/" + ws.code, {}, "dGhlIHNhbXBsZSBub25jZQ==",
             raw_ws::client_frame(0x81, hello) + raw_ws::client_frame(0x89, "early"));
    REQUIRE(c.response().rfind("HTTP/1.1 101", 0) == 0);
    // The pong is answered at once, the welcome by the workshop: either first.
    std::optional<json> welcome;
    std::optional<std::string> pong;
    for (int i = 0; i < 2; ++i) {
        auto f = c.next();
        if (f.opcode == 0xA) pong = f.payload;
        if (f.opcode == 0x1) {
            welcome = json::parse(f.payload);
            if (welcome->is_array()) welcome = (*welcome)[0]; // the welcome, then what followed it
        }
    }
    REQUIRE(welcome);
    CHECK((*welcome)["type"] == "welcome");
    CHECK(pong == "early");
}

TEST_CASE("websocket framing: a fragmented hello, a ping between its fragments") {
    server_process srv;
    auto ws = create_workshop(srv.port());
    raw_ws c(srv.port(), "/ws/" + ws.code);
    // Split inside "participant", with a ping in the middle, sent byte by byte.
    auto bytes = raw_ws::client_frame(0x01, hello.substr(0, 20)) +
                 raw_ws::client_frame(0x89, "are you there?") +
                 raw_ws::client_frame(0x00, hello.substr(20, 22)) +
                 raw_ws::client_frame(0x80, hello.substr(42));
    for (char ch : bytes) c.send_raw(std::string(1, ch));
    auto pong = c.next();
    CHECK(pong.opcode == 0xA);
    CHECK(pong.payload == "are you there?");
    auto welcome = c.next();
    REQUIRE(welcome.opcode == 0x1);
    auto j = json::parse(welcome.payload);
    if (j.is_array()) j = j[0]; // a batch: the welcome, then what followed it
    CHECK(j["type"] == "welcome");
}

TEST_CASE("websocket framing: protocol errors close with their code and end the stream") {
    server_process srv({"--max-frame", "1024"});
    auto ws = create_workshop(srv.port());
    auto joined = [&] {
        auto c = std::make_unique<raw_ws>(srv.port(), "/ws/" + ws.code);
        c->send_raw(raw_ws::client_frame(0x81, hello));
        auto w = c->next();
        REQUIRE(w.opcode == 0x1);
        return c;
    };
    struct bad {
        char const* what;
        std::string bytes;
        int code;
    };
    std::string close_999 = {char(0x03), char(0xE7)};
    std::vector<bad> cases = {
        {"unmasked", raw_ws::client_frame(0x81, R"({"type":"ping"})", false), 1002},
        {"RSV1 without an extension", raw_ws::client_frame(0xC1, R"({"type":"ping"})"), 1002},
        {"a fragmented ping", raw_ws::client_frame(0x09, "x"), 1002},
        {"a continuation without a message", raw_ws::client_frame(0x80, "x"), 1002},
        {"an invalid close code", raw_ws::client_frame(0x88, close_999), 1002},
        {"UTF-8 broken across fragments", raw_ws::client_frame(0x01, "\"caf\xc3") +
                                               raw_ws::client_frame(0x80, "\xc3\""), 1007},
        // Refused from the header: the megabyte is never sent.
        {"a header announcing a message over --max-frame",
         raw_ws::client_frame(0x81, std::string(70000, 'x')).substr(0, 14), 1009},
    };
    for (auto const& b : cases) {
        INFO(b.what);
        auto c = joined();
        c->send_raw(b.bytes);
        auto f = c->next_control();
        REQUIRE(f.opcode == 0x8);
        CHECK(f.close_code() == b.code);
        CHECK(c->ended());
    }
}

TEST_CASE("websocket framing: a client's close is answered with its code") {
    server_process srv;
    auto ws = create_workshop(srv.port());
    raw_ws c(srv.port(), "/ws/" + ws.code);
    c.send_raw(raw_ws::client_frame(0x81, hello));
    REQUIRE(c.next().opcode == 0x1);
    c.send_raw(raw_ws::client_frame(0x88, std::string("\x0f\xa0going", 7))); // 4000
    auto f = c.next_control();
    REQUIRE(f.opcode == 0x8);
    CHECK(f.close_code() == 4000);
    CHECK(c.ended());

    // Without a code, the answer has none either (1005 is never sent).
    raw_ws d(srv.port(), "/ws/" + ws.code);
    d.send_raw(raw_ws::client_frame(0x88, ""));
    f = d.next_control();
    REQUIRE(f.opcode == 0x8);
    INFO(f.payload);
    CHECK(f.payload.empty());
    CHECK(d.ended());
}

TEST_CASE("websocket framing: half a frame, then silence, is dropped by the idle timeout") {
    server_process srv({"--idle-timeout", "1"});
    auto ws = create_workshop(srv.port());
    raw_ws c(srv.port(), "/ws/" + ws.code);
    c.send_raw(raw_ws::client_frame(0x81, hello));
    REQUIRE(c.next().opcode == 0x1);
    c.send_raw(raw_ws::client_frame(0x81, R"({"type":"ping"})").substr(0, 5));
    // The server pings at half the timeout; an unanswered ping and no frame: 4408.
    auto f = c.next_control(4000ms);
    REQUIRE(f.opcode == 0x8);
    CHECK(f.close_code() == 4408);
}
