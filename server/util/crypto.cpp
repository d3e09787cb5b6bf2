// Randomness and hashing on top of OpenSSL. Its one-shot functions keep no
// state between calls; HMAC keeps one context per thread (below). Both are
// safe on any thread.
#include "util/crypto.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace brug::util {

namespace {

constexpr std::string_view code_alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
constexpr std::string_view base64url_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr char hex_digits[] = "0123456789abcdef";

// Fills `out` from the OS's CSPRNG. A server that cannot get randomness must
// not go on handing out guessable tokens, so a failure ends the process.
void fill_random(unsigned char* out, std::size_t n) {
    while (n > 0) {
        int chunk = n > (1u << 20) ? (1 << 20) : static_cast<int>(n);
        if (RAND_bytes(out, chunk) != 1) {
            std::fputs("crypto: RAND_bytes failed, stopping\n", stderr);
            std::abort();
        }
        out += chunk;
        n -= static_cast<std::size_t>(chunk);
    }
}

std::string to_hex(unsigned char const* p, std::size_t n) {
    std::string s(n * 2, '\0');
    for (std::size_t i = 0; i < n; ++i) {
        s[2 * i] = hex_digits[p[i] >> 4];
        s[2 * i + 1] = hex_digits[p[i] & 0x0f];
    }
    return s;
}

// Base64url without padding (RFC 4648 section 5).
std::string base64url(unsigned char const* p, std::size_t n) {
    std::string s;
    s.reserve((n * 4 + 2) / 3);
    std::size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        std::uint32_t v = (std::uint32_t(p[i]) << 16) | (std::uint32_t(p[i + 1]) << 8) | p[i + 2];
        s += base64url_alphabet[(v >> 18) & 63];
        s += base64url_alphabet[(v >> 12) & 63];
        s += base64url_alphabet[(v >> 6) & 63];
        s += base64url_alphabet[v & 63];
    }
    if (n - i == 1) {
        std::uint32_t v = std::uint32_t(p[i]) << 16;
        s += base64url_alphabet[(v >> 18) & 63];
        s += base64url_alphabet[(v >> 12) & 63];
    } else if (n - i == 2) {
        std::uint32_t v = (std::uint32_t(p[i]) << 16) | (std::uint32_t(p[i + 1]) << 8);
        s += base64url_alphabet[(v >> 18) & 63];
        s += base64url_alphabet[(v >> 12) & 63];
        s += base64url_alphabet[(v >> 6) & 63];
    }
    return s;
}

char upper_ascii(char c) {
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

bool in_code_alphabet(char c) {
    return code_alphabet.find(c) != std::string_view::npos;
}

} // namespace

std::string random_bytes(std::size_t n) {
    std::string raw(n, '\0');
    fill_random(reinterpret_cast<unsigned char*>(raw.data()), n);
    return raw;
}

std::string random_token(std::size_t n) {
    std::string raw(n, '\0');
    fill_random(reinterpret_cast<unsigned char*>(raw.data()), n);
    return base64url(reinterpret_cast<unsigned char const*>(raw.data()), n);
}

std::string random_hex(std::size_t n) {
    std::string raw(n, '\0');
    fill_random(reinterpret_cast<unsigned char*>(raw.data()), n);
    return to_hex(reinterpret_cast<unsigned char const*>(raw.data()), n);
}

// Letters of `first_letters` outside the alphabet (after upper-casing) are
// ignored; when none is left, the first character is drawn like the others.
std::string random_workshop_code(std::string_view first_letters) {
    std::string firsts;
    for (char c : first_letters) {
        char u = upper_ascii(c);
        if (in_code_alphabet(u) && firsts.find(u) == std::string::npos) firsts += u;
    }
    std::string code;
    code.reserve(9);
    for (int i = 0; i < 8; ++i) {
        if (i == 4) code += '-';
        if (i == 0 && !firsts.empty())
            code += firsts[random_below(firsts.size())];
        else
            code += code_alphabet[random_below(code_alphabet.size())];
    }
    return code;
}

