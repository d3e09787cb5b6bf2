// The RFC 6455 frame codec (net/ws_frame.hpp): every rule the server
// enforces on client frames, bytes split anywhere, and the server's headers.
#include "net/ws_frame.hpp"

#include <catch2/catch.hpp>

#include <vector>

using namespace brug::net::ws;

namespace {

constexpr std::size_t limit = 1024;

// A client frame: `b0` (FIN, RSV, opcode), the payload masked with `key`
// unless `masked` is false, its length in the shortest form unless
// `length_bytes` (2 or 8) asks for a longer one.
std::string frame(std::uint8_t b0, std::string_view payload, bool masked = true,
                  int length_bytes = 0) {
    std::string out(1, static_cast<char>(b0));
    auto const mask_bit = masked ? 0x80 : 0;
    auto const n = payload.size();
    if (length_bytes == 0) length_bytes = n < 126 ? 0 : n <= 0xFFFF ? 2 : 8;
    if (length_bytes == 0) {
        out.push_back(static_cast<char>(mask_bit | n));
    } else {
        out.push_back(static_cast<char>(mask_bit | (length_bytes == 2 ? 126 : 127)));
        for (int i = length_bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xFF));
    }
    unsigned char const key[4] = {0x37, 0xfa, 0x21, 0x3d};
    if (masked) out.append(reinterpret_cast<char const*>(key), 4);
    for (std::size_t i = 0; i < n; ++i)
        out.push_back(masked ? static_cast<char>(payload[i] ^ key[i % 4]) : payload[i]);
    return out;
}

constexpr std::uint8_t fin = 0x80;

struct seen {
    event::kind what;
    std::uint16_t code;
    std::string payload;
};

// Feeds `bytes` in pieces of `step` bytes (0: all at once); every event.
std::vector<seen> feed(frame_parser& p, std::string bytes, std::size_t step = 0) {
    std::vector<seen> out;
    std::size_t pos = 0;
    while (pos < bytes.size()) {
        std::size_t const n = step == 0 ? bytes.size() - pos : std::min(step, bytes.size() - pos);
        std::size_t used = 0;
        for (;;) {
            event ev;
            used += p.parse(bytes.data() + pos + used, n - used, ev);
            if (ev.what == event::kind::none) break;
            out.push_back({ev.what, ev.code, std::string(ev.payload)});
        }
        CHECK((used == n || p.done()));
        pos += n;
        if (p.done()) break;
    }
    return out;
}

std::vector<seen> feed_all(std::string const& bytes, std::size_t step = 0) {
    frame_parser p(limit);
    return feed(p, bytes, step);
}

std::uint16_t error_of(std::string const& bytes) {
    auto ev = feed_all(bytes);
    REQUIRE(!ev.empty());
    CHECK(ev.back().what == event::kind::error);
    return ev.back().what == event::kind::error ? ev.back().code : 0;
}

} // namespace

TEST_CASE("ws_frame: a masked text frame is unmasked, whole or byte by byte") {
    auto const bytes = frame(fin | 0x1, "{\"type\":\"ping\"}");
    for (std::size_t step : {0, 1, 2, 3, 5}) {
        INFO("step " << step);
        auto ev = feed_all(bytes, step);
        REQUIRE(ev.size() == 1);
        CHECK(ev[0].what == event::kind::text);
        CHECK(ev[0].payload == "{\"type\":\"ping\"}");
    }
}

