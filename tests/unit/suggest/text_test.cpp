// Tokeniser, stop words, stemming, compounds and language detection.
#include "suggest/analysis.hpp"
#include "suggest/lexicon.hpp"
#include "suggest/text.hpp"
#include "concept_tags.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <thread>

using namespace brug::suggest;

namespace {

// Whether the card's theme terms include `term`.
bool has(analysed_card const& c, std::string const& term) {
    return std::any_of(c.theme_terms.begin(), c.theme_terms.end(),
                       [&](auto const& t) { return t.first == term; });
}

} // namespace

TEST_CASE("text: lowercasing keeps accented letters") {
    CHECK(utf8_lower("ÉÉN Patiënt, ÇA VA, Ĳssel Łódź") == "één patiënt, ça va, ĳssel łódź");
    CHECK(utf8_lower("ABC xyz 123") == "abc xyz 123");
}

TEST_CASE("text: accents are folded for matching only") {
    CHECK(fold_accents("patiënt café één naïef") == "patient cafe een naief");
}

TEST_CASE("text: words keep accents, split hyphens and resolve clitics") {
    auto const words =
        split_words("Collega's zien de ICT-helpdesk; we've got één werk-privébalans, don't we?");
    std::vector<std::string> const want = {"collega", "zien", "de",          "ict", "helpdesk",
                                           "we",      "have", "got",         "één", "werk",
                                           "privébalans", "do", "not", "we"};
    CHECK(words == want);
    CHECK(split_words("  ...  ").empty());
    CHECK(split_words("'s avonds") == std::vector<std::string>{"s", "avonds"});
    CHECK(split_words("zo'n foto's") == std::vector<std::string>{"zon", "foto"});
}

TEST_CASE("text: accents typed as combining marks are the same letters") {
    // "patiënten", "één" and "café" in decomposed form.
    std::string const nfd = "patie\u0308nten e\u0301e\u0301n cafe\u0301 o\u0333k";
    CHECK(split_words(nfd) == std::vector<std::string>{"patiënten", "één", "café", "ok"});
    CHECK(stem(split_words(nfd)[0], lang::nl) == stem("patiënten", lang::nl));
    CHECK(is_stop_word(split_words(nfd)[1], lang::nl));
}

TEST_CASE("text: English contractions become the words they stand for") {
    using words = std::vector<std::string>;
    // The future and the negation the cues read ("will" is a word of later).
    CHECK(split_words("scared we'll skip the tests") ==
          words{"scared", "we", "will", "skip", "the", "tests"});
    CHECK(split_words("It doesn't scale") == words{"it", "does", "not", "scale"});
    CHECK(split_words("A bot can't, won't, shan't") ==
          words{"a", "bot", "can", "not", "will", "not", "shall", "not"});
    CHECK(split_words("A bot cannot") == words{"a", "bot", "can", "not"});
    CHECK(split_words("you're, they've, I'm, I'd rather") ==
          words{"you", "are", "they", "have", "i", "am", "i", "would", "rather"});
    // A final 's is a possessive, a plural or "is": the word alone.
    CHECK(split_words("the customer's data, it's here") ==
          words{"the", "customer", "data", "it", "here"});
    // The typographic apostrophe is the same.
    CHECK(split_words("we\u2019ll") == words{"we", "will"});
}

TEST_CASE("text: an abbreviation of single letters is one word") {
    using words = std::vector<std::string>;
    CHECK(split_words("Eén plek i.p.v. zes lijstjes, z.s.m. graag") ==
          words{"eén", "plek", "ipv", "zes", "lijstjes", "zsm", "graag"});
    CHECK(split_words("tools, e.g. Jira") == words{"tools", "eg", "jira"});
    // Its last full stop ends no sentence: the tool is named after it.
    CHECK(split_words("Bellen i.p.v. Teams") == words{"bellen", "ipv", "Teams"});
    // A letter that ends a sentence is no abbreviation, nor are numbers.
    CHECK(split_words("Plan B. Then 2.5 days") == words{"plan", "b", "then", "2", "5", "days"});
    CHECK(is_stop_word("ipv", lang::nl));
    CHECK(is_stop_word("eg", lang::en));
    CHECK(testing::concept_tags("graag z.s.m. een reactie", lang::nl).count("#speed"));
}

TEST_CASE("text: Teams the tool is a name, teams of people a plural") {
    using words = std::vector<std::string>;
    CHECK(split_words("Die bouw je niet op via Teams.") ==
          words{"die", "bouw", "je", "niet", "op", "via", "Teams"});
    CHECK(split_words("MS Teams, Microsoft Teams") == words{"Teams", "Teams"});
    CHECK(split_words("een Teams-call, de teams-vergadering") ==
          words{"een", "Teams", "call", "de", "Teams", "vergadering"});
    // At the start of a sentence a capital says nothing.
    CHECK(split_words("Teams need time. Teams zijn klein") ==
          words{"teams", "need", "time", "teams", "zijn", "klein"});
    CHECK(split_words("two teams merge") == words{"two", "teams", "merge"});
    CHECK(stem("Teams", lang::nl) == "Teams");
    auto const tags = testing::concept_tags;
    CHECK(tags("alleen nog als tegeltje in Teams", lang::nl).count("#remote"));
    CHECK_FALSE(tags("alleen nog als tegeltje in Teams", lang::nl).count("#team"));
    CHECK_FALSE(tags("we chat in MS Teams all day", lang::en).count("#team"));
    CHECK(tags("Teams need time to settle", lang::en).count("#team"));
}

TEST_CASE("text: stop words per language") {
    CHECK(is_stop_word("het", lang::nl));
    CHECK(is_stop_word("which", lang::en));
    CHECK_FALSE(is_stop_word("klant", lang::nl));
    CHECK_FALSE(is_stop_word("customer", lang::en));
}

