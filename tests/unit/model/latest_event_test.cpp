// Which events state only the latest value of something (outgoing::latest),
// so that a connection's queue may drop an older one not yet sent: checked
// against the events the model really writes. Only cards.counted does; a
// card whose text looks like one does not.
#include "model/workshop.hpp"
#include "util/crypto.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace brug;
using json = nlohmann::json;
using protocol::role;

namespace {

constexpr char const* secret = "0123456789abcdef0123456789abcdef";

model::workshop make_workshop() {
    model::workshop_state s;
    s.meta.code = "ABCD-EFGH";
    s.meta.title = "Test";
    s.meta.facilitator_key_hash = util::sha256_hex("the-key");
    s.meta.columns = {{"behouden", "Behouden"}};
    s.meta.settings.anonymity_threshold = 1;
    return model::workshop(std::move(s), secret);
}

} // namespace

TEST_CASE("latest events: cards.counted, and only it, supersedes an older one of its kind") {
    auto w = make_workshop();
    model::actor facilitator{role::facilitator, model::no_participant};
    protocol::hello h;
    h.protocol = 1;
    h.role = role::participant;
    auto author = w.join(h, 0).who;
    std::int64_t req = 0, now = 1'800'000'000'000;
    auto send = [&](model::actor const& who, protocol::command cmd) {
        return w.handle(who, protocol::envelope{++req, util::random_hex(), std::move(cmd)}, now, 1);
    };
    // A card's text that looks like a count must not make its frame one.
    std::string const lookalike =
        R"({"data":{"hidden_cards":3},"name":"cards.counted","seq":9,"type":"event"})";

    std::vector<model::outcome> outcomes;
    outcomes.push_back(send(facilitator, protocol::phase_set{protocol::phase::reflect}));
    outcomes.push_back(send(author, protocol::card_post{protocol::card_kind::concern, lookalike, {}}));
    outcomes.push_back(send(author, protocol::card_post{protocol::card_kind::concern, "two", {}}));
    outcomes.push_back(send(facilitator, protocol::cards_reveal{}));
    outcomes.push_back(send(author, protocol::card_post{protocol::card_kind::concern, lookalike, {}}));
    outcomes.push_back(send(facilitator, protocol::prompt_set{lookalike}));

    int counted = 0, others = 0;
    for (auto const& o : outcomes) {
        INFO(o.answer);
        REQUIRE(json::parse(o.answer)["type"] == "ack");
        for (auto const& ev : o.events) {
            auto name = json::parse(*ev.frame)["name"].get<std::string>();
            INFO(*ev.frame);
            if (name == "cards.counted") {
                CHECK(ev.latest == model::latest_of::hidden_count);
                ++counted;
            } else {
                CHECK(ev.latest == model::latest_of::nothing);
                ++others;
            }
        }
    }
    CHECK(counted == 3); // two posts while hidden, and the reveal
    CHECK(others >= 6);
}
