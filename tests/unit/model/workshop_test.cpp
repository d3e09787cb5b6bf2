// The workshop rules, without a network: commands in, answers, changes and
// events out. Each case names the rule of protocol.md it proves.

#include "model/workshop.hpp"
#include "protocol/limits.hpp"
#include "protocol/utf8.hpp"
#include "util/crypto.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <set>

using namespace brug;
using json = nlohmann::json;
using protocol::role;

namespace {

constexpr char const* secret = "0123456789abcdef0123456789abcdef";

model::workshop_state make_state(int threshold = 2, int votes = 3) {
    model::workshop_state s;
    s.meta.code = "ABCD-EFGH";
    s.meta.title = "Nieuw CRM";
    s.meta.facilitator_key_hash = util::sha256_hex("the-key");
    s.meta.columns = {{"behouden", "Behouden"}, {"vernieuwen", "Vernieuwen"}};
    s.meta.settings.anonymity_threshold = threshold;
    s.meta.settings.votes_per_participant = votes;
    return s;
}

// A workshop with a facilitator and helpers to join and send commands.
struct bench {
    model::workshop w;
    model::actor facilitator{role::facilitator, model::no_participant};
    std::int64_t now = 1'800'000'000'000;
    std::int64_t req = 0;

    explicit bench(model::workshop_state s = make_state(), model::limits lim = {})
        : w(std::move(s), secret, lim) {}

    struct joined {
        model::actor who;
        std::string token;
        json welcome;
    };

    joined join(std::optional<std::string> token = std::nullopt) {
        protocol::hello h;
        h.protocol = 1;
        h.role = role::participant;
        h.participant_token = token;
        auto r = w.join(h, 0);
        REQUIRE(r.close_code == 0);
        auto welcome = json::parse(r.welcome);
        return {r.who, welcome["participant_token"].get<std::string>(), welcome};
    }

    model::outcome send(model::actor const& who, protocol::command cmd,
                        std::optional<std::string> nonce = std::nullopt) {
        protocol::envelope env{++req, nonce, std::move(cmd)};
        return w.handle(who, env, now, 0);
    }

    // One participant's card, revealed, and an empty theme "Contact" in behouden.
    struct scene {
        joined author;
        std::string card_id;
        std::string cluster_id;
    };
    scene revealed_card_and_theme() {
        phase(protocol::phase::reflect);
        auto p = join();
        auto id = post(p.who, "x");
        send(facilitator, protocol::cards_reveal{});
        auto cl = json::parse(send(facilitator, protocol::cluster_create{"behouden", "Contact"}).answer);
        return {p, id, cl["cluster_id"].get<std::string>()};
    }

    void phase(protocol::phase p) {
        auto o = send(facilitator, protocol::phase_set{p});
        REQUIRE(json::parse(o.answer)["type"] == "ack");
    }

    std::string post(model::actor const& who, std::string text) {
        auto o = send(who, protocol::card_post{protocol::card_kind::concern, std::move(text), {}},
                      util::random_hex());
        auto a = json::parse(o.answer);
        REQUIRE(a["type"] == "ack");
        return a["card_id"].get<std::string>();
    }
};

json answer(model::outcome const& o) { return json::parse(o.answer); }

std::string code_of(model::outcome const& o) { return answer(o).value("code", ""); }

// Every event of an outcome that `who` would receive.
std::vector<json> received(model::outcome const& o, model::actor const& who) {
    std::vector<json> v;
    for (auto const& e : o.events) {
        bool to_me = false;
        switch (e.audience) {
        case model::audience::everyone: to_me = true; break;
        case model::audience::facilitators: to_me = who.role == role::facilitator; break;
        case model::audience::participants: to_me = who.role == role::participant; break;
        case model::audience::one: to_me = who.role == role::participant && who.participant == e.who; break;
        case model::audience::all_but_one:
            to_me = !(who.role == role::participant && who.participant == e.who);
            break;
        }
        if (to_me) v.push_back(json::parse(*e.frame));
    }
    return v;
}

bool has_event(std::vector<json> const& v, std::string const& name) {
    return std::any_of(v.begin(), v.end(), [&](json const& e) { return e["name"] == name; });
}

} // namespace

