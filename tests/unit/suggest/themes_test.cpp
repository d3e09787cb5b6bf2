// Clustering on small hand-made vectors, and titles.
#include "suggest/analysis.hpp"
#include "suggest/lexicon.hpp"
#include "suggest/model.hpp"
#include "suggest/themes.hpp"
#include "concept_tags.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <set>

using namespace brug::suggest;

namespace {

sparse_vector vec(std::vector<std::pair<int, double>> entries) {
    sparse_vector v{std::move(entries)};
    v.normalise();
    return v;
}

std::vector<sparse_vector const*> ptrs(std::vector<sparse_vector> const& v) {
    std::vector<sparse_vector const*> out;
    for (auto const& x : v)
        out.push_back(&x);
    return out;
}

} // namespace

TEST_CASE("themes: dot product of normalised sparse vectors") {
    auto const a = vec({{0, 1}, {2, 1}});
    auto const b = vec({{2, 1}, {5, 1}});
    CHECK(dot(a, a) == Approx(1.0));
    CHECK(dot(a, b) == Approx(0.5));
    CHECK(dot(a, vec({{7, 3}})) == 0.0);
}

TEST_CASE("themes: two topics give two clusters, the number follows the data") {
    std::vector<sparse_vector> const items = {
        vec({{0, 1}, {1, 1}}), vec({{0, 1}, {1, 0.5}}), vec({{1, 1}, {0, 0.3}}), // topic A
        vec({{5, 1}, {6, 1}}), vec({{5, 1}}),                                    // topic B
    };
    auto const groups = cluster_average_linkage(ptrs(items), 0.2);
    CHECK(groups[0] == groups[1]);
    CHECK(groups[1] == groups[2]);
    CHECK(groups[3] == groups[4]);
    CHECK(groups[0] != groups[3]);

    std::vector<sparse_vector> three = items;
    three.push_back(vec({{9, 1}, {10, 1}}));
    three.push_back(vec({{9, 1}}));
    auto const g3 = cluster_average_linkage(ptrs(three), 0.2);
    CHECK(*std::max_element(g3.begin(), g3.end()) == 2); // three themes
}

TEST_CASE("themes: a high threshold leaves every card alone, a low one merges all that touch") {
    std::vector<sparse_vector> const items = {vec({{0, 1}, {1, 1}}), vec({{1, 1}, {2, 1}}),
                                              vec({{2, 1}, {3, 1}})};
    auto const apart = cluster_average_linkage(ptrs(items), 0.99);
    CHECK(apart == std::vector<int>{0, 1, 2});
    auto const together = cluster_average_linkage(ptrs(items), 0.0);
    CHECK(together == std::vector<int>{0, 0, 0});
}

TEST_CASE("themes: each facilitator theme takes over the group that holds most of its cards") {
    // Groups of a clustering of all cards alike: {0,1,2} {3,4} {5,6} {7}.
    std::vector<int> const groups = {0, 0, 0, 1, 1, 2, 2, 3};
    // Theme 7 has cards 0 and 1 (group 0) and 5 (group 2); theme 8 has card
    // 3 (group 1); nothing else is in a theme.
    std::vector<int> const themes = {7, 7, -1, 8, -1, 7, -1, -1};
    auto const out = adopt_facilitator_themes(groups, themes);
    REQUIRE(out.size() == groups.size());
    CHECK(out[2] == out[0]);  // joins theme 7 with the group it was in
    CHECK(out[5] == out[0]);  // theme 7's card in another group stays in theme 7
    CHECK(out[6] != out[0]);  // ... but its group does not follow it
    CHECK(out[4] == out[3]);  // joins theme 8
    CHECK(out[3] != out[0]);  // two themes never become one
    CHECK(out[7] != out[0]);
    CHECK(out[7] != out[3]);
    CHECK(out[7] != out[6]);
    CHECK(out == std::vector<int>{0, 0, 0, 1, 1, 0, 2, 3}); // dense, in order of first card
    // A group that holds most of two themes goes to the one with more cards in it.
    auto const shared = adopt_facilitator_themes({0, 0, 0, 0}, {7, 8, 8, -1});
    CHECK(shared[3] == shared[1]);
    CHECK(shared[0] != shared[1]);
    // No theme: the groups as they were.
    CHECK(adopt_facilitator_themes({0, 1, 0}, {-1, -1, -1}) == std::vector<int>{0, 1, 0});
}