TEST_CASE("ws_frame: 16-bit and 64-bit lengths") {
    std::string mid(300, 'a');
    std::string big(limit, 'b');
    frame_parser p(100000);
    auto ev = feed(p, frame(fin | 0x1, mid) + frame(fin | 0x1, std::string(70000, 'c')), 7);
    REQUIRE(ev.size() == 2);
    CHECK(ev[0].payload == mid);
    CHECK(ev[1].payload == std::string(70000, 'c'));
    // A length not in its shortest form is refused (5.2).
    CHECK(error_of(frame(fin | 0x1, "short", true, 2)) == close_protocol_error);
    CHECK(error_of(frame(fin | 0x1, mid, true, 8)) == close_protocol_error);
    // The top bit of a 64-bit length must be 0.
    std::string huge = {char(fin | 0x1), char(0x80 | 127), char(0x80), 0, 0, 0, 0, 0, 0, 0};
    CHECK(error_of(huge) == close_protocol_error);
    // Exactly the limit passes; one more byte is too big, refused at the header.
    auto at_limit = feed_all(frame(fin | 0x1, big));
    REQUIRE(at_limit.size() == 1);
    CHECK(at_limit[0].what == event::kind::text);
    auto over = frame(fin | 0x1, big + "x");
    CHECK(error_of(over.substr(0, 4)) == close_too_big);
}

TEST_CASE("ws_frame: the protocol errors of the header") {
    CHECK(error_of(frame(fin | 0x1, "hi", false)) == close_protocol_error); // unmasked
    CHECK(error_of(frame(fin | 0x40 | 0x1, "hi")) == close_protocol_error); // RSV1
    CHECK(error_of(frame(fin | 0x20 | 0x1, "hi")) == close_protocol_error); // RSV2
    CHECK(error_of(frame(fin | 0x10 | 0x1, "hi")) == close_protocol_error); // RSV3
    for (std::uint8_t op : {0x3, 0x7, 0xB, 0xF}) CHECK(error_of(frame(fin | op, "hi")) == close_protocol_error);
    CHECK(error_of(frame(fin | 0x2, "bin")) == close_binary);
    CHECK(error_of(frame(0x9, "ping")) == close_protocol_error);            // a fragmented control frame
    CHECK(error_of(frame(fin | 0x9, std::string(126, 'p'))) == close_protocol_error); // over 125
    CHECK(error_of(frame(fin | 0x0, "more")) == close_protocol_error);      // continuation, no message
    CHECK(error_of(frame(0x1, "a") + frame(fin | 0x1, "b")) == close_protocol_error); // new message inside one
    CHECK(error_of(frame(fin | 0x1, "\xff")) == close_bad_utf8);
    CHECK(error_of(frame(fin | 0x1, "\xed\xa0\x80")) == close_bad_utf8); // a surrogate
}

TEST_CASE("ws_frame: a fragmented message, a character split between fragments, a ping between") {
    // "é" is C3 A9; the first fragment ends after C3.
    auto bytes = frame(0x1, "{\"t\":\"caf\xc3") + frame(fin | 0x9, "mid") + frame(0x0, "\xa9") +
                 frame(fin | 0xA, "") + frame(fin | 0x0, "\"}");
    for (std::size_t step : {0, 1, 4}) {
        INFO("step " << step);
        auto ev = feed_all(bytes, step);
        REQUIRE(ev.size() == 3);
        CHECK(ev[0].what == event::kind::ping);
        CHECK(ev[0].payload == "mid");
        CHECK(ev[1].what == event::kind::pong);
        CHECK(ev[2].what == event::kind::text);
        CHECK(ev[2].payload == "{\"t\":\"caf\xc3\xa9\"}");
    }
    // Split UTF-8 that never completes is invalid at the end.
    CHECK(error_of(frame(0x1, "caf\xc3") + frame(fin | 0x0, "x")) == close_bad_utf8);
    // Empty fragments are fine.
    auto ev = feed_all(frame(0x1, "") + frame(0x0, "ab") + frame(fin | 0x0, ""));
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].payload == "ab");
    // All fragments count against the limit.
    CHECK(error_of(frame(0x1, std::string(600, 'a')) + frame(fin | 0x0, std::string(600, 'a'))) ==
          close_too_big);
}

