// What decode() makes of particular frames: the values it hands the model,
// and the edges of the rules that the example files do not show on their own.
#include "protocol/decode.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace brug::protocol;

namespace {

// The envelope of a frame that must decode; fails the test otherwise.
envelope accept(std::string const& frame, limits const& lim = {}) {
    INFO("frame: " << frame);
    auto r = decode(frame, lim);
    auto const* e = std::get_if<decode_error>(&r);
    INFO("refused: " << (e ? e->error.message : std::string()));
    REQUIRE(e == nullptr);
    return std::get<envelope>(std::move(r));
}

// The error of a frame that must be refused.
decode_error refuse(std::string const& frame, limits const& lim = {}) {
    INFO("frame: " << frame);
    auto r = decode(frame, lim);
    REQUIRE(std::holds_alternative<decode_error>(r));
    return std::get<decode_error>(std::move(r));
}

template <class T> T accept_as(std::string const& frame, limits const& lim = {}) {
    auto env = accept(frame, lim);
    REQUIRE(std::holds_alternative<T>(env.cmd));
    return std::get<T>(std::move(env.cmd));
}

} // namespace

TEST_CASE("decode: card.post without nonce is bad_message") {
    auto const e = refuse(R"({"type":"card.post","req":3,"kind":"concern","text":"Zorg"})");
    CHECK(e.error.code == error_code::bad_message);
    CHECK(e.error.message == "nonce: required");
    CHECK(e.req == 3);
}

TEST_CASE("decode: card.post carries trimmed text, kind, intention and nonce") {
    auto const env =
        accept(R"({"type":"card.post","req":9,"kind":"concern","text":"  Zorg om klanten \n",
                               "intention":"\u00a0Contact houden","nonce":" n-1 "})");
    CHECK(env.req == 9);
    CHECK(env.nonce == "n-1");
    auto const& c = std::get<card_post>(env.cmd);
    CHECK(c.kind == card_kind::concern);
    CHECK(c.text == "Zorg om klanten");
    CHECK(c.intention == "Contact houden");
}

TEST_CASE("decode: an empty or null intention is no intention, also on an intention card") {
    auto const kind = GENERATE(as<std::string>{}, "concern", "intention");
    auto const intention = GENERATE(as<std::string>{}, R"("")", R"("  \t ")", "null");
    auto const c =
        accept_as<card_post>(R"({"type":"card.post","kind":")" + kind +
                             R"(","text":"x","intention":)" + intention + R"(,"nonce":"n"})");
    CHECK_FALSE(c.intention.has_value());
}

TEST_CASE("decode: card.edit tells an absent intention from a removed one") {
    auto const absent = accept_as<card_edit>(R"({"type":"card.edit","card_id":"c1","text":"t"})");
    CHECK(absent.text == "t");
    CHECK_FALSE(absent.intention.has_value());

    auto const removed =
        accept_as<card_edit>(R"({"type":"card.edit","card_id":"c1","intention":null})");
    CHECK_FALSE(removed.text.has_value());
    REQUIRE(removed.intention.has_value());
    CHECK_FALSE(removed.intention->has_value());

    auto const emptied =
        accept_as<card_edit>(R"({"type":"card.edit","card_id":"c1","intention":"  "})");
    REQUIRE(emptied.intention.has_value());
    CHECK_FALSE(emptied.intention->has_value());

    auto const set = accept_as<card_edit>(R"({"type":"card.edit","card_id":"c1","intention":"i"})");
    CHECK(set.intention == std::optional<std::string>("i"));
}

