// Column features of the analysis: which stance cues a card shows.
#include "suggest/analysis.hpp"
#include "suggest/model.hpp"
#include "suggest/suggester.hpp"
#include "test_card.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>

using namespace brug::suggest;

namespace {

bool has(analysed_card const& c, char const* feature) {
    return std::find(c.column_features.begin(), c.column_features.end(), feature) !=
           c.column_features.end();
}

// A Dutch workshop with the columns behouden and vernieuwen, no cards yet.
workshop_input dutch_workshop() {
    workshop_input in;
    in.language = "nl";
    in.column_ids = {"behouden", "vernieuwen"};
    return in;
}

using testing::card;

card_suggestion const* suggestion_for(suggestions const& s, std::string_view id) {
    for (auto const& c : s.cards)
        if (c.card_id == id) return &c;
    return nullptr;
}

std::string column_of(suggestions const& s, std::string_view id) {
    auto const* c = suggestion_for(s, id);
    return c ? c->column : std::string();
}

// The confidence of the suggested column, -1 when the card has none.
double confidence_of(suggestions const& s, std::string_view id) {
    auto const* c = suggestion_for(s, id);
    return c ? c->confidence : -1.0;
}

// The chance of vernieuwen, -1 when the card has no suggestion.
double renew_chance(suggestions const& s, std::string_view id) {
    auto const* c = suggestion_for(s, id);
    if (!c) return -1.0;
    return c->column == "vernieuwen" ? c->confidence : 1 - c->confidence;
}

} // namespace

TEST_CASE("column cues: only the card's own language, so a word of the other is no cue") {
    std::vector<card_text> const cards = {
        // "lost" is English for loss, "want" English for wish: here they are
        // Dutch "solves" and "because".
        {"concern", "Wie lost het op als het systeem vastloopt?", std::nullopt, lang::nl},
        {"concern", "Ik bel de planner, want die weet het", std::nullopt, lang::nl},
        // Loan words of change workshops are in both languages' lists.
        {"intention", "Een harde deadline voor de go-live", std::nullopt, lang::nl},
        {"concern", "We lost the calm week after a release", std::nullopt, lang::en},
    };
    auto const a = analyse_cards(cards, lang::nl, nullptr);
    CHECK_FALSE(has(a[0], "c:loss"));
    CHECK(has(a[0], "c:problem")); // "vastloopt"
    CHECK_FALSE(has(a[1], "c:wish"));
    CHECK(has(a[2], "c:process"));
    CHECK(has(a[3], "c:loss"));
}

TEST_CASE("column cues: learning as such is no wish about how the change is carried out") {
    std::vector<card_text> const cards = {
        {"intention", "Het lokaal als rustige plek om te leren", std::nullopt, lang::nl},
        {"intention", "The way seniors explain things: that's how I learned", std::nullopt,
         lang::en},
        {"intention", "Geef ons eerst een training en begeleiding", std::nullopt, lang::nl},
    };
    auto const a = analyse_cards(cards, lang::nl, nullptr);
    CHECK_FALSE(has(a[0], "c:process"));
    CHECK(has(a[1], "c:process")); // "explain" is
    CHECK(has(a[2], "c:process"));
}

TEST_CASE("column cues: a Dutch separable verb is read with its particle at the clause's end") {
    std::vector<card_text> const cards = {
        {"concern", "Als ik 25 velden moet invullen haak ik af", std::nullopt, lang::nl},
        {"concern", "We tikken van alles dubbel over", std::nullopt, lang::nl},
        {"concern", "Ik neem het werk van mijn collega over", std::nullopt, lang::nl},
        {"concern", "Ik haak de kar aan, maar af en toe wil ik rust", std::nullopt, lang::nl},
    };
    auto const a = analyse_cards(cards, lang::nl, nullptr);
    CHECK(has(a[0], "c:problem")); // "afhaken"
    CHECK(has(a[1], "c:problem")); // "overtikken"
    CHECK(has(a[1], "k:#admin"));
    CHECK(has(a[2], "k:#handover")); // "overnemen", not the "overwerk" of "werk ... over"
    CHECK_FALSE(has(a[2], "k:#workload"));
    CHECK_FALSE(has(a[3], "c:problem")); // the particle ends no clause of "haak"
}