TEST_CASE("text: Snowball stems join inflections and spelling variants") {
    CHECK(stem("klanten", lang::nl) == stem("klant", lang::nl));
    CHECK(stem("roosters", lang::nl) == stem("rooster", lang::nl));
    // Diminutive plurals: Snowball keeps an -s after a vowel.
    CHECK(stem("mailtjes", lang::nl) == stem("mailtje", lang::nl));
    CHECK(stem("lijstjes", lang::nl) == stem("lijstje", lang::nl));
    CHECK(stem("proces", lang::nl) == "proces");
    // Singulars ending in a consonant and s meet their plurals in -en, and
    // "kans" (chance) is no "kan" (can).
    for (auto const& [one, more] : {std::pair{"mens", "mensen"}, {"kans", "kansen"}, {"wens", "wensen"},
                                    {"toets", "toetsen"}, {"fiets", "fietsen"}, {"koers", "koersen"}})
        CHECK(stem(one, lang::nl) == stem(more, lang::nl));
    CHECK(stem("kans", lang::nl) != stem("kan", lang::nl));
    CHECK(stem("patiënten", lang::nl) == stem("patienten", lang::nl));
    CHECK(stem("customers", lang::en) == stem("customer", lang::en));
    CHECK(stem("deployed", lang::en) == stem("deploying", lang::en));
    CHECK(stem("café", lang::en) == stem("cafe", lang::en));
}

TEST_CASE("text: a word form of another sense keeps its own stem") {
    // Trying out is no experience.
    CHECK(stem("experiment", lang::en) != stem("experience", lang::en));
    CHECK(stem("experimenting", lang::en) == stem("experiments", lang::en));
    CHECK(stem("experimental", lang::en) == stem("experiment", lang::en));
    CHECK(stem("experiences", lang::en) == stem("experience", lang::en));
    auto const tags = testing::concept_tags;
    CHECK_FALSE(tags("let us experiment with the bot first", lang::en).count("#knowledge"));
    CHECK(tags("years of experience with our customers", lang::en).count("#knowledge"));
    // An informal chat is no information, nor a responsibility a response.
    CHECK(tags("the informal chats at the coffee machine", lang::en).count("#social"));
    CHECK_FALSE(tags("the informal chats at the coffee machine", lang::en).count("#overview"));
    CHECK_FALSE(tags("the information is scattered", lang::en).count("#social"));
    CHECK_FALSE(tags("we take responsibility", lang::en).count("#speed"));
    CHECK(tags("we take responsibility", lang::en).count("#autonomy"));
    CHECK_FALSE(tags("a fast response", lang::en).count("#autonomy"));
    CHECK_FALSE(tags("a second monitor", lang::en).count("#trust"));
    CHECK(tags("constant monitoring of our calls", lang::en).count("#trust"));
    // To fix something is to repair it; fixed hours are a structure.
    CHECK(stem("fix", lang::en) != stem("fixed", lang::en));
    CHECK_FALSE(tags("the calm week where we fix small stuff", lang::en).count("#structure"));
    CHECK_FALSE(tags("colleagues who fix things on the spot", lang::en).count("#structure"));
    CHECK(tags("fixed hours and a fixed desk", lang::en).count("#structure"));
    // A meeting is no meeting someone in person.
    CHECK(stem("meetings", lang::en) == stem("meeting", lang::en));
    CHECK(stem("meeting", lang::en) != stem("meet", lang::en));
    CHECK_FALSE(tags("too many meetings", lang::en).count("#contact"));
    CHECK(tags("too many meetings", lang::en).count("#remote"));
    CHECK_FALSE(tags("we meet our customers", lang::en).count("#remote"));
    CHECK(tags("we meet our customers", lang::en).count("#contact"));
    // A building is no build.
    CHECK(stem("buildings", lang::en) == stem("building", lang::en));
    CHECK_FALSE(tags("the building is cold in winter", lang::en).count("#delivery"));
    CHECK(tags("the office building is cold", lang::en).count("#workplace"));
    CHECK(tags("every build takes an hour", lang::en).count("#delivery"));
    // Managing is no management.
    CHECK(stem("managed", lang::en) == stem("manage", lang::en));
    CHECK(stem("manage", lang::en) != stem("manager", lang::en));
    CHECK_FALSE(tags("I barely manage to finish my calls", lang::en).count("#management"));
    CHECK_FALSE(tags("self-managing teams", lang::en).count("#management"));
    CHECK(tags("our manager decides", lang::en).count("#management"));
    CHECK(tags("management wants it by Q3", lang::en).count("#management"));
    // The value of something is no feeling valued; both still value it (a cue).
    CHECK_FALSE(tags("the real value of the data", lang::en).count("#trust"));
    CHECK(tags("I want to feel valued", lang::en).count("#trust"));
    for (char const* text : {"That our experience is valued", "the real value of the data"}) {
        auto const words = split_words(text);
        std::vector<std::string> stems;
        for (auto const& w : words)
            stems.push_back(stem(w, lang::en));
        auto const cues = lexicon::cues().match(words, stems, lang::en, false, true);
        CHECK(
            std::any_of(cues.begin(), cues.end(), [](auto const& m) { return m.tag == "value"; }));
    }
}

TEST_CASE("text: stemming is safe on many threads at once") {
    std::string const expected = stem("verpleegkundigen", lang::nl);
    std::vector<std::thread> threads;
    std::vector<int> wrong(4, 0);
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 2000; ++i) {
                wrong[t] += stem("verpleegkundigen", lang::nl) != expected;
                wrong[t] += stem("customers", lang::en) != "custom";
            }
        });
    for (auto& th : threads)
        th.join();
    for (int w : wrong)
        CHECK(w == 0);
}

TEST_CASE("text: language detection per card, with the workshop's language as fallback") {
    CHECK(detect_language(split_words("Ik ben bang dat we het contact met de klant verliezen"),
                          lang::en) == lang::nl);
    CHECK(detect_language(split_words("I am afraid that we lose the contact with our customers"),
                          lang::nl) == lang::en);
    CHECK(detect_language(split_words("CRM!"), lang::en) == lang::en);
    CHECK(detect_language(split_words("CRM!"), lang::nl) == lang::nl);
}

