// The JSON Schemas, the server examples and the reference page stay in step
// with the code: a file for every command and event, each naming what it
// describes, and every name and code on the reference page. (Validating the
// examples against the schemas is the JavaScript tests' part; this is the
// part that needs no validator.)
#include "protocol/commands.hpp"
#include "protocol/errors.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace fs = std::filesystem;
using namespace brug::protocol;
using json = nlohmann::json;

namespace {

fs::path const protocol_dir = fs::path(BRUG_SOURCE_DIR) / "protocol";

std::string read_file(fs::path const& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

json read_json(fs::path const& p) {
    INFO(p.string());
    REQUIRE(fs::exists(p));
    return json::parse(read_file(p));
}

// One default value of every command.
template <std::size_t... I> std::vector<command> every_command(std::index_sequence<I...>) {
    return {command(std::in_place_index<I>)...};
}

std::vector<command> const all_commands =
    every_command(std::make_index_sequence<std::variant_size_v<command>>{});

std::vector<std::string> const event_names = {
    "card.posted",       "card.edited",   "card.deleted",    "cards.counted",
    "cards.revealed",    "card.moved",    "cluster.created", "cluster.renamed",
    "cluster.deleted",   "phase.changed", "prompt.changed",  "votes.changed",
    "votes.tallied",     "votes.mine",    "agreement.added", "agreement.updated",
    "agreement.deleted", "timer.started", "timer.stopped",   "timer.ended",
    "checkin.posted"};

std::vector<std::string> const server_types = {"welcome",  "ack",  "error",      "event",
                                               "presence", "pong", "suggestions"};

} // namespace

TEST_CASE("schemas: every command has a draft 2020-12 schema that names its type") {
    for (auto const& cmd : all_commands) {
        std::string const name(type_name(cmd));
        INFO(name);
        auto const s = read_json(protocol_dir / "schemas" / "commands" / (name + ".json"));
        CHECK(s.at("$schema") == "https://json-schema.org/draft/2020-12/schema");
        CHECK(s.at("properties").at("type").at("const") == name);
        auto const& required = s.at("required");
        CHECK(std::find(required.begin(), required.end(), "type") != required.end());
        // A changing command may carry a nonce; card.post must.
        CHECK(s.at("properties").contains("nonce") == is_changing(cmd));
        CHECK((std::find(required.begin(), required.end(), "nonce") != required.end()) ==
              (name == "card.post"));
    }
}

TEST_CASE("schemas: every event and server frame has a schema that names it") {
    for (auto const& name : event_names) {
        INFO(name);
        auto const s = read_json(protocol_dir / "schemas" / "events" / (name + ".json"));
        CHECK(s.at("properties").at("name").at("const") == name);
        CHECK(s.at("properties").at("type").at("const") == "event");
    }
    for (auto const& type : server_types) {
        INFO(type);
        auto const s = read_json(protocol_dir / "schemas" / "server" / (type + ".json"));
        CHECK(s.at("properties").at("type").at("const") == type);
    }
    read_json(protocol_dir / "schemas" / "server" / "state.json");
    read_json(protocol_dir / "schemas" / "defs.json");
    auto const client = read_json(protocol_dir / "schemas" / "client-frame.json");
    CHECK(client.at("oneOf").size() == all_commands.size());
}

TEST_CASE("schemas: every schema file is JSON with its own $id under commands, events or server") {
    for (auto const& e : fs::recursive_directory_iterator(protocol_dir / "schemas")) {
        if (!e.is_regular_file()) continue;
        INFO(e.path().string());
        CHECK(e.path().extension() == ".json");
        auto const s = read_json(e.path());
        auto const rel = fs::relative(e.path(), protocol_dir / "schemas").generic_string();
        CHECK(s.at("$id") == "https://brug.example/protocol/schemas/" + rel);
    }
}

TEST_CASE("examples: there is a server example for every event and server frame") {
    std::vector<std::string> types, names;
    for (auto const& e : fs::directory_iterator(protocol_dir / "examples" / "server")) {
        auto const frame = read_json(e.path());
        // A batch is an array of frames, each as if sent on its own.
        for (auto const& f : frame.is_array() ? frame : json::array({frame})) {
            types.push_back(f.at("type").get<std::string>());
            if (f["type"] == "event") names.push_back(f.at("name").get<std::string>());
        }
    }
    for (auto const& t : server_types) {
        INFO(t);
        CHECK(std::find(types.begin(), types.end(), t) != types.end());
    }
    for (auto const& n : event_names) {
        INFO(n);
        CHECK(std::find(names.begin(), names.end(), n) != names.end());
    }
}

TEST_CASE("readme: the reference page names every command, event and error code") {
    auto const page = read_file(protocol_dir / "README.md");
    for (auto const& cmd : all_commands) {
        INFO(type_name(cmd));
        CHECK(page.find("`" + std::string(type_name(cmd)) + "`") != std::string::npos);
    }
    for (auto const& n : event_names) {
        INFO(n);
        CHECK(page.find("`" + n + "`") != std::string::npos);
    }
    for (int c = 0; c <= static_cast<int>(error_code::internal); ++c) {
        auto const code = std::string(to_string(static_cast<error_code>(c)));
        INFO(code);
        CHECK(page.find("`" + code + "`") != std::string::npos);
    }
}