TEST_CASE("column cues: Dutch 'als' is a condition before a clause, not before a bare noun") {
    std::vector<card_text> const cards = {
        {"intention", "Dat ik als mentor in één oogopslag zie hoe het gaat", std::nullopt,
         lang::nl},
        {"intention", "Het lokaal als rustige plek, net als vroeger", std::nullopt, lang::nl},
        {"concern", "Als de wifi het niet doet zitten we stil", std::nullopt, lang::nl},
        {"concern", "Wat als straks iedereen thuis zit?", std::nullopt, lang::nl},
        {"intention", "Even naast iemand zitten als je vastloopt", std::nullopt, lang::nl},
    };
    auto const a = analyse_cards(cards, lang::nl, nullptr);
    CHECK_FALSE(has(a[0], "c:cond"));
    CHECK_FALSE(has(a[1], "c:cond"));
    CHECK(has(a[2], "c:cond"));
    CHECK(has(a[3], "c:cond"));
    CHECK(has(a[4], "c:cond"));
}

TEST_CASE("column cues: the two languages say the same things") {
    // Pairs of translations: each must carry the same cue in its language.
    struct pair {
        char const* nl;
        char const* en;
        char const* cue;
    };
    pair const pairs[] = {
        {"Ik ben er zenuwachtig over", "I am nervous about it", "c:fear"},
        {"Het persoonlijke contact wordt vervangen", "The personal touch gets replaced",
         "c:loss"},
        {"Onze kwaliteit", "Our quality", "c:value"},
        {"Een hecht team", "A close-knit team", "c:value"},
        {"Dat is belachelijk", "That is ridiculous", "c:problem"},
        {"Het is onduidelijk", "It is unclear", "c:problem"},
        {"Een coach en begeleiding", "A coach and guidance", "c:process"},
        {"Duidelijke verwachtingen", "Clear expectations", "c:process"},
        // How the people of our workshops speak of what they value.
        {"Ons vakmanschap", "Our craftsmanship", "c:value"},
        {"Dat is essentieel", "That is essential", "c:value"},
        {"De zorgvuldigheid bewaken", "Safeguard how careful we are", "c:keep"},
        {"De verbinding in het team", "The connection in the team", "c:relation"},
    };
    for (auto const& p : pairs) {
        std::vector<card_text> const cards = {{"intention", p.nl, std::nullopt, lang::nl},
                                              {"intention", p.en, std::nullopt, lang::en}};
        auto const a = analyse_cards(cards, lang::nl, nullptr);
        INFO(p.nl << " / " << p.en);
        CHECK(has(a[0], p.cue));
        CHECK(has(a[1], p.cue));
    }
}

TEST_CASE("column placements: a few placed cards move this workshop's words, not the cues") {
    // Five placed cards that all fear a loss but sit in vernieuwen: the
    // placements teach their words ("koffieautomaat"), while the reading of
    // "bang dat we ... verliezen" stays that of the built-in model.
    workshop_input in = dutch_workshop();
    in.cards = {
        card("cue", "Bang dat we het persoonlijke contact met de klant verliezen"),
        card("word", "De koffieautomaat op de tweede verdieping"),
    };
    double const before = confidence_of(suggest(in), "cue");
    for (int i = 0; i < 5; ++i) {
        in.cards.push_back(card("p" + std::to_string(i),
                                "Bang dat we de koffieautomaat verliezen, nummer " +
                                    std::to_string(i)));
        in.cards.back().column = "vernieuwen";
    }
    auto const s = suggest(in);
    CHECK(column_of(s, "cue") == "behouden");
    // It shares no word with the placed cards, so nothing about it moved.
    CHECK(confidence_of(s, "cue") == Approx(before).margin(1e-9));
    CHECK(column_of(s, "word") == "vernieuwen");
}