TEST_CASE("compounds: split into known parts, with Dutch linking letters") {
    std::set<std::string> const known = {"klant", "contact", "dienst", "rooster",
                                         "werk",  "plek",    "coach"};
    auto const is_known = [&](std::string const& w) { return known.count(w) > 0; };
    auto const split = [&](char const* w) {
        return split_compound(w, lang::nl, is_known, is_known);
    };
    REQUIRE(split("klantcontact"));
    CHECK(*split("klantcontact") == std::make_pair(std::string("klant"), std::string("contact")));
    REQUIRE(split("dienstenrooster"));
    CHECK(split("dienstenrooster")->first == "dienst");
    CHECK(split("dienstenrooster")->second == "rooster");
    REQUIRE(split("werkplekken")); // "plekken" is known through its stem
    CHECK(split("werkplekken")->first == "werk");
    CHECK(split("werkplekken")->second == "plekken");
    CHECK_FALSE(split("verliezen"));
    CHECK_FALSE(split("klant"));
}

TEST_CASE("compounds: an inflected ending is no part, even when it is a known stem") {
    // "ler" is the stem of "leren", "end"/"ende" are words elsewhere: a split
    // "snel|ler" would make "sneller" a card about training.
    std::set<std::string> const known = {"snel", "ler", "afgerek", "end", "ende", "week", "ends"};
    auto const is_known = [&](std::string const& w) { return known.count(w) > 0; };
    CHECK_FALSE(split_compound("sneller", lang::nl, is_known, is_known));
    CHECK_FALSE(split_compound("afgerekend", lang::nl, is_known, is_known));
    CHECK_FALSE(split_compound("weekends", lang::en, is_known, is_known));
}

TEST_CASE("compounds: after a function word only a topic word is split off") {
    std::set<std::string> const known = {"dienst", "wijs", "leg", "stand",   "deel",
                                         "kort",   "bouw", "rol", "scholing"};
    std::set<std::string> const topics = {"dienst", "rol", "scholing"};
    auto const is_known = [&](std::string const& w) { return known.count(w) > 0; };
    auto const is_topic = [&](std::string const& w) { return topics.count(w) > 0; };
    auto const split = [&](char const* w) {
        return split_compound(w, lang::nl, is_known, is_topic);
    };
    REQUIRE(split("binnendienst"));
    CHECK(*split("binnendienst") == std::make_pair(std::string("binnen"), std::string("dienst")));
    REQUIRE(split("bijscholing"));
    CHECK(split("bijscholing")->second == "scholing");
    // Words of their own: no "wijs", "leg", "stand", "deel", "kort" in them.
    for (char const* w : {"onderwijs", "overleg", "achterstand", "voordeel", "binnenkort"})
        CHECK_FALSE(split(w));
    CHECK_FALSE(split("bovenbouw")); // "bouw" is known, but no topic
}

TEST_CASE("theme terms: a compound after a function word gives its word, no concept") {
    std::vector<card_text> const cards = {
        {"concern", "De binnendienst weet alles van de klant", std::nullopt, std::nullopt},
    };
    auto const a = analyse_cards(cards, lang::nl, nullptr);
    CHECK(has(a[0], stem("dienst", lang::nl)));
    CHECK_FALSE(has(a[0], stem("binnen", lang::nl)));
    // The "dienst" of the sales office is no shift of a roster.
    CHECK_FALSE(has(a[0], "#schedule"));
}

TEST_CASE("theme terms leave out everyday verbs and measures of time") {
    std::vector<card_text> const cards = {
        {"concern", "We krijgen elke week een nieuw rooster", std::nullopt, std::nullopt},
        {"concern", "It takes a whole day to get the release out", std::nullopt, std::nullopt},
    };
    auto const a = analyse_cards(cards, lang::nl, nullptr);
    CHECK(has(a[0], stem("rooster", lang::nl)));
    CHECK_FALSE(has(a[0], stem("week", lang::nl)));
    CHECK_FALSE(has(a[0], stem("krijgen", lang::nl)));
    CHECK(has(a[1], stem("release", lang::en)));
    CHECK_FALSE(has(a[1], stem("day", lang::en)));
    CHECK_FALSE(has(a[1], stem("takes", lang::en)));
    // Nor their other forms: "making" is as everyday as "make".
    std::vector<card_text> const forms = {
        {"concern", "Ze kwamen en gingen, het rooster werd gemaakt", std::nullopt, lang::nl},
        {"concern", "Making a ticket took an hour, then it looked fixed", std::nullopt, lang::en},
    };
    auto const b = analyse_cards(forms, lang::nl, nullptr);
    CHECK(has(b[0], stem("rooster", lang::nl)));
    for (auto const* w : {"kwamen", "gingen", "gemaakt"})
        CHECK_FALSE(has(b[0], stem(w, lang::nl)));
    CHECK(has(b[1], stem("ticket", lang::en)));
    for (auto const* w : {"making", "took", "looked"})
        CHECK_FALSE(has(b[1], stem(w, lang::en)));
    // Nor the other measures of time, nor how often.
    std::vector<card_text> const often = {
        {"concern", "Elke maand een nieuw rooster, na tien minuten klaar", std::nullopt, lang::nl},
        {"concern", "We often release once a month, it takes minutes", std::nullopt, lang::en},
    };
    auto const o = analyse_cards(often, lang::nl, nullptr);
    CHECK(has(o[0], stem("rooster", lang::nl)));
    CHECK_FALSE(has(o[0], stem("maand", lang::nl)));
    CHECK_FALSE(has(o[0], stem("minuten", lang::nl)));
    CHECK(has(o[1], stem("release", lang::en)));
    for (auto const* w : {"often", "month", "minutes"})
        CHECK_FALSE(has(o[1], stem(w, lang::en)));
    // Nor numbers written as words, as those in digits are not.
    std::vector<card_text> const numbers = {
        {"concern", "Zes excellijstjes en 6 dossiers", std::nullopt, lang::nl},
        {"concern", "Ten tickets and twelve reviews, 12 in all", std::nullopt, lang::en},
    };
    auto const n = analyse_cards(numbers, lang::nl, nullptr);
    CHECK(has(n[0], stem("dossiers", lang::nl)));
    CHECK_FALSE(has(n[0], stem("zes", lang::nl)));
    CHECK(has(n[1], stem("tickets", lang::en)));
    CHECK_FALSE(has(n[1], stem("ten", lang::en)));
    CHECK_FALSE(has(n[1], stem("twelve", lang::en)));
    // Nor the everyday part of a compound: the "dag" of "teamdag".
    std::vector<card_text> const parts = {
        {"intention", "Een vaste teamdag op kantoor", std::nullopt, lang::nl},
        {"concern", "Elke werkdag begint met de planning", std::nullopt, lang::nl},
        {"concern", "Een dag werk voor het team", std::nullopt, lang::nl},
    };
    auto const p = analyse_cards(parts, lang::nl, nullptr);
    CHECK(has(p[0], stem("team", lang::nl)));
    CHECK_FALSE(has(p[0], stem("dag", lang::nl)));
    CHECK(has(p[1], stem("werk", lang::nl)));
    CHECK_FALSE(has(p[1], stem("dag", lang::nl)));
    // Nor the forms of feeling and thinking that the low-content words leave out.
    std::vector<card_text> const feel = {
        {"concern", "Ik voel me een dinosaurus en denk aan de klas", std::nullopt, lang::nl},
        {"concern", "I felt lost, thinking of the release", std::nullopt, lang::en},
    };
    auto const c = analyse_cards(feel, lang::nl, nullptr);
    CHECK_FALSE(has(c[0], stem("voel", lang::nl)));
    CHECK(has(c[0], stem("dinosaurus", lang::nl)));
    CHECK_FALSE(has(c[1], stem("felt", lang::en)));
    CHECK_FALSE(has(c[1], stem("thinking", lang::en)));
    CHECK(has(c[1], stem("release", lang::en)));
}

