// A workshop from start to board, against the real server: hidden cards,
// reveal, moves, clusters, phases, roles; retries by nonce; restarts and
// crashes; and the anonymity rules (protocol.md 3.5, 3.6, 3.8).
#include "client.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <set>
#include <thread>

using namespace brug::test;
using namespace std::chrono_literals;

namespace {

bool frames_contain(ws_client const& c, std::string const& needle) {
    for (auto const& f : c.frames())
        if (f.find(needle) != std::string::npos) return true;
    return false;
}

} // namespace

TEST_CASE("flow: hidden cards, reveal, move, clusters, phases and roles") {
    server_process srv;
    auto ws = create_workshop(srv.port(), {{"title", "Flow"}, {"settings", {{"anonymity_threshold", 2}}}});
    ws_client f(srv.port(), "/ws/" + ws.code);
    REQUIRE(is_type(join_facilitator(f, ws.key), "welcome"));
    ws_client p1(srv.port(), "/ws/" + ws.code);
    auto w1 = join_participant(p1);
    ws_client p2(srv.port(), "/ws/" + ws.code);
    auto w2 = join_participant(p2);
    auto token1 = w1["participant_token"].get<std::string>();
    auto token2 = w2["participant_token"].get<std::string>();

    // Participants may not run the workshop.
    auto no = p1.request({{"type", "phase.set"}, {"phase", "reflect"}});
    CHECK(no["code"] == "forbidden");
    // Cards only in reflect or cluster.
    CHECK(p1.request(card_post("too early", "n0"))["code"] == "wrong_phase");

    auto ok = f.request({{"type", "phase.set"}, {"phase", "reflect"}});
    CHECK(ok["type"] == "ack");
    CHECK(p1.wait_for(event("phase.changed")));
    CHECK(p2.wait_for(event("phase.changed")));

    // A hidden card goes to its author only; everyone gets the count.
    auto a1 = p1.request(card_post("Ik mis het persoonlijke contact", "n1"));
    REQUIRE(a1["type"] == "ack");
    auto card1 = a1["card_id"].get<std::string>();
    auto posted = p1.wait_for(event("card.posted"));
    REQUIRE(posted);
    CHECK((*posted)["data"]["card"]["mine"] == true);
    auto counted = p2.wait_for(event("cards.counted"));
    REQUIRE(counted);
    CHECK((*counted)["data"]["hidden_cards"] == 1);
    CHECK(f.wait_for(event("cards.counted")));

    // To the facilitator a hidden card does not exist.
    auto mv = f.request({{"type", "card.move"}, {"card_id", card1}, {"column", "behouden"}, {"cluster_id", nullptr}});
    CHECK(mv["code"] == "not_found");
    // One author is below the threshold of two.
    CHECK(f.request({{"type", "cards.reveal"}})["code"] == "anonymity_threshold");

    auto a2 = p2.request(card_post("Nieuwe tools geven rust", "m1"));
    REQUIRE(a2["type"] == "ack");
    auto card2 = a2["card_id"].get<std::string>();

    // Nothing of a hidden card reached anyone else.
    CHECK_FALSE(frames_contain(p2, "persoonlijke contact"));
    CHECK_FALSE(frames_contain(f, "persoonlijke contact"));
    CHECK_FALSE(frames_contain(p1, "Nieuwe tools"));
    CHECK_FALSE(frames_contain(f, card1));

    auto rev = f.request({{"type", "cards.reveal"}});
    REQUIRE(rev["type"] == "ack");
    CHECK(rev["revealed"] == 2);
    auto revealed = p2.wait_for(event("cards.revealed"));
    REQUIRE(revealed);
    CHECK((*revealed)["data"]["cards"].size() == 2);
    for (auto const& c : (*revealed)["data"]["cards"]) CHECK_FALSE(c.contains("mine"));
    CHECK(f.request({{"type", "cards.reveal"}})["revealed"] == 0);

    // The board.
    CHECK(f.request({{"type", "card.move"}, {"card_id", card1}, {"column", "behouden"}, {"cluster_id", nullptr}})["type"] == "ack");
    auto moved = p1.wait_for(event("card.moved"));
    REQUIRE(moved);
    CHECK((*moved)["data"]["column"] == "behouden");
    auto cl = f.request({{"type", "cluster.create"}, {"column", "behouden"}, {"title", "Contact"}});
    REQUIRE(cl["type"] == "ack");
    auto cluster = cl["cluster_id"].get<std::string>();
    CHECK(p2.wait_for(event("cluster.created")));
    CHECK(f.request({{"type", "card.move"}, {"card_id", card1}, {"column", "behouden"}, {"cluster_id", cluster}, {"position", 0}})["type"] == "ack");
    CHECK(f.request({{"type", "card.move"}, {"card_id", card2}, {"column", "vernieuwen"}, {"cluster_id", cluster}})["code"] == "bad_message");
    CHECK(f.request({{"type", "prompt.set"}, {"text", "Wat maakt dit lastig?"}})["type"] == "ack");
    auto pr = p1.wait_for(event("prompt.changed"));
    REQUIRE(pr);
    CHECK((*pr)["data"]["text"] == "Wat maakt dit lastig?");
    CHECK(p2.request({{"type", "cluster.create"}, {"column", "behouden"}, {"title", "x"}})["code"] == "forbidden");
    CHECK(p2.request({{"type", "card.delete"}, {"card_id", card1}})["code"] == "forbidden");

    // Timer: started and ended for everyone.
    CHECK(f.request({{"type", "timer.start"}, {"seconds", 1}})["type"] == "ack");
    CHECK(p1.wait_for(event("timer.started")));
    CHECK(p1.wait_for(event("timer.ended"), 5s));

    CHECK(f.request({{"type", "phase.set"}, {"phase", "closed"}})["type"] == "ack");
    CHECK(f.request({{"type", "prompt.set"}, {"text", "late"}})["code"] == "closed");

    // Anonymity: no token ever reaches anyone else.
    CHECK_FALSE(frames_contain(f, token1));
    CHECK_FALSE(frames_contain(f, token2));
    CHECK_FALSE(frames_contain(p2, token1));
    CHECK_FALSE(frames_contain(p1, token2));
}