TEST_CASE("ws_frame: close frames") {
    auto close_with = [](std::uint16_t code, std::string const& reason) {
        std::string payload = {char(code >> 8), char(code & 0xFF)};
        return frame(fin | 0x8, payload + reason);
    };
    auto ev = feed_all(close_with(1000, "bye"));
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].what == event::kind::close);
    CHECK(ev[0].code == 1000);
    CHECK(ev[0].payload == "bye");
    ev = feed_all(frame(fin | 0x8, ""));
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].code == close_no_status);
    for (std::uint16_t ok : {1001, 1003, 1007, 1011, 1014, 3000, 4404, 4999}) {
        auto e = feed_all(close_with(ok, ""));
        REQUIRE(e.size() == 1);
        CHECK(e[0].what == event::kind::close);
    }
    for (std::uint16_t bad : {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535})
        CHECK(error_of(close_with(bad, "")) == close_protocol_error);
    CHECK(error_of(frame(fin | 0x8, "x")) == close_protocol_error); // one byte
    CHECK(error_of(close_with(1000, "\xff")) == close_protocol_error);
    // Nothing is parsed after a close.
    frame_parser p(limit);
    ev = feed(p, close_with(1000, "") + frame(fin | 0x1, "late"));
    CHECK(ev.size() == 1);
    CHECK(p.done());
}

TEST_CASE("ws_frame: the parser holds nothing between frames") {
    frame_parser p(limit);
    CHECK(p.idle());
    auto bytes = frame(fin | 0x1, "hello");
    feed(p, bytes.substr(0, 3));
    CHECK_FALSE(p.idle());
    feed(p, bytes.substr(3));
    CHECK(p.idle());
    feed(p, frame(0x1, "a"));
    CHECK_FALSE(p.idle()); // inside a fragmented message
}

TEST_CASE("ws_frame: server frame headers and control frames") {
    std::array<char, 10> h{};
    CHECK(frame_header(opcode::text, 0, h) == 2);
    CHECK(static_cast<unsigned char>(h[0]) == 0x81);
    CHECK(h[1] == 0);
    CHECK(frame_header(opcode::text, 125, h) == 2);
    CHECK(h[1] == 125);
    CHECK(frame_header(opcode::text, 126, h) == 4);
    CHECK(h[1] == 126);
    CHECK(static_cast<unsigned char>(h[2]) == 0);
    CHECK(static_cast<unsigned char>(h[3]) == 126);
    CHECK(frame_header(opcode::text, 65535, h) == 4);
    CHECK(frame_header(opcode::text, 65536, h) == 10);
    CHECK(static_cast<unsigned char>(h[1]) == 127);
    CHECK(static_cast<unsigned char>(h[7]) == 1); // 0x10000
    CHECK(static_cast<unsigned char>(h[9]) == 0);

    CHECK(control_frame(opcode::pong, "abc") == std::string("\x8a\x03" "abc"));
    auto c = close_frame(4404, "unknown workshop");
    CHECK(c.substr(0, 4) == std::string("\x88\x12\x11\x34")); // 4404 = 0x1134
    CHECK(c.substr(4) == "unknown workshop");
    // A long reason is cut to 123 bytes, never inside a character.
    std::string reason(122, 'x');
    reason += "\xc3\xa9\xc3\xa9";
    auto cut = close_frame(1000, reason);
    CHECK(cut.size() == 2 + 2 + 122);
    CHECK(static_cast<unsigned char>(cut[1]) == 124);
}

TEST_CASE("ws_frame: the handshake's accept key (RFC 6455 1.3)") {
    CHECK(accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    CHECK(valid_client_key("dGhlIHNhbXBsZSBub25jZQ=="));
    CHECK_FALSE(valid_client_key("dGhlIHNhbXBsZSBub25jZQ="));
    CHECK_FALSE(valid_client_key("dGhlIHNhbXBsZSBub25jZ!=="));
    CHECK_FALSE(valid_client_key(""));
}