TEST_CASE("theme terms leave out English adverbs of manner, not those of a topic") {
    std::vector<card_text> const cards = {
        {"concern", "Nobody tests properly and honestly the daily builds", std::nullopt, lang::en},
        {"intention", "Answer the customers quickly", std::nullopt, lang::en},
    };
    auto const a = analyse_cards(cards, lang::en, nullptr);
    CHECK_FALSE(has(a[0], stem("properly", lang::en)));
    CHECK_FALSE(has(a[0], stem("honestly", lang::en)));
    CHECK(has(a[0], stem("daily", lang::en))); // a cadence
    CHECK(has(a[0], stem("builds", lang::en)));
    CHECK(has(a[1], stem("quickly", lang::en))); // a word of #speed
    // The column model still reads them.
    CHECK(std::count(a[0].column_features.begin(), a[0].column_features.end(),
                     "w:" + stem("properly", lang::en)) == 1);
}

TEST_CASE("theme terms: the writer's own perspective, in either language") {
    std::vector<card_text> const cards = {
        {"intention", "Ik wil zelf kiezen welke diensten ik draai", std::nullopt, lang::nl},
        {"intention", "Heldere regels voor iedereen over de diensten", std::nullopt, lang::nl},
        {"concern", "I'd like a say in my own shifts", std::nullopt, lang::en},
        {"concern", "We want clear rules for everyone", std::nullopt, lang::en},
    };
    auto const a = analyse_cards(cards, lang::nl, nullptr);
    CHECK(has(a[0], "#self"));
    CHECK_FALSE(has(a[1], "#self"));
    CHECK(has(a[2], "#self"));
    CHECK_FALSE(has(a[3], "#self"));
}

TEST_CASE("theme terms: how the change is carried out, in either language") {
    std::vector<card_text> const cards = {
        {"intention", "Eerst een proefperiode en dan samen evalueren", std::nullopt, lang::nl},
        {"intention", "Het persoonlijke contact met de klant", std::nullopt, lang::nl},
        {"concern", "Training on the dashboard before go-live", std::nullopt, lang::en},
        {"concern", "Our customers love the personal touch", std::nullopt, lang::en},
    };
    auto const a = analyse_cards(cards, lang::nl, nullptr);
    CHECK(has(a[0], "#process"));
    CHECK_FALSE(has(a[1], "#process"));
    CHECK(has(a[2], "#process"));
    CHECK_FALSE(has(a[3], "#process"));
}

TEST_CASE("theme terms: a word the lexicon names whole gets no concepts from its parts") {
    std::vector<card_text> const cards = {
        {"concern", "De helpdesk is nooit bereikbaar", std::nullopt, lang::nl},
        {"concern", "Wie draait de nachtdiensten", std::nullopt, lang::nl},
        {"concern", "We helpen elkaar bij de nacht en de diensten", std::nullopt, lang::nl},
    };
    auto const a = analyse_cards(cards, lang::nl, nullptr);
    auto const weight = [](analysed_card const& c, std::string const& term) {
        for (auto const& [t, n] : c.theme_terms)
            if (t == term) return n;
        return 0.0;
    };
    // "help" of "helpdesk" is no colleague helping out.
    CHECK(has(a[0], "#training"));
    CHECK_FALSE(has(a[0], "#team"));
    CHECK(has(a[0], stem("help", lang::nl))); // the parts still count as words
    // "nachtdiensten" is one #schedule, not three.
    CHECK(weight(a[1], "#schedule") == 1.0);
    CHECK(has(a[1], stem("nacht", lang::nl)));
}

TEST_CASE("compounds: 'klantcontact' and 'klant contact' share their terms") {
    std::vector<card_text> const cards = {
        {"concern", "Het klantcontact gaat verloren", std::nullopt, std::nullopt},
        {"concern", "Het contact met de klant gaat verloren", std::nullopt, std::nullopt},
    };
    auto const a = analyse_cards(cards, lang::nl, nullptr);
    for (auto const& term :
         {stem("klant", lang::nl), std::string("contact"), std::string("#contact")}) {
        CHECK(has(a[0], term));
        CHECK(has(a[1], term));
    }
}