TEST_CASE("workshop: a hidden card reaches only its author; everyone gets the count") {
    bench b;
    b.phase(protocol::phase::reflect);
    auto p1 = b.join(), p2 = b.join();
    auto o = b.send(p1.who, protocol::card_post{protocol::card_kind::concern, "Bang voor minder contact", {}},
                    "n1");
    REQUIRE(answer(o)["type"] == "ack");

    auto mine = received(o, p1.who);
    REQUIRE(has_event(mine, "card.posted"));
    REQUIRE(has_event(mine, "cards.counted"));
    for (auto const& e : mine)
        if (e["name"] == "card.posted") CHECK(e["data"]["card"]["mine"] == true);

    for (auto const* other : {&p2.who, &b.facilitator}) {
        auto theirs = received(o, *other);
        CHECK_FALSE(has_event(theirs, "card.posted"));
        REQUIRE(theirs.size() == 1);
        CHECK(theirs[0]["data"]["hidden_cards"] == 1);
        for (auto const& e : theirs) CHECK(e.dump().find("minder contact") == std::string::npos);
    }
}

TEST_CASE("workshop: the facilitator cannot act on a hidden card (not_found)") {
    bench b;
    b.phase(protocol::phase::reflect);
    auto p = b.join();
    auto id = b.post(p.who, "verborgen");
    CHECK(code_of(b.send(b.facilitator, protocol::card_move{id, "behouden", {}, {}})) == "not_found");
    CHECK(code_of(b.send(b.facilitator, protocol::card_delete{id})) == "not_found");
    auto st = json::parse(b.w.state_json(b.facilitator, 0));
    CHECK(st["cards"].empty());
    CHECK(st["hidden_cards"] == 1);
}

TEST_CASE("workshop: reveal is refused below the anonymity threshold") {
    bench b(make_state(3));
    b.phase(protocol::phase::reflect);
    auto p1 = b.join(), p2 = b.join(), p3 = b.join();
    b.post(p1.who, "een");
    b.post(p1.who, "twee van dezelfde");
    b.post(p2.who, "drie");
    auto refused = b.send(b.facilitator, protocol::cards_reveal{});
    CHECK(code_of(refused) == "anonymity_threshold");
    CHECK(refused.changes.empty());
    CHECK(refused.events.empty());

    b.post(p3.who, "vier");
    auto ok = b.send(b.facilitator, protocol::cards_reveal{});
    REQUIRE(answer(ok)["revealed"] == 4);
    auto ev = received(ok, b.facilitator);
    REQUIRE(has_event(ev, "cards.revealed"));
    for (auto const& e : ev)
        if (e["name"] == "cards.revealed") {
            CHECK(e["data"]["cards"].size() == 4);
            for (auto const& c : e["data"]["cards"]) CHECK_FALSE(c.contains("mine"));
        }

    auto again = b.send(b.facilitator, protocol::cards_reveal{});
    CHECK(answer(again)["revealed"] == 0);
    CHECK(again.events.empty());
}

TEST_CASE("workshop: commands are refused for the wrong role with forbidden") {
    bench b;
    b.phase(protocol::phase::reflect);
    auto p = b.join();
    using protocol::command;
    auto participant_cmd = GENERATE(as<command>{}, protocol::cards_reveal{},
                                    protocol::cluster_create{"behouden", "x"},
                                    protocol::phase_set{protocol::phase::vote},
                                    protocol::prompt_set{"vraag"}, protocol::timer_start{60},
                                    protocol::agreement_add{"doen", {}, {}, {}},
                                    protocol::suggest_request{});
    CHECK(code_of(b.send(p.who, participant_cmd)) == "forbidden");
    auto facilitator_cmd = GENERATE(as<command>{},
                                    protocol::card_post{protocol::card_kind::concern, "x", {}},
                                    protocol::checkin_post{"moe"}, protocol::vote_cast{"x"});
    CHECK(code_of(b.send(b.facilitator, facilitator_cmd, "n")) == "forbidden");
}

TEST_CASE("workshop: card.post outside reflect and cluster is wrong_phase") {
    bench b;
    auto p = b.join();
    auto phase = GENERATE(protocol::phase::lobby, protocol::phase::checkin, protocol::phase::vote,
                          protocol::phase::discuss, protocol::phase::agree);
    b.phase(phase);
    CHECK(code_of(b.send(p.who, protocol::card_post{protocol::card_kind::intention, "x", {}}, "n")) ==
          "wrong_phase");
}