TEST_CASE("column placements: cards their cues explain do not drag a topic-alike card over") {
    // The facilitator keeps what works about the roster app; a card that
    // finds the same app slow still asks for change.
    // Placements whose column the cues already explain teach their words
    // little: a topic has cards in both columns.
    workshop_input in = dutch_workshop();
    in.cards = {
        card("slow", "De roosterapp op de telefoon is traag"),
    };
    double const before = renew_chance(suggest(in), "slow");
    std::vector<std::string> const kept = {
        "Bang dat we de roosterapp kwijtraken, die werkt goed",
        "De roosterapp moeten we zeker behouden",
        "Ik wil de roosterapp houden zoals hij is",
        "Waardevol: de roosterapp op de telefoon",
        "Bang dat we de roosterapp op de telefoon verliezen",
        "Fijn dat de roosterapp op de telefoon er is, dat moet blijven",
    };
    for (std::size_t i = 0; i < kept.size(); ++i) {
        in.cards.push_back(card(std::string("k").append(std::to_string(i)), kept[i]));
        in.cards.back().column = "behouden";
    }
    double const after = renew_chance(suggest(in), "slow");
    // How far the placements dragged it, in log-odds (the card's own start
    // depends on the built-in model, the drag on the placements).
    auto const logit = [](double p) { return std::log(p / (1 - p)); };
    double const drag = logit(before) - logit(after);
    INFO("vernieuwen before " << before << ", after " << after << ", drag " << drag);
    // Measured: 0.86 before, 0.76 after, a drag of 0.66 (0.64 without the
    // prior on how a card opens: 0.89 -> 0.81); with every placement's
    // words learnt as freely as those of unexplained ones, 1.4 (0.86 -> 0.61).
    CHECK(after > 0.5);
    CHECK(drag >= 0);
    CHECK(drag < 0.7);
}

TEST_CASE("column prior: an intention that names what exists leans to keep, 'a/more ...' to "
          "change") {
    // The curated prior alone (a model trained on no cards): the same words,
    // opened by a definite or an indefinite word.
    auto const m = train_model({});
    workshop_input in = dutch_workshop();
    in.cards = {
        card("de", "Het overleg op maandag", "intention"),
        card("een", "Een overleg op maandag", "intention"),
        card("our", "Our meeting on Monday", "intention"),
        card("a", "A meeting on Monday", "intention"),
        // A concern that names something is as often about what is wrong
        // with it: its opening leans to neither column.
        card("de-concern", "Het overleg op maandag", "concern"),
        card("bare-concern", "Overleg op maandag", "concern"),
        card("our-concern", "Our meeting on Monday", "concern"),
        card("bare-en-concern", "Meeting on Monday", "concern"),
    };
    auto const s = suggest(in, *m);
    CHECK(column_of(s, "de") == "behouden");
    CHECK(column_of(s, "een") == "vernieuwen");
    CHECK(column_of(s, "our") == "behouden");
    CHECK(column_of(s, "a") == "vernieuwen");
    CHECK(renew_chance(s, "de-concern") == Approx(renew_chance(s, "bare-concern")));
    CHECK(renew_chance(s, "our-concern") == Approx(renew_chance(s, "bare-en-concern")));
}

TEST_CASE("column cues: wishes in the plural are wishes, getting used to is none") {
    // The cue "wens" stemmed as "wen" (Snowball takes the s for a plural),
    // "wensen" as "wens": the plural was no wish.
    std::vector<card_text> const cards = {
        {"concern", "Het is even wennen aan het nieuwe rooster", std::nullopt, lang::nl},
        {"concern", "Mijn grootste wens is een rooster dat klopt", std::nullopt, lang::nl},
        {"concern", "Onze wensen voor het rooster worden nooit gevraagd", std::nullopt, lang::nl},
    };
    auto const a = analyse_cards(cards, lang::nl, nullptr);
    CHECK_FALSE(has(a[0], "c:wish"));
    CHECK(has(a[1], "c:wish"));
    CHECK(has(a[2], "c:wish"));
}

TEST_CASE("column cues: the full stops of an abbreviation or a number end no sentence") {
    std::vector<card_text> const cards = {
        {"concern", "Gewoon bellen i.p.v. mailen, dat wil ik houden", std::nullopt, lang::nl},
        {"concern", "Prefer a call, e.g. when it is urgent", std::nullopt, lang::en},
        {"concern", "Versie 2.5 moet echt anders", std::nullopt, lang::nl},
        // A single letter that is no abbreviation still closes its sentence.
        {"concern", "Plan A. Dat wil ik houden", std::nullopt, lang::nl},
    };
    auto const a = analyse_cards(cards, lang::nl, nullptr);
    auto const closing = [](analysed_card const& c) {
        return std::count_if(c.column_features.begin(), c.column_features.end(),
                             [](std::string const& f) { return f.rfind("l:", 0) == 0; });
    };
    CHECK(closing(a[0]) == 0);
    CHECK(closing(a[1]) == 0);
    CHECK(closing(a[2]) == 0);
    CHECK(has(a[3], "l:keep"));
}