TEST_CASE("lexicon: own-language entries match by stem, loan words only as written") {
    lexicon const& concepts = lexicon::concepts();
    auto const tags = testing::concept_tags;
    CHECK(tags("de roosters van de nachtdiensten", lang::nl).count("#schedule"));
    CHECK(tags("een harde deadline", lang::nl).count("#rollout")); // English loan word
    CHECK_FALSE(tags("even kijken", lang::nl).count("#schedule")); // not "evening"
    CHECK(tags("the customers want to talk to a human", lang::en).count("#contact"));
    // The part of a Dutch compound is a Dutch word: the "form" of "platform"
    // is no English form to fill in.
    std::vector<std::string> const part = {"form"};
    std::vector<std::string> const part_stem = {stem("form", lang::nl)};
    CHECK_FALSE(concepts.match(part, part_stem, lang::nl, true).empty());
    CHECK(concepts.match(part, part_stem, lang::nl, true, true).empty());
}

TEST_CASE("lexicon: every concept entry matches itself in running text") {
    // An entry that opens with a function word ("naast het werk") never
    // matches: concept matches never start on one.
    int never = 0;
    for (auto const& e : lexicon::concept_entries()) {
        for (lang const l : {lang::nl, lang::en}) {
            std::string_view list = l == lang::nl ? e.nl : e.en;
            while (!list.empty()) {
                std::size_t const comma = std::min(list.find(','), list.size());
                auto const words = split_words(list.substr(0, comma));
                list.remove_prefix(std::min(comma + 1, list.size()));
                if (words.empty()) continue;
                std::vector<std::string> stems;
                for (auto const& w : words)
                    stems.push_back(stem(w, l));
                auto const matches = lexicon::concepts().match(words, stems, l, true);
                bool const whole = std::any_of(matches.begin(), matches.end(), [&](auto const& m) {
                    return m.tag == e.tag && m.start == 0 && m.length == words.size();
                });
                if (!whole) UNSCOPED_INFO(e.tag << ": " << words.front() << " ...");
                never += !whole;
            }
        }
    }
    CHECK(never == 0);
}

TEST_CASE("lexicon: no loan word within a phrase of the card's own language") {
    // "clean desk" is a Dutch entry; "desk" alone an English one, a loan
    // word in Dutch cards. The desk of the phrase is read once.
    auto const words = split_words("vanwege de clean desk");
    std::vector<std::string> stems;
    for (auto const& w : words)
        stems.push_back(stem(w, lang::nl));
    auto const matches = lexicon::concepts().match(words, stems, lang::nl, true);
    REQUIRE(matches.size() == 1);
    CHECK(matches[0].tag == "#workplace");
    CHECK(matches[0].length == 2);
    // Where no Dutch entry is read, the loan word still is.
    CHECK(testing::concept_tags("een eigen desk", lang::nl).count("#workplace"));
}

TEST_CASE("lexicon: a word of the card's own language is no loan word of another sense") {
    auto const tags = testing::concept_tags;
    // Dutch entries: "kind" (child), "file" (traffic jam), "lead" (sales).
    CHECK_FALSE(tags("any kind of help with the new file format", lang::en).count("#life"));
    CHECK_FALSE(tags("any kind of help with the new file format", lang::en).count("#remote"));
    CHECK_FALSE(tags("who will lead the rollout", lang::en).count("#people-served"));
    CHECK_FALSE(tags("the decision was taken for us", lang::en).count("#job"));
    // English entries: "lag" (latency), "order" (orderliness).
    CHECK_FALSE(tags("het lag niet aan de planning", lang::nl).count("#speed"));
    CHECK_FALSE(tags("een order van een klant", lang::nl).count("#structure"));
    // Loan words of the same sense still are read ("live": deployed).
    CHECK(tags("een harde deadline", lang::nl).count("#rollout"));
    CHECK(tags("once the bot is live", lang::en).count("#rollout"));
    CHECK(tags("the kinderopvang closes at six", lang::en).count("#life"));
}

TEST_CASE("lexicon: a word's everyday sense is no topic") {
    auto const tags = testing::concept_tags;
    // Seeing is no contact; a conversation is.
    CHECK_FALSE(tags("ik wil mijn diensten op mijn telefoon zien", lang::nl).count("#contact"));
    CHECK(tags("een gesprek met de planner", lang::nl).count("#contact"));
    // Being right is no rule; being treated equally is.
    CHECK_FALSE(tags("de leerlingen hebben gelijk", lang::nl).count("#rules"));
    CHECK(tags("een gelijke behandeling van iedereen", lang::nl).count("#rules"));
    // Who leads a team, or leads a change, is no sales lead.
    CHECK_FALSE(tags("our team lead decides", lang::en).count("#people-served"));
    CHECK(tags("our team lead decides", lang::en).count("#management"));
    CHECK_FALSE(tags("leading the change", lang::en).count("#people-served"));
    CHECK_FALSE(tags("a lead time of weeks", lang::en).count("#people-served"));
    CHECK(tags("a lead time of weeks", lang::en).count("#speed"));
    CHECK(tags("nieuwe leads sneller opvolgen", lang::nl).count("#people-served"));
    CHECK(tags("we follow up on new leads", lang::en).count("#people-served"));
    // Certainty is no job security.
    CHECK_FALSE(tags("zekerheid dat mijn afspraak blijft staan", lang::nl).count("#job"));
    CHECK(tags("bang voor onze werkzekerheid", lang::nl).count("#job"));
    CHECK(tags("geen baanzekerheid meer", lang::nl).count("#job"));
    // What a build does is no coffee break.
    CHECK_FALSE(tags("every time the build breaks", lang::en).count("#social"));
    CHECK(tags("our coffee breaks together", lang::en).count("#social"));
}

