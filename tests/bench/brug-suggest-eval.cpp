// brug-suggest-eval FILE [--verbose] [--file-only] [--train=TRAIN] [--true-columns]
//                   [--neighbours] [--explain] [--theme-placements] [--seeds=N]
//                   [--set=knob=value ...]
//
// Measures the suggester on labelled cards (JSON Lines, the format of
// server/suggest/data/cards-dev.jsonl), leave-one-workshop-out: for each
// workshop of FILE a model is trained without that workshop, on the other
// workshops of FILE and the compiled-in development cards (as the server's
// built-in model is), cards of the scored workshop's slug and duplicates
// left out; --file-only trains on FILE's other workshops alone, --train=TRAIN
// on the cards of TRAIN alone (the scored workshop's slug still left out), to
// score one half of the workshops with a model trained on the other. Then:
//   column          accuracy of the suggested column, nothing placed;
//   column@20%      accuracy on the other 80% after the facilitator placed a
//                   random 20% of the cards (column only), mean of 10 seeds;
//   ARI             Adjusted Rand Index of the suggested themes (nothing
//                   placed) against the labelled themes, over all cards;
//   similar@3       for every card, the share of the 3 cards that similar()
//                   ranks first that carry the same labelled theme (nothing
//                   placed; fewer than 3 answers count as misses), mean.
// The table's log-loss column, and a line after it, give the column's mean
// log-loss (nothing placed): smoother than accuracy for judging a change of
// the column model. The table's last column, sim MAP, is the mean average
// precision of similar()'s whole ranking against the labelled themes
// (nothing placed): smoother than similar@3. A line counts the cards in the
// right column per band of confidence (is a suggestion at 0.8 right four
// times in five?).
// Column figures and similar@3 are pooled over all cards; theme_ari_mean is
// the mean of the per-workshop ARIs. The last line is one JSON object.
// --true-columns adds diagnostic lines (not in the JSON), per workshop and in
// all: ARI and similar@3
// when every card's column is known (all placed, none in a theme), the
// ceiling of the theme side with perfect columns, and the mean average
// precision of similar()'s whole ranking (same column only, as every column
// is known) against the labelled themes: smoother than similar@3, for
// judging a change of card likeness apart from the columns and clustering.
// --theme-placements adds another: the facilitator put a random 20% of the
// cards into their labelled themes (a theme per labelled theme with a placed
// card, titled with its slug); ARI of the suggested themes on the other 80%
// (a card joining a facilitator's theme counts as in that theme), mean of 10
// seeds, next to the same cards' ARI with nothing placed: what the
// facilitator's themes (and the columns they imply) add.
// --seeds=N: N random placements instead of 10 (smoother figures).
// --neighbours (with --true-columns): for every card, similar()'s first 3
// with every column known, each with its labelled theme and the topic terms
// the two cards share (letter runs left out), for reading why a card's
// neighbours are what they are.
// --explain (implies --verbose): under each card put in the wrong column, the
// column features the model weighs most, with their pull towards vernieuwen
// (+) or behouden (-) in the model trained without the workshop (the card
// analysed on its own: a compound may split otherwise than among its workshop).
#include "suggest/model.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>

using namespace brug::suggest;

