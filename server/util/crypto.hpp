// Randomness and hashing, from OpenSSL. Safe on any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace brug::util {

// `n` bytes from the OS's CSPRNG, as URL-safe base64 without padding.
std::string random_token(std::size_t n = 24);

// `n` raw bytes from the OS's CSPRNG (keys, the server's secret).
std::string random_bytes(std::size_t n);

// `n` random bytes as lowercase hex (ids of cards, clusters, agreements).
std::string random_hex(std::size_t n = 12);

// A workshop code: 8 characters from ABCDEFGHJKMNPQRSTUVWXYZ23456789, "XXXX-XXXX".
// With a non-empty `first_letters`, the first character is one of them (sharding).
std::string random_workshop_code(std::string_view first_letters = {});

// A code as typed by a person ("k7qm3xpa", "K7QM-3XPA") in canonical form, or
// "" when it is not a well-formed code.
std::string canonical_code(std::string_view typed);

// Lowercase hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

// Lowercase hex HMAC-SHA-256 of `data` under `key`.
std::string hmac_hex(std::string_view key, std::string_view data);

// Raw HMAC-SHA-256 (32 bytes) of `data` under `key`.
std::string hmac_raw(std::string_view key, std::string_view data);

// Constant-time comparison.
bool equal_secret(std::string_view a, std::string_view b);

// A uniformly random integer in [0, bound). REQUIRES: bound > 0.
std::size_t random_below(std::size_t bound);

} // namespace brug::util