TEST_CASE("column cues: the closing sentence (of the intention, if any) is the card's verdict") {
    std::vector<card_text> const cards = {
        {"concern", "We werken al jaren met dit rooster. Het moet echt anders!", std::nullopt,
         lang::nl},
        {"concern", "Het moet echt anders.", std::nullopt, lang::nl},
        {"concern", "The calm week after a release. I'd miss that.", std::nullopt, lang::en},
        {"intention", "Niet alles hoeft anders. Het overleg wil ik niet kwijt.", std::nullopt,
         lang::nl},
        // With an intention, the card closes on that: what its author wants.
        {"concern", "Het rooster verandert steeds. Het moet anders.",
         std::string_view("Het vaste team behouden"), lang::nl},
        {"concern", "Het rooster verandert steeds", std::string_view("Het vaste team behouden"),
         lang::nl},
    };
    auto const a = analyse_cards(cards, lang::nl, nullptr);
    CHECK(has(a[0], "l:wish"));      // "moet"
    CHECK_FALSE(has(a[0], "l:now")); // "al jaren" is in the first sentence only
    CHECK(has(a[0], "c:now"));
    // One sentence, however it ends, has no closing sentence apart.
    CHECK(std::none_of(a[1].column_features.begin(), a[1].column_features.end(),
                       [](std::string const& f) { return f.rfind("l:", 0) == 0; }));
    CHECK(has(a[2], "l:loss")); // "miss"
    CHECK_FALSE(has(a[2], "ln:loss"));
    // A negated cue of the closing sentence counts again as negated.
    CHECK(has(a[3], "n:loss"));
    CHECK(has(a[3], "ln:loss")); // "niet kwijt"
    CHECK(has(a[3], "l:neg"));
    CHECK(has(a[4], "l:keep"));
    CHECK_FALSE(has(a[4], "l:wish")); // "moet" closes the text, not the card
    CHECK(has(a[4], "c:wish"));
    CHECK(has(a[5], "l:keep"));

    // The same two sentences in either order: the one that ends on the
    // wish for change leans further towards it (the curated prior alone).
    auto const m = train_model({});
    workshop_input in = dutch_workshop();
    in.cards = {
        card("ends-on-change", "Het overleg willen we houden. Het moet sneller."),
        card("ends-on-keep", "Het moet sneller. Het overleg willen we houden."),
    };
    auto const s = suggest(in, *m);
    double const change = renew_chance(s, "ends-on-change");
    double const keep = renew_chance(s, "ends-on-keep");
    INFO("ends on change " << change << ", on keep " << keep);
    CHECK(change > keep + 0.1);
}

TEST_CASE("column cues: a cue phrase reads as a whole, not as its cue words") {
    std::vector<card_text> const cards = {
        {"concern", "Aanvragen blijven liggen tot iemand tijd heeft", std::nullopt, lang::nl},
        {"concern", "It is always the same two people on call", std::nullopt, lang::en},
        {"intention", "Fijn als de uitleg op één plek staat", std::nullopt, lang::nl},
        // Alone, the same words are cues.
        {"intention", "Dat we altijd samen blijven werken", std::nullopt, lang::nl},
        {"concern", "Nobody knows who owns the backlog", std::nullopt, lang::en},
    };
    auto const a = analyse_cards(cards, lang::nl, nullptr);
    CHECK(has(a[0], "c:problem"));
    CHECK_FALSE(has(a[0], "c:keep"));
    CHECK(has(a[1], "c:problem"));
    CHECK_FALSE(has(a[1], "c:keep"));
    CHECK(has(a[2], "c:wish"));
    CHECK_FALSE(has(a[2], "c:value"));
    CHECK(has(a[3], "c:keep"));
    // A negation inside a phrase still negates.
    CHECK(has(a[4], "c:problem"));
    CHECK(has(a[4], "c:neg"));
}

