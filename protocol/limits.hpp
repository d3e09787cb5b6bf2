// Limits the decoder enforces on client frames (protocol.md 3.9). Each has a
// named default; the server fills them from its options.
#pragma once

#include <cstddef>

namespace brug::protocol {

struct limits {
    static constexpr std::size_t default_max_depth = 16;
    static constexpr std::size_t default_max_card_chars = 500;

    std::size_t max_depth = default_max_depth;           // JSON nesting of a client frame
    std::size_t max_card_chars = default_max_card_chars; // card text and intention, code points
};

// Fixed field lengths from the contract, in code points after trimming.
inline constexpr std::size_t max_checkin_chars = 60;
inline constexpr std::size_t max_nonce_chars = 64;
inline constexpr std::size_t max_cluster_title_chars = 80;
inline constexpr std::size_t max_prompt_chars = 200;
inline constexpr std::size_t max_agreement_text_chars = 300;
inline constexpr std::size_t max_agreement_owner_chars = 80;
inline constexpr int max_timer_seconds = 7200;
inline constexpr std::size_t max_id_chars = 64; // card, cluster, agreement ids in commands
inline constexpr std::size_t max_similar_limit = 50;
// participant_token and facilitator_key in hello: far above what the server
// issues, low enough that a frame cannot make the server hash a novel.
inline constexpr std::size_t max_secret_chars = 256;

} // namespace brug::protocol
