// Fuzz build only (deterministic_rand.cpp): OpenSSL's RAND_bytes made
// deterministic, so that an input replays the same ids and shuffles.
#pragma once

#include <cstdint>

namespace brug::fuzz {

// Restarts the sequence RAND_bytes returns; called at the start of each input.
void reseed_random(std::uint64_t seed);

} // namespace brug::fuzz
