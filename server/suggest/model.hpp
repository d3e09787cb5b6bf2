// The trained part of the suggester and the entry points that take it
// explicitly: the server uses the built-in model (compiled in from the
// labelled cards); the evaluation tool trains one per held-out workshop.
#pragma once

#include "suggest/analysis.hpp"
#include "suggest/classifier.hpp"
#include "suggest/suggester.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace brug::suggest {

// One line of the labelled data (format of server/suggest/data/cards-dev.jsonl).
struct labelled_card {
    std::string workshop;
    std::string language;
    std::string kind;
    std::string text;
    std::optional<std::string> intention;
    std::string column; // "behouden" | "vernieuwen"
    std::string theme;
};

// Parses JSON Lines; lines that are empty or not a card object are skipped.
std::vector<labelled_card> parse_labelled_cards(std::string_view jsonl);

// The labelled cards compiled into the program (builtin_cards.cpp).
std::string_view builtin_cards_jsonl();

struct model {
    // Classes 0 = behouden, 1 = vernieuwen.
    linear_model column{2};
    // Words of the training cards, for splitting compounds.
    known_words words;
    // Document frequency of theme terms in the training cards, to smooth the
    // workshop's own (often small) counts.
    std::unordered_map<std::string, double> doc_freq;
    double docs = 0;
    // How much two different concepts on two cards of one column speak for
    // one theme, learnt from the labelled themes: log of how much more often
    // such pairs share a theme than pairs of the column at large (0 when not
    // more often). Square, indexed as `concepts`.
    std::vector<std::string> concepts;
    std::vector<double> concept_affinity;
    // How much surer the column model's log-odds are to be read for the
    // confidence a suggestion shows: learnt on the training cards, each
    // workshop scored by a model trained without it (1 with fewer than two
    // workshops), and at most 1: odds the left-out workshops find too sure
    // are read softer, never sharper (the fit stops early and keeps the
    // odds timid on workshops of the training cards' writer, not on those
    // of other hands).
    double column_temperature = 1;
};

// Trains the column model (from the curated lexicon prior and `cards`) and
// the corpus statistics. Deterministic.
std::shared_ptr<model const> train_model(std::vector<labelled_card> const& cards);

// Trained once, on first use, from the compiled-in cards; thread-safe.
model const& builtin_model();

// As the functions of suggester.hpp, with an explicit model.
suggestions suggest(workshop_input const& in, model const& m);
std::vector<std::pair<std::string, double>>
similar(workshop_input const& in, std::string const& card_id, int limit, model const& m);

// Tuning knobs, with the defaults used by the server. Exposed for the
// evaluation tool and tests, which set them before any suggestion runs; the
// server never changes them (they are not guarded for concurrent writes).
struct tuning {
    // Cards that take part in one suggestion or similar() (time and memory
    // grow with the square): beyond it, the first ones. The workshop's own
    // limit is 2000 by default.
    int max_cards = 3000;
    double placed_weight = 3.0;    // a placed card, in the online fit
    double placed_surprise = 2.0;  // ... times (2 (1 - p))^this up to 1, p the chance the model
                                   // gave its column before (0: every placement alike)
    double online_strength = 40.0; // pull of the fine-tuned model towards the built-in one,
                                   // in placed-card weights
    double merge_threshold = 0.3;  // average-linkage similarity that always merges two themes
    double theme_size = 6.0;       // typical cards per theme (0: threshold only); facilitators
                                   // sort a column of ~18 cards into ~3 themes
    double merge_floor = 0.1;      // below the threshold, merge only above this: groups with
                                   // little in common are better left apart than joined
    double theme_size_cap = 2.0;   // below the threshold, no theme grows past this many times
                                   // theme_size (0: no cap): a theme of most of a column
                                   // sorts nothing
    double concept_weight = 2.0;   // a concept against a content word
    double affinity_weight = 0.1;  // learnt affinity of two different concepts, added to the
                                   // similarity of two cards
    double affinity_prior = 1.0;   // concept pairs: pseudo-pairs at the base rate
    double ngram_weight = 0.2;     // a run of four letters ("~" terms) against a content word
    double self_weight = 1.0;      // the writer's own perspective ("#self": ik, mijn, I, my)
                                   // against a concept
    double process_weight = 1.0;   // how the change is carried out ("#process": training,
                                   // support, involvement, rules, the go-live) against a concept
    double second_order = 0.3;     // share of neighbourhood overlap in card similarity
    double corpus_idf = 0.0;       // share of the model's corpus in term rarity (0: workshop only)
    double max_df = 0.4;           // words in more of the workshop's cards than this say nothing
    double base_l2 = 0.03;         // pull of the built-in model towards the lexicon prior
    double word_l2_scale = 1.0;    // extra pull of word features (they carry over least)
    double column_agreement = 3.0; // similar(): exponent of the chance two cards share a column
                                   // (a theme never spans columns: a likely other column weighs
                                   // more than a shared word)
    double mate_typicality = 0.2;  // similar(): weight of a theme mate's average likeness to
                                   // the theme's other cards, next to its likeness to the card
                                   // asked about (a theme's odd card out comes last)
    double online_word_l2_scale = 0.1;   // extra pull of word features in the online fit: the
                                         // workshop's own words are what its placements teach best
    double online_explained_words = 0.5; // a placed card's words are pulled the harder (from
                                         // online_word_l2_scale towards 1, by (2p - 1) times
                                         // this) the more surely the built-in model already
                                         // gives it its column (p): placements the cues explain
                                         // drag topic-alike cards of the other column less (0: off)
};

// Sets a knob by name ("theme_size=5"); false when unknown.
bool set_tuning(tuning& t, std::string_view assignment);

tuning& default_tuning();

} // namespace brug::suggest