namespace {

double adjusted_rand_index(std::vector<std::string> const& a, std::vector<std::string> const& b) {
    std::map<std::pair<std::string, std::string>, double> both;
    std::map<std::string, double> only_a, only_b;
    for (std::size_t i = 0; i < a.size(); ++i) {
        both[{a[i], b[i]}] += 1;
        only_a[a[i]] += 1;
        only_b[b[i]] += 1;
    }
    auto pairs = [](double n) { return n * (n - 1) / 2; };
    double index = 0, sum_a = 0, sum_b = 0;
    for (auto const& [k, n] : both)
        index += pairs(n);
    for (auto const& [k, n] : only_a)
        sum_a += pairs(n);
    for (auto const& [k, n] : only_b)
        sum_b += pairs(n);
    double const total = pairs(static_cast<double>(a.size()));
    double const expected = sum_a * sum_b / total;
    double const max_index = (sum_a + sum_b) / 2;
    if (max_index == expected) return 1.0;
    return (index - expected) / (max_index - expected);
}

workshop_input input_of(std::vector<labelled_card const*> const& cards) {
    workshop_input in;
    in.language = cards.front()->language;
    in.column_ids = {"behouden", "vernieuwen"};
    for (std::size_t i = 0; i < cards.size(); ++i) {
        card_input c;
        c.id = std::string("c").append(std::to_string(i));
        c.kind = cards[i]->kind;
        c.text = cards[i]->text;
        c.intention = cards[i]->intention;
        in.cards.push_back(std::move(c));
    }
    return in;
}

// --verbose: each suggested theme with how many of its cards carry which
// labelled theme (card ids are "c<index into cards>", as input_of makes them).
void print_themes(std::vector<theme_suggestion> const& themes,
                  std::vector<labelled_card const*> const& cards, char const* indent) {
    for (auto const& th : themes) {
        std::printf("%s[%s] %s (%zu):", indent, th.column.c_str(), th.title.c_str(),
                    th.card_ids.size());
        std::map<std::string, int> labels;
        for (auto const& id : th.card_ids)
            labels[cards[std::stoul(id.substr(1))]->theme]++;
        for (auto const& [l, k] : labels)
            std::printf(" %s=%d", l.c_str(), k);
        std::printf("\n");
    }
}

// Average precision of `ranked` (similar()'s answer for card `i`, ids
// "c<index>") against the cards with i's labelled theme: the mean, over
// those cards, of the share of same-theme cards among those ranked up to
// it (0 for one not ranked). 1 when there are none.
double average_precision(std::vector<std::pair<std::string, double>> const& ranked,
                         std::vector<labelled_card const*> const& test, std::size_t i) {
    double relevant = 0;
    for (std::size_t j = 0; j < test.size(); ++j)
        relevant += j != i && test[j]->theme == test[i]->theme;
    if (relevant == 0) return 1;
    double hits = 0, sum = 0;
    for (std::size_t r = 0; r < ranked.size(); ++r)
        if (test[std::stoul(ranked[r].first.substr(1))]->theme == test[i]->theme)
            hits += 1, sum += hits / static_cast<double>(r + 1);
    return sum / relevant;
}

// --theme-placements: per seed, a random 20% of the cards placed in themes of
// the facilitator named after their labelled themes; the ARI of the other
// cards' suggested themes against their labels, and of the same cards' themes
// with nothing placed (`unplaced_themes`, per card). Means over the seeds.
std::pair<double, double> theme_placement_ari(workshop_input const& in,
                                              std::vector<labelled_card const*> const& test,
                                              std::vector<std::string> const& unplaced_themes,
                                              model const& m, int seeds, std::size_t w) {
    std::size_t const n = test.size();
    std::size_t const placed = static_cast<std::size_t>(std::lround(0.2 * static_cast<double>(n)));
    double with = 0, without = 0;
    for (int seed = 0; seed < seeds; ++seed) {
        std::vector<std::size_t> order(n);
        for (std::size_t i = 0; i < n; ++i)
            order[i] = i;
        std::mt19937 rng(static_cast<unsigned>(7000 + 1000 * seed + w));
        std::shuffle(order.begin(), order.end(), rng);
        workshop_input placed_in = in;
        std::set<std::string> made;
        for (std::size_t k = 0; k < placed; ++k) {
            labelled_card const& c = *test[order[k]];
            std::string const id = "cl-" + c.theme;
            if (made.insert(id).second) placed_in.clusters.push_back({id, c.column, c.theme});
            placed_in.cards[order[k]].cluster_id = id;
        }
        suggestions const sp = suggest(placed_in, m);
        std::map<std::string, std::string> theme; // card id -> theme key or cluster id
        for (auto const& th : sp.themes)
            for (auto const& id : th.card_ids)
                theme[id] = th.cluster_id ? *th.cluster_id : th.key;
        std::vector<std::string> got, before, want;
        for (std::size_t k = placed; k < n; ++k) {
            got.push_back(theme[in.cards[order[k]].id]);
            before.push_back(unplaced_themes[order[k]]);
            want.push_back(test[order[k]]->theme);
        }
        with += adjusted_rand_index(got, want);
        without += adjusted_rand_index(before, want);
    }
    return {with / seeds, without / seeds};
}

// --neighbours: card i, its first 3 in `ranked` ("+" same labelled theme)
// and the topic terms each shares with it.
void print_neighbours(std::vector<std::pair<std::string, double>> const& ranked,
                      std::vector<labelled_card const*> const& test,
                      std::vector<analysed_card> const& analysed, std::size_t i) {
    auto const topic_terms = [&](std::size_t k) {
        std::map<std::string, double> terms;
        for (auto const& [term, count] : analysed[k].theme_terms)
            if (term[0] != '~') terms.emplace(term, count);
        return terms;
    };
    auto const own = topic_terms(i);
    auto const line = [](labelled_card const& c) {
        return c.text + (c.intention ? " || " + *c.intention : std::string());
    };
    int hits = 0;
    for (std::size_t r = 0; r < ranked.size() && r < 3; ++r)
        hits += test[std::stoul(ranked[r].first.substr(1))]->theme == test[i]->theme;
    std::printf("  %d/3 c%zu [%s/%s] %s\n     terms:", hits, i, test[i]->column.c_str(),
                test[i]->theme.c_str(), line(*test[i]).c_str());
    for (auto const& [term, count] : own)
        std::printf(" %s", term.c_str());
    std::printf("\n");
    for (std::size_t r = 0; r < ranked.size() && r < 3; ++r) {
        std::size_t const j = std::stoul(ranked[r].first.substr(1));
        std::printf("     %c %.3f c%zu [%s] %s\n       shared:",
                    test[j]->theme == test[i]->theme ? '+' : '-', ranked[r].second, j,
                    test[j]->theme.c_str(), line(*test[j]).c_str());
        for (auto const& [term, count] : topic_terms(j))
            if (own.count(term)) std::printf(" %s", term.c_str());
        std::printf("\n");
    }
}

// Reads the labelled cards of a JSON Lines file into `out`; false (with a
// message) when it cannot be read.
bool read_cards(std::string const& path, std::vector<labelled_card>& out) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        std::cerr << "cannot read " << path << "\n";
        return false;
    }
    std::stringstream buffer;
    buffer << file.rdbuf();
    out = parse_labelled_cards(buffer.str());
    return true;
}