TEST_CASE("workshop: closed is final for every changing command") {
    bench b;
    auto p = b.join();
    b.phase(protocol::phase::closed);
    CHECK(code_of(b.send(b.facilitator, protocol::phase_set{protocol::phase::reflect})) == "closed");
    CHECK(code_of(b.send(b.facilitator, protocol::prompt_set{"x"})) == "closed");
    CHECK(code_of(b.send(p.who, protocol::card_post{protocol::card_kind::concern, "x", {}}, "n")) == "closed");
    // Role comes before closed (3.5).
    CHECK(code_of(b.send(p.who, protocol::phase_set{protocol::phase::reflect})) == "forbidden");
    CHECK(answer(b.send(p.who, protocol::ping{}))["type"] == "pong");
}

TEST_CASE("workshop: a repeated nonce gets the first answer and changes nothing") {
    bench b;
    b.phase(protocol::phase::reflect);
    auto p = b.join();
    protocol::card_post cmd{protocol::card_kind::concern, "eenmaal", {}};
    auto first = b.send(p.who, cmd, "same-nonce");
    auto second = b.send(p.who, cmd, "same-nonce");
    CHECK(answer(first)["card_id"] == answer(second)["card_id"]);
    CHECK(answer(second)["req"] == b.req);
    CHECK(second.changes.empty());
    CHECK(second.events.empty());
    CHECK(b.w.state().cards.size() == 1);

    // Another participant's equal nonce is its own.
    auto q = b.join();
    b.send(q.who, cmd, "same-nonce");
    CHECK(b.w.state().cards.size() == 2);
    // The nonce is among the changes to store, so it survives a restart: a
    // post's in the row of its card (one row per post), with the first answer.
    int card_puts = 0, nonce_puts = 0;
    for (auto const& c : first.changes) {
        nonce_puts += std::holds_alternative<model::nonce_put>(c);
        if (auto const* put = std::get_if<model::card_put>(&c)) {
            ++card_puts;
            REQUIRE(put->nonce);
            CHECK(put->value.id == answer(first)["card_id"]);
            CHECK(put->nonce->answer == first.answer);
            CHECK(b.w.state().nonces.at(put->nonce->tag) == first.answer);
        }
    }
    CHECK(card_puts == 1);
    CHECK(nonce_puts == 0);
}

TEST_CASE("workshop: the nonce of a command that makes no card gets a row of its own") {
    bench b;
    auto p = b.join();
    b.phase(protocol::phase::checkin);
    auto first = b.send(p.who, protocol::checkin_post{"moe"}, "checkin-nonce");
    REQUIRE(answer(first)["type"] == "ack");
    std::vector<model::nonce_put> nonces;
    for (auto const& c : first.changes)
        if (auto const* n = std::get_if<model::nonce_put>(&c)) nonces.push_back(*n);
    REQUIRE(nonces.size() == 1);
    CHECK(nonces[0].answer == first.answer);
    CHECK(b.send(p.who, protocol::checkin_post{"moe"}, "checkin-nonce").changes.empty());
    CHECK(b.w.state().checkins.size() == 1);
}

struct joined_participant {
    model::participant_id id;
    std::string token;
};

TEST_CASE("workshop: every participant's token finds that participant again, also after a reload") {
    bench b;
    std::vector<joined_participant> ps;
    for (int i = 0; i < 200; ++i) {
        auto p = b.join();
        ps.push_back({p.who.participant, p.token});
    }
    model::workshop reloaded(b.w.state(), secret);
    for (auto const& p : ps) {
        INFO("participant " << p.id);
        CHECK(b.join(p.token).who.participant == p.id);
        protocol::hello h;
        h.protocol = 1;
        h.role = role::participant;
        h.participant_token = p.token;
        auto r = reloaded.join(h, 0);
        CHECK(r.who.participant == p.id);
        CHECK(r.changes.empty()); // known: nothing new to store
    }
    // A token nobody was given is a new participant, with a new token.
    auto stranger = b.join(std::string("not-a-token-of-this-workshop"));
    CHECK(stranger.who.participant == 201);
    CHECK(stranger.token != "not-a-token-of-this-workshop");
    CHECK(b.w.state().participants.size() == 201);
}

TEST_CASE("workshop: refused commands are not remembered by nonce") {
    bench b;
    auto p = b.join();
    protocol::card_post cmd{protocol::card_kind::concern, "te vroeg", {}};
    CHECK(code_of(b.send(p.who, cmd, "n1")) == "wrong_phase");
    b.phase(protocol::phase::reflect);
    CHECK(answer(b.send(p.who, cmd, "n1"))["type"] == "ack");
}

