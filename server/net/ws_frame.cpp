// Follows RFC 6455 section 5.2 (the frame layout) step by step:
//
//   byte 0: FIN, RSV1-3, opcode    byte 1: MASK, payload length (7 bits)
//   then 2 or 8 bytes of extended length (when the 7 bits say 126 or 127),
//   then the 4-byte masking key, then the masked payload.
//
// The parser collects the header bytes (at most 2 + 8 + 4) in a small array,
// checks each part as soon as it is complete, and then unmasks the payload
// where it lies. A frame that arrives whole is handed out where it lies;
// only fragments and frames split between reads are copied.
#include "net/ws_frame.hpp"

#include "protocol/utf8.hpp"

#include <algorithm>
#include <cstring>

#include <openssl/evp.h>

namespace brug::net::ws {

namespace {

bool is_control(opcode op) {
    return (static_cast<std::uint8_t>(op) & 0x8) != 0;
}

bool known_opcode(std::uint8_t op) {
    return op <= 0x2 || (op >= 0x8 && op <= 0xA);
}

} // namespace

bool valid_close_code(std::uint16_t code) {
    // 1004 is reserved, 1005 and 1006 are never sent on the wire, 1015 is
    // for TLS failures; 1016-2999 are reserved; 3000-4999 are for libraries
    // and applications.
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
           (code >= 3000 && code <= 4999);
}

event frame_parser::fail(std::uint16_t code, char const* why) {
    state_ = state::done;
    return {event::kind::error, code, why};
}

// The first two bytes (5.2): refuses what the server never accepts before
// any payload is read.
bool frame_parser::check_header(event& out) {
    auto const b0 = header_[0];
    auto const b1 = header_[1];
    fin_ = (b0 & 0x80) != 0;
    auto const op = static_cast<std::uint8_t>(b0 & 0x0F);
    if ((b0 & 0x70) != 0) { // no extension was negotiated (5.2: RSV1-3)
        out = fail(close_protocol_error, "reserved bits set");
        return false;
    }
    if ((b1 & 0x80) == 0) { // 5.1: a client masks every frame
        out = fail(close_protocol_error, "an unmasked client frame");
        return false;
    }
    if (!known_opcode(op)) {
        out = fail(close_protocol_error, "an unknown opcode");
        return false;
    }
    op_ = static_cast<opcode>(op);
    if (is_control(op_)) { // 5.5: short and never fragmented
        if (!fin_) {
            out = fail(close_protocol_error, "a fragmented control frame");
            return false;
        }
        if ((b1 & 0x7F) > 125) {
            out = fail(close_protocol_error, "a control frame over 125 bytes");
            return false;
        }
        return true;
    }
    // 5.4: a continuation only inside a message, a new message only outside one.
    if (op_ == opcode::continuation && !in_message_) {
        out = fail(close_protocol_error, "a continuation frame without a message");
        return false;
    }
    if (op_ != opcode::continuation && in_message_) {
        out = fail(close_protocol_error, "a new message inside a fragmented one");
        return false;
    }
    if (op_ == opcode::binary) {
        out = fail(close_binary, "binary frames are not accepted");
        return false;
    }
    return true;
}

// Collects header bytes; acts on each part once it is complete.
std::size_t frame_parser::parse_header(char const* data, std::size_t size, event& out) {
    std::size_t const n = std::min(size, header_need_ - header_have_);
    std::memcpy(header_.data() + header_have_, data, n);
    header_have_ += n;
    if (header_have_ < header_need_) return n;
    header_have_ = 0;

    if (state_ == state::header) {
        if (!check_header(out)) return n;
        auto const len7 = header_[1] & 0x7F;
        if (len7 == 126 || len7 == 127) {
            header_need_ = len7 == 126 ? 2 : 8;
            state_ = state::extended_length;
            return n;
        }
        length_ = len7;
    } else if (state_ == state::extended_length) {
        length_ = 0;
        for (std::size_t i = 0; i < header_need_; ++i) length_ = (length_ << 8) | header_[i];
        // 5.2: the most significant bit is 0, and the shortest form is used.
        if (header_need_ == 8 && (length_ >> 63) != 0) {
            out = fail(close_protocol_error, "a 64-bit length with its top bit set");
            return n;
        }
        if ((header_need_ == 2 && length_ < 126) || (header_need_ == 8 && length_ <= 0xFFFF)) {
            out = fail(close_protocol_error, "a length not in its shortest form");
            return n;
        }
    } else { // state::mask
        std::copy_n(header_.begin(), 4, mask_.begin());
        header_need_ = 2;
        read_ = 0;
        state_ = state::payload;
        if (length_ == 0) {
            state_ = state::header;
            out = finish_buffered();
        }
        return n;
    }

    // The length is known: a message over the limit is refused before its
    // payload is read (all fragments count together).
    if (!is_control(op_) && length_ > max_message_ - std::min(max_message_, message_.size())) {
        out = fail(close_too_big, "a message over the size limit");
        return n;
    }
    header_need_ = 4;
    state_ = state::mask;
    return n;
}

// A frame's payload is complete: what it means.
event frame_parser::finish_frame(std::string_view payload) {
    switch (op_) {
    case opcode::ping:
        return {event::kind::ping, 0, payload};
    case opcode::pong:
        return {event::kind::pong, 0, payload};
    case opcode::close: {
        // 5.5.1: no body, or a 2-byte code and a UTF-8 reason.
        if (payload.empty()) {
            state_ = state::done;
            return {event::kind::close, close_no_status, {}};
        }
        if (payload.size() == 1) return fail(close_protocol_error, "a close frame of one byte");
        auto const code = static_cast<std::uint16_t>(
            (static_cast<unsigned char>(payload[0]) << 8) | static_cast<unsigned char>(payload[1]));
        if (!valid_close_code(code)) return fail(close_protocol_error, "an invalid close code");
        auto const reason = payload.substr(2);
        if (!protocol::is_valid_utf8(reason))
            return fail(close_protocol_error, "a close reason that is not UTF-8");
        state_ = state::done;
        return {event::kind::close, code, reason};
    }
    default: // text or continuation; binary was refused in the header
        if (!fin_) {
            in_message_ = true; // the fragment is in message_
            return {};
        }
        in_message_ = false;
        // The whole message: a character split between fragments is whole here.
        if (!protocol::is_valid_utf8(payload))
            return fail(close_bad_utf8, "a text message that is not valid UTF-8");
        return {event::kind::text, 0, payload};
    }
}

// A frame's payload is complete in control_ or message_.
event frame_parser::finish_buffered() {
    if (is_control(op_)) {
        release_control_ = true;
        return finish_frame(control_);
    }
    auto ev = finish_frame(fin_ ? std::string_view(message_) : std::string_view());
    if (ev.what == event::kind::text) release_message_ = true;
    return ev;
}

std::size_t frame_parser::parse(char* data, std::size_t size, event& out) {
    out = {};
    // What the previous call handed out is no longer needed.
    if (release_message_) {
        std::string().swap(message_);
        release_message_ = false;
    }
    if (release_control_) {
        std::string().swap(control_);
        release_control_ = false;
    }
    std::size_t used = 0;
    while (used < size && state_ != state::done && out.what == event::kind::none) {
        if (state_ != state::payload) {
            used += parse_header(data + used, size - used, out);
            continue;
        }
        // 5.3: byte i of the payload is XORed with byte i mod 4 of the key.
        auto const n = static_cast<std::size_t>(std::min<std::uint64_t>(size - used, length_ - read_));
        char* const p = data + used;
        for (std::size_t i = 0; i < n; ++i) p[i] ^= static_cast<char>(mask_[(read_ + i) & 3]);
        used += n;
        bool const control = is_control(op_);
        bool const whole = read_ == 0 && n == length_ && (control || (fin_ && !in_message_));
        read_ += n;
        if (whole) { // the usual case: hand it out where it lies
            state_ = state::header;
            out = finish_frame({p, n});
            continue;
        }
        (control ? control_ : message_).append(p, n);
        if (read_ < length_) continue;
        state_ = state::header;
        out = finish_buffered();
    }
    return used;
}

bool frame_parser::idle() const {
    return state_ == state::header && header_have_ == 0 && !in_message_;
}

std::size_t frame_header(opcode op, std::size_t payload_size, std::array<char, 10>& out) {
    out[0] = static_cast<char>(0x80 | static_cast<std::uint8_t>(op)); // FIN
    if (payload_size < 126) {
        out[1] = static_cast<char>(payload_size);
        return 2;
    }
    if (payload_size <= 0xFFFF) {
        out[1] = 126;
        out[2] = static_cast<char>(payload_size >> 8);
        out[3] = static_cast<char>(payload_size & 0xFF);
        return 4;
    }
    out[1] = 127;
    auto const size = static_cast<std::uint64_t>(payload_size);
    for (int i = 0; i < 8; ++i) out[2 + i] = static_cast<char>((size >> (8 * (7 - i))) & 0xFF);
    return 10;
}

std::string control_frame(opcode op, std::string_view payload) {
    payload = payload.substr(0, 125);
    std::array<char, 10> header{};
    auto const n = frame_header(op, payload.size(), header);
    std::string frame(header.data(), n);
    frame.append(payload);
    return frame;
}

std::string close_frame(std::uint16_t code, std::string_view reason) {
    // 123 bytes of reason at most, cut before a continuation byte so that
    // a character is never split.
    if (reason.size() > 123) {
        std::size_t end = 123;
        while (end > 0 && (static_cast<unsigned char>(reason[end]) & 0xC0) == 0x80) --end;
        reason = reason.substr(0, end);
    }
    std::string payload;
    payload.push_back(static_cast<char>(code >> 8));
    payload.push_back(static_cast<char>(code & 0xFF));
    payload.append(reason);
    return control_frame(opcode::close, payload);
}

std::string accept_key(std::string_view client_key) {
    static constexpr std::string_view guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    std::string input(client_key);
    input.append(guid);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_size = 0;
    EVP_Digest(input.data(), input.size(), digest, &digest_size, EVP_sha1(), nullptr);
    unsigned char encoded[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
    int const n = EVP_EncodeBlock(encoded, digest, static_cast<int>(digest_size));
    return std::string(reinterpret_cast<char const*>(encoded), static_cast<std::size_t>(n));
}

bool valid_client_key(std::string_view client_key) {
    if (client_key.size() != 24 || client_key.substr(22) != "==") return false;
    return std::all_of(client_key.begin(), client_key.begin() + 22, [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '+' || c == '/';
    });
}

} // namespace brug::net::ws