TEST_CASE("column cues: a concession ('at least', 'tenminste') speaks for what exists") {
    std::vector<card_text> const cards = {
        {"concern", "Het rooster is zwaar, maar tenminste weet je waar je staat", std::nullopt,
         lang::nl},
        {"concern", "Releases are stressful, but at least they are rare", std::nullopt, lang::en},
        {"concern", "Gelukkig kennen we elkaar nog", std::nullopt, lang::nl},
    };
    auto const a = analyse_cards(cards, lang::nl, nullptr);
    CHECK(has(a[0], "c:value"));
    CHECK(has(a[1], "c:value"));
    CHECK(has(a[2], "c:value"));
}

TEST_CASE("column cues: a complaint idiom is a problem now, not what its words say alone") {
    std::vector<card_text> const cards = {
        {"concern", "Forty password resets a day, I'm losing my mind", std::nullopt, lang::en},
        {"concern", "Drie keer hetzelfde invullen, ik word er gek van", std::nullopt, lang::nl},
        {"concern", "We are losing the calm week after a release", std::nullopt, lang::en},
    };
    auto const a = analyse_cards(cards, lang::nl, nullptr);
    CHECK(has(a[0], "c:problem"));
    CHECK_FALSE(has(a[0], "c:loss"));
    CHECK(has(a[1], "c:problem"));
    CHECK(has(a[2], "c:loss"));
}

TEST_CASE("column cues: 'once' is later before a clause, a frequency before 'a'") {
    std::vector<card_text> const cards = {
        {"concern", "The board meets once a month", std::nullopt, lang::en},
        {"concern", "Releases go out once every quarter", std::nullopt, lang::en},
        {"concern", "Once the bot is live, nobody reads the chats", std::nullopt, lang::en},
    };
    auto const a = analyse_cards(cards, lang::nl, nullptr);
    CHECK_FALSE(has(a[0], "c:later"));
    CHECK_FALSE(has(a[1], "c:later"));
    CHECK(has(a[2], "c:later"));
}

TEST_CASE("column cues: 'at least' before a number measures, 'away' after 'be' is absence") {
    std::vector<card_text> const cards = {
        {"intention", "Run both systems side by side for at least one month", std::nullopt,
         lang::en},
        {"intention", "Tenminste twee weken naast elkaar draaien", std::nullopt, lang::nl},
        {"concern", "The crunch is awful, but at least it's 4x a year", std::nullopt, lang::en},
        {"intention", "If I'm away my approvals go to a named backup", std::nullopt, lang::en},
        {"concern", "Afraid the calm week after a release goes away", std::nullopt, lang::en},
    };
    auto const a = analyse_cards(cards, lang::nl, nullptr);
    CHECK_FALSE(has(a[0], "c:value"));
    CHECK_FALSE(has(a[1], "c:value"));
    CHECK(has(a[2], "c:value"));
    CHECK_FALSE(has(a[3], "c:loss"));
    CHECK(has(a[4], "c:loss"));
}

TEST_CASE("column prior: 'simply being able to' guards an ease that exists") {
    // The curated prior alone (a model trained on no cards): the same
    // ability, with and without "gewoon/simply".
    auto const m = train_model({});
    workshop_input in = dutch_workshop();
    in.cards = {
        card("nl-plain", "Gewoon even kunnen binnenlopen bij de balie", "intention"),
        card("nl", "Even kunnen binnenlopen bij de balie", "intention"),
        card("en-plain", "Simply being able to walk in at the desk", "intention"),
        card("en", "Being able to walk in at the desk", "intention"),
    };
    auto const s = suggest(in, *m);
    CHECK(column_of(s, "nl-plain") == "behouden");
    CHECK(renew_chance(s, "nl-plain") < renew_chance(s, "nl") - 0.05);
    CHECK(column_of(s, "en-plain") == "behouden");
    CHECK(renew_chance(s, "en-plain") < renew_chance(s, "en") - 0.05);
}