TEST_CASE("workshop: card.move places a card and shifts the others") {
    bench b(make_state(1));
    b.phase(protocol::phase::reflect);
    auto p = b.join();
    auto a = b.post(p.who, "a"), c = b.post(p.who, "c"), d = b.post(p.who, "d");
    REQUIRE(answer(b.send(b.facilitator, protocol::cards_reveal{}))["revealed"] == 3);
    b.send(b.facilitator, protocol::card_move{a, "behouden", {}, {}});
    b.send(b.facilitator, protocol::card_move{c, "behouden", {}, {}});
    auto o = b.send(b.facilitator, protocol::card_move{d, "behouden", {}, 0});
    auto ev = received(o, b.facilitator);
    REQUIRE(ev.size() == 1);
    CHECK(ev[0]["data"] == json{{"card_id", d}, {"column", "behouden"}, {"cluster_id", nullptr}, {"position", 0}});
    std::map<std::string, int> pos;
    for (auto const& k : b.w.state().cards) pos[k.id] = k.position;
    CHECK(pos[d] == 0);
    CHECK(pos[a] == 1);
    CHECK(pos[c] == 2);
}

// Event frames and acks are written partly by hand; they must be the very
// text nlohmann would dump (sorted keys, its escaping), as before.
TEST_CASE("workshop: event frames and acks are canonical JSON text") {
    bench b(make_state(1));
    b.phase(protocol::phase::reflect);
    auto p = b.join();
    auto o = b.send(p.who, protocol::card_post{protocol::card_kind::concern,
                                               "tab\t \"quote\" \xc3\xa9 \\ </script>", {}},
                    "n1");
    REQUIRE(o.events.size() == 2);
    for (auto const& e : o.events) {
        auto j = json::parse(*e.frame);
        CHECK(j.dump() == *e.frame);
        CHECK(j["type"] == "event");
        CHECK(j["seq"].is_number_integer());
    }
    CHECK(json::parse(*o.events[0].frame)["data"]["card"]["text"] == "tab\t \"quote\" \xc3\xa9 \\ </script>");
    CHECK(json::parse(o.answer).dump() == o.answer);
    CHECK(json::parse(o.answer)["type"] == "ack");
    CHECK(json::parse(o.answer)["req"] == b.req);

    // Revealed, edited with an intention, moved into a column and a cluster:
    // both views of card.edited, every field of a card set.
    auto id = json::parse(o.answer)["card_id"].get<std::string>();
    REQUIRE(json::parse(b.send(b.facilitator, protocol::cards_reveal{}).answer)["type"] == "ack");
    auto cl = json::parse(b.send(b.facilitator, protocol::cluster_create{"behouden", "Thema \"één\""}).answer);
    b.send(b.facilitator, protocol::card_move{id, "behouden", cl["cluster_id"].get<std::string>(), {}});
    protocol::card_edit edit;
    edit.card_id = id;
    edit.intention = std::optional<std::string>{"wens\n\"twee\""};
    auto e = b.send(p.who, edit);
    REQUIRE(e.events.size() == 2);
    for (auto const& ev : e.events) {
        auto j = json::parse(*ev.frame);
        CHECK(j.dump() == *ev.frame);
        auto const& card = j["data"]["card"];
        CHECK(card["id"] == id);
        CHECK(card["kind"] == "concern");
        CHECK(card["intention"] == "wens\n\"twee\"");
        CHECK(card["column"] == "behouden");
        CHECK(card["cluster_id"] == cl["cluster_id"]);
        CHECK(card["position"] == 0);
        CHECK(card.contains("mine") == (ev.audience == model::audience::one));
    }
}

