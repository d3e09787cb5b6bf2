// The store keeps a workshop's state exactly: what goes in through submit
// comes back from load, and each kind of change does what changes.hpp says.
#include "store_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace brug;
using namespace brug::store::testing;

namespace {

model::workshop_state full_state(std::string const& code) {
    model::workshop_state w;
    auto& m = w.meta;
    m = sample_meta(code);
    m.title = "Retro \"Q3\" — één/twee 🚀";
    m.language = "en";
    m.columns = {{"keep", "Keep"}, {"change", "Change"}, {"try-x", "Try \"x\""}};
    m.settings.votes_per_participant = 7;
    m.settings.anonymity_threshold = 1;
    m.settings.max_card_chars = 280;
    m.current_phase = model::phase::vote;
    m.prompt = "Wat houden we?\nEn wat niet?";
    m.revealed = true;
    m.seq = 123456789012LL;
    m.authors = 4;
    m.timer = model::timer{1'700'000'123'000, 300};
    m.closed_at_ms = 0;
    m.touched_at_ms = 1'700'000'200'000;

    model::card a = sample_card("c1a2b3", "Dagelijkse stand-up werkt", 0);
    model::card b = sample_card("d4e5f6", "Te veel tools; 'quotes' and \"doubles\"", 1);
    b.kind = model::card_kind::intention;
    b.column = "change";
    b.cluster_id = "k1";
    model::card c = sample_card("a0a0a0", "Concern with an intention", 0);
    c.intention = "Let's try pairing";
    c.column = std::nullopt;
    c.author_tag = std::string(64, 'b');
    w.cards = {a, b, c};

    w.clusters = {
        {"k1", "change", "Tools", 0}, {"k2", "change", "Meetings", 1}, {"k3", "keep", "", 0}};

    model::agreement g1;
    g1.id = "g1";
    g1.text = "Eén tool kiezen";
    g1.owner = "Sam";
    g1.due = "2026-12-01";
    g1.cluster_id = "k1";
    g1.position = 0;
    model::agreement g2;
    g2.id = "g0";
    g2.text = "Stand-up korter";
    g2.position = 1;
    w.agreements = {g1, g2};

    w.checkins = {{"x1", "moe"}, {"x2", "blij"}};
    w.votes = {{std::string(64, '1'), "c1a2b3", 2},
               {std::string(64, '2'), "c1a2b3", 1},
               {std::string(64, '3'), "k1", 3}};
    for (char ch : {'p', 'q', 'r'}) {
        model::participant p;
        p.token_hash = std::string(64, ch);
        p.author_key = "memory only";
        p.votes_used = 3;
        w.participants.push_back(p);
    }
    w.nonces = {{"n1", R"({"ok":true})"}, {"n2", R"({"card_id":"c1a2b3"})"}};
    return w;
}

model::change_set as_changes(model::workshop_state const& w) {
    model::change_set cs{w.meta.code, {}};
    cs.changes.push_back(model::meta_put{w.meta});
    for (auto const& c : w.cards)
        cs.changes.push_back(model::card_put{c});
    for (auto const& c : w.clusters)
        cs.changes.push_back(model::cluster_put{c});
    for (auto const& a : w.agreements)
        cs.changes.push_back(model::agreement_put{a});
    for (auto const& c : w.checkins)
        cs.changes.push_back(model::checkin_put{c});
    for (auto const& v : w.votes)
        cs.changes.push_back(model::vote_put{v});
    for (auto const& p : w.participants)
        cs.changes.push_back(model::participant_put{p.token_hash});
    for (auto const& [tag, answer] : w.nonces)
        cs.changes.push_back(model::nonce_put{tag, answer});
    return cs;
}

template <class T, class Key> std::vector<T> sorted(std::vector<T> v, Key key) {
    std::sort(v.begin(), v.end(), [&](T const& a, T const& b) { return key(a) < key(b); });
    return v;
}

} // namespace

