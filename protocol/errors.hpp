// Error codes of the wire contract (protocol.md 3.7) and the value that carries them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace brug::protocol {

enum class error_code {
    bad_json,
    bad_message,
    unknown_type,
    already_joined,
    forbidden,
    not_found,
    wrong_phase,
    too_long,
    rate_limited,
    vote_limit,
    anonymity_threshold,
    limit_reached,
    closed,
    internal,
};

// The wire name of a code, e.g. "bad_message".
std::string_view to_string(error_code code);

// An error answer: a code and a message for a person ("text: at most 500 characters").
struct error {
    error_code code;
    std::string message;
};

} // namespace brug::protocol
