// The built-in library of open questions (GET /api/prompts?language=nl|en).

#include "model/prompts.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <set>
#include <string>

using namespace brug;
using json = nlohmann::json;
using protocol::phase;

TEST_CASE("prompts: Dutch and English each hold at least ten questions with unique ids") {
    auto const language = GENERATE(as<std::string>{}, "nl", "en");
    INFO("language: " << language);
    auto const library = model::prompt_library(language);
    CHECK(library.size() >= 10);
    std::set<std::string_view> ids;
    for (auto const& p : library) {
        INFO("id: " << p.id);
        CHECK(ids.insert(p.id).second);
        CHECK_FALSE(p.text.empty());
    }
}

TEST_CASE("prompts: ids are lowercase ASCII words joined by dashes") {
    auto const language = GENERATE(as<std::string>{}, "nl", "en");
    for (auto const& p : model::prompt_library(language)) {
        INFO("id: " << p.id);
        REQUIRE_FALSE(p.id.empty());
        CHECK(p.id.front() != '-');
        CHECK(p.id.back() != '-');
        for (char c : p.id) CHECK(((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'));
    }
}

TEST_CASE("prompts: every question is open, and suits check-in, reflect, discuss or agree") {
    auto const language = GENERATE(as<std::string>{}, "nl", "en");
    std::set<phase> phases;
    for (auto const& p : model::prompt_library(language)) {
        INFO("prompt: " << p.text);
        CHECK(p.text.back() == '?');
        CHECK((p.phase == phase::checkin || p.phase == phase::reflect || p.phase == phase::discuss ||
               p.phase == phase::agree));
        phases.insert(p.phase);
    }
    // Each of the four phases has at least one question to choose from.
    CHECK(phases.size() == 4);
}

TEST_CASE("prompts: both languages offer the same questions under the same ids, in the same order") {
    auto const nl = model::prompt_library("nl");
    auto const en = model::prompt_library("en");
    REQUIRE(nl.size() == en.size());
    for (std::size_t i = 0; i < nl.size(); ++i) {
        INFO("id: " << nl[i].id);
        CHECK(nl[i].id == en[i].id);
        CHECK(nl[i].phase == en[i].phase);
        CHECK(nl[i].text != en[i].text);
    }
}

TEST_CASE("prompts: the questions from the articles are in the library") {
    auto [language, id, text] = GENERATE(table<std::string, std::string, std::string>({
        {"nl", "lastig", "Wat maakt dit voor jou lastig?"},
        {"nl", "behouden", "Wat wil je behouden?"},
        {"nl", "nodig", "Wat heb je nodig?"},
        {"nl", "hoe-gaat-het", "Hoe gaat het echt met je?"},
        {"en", "lastig", "What makes this hard for you?"},
        {"en", "behouden", "What do you want to keep?"},
        {"en", "nodig", "What do you need?"},
        {"en", "hoe-gaat-het", "How are you, really?"},
    }));
    INFO(language << " " << id);
    bool found = false;
    for (auto const& p : model::prompt_library(language)) {
        if (p.id == id) {
            CHECK(p.text == text);
            found = true;
        }
    }
    CHECK(found);
}

TEST_CASE("prompts: an unknown language has no library, so the HTTP layer can answer 400") {
    auto const language = GENERATE(as<std::string>{}, "", "de", "NL", "En", "nl-NL", "english", " nl");
    INFO("language: '" << language << "'");
    CHECK(model::prompt_library(language).empty());
    CHECK_FALSE(model::prompts_json(language).has_value());
}

TEST_CASE("prompts: the json answer lists id, text and phase for every question") {
    auto const language = GENERATE(as<std::string>{}, "nl", "en");
    auto const j = model::prompts_json(language);
    REQUIRE(j.has_value());
    REQUIRE(j->is_object());
    REQUIRE(j->size() == 1);
    auto const& list = j->at("prompts");
    auto const library = model::prompt_library(language);
    REQUIRE(list.size() == library.size());
    std::set<std::string> const phase_names{"checkin", "reflect", "discuss", "agree"};
    for (std::size_t i = 0; i < list.size(); ++i) {
        auto const& p = list[i];
        CHECK(p.size() == 3);
        CHECK(p.at("id") == library[i].id);
        CHECK(p.at("text") == library[i].text);
        CHECK(phase_names.count(p.at("phase").get<std::string>()) == 1);
    }
    CHECK(list[0] == json{{"id", "hoe-gaat-het"},
                          {"text", language == "nl" ? "Hoe gaat het echt met je?" : "How are you, really?"},
                          {"phase", "checkin"}});
}
