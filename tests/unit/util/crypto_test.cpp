// Tests of util/crypto: formats of tokens and codes, known answers of the
// hashes, and the spread of random_below.
#include "util/crypto.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace brug::util;

namespace {

constexpr std::string_view alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

bool is_hex(std::string const& s) {
    return s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

} // namespace

TEST_CASE("crypto: workshop codes are XXXX-XXXX from the code alphabet") {
    for (int i = 0; i < 500; ++i) {
        std::string code = random_workshop_code();
        REQUIRE(code.size() == 9);
        REQUIRE(code[4] == '-');
        for (std::size_t j = 0; j < code.size(); ++j)
            if (j != 4) REQUIRE(alphabet.find(code[j]) != std::string_view::npos);
        REQUIRE(canonical_code(code) == code);
    }
}

TEST_CASE("crypto: every code character turns up, and nothing else") {
    std::set<char> seen;
    for (int i = 0; i < 2000; ++i)
        for (char c : random_workshop_code())
            if (c != '-') seen.insert(c);
    CHECK(seen.size() == alphabet.size());
}

TEST_CASE("crypto: first_letters pins the first character") {
    for (int i = 0; i < 200; ++i) {
        std::string code = random_workshop_code("ab");
        REQUIRE((code[0] == 'A' || code[0] == 'B'));
        REQUIRE(canonical_code(code) == code);
    }
    // Letters outside the alphabet are ignored rather than produce a bad code.
    for (int i = 0; i < 50; ++i)
        REQUIRE(!canonical_code(random_workshop_code("0O1I")).empty());
}

TEST_CASE("crypto: canonical_code accepts codes as people type them") {
    auto [typed, canonical] = GENERATE(table<std::string, std::string>({
        {"K7QM-3XPA", "K7QM-3XPA"},
        {"k7qm-3xpa", "K7QM-3XPA"},
        {"K7QM3XPA", "K7QM-3XPA"},
        {"k7qm3xpa", "K7QM-3XPA"},
        {"K7qM-3xPa", "K7QM-3XPA"},
        {"ABCD-EFGH", "ABCD-EFGH"},
        {"23456789", "2345-6789"},
        {"zzzz-zzzz", "ZZZZ-ZZZZ"},
    }));
    INFO("typed: " << typed);
    CHECK(canonical_code(typed) == canonical);
}

TEST_CASE("crypto: canonical_code rejects anything else") {
    auto typed = GENERATE(as<std::string>{},
                          "",                            // empty
                          "K7QM-3XP",                    // too short
                          "K7QM3XP",                     // too short without dash
                          "K7QM-3XPAB",                  // too long
                          "K7QM3XPAB",                   // nine characters, no dash
                          "K7Q-M3XPA",                   // dash in the wrong place
                          "K7QM--3XPA",                  // two dashes
                          "K7QM 3XPA",                   // space instead of dash
                          " K7QM-3XPA",                  // leading space
                          "K7QM-3XPA ",                  // trailing space
                          "K7QM-3XP0",                   // zero is not in the alphabet
                          "K7QM-3XPO",                   // nor O
                          "K1QM-3XPA",                   // nor 1
                          "KIQM-3XPA",                   // nor I
                          "KLQM-3XPA",                   // nor L
                          "klqm3xpa",                    // l in lower case is L
                          "K7QM_3XPA",                   // underscore
                          "K7QM-3XP\xC3\xA9",            // a non-ASCII letter
                          std::string("K7QM-3XP\0", 9)); // an embedded NUL
    INFO("typed: " << typed);
    CHECK(canonical_code(typed).empty());
}

TEST_CASE("crypto: random_token is URL-safe base64 without padding") {
    auto n = GENERATE(std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{16},
                      std::size_t{24}, std::size_t{32});
    std::string t = random_token(n);
    CHECK(t.size() == (n * 4 + 2) / 3);
    CHECK(t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
          std::string::npos);
}

TEST_CASE("crypto: default random_token carries 192 bits and does not repeat") {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        std::string t = random_token();
        REQUIRE(t.size() == 32);
        REQUIRE(seen.insert(t).second);
    }
}

TEST_CASE("crypto: random_hex and random_bytes have the asked length") {
    CHECK(random_hex().size() == 24);
    CHECK(is_hex(random_hex()));
    CHECK(random_hex(16).size() == 32);
    CHECK(random_bytes(32).size() == 32);
    CHECK(random_bytes(32) != random_bytes(32));
}

TEST_CASE("crypto: sha256_hex matches known answers") {
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("crypto: hmac matches RFC 4231 test cases 1 and 2") {
    CHECK(hmac_hex(std::string(20, '\x0b'), "Hi There") ==
          "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    CHECK(hmac_hex("Jefe", "what do ya want for nothing?") ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    std::string raw = hmac_raw("Jefe", "what do ya want for nothing?");
    REQUIRE(raw.size() == 32);
    CHECK(static_cast<unsigned char>(raw[0]) == 0x5b);
    CHECK(static_cast<unsigned char>(raw[31]) == 0x43);
    // An empty key and empty data are valid inputs, not errors.
    CHECK(hmac_hex("", "").size() == 64);
}

TEST_CASE("crypto: hmac keeps no key from one call to the next") {
    // Each thread reuses one HMAC context; every call must start from its own key.
    std::string const long_key(131, '\xaa'); // RFC 4231 test case 6: longer than a block
    std::string const long_mac = "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54";
    std::string const jefe_mac = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
    std::string const empty_mac = "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad";
    for (int round = 0; round < 3; ++round) {
        CHECK(hmac_hex(long_key, "Test Using Larger Than Block-Size Key - Hash Key First") == long_mac);
        CHECK(hmac_hex("Jefe", "what do ya want for nothing?") == jefe_mac);
        CHECK(hmac_hex("", "") == empty_mac);
    }
}

TEST_CASE("crypto: hmac gives the same answers on several threads at once") {
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&wrong, t] {
            std::string key = "key" + std::to_string(t);
            std::string expected = hmac_hex(key, "data");
            for (int i = 0; i < 2000; ++i) {
                if (hmac_hex(key, "data") != expected) ++wrong;
                if (hmac_hex("Jefe", "what do ya want for nothing?") !=
                    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
                    ++wrong;
            }
        });
    for (auto& t : threads) t.join();
    CHECK(wrong == 0);
}

TEST_CASE("crypto: equal_secret compares contents and lengths") {
    CHECK(equal_secret("abc", "abc"));
    CHECK(equal_secret("", ""));
    CHECK_FALSE(equal_secret("abc", "abd"));
    CHECK_FALSE(equal_secret("abc", "abcd"));
    CHECK_FALSE(equal_secret("", "a"));
}

TEST_CASE("crypto: random_below stays in range and is roughly uniform") {
    CHECK(random_below(1) == 0);
    std::vector<int> counts(31, 0);
    int const draws = 31 * 1000;
    for (int i = 0; i < draws; ++i) {
        std::size_t r = random_below(31);
        REQUIRE(r < 31);
        ++counts[r];
    }
    // Each bucket expects 1000 (sd about 31); 800..1200 fails by chance
    // less than once in 10^9 runs.
    for (int c : counts)
        CHECK((c > 800 && c < 1200));
    // A bound just above 2^63 rejects almost half the draws and still ends.
    std::size_t big = (std::size_t{1} << 63) + 1;
    for (int i = 0; i < 20; ++i)
        REQUIRE(random_below(big) < big);
}
