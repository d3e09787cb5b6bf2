// The shared example frames in protocol/examples, decoded one by one: every
// valid one to its own command, every invalid one to exactly the error code
// and req its expectation names. The JavaScript tests read the same files.
#include "protocol/decode.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace brug::protocol;

namespace {

std::string read_file(fs::path const& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// The example files of one folder, sorted so that test names are stable.
std::vector<std::string> example_files(char const* folder) {
    std::vector<std::string> out;
    fs::path const dir = fs::path(BRUG_SOURCE_DIR) / "protocol" / "examples" / folder;
    for (auto const& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".json") out.push_back(e.path().string());
    std::sort(out.begin(), out.end());
    return out;
}

// A valid example's file holds the frame itself, with a trailing newline that
// JSON allows as white space.
std::string strip_newline(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
        s.pop_back();
    return s;
}

// The wire name of every alternative of `command`.
template <std::size_t... I>
std::vector<std::string_view> all_type_names(std::index_sequence<I...>) {
    return {type_name(command(std::in_place_index<I>))...};
}

} // namespace

TEST_CASE("examples: there is a valid example for every command") {
    std::vector<std::string> seen;
    for (auto const& path : example_files("valid"))
        seen.push_back(nlohmann::json::parse(read_file(path)).at("type").get<std::string>());
    for (auto const name :
         all_type_names(std::make_index_sequence<std::variant_size_v<command>>{})) {
        INFO("command " << name);
        CHECK(std::find(seen.begin(), seen.end(), name) != seen.end());
    }
}

TEST_CASE("examples: every valid frame decodes to the command its type names") {
    auto const path = GENERATE(from_range(example_files("valid")));
    auto const text = strip_newline(read_file(path));
    INFO(fs::path(path).filename().string() << ": " << text.substr(0, 200));
    auto const result = decode(text);
    if (auto const* err = std::get_if<decode_error>(&result))
        FAIL("refused: " << err->error.message);
    auto const& env = std::get<envelope>(result);
    auto const frame = nlohmann::json::parse(text);
    CHECK(type_name(env.cmd) == frame.at("type").get<std::string>());
    if (frame.contains("req") && frame["req"].is_number_integer())
        CHECK(env.req == frame["req"].get<std::int64_t>());
    else
        CHECK_FALSE(env.req.has_value());
}

TEST_CASE("examples: every invalid frame gives exactly its expected error and req") {
    auto const path = GENERATE(from_range(example_files("invalid")));
    auto const expect = nlohmann::json::parse(read_file(path));
    auto const frame = expect.at("frame").get<std::string>();
    INFO(fs::path(path).filename().string() << ": " << frame.substr(0, 200));
    auto const result = decode(frame);
    REQUIRE(std::holds_alternative<decode_error>(result));
    auto const& err = std::get<decode_error>(result);
    INFO("message: " << err.error.message);
    CHECK(to_string(err.error.code) == expect.at("error").get<std::string>());
    if (expect.at("req").is_null())
        CHECK_FALSE(err.req.has_value());
    else
        CHECK(err.req == expect.at("req").get<std::int64_t>());
    if (expect.contains("message_contains"))
        CHECK_THAT(err.error.message,
                   Catch::Contains(expect["message_contains"].get<std::string>()));
}