// The unplaced slot's size is kept as a count, not found by a scan per post:
// it must follow every way a card enters or leaves that slot, and a reload.
TEST_CASE("workshop: a posted card goes to the end of the unplaced cards") {
    bench b(make_state(1));
    b.phase(protocol::phase::cluster);
    auto p = b.join();
    auto position_of = [&](model::workshop const& w, std::string const& id) {
        for (auto const& k : w.state().cards)
            if (k.id == id) return k.position;
        FAIL("no card " << id);
        return -1;
    };
    auto a = b.post(p.who, "a"), c = b.post(p.who, "c"), d = b.post(p.who, "d");
    CHECK(position_of(b.w, d) == 2);
    REQUIRE(answer(b.send(b.facilitator, protocol::cards_reveal{}))["revealed"] == 3);
    b.send(b.facilitator, protocol::card_move{a, "behouden", {}, {}}); // leaves the slot
    CHECK(position_of(b.w, b.post(p.who, "e")) == 2);
    b.send(b.facilitator, protocol::card_delete{c});                   // an unplaced card goes
    CHECK(position_of(b.w, b.post(p.who, "f")) == 2);
    b.send(b.facilitator, protocol::card_delete{a});                   // a placed one: no change
    auto g = b.post(p.who, "g");
    CHECK(position_of(b.w, g) == 3);
    b.send(b.facilitator, protocol::card_move{d, "behouden", {}, {}});
    b.send(b.facilitator, protocol::card_move{d, {}, {}, 0});          // back into the slot
    CHECK(position_of(b.w, b.post(p.who, "h")) == 4);
    // A workshop loaded from its state counts the unplaced cards once.
    b.send(b.facilitator, protocol::card_move{g, "behouden", {}, {}});
    model::workshop reloaded(b.w.state(), secret);
    auto token = p.token;
    protocol::hello h;
    h.protocol = 1;
    h.role = role::participant;
    h.participant_token = token;
    auto r = reloaded.join(h, 0);
    REQUIRE(r.close_code == 0);
    protocol::envelope env{1, util::random_hex(),
                           protocol::card_post{protocol::card_kind::concern, "i", {}}};
    auto id = json::parse(reloaded.handle(r.who, env, b.now, 0).answer)["card_id"].get<std::string>();
    CHECK(position_of(reloaded, id) == 4);
}

TEST_CASE("workshop: a cluster from another column is bad_message") {
    bench b(make_state(1));
    auto [p, id, cl] = b.revealed_card_and_theme();
    CHECK(code_of(b.send(b.facilitator, protocol::card_move{id, "vernieuwen", cl, {}})) == "bad_message");
    CHECK(code_of(b.send(b.facilitator, protocol::card_move{id, "nergens", {}, {}})) == "not_found");
    CHECK(answer(b.send(b.facilitator, protocol::card_move{id, "behouden", cl, {}}))["type"] == "ack");
}

TEST_CASE("workshop: deleting a cluster leaves its cards in the column and returns its votes") {
    bench b(make_state(1));
    auto [p, id, cl] = b.revealed_card_and_theme();
    b.send(b.facilitator, protocol::card_move{id, "behouden", cl, {}});
    b.phase(protocol::phase::vote);
    REQUIRE(answer(b.send(p.who, protocol::vote_cast{cl}))["left"] == 2);
    auto o = b.send(b.facilitator, protocol::cluster_delete{cl});
    auto mine = received(o, p.who);
    REQUIRE(has_event(mine, "votes.mine"));
    for (auto const& e : mine)
        if (e["name"] == "votes.mine") CHECK(e["data"]["left"] == 3);
    auto const& card = b.w.state().cards.front();
    CHECK(card.column == "behouden");
    CHECK_FALSE(card.cluster_id.has_value());
}

TEST_CASE("workshop: votes are limited, hidden from participants during the vote, tallied after") {
    bench b(make_state(1, 2));
    b.phase(protocol::phase::reflect);
    auto p = b.join(), q = b.join();
    auto id = b.post(p.who, "x");
    b.send(b.facilitator, protocol::cards_reveal{});
    b.phase(protocol::phase::vote);
    auto o = b.send(p.who, protocol::vote_cast{id});
    CHECK(answer(o)["left"] == 1);
    CHECK(received(o, q.who).empty());                 // no tallies to participants
    CHECK(has_event(received(o, b.facilitator), "votes.changed"));
    CHECK(answer(b.send(p.who, protocol::vote_cast{id}))["left"] == 0);  // two dots on one card
    CHECK(code_of(b.send(p.who, protocol::vote_cast{id})) == "vote_limit");
    CHECK(code_of(b.send(p.who, protocol::vote_cast{"nope"})) == "not_found");

    auto during = json::parse(b.w.state_json(q.who, 0));
    CHECK_FALSE(during["votes"].contains("per_target"));
    CHECK(json::parse(b.w.state_json(b.facilitator, 0))["votes"]["per_target"][id] == 2);

    auto leave = b.send(b.facilitator, protocol::phase_set{protocol::phase::discuss});
    auto ev = received(leave, q.who);
    REQUIRE(has_event(ev, "votes.tallied"));
    auto after = json::parse(b.w.state_json(q.who, 0));
    CHECK(after["votes"]["per_target"][id] == 2);
    CHECK(code_of(b.send(p.who, protocol::vote_cast{id})) == "wrong_phase");

    b.phase(protocol::phase::vote);
    CHECK(answer(b.send(p.who, protocol::vote_retract{id}))["left"] == 1); // same votes continue
}

