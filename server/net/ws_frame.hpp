// RFC 6455 framing, without any network: a parser for what a client sends
// (section 5.2 to 5.5, and 7.4 for close codes) and the headers of what the
// server sends. The WebSocket session reads bytes from the socket, feeds them
// here, and acts on what comes back; it writes frames as a header from here
// plus the payload, which is shared between connections and never copied.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace brug::net::ws {

enum class opcode : std::uint8_t {
    continuation = 0x0,
    text = 0x1,
    binary = 0x2,
    close = 0x8,
    ping = 0x9,
    pong = 0xA,
};

// Close codes this layer sends (protocol.md section 9).
inline constexpr std::uint16_t close_normal = 1000;
inline constexpr std::uint16_t close_protocol_error = 1002;
inline constexpr std::uint16_t close_binary = 1003;    // we accept text only
inline constexpr std::uint16_t close_no_status = 1005; // received without a code; never sent
inline constexpr std::uint16_t close_bad_utf8 = 1007;
inline constexpr std::uint16_t close_too_big = 1009;

// What parse() found: nothing yet, or one complete thing.
struct event {
    enum class kind : std::uint8_t {
        none,  // all input consumed; more bytes are needed
        text,  // a whole text message (reassembled), valid UTF-8, in `payload`
        ping,  // `payload`: what the pong must carry
        pong,
        close, // `code`: the peer's (close_no_status when none), `payload`: its reason
        error, // the client broke the protocol: close with `code`; `payload` says why
    };
    kind what = kind::none;
    std::uint16_t code = 0;
    std::string_view payload;
};

// Parses client frames incrementally: bytes may arrive split anywhere.
// Unmasks in place. A payload view points into the caller's input (a whole
// unfragmented frame that arrived in one piece) or into the parser's own
// buffer, and holds until the next call. After an error or a close, the
// parser accepts nothing more.
class frame_parser {
public:
    // `max_message`: the largest message (all fragments together) accepted;
    // larger ones are an error with close_too_big.
    explicit frame_parser(std::size_t max_message) : max_message_(max_message) {}

    // Consumes bytes from data[0, size) up to the end of the first complete
    // event, which it writes to `out` (kind::none when all were consumed
    // without one). Returns the bytes consumed; call again with the rest
    // until it returns kind::none: that call frees what was handed out.
    std::size_t parse(char* data, std::size_t size, event& out);

    // Between frames, with no partial message: the parser holds no memory.
    bool idle() const;

    // An error or a close was returned: nothing more is parsed.
    bool done() const { return state_ == state::done; }

private:
    enum class state : std::uint8_t { header, extended_length, mask, payload, done };

    std::size_t parse_header(char const* data, std::size_t size, event& out);
    bool check_header(event& out);
    event finish_frame(std::string_view payload);
    event finish_buffered();
    event fail(std::uint16_t code, char const* why);

    std::size_t const max_message_;
    state state_ = state::header;

    // The frame being read.
    std::array<unsigned char, 8> header_{}; // first two bytes, then the extended length
    std::size_t header_have_ = 0;
    std::size_t header_need_ = 2;
    bool fin_ = false;
    opcode op_ = opcode::continuation;
    std::uint64_t length_ = 0;
    std::uint64_t read_ = 0;                // payload bytes of this frame read so far
    std::array<unsigned char, 4> mask_{};

    // A text message in fragments, or a frame that arrived in pieces.
    bool in_message_ = false;  // a text message's first frame came, without FIN
    std::string message_;      // its payload so far
    std::string control_;      // a control frame's payload arriving in pieces
    bool release_message_ = false; // message_ was handed out: free it on the next call
    bool release_control_ = false;
};

// Whether `code`, received in a close frame, is one a peer may send
// (RFC 6455 7.4.1 and 7.4.2; the IANA registry through 1014).
bool valid_close_code(std::uint16_t code);

// The header of an unmasked server frame with FIN set, written to `out`;
// returns its length (2, 4 or 10 bytes).
std::size_t frame_header(opcode op, std::size_t payload_size, std::array<char, 10>& out);

// A whole control frame (ping, pong, close) of at most 125 payload bytes.
std::string control_frame(opcode op, std::string_view payload);

// A close frame with `code` and `reason` (cut to fit 125 bytes, never
// mid-character).
std::string close_frame(std::uint16_t code, std::string_view reason);

// Sec-WebSocket-Accept for a client's Sec-WebSocket-Key (RFC 6455 4.2.2).
std::string accept_key(std::string_view client_key);

// A Sec-WebSocket-Key is 16 bytes in base64: 22 characters and "==".
bool valid_client_key(std::string_view client_key);

} // namespace brug::net::ws
