#include "protocol/errors.hpp"

namespace brug::protocol {

std::string_view to_string(error_code code) {
    // One line per code, so that it reads as the table it is.
    // clang-format off
    switch (code) {
    case error_code::bad_json: return "bad_json";
    case error_code::bad_message: return "bad_message";
    case error_code::unknown_type: return "unknown_type";
    case error_code::already_joined: return "already_joined";
    case error_code::forbidden: return "forbidden";
    case error_code::not_found: return "not_found";
    case error_code::wrong_phase: return "wrong_phase";
    case error_code::too_long: return "too_long";
    case error_code::rate_limited: return "rate_limited";
    case error_code::vote_limit: return "vote_limit";
    case error_code::anonymity_threshold: return "anonymity_threshold";
    case error_code::limit_reached: return "limit_reached";
    case error_code::closed: return "closed";
    case error_code::internal: return "internal";
    }
    // clang-format on
    return "internal";
}

} // namespace brug::protocol
