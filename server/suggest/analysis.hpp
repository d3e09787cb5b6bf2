// From a card's text to what the suggester reasons with: stance features for
// the column classifier and weighted topic terms for themes and similarity.
#pragma once

#include "suggest/text.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

namespace brug::suggest {

struct card_text {
    std::string_view kind; // "concern" | "intention"
    std::string_view text;
    std::optional<std::string_view> intention;
    std::optional<lang> known_language; // labelled data: skip detection
};

struct analysed_card {
    lang language = lang::nl;
    // Distinct features for the column classifier: "w:" stems, "c:" stance
    // cues, "k:" concepts, "p:" pairs of cues, "n:" negated cues, "kind:", "kc:" kind with cue,
    // "l:" and "ln:" cues of the closing sentence, "f:" how the card opens by its kind,
    // "b:" bigrams.
    std::vector<std::string> column_features;
    // Topic terms with counts: content stems, compound parts, "#concepts",
    // "#self" (written in the first person), "#process" (how the change is
    // carried out), "~" runs of four letters.
    std::vector<std::pair<std::string, double>> theme_terms;
    // Content words as written (lowercase, accents kept; an abbreviation in
    // capitals: "CRM") with their stem, in reading order: titles are made
    // from these.
    std::vector<std::pair<std::string, std::string>> surfaces;
    // How the card uses each of `surfaces` where it stands, one per word.
    std::vector<word_use> surface_uses;
};

// Words known to be words: compounds split only into known parts.
struct known_words {
    std::unordered_set<std::string> words; // accent-folded words and their stems
};

// Analyses the cards of one workshop together: compounds split against the
// lexicon, `base` (e.g. the built-in cards' words) and the workshop's own
// words, so "klantcontact" yields "klant" and "contact" when either workshop
// or lexicon knows them. Cards in an undetectable language get `fallback`.
std::vector<analysed_card> analyse_cards(std::vector<card_text> const& cards, lang fallback,
                                         known_words const* base);

// Splits an accent-folded word into two known parts, allowing the Dutch
// linking "s", "e" and "en" ("klantcontact" -> {"klant", "contact"},
// "dienstenrooster" -> {"dienst", "rooster"}); nullopt when no split is
// found. `known` answers whether a folded word or stem is a word, `topic`
// whether it is a topic word of the lexicon: after a function word only
// such a word is split off ("binnendienst" -> {"binnen", "dienst"}, not
// "onderwijs" -> {"onder", "wijs"}).
template <class Known, class Topic>
std::optional<std::pair<std::string, std::string>>
split_compound(std::string const& folded, lang l, Known const& known, Topic const& topic);

// The words of `cards` as known words (folded forms and stems), to pass as
// `base` when analysing other workshops.
known_words collect_known_words(std::vector<card_text> const& cards, lang fallback);

} // namespace brug::suggest

#include "suggest/analysis_impl.hpp"
