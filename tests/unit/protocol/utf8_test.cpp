// UTF-8 validation, code point counting and trimming (protocol/utf8.hpp).
#include "protocol/utf8.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace brug::protocol;
using namespace std::string_literals;

TEST_CASE("utf8: well-formed sequences of every length are valid") {
    auto const s = GENERATE(as<std::string>{}, "", "ascii", "caf\xC3\xA9", "\xC2\x80", "\xDF\xBF",
                            "\xE0\xA0\x80", "\xED\x9F\xBF", "\xEE\x80\x80", "\xEF\xBF\xBF",
                            "\xF0\x90\x80\x80", "\xF0\x9F\x98\x80", "\xF4\x8F\xBF\xBF", "a\0b"s);
    CHECK(is_valid_utf8(s));
}

TEST_CASE("utf8: overlongs, surrogates, out-of-range and broken sequences are invalid") {
    auto const s = GENERATE(as<std::string>{},
                            "\xC0\x80",                 // overlong NUL
                            "\xC1\xBF",                 // overlong 0x7F
                            "\xE0\x80\xAF",             // overlong '/'
                            "\xE0\x9F\xBF",             // overlong U+07FF
                            "\xF0\x8F\xBF\xBF",         // overlong U+FFFF
                            "\xED\xA0\x80",             // U+D800, a surrogate
                            "\xED\xBF\xBF",             // U+DFFF
                            "\xED\xA0\xBD\xED\xB8\x80", // CESU-8 pair
                            "\xF4\x90\x80\x80",         // U+110000
                            "\xF5\x80\x80\x80", "\xFF", "\xFE",
                            "\x80",         // stray continuation
                            "a\xBF",        // stray continuation after ASCII
                            "\xC3",         // truncated at the end
                            "\xE2\x82",     // truncated
                            "\xF0\x9F\x98", // truncated
                            "\xC3\x28",     // bad continuation
                            "\xE2\x28\xA1", "\xF0\x9F\x28\x80");
    CHECK_FALSE(is_valid_utf8(s));
}

TEST_CASE("utf8: code points count characters, not bytes") {
    CHECK(code_points("") == 0);
    CHECK(code_points("abc") == 3);
    CHECK(code_points("caf\xC3\xA9") == 4);      // café, precomposed é
    CHECK(code_points("cafe\xCC\x81") == 5);     // café, e + combining acute: two code points
    CHECK(code_points("\xF0\x9F\x98\x80") == 1); // 😀
    CHECK(code_points("\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD") ==
          2);                                            // 👍🏽: emoji + skin tone modifier
    CHECK(code_points("\xE2\x82\xAC 5") == 3);           // € 5
    CHECK(code_points("\xE6\x97\xA5\xE6\x9C\xAC") == 2); // 日本
}

TEST_CASE("utf8: trim removes ASCII and Unicode white space at both ends only") {
    CHECK(trim("") == "");
    CHECK(trim("   ") == "");
    CHECK(trim(" \t\r\n\v\fa b\t\n") == "a b");
    CHECK(trim("\xC2\xA0hallo\xC2\xA0") == "hallo");           // no-break space
    CHECK(trim("\xE3\x80\x80wereld\xE2\x80\x83") == "wereld"); // ideographic space, em space
    CHECK(trim("\xEF\xBB\xBFtekst") == "tekst");               // byte order mark
    CHECK(trim("\xE2\x80\xA8x\xE2\x80\xA9") == "x");           // line and paragraph separators
    CHECK(trim("\xC2\x85x\xE2\x80\xAF") == "x");               // NEL, narrow no-break space
    CHECK(trim("a\xC2\xA0 b") == "a\xC2\xA0 b");               // inside stays
    CHECK(trim("\xE2\x80\x8Bx") == "\xE2\x80\x8Bx"); // zero-width space is not white space
    CHECK(trim("\xF0\x9F\x98\x80 ") == "\xF0\x9F\x98\x80");
}

TEST_CASE("utf8: trim_view points into its argument") {
    std::string const s = "  kern  ";
    auto const v = trim_view(s);
    CHECK(v == "kern");
    CHECK(v.data() == s.data() + 2);
}

TEST_CASE("utf8: trim never reads past the end of broken input") {
    // Not a precondition of trim(): it must stay in bounds on anything.
    auto const s =
        GENERATE(as<std::string>{}, "\xF0", " \xF0", "\xE2\x80", "\x80\x80 ", " \xF0\x9F");
    auto const t = trim(s);
    CHECK(t.size() <= s.size());
}

TEST_CASE("utf8: every white space code point is trimmed, and no letter is") {
    for (char32_t cp = 0; cp < 0x3100; ++cp) {
        if (cp >= 0xD800 && cp <= 0xDFFF) continue;
        std::string enc;
        if (cp < 0x80) {
            enc += static_cast<char>(cp);
        } else if (cp < 0x800) {
            enc += static_cast<char>(0xC0 | (cp >> 6));
            enc += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            enc += static_cast<char>(0xE0 | (cp >> 12));
            enc += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            enc += static_cast<char>(0x80 | (cp & 0x3F));
        }
        INFO("U+" << std::hex << static_cast<unsigned>(cp));
        REQUIRE(is_valid_utf8(enc));
        REQUIRE(code_points(enc) == 1);
        CHECK(trim(enc).empty() == is_white_space(cp));
    }
}