TEST_CASE("themes: titles come from the cards' own words, accents kept") {
    std::vector<std::pair<std::string, std::string>> const a = {{"patiënten", "patient"},
                                                                {"overdracht", "overdracht"}};
    std::vector<std::pair<std::string, std::string>> const b = {{"patiënten", "patient"},
                                                                {"familie", "familie"}};
    std::vector<std::pair<std::string, std::string>> const c = {{"patiënt", "patient"},
                                                                {"rust", "rust"}};
    auto const idf = [](std::string const&) { return 1.0; };
    std::string const title = make_title({&a, &b, &c}, idf);
    CHECK(title.rfind("Patiënten", 0) == 0);
    CHECK(capitalise("één") == "Één");
    CHECK(capitalise("rooster") == "Rooster");
}

TEST_CASE("themes: below the threshold, merging goes on down to the expected number of themes") {
    // Weakly alike in pairs; nothing is alike at all to the last card.
    std::vector<sparse_vector> const items = {
        vec({{0, 1}, {1, 0.3}}), vec({{0, 0.2}, {1, 1}}), vec({{2, 1}, {3, 0.3}}),
        vec({{2, 0.2}, {3, 1}}), vec({{9, 1}}),
    };
    auto const n = items.size();
    auto const sim = [&](std::size_t i, std::size_t j) { return dot(items[i], items[j]); };
    auto const by_threshold = cluster_average_linkage(n, sim, 0.9);
    CHECK(*std::max_element(by_threshold.begin(), by_threshold.end()) == 4); // all apart
    auto const hinted = cluster_average_linkage(n, sim, 0.9, 2);
    CHECK(hinted[0] == hinted[1]);
    CHECK(hinted[2] == hinted[3]);
    CHECK(hinted[0] != hinted[2]);
    CHECK(hinted[4] != hinted[0]); // nothing in common: stays alone
    CHECK(hinted[4] != hinted[2]);
}

TEST_CASE("concepts: words whose stem is another everyday word are matched as phrases only") {
    auto const tags = [](char const* text) { return testing::concept_tags(text, lang::en); };
    // "building" stems to "build": a pipeline to build is no workplace.
    CHECK_FALSE(tags("time to build the pipeline").count("#workplace"));
    CHECK(tags("the office building has no quiet rooms").count("#workplace"));
}

TEST_CASE("concepts: at home is private life as often as remote work") {
    auto const nl = [](char const* text) { return testing::concept_tags(text, lang::nl); };
    auto const en = [](char const* text) { return testing::concept_tags(text, lang::en); };
    CHECK_FALSE(nl("Het gesprek met de planner als het thuis even niet gaat").count("#remote"));
    CHECK_FALSE(en("Kids who have no quiet room at home").count("#remote"));
    CHECK(nl("Twee dagen thuiswerken scheelt me tien uur file").count("#remote"));
    CHECK(nl("Wie staat er aan de balie als de helft thuiswerkt?").count("#remote"));
    CHECK(en("Working from home saves me the commute").count("#remote"));
}

TEST_CASE("concepts: a phrase that opens with a function word is entered by its content word") {
    // "in één oogopslag" and "at a glance" never matched: no concept match
    // starts on "in" or "at".
    auto const nl = [](char const* text) { return testing::concept_tags(text, lang::nl); };
    auto const en = [](char const* text) { return testing::concept_tags(text, lang::en); };
    CHECK(nl("Dat ik in één oogopslag zie hoe een leerling ervoor staat").count("#overview"));
    CHECK(en("All open deals at a glance").count("#overview"));
}