// Accepts exactly 8 alphabet characters in any case, either as one run or
// split 4-4 by a single dash. Nothing is trimmed: anything else is "".
std::string canonical_code(std::string_view typed) {
    std::string chars;
    if (typed.size() == 9) {
        if (typed[4] != '-') return {};
        chars.append(typed.substr(0, 4));
        chars.append(typed.substr(5));
    } else if (typed.size() == 8) {
        chars.assign(typed);
    } else {
        return {};
    }
    for (char& c : chars) {
        c = upper_ascii(c);
        if (!in_code_alphabet(c)) return {};
    }
    return chars.substr(0, 4) + "-" + chars.substr(4);
}

std::string sha256_hex(std::string_view data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1) {
        std::fputs("crypto: SHA-256 failed, stopping\n", stderr);
        std::abort();
    }
    return to_hex(md, len);
}

namespace {

// OpenSSL 3's one-shot HMAC() looks up the HMAC and SHA-256 implementations
// by name and builds a context on every call; two calls per card post made
// that a visible share of the model's time. Each thread keeps one context with
// SHA-256 chosen once and only sets the key per call, so it stays safe on any
// thread without a lock.
class hmac_context {
public:
    hmac_context() {
        mac_ = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
        ctx_ = mac_ ? EVP_MAC_CTX_new(mac_) : nullptr;
        char digest[] = "SHA256";
        OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_construct_end()};
        if (!ctx_ || EVP_MAC_CTX_set_params(ctx_, params) != 1) fail();
    }
    ~hmac_context() {
        EVP_MAC_CTX_free(ctx_);
        EVP_MAC_free(mac_);
    }
    hmac_context(hmac_context const&) = delete;
    hmac_context& operator=(hmac_context const&) = delete;

    // OpenSSL treats a null key specially; it gets a real pointer even when empty.
    std::string digest(std::string_view key, std::string_view data) {
        static unsigned char const empty = 0;
        unsigned char const* k =
            key.empty() ? &empty : reinterpret_cast<unsigned char const*>(key.data());
        unsigned char const* d =
            data.empty() ? &empty : reinterpret_cast<unsigned char const*>(data.data());
        unsigned char md[EVP_MAX_MD_SIZE];
        std::size_t len = 0;
        if (EVP_MAC_init(ctx_, k, key.size(), nullptr) != 1 ||
            EVP_MAC_update(ctx_, d, data.size()) != 1 ||
            EVP_MAC_final(ctx_, md, &len, sizeof md) != 1)
            fail();
        return std::string(reinterpret_cast<char const*>(md), len);
    }

private:
    [[noreturn]] static void fail() {
        std::fputs("crypto: HMAC-SHA-256 failed, stopping\n", stderr);
        std::abort();
    }

    EVP_MAC* mac_ = nullptr;
    EVP_MAC_CTX* ctx_ = nullptr;
};

} // namespace

std::string hmac_raw(std::string_view key, std::string_view data) {
    thread_local hmac_context context;
    return context.digest(key, data);
}

std::string hmac_hex(std::string_view key, std::string_view data) {
    std::string raw = hmac_raw(key, data);
    return to_hex(reinterpret_cast<unsigned char const*>(raw.data()), raw.size());
}

// Lengths are not secret (all our secrets have fixed lengths); contents are.
bool equal_secret(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    if (a.empty()) return true;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// Rejection sampling: draws below 2^64 mod bound would make the low values
// more likely, so they are drawn again (at most half the draws, usually none).
std::size_t random_below(std::size_t bound) {
    std::uint64_t const b = bound;
    std::uint64_t const reject_below = (0 - b) % b; // == 2^64 mod b
    for (;;) {
        std::uint64_t r = 0;
        fill_random(reinterpret_cast<unsigned char*>(&r), sizeof r);
        if (r >= reject_below) return static_cast<std::size_t>(r % b);
    }
}

} // namespace brug::util
