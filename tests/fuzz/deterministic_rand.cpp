// Fuzz build only: replaces OpenSSL's RAND_bytes with a seeded generator, so
// that card ids, tokens and the reveal's shuffle are the same every time an
// input runs, and a crash found once reproduces from its file. The program's
// own definition wins over libcrypto's at dynamic link time; nothing else in
// OpenSSL that the product uses (SHA-256, HMAC) draws random bytes.
#include "deterministic_rand.hpp"

#include <cstdint>

namespace {

std::uint64_t state = 0x9e3779b97f4a7c15ull;

// splitmix64: small, fast and good enough to make ids distinct.
std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

} // namespace

namespace brug::fuzz {

void reseed_random(std::uint64_t seed) { state = seed ^ 0x9e3779b97f4a7c15ull; }

} // namespace brug::fuzz

extern "C" int RAND_bytes(unsigned char* buf, int num) {
    for (int i = 0; i < num; i += 8) {
        std::uint64_t v = next();
        for (int k = 0; k < 8 && i + k < num; ++k) buf[i + k] = static_cast<unsigned char>(v >> (8 * k));
    }
    return 1;
}