TEST_CASE("decode: card.move needs column, defaults cluster_id to null and position to the end") {
    auto const m =
        accept_as<card_move>(R"({"type":"card.move","card_id":"c1","column":"behouden"})");
    CHECK(m.card_id == "c1");
    CHECK(m.column == "behouden");
    CHECK_FALSE(m.cluster_id.has_value());
    CHECK_FALSE(m.position.has_value());

    auto const unplaced =
        accept_as<card_move>(R"({"type":"card.move","card_id":"c1","column":null,"position":0})");
    CHECK_FALSE(unplaced.column.has_value());
    CHECK(unplaced.position == 0);

    auto const placed = accept_as<card_move>(
        R"({"type":"card.move","card_id":"c1","column":"vernieuwen","cluster_id":"k1","position":2147483647})");
    CHECK(placed.cluster_id == "k1");
    CHECK(placed.position == 2147483647);

    CHECK(refuse(R"({"type":"card.move","card_id":"c1"})").error.message ==
          "column: required (a column id, or null)");
}

TEST_CASE("decode: agreement.update tells absent, null and a value apart for each field") {
    auto const u = accept_as<agreement_update>(
        R"({"type":"agreement.update","agreement_id":"a1","owner":null,"due":"2026-12-15"})");
    CHECK(u.agreement_id == "a1");
    CHECK_FALSE(u.text.has_value());
    REQUIRE(u.owner.has_value());
    CHECK_FALSE(u.owner->has_value());
    CHECK(u.due == nullable_field<std::string>(std::optional<std::string>("2026-12-15")));
    CHECK_FALSE(u.cluster_id.has_value());

    auto const emptied = accept_as<agreement_update>(
        R"({"type":"agreement.update","agreement_id":"a1","owner":" "})");
    REQUIRE(emptied.owner.has_value());
    CHECK_FALSE(emptied.owner->has_value());
}

TEST_CASE("decode: agreement.add takes owner, due and cluster_id, each optional") {
    auto const a = accept_as<agreement_add>(
        R"({"type":"agreement.add","text":" Vaste contactpersoon ","owner":" Mark ","due":" 2028-02-29 ","cluster_id":"k1"})");
    CHECK(a.text == "Vaste contactpersoon");
    CHECK(a.owner == "Mark");
    CHECK(a.due == "2028-02-29");
    CHECK(a.cluster_id == "k1");

    auto const bare =
        accept_as<agreement_add>(R"({"type":"agreement.add","text":"t","owner":"","due":null})");
    CHECK_FALSE(bare.owner.has_value());
    CHECK_FALSE(bare.due.has_value());
    CHECK_FALSE(bare.cluster_id.has_value());
}

TEST_CASE("decode: hello reads the credential of its role") {
    auto const p = accept_as<hello>(
        R"({"type":"hello","protocol":1,"role":"participant","participant_token":"tok"})");
    CHECK(p.protocol == 1);
    CHECK(p.role == role::participant);
    CHECK(p.participant_token == "tok");
    CHECK_FALSE(p.facilitator_key.has_value());

    auto const anon = accept_as<hello>(
        R"({"type":"hello","protocol":1,"role":"participant","participant_token":""})");
    CHECK_FALSE(anon.participant_token.has_value());

    auto const f = accept_as<hello>(
        R"({"type":"hello","protocol":2,"role":"facilitator","facilitator_key":"k"})");
    CHECK(f.protocol == 2);
    CHECK(f.role == role::facilitator);
    CHECK(f.facilitator_key == "k");
}

TEST_CASE("decode: card.similar defaults its limit to 5") {
    CHECK(accept_as<card_similar>(R"({"type":"card.similar","card_id":"c1"})").limit == 5);
    CHECK(accept_as<card_similar>(R"({"type":"card.similar","card_id":"c1","limit":1})").limit ==
          1);
}

TEST_CASE("decode: suggest.apply tells all cards from a list") {
    CHECK_FALSE(accept_as<suggest_apply>(R"({"type":"suggest.apply"})").card_ids.has_value());
    auto const some =
        accept_as<suggest_apply>(R"({"type":"suggest.apply","card_ids":["a"," b "]})");
    CHECK(some.card_ids == std::vector<std::string>{"a", "b"});
    CHECK(accept_as<suggest_apply>(R"({"type":"suggest.apply","card_ids":[]})").card_ids ==
          std::vector<std::string>{});
}