TEST_CASE("theme terms: a phone is the device, or the line when someone is reached on it") {
    std::vector<card_text> const cards = {
        {"concern", "Ik wil mijn diensten op mijn telefoon zien", std::nullopt, lang::nl},
        {"concern", "Ze moeten ons aan de telefoon kunnen krijgen", std::nullopt, lang::nl},
        {"concern", "Approving on my phone on the shop floor", std::nullopt, lang::en},
        {"concern", "Nobody picks up the phone", std::nullopt, lang::en},
        {"concern", "Keep the phone line open", std::nullopt, lang::en},
    };
    auto const a = analyse_cards(cards, lang::nl, nullptr);
    // One concept per phone, never both.
    for (std::size_t i : {0, 2}) {
        CHECK(has(a[i], "#equipment"));
        CHECK_FALSE(has(a[i], "#access"));
    }
    for (std::size_t i : {1, 3, 4}) {
        CHECK(has(a[i], "#access"));
        CHECK_FALSE(has(a[i], "#equipment"));
    }
}

TEST_CASE("theme terms: a shift towards something is a change, no work shift") {
    std::vector<card_text> const cards = {
        {"concern", "The shift to the cloud scares me", std::nullopt, lang::en},
        {"concern", "Shifting priorities every sprint", std::nullopt, lang::en},
        {"concern", "A shift away from paper forms", std::nullopt, lang::en},
        {"concern", "A full night shift on my own", std::nullopt, lang::en},
        {"concern", "Let me swap my shift to Friday", std::nullopt, lang::en},
    };
    auto const a = analyse_cards(cards, lang::en, nullptr);
    for (std::size_t i : {0, 1, 2})
        CHECK_FALSE(has(a[i], "#schedule"));
    for (std::size_t i : {3, 4})
        CHECK(has(a[i], "#schedule"));
}

TEST_CASE("theme terms: a pipeline of deals is no software delivery") {
    std::vector<card_text> const cards = {
        {"concern", "Nobody knows what is in our sales pipeline", std::nullopt, lang::en},
        {"concern", "Ik zie de pipeline van deals niet", std::nullopt, lang::nl},
        {"concern", "The pipeline is red again after every merge", std::nullopt, lang::en},
    };
    auto const a = analyse_cards(cards, lang::nl, nullptr);
    CHECK_FALSE(has(a[0], "#delivery"));
    CHECK_FALSE(has(a[1], "#delivery"));
    CHECK(has(a[2], "#delivery"));
}

TEST_CASE("theme terms: a member of the team or staff is none of the people served") {
    std::vector<card_text> const cards = {
        {"concern", "Every team member gets the same training", std::nullopt, lang::en},
        {"concern", "Two members of staff left last month", std::nullopt, lang::en},
        {"concern", "Our members call us when the heating fails", std::nullopt, lang::en},
    };
    auto const a = analyse_cards(cards, lang::en, nullptr);
    CHECK_FALSE(has(a[0], "#people-served"));
    CHECK(has(a[0], "#team"));
    CHECK_FALSE(has(a[1], "#people-served"));
    CHECK(has(a[2], "#people-served"));
}

TEST_CASE("theme terms: a word with little topic of its own is no concept alone") {
    std::vector<card_text> const cards = {
        {"concern", "Ik voel me eerlijk gezegd een dinosaurus", std::nullopt, std::nullopt},
        {"intention", "Een eerlijke kans op de leuke diensten", std::nullopt, std::nullopt},
    };
    auto const a = analyse_cards(cards, lang::nl, nullptr);
    CHECK_FALSE(has(a[0], "#rules"));
    CHECK(has(a[1], "#rules"));
    // Nor how the change is carried out (fair rules, a 'process' cue).
    CHECK_FALSE(has(a[0], "#process"));
    CHECK(has(a[1], "#process"));
}

TEST_CASE("theme terms: the words of little topic are the same in both languages") {
    std::vector<card_text> const cards = {
        {"concern", "Klinkt klein, maar een halve dag per week is misschien veel", std::nullopt,
         lang::nl},
        {"concern", "Sounds small, but half a day a week is maybe a lot", std::nullopt, lang::en},
        {"concern", "A nice tool is quite fine, somewhere", std::nullopt, lang::en},
    };
    auto const a = analyse_cards(cards, lang::nl, nullptr);
    for (auto const* w : {"klein", "halve", "misschien"})
        CHECK_FALSE(has(a[0], stem(w, lang::nl)));
    for (auto const* w : {"small", "half", "maybe"})
        CHECK_FALSE(has(a[1], stem(w, lang::en)));
    for (auto const* w : {"nice", "quite", "fine", "somewhere"})
        CHECK_FALSE(has(a[2], stem(w, lang::en)));
    CHECK(has(a[2], "#tools"));
}

TEST_CASE("analysis: stance cues see negation and fear of loss") {
    std::vector<card_text> const cards = {
        {"concern", "Bang dat we het persoonlijke contact verliezen", std::nullopt, std::nullopt},
        {"intention", "De koffie op maandag wil ik niet kwijt", std::nullopt, std::nullopt},
        {"concern", "I don't want to lose the calm week after a release", std::nullopt, lang::en},
    };
    auto const a = analyse_cards(cards, lang::nl, nullptr);
    auto const has = [](analysed_card const& c, char const* f) {
        return std::find(c.column_features.begin(), c.column_features.end(), f) !=
               c.column_features.end();
    };
    CHECK(has(a[0], "p:fear+loss"));
    CHECK(has(a[1], "n:loss"));
    CHECK(has(a[2], "n:loss"));
    CHECK(a[2].language == lang::en);
}

TEST_CASE("analysis: conditions, lost-for-good phrases and the card's kind") {
    std::vector<card_text> const cards = {
        {"concern", "Als iedereen thuis zit hoor je niks meer bij de koffie", std::nullopt,
         std::nullopt},
        {"intention", "Dat het rooster eindelijk anders wordt", std::nullopt, std::nullopt},
        {"concern", "If the office closes we will never again have lunch together", std::nullopt,
         lang::en},
    };
    auto const a = analyse_cards(cards, lang::nl, nullptr);
    auto const has = [](analysed_card const& c, char const* f) {
        return std::find(c.column_features.begin(), c.column_features.end(), f) !=
               c.column_features.end();
    };
    CHECK(has(a[0], "c:cond"));
    CHECK(has(a[0], "c:loss")); // "niks meer"
    CHECK(has(a[0], "p:cond+loss"));
    CHECK(has(a[0], "kc:concern+loss"));
    CHECK_FALSE(has(a[0], "kc:intention+loss"));
    CHECK(has(a[1], "c:better")); // "anders"
    CHECK(has(a[1], "kc:intention+better"));
    CHECK(has(a[2], "c:cond"));
    CHECK(has(a[2], "c:loss")); // "never again"
    // Stance cues are no topic: "als" and "niks meer" add no theme terms.
    for (auto const& [term, count] : a[0].theme_terms)
        CHECK((term != "als" && term != "niks"));
}

