// Names and classes of commands, phases, roles, kinds and error codes.
#include "protocol/commands.hpp"
#include "protocol/errors.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>

using namespace brug::protocol;

TEST_CASE("commands: type_name gives each command its wire name") {
    CHECK(type_name(hello{}) == "hello");
    CHECK(type_name(checkin_post{}) == "checkin.post");
    CHECK(type_name(card_post{}) == "card.post");
    CHECK(type_name(card_edit{}) == "card.edit");
    CHECK(type_name(card_delete{}) == "card.delete");
    CHECK(type_name(cards_reveal{}) == "cards.reveal");
    CHECK(type_name(card_move{}) == "card.move");
    CHECK(type_name(cluster_create{}) == "cluster.create");
    CHECK(type_name(cluster_rename{}) == "cluster.rename");
    CHECK(type_name(cluster_delete{}) == "cluster.delete");
    CHECK(type_name(phase_set{}) == "phase.set");
    CHECK(type_name(prompt_set{}) == "prompt.set");
    CHECK(type_name(vote_cast{}) == "vote.cast");
    CHECK(type_name(vote_retract{}) == "vote.retract");
    CHECK(type_name(agreement_add{}) == "agreement.add");
    CHECK(type_name(agreement_update{}) == "agreement.update");
    CHECK(type_name(agreement_delete{}) == "agreement.delete");
    CHECK(type_name(timer_start{}) == "timer.start");
    CHECK(type_name(timer_stop{}) == "timer.stop");
    CHECK(type_name(ping{}) == "ping");
    CHECK(type_name(suggest_request{}) == "suggest.request");
    CHECK(type_name(suggest_apply{}) == "suggest.apply");
    CHECK(type_name(card_similar{}) == "card.similar");
}

TEST_CASE("commands: only hello, ping, suggest.request and card.similar change nothing") {
    CHECK_FALSE(is_changing(hello{}));
    CHECK_FALSE(is_changing(ping{}));
    CHECK_FALSE(is_changing(suggest_request{}));
    CHECK_FALSE(is_changing(card_similar{}));
    CHECK(is_changing(checkin_post{}));
    CHECK(is_changing(card_post{}));
    CHECK(is_changing(card_edit{}));
    CHECK(is_changing(card_delete{}));
    CHECK(is_changing(cards_reveal{}));
    CHECK(is_changing(card_move{}));
    CHECK(is_changing(cluster_create{}));
    CHECK(is_changing(cluster_rename{}));
    CHECK(is_changing(cluster_delete{}));
    CHECK(is_changing(phase_set{}));
    CHECK(is_changing(prompt_set{}));
    CHECK(is_changing(vote_cast{}));
    CHECK(is_changing(vote_retract{}));
    CHECK(is_changing(agreement_add{}));
    CHECK(is_changing(agreement_update{}));
    CHECK(is_changing(agreement_delete{}));
    CHECK(is_changing(timer_start{}));
    CHECK(is_changing(timer_stop{}));
    CHECK(is_changing(suggest_apply{}));
}

TEST_CASE("commands: phases round-trip through their names, in contract order") {
    char const* const names[] = {"lobby", "checkin", "reflect", "cluster",
                                 "vote",  "discuss", "agree",   "closed"};
    for (int i = 0; i < 8; ++i) {
        auto const p = parse_phase(names[i]);
        REQUIRE(p);
        CHECK(static_cast<int>(*p) == i);
        CHECK(to_string(*p) == names[i]);
    }
    CHECK_FALSE(parse_phase(""));
    CHECK_FALSE(parse_phase("Vote"));
    CHECK_FALSE(parse_phase("voting"));
}

TEST_CASE("commands: roles and card kinds round-trip through their names") {
    CHECK(parse_role(to_string(role::participant)) == role::participant);
    CHECK(parse_role(to_string(role::facilitator)) == role::facilitator);
    CHECK_FALSE(parse_role("admin"));
    CHECK(parse_card_kind(to_string(card_kind::concern)) == card_kind::concern);
    CHECK(parse_card_kind(to_string(card_kind::intention)) == card_kind::intention);
    CHECK_FALSE(parse_card_kind("idea"));
}

TEST_CASE("errors: every code has its own wire name") {
    std::set<std::string_view> names;
    for (int c = 0; c <= static_cast<int>(error_code::internal); ++c)
        names.insert(to_string(static_cast<error_code>(c)));
    CHECK(names == std::set<std::string_view>{
                       "bad_json", "bad_message", "unknown_type", "already_joined", "forbidden",
                       "not_found", "wrong_phase", "too_long", "rate_limited", "vote_limit",
                       "anonymity_threshold", "limit_reached", "closed", "internal"});
}
