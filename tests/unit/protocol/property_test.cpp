// Properties of decode() over many generated inputs, from a fixed seed so
// that a failure repeats: it never throws, its answers are well formed, and
// its length rules hold for text of any script.
#include "protocol/decode.hpp"
#include "protocol/utf8.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace brug::protocol;

namespace {

std::vector<std::string> valid_frames() {
    std::vector<std::string> out;
    auto const dir = std::filesystem::path(BRUG_SOURCE_DIR) / "protocol" / "examples" / "valid";
    for (auto const& e : std::filesystem::directory_iterator(dir)) {
        std::ifstream in(e.path(), std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        auto text = s.str();
        while (!text.empty() && text.back() == '\n')
            text.pop_back();
        out.push_back(std::move(text));
    }
    return out;
}

// A refusal must always be answerable: a message, valid UTF-8 for the wire.
void check_answerable(decode_result const& r) {
    if (auto const* e = std::get_if<decode_error>(&r)) {
        CHECK_FALSE(e->error.message.empty());
        CHECK(is_valid_utf8(e->error.message));
    }
}

// Code points of several widths and scripts, and white space to pad with.
char const* const letters[] = {"a",
                               "Z",
                               "7",
                               "\xC3\xA9",
                               "\xC3\xB1",
                               "\xCE\xA9",
                               "\xD0\x96",
                               "\xE6\x97\xA5",
                               "\xE2\x82\xAC",
                               "\xF0\x9F\x98\x80",
                               "\xF0\x9F\x91\x8D",
                               "\xF0\x9D\x84\x9E",
                               "\"",
                               "\\",
                               "\xE2\x80\x8B"};
char const* const spaces[] = {" ",           "\t", "\n", "\xC2\xA0", "\xE3\x80\x80", "\xE2\x80\x83",
                              "\xEF\xBB\xBF"};

// `s` as a JSON string literal body.
std::string escape(std::string const& s) {
    return nlohmann::json(s).dump();
}

} // namespace

TEST_CASE("property: every proper prefix of a valid frame is bad_json without req") {
    for (auto const& frame : valid_frames()) {
        for (std::size_t n = 0; n < frame.size(); ++n) {
            // Cut only at code point boundaries: the decoder's input is valid UTF-8.
            if ((static_cast<unsigned char>(frame[n]) & 0xC0) == 0x80) continue;
            auto const r = decode(std::string_view(frame).substr(0, n));
            INFO(frame.substr(0, n));
            REQUIRE(std::holds_alternative<decode_error>(r));
            CHECK(std::get<decode_error>(r).error.code == error_code::bad_json);
            CHECK_FALSE(std::get<decode_error>(r).req.has_value());
        }
    }
}

TEST_CASE("property: random byte flips of valid frames never throw and always answer") {
    std::mt19937 rng(20261122);
    auto const frames = valid_frames();
    std::string const alphabet = "{}[]\":,\\u0123456789abcdefDd.-+eE nulltrue \x7f";
    for (int round = 0; round < 20000; ++round) {
        std::string f = frames[rng() % frames.size()];
        int const edits = 1 + static_cast<int>(rng() % 4);
        for (int k = 0; k < edits && !f.empty(); ++k) {
            std::size_t const at = rng() % f.size();
            switch (rng() % 3) {
            case 0:
                f[at] = alphabet[rng() % alphabet.size()];
                break;
            case 1:
                f.insert(at, 1, alphabet[rng() % alphabet.size()]);
                break;
            default:
                f.erase(at, 1);
                break;
            }
        }
        decode_result r = decode(f);
        check_answerable(r);
    }
}

TEST_CASE("property: arbitrary bytes, even invalid UTF-8, never throw") {
    std::mt19937 rng(7);
    for (int round = 0; round < 5000; ++round) {
        std::string f = R"({"type":"checkin.post","text":")";
        for (int i = rng() % 12; i > 0; --i)
            f += static_cast<char>(rng() % 256);
        f += "\"}";
        check_answerable(decode(f));
    }
}

TEST_CASE("property: card text is accepted exactly when its trimmed length is 1 to the limit") {
    std::mt19937 rng(42);
    for (int round = 0; round < 3000; ++round) {
        std::size_t const n = rng() % 520;
        std::string core;
        for (std::size_t i = 0; i < n; ++i)
            core += letters[rng() % std::size(letters)];
        if (n > 0) {
            // Keep the ends non-space so that the length is the core's.
            core = "x" + core + "y";
        }
        std::string padded;
        for (int i = rng() % 3; i > 0; --i)
            padded += spaces[rng() % std::size(spaces)];
        padded += core;
        for (int i = rng() % 3; i > 0; --i)
            padded += spaces[rng() % std::size(spaces)];

        auto const frame = R"({"type":"card.post","req":1,"kind":"concern","nonce":"n","text":)" +
                           escape(padded) + "}";
        auto const r = decode(frame);
        std::size_t const length = code_points(core);
        INFO("length " << length);
        if (length == 0) {
            REQUIRE(std::holds_alternative<decode_error>(r));
            CHECK(std::get<decode_error>(r).error.code == error_code::bad_message);
        } else if (length > limits::default_max_card_chars) {
            REQUIRE(std::holds_alternative<decode_error>(r));
            CHECK(std::get<decode_error>(r).error.code == error_code::too_long);
            CHECK(std::get<decode_error>(r).req == 1);
        } else {
            REQUIRE(std::holds_alternative<envelope>(r));
            CHECK(std::get<card_post>(std::get<envelope>(r).cmd).text == core);
        }
    }
}

TEST_CASE("property: timer seconds are accepted exactly from 1 to 7200") {
    std::mt19937_64 rng(3);
    std::vector<long long> values = {-1, 0, 1, 2, 7199, 7200, 7201, INT32_MAX, INT64_MIN};
    for (int i = 0; i < 2000; ++i)
        values.push_back(static_cast<long long>(rng() % 20000) - 5000);
    for (long long v : values) {
        auto const r = decode(R"({"type":"timer.start","seconds":)" + std::to_string(v) + "}");
        INFO(v);
        CHECK(std::holds_alternative<envelope>(r) == (v >= 1 && v <= 7200));
    }
}

TEST_CASE("property: decoding a frame twice gives the same answer") {
    for (auto const& frame : valid_frames()) {
        auto const a = decode(frame), b = decode(frame);
        REQUIRE(a.index() == b.index());
        auto const& ea = std::get<envelope>(a);
        auto const& eb = std::get<envelope>(b);
        CHECK(ea.req == eb.req);
        CHECK(ea.nonce == eb.nonce);
        CHECK(ea.cmd.index() == eb.cmd.index());
    }
}