TEST_CASE("concepts: a place is no workplace, a desk or a flexplek is") {
    auto const nl = [](char const* text) { return testing::concept_tags(text, lang::nl); };
    auto const en = [](char const* text) { return testing::concept_tags(text, lang::en); };
    CHECK_FALSE(nl("Eindelijk één plek waar alle klantinfo staat").count("#workplace"));
    CHECK_FALSE(en("A single place for every customer record").count("#workplace"));
    CHECK(nl("Te weinig flexplekken op de tweede verdieping").count("#workplace"));
    CHECK(nl("Een vaste werkplek voor het team").count("#workplace"));
    CHECK(en("A desk near my team").count("#workplace"));
}

TEST_CASE("concepts: a word of two senses is entered in the sense of its concept") {
    auto const nl = [](char const* text) { return testing::concept_tags(text, lang::nl); };
    auto const en = [](char const* text) { return testing::concept_tags(text, lang::en); };
    CHECK_FALSE(en("Information security signs off every release").count("#job"));
    CHECK(en("Job security matters more than a new tool").count("#job"));
    CHECK_FALSE(nl("Een stille ruimte om te bellen").count("#autonomy"));
    CHECK(nl("We willen ruimte krijgen om zelf te kiezen hoe").count("#autonomy"));
    // The field of fieldwork is no field of a form.
    CHECK_FALSE(en("Field partners can call us and get an answer").count("#admin"));
    CHECK_FALSE(en("The story from a field office at the all-hands").count("#admin"));
    CHECK(en("Too many mandatory fields on every visit report").count("#admin"));
    CHECK(en("Fewer form fields to fill in").count("#admin"));
}

TEST_CASE("themes: a card barely alike any theme stays alone rather than fill the expected count") {
    std::vector<sparse_vector> const items = {
        vec({{0, 1}}), vec({{0, 1}, {1, 0.3}}), // one theme
        vec({{2, 1}}), vec({{2, 1}, {3, 0.2}}), // another
        vec({{0, 0.05}, {9, 1}}),               // a word in common with the first, no more
    };
    auto const n = items.size();
    auto const sim = [&](std::size_t i, std::size_t j) { return dot(items[i], items[j]); };
    // Two themes expected: with no floor the odd card is pushed into one.
    auto const forced = cluster_average_linkage(n, sim, 0.9, 2, 0.0);
    CHECK(forced[4] == forced[0]);
    // The suggester's floor leaves it apart; the two themes still form.
    auto const kept = cluster_average_linkage(n, sim, 0.9, 2, default_tuning().merge_floor);
    CHECK(kept[0] == kept[1]);
    CHECK(kept[2] == kept[3]);
    CHECK(kept[0] != kept[2]);
    CHECK(kept[4] != kept[0]);
    CHECK(kept[4] != kept[2]);
}

TEST_CASE("themes: below the threshold a theme grows to the size limit, above it further") {
    auto const sizes = [](std::vector<int> const& groups) {
        std::map<int, int> out;
        for (int g : groups)
            out[g] += 1;
        return out;
    };
    // Six cards, each pair loosely alike: with one theme expected they chain
    // into one, unless a theme may hold at most three of them.
    auto const loose = [](std::size_t, std::size_t) { return 0.2; };
    CHECK(sizes(cluster_average_linkage(6, loose, 0.5, 1, 0.1)).size() == 1);
    auto const capped = sizes(cluster_average_linkage(6, loose, 0.5, 1, 0.1, 3));
    CHECK(capped.size() >= 2);
    for (auto const& [group, count] : capped)
        CHECK(count <= 3);
    // Alike above the threshold, they still form one theme past the limit.
    auto const close = [](std::size_t, std::size_t) { return 0.8; };
    CHECK(sizes(cluster_average_linkage(6, close, 0.5, 1, 0.1, 3)).size() == 1);
}

TEST_CASE("themes: of words equally shared and rare, the title takes the longer") {
    // One card: every word is equally rare. The alphabetical first used to win.
    std::vector<std::pair<std::string, std::string>> const card = {
        {"even", "even"}, {"begint", "begint"}, {"overdracht", "overdracht"}, {"tijden", "tijd"}};
    auto const idf = [](std::string const&) { return 2.0; };
    CHECK(make_title({&card}, idf) == "Overdracht");
    // A rarer word still comes first, however short.
    auto const rare_short = [](std::string const& s) { return s == "begint" ? 3.0 : 2.0; };
    CHECK(make_title({&card}, rare_short) == "Begint");
}

