// The reference reads the stream whole, frame by frame, in the order of
// RFC 6455 5.2; the parser under test reads it in arbitrary pieces.
#include "ws_frame_check.hpp"

#include "net/ws_frame.hpp"
#include "protocol/utf8.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace brug::fuzz {

namespace {

using brug::net::ws::event;
using kind = event::kind;

struct seen {
    kind what;
    std::uint16_t code;
    std::string payload;
    bool operator==(seen const&) const = default;
};

std::string describe(std::vector<seen> const& events) {
    std::string out;
    for (auto const& e : events)
        out += "[" + std::to_string(static_cast<int>(e.what)) + " " + std::to_string(e.code) + " " +
               std::to_string(e.payload.size()) + "B]";
    return out;
}

// The whole stream at once. Stops at the first error or close, or where the
// stream ends inside a frame.
std::vector<seen> reference(std::string_view in, std::size_t max_message) {
    std::vector<seen> out;
    bool in_message = false;
    std::string message;
    std::size_t pos = 0;
    auto error = [&](std::uint16_t code) { out.push_back({kind::error, code, {}}); };
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(in[i]); };
    for (;;) {
        if (in.size() - pos < 2) return out;
        bool const fin = byte(pos) & 0x80;
        unsigned const op = byte(pos) & 0x0F;
        bool const control = op >= 8;
        std::uint64_t length = byte(pos + 1) & 0x7F;
        if (byte(pos) & 0x70) return error(1002), out;
        if (!(byte(pos + 1) & 0x80)) return error(1002), out;
        if (!(op <= 2 || (op >= 8 && op <= 10))) return error(1002), out;
        if (control && (!fin || length > 125)) return error(1002), out;
        if (!control && op == 0 && !in_message) return error(1002), out;
        if (!control && op != 0 && in_message) return error(1002), out;
        if (op == 2) return error(1003), out;
        pos += 2;
        if (length >= 126) {
            std::size_t const n = length == 126 ? 2 : 8;
            if (in.size() - pos < n) return out;
            length = 0;
            for (std::size_t i = 0; i < n; ++i) length = (length << 8) | byte(pos + i);
            pos += n;
            if (n == 8 && (length >> 63)) return error(1002), out;
            if ((n == 2 && length < 126) || (n == 8 && length < 65536)) return error(1002), out;
        }
        if (!control && message.size() + length > max_message) return error(1009), out;
        if (in.size() - pos < 4) return out;
        unsigned char const key[4] = {byte(pos), byte(pos + 1), byte(pos + 2), byte(pos + 3)};
        pos += 4;
        if (in.size() - pos < length) return out;
        std::string payload(in.substr(pos, length));
        pos += length;
        for (std::size_t i = 0; i < payload.size(); ++i) payload[i] ^= static_cast<char>(key[i % 4]);
        if (op == 9) {
            out.push_back({kind::ping, 0, payload});
        } else if (op == 10) {
            out.push_back({kind::pong, 0, payload});
        } else if (op == 8) {
            if (payload.empty()) return out.push_back({kind::close, 1005, {}}), out;
            if (payload.size() == 1) return error(1002), out;
            auto const code = static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                                         static_cast<unsigned char>(payload[1]));
            if (!brug::net::ws::valid_close_code(code) ||
                !protocol::is_valid_utf8(std::string_view(payload).substr(2)))
                return error(1002), out;
            return out.push_back({kind::close, code, payload.substr(2)}), out;
        } else {
            message += payload;
            in_message = !fin;
            if (fin) {
                if (!protocol::is_valid_utf8(message)) return error(1007), out;
                out.push_back({kind::text, 0, message});
                message.clear();
            }
        }
    }
}

// The parser under test, fed in pieces of 1 to 64 bytes chosen by `seed`.
std::vector<seen> incremental(std::string_view in, std::size_t max_message, unsigned seed,
                              std::string& problem) {
    brug::net::ws::frame_parser parser(max_message);
    std::vector<seen> out;
    std::string copy(in); // the parser unmasks in place
    std::size_t pos = 0;
    std::uint32_t state = seed * 2654435761u + 1;
    while (pos < copy.size() && !parser.done()) {
        state = state * 1103515245u + 12345u;
        std::size_t const n = std::min<std::size_t>(copy.size() - pos, 1 + (state >> 16) % 64);
        std::size_t used = 0;
        for (;;) {
            event ev;
            std::size_t const u = parser.parse(copy.data() + pos + used, n - used, ev);
            if (u > n - used) problem = "parse consumed more than it was given";
            used += u;
            if (ev.what == kind::none) break;
            // An error's payload says why, for the log; the code is compared.
            if (ev.what == kind::error && ev.payload.empty()) problem = "an error without a reason";
            out.push_back({ev.what, ev.code, ev.what == kind::error ? std::string() : std::string(ev.payload)});
        }
        if (used != n && !parser.done()) problem = "parse left bytes without an event";
        pos += n;
    }
    return out;
}

} // namespace

std::string check_ws_frame(std::string_view stream, std::size_t max_message, unsigned split_seed) {
    std::string problem;
    auto const got = incremental(stream, max_message, split_seed, problem);
    if (!problem.empty()) return problem;
    auto const want = reference(stream, max_message);
    if (got != want) return "events differ: parser " + describe(got) + ", reference " + describe(want);
    for (std::size_t i = 0; i < got.size(); ++i) {
        auto const& e = got[i];
        bool const last = i + 1 == got.size();
        if ((e.what == kind::error || e.what == kind::close) && !last)
            return "an event after an error or a close";
        if (e.what == kind::text) {
            if (!protocol::is_valid_utf8(e.payload)) return "a text message that is not UTF-8";
            if (e.payload.size() > max_message) return "a text message over the limit";
            // Framed again as a client would, it reads back as itself.
            std::array<char, 10> header{};
            auto const n = brug::net::ws::frame_header(brug::net::ws::opcode::text, e.payload.size(), header);
            std::string again(header.data(), n);
            again[1] = static_cast<char>(again[1] | 0x80);
            again.append("\x01\x02\x03\x04", 4);
            for (std::size_t k = 0; k < e.payload.size(); ++k)
                again.push_back(static_cast<char>(e.payload[k] ^ "\x01\x02\x03\x04"[k % 4]));
            brug::net::ws::frame_parser p(max_message);
            event ev;
            p.parse(again.data(), again.size(), ev);
            if (ev.what != kind::text || ev.payload != e.payload) return "a text message framed again reads differently";
        }
        if (e.what == kind::close && !brug::net::ws::valid_close_code(e.code) && e.code != 1005)
            return "a close with an invalid code";
        if (e.what == kind::error && e.code != 1002 && e.code != 1003 && e.code != 1007 && e.code != 1009)
            return "an error with an unexpected close code";
    }
    return {};
}

} // namespace brug::fuzz