TEST_CASE("flow: a command retried with its nonce after a reconnect is not doubled") {
    server_process srv;
    auto ws = create_workshop(srv.port(), {{"title", "Retry"}, {"settings", {{"anonymity_threshold", 1}}}});
    ws_client f(srv.port(), "/ws/" + ws.code);
    join_facilitator(f, ws.key);
    f.request({{"type", "phase.set"}, {"phase", "reflect"}});
    std::string token;
    std::string first_id;
    {
        ws_client p(srv.port(), "/ws/" + ws.code);
        token = join_participant(p)["participant_token"];
        auto a = p.request(card_post("once", "retry-1"));
        REQUIRE(a["type"] == "ack");
        first_id = a["card_id"];
    }
    ws_client again(srv.port(), "/ws/" + ws.code);
    auto w = join_participant(again, token);
    REQUIRE(w["participant_token"] == token);
    auto a = again.request(card_post("once", "retry-1"));
    CHECK(a["type"] == "ack");
    CHECK(a["card_id"] == first_id);
    ws_client check(srv.port(), "/ws/" + ws.code);
    auto w2 = join_participant(check, token);
    CHECK(w2["state"]["cards"].size() == 1);
    CHECK(w2["state"]["hidden_cards"] == 1);
}

TEST_CASE("flow: a restart keeps the workshop, and tokens keep working") {
    server_process srv({"--room-idle", "1"});
    auto ws = create_workshop(srv.port(), {{"title", "Restart"}, {"settings", {{"anonymity_threshold", 1}}}});
    std::string token;
    std::int64_t seq = 0;
    {
        ws_client f(srv.port(), "/ws/" + ws.code);
        join_facilitator(f, ws.key);
        f.request({{"type", "phase.set"}, {"phase", "reflect"}});
        ws_client p(srv.port(), "/ws/" + ws.code);
        token = join_participant(p)["participant_token"];
        REQUIRE(p.request(card_post("blijft", "r1"))["type"] == "ack");
        REQUIRE(f.request({{"type", "prompt.set"}, {"text", "Vraag"}})["type"] == "ack");
        ws_client probe(srv.port(), "/ws/" + ws.code);
        seq = join_participant(probe, token)["seq"];
    }
    CHECK(srv.stop(SIGTERM) == 0);
    srv.start();
    ws_client p(srv.port(), "/ws/" + ws.code);
    auto w = join_participant(p, token);
    REQUIRE(is_type(w, "welcome"));
    CHECK(w["participant_token"] == token);
    CHECK(w["seq"] == seq);
    CHECK(w["state"]["phase"] == "reflect");
    CHECK(w["state"]["prompt"] == "Vraag");
    REQUIRE(w["state"]["cards"].size() == 1);
    CHECK(w["state"]["cards"][0]["text"] == "blijft");
    CHECK(w["state"]["cards"][0]["mine"] == true);
    // The facilitator key still works too.
    ws_client f(srv.port(), "/ws/" + ws.code);
    CHECK(is_type(join_facilitator(f, ws.key), "welcome"));
}

