// A whole session over real WebSockets, phase by phase, with a facilitator
// and six participants: check-in, question, cards, reveal, themes, vote,
// discussion, agreements, timer, close; then the export in all three formats
// checked against what was posted (issue: facilitation flow).
#include "client.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <set>

using namespace brug::test;
using namespace std::chrono_literals;

namespace {

struct posted {
    std::string marker; // a plain word, findable in every format
    std::string text;   // with characters that need quoting or escaping
    std::optional<std::string> intention;
    std::string kind;
};

bool contains(std::string const& hay, std::string const& needle) {
    return hay.find(needle) != std::string::npos;
}

} // namespace

TEST_CASE("session: a whole workshop with six participants, exported in three formats") {
    server_process srv;
    auto ws = create_workshop(srv.port(), {{"title", "Nieuw CRM in het salesteam"},
                                           {"language", "nl"},
                                           {"settings", {{"anonymity_threshold", 3}, {"votes_per_participant", 2}}}});
    ws_client f(srv.port(), "/ws/" + ws.code);
    REQUIRE(is_type(join_facilitator(f, ws.key), "welcome"));
    constexpr int people = 6;
    std::vector<std::unique_ptr<ws_client>> p;
    std::vector<std::string> tokens;
    for (int i = 0; i < people; ++i) {
        p.push_back(std::make_unique<ws_client>(srv.port(), "/ws/" + ws.code));
        auto w = join_participant(*p.back());
        REQUIRE(is_type(w, "welcome"));
        tokens.push_back(w["participant_token"]);
    }
    auto phase = [&](char const* name) {
        REQUIRE(f.request({{"type", "phase.set"}, {"phase", name}})["type"] == "ack");
        for (auto& c : p) REQUIRE(c->wait_for(event("phase.changed")));
    };

    // Check-in: "Hoe gaat het echt met je?", one word each, anonymous.
    phase("checkin");
    std::vector<std::string> words = {"moe", "benieuwd", "onrustig", "benieuwd", "hoopvol", "gespannen"};
    for (int i = 0; i < people; ++i)
        REQUIRE(p[i]->request({{"type", "checkin.post"}, {"text", words[i]}})["type"] == "ack");
    for (int i = 0; i < people; ++i) REQUIRE(f.wait_for(event("checkin.posted")));

    // Reflect: the question, then cards (hidden until the reveal).
    REQUIRE(f.request({{"type", "prompt.set"}, {"text", "Wat maakt deze verandering lastig voor jou?"}})["type"] ==
            "ack");
    phase("reflect");
    std::vector<posted> cards = {
        {"kaartalfa", "kaartalfa: bang dat het \"persoonlijke\" contact verdwijnt, echt", "Klanten kopen van mensen", "concern"},
        {"kaartbeta", "kaartbeta; tijd om het te leren | niet bovenop targets", std::nullopt, "intention"},
        {"kaartgamma", "kaartgamma regel 1\nregel 2 *nadruk* #kop", "Rust in de planning", "concern"},
        {"kaartdelta", "kaartdelta 🙂 sneller offertes, =SOM(A1)", std::nullopt, "intention"},
        {"kaartepsilon", "kaartepsilon: wie beslist er eigenlijk?", std::nullopt, "concern"},
        {"kaartzeta", "kaartzeta: de koffie bij klanten blijft", "Daar hoor je de echte dingen", "concern"},
    };
    std::map<std::string, std::string> id_of; // marker -> card id
    for (int i = 0; i < people; ++i) {
        json cmd = {{"type", "card.post"}, {"kind", cards[i].kind}, {"text", cards[i].text},
                    {"nonce", "n-" + cards[i].marker}};
        if (cards[i].intention) cmd["intention"] = *cards[i].intention;
        auto ack = p[i]->request(cmd);
        REQUIRE(ack["type"] == "ack");
        id_of[cards[i].marker] = ack["card_id"];
    }
    // Nobody else saw a hidden card's text.
    for (int i = 0; i < people; ++i)
        for (int j = 0; j < people; ++j)
            if (i != j)
                for (auto const& fr : p[j]->frames()) CHECK_FALSE(contains(fr, cards[i].marker));
    for (auto const& fr : f.frames()) CHECK_FALSE(contains(fr, "kaartalfa"));

    auto revealed = f.request({{"type", "cards.reveal"}});
    REQUIRE(revealed["revealed"] == people);
    auto shown = f.wait_for(event("cards.revealed"));
    REQUIRE(shown);
    CHECK((*shown)["data"]["cards"].size() == people);

    // Cluster: themes in both columns, cards placed; one card stays unplaced.
    phase("cluster");
    auto contact = f.request({{"type", "cluster.create"}, {"column", "behouden"}, {"title", "Persoonlijk contact"}});
    auto leren = f.request({{"type", "cluster.create"}, {"column", "vernieuwen"}, {"title", "Tijd om te leren"}});
    REQUIRE(contact["type"] == "ack");
    REQUIRE(leren["type"] == "ack");
    auto move = [&](std::string const& marker, char const* column, json cluster) {
        auto a = f.request({{"type", "card.move"}, {"card_id", id_of[marker]}, {"column", column},
                            {"cluster_id", cluster}});
        REQUIRE(a["type"] == "ack");
    };
    move("kaartalfa", "behouden", contact["cluster_id"]);
    move("kaartzeta", "behouden", contact["cluster_id"]);
    move("kaartbeta", "vernieuwen", leren["cluster_id"]);
    move("kaartgamma", "vernieuwen", nullptr);
    move("kaartdelta", "vernieuwen", leren["cluster_id"]);
    for (auto& c : p) REQUIRE(c->wait_for(event("card.moved")));

    // Vote: two dots each; totals hidden from participants while voting.
    phase("vote");
    std::map<std::string, int> cast;
    for (int i = 0; i < people; ++i) {
        std::string first = i % 2 ? contact["cluster_id"] : leren["cluster_id"];
        std::string second = id_of["kaartalfa"];
        CHECK(p[i]->request({{"type", "vote.cast"}, {"target_id", first}})["left"] == 1);
        CHECK(p[i]->request({{"type", "vote.cast"}, {"target_id", second}})["left"] == 0);
        CHECK(p[i]->request({{"type", "vote.cast"}, {"target_id", second}})["code"] == "vote_limit");
        cast[first] += 1;
        cast[second] += 1;
    }
    for (auto& c : p)
        for (auto const& fr : c->frames()) CHECK_FALSE(contains(fr, "votes.changed"));

    // Discuss: the tallies go to everyone.
    REQUIRE(f.request({{"type", "phase.set"}, {"phase", "discuss"}})["type"] == "ack");
    for (auto& c : p) {
        auto t = c->wait_for(event("votes.tallied"));
        REQUIRE(t);
        for (auto const& [target, n] : cast) CHECK((*t)["data"]["per_target"][target] == n);
    }

    // Agree: what, who, when; a timer for the round.
    phase("agree");
    auto a1 = f.request({{"type", "agreement.add"}, {"text", "Koen neemt nieuwe collega's mee | op klantbezoek"},
                         {"owner", "Koen"}, {"due", "2026-12-15"}, {"cluster_id", contact["cluster_id"]}});
    REQUIRE(a1["type"] == "ack");
    auto a2 = f.request({{"type", "agreement.add"}, {"text", "We kijken samen terug op het CRM"}, {"owner", "Mark"}});
    REQUIRE(a2["type"] == "ack");
    CHECK(f.request({{"type", "agreement.update"}, {"agreement_id", a2["agreement_id"]}, {"due", "2027-01-20"}})["type"] ==
          "ack");
    CHECK(f.request({{"type", "agreement.add"}, {"text", "x"}, {"due", "2027-02-30"}})["code"] == "bad_message");
    REQUIRE(f.request({{"type", "timer.start"}, {"seconds", 300}})["type"] == "ack");
    auto started = p[0]->wait_for(event("timer.started"));
    REQUIRE(started);
    CHECK((*started)["data"]["seconds"] == 300);
    REQUIRE(f.request({{"type", "timer.stop"}})["type"] == "ack");

    // Close: read-only for every changing command.
    phase("closed");
    CHECK(f.request({{"type", "prompt.set"}, {"text", "nog iets"}})["code"] == "closed");
    CHECK(f.request({{"type", "phase.set"}, {"phase", "agree"}})["code"] == "closed");

    // The export, in all three formats, against what was posted.
    std::vector<std::pair<std::string, std::string>> auth = {{"Authorization", "Bearer " + ws.key}};
    auto base = "/api/workshops/" + ws.code + "/export?format=";
    auto md = http(srv.port(), "GET", base + "md", {}, auth);
    auto csv = http(srv.port(), "GET", base + "csv", {}, auth);
    auto js = http(srv.port(), "GET", base + "json", {}, auth);
    REQUIRE(md.status == 200);
    REQUIRE(csv.status == 200);
    REQUIRE(js.status == 200);
    CHECK(contains(md.headers["content-type"], "text/markdown"));
    CHECK(contains(csv.headers["content-type"], "text/csv"));
    CHECK(contains(js.headers["content-type"], "application/json"));
    CHECK(csv.body.rfind("\xEF\xBB\xBF", 0) == 0); // UTF-8 BOM

    auto j = js.json_body();
    REQUIRE(j.is_object());
    REQUIRE(j["cards"].size() == people);
    for (auto const& c : cards) {
        INFO("card " << c.marker);
        CHECK(contains(md.body, c.marker));
        CHECK(contains(csv.body, c.marker));
        int in_json = 0;
        for (auto const& x : j["cards"])
            if (x["text"] == c.text) {
                ++in_json;
                if (c.intention) CHECK(x["intention"] == *c.intention);
            }
        CHECK(in_json == 1);
    }
    for (auto const& w : words) {
        CHECK(contains(md.body, w));
        CHECK(contains(csv.body, w));
    }
    CHECK(contains(md.body, "# Nieuw CRM in het salesteam"));
    CHECK(contains(md.body, "Persoonlijk contact"));
    CHECK(contains(md.body, "| Wat | Wie | Wanneer |"));
    CHECK(contains(md.body, "Koen"));
    CHECK(contains(csv.body, "We kijken samen terug op het CRM"));
    CHECK(j["agreements"].size() == 2);
    // Formula-looking text is neutralised in CSV, kept as it is in JSON.
    CHECK_FALSE(contains(csv.body, ",=SOM"));
    // Votes in the export are the ones cast.
    REQUIRE(j["votes"].contains("per_target"));
    for (auto const& [target, n] : cast) CHECK(j["votes"]["per_target"][target] == n);
    // No export tells who wrote anything.
    for (auto const& t : tokens) {
        CHECK_FALSE(contains(md.body, t));
        CHECK_FALSE(contains(csv.body, t));
        CHECK_FALSE(contains(js.body, t));
    }
}