TEST_CASE("column placements: a placement teaches by how little the model expected it") {
    // The same card, placed where the built-in model expects it or not: the
    // expected placement leaves a card with its words where it was, the
    // unexpected one drags it along.
    auto const logit = [](double p) { return std::log(p / (1 - p)); };
    auto const drag_on_word = [&](char const* placed_column) {
        workshop_input in = dutch_workshop();
        in.cards = {card("word", "De koffieautomaat op de tweede verdieping")};
        double const before = renew_chance(suggest(in), "word");
        for (int i = 0; i < 3; ++i) {
            in.cards.push_back(card(std::string("p").append(std::to_string(i)),
                                    "Bang dat we de koffieautomaat verliezen, dat zou zonde zijn " +
                                        std::to_string(i)));
            in.cards.back().column = placed_column;
        }
        return logit(renew_chance(suggest(in), "word")) - logit(before);
    };
    double const expected = drag_on_word("behouden");
    double const surprising = drag_on_word("vernieuwen");
    INFO("drag in log-odds of vernieuwen: expected " << expected << ", surprising " << surprising);
    CHECK(std::abs(expected) < 0.05);
    CHECK(surprising > 0.5);
}

TEST_CASE("column cues: a Dutch separable verb with its particle keeps nothing") {
    std::vector<card_text> const cards = {
        // bijhouden (keep up with), overblijven (be left), achterblijven (lag
        // behind), ophouden (stop), blijven liggen (pile up).
        {"concern", "We houden het tempo van de concurrent niet bij op deze manier", std::nullopt,
         lang::nl},
        {"concern", "Als we alles moeten invullen, blijven er weinig uren over", std::nullopt,
         lang::nl},
        {"concern", "Bang dat de ouderen achter blijven", std::nullopt, lang::nl},
        {"concern", "Tickets blijven soms een week liggen", std::nullopt, lang::nl},
        {"concern", "Dat tempo is voor ons niet bij te houden", std::nullopt, lang::nl},
        // A preposition, not a particle: these keep.
        {"intention", "Ik wil bij mijn klanten blijven langsgaan", std::nullopt, lang::nl},
        {"intention", "Dat we als team bij elkaar blijven, ook op afstand", std::nullopt, lang::nl},
        {"intention", "Wij blijven bij de klant op de koffie", std::nullopt, lang::nl},
        {"intention", "Die aandacht wil ik houden, op een nieuwe manier", std::nullopt, lang::nl},
    };
    auto const a = analyse_cards(cards, lang::nl, nullptr);
    for (std::size_t i = 0; i < 5; ++i) {
        INFO(i);
        CHECK_FALSE(has(a[i], "c:keep"));
    }
    for (std::size_t i = 5; i < cards.size(); ++i) {
        INFO(i);
        CHECK(has(a[i], "c:keep"));
    }
}

TEST_CASE("column confidence: the model's odds read softer where left-out workshops find them "
          "too sure, never sharper") {
    // One workshop: nothing scored out of sample, the odds as fitted.
    std::vector<labelled_card> one = {
        {"w1", "nl", "concern", "Bang dat we het contact verliezen", std::nullopt, "behouden", "a"},
        {"w1", "nl", "concern", "Het invoeren is traag en omslachtig", std::nullopt, "vernieuwen",
         "b"},
    };
    CHECK(train_model(one)->column_temperature == 1);
    // Two workshops that label the same cards the other way round: a model
    // trained on one is surely wrong on the other, and its odds are read
    // softer.
    std::vector<labelled_card> contrary;
    for (int i = 0; i < 6; ++i) {
        std::string const n = std::to_string(i);
        bool const first = i < 3;
        contrary.push_back({first ? "w1" : "w2", "nl", "concern",
                            "Het invoeren is traag en omslachtig " + n, std::nullopt,
                            first ? "vernieuwen" : "behouden", "a"});
        contrary.push_back({first ? "w1" : "w2", "nl", "concern",
                            "Bang dat we het contact verliezen " + n, std::nullopt,
                            first ? "behouden" : "vernieuwen", "b"});
    }
    CHECK(train_model(contrary)->column_temperature < 1);
    // The built-in model: each development workshop, scored by a model
    // trained without it, would read its odds sharper (they share one
    // writer), but they are shown as fitted.
    model const& m = builtin_model();
    CHECK(m.column_temperature == 1);
    workshop_input in = dutch_workshop();
    in.cards = {card("c", "Bang dat we het persoonlijke contact met de klant verliezen")};
    auto const s = suggest(in, m);
    auto const a =
        analyse_cards({{"concern", in.cards[0].text, std::nullopt, lang::nl}}, lang::nl, &m.words);
    double z = m.column.bias(1) - m.column.bias(0);
    for (auto const& f : a[0].column_features)
        z += m.column.weight(f, 1) - m.column.weight(f, 0);
    REQUIRE(z < 0);
    CHECK(column_of(s, "c") == "behouden");
    CHECK(confidence_of(s, "c") == Approx(1 / (1 + std::exp(z))));
}

