// Frames that only state the latest value of something (protocol/README.md
// section 7): a `cards.counted` or a `presence` still waiting in a
// connection's queue is dropped when a newer one of its kind is queued, and
// the newer one goes at the end, so `seq` still rises. Every other frame
// arrives, in order.
#include "client.hpp"

#include <catch2/catch.hpp>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

using namespace brug::test;
using namespace std::chrono_literals;

namespace {

// Small kernel buffers on both sides, so that frames for a reader that does
// not read soon wait in the server's queue.
std::vector<std::string> const small_send_buffer = {"--send-buffer", "4096", "--rate-limit", "100000",
                                                    "--rate-burst", "100000", "--sync", "normal"};

ws_client::config small_receive_buffer() {
    ws_client::config c;
    c.receive_buffer = 2048;
    return c;
}

} // namespace

TEST_CASE("coalesce: a reader that does not read gets the latest count, not every count",
          "[coalesce]") {
    server_process srv(small_send_buffer);
    auto ws = create_workshop(srv.port());
    ws_client quiet(srv.port(), "/ws/" + ws.code, small_receive_buffer());
    REQUIRE(is_type(join_participant(quiet), "welcome"));
    ws_client poster(srv.port(), "/ws/" + ws.code);
    REQUIRE(is_type(join_participant(poster), "welcome"));
    ws_client f(srv.port(), "/ws/" + ws.code);
    REQUIRE(is_type(join_facilitator(f, ws.key), "welcome"));
    REQUIRE(is_type(f.request({{"type", "phase.set"}, {"phase", "reflect"}}), "ack"));

    // `quiet` stops reading. First the kernel's buffers towards it fill up
    // (about 23 KB of prompts, several times what they hold), so that what
    // follows waits in the server's queue.
    int const prompts = 100;
    for (int i = 0; i < prompts; ++i)
        f.send(json{{"type", "prompt.set"}, {"text", std::string(190, 'p')}, {"req", i}});
    for (int acks = 0; acks < prompts;) {
        auto m = f.next(5s);
        REQUIRE(m);
        if (is_type(*m, "ack")) ++acks;
    }
    // Then the poster posts, 50 at a time.
    int const posts = 1000;
    for (int sent = 0; sent < posts;) {
        for (int i = 0; i < 50; ++i, ++sent) {
            auto cmd = card_post("card " + std::to_string(sent), "n" + std::to_string(sent));
            cmd["req"] = sent;
            poster.send(cmd);
        }
        for (int acks = 0; acks < 50;) {
            auto m = poster.next(5s);
            REQUIRE(m);
            if (is_type(*m, "ack")) ++acks;
            if (is_type(*m, "error")) FAIL(m->dump());
        }
    }
    // Then presence changes five times while `quiet` still does not read.
    std::vector<std::unique_ptr<ws_client>> joiners;
    for (int i = 0; i < 5; ++i) {
        joiners.push_back(std::make_unique<ws_client>(srv.port(), "/ws/" + ws.code));
        REQUIRE(is_type(join_participant(*joiners.back()), "welcome"));
    }
    // The facilitator, who reads, has seen the last count.
    CHECK(f.wait_for([&](json const& j) {
        return is_type(j, "event") && j["name"] == "cards.counted" && j["data"]["hidden_cards"] == posts;
    }, 10s));

    // Now `quiet` reads everything: the final count and the final presence
    // arrive, in fewer frames than there were changes, with `seq` rising.
    int counts = 0, presences = 0, prompts_seen = 0, last_count = -1, last_participants = -1;
    std::int64_t last_seq = 0;
    bool seq_rises = true;
    while (last_count != posts || last_participants != 7) {
        auto m = quiet.next(10s);
        REQUIRE(m);
        if (is_type(*m, "presence")) {
            ++presences;
            last_participants = (*m)["participants"];
        }
        if (!is_type(*m, "event")) continue;
        auto seq = (*m)["seq"].get<std::int64_t>();
        if (seq <= last_seq) seq_rises = false;
        last_seq = seq;
        if ((*m)["name"] == "prompt.changed") ++prompts_seen;
        if ((*m)["name"] == "cards.counted") {
            ++counts;
            last_count = (*m)["data"]["hidden_cards"];
        }
    }
    CHECK(prompts_seen == prompts);
    CHECK(seq_rises);
    CHECK(last_count == posts);
    CHECK(counts < posts / 2);
    CHECK(presences < 3 + 5); // its own, the poster's and the facilitator's joins came before
    // The metric counts what was replaced unsent: at least what `quiet` missed.
    auto metrics = http(srv.port(), "GET", "/metrics").body;
    auto at = metrics.find("\nbrug_frames_superseded_total ");
    REQUIRE(at != std::string::npos);
    auto superseded = std::stoll(metrics.substr(at + std::string("\nbrug_frames_superseded_total ").size()));
    CHECK(superseded >= posts - counts);
    CHECK_FALSE(quiet.closed());
    std::cout << "[coalesce] " << posts << " posts: " << counts
              << " cards.counted frames reached the reader that did not read; 5 presence changes: "
              << presences << " frames\n";
    // Nothing else was dropped: it still answers, and the facilitator's
    // own events still arrive.
    CHECK(quiet.request({{"type", "ping"}})["type"] == "pong");
}

TEST_CASE("coalesce: other events are never dropped", "[coalesce]") {
    server_process srv(small_send_buffer);
    auto ws = create_workshop(srv.port());
    ws_client quiet(srv.port(), "/ws/" + ws.code, small_receive_buffer());
    REQUIRE(is_type(join_participant(quiet), "welcome"));
    ws_client f(srv.port(), "/ws/" + ws.code);
    REQUIRE(is_type(join_facilitator(f, ws.key), "welcome"));
    // prompt.changed also states only the latest text, but it is not one of
    // the kinds that supersede: every one of them arrives.
    int const changes = 400;
    for (int i = 0; i < changes; ++i)
        f.send(json{{"type", "prompt.set"}, {"text", "q" + std::to_string(i)}, {"req", i}});
    for (int acks = 0; acks < changes;) {
        auto m = f.next(5s);
        REQUIRE(m);
        if (is_type(*m, "ack")) ++acks;
    }
    int expected = 0;
    while (expected < changes) {
        auto m = quiet.next(10s);
        REQUIRE(m);
        if (!is_type(*m, "event") || (*m)["name"] != "prompt.changed") continue;
        CHECK((*m)["data"]["text"] == "q" + std::to_string(expected));
        ++expected;
    }
    CHECK(quiet.batched_frames() > 0);
}