TEST_CASE("store: a full workshop survives submit and load") {
    temp_dir dir;
    auto s = open_store(dir.file("brug.db"));
    auto const want = full_state("K7QM-3XPA");
    REQUIRE(submit_wait(*s, as_changes(want)));

    auto got = s->load("K7QM-3XPA");
    REQUIRE(got);
    auto const& m = got->meta;
    CHECK(m.code == want.meta.code);
    CHECK(m.title == want.meta.title);
    CHECK(m.language == want.meta.language);
    CHECK(m.facilitator_key_hash == want.meta.facilitator_key_hash);
    REQUIRE(m.columns.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
        CHECK(m.columns[i].id == want.meta.columns[i].id);
        CHECK(m.columns[i].title == want.meta.columns[i].title);
    }
    CHECK(m.settings.votes_per_participant == 7);
    CHECK(m.settings.anonymity_threshold == 1);
    CHECK(m.settings.max_card_chars == 280);
    CHECK(m.current_phase == model::phase::vote);
    CHECK(m.prompt == want.meta.prompt);
    CHECK(m.revealed);
    CHECK(m.seq == 123456789012LL);
    CHECK(m.authors == 4);
    REQUIRE(m.timer);
    CHECK(m.timer->ends_at_ms == 1'700'000'123'000);
    CHECK(m.timer->seconds == 300);
    CHECK(m.created_at_ms == want.meta.created_at_ms);
    CHECK(m.closed_at_ms == 0);
    CHECK(m.touched_at_ms == want.meta.touched_at_ms);

    auto by_id = [](auto const& x) { return x.id; };
    auto cards = sorted(got->cards, by_id);
    auto want_cards = sorted(want.cards, by_id);
    REQUIRE(cards.size() == want_cards.size());
    for (std::size_t i = 0; i < cards.size(); ++i) {
        INFO("card " << want_cards[i].id);
        CHECK(cards[i].id == want_cards[i].id);
        CHECK(cards[i].kind == want_cards[i].kind);
        CHECK(cards[i].text == want_cards[i].text);
        CHECK(cards[i].intention == want_cards[i].intention);
        CHECK(cards[i].column == want_cards[i].column);
        CHECK(cards[i].cluster_id == want_cards[i].cluster_id);
        CHECK(cards[i].position == want_cards[i].position);
        CHECK(cards[i].author_tag == want_cards[i].author_tag);
        CHECK(cards[i].author == model::no_participant);
    }

    auto clusters = sorted(got->clusters, by_id);
    auto const want_clusters = sorted(want.clusters, by_id);
    REQUIRE(clusters.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
        auto const& w = want_clusters[i];
        CHECK(clusters[i].id == w.id);
        CHECK(clusters[i].column == w.column);
        CHECK(clusters[i].title == w.title);
        CHECK(clusters[i].position == w.position);
    }

    // Agreements come back in the order of their position, not of their ids.
    REQUIRE(got->agreements.size() == 2);
    CHECK(got->agreements[0].id == "g1");
    CHECK(got->agreements[0].owner == std::optional<std::string>("Sam"));
    CHECK(got->agreements[0].due == std::optional<std::string>("2026-12-01"));
    CHECK(got->agreements[0].cluster_id == std::optional<std::string>("k1"));
    CHECK(got->agreements[0].text == "Eén tool kiezen");
    CHECK(got->agreements[1].id == "g0");
    CHECK_FALSE(got->agreements[1].owner);
    CHECK_FALSE(got->agreements[1].due);
    CHECK_FALSE(got->agreements[1].cluster_id);

    auto checkins = sorted(got->checkins, by_id);
    REQUIRE(checkins.size() == 2);
    CHECK(checkins[0].text == "moe");
    CHECK(checkins[1].text == "blij");

    auto vote_key = [](model::vote_row const& v) { return v.target_id + "/" + v.voter_tag; };
    auto votes = sorted(got->votes, vote_key);
    auto want_votes = sorted(want.votes, vote_key);
    REQUIRE(votes.size() == want_votes.size());
    for (std::size_t i = 0; i < votes.size(); ++i) {
        CHECK(votes[i].voter_tag == want_votes[i].voter_tag);
        CHECK(votes[i].target_id == want_votes[i].target_id);
        CHECK(votes[i].count == want_votes[i].count);
    }

    // Participants come back with their token hash only: the rest is memory.
    REQUIRE(got->participants.size() == 3);
    for (auto const& p : got->participants) {
        CHECK(p.token_hash.size() == 64);
        CHECK(p.author_key.empty());
        CHECK(p.votes_used == 0);
        CHECK(p.votes.empty());
    }
    CHECK(got->nonces == want.nonces);
}