TEST_CASE("workshop: a participant is the same after a restart, by token alone") {
    bench b(make_state(1));
    b.phase(protocol::phase::reflect);
    auto p = b.join(), q = b.join();
    auto mine = b.post(p.who, "van mij");
    auto theirs = b.post(q.who, "van een ander");
    b.send(b.facilitator, protocol::cards_reveal{});
    b.phase(protocol::phase::vote);
    b.send(p.who, protocol::vote_cast{theirs});

    // What the store keeps: memory-only fields cleared.
    auto stored = b.w.state();
    for (auto& c : stored.cards) c.author = model::no_participant;
    for (auto& x : stored.participants) x = model::participant{x.token_hash, {}, false, 0, {}};
    bench after(stored);
    auto again = after.join(p.token);
    CHECK(again.token == p.token);
    for (auto const& c : again.welcome["state"]["cards"])
        CHECK(c["mine"] == (c["id"] == mine));
    CHECK(again.welcome["state"]["votes"]["left"] == 2);
    CHECK(again.welcome["state"]["votes"]["mine"][theirs] == 1);
    CHECK(answer(after.send(again.who, protocol::vote_retract{theirs}))["left"] == 3);

    auto stranger = after.join("not-a-known-token");
    CHECK(stranger.token != "not-a-known-token");
}

TEST_CASE("workshop: no frame to others carries a token or an author") {
    bench b(make_state(1));
    b.phase(protocol::phase::reflect);
    auto p = b.join(), q = b.join();
    b.post(p.who, "eerste");
    auto r = b.send(b.facilitator, protocol::cards_reveal{});
    auto later = b.send(p.who, protocol::card_post{protocol::card_kind::concern, "later", {}}, "n9");
    for (auto const* o : {&r, &later})
        for (auto const& e : o->events) {
            CHECK(e.frame->find(p.token) == std::string::npos);
            CHECK(e.frame->find("author") == std::string::npos);
            CHECK(e.frame->find("tag") == std::string::npos);
        }
    auto fac = json::parse(b.w.state_json(b.facilitator, 0)).dump();
    CHECK(fac.find(p.token) == std::string::npos);
    CHECK(fac.find("mine") == std::string::npos);
    // Others see the later card without `mine`.
    for (auto const& e : received(later, q.who))
        if (e["name"] == "card.posted") CHECK_FALSE(e["data"]["card"].contains("mine"));
}

TEST_CASE("workshop: revealed cards are not in the order of posting") {
    // 8 cards; the chance that 20 shuffles all keep posting order is 20 * (1/8!) tiny.
    int in_posting_order = 0;
    for (int round = 0; round < 20; ++round) {
        bench b(make_state(1));
        b.phase(protocol::phase::reflect);
        auto p = b.join();
        std::vector<std::string> posted;
        for (int i = 0; i < 8; ++i) posted.push_back(b.post(p.who, "kaart " + std::to_string(i)));
        auto o = b.send(b.facilitator, protocol::cards_reveal{});
        for (auto const& e : received(o, b.facilitator))
            if (e["name"] == "cards.revealed") {
                std::vector<std::string> order;
                for (auto const& c : e["data"]["cards"]) order.push_back(c["id"]);
                in_posting_order += order == posted;
            }
        auto st = json::parse(b.w.state_json(b.facilitator, 0));
        std::vector<std::string> listed;
        for (auto const& c : st["cards"]) listed.push_back(c["id"]);
        CHECK(listed != posted);
    }
    CHECK(in_posting_order < 2);
}

TEST_CASE("workshop: card ids are random, not sequential") {
    bench b(make_state(1));
    b.phase(protocol::phase::reflect);
    auto p = b.join();
    std::set<std::string> ids;
    for (int i = 0; i < 50; ++i) ids.insert(b.post(p.who, "k"));
    CHECK(ids.size() == 50);
    for (auto const& id : ids) CHECK(id.size() >= 16);
}

TEST_CASE("workshop: the card limit answers limit_reached") {
    model::limits lim;
    lim.max_cards = 2;
    bench b(make_state(), lim);
    b.phase(protocol::phase::reflect);
    auto p = b.join();
    b.post(p.who, "1");
    b.post(p.who, "2");
    CHECK(code_of(b.send(p.who, protocol::card_post{protocol::card_kind::concern, "3", {}}, "n3")) ==
          "limit_reached");
}