TEST_CASE("column cues: a keep the writer negates asks for change, not for keeping") {
    std::vector<card_text> const cards = {
        {"concern", "Alles staat al op papier. Ik wil niet blijven overtikken", std::nullopt,
         lang::nl},
        {"concern", "Lists are in no order. I don't want to keep doing laps for nothing",
         std::nullopt, lang::en},
        // A negated word of frequency says how often: it still keeps.
        {"concern", "Een team ziet niet altijd wie het moeilijk heeft", std::nullopt, lang::nl},
        // A keep with no negation before it.
        {"intention", "Ik wil blijven langsgaan bij mijn klanten", std::nullopt, lang::nl},
    };
    auto const a = analyse_cards(cards, lang::nl, nullptr);
    for (std::size_t i = 0; i < 2; ++i) {
        INFO(i);
        CHECK(has(a[i], "n:keep"));
        CHECK(has(a[i], "ln:keep")); // the closing sentence's verdict
        CHECK_FALSE(has(a[i], "c:keep"));
        CHECK_FALSE(has(a[i], "l:keep"));
        CHECK_FALSE(has(a[i], "p:keep+wish"));
    }
    CHECK(has(a[2], "c:keep"));
    CHECK_FALSE(has(a[2], "n:keep"));
    CHECK(has(a[3], "c:keep"));
    CHECK_FALSE(has(a[3], "n:keep"));

    // The curated prior alone: the negated keep leans to vernieuwen.
    auto const m = train_model({});
    workshop_input in = dutch_workshop();
    in.cards = {card("unkept", "Ik wil niet blijven mailen", "intention"),
                card("kept", "Ik wil blijven mailen", "intention")};
    auto const s = suggest(in, *m);
    CHECK(column_of(s, "unkept") == "vernieuwen");
    CHECK(column_of(s, "kept") == "behouden");
}

TEST_CASE("column cues: 'no more' opening a clause asks for an end, elsewhere it loses") {
    std::vector<card_text> const cards = {
        {"intention", "Eén nummer voor alles. Niet meer doorverbinden naar drie afdelingen",
         std::nullopt, lang::nl},
        {"intention", "Scan the shelf and the item, no more mispicks at dispatch", std::nullopt,
         lang::en},
        {"concern", "Straks kunnen we niet meer even binnenlopen", std::nullopt, lang::nl},
        {"concern", "Then we no longer see our regulars", std::nullopt, lang::en},
        {"concern", "Niet hetzelfde als een mens aan de balie", std::nullopt, lang::nl},
    };
    auto const a = analyse_cards(cards, lang::nl, nullptr);
    for (std::size_t i = 0; i < 2; ++i) {
        INFO(i);
        CHECK(has(a[i], "c:better"));
        CHECK_FALSE(has(a[i], "c:loss"));
    }
    for (std::size_t i = 2; i < cards.size(); ++i) {
        INFO(i);
        CHECK(has(a[i], "c:loss"));
        CHECK_FALSE(has(a[i], "c:better"));
    }
}

TEST_CASE("column cues: 'not the same' loses, 'like we do now' keeps") {
    std::vector<card_text> const cards = {
        {"concern", "Advies van een scherm is echt niet hetzelfde", std::nullopt, lang::nl},
        {"concern", "A scanner beeping directions isn't the same thing", std::nullopt, lang::en},
        {"intention", "Elk bedrag kunnen terugvinden, zoals nu in de ordners", std::nullopt,
         lang::nl},
        {"intention", "Tracing every figure back to its invoice, like we can today", std::nullopt,
         lang::en},
    };
    auto const a = analyse_cards(cards, lang::nl, nullptr);
    CHECK(has(a[0], "c:loss"));
    CHECK(has(a[1], "c:loss"));
    CHECK(has(a[2], "c:keep"));
    CHECK_FALSE(has(a[2], "c:now")); // "nu" is part of the phrase
    CHECK(has(a[3], "c:keep"));
    CHECK_FALSE(has(a[3], "c:now"));
}