TEST_CASE("theme terms: the noun of a preposition written as a phrase is no topic") {
    std::vector<card_text> const cards = {
        {"intention", "Alle berichten op één plek in plaats van in vier apps", std::nullopt,
         std::nullopt},
        {"concern", "In het kader van de privacy mag niets meer via de app", std::nullopt,
         std::nullopt},
    };
    auto const a = analyse_cards(cards, lang::nl, nullptr);
    // "plaats" stems to "plat", which "platform" splits into.
    CHECK_FALSE(has(a[0], stem("plaats", lang::nl)));
    CHECK(has(a[0], stem("berichten", lang::nl)));
    CHECK_FALSE(has(a[1], "#rules")); // "kader" is a frame of rules elsewhere
    CHECK_FALSE(has(a[1], stem("kader", lang::nl)));
    // Nor are those of other fixed phrases.
    std::vector<card_text> const fixed = {
        {"concern", "Of course we test, in order to ship this type of change", std::nullopt,
         lang::en},
        {"concern", "Het rooster is prima in orde", std::nullopt, lang::nl},
        {"intention", "A course on the new tool, and our orders in one place", std::nullopt,
         lang::en},
    };
    auto const b = analyse_cards(fixed, lang::nl, nullptr);
    CHECK_FALSE(has(b[0], "#training"));
    CHECK_FALSE(has(b[0], "#structure"));
    CHECK_FALSE(has(b[0], "#admin"));
    CHECK(has(b[0], "#quality"));
    CHECK_FALSE(has(b[1], "#structure"));
    CHECK(has(b[2], "#training"));
}

TEST_CASE("theme terms: an English 'time' that counts occasions is no topic") {
    std::vector<card_text> const cards = {
        {"concern", "Every time something breaks nobody can trace it", std::nullopt, lang::en},
        {"concern", "A bot that says sorry five times kills our reputation", std::nullopt,
         lang::en},
        {"intention", "Customers get correct answers the first time", std::nullopt, lang::en},
        {"concern", "The calls drop all the time", std::nullopt, lang::en},
        {"intention", "Time in the sprint to build the pipeline", std::nullopt, lang::en},
        {"intention", "More time per customer", std::nullopt, lang::en},
    };
    auto const a = analyse_cards(cards, lang::en, nullptr);
    for (std::size_t i = 0; i < 4; ++i) {
        CHECK_FALSE(has(a[i], "#time"));
        CHECK_FALSE(has(a[i], stem("time", lang::en)));
    }
    CHECK(has(a[4], "#time"));
    CHECK(has(a[5], "#time"));
    CHECK(has(a[5], stem("time", lang::en)));
    // "The first time" says when, not what comes first in the change.
    CHECK_FALSE(has(a[2], "#process"));
    CHECK_FALSE(has(a[2], stem("first", lang::en)));
    std::vector<card_text> const first = {
        {"intention", "Train us first, then go live", std::nullopt, lang::en}};
    CHECK(has(analyse_cards(first, lang::en, nullptr)[0], "#process"));
}

TEST_CASE("theme terms: being sick or tired of something is no illness or fatigue") {
    std::vector<card_text> const cards = {
        {"concern", "I'm sick of typing the same data twice", std::nullopt, lang::en},
        {"concern", "We are tired of the workarounds", std::nullopt, lang::en},
        {"concern", "Sick and tired of the chaos", std::nullopt, lang::en},
        {"concern", "Colleagues call in sick, the rest are tired", std::nullopt, lang::en},
    };
    auto const a = analyse_cards(cards, lang::en, nullptr);
    CHECK_FALSE(has(a[0], "#life"));
    CHECK_FALSE(has(a[1], "#workload"));
    CHECK_FALSE(has(a[2], "#life"));
    CHECK_FALSE(has(a[2], "#workload"));
    CHECK(has(a[3], "#life"));
    CHECK(has(a[3], "#workload"));
}

TEST_CASE("theme terms: a preposition is no topic (nor a theme's title)") {
    std::vector<card_text> const cards = {
        {"concern", "Gewoon even naast iemand kunnen gaan zitten als je vastloopt met een offerte",
         std::nullopt, std::nullopt},
        {"concern", "Volgens mij lopen we achter, rond de deadline en langs elkaar heen",
         std::nullopt, std::nullopt},
    };
    auto const a = analyse_cards(cards, lang::nl, nullptr);
    CHECK_FALSE(has(a[0], stem("naast", lang::nl)));
    CHECK(has(a[0], stem("offerte", lang::nl)));
    for (char const* w : {"volgens", "achter", "rond", "langs"})
        CHECK_FALSE(has(a[1], stem(w, lang::nl)));
    CHECK(has(a[1], stem("deadline", lang::nl)));
}