TEST_CASE("decode: req is echoed over the whole int64 range, null is no req") {
    CHECK(accept(R"({"type":"ping","req":0})").req == 0);
    CHECK(accept(R"({"type":"ping","req":-5})").req == -5);
    CHECK(accept(R"({"type":"ping","req":9223372036854775807})").req == INT64_MAX);
    CHECK(accept(R"({"type":"ping","req":-9223372036854775808})").req == INT64_MIN);
    CHECK_FALSE(accept(R"({"type":"ping","req":null})").req.has_value());
    auto const e = refuse(R"({"type":"ping","req":9223372036854775808})");
    CHECK(e.error.code == error_code::bad_message);
    CHECK_FALSE(e.req.has_value());
}

TEST_CASE("decode: req is in the error whenever it could be read") {
    CHECK(refuse(R"({"type":"nope","req":11})").req == 11);
    CHECK(refuse(R"({"req":12})").req == 12);
    CHECK(refuse(R"({"type":"timer.start","req":13,"seconds":0})").req == 13);
    CHECK_FALSE(refuse(R"([{"type":"ping","req":14}])").req.has_value());
    CHECK_FALSE(refuse(R"({"type":"ping","req":15)").req.has_value());
}

TEST_CASE("decode: a nonce is read only on changing commands") {
    CHECK(accept(R"({"type":"vote.cast","target_id":"k1","nonce":"v-1"})").nonce == "v-1");
    CHECK_FALSE(accept(R"({"type":"vote.cast","target_id":"k1"})").nonce.has_value());
    // On ping the nonce is an unknown extra field: ignored, however odd.
    auto const p = accept(R"({"type":"ping","nonce":12})");
    CHECK_FALSE(p.nonce.has_value());
    std::string const nonce64(64, 'n');
    CHECK(accept(R"({"type":"timer.stop","nonce":")" + nonce64 + R"("})").nonce == nonce64);
    CHECK(refuse(R"({"type":"timer.stop","nonce":")" + nonce64 + R"(n"})").error.code ==
          error_code::bad_message);
}

TEST_CASE("decode: an escaped surrogate pair is one code point, a lone one is bad_message") {
    auto const c = accept_as<checkin_post>(R"({"type":"checkin.post","text":"\ud83d\ude00"})");
    CHECK(c.text == "\xF0\x9F\x98\x80");
    auto const e = refuse(R"({"type":"checkin.post","req":1,"text":"a\ud83d"})");
    CHECK(e.error.code == error_code::bad_message);
    CHECK(e.req == 1);
    CHECK(e.error.message == "text: not valid Unicode (a lone surrogate escape)");
    // Lone surrogates inside nested values, behind a pair, and in an array.
    CHECK(refuse(R"({"type":"ping","x":{"y":["\udfff"]}})").error.message.rfind("x: ", 0) == 0);
    CHECK(refuse(R"({"type":"ping","x":"\ud83d\ude00\ud83d"})").error.code ==
          error_code::bad_message);
    CHECK(refuse(R"({"type":"ping","x":"\uD800\u0041"})").error.code == error_code::bad_message);
}

TEST_CASE("decode: an escaped backslash before u is text, not a surrogate escape") {
    auto const c = accept_as<checkin_post>(R"({"type":"checkin.post","text":"\\ud800"})");
    CHECK(c.text == "\\ud800");
}

TEST_CASE("decode: nesting up to the limit is fine, one deeper is bad_message") {
    auto const nest = [](std::size_t levels) {
        // The frame object is level 1; each array adds one.
        return R"({"type":"ping","req":1,"x":)" + std::string(levels - 1, '[') +
               std::string(levels - 1, ']') + "}";
    };
    accept(nest(16));
    auto const e = refuse(nest(17));
    CHECK(e.error.code == error_code::bad_message);
    CHECK(e.error.message == "frame: nested deeper than 16 levels");
    CHECK(e.req == 1);

    limits shallow;
    shallow.max_depth = 2;
    accept(nest(2), shallow);
    CHECK(refuse(nest(3), shallow).error.code == error_code::bad_message);
}