TEST_CASE("workshop: only the author edits a card; the facilitator may delete a revealed one") {
    bench b(make_state(1));
    b.phase(protocol::phase::reflect);
    auto p = b.join(), q = b.join();
    auto id = b.post(p.who, "origineel");
    CHECK(code_of(b.send(q.who, protocol::card_edit{id, "gekaapt", {}})) == "not_found"); // hidden
    b.send(b.facilitator, protocol::cards_reveal{});
    CHECK(code_of(b.send(q.who, protocol::card_edit{id, "gekaapt", {}})) == "forbidden");
    CHECK(code_of(b.send(q.who, protocol::card_delete{id})) == "forbidden");
    CHECK(answer(b.send(p.who, protocol::card_edit{id, "bijgewerkt", std::optional<std::string>{"zorg"}}))["type"] == "ack");
    CHECK(b.w.state().cards[0].text == "bijgewerkt");
    CHECK(b.w.state().cards[0].intention == "zorg");
    CHECK(answer(b.send(b.facilitator, protocol::card_delete{id}))["type"] == "ack");
    CHECK(b.w.state().cards.empty());
    CHECK(b.w.authors() == 0);
}

TEST_CASE("workshop: a deleted hidden card is told to its author only, the count to all") {
    bench b;
    b.phase(protocol::phase::reflect);
    auto p = b.join(), q = b.join();
    auto id = b.post(p.who, "weg ermee");
    auto o = b.send(p.who, protocol::card_delete{id});
    CHECK(has_event(received(o, p.who), "card.deleted"));
    auto other = received(o, q.who);
    CHECK_FALSE(has_event(other, "card.deleted"));
    REQUIRE(has_event(other, "cards.counted"));
    CHECK(b.w.authors() == 0);
}

TEST_CASE("workshop: agreements are added, updated and deleted; a missing theme is not_found") {
    bench b;
    auto add = b.send(b.facilitator, protocol::agreement_add{"Elke vrijdag terugkijken", "Mark", "2026-12-15", {}});
    auto id = answer(add)["agreement_id"].get<std::string>();
    CHECK(has_event(received(add, b.facilitator), "agreement.added"));
    CHECK(code_of(b.send(b.facilitator, protocol::agreement_add{"x", {}, {}, "nope"})) == "not_found");
    protocol::agreement_update u;
    u.agreement_id = id;
    u.owner = std::optional<std::string>{};
    CHECK(answer(b.send(b.facilitator, u))["type"] == "ack");
    CHECK_FALSE(b.w.state().agreements[0].owner.has_value());
    CHECK(b.w.state().agreements[0].due == "2026-12-15");
    CHECK(answer(b.send(b.facilitator, protocol::agreement_delete{id}))["type"] == "ack");
    CHECK(code_of(b.send(b.facilitator, protocol::agreement_delete{id})) == "not_found");
}