TEST_CASE("theme terms: a word that orders or stands for a noun names no theme") {
    std::vector<card_text> const cards = {
        {"concern", "The first close in the new ledger took us ten days", std::nullopt, lang::en},
        {"intention", "Next year the one-on-ones with whoever leads the ledger", std::nullopt,
         lang::en},
        {"concern", "Bij de volgende release alleen de eerste versie in je eigen klas testen",
         std::nullopt, lang::nl},
    };
    auto const a = analyse_cards(cards, lang::en, nullptr);
    auto const surface = [](analysed_card const& c, std::string const& w) {
        return std::any_of(c.surfaces.begin(), c.surfaces.end(),
                           [&](auto const& s) { return s.first == w; });
    };
    // Still theme terms ("first" links cards about the first close) ...
    CHECK(has(a[0], stem("first", lang::en)));
    CHECK(has(a[1], stem("next", lang::en)));
    // ... but no title is made of them.
    for (char const* w : {"first", "next", "ones", "whoever"}) {
        CHECK_FALSE(surface(a[0], w));
        CHECK_FALSE(surface(a[1], w));
    }
    CHECK_FALSE(surface(a[2], "volgende"));
    CHECK_FALSE(surface(a[2], "eerste"));
    CHECK_FALSE(surface(a[2], "alleen"));
    CHECK_FALSE(surface(a[2], "eigen"));
    CHECK(has(a[2], stem("eigen", lang::nl)));
    CHECK(has(a[2], "~volg")); // and runs of letters, as any content word
    CHECK(has(a[1], "~whoe"));
    CHECK(surface(a[0], "ledger"));
    CHECK(surface(a[1], "ledger"));
    CHECK(surface(a[2], "release"));
    // "somebody" and "anything" are as everyday as "someone" and "something".
    std::vector<card_text> const anyone = {
        {"concern", "Somebody has to approve anything that goes out", std::nullopt, lang::en}};
    auto const b = analyse_cards(anyone, lang::en, nullptr);
    CHECK_FALSE(has(b[0], stem("somebody", lang::en)));
    CHECK_FALSE(has(b[0], stem("anything", lang::en)));
    CHECK(has(b[0], stem("approve", lang::en)));
}

TEST_CASE("text: words with the ends of their clauses") {
    std::vector<bool> ends;
    auto const words = split_words("Eerst de pilot, dan i.p.v. Teams (echt) alles. Klaar", &ends);
    CHECK(words == split_words("Eerst de pilot, dan i.p.v. Teams (echt) alles. Klaar"));
    std::vector<bool> const want = {false, false, true, false, false, true, true, true, true};
    CHECK(ends == want);
}

TEST_CASE("title words: how a card uses a word shows in where it stands and how it is formed") {
    std::vector<card_text> const cards = {
        {"intention", "Geef ons tijd om het te leren, niet naast de les", std::nullopt, lang::nl},
        {"intention", "Een vast aanspreekpunt voor elke klant", std::nullopt, lang::nl},
        {"intention", "Onze huismeesters kennen de flat", std::nullopt, lang::nl},
        {"concern", "Niemand ziet dat iemand langzaam aan het afglijden is", std::nullopt,
         lang::nl},
        {"concern", "Het CRM is nog niet ingericht op de binnendienst", std::nullopt, lang::nl},
        {"concern", "Waiting a whole quarter to ship a fix", std::nullopt, lang::en},
        {"intention", "We actually learn from incidents, even in our busiest shifts", std::nullopt,
         lang::en},
        {"intention", "Room for ad hoc analysis, the way we do it now", std::nullopt, lang::en},
    };
    auto const a = analyse_cards(cards, lang::nl, nullptr);
    auto const use = [&](std::size_t card, std::string const& w) {
        auto const& c = a[card];
        REQUIRE(c.surface_uses.size() == c.surfaces.size());
        for (std::size_t k = 0; k < c.surfaces.size(); ++k)
            if (c.surfaces[k].first == w) return c.surface_uses[k];
        FAIL("no title word " << w);
        return word_use::unknown;
    };
    // After an article, a possessive or a quantifier: a noun ...
    CHECK(use(0, "les") == word_use::naming);
    CHECK(use(1, "klant") == word_use::naming);
    CHECK(use(2, "huismeesters") == word_use::naming);
    CHECK(use(2, "flat") == word_use::naming);
    CHECK(use(4, "binnendienst") == word_use::naming);
    CHECK(use(6, "shifts") == word_use::naming);
    // ... or an adjective and the noun it describes.
    CHECK(use(1, "vast") == word_use::adjective);
    CHECK(use(1, "aanspreekpunt") == word_use::naming);
    CHECK(use(6, "busiest") == word_use::adjective);
    // After "te", "to", a subject or a modal, before an object, going on: a verb.
    CHECK(use(0, "leren") == word_use::verbal);
    CHECK(use(2, "kennen") == word_use::verbal);
    CHECK(use(3, "afglijden") == word_use::verbal);
    CHECK(use(5, "waiting") == word_use::verbal);
    CHECK(use(5, "ship") == word_use::verbal);
    CHECK(use(6, "learn") == word_use::verbal);
    CHECK(use(5, "fix") == word_use::naming);
    // An abbreviation names something; a participle does not.
    CHECK(use(4, "CRM") == word_use::naming);
    CHECK(use(4, "ingericht") == word_use::verbal);
    // Not across a comma: "analysis, the way" is no verb with its object.
    CHECK(use(7, "analysis") == word_use::unknown);
}

TEST_CASE("theme terms: runs of letters join a typo and an unknown compound to their word") {
    std::vector<card_text> const cards = {
        {"concern", "De bereikbaarheid van het loket", std::nullopt, std::nullopt},
        {"concern", "Bereikbaarhied is slecht", std::nullopt, std::nullopt},
        {"concern", "Zelfroosteren wordt chaos", std::nullopt, std::nullopt},
        {"concern", "Het roosteren kost te veel tijd", std::nullopt, std::nullopt},
    };
    auto const a = analyse_cards(cards, lang::nl, nullptr);
    auto const grams = [](analysed_card const& c) {
        std::set<std::string> out;
        for (auto const& [t, n] : c.theme_terms)
            if (t[0] == '~') out.insert(t);
        return out;
    };
    auto const shared = [&](std::size_t i, std::size_t j) {
        auto const x = grams(a[i]), y = grams(a[j]);
        return std::count_if(x.begin(), x.end(), [&](auto const& g) { return y.count(g) > 0; });
    };
    CHECK(shared(0, 1) >= 3); // "bere", "reik", "eikb", ...
    CHECK(shared(2, 3) >= 3); // "roos", "oost", "ster", ...
    CHECK(shared(0, 2) == 0);
}