TEST_CASE("decode: 100000 levels of nesting neither crash nor overflow the stack") {
    std::string const open(100000, '['), close(100000, ']');
    CHECK(refuse(R"({"type":"ping","x":)" + open + close + "}").error.code ==
          error_code::bad_message);
    CHECK(refuse(open + close).error.code == error_code::bad_message);
    CHECK(refuse(open).error.code == error_code::bad_json);
    std::string objects;
    for (int i = 0; i < 50000; ++i)
        objects += R"({"a":)";
    objects += "1" + std::string(50000, '}');
    CHECK(refuse(objects).error.code == error_code::bad_message);
}

TEST_CASE("decode: the card text limit follows limits.max_card_chars") {
    limits lim;
    lim.max_card_chars = 10;
    auto const frame = [](std::string const& text) {
        return R"({"type":"card.post","kind":"concern","nonce":"n","text":")" + text + R"("})";
    };
    accept(frame("0123456789"), lim);
    accept(
        frame("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"),
        lim); // 10 é
    auto const e = refuse(frame("01234567890"), lim);
    CHECK(e.error.code == error_code::too_long);
    CHECK(e.error.message == "text: at most 10 characters");
}

TEST_CASE("decode: integers must be JSON integers in range") {
    auto const seconds =
        GENERATE(as<std::string>{}, "5.0", "1e2", "300.5", "-1", "0", "7201", "true", "null",
                 "\"60\"", "[60]", "4294967297", "-9223372036854775808", "18446744073709551615");
    auto const e = refuse(R"({"type":"timer.start","seconds":)" + seconds + "}");
    CHECK(e.error.code == error_code::bad_message);
}

TEST_CASE("decode: a repeated key counts with its last value") {
    CHECK(accept_as<timer_start>(R"({"type":"timer.start","seconds":0,"seconds":60})").seconds ==
          60);
}

TEST_CASE("decode: unknown extra fields are ignored") {
    accept(R"({"type":"ping","req":1,"extra":{"deep":[1,2,{"x":null}]},"more":"\u00e9"})");
}

TEST_CASE("decode: type, kind, role and phase match exactly, without trimming") {
    CHECK(refuse(R"({"type":" ping"})").error.code == error_code::unknown_type);
    CHECK(refuse(R"({"type":"phase.set","phase":" vote"})").error.code == error_code::bad_message);
    CHECK(refuse(R"({"type":"card.post","kind":"Concern","text":"x","nonce":"n"})").error.code ==
          error_code::bad_message);
}

TEST_CASE("decode: every phase name decodes to its phase") {
    auto const p = GENERATE(phase::lobby, phase::checkin, phase::reflect, phase::cluster,
                            phase::vote, phase::discuss, phase::agree, phase::closed);
    auto const name = std::string(to_string(p));
    CHECK(accept_as<phase_set>(R"({"type":"phase.set","phase":")" + name + R"("})").phase == p);
}

namespace {

template <std::size_t... I> std::vector<command> every_command(std::index_sequence<I...>) {
    return {command(std::in_place_index<I>)...};
}

} // namespace

TEST_CASE("decode: a bad nonce is refused exactly on the commands is_changing names") {
    // The decoder's own table says which commands read a nonce; it must agree
    // with is_changing(), which the server uses for `closed`.
    for (auto const& cmd : every_command(std::make_index_sequence<std::variant_size_v<command>>{})) {
        auto const name = std::string(type_name(cmd));
        INFO(name);
        auto const r = decode(R"({"type":")" + name + R"(","req":1,"nonce":12})");
        bool const nonce_refused = std::holds_alternative<decode_error>(r) &&
                                   std::get<decode_error>(r).error.message.rfind("nonce: ", 0) == 0;
        CHECK(nonce_refused == is_changing(cmd));
    }
}