TEST_CASE("workshop: the timer ends for everyone and leaves the state") {
    bench b;
    auto o = b.send(b.facilitator, protocol::timer_start{300});
    CHECK(o.timer_changed);
    REQUIRE(b.w.timer());
    CHECK(b.w.timer()->ends_at_ms == b.now + 300'000);
    CHECK(b.w.expire_timer(b.now + 1000).events.empty()); // not yet
    auto end = b.w.expire_timer(b.now + 300'000);
    REQUIRE(end.events.size() == 1);
    CHECK(json::parse(*end.events[0].frame)["name"] == "timer.ended");
    CHECK(json::parse(b.w.state_json(b.facilitator, 0))["timer"].is_null());
}

TEST_CASE("workshop: check-in words are anonymous and only in the check-in phase") {
    bench b;
    auto p = b.join();
    CHECK(code_of(b.send(p.who, protocol::checkin_post{"moe"})) == "wrong_phase");
    b.phase(protocol::phase::checkin);
    auto o = b.send(p.who, protocol::checkin_post{"benieuwd"});
    auto ev = received(o, b.facilitator);
    REQUIRE(ev.size() == 1);
    CHECK(ev[0]["data"] == json{{"text", "benieuwd"}});
    CHECK(json::parse(b.w.state_json(b.facilitator, 0))["checkins"] == json::array({"benieuwd"}));
}

TEST_CASE("workshop: hello with a wrong key or protocol is refused with its close code") {
    bench b;
    protocol::hello h;
    h.protocol = 2;
    CHECK(b.w.join(h, 0).close_code == 4426);
    h.protocol = 1;
    h.role = role::facilitator;
    h.facilitator_key = "wrong";
    CHECK(b.w.join(h, 0).close_code == 4401);
    h.facilitator_key = "the-key";
    auto r = b.w.join(h, 0);
    CHECK(r.close_code == 0);
    CHECK_FALSE(json::parse(r.welcome).contains("participant_token"));
}

TEST_CASE("workshop: seq grows by one per event and never for a refusal") {
    bench b;
    auto before = b.w.state().meta.seq;
    b.send(b.facilitator, protocol::prompt_set{"Wat maakt dit lastig?"});
    CHECK(b.w.state().meta.seq == before + 1);
    b.send(b.facilitator, protocol::agreement_delete{"nope"});
    CHECK(b.w.state().meta.seq == before + 1);
}

TEST_CASE("workshop: suggestions go to the facilitator only, and apply as ordinary moves") {
    bench b(make_state(1));
    b.phase(protocol::phase::reflect);
    auto p = b.join();
    for (auto const* text : {"Ik wil het persoonlijke contact met mijn klanten houden",
                             "Bang dat we het klantcontact kwijtraken door het systeem",
                             "Geef ons tijd en training om het nieuwe CRM te leren",
                             "Ik wil weten waarom we dit doen",
                             "Sneller offertes kunnen maken zou mooi zijn",
                             "Onze klanten waarderen dat we ze persoonlijk kennen"})
        b.post(p.who, text);
    b.send(b.facilitator, protocol::cards_reveal{});

    auto ask = b.send(b.facilitator, protocol::suggest_request{});
    CHECK(answer(ask)["type"] == "ack");
    CHECK(ask.events.empty());     // nothing reaches participants
    CHECK(ask.changes.empty());    // and nothing changes
    REQUIRE(ask.after_ack.size() == 1);
    auto frame = json::parse(ask.after_ack[0]);
    CHECK(frame["type"] == "suggestions");
    CHECK(frame["req"] == b.req);
    CHECK(frame["cards"].size() == 6);

    auto apply = b.send(b.facilitator, protocol::suggest_apply{});
    REQUIRE(answer(apply)["type"] == "ack");
    CHECK(answer(apply)["moved"] == 6);
    CHECK(has_event(received(apply, p.who), "card.moved"));
    for (auto const& c : b.w.state().cards) CHECK(c.column.has_value());
    for (auto const& c : b.w.state().clusters) {
        CHECK_FALSE(c.title.empty());
        CHECK(protocol::code_points(c.title) <= protocol::max_cluster_title_chars);
    }
    CHECK(code_of(b.send(p.who, protocol::suggest_request{})) == "forbidden");
}

TEST_CASE("workshop: suggest.apply before any suggestion is not_found") {
    bench b;
    CHECK(code_of(b.send(b.facilitator, protocol::suggest_apply{})) == "not_found");
}

// A card event's card is written as text directly (card_text), the welcome's
// and state's through json (card_json): the two must give the same text, for
// every field and for strings that need escaping.
TEST_CASE("workshop: a card in an event is the card of the state, byte for byte") {
    bench b(make_state(1));
    auto s = b.revealed_card_and_theme();
    auto const id = s.card_id;
    b.phase(protocol::phase::cluster);
    auto moved = b.send(b.facilitator, protocol::card_move{id, "behouden", s.cluster_id, 0});
    INFO(moved.answer);
    REQUIRE(answer(moved)["type"] == "ack");
    protocol::card_edit edit;
    edit.card_id = id;
    edit.text = "Quote \" backslash \\ tab\t newline\n accent é emoji 🙂 <b>";
    edit.intention = std::string("Intentie \"ook\"");
    auto edited = b.send(s.author.who, edit);
    INFO(edited.answer);
    REQUIRE(answer(edited)["type"] == "ack");

    auto card_in_state = [&](model::actor const& who) {
        auto const state = json::parse(b.w.state_json(who, 0));
        for (auto const& c : state["cards"])
            if (c["id"] == id) return c;
        FAIL("the card is not in the state");
        return json();
    };
    int checked = 0;
    for (auto const& who : {b.facilitator, s.author.who}) {
        auto const expected = "{\"card\":" + card_in_state(who).dump() + "}";
        for (auto const& e : edited.events) {
            auto ev = json::parse(*e.frame);
            if (ev["name"] != "card.edited") continue;
            bool const to_author = e.audience == model::audience::one;
            if (to_author != (who.role == role::participant)) continue;
            INFO(*e.frame);
            CHECK(e.frame->find(expected) != std::string::npos);
            CHECK(ev["data"]["card"]["column"] == "behouden");
            CHECK(ev["data"]["card"]["cluster_id"] == s.cluster_id);
            ++checked;
        }
    }
    CHECK(checked == 2); // the author's view (mine) and everyone else's
}