TEST_CASE("flow: after kill -9 everything acknowledged is there") {
    server_process srv({"--rate-limit", "1000", "--rate-burst", "1000"});
    auto ws = create_workshop(srv.port(), {{"title", "Crash"}, {"settings", {{"anonymity_threshold", 1}}}});
    ws_client f(srv.port(), "/ws/" + ws.code);
    join_facilitator(f, ws.key);
    f.request({{"type", "phase.set"}, {"phase", "reflect"}});
    ws_client p(srv.port(), "/ws/" + ws.code);
    auto token = join_participant(p)["participant_token"].get<std::string>();
    // Pipelined: every ack that arrives before the kill must survive it.
    for (int i = 0; i < 60; ++i) p.send(card_post("kaart " + std::to_string(i), "k" + std::to_string(i)).dump());
    std::set<std::string> acked;
    while (acked.size() < 30) {
        auto m = p.next();
        REQUIRE(m);
        if (is_type(*m, "ack")) acked.insert((*m)["card_id"].get<std::string>());
    }
    CHECK(srv.stop(SIGKILL) == 128 + SIGKILL);
    // Whatever else was already in the client's buffer was acknowledged too.
    while (auto m = p.next(200ms))
        if (is_type(*m, "ack")) acked.insert((*m)["card_id"].get<std::string>());
    srv.start();
    ws_client again(srv.port(), "/ws/" + ws.code);
    auto w = join_participant(again, token);
    REQUIRE(is_type(w, "welcome"));
    std::set<std::string> present;
    for (auto const& c : w["state"]["cards"]) present.insert(c["id"].get<std::string>());
    for (auto const& id : acked) CHECK(present.count(id) == 1);
}

TEST_CASE("flow: an empty workshop leaves memory and comes back intact") {
    server_process srv({"--room-idle", "1"});
    auto ws = create_workshop(srv.port(), {{"title", "Idle"}});
    auto in_memory = [&] {
        auto body = http(srv.port(), "GET", "/metrics").body;
        auto pos = body.find("\nbrug_workshops_in_memory ");
        return std::stoi(body.substr(pos + 26));
    };
    {
        ws_client f(srv.port(), "/ws/" + ws.code);
        join_facilitator(f, ws.key);
        CHECK(f.request({{"type", "prompt.set"}, {"text", "Blijft"}})["type"] == "ack");
        CHECK(in_memory() == 1);
    }
    auto until = std::chrono::steady_clock::now() + 5s;
    while (in_memory() != 0 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(100ms);
    CHECK(in_memory() == 0);
    ws_client f(srv.port(), "/ws/" + ws.code);
    auto w = join_facilitator(f, ws.key);
    CHECK(w["state"]["prompt"] == "Blijft");
    CHECK(in_memory() == 1);
}

TEST_CASE("flow: export finds the workshop by its code in any case") {
    server_process srv;
    auto ws = create_workshop(srv.port(), {{"title", "Any case"}});
    std::string lower;
    for (char c : ws.code)
        if (c != '-') lower.push_back(static_cast<char>(std::tolower(c)));
    auto r = http(srv.port(), "GET", "/api/workshops/" + lower + "/export?format=json", "",
                  {{"Authorization", "Bearer " + ws.key}});
    CHECK(r.status == 200);
    CHECK(r.json_body()["title"] == "Any case");
}

TEST_CASE("flow: votes stay hidden from participants until the vote closes") {
    server_process srv;
    auto ws = create_workshop(srv.port(), {{"title", "Votes"},
                                           {"settings", {{"anonymity_threshold", 1}, {"votes_per_participant", 2}}}});
    ws_client f(srv.port(), "/ws/" + ws.code);
    join_facilitator(f, ws.key);
    ws_client p(srv.port(), "/ws/" + ws.code);
    join_participant(p);
    ws_client q(srv.port(), "/ws/" + ws.code);
    join_participant(q);
    f.request({{"type", "phase.set"}, {"phase", "reflect"}});
    auto card = p.request(card_post("Stem op mij", "v1"))["card_id"].get<std::string>();
    REQUIRE(f.request({{"type", "cards.reveal"}})["type"] == "ack");
    p.wait_for(event("cards.revealed"));
    auto before_vote = p.frames().size();
    REQUIRE(f.request({{"type", "phase.set"}, {"phase", "vote"}})["type"] == "ack");
    CHECK(q.wait_for(event("phase.changed")));
    auto v = q.request({{"type", "vote.cast"}, {"target_id", card}});
    REQUIRE(v["type"] == "ack");
    CHECK(v["left"] == 1);
    CHECK(q.request({{"type", "vote.cast"}, {"target_id", card}})["left"] == 0);
    CHECK(q.request({{"type", "vote.cast"}, {"target_id", card}})["code"] == "vote_limit");
    auto changed = f.wait_for(event("votes.changed"));
    REQUIRE(changed);
    // Participants saw no tally while voting.
    p.request({{"type", "ping"}}); // everything sent to p so far has arrived
    for (auto i = before_vote; i < p.frames().size(); ++i)
        CHECK(p.frames()[i].find("per_target") == std::string::npos);
    CHECK(f.request({{"type", "phase.set"}, {"phase", "discuss"}})["type"] == "ack");
    auto tallied = p.wait_for(event("votes.tallied"));
    REQUIRE(tallied);
    CHECK((*tallied)["data"]["per_target"][card] == 2);
}
