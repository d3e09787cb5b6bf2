// Stand-in for server/suggest while it is being written: linked into the fuzz
// build only (mk/fuzz.mk picks the real one as soon as it defines suggest()).
// It gives every card its first column, so that suggest.apply still moves
// cards and creates clusters under the fuzzer.
#include "suggest/suggester.hpp"

namespace brug::suggest {

suggestions suggest(workshop_input const& in) {
    suggestions out;
    if (in.column_ids.empty()) return out;
    theme_suggestion theme{"t0", in.column_ids.front(), "Thema", std::nullopt, {}};
    for (auto const& c : in.cards) {
        if (c.column) continue;
        out.cards.push_back({c.id, in.column_ids.front(), 0.5, theme.key});
        theme.card_ids.push_back(c.id);
    }
    if (!theme.card_ids.empty()) out.themes.push_back(std::move(theme));
    return out;
}

std::vector<std::pair<std::string, double>> similar(workshop_input const& in,
                                                    std::string const& card_id, int limit) {
    std::vector<std::pair<std::string, double>> out;
    for (auto const& c : in.cards)
        if (c.id != card_id && static_cast<int>(out.size()) < limit) out.emplace_back(c.id, 0.5);
    return out;
}

} // namespace brug::suggest
