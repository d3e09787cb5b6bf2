// Decoding and validating one client frame. No I/O; safe on any thread.
#pragma once

#include "protocol/commands.hpp"
#include "protocol/errors.hpp"
#include "protocol/limits.hpp"

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>

namespace brug::protocol {

// A refused frame: the error to answer, with the frame's `req` when it could be read.
struct decode_error {
    protocol::error error;
    std::optional<std::int64_t> req;
};

using decode_result = std::variant<envelope, decode_error>;

// Decodes a text frame's payload. Checks, in the contract's order: JSON syntax
// (bad_json), an object (an array or scalar is bad_message), nesting depth,
// `type` (unknown_type), then each field's presence, type and range
// (bad_message naming the field, too_long for text over its limit). Strings
// are trimmed of white space and counted in code points; a string holding a
// lone surrogate escape is bad_message. Unknown extra fields are ignored.
// REQUIRES: `frame` is valid UTF-8 (the WebSocket layer closes with 1007 otherwise).
decode_result decode(std::string_view frame, limits const& lim = {});

} // namespace brug::protocol