TEST_CASE("themes: no two titles of a workshop open with the same word, where the cards have another") {
    // Two themes whose cards share "klanten" most; the second has "bellen" too.
    std::vector<std::pair<std::string, std::string>> const a = {{"klanten", "klant"},
                                                                {"koffie", "koffie"}};
    std::vector<std::pair<std::string, std::string>> const b = {{"klanten", "klant"},
                                                                {"bezoek", "bezoek"}};
    std::vector<std::pair<std::string, std::string>> const c = {{"klanten", "klant"},
                                                                {"bellen", "bell"}};
    std::vector<std::pair<std::string, std::string>> const d = {{"klant", "klant"},
                                                                {"bellen", "bell"}};
    auto const idf = [](std::string const&) { return 1.0; };
    std::set<std::string> openers;
    CHECK(make_title({&a, &b}, idf, openers).rfind("Klanten", 0) == 0);
    CHECK(openers.count("klant") == 1);
    std::string const second = make_title({&c, &d}, idf, openers);
    CHECK(second.rfind("Bellen", 0) == 0);
    CHECK(openers.count("bell") == 1);
    // Alone, the second theme would have opened with "Klanten" as well.
    CHECK(make_title({&c, &d}, idf).rfind("Klant", 0) == 0);
    // With no other word to open with, the taken one is used after all.
    std::vector<std::pair<std::string, std::string>> const only = {{"klanten", "klant"}};
    CHECK(make_title({&only, &only}, idf, openers) == "Klanten");
}

TEST_CASE("themes: a word the cards use as a verb or an adjective names no theme while there is "
          "another") {
    using words = std::vector<std::pair<std::string, std::string>>;
    words const a = {{"waiting", "wait"}, {"customers", "custom"}, {"learn", "learn"}};
    words const b = {{"waiting", "wait"}, {"customers", "custom"}, {"learn", "learn"}};
    words const c = {{"waiting", "wait"}, {"release", "releas"}, {"customers", "custom"}};
    auto const idf = [](std::string const& s) {
        return s == "wait" ? 3.0 : s == "learn" ? 2.5 : 1.0;
    };
    // Without knowing how the cards use them: the rarest shared words.
    CHECK(make_title({&a, &b, &c}, idf) == "Waiting, learn");
    // "waiting" and "learn" stand as verbs in the cards: the noun, and no
    // second word rather than a verb.
    auto const use = [](std::string const& s) {
        return s == "wait" || s == "learn" ? word_use::verbal : word_use::unknown;
    };
    std::set<std::string> taken;
    CHECK(make_title({&a, &b, &c}, idf, use, taken) == "Customers");
    // With no other word, a verb all the same.
    words const only = {{"hangen", "hang"}};
    auto const verb = [](std::string const&) { return word_use::verbal; };
    std::set<std::string> none;
    CHECK(make_title({&only}, idf, verb, none) == "Hangen");
}

TEST_CASE("themes: a pair of words may open with an adjective, not with a verb") {
    using words = std::vector<std::pair<std::string, std::string>>;
    words const a = {{"vast", "vast"}, {"aanspreekpunt", "aanspreekpunt"}};
    words const b = {{"leren", "ler"}, {"les", "les"}};
    auto const idf = [](std::string const&) { return 1.0; };
    auto const use = [](std::string const& s) {
        return s == "vast" ? word_use::adjective : s == "ler" ? word_use::verbal : word_use::naming;
    };
    std::set<std::string> taken;
    CHECK(make_title({&a, &a}, idf, use, taken) == "Vast aanspreekpunt");
    CHECK(make_title({&b, &b}, idf) == "Leren les");
    taken.clear();
    CHECK(make_title({&b, &b}, idf, use, taken) == "Les");
}
