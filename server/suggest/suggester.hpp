// Suggests a column and a theme for every card of a workshop, and finds cards
// alike. Pure computation on the workshop's own cards: nothing leaves the
// process. Safe to call from any thread (no shared mutable state).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace brug::suggest {

struct card_input {
    std::string id;
    std::string kind; // "concern" | "intention"
    std::string text;
    std::optional<std::string> intention;
    std::optional<std::string> column;     // placed by the facilitator: a labelled example
    std::optional<std::string> cluster_id; // in a theme the facilitator made
};

struct cluster_input {
    std::string id;
    std::string column;
    std::string title;
};

struct workshop_input {
    std::string language = "nl";          // the workshop's language; cards may differ
    std::vector<std::string> column_ids;  // the workshop's columns, in order
    std::vector<card_input> cards;
    std::vector<cluster_input> clusters;
};

struct card_suggestion {
    std::string card_id;
    std::string column;     // one of column_ids
    double confidence = 0;  // 0..1
    std::string theme_key;  // a key into suggestions::themes
};

struct theme_suggestion {
    std::string key;                          // stable within one answer
    std::string column;
    std::string title;                        // short, from the cards' own words
    std::optional<std::string> cluster_id;    // an existing theme it extends, if any
    std::vector<std::string> card_ids;        // the most typical of the theme first
};

struct suggestions {
    std::vector<card_suggestion> cards;   // one per card not yet placed by the facilitator
    std::vector<theme_suggestion> themes;
};

// Suggestions for every unplaced card, learning from the placed ones.
suggestions suggest(workshop_input const& in);

// Up to `limit` cards most alike `card_id`, most alike first, scores in 0..1.
std::vector<std::pair<std::string, double>> similar(workshop_input const& in,
                                                    std::string const& card_id, int limit);

// Notes for callers (the workshop model):
// - A card counts as placed when `column` names one of `column_ids`, or when
//   its `cluster_id` names one of `clusters` (then its column is the
//   cluster's). Placed cards get no card_suggestion; they teach the column
//   model (weighted above the built-in cards) and seed themes.
// - theme_suggestion::card_ids lists every card the theme would gather that
//   is not yet in a theme: unplaced cards and placed cards without a
//   cluster. With `cluster_id` set, applying it moves these cards into that
//   existing cluster; without, it is a new cluster titled `title`.
// - Empty `column_ids` means {"behouden", "vernieuwen"}. Other column ids
//   are matched by name where they can be (keep/continue, change/improve);
//   otherwise suggestions come from the facilitator's placements only.
// - The built-in model is trained on first use (about 0.2 s); the server
//   calls builtin_model() (model.hpp) in a thread of its own at start-up to
//   pay that early. Time and memory grow with the square of the cards: 500
//   cards take about 30 ms of one core.

} // namespace brug::suggest