TEST_CASE("store: load and exists of an unknown workshop") {
    temp_dir dir;
    auto s = open_store(dir.file("brug.db"));
    CHECK_FALSE(s->load("AAAA-AAAA"));
    CHECK_FALSE(s->exists("AAAA-AAAA"));
    REQUIRE(submit_wait(*s, create_workshop("AAAA-AAAA")));
    CHECK(s->exists("AAAA-AAAA"));
    CHECK_FALSE(s->exists("BBBB-BBBB"));
    auto w = s->load("AAAA-AAAA");
    REQUIRE(w);
    CHECK(w->cards.empty());
    CHECK_FALSE(w->meta.timer);
    CHECK(w->meta.current_phase == model::phase::lobby);
}

TEST_CASE("store: meta_put updates the row and keeps the workshop's cards") {
    temp_dir dir;
    auto s = open_store(dir.file("brug.db"));
    REQUIRE(submit_wait(*s, create_workshop("AAAA-AAAA")));
    REQUIRE(submit_wait(*s, {"AAAA-AAAA", {model::card_put{sample_card("c1", "blijft")}}}));
    auto meta = sample_meta("AAAA-AAAA");
    meta.current_phase = model::phase::closed;
    meta.closed_at_ms = 1'700'000'999'000;
    meta.seq = 9;
    REQUIRE(submit_wait(*s, {"AAAA-AAAA", {model::meta_put{meta}}}));
    auto w = s->load("AAAA-AAAA");
    REQUIRE(w);
    CHECK(w->meta.current_phase == model::phase::closed);
    CHECK(w->meta.closed_at_ms == 1'700'000'999'000);
    CHECK(w->meta.seq == 9);
    REQUIRE(w->cards.size() == 1);
    CHECK(w->cards[0].text == "blijft");
}

TEST_CASE("store: puts replace, removals delete, duplicates are ignored") {
    temp_dir dir;
    auto s = open_store(dir.file("brug.db"));
    std::string const code = "AAAA-AAAA";
    REQUIRE(submit_wait(*s, create_workshop(code)));
    std::string const v1(64, '1'), v2(64, '2');
    REQUIRE(submit_wait(*s, {code,
                             {model::card_put{sample_card("c1", "eerst")},
                              model::card_put{sample_card("c2", "twee")},
                              model::cluster_put{{"k1", "behouden", "Titel", 0}},
                              model::agreement_put{{"g1", "afspraak", {}, {}, {}, 0}},
                              model::checkin_put{{"x1", "moe"}}, model::vote_put{{v1, "c1", 2}},
                              model::vote_put{{v2, "c1", 1}}, model::vote_put{{v1, "c2", 1}},
                              model::participant_put{std::string(64, 'p')},
                              model::participant_put{std::string(64, 'p')},
                              model::nonce_put{"n1", "first"}, model::nonce_put{"n1", "second"}}}));
    auto w = s->load(code);
    REQUIRE(w);
    CHECK(w->participants.size() == 1);
    REQUIRE(w->nonces.size() == 1);
    CHECK(w->nonces.at("n1") == "first"); // a nonce keeps its first answer
    CHECK(w->votes.size() == 3);

    auto edited = sample_card("c1", "later");
    edited.position = 5;
    REQUIRE(submit_wait(
        *s, {code,
             {model::card_put{edited}, model::card_removed{"c2"}, model::votes_removed{"c2"},
              model::vote_put{{v2, "c1", 0}}, model::cluster_put{{"k1", "behouden", "Nieuw", 2}},
              model::agreement_removed{"g1"}, model::checkin_put{{"x1", "blij"}}}}));
    w = s->load(code);
    REQUIRE(w);
    REQUIRE(w->cards.size() == 1);
    CHECK(w->cards[0].text == "later");
    CHECK(w->cards[0].position == 5);
    REQUIRE(w->votes.size() == 1); // c2's votes removed, v2's dot on c1 set to 0
    CHECK(w->votes[0].voter_tag == v1);
    CHECK(w->votes[0].target_id == "c1");
    CHECK(w->votes[0].count == 2);
    REQUIRE(w->clusters.size() == 1);
    CHECK(w->clusters[0].title == "Nieuw");
    CHECK(w->agreements.empty());
    REQUIRE(w->checkins.size() == 1);
    CHECK(w->checkins[0].text == "blij");

    REQUIRE(submit_wait(*s, {code, {model::cluster_removed{"k1"}}}));
    CHECK(s->load(code)->clusters.empty());
}
