// The built-in library of open questions a facilitator picks from
// (`GET /api/prompts?language=nl|en`), besides writing their own with
// `prompt.set`. The questions come from the coaching articles Brug grew out
// of: ask about meaning, not behaviour ("Wat maakt dit voor jou lastig?"
// rather than "Waarom werk je niet mee?"), zoom out from a position to the
// need beneath it, start with a real question, and end with clear
// agreements: what, who, and when we look back.
//
// Promises: Dutch ("nl") and English ("en") hold the same questions under the
// same ids, in the same order (the order of a session: check-in, reflect,
// discuss, agree). Ids are stable, lowercase ASCII words joined by dashes
// (e.g. "lastig"); a client may keep one and find the text again in either
// language. Every question is open and ends with a question mark.
#pragma once

#include "protocol/commands.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <span>
#include <string_view>

namespace brug::model {

struct prompt {
    std::string_view id;   // stable across versions and languages
    std::string_view text;
    protocol::phase phase; // the phase it suits: checkin, reflect, discuss or agree
};

// The library for `language`, exactly "nl" or "en", in static storage; an
// empty span for any other language (no library is empty). A span, not an
// optional of one, so that `for (auto& p : prompt_library(l))` cannot loop
// over a destroyed temporary.
std::span<prompt const> prompt_library(std::string_view language);

// The library as the HTTP answer: {"prompts": [{"id", "text", "phase"}]},
// `phase` by its wire name; nullopt for an unknown language.
std::optional<nlohmann::json> prompts_json(std::string_view language);

} // namespace brug::model