// Log-loss of one card's column: the suggestion's confidence when it is
// right, else what is left for the labelled column (two columns).
double column_log_loss(bool right, double confidence) {
    double const p = right ? confidence : 1 - confidence;
    return -std::log(std::max(p, 1e-9));
}

// The column features of a card the built-in part of `m` weighs most, with
// their pull towards vernieuwen (+) or behouden (-): why a card went astray.
void print_column_features(card_input const& card, std::string const& language, model const& m) {
    std::vector<card_text> const texts{{card.kind, card.text, card.intention, std::nullopt}};
    auto const analysed = analyse_cards(texts, parse_lang(language), &m.words);
    std::vector<std::pair<double, std::string>> pulls;
    for (auto const& f : analysed[0].column_features)
        pulls.emplace_back(m.column.weight(f, 1) - m.column.weight(f, 0), f);
    std::sort(pulls.begin(), pulls.end(),
              [](auto const& a, auto const& b) { return std::abs(a.first) > std::abs(b.first); });
    std::printf("      bias %+.2f:", m.column.bias(1) - m.column.bias(0));
    for (std::size_t k = 0; k < pulls.size() && k < 12; ++k)
        std::printf(" %s %+.2f", pulls[k].second.c_str(), pulls[k].first);
    std::printf("\n");
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: brug-suggest-eval FILE [--verbose] [--file-only] [--train=TRAIN] "
                     "[--true-columns] [--neighbours] [--explain] [--theme-placements] [--seeds=N] "
                     "[--set=knob=value ...]\n";
        return 2;
    }
    bool verbose = false;
    bool file_only = false;
    bool true_columns = false;
    bool theme_placements = false;
    bool neighbours = false;
    bool explain = false;
    std::string train_file; // --train: the training cards instead of FILE's and the built-in
    int seeds = 10;
    for (int a = 2; a < argc; ++a) {
        std::string const arg = argv[a];
        if (arg == "--verbose")
            verbose = true;
        else if (arg == "--file-only")
            file_only = true;
        else if (arg.rfind("--train=", 0) == 0 && arg.size() > 8)
            train_file = arg.substr(8);
        else if (arg == "--true-columns")
            true_columns = true;
        else if (arg == "--theme-placements")
            theme_placements = true;
        else if (arg == "--neighbours")
            neighbours = true;
        else if (arg == "--explain")
            explain = verbose = true;
        else if (arg.rfind("--seeds=", 0) == 0 && std::atoi(arg.c_str() + 8) > 0)
            seeds = std::atoi(arg.c_str() + 8);
        else if (arg.rfind("--set=", 0) == 0 && set_tuning(default_tuning(), arg.substr(6)))
            continue;
        else {
            std::cerr << "unknown option " << arg << "\n";
            return 2;
        }
    }
    // Training cards besides FILE's other workshops (none with --train:
    // then TRAIN's cards are all).
    bool const own_workshops = train_file.empty();
    std::vector<labelled_card> cards, other;
    if (!read_cards(argv[1], cards) || (!own_workshops && !read_cards(train_file, other))) return 1;
    std::vector<std::string> workshops;
    for (auto const& c : cards)
        if (std::find(workshops.begin(), workshops.end(), c.workshop) == workshops.end())
            workshops.push_back(c.workshop);
    if (workshops.empty() || (own_workshops && workshops.size() < 2)) {
        std::cerr << "need at least two workshops (one with --train)\n";
        return 1;
    }

    if (own_workshops && !file_only) other = parse_labelled_cards(builtin_cards_jsonl());
    std::string const training =
        !own_workshops ? "the cards of " + train_file
        : file_only    ? "the other workshops of FILE"
                       : "the other workshops of FILE and the compiled-in development cards";
    std::printf("training: %s, without the scored workshop\n", training.c_str());
    double correct0 = 0, total0 = 0, correct20 = 0, total20 = 0, sim_hits = 0, sim_cards = 0,
           ari_sum = 0;
    // The same 80% of the cards, scored with nothing placed: what the
    // placements added, apart from which cards happen to remain.
    double same_cards_unplaced = 0;
    // Per band of the column's confidence (0.5-0.6, ..., 0.9-1): cards right, cards.
    std::pair<double, double> calibration[5] = {};
    double true_ari_sum = 0, true_sim_hits = 0, true_ap_sum = 0;
    double placed_ari_sum = 0, unplaced_ari_sum = 0; // --theme-placements
    double log_loss = 0; // of the column with nothing placed, summed over cards
    double sim_ap = 0;   // average precision of similar()'s ranking, summed over cards
    std::printf("%-22s %-4s %5s %8s %10s %7s %8s %10s %9s %7s\n", "workshop", "lang", "cards",
                "column", "column@20%", "ARI", "themes", "similar@3", "log-loss", "sim MAP");
    for (std::size_t w = 0; w < workshops.size(); ++w) {
        std::vector<labelled_card> train;
        std::vector<labelled_card const*> test;
        std::set<std::pair<std::string, std::string>> seen; // (workshop, text)
        for (auto const& c : cards) {
            if (c.workshop == workshops[w])
                test.push_back(&c);
            else if (own_workshops && seen.insert({c.workshop, c.text}).second)
                train.push_back(c);
        }
        for (auto const& c : other)
            if (c.workshop != workshops[w] && seen.insert({c.workshop, c.text}).second)
                train.push_back(c);
        auto const m = train_model(train);
        workshop_input const in = input_of(test);
        std::size_t const n = test.size();

        // No placements.
        suggestions const s = suggest(in, *m);
        std::map<std::string, std::string> column, theme;
        std::map<std::string, double> confidence;
        for (auto const& cs : s.cards)
            column[cs.card_id] = cs.column, theme[cs.card_id] = cs.theme_key,
            confidence[cs.card_id] = cs.confidence;
        double correct = 0, workshop_log_loss = 0;
        std::vector<std::string> got, want;
        for (std::size_t i = 0; i < n; ++i) {
            std::string const id = in.cards[i].id;
            correct += column[id] == test[i]->column;
            workshop_log_loss += column_log_loss(column[id] == test[i]->column, confidence[id]);
            auto& bin = calibration[std::min<std::size_t>(
                4, static_cast<std::size_t>(std::max(0.0, (confidence[id] - 0.5) * 10)))];
            bin.first += column[id] == test[i]->column;
            bin.second += 1;
            got.push_back(theme[id]);
            want.push_back(test[i]->theme);
        }
        double const ari = adjusted_rand_index(got, want);
        std::size_t const labelled_themes = std::set<std::string>(want.begin(), want.end()).size();

        // A random 20% placed by the facilitator.
        double c20 = 0, t20 = 0;
        for (int seed = 0; seed < seeds; ++seed) {
            std::vector<std::size_t> order(n);
            for (std::size_t i = 0; i < n; ++i)
                order[i] = i;
            std::mt19937 rng(static_cast<unsigned>(1000 * seed + w));
            std::shuffle(order.begin(), order.end(), rng);
            std::size_t const placed =
                static_cast<std::size_t>(std::lround(0.2 * static_cast<double>(n)));
            workshop_input placed_in = in;
            for (std::size_t k = 0; k < placed; ++k)
                placed_in.cards[order[k]].column = test[order[k]]->column;
            suggestions const sp = suggest(placed_in, *m);
            std::map<std::string, std::string> col;
            for (auto const& cs : sp.cards)
                col[cs.card_id] = cs.column;
            for (std::size_t k = placed; k < n; ++k) {
                c20 += col[in.cards[order[k]].id] == test[order[k]]->column;
                same_cards_unplaced += column[in.cards[order[k]].id] == test[order[k]]->column;
                t20 += 1;
            }
        }

        // Find similar: the first 3, and the whole ranking's average precision.
        double hits = 0, workshop_ap = 0;
        for (std::size_t i = 0; i < n; ++i) {
            auto const ranked = similar(in, in.cards[i].id, static_cast<int>(n), *m);
            for (std::size_t r = 0; r < ranked.size() && r < 3; ++r)
                hits += test[std::stoul(ranked[r].first.substr(1))]->theme == test[i]->theme;
            workshop_ap += average_precision(ranked, test, i);
        }

        if (true_columns) {
            workshop_input known = in;
            for (std::size_t i = 0; i < n; ++i)
                known.cards[i].column = test[i]->column;
            suggestions const sk = suggest(known, *m);
            std::map<std::string, std::string> known_theme;
            for (auto const& th : sk.themes)
                for (auto const& id : th.card_ids)
                    known_theme[id] = th.key;
            std::vector<std::string> got_known;
            for (std::size_t i = 0; i < n; ++i)
                got_known.push_back(known_theme[in.cards[i].id]);
            double const known_ari = adjusted_rand_index(got_known, want);
            double known_hits = 0, known_ap = 0;
            std::vector<analysed_card> analysed;
            if (neighbours) {
                std::vector<card_text> texts;
                for (auto const& c : in.cards)
                    texts.push_back({c.kind, c.text, c.intention, std::nullopt});
                analysed = analyse_cards(texts, parse_lang(in.language), &m->words);
            }
            for (std::size_t i = 0; i < n; ++i) {
                auto const ranked = similar(known, in.cards[i].id, static_cast<int>(n), *m);
                if (neighbours) print_neighbours(ranked, test, analysed, i);
                for (std::size_t r = 0; r < ranked.size() && r < 3; ++r)
                    known_hits +=
                        (test[std::stoul(ranked[r].first.substr(1))]->theme == test[i]->theme) /
                        3.0;
                known_ap += average_precision(ranked, test, i);
            }
            true_ari_sum += known_ari;
            true_sim_hits += known_hits;
            true_ap_sum += known_ap;
            std::printf("  %-20s with every column known: ARI %.3f, similar@3 %.3f, similar MAP "
                        "%.3f\n",
                        workshops[w].c_str(), known_ari, known_hits / static_cast<double>(n),
                        known_ap / static_cast<double>(n));
            if (verbose) print_themes(sk.themes, test, "      ");
        }

        if (theme_placements) {
            auto const [with, without] = theme_placement_ari(in, test, got, *m, seeds, w);
            placed_ari_sum += with;
            unplaced_ari_sum += without;
            if (verbose)
                std::printf(
                    "    20%% placed in their themes: ARI on the rest %.3f (nothing placed: "
                    "%.3f)\n",
                    with, without);
        }

        correct0 += correct;
        log_loss += workshop_log_loss;
        total0 += static_cast<double>(n);
        correct20 += c20;
        total20 += t20;
        sim_hits += hits / 3;
        sim_ap += workshop_ap;
        sim_cards += static_cast<double>(n);
        ari_sum += ari;
        std::printf("%-22s %-4s %5zu %8.3f %10.3f %7.3f %4zu/%-3zu %10.3f %9.4f %7.4f\n",
                    workshops[w].c_str(), test.front()->language.c_str(), n,
                    correct / static_cast<double>(n), c20 / t20, ari, s.themes.size(),
                    labelled_themes, hits / 3 / static_cast<double>(n),
                    workshop_log_loss / static_cast<double>(n),
                    workshop_ap / static_cast<double>(n));
        if (verbose) {
            print_themes(s.themes, test, "    ");
            for (std::size_t i = 0; i < n; ++i)
                if (column[in.cards[i].id] != test[i]->column) {
                    std::printf("    miss (%s, p=%.2f): %s\n", test[i]->column.c_str(),
                                1 - confidence[in.cards[i].id], test[i]->text.c_str());
                    if (explain) print_column_features(in.cards[i], in.language, *m);
                }
        }
    }
    double const col0 = correct0 / total0, col20 = correct20 / total20,
                 ari = ari_sum / workshops.size(), sim3 = sim_hits / sim_cards;
    std::printf("%-22s %-4s %5.0f %8.3f %10.3f %7.3f %8s %10.3f %9.4f %7.4f\n",
                train_file.empty() ? "all (leave-one-out)" : "all", "", total0, col0, col20, ari,
                "", sim3, log_loss / total0, sim_ap / total0);
    std::printf("column@20%% gain from the placements: %+.3f (same cards, nothing placed: %.3f)\n",
                col20 - same_cards_unplaced / total20, same_cards_unplaced / total20);
    std::printf("column mean log-loss, nothing placed: %.4f\n", log_loss / total0);
    std::printf("column right by confidence, nothing placed:");
    for (int b = 0; b < 5; ++b)
        std::printf(" %.1f-%.1f %.0f/%.0f", 0.5 + b / 10.0, 0.6 + b / 10.0, calibration[b].first,
                    calibration[b].second);
    std::printf("\n");
    if (true_columns)
        std::printf("with every column known: ARI %.3f, similar@3 %.3f, similar MAP %.3f\n",
                    true_ari_sum / workshops.size(), true_sim_hits / sim_cards,
                    true_ap_sum / sim_cards);
    if (theme_placements)
        std::printf("with 20%% placed in their themes: ARI on the rest %.3f (same cards, nothing "
                    "placed: %.3f)\n",
                    placed_ari_sum / workshops.size(), unplaced_ari_sum / workshops.size());
    std::printf("column: share of cards in the labelled column; column@20%%: on the unplaced 80%% "
                "after a random 20%% "
                "was placed, %d seeds; ARI: suggested vs labelled themes, mean over workshops; "
                "similar@3: share of "
                "the 3 most similar cards with the same labelled theme, mean over cards\n",
                seeds);
    nlohmann::json j = {{"column_no_placements", col0},
                        {"column_after_20pct", col20},
                        {"theme_ari_mean", ari},
                        {"similar_at_3", sim3}};
    std::printf("%s\n", j.dump().c_str());
    return 0;
}
