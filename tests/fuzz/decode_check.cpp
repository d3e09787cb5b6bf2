// The decoder's promises as checks. Where a check needs to know what a frame
// "really" holds it asks nlohmann's plain parser and its own small UTF-8
// reader, not the helpers under test, so that a bug shared by the two shows.
#include "decode_check.hpp"

#include "protocol/date.hpp"
#include "protocol/decode.hpp"
#include "protocol/utf8.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <sstream>
#include <vector>

namespace brug::fuzz {

namespace {

using json = nlohmann::json;
using namespace protocol;

// --- an independent UTF-8 reader ---------------------------------------------

// The code points of `s`, or nullopt when it is not well-formed UTF-8
// (overlongs, surrogates, above U+10FFFF, truncated: all refused).
std::optional<std::vector<char32_t>> code_points_of(std::string_view s) {
    std::vector<char32_t> out;
    for (std::size_t i = 0; i < s.size();) {
        auto const c = static_cast<unsigned char>(s[i]);
        std::size_t len = 0;
        char32_t cp = 0, min = 0;
        if (c < 0x80) { len = 1; cp = c; }
        else if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; min = 0x80; }
        else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; min = 0x800; }
        else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; min = 0x10000; }
        else return std::nullopt;
        if (i + len > s.size()) return std::nullopt;
        for (std::size_t k = 1; k < len; ++k) {
            auto const t = static_cast<unsigned char>(s[i + k]);
            if ((t & 0xC0) != 0x80) return std::nullopt;
            cp = (cp << 6) | (t & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
        out.push_back(cp);
        i += len;
    }
    return out;
}

// --- what a decoded command holds ----------------------------------------------

// One string of a command with the range its field allows, in code points.
struct text_field {
    std::string_view name;
    std::string const* value; // null when absent (or null)
    std::size_t min;
    std::size_t max;
};

struct command_facts {
    std::vector<text_field> strings;
    std::vector<std::string const*> dates;
    std::string problem; // a rule between fields that does not hold
};

template <class T> std::string const* opt(std::optional<T> const& v) { return v ? &*v : nullptr; }

template <class T> std::string const* opt(nullable_field<T> const& v) {
    return v && *v ? &**v : nullptr;
}

command_facts facts_of(command const& cmd, limits const& lim) {
    command_facts f;
    auto const card_max = lim.max_card_chars;
    auto add = [&](std::string_view name, std::string const* v, std::size_t min, std::size_t max) {
        f.strings.push_back({name, v, min, max});
    };
    std::visit(
        [&](auto const& c) {
            using t = std::decay_t<decltype(c)>;
            if constexpr (std::is_same_v<t, hello>) {
                if (c.role == role::participant) {
                    add("participant_token", opt(c.participant_token), 1, max_secret_chars);
                    if (c.facilitator_key) f.problem = "a participant's hello kept a facilitator_key";
                } else {
                    if (!c.facilitator_key) f.problem = "a facilitator's hello without facilitator_key";
                    add("facilitator_key", opt(c.facilitator_key), 0, max_secret_chars);
                    if (c.participant_token) f.problem = "a facilitator's hello kept a participant_token";
                }
            } else if constexpr (std::is_same_v<t, checkin_post>) {
                add("text", &c.text, 1, max_checkin_chars);
            } else if constexpr (std::is_same_v<t, card_post>) {
                add("text", &c.text, 1, card_max);
                add("intention", opt(c.intention), 1, card_max);
                if (c.intention && c.kind != card_kind::concern) f.problem = "an intention card with an intention";
            } else if constexpr (std::is_same_v<t, card_edit>) {
                add("card_id", &c.card_id, 1, max_id_chars);
                add("text", opt(c.text), 1, card_max);
                add("intention", opt(c.intention), 1, card_max);
                if (!c.text && !c.intention) f.problem = "card.edit with nothing to change";
            } else if constexpr (std::is_same_v<t, card_delete>) {
                add("card_id", &c.card_id, 1, max_id_chars);
            } else if constexpr (std::is_same_v<t, card_move>) {
                add("card_id", &c.card_id, 1, max_id_chars);
                add("column", opt(c.column), 1, max_id_chars);
                add("cluster_id", opt(c.cluster_id), 1, max_id_chars);
                if (c.cluster_id && !c.column) f.problem = "card.move with a cluster but no column";
                if (c.position && *c.position < 0) f.problem = "card.move with a negative position";
            } else if constexpr (std::is_same_v<t, cluster_create>) {
                add("column", &c.column, 1, max_id_chars);
                add("title", &c.title, 1, max_cluster_title_chars);
            } else if constexpr (std::is_same_v<t, cluster_rename>) {
                add("cluster_id", &c.cluster_id, 1, max_id_chars);
                add("title", &c.title, 1, max_cluster_title_chars);
            } else if constexpr (std::is_same_v<t, cluster_delete>) {
                add("cluster_id", &c.cluster_id, 1, max_id_chars);
            } else if constexpr (std::is_same_v<t, prompt_set>) {
                add("text", &c.text, 0, max_prompt_chars);
            } else if constexpr (std::is_same_v<t, vote_cast> || std::is_same_v<t, vote_retract>) {
                add("target_id", &c.target_id, 1, max_id_chars);
            } else if constexpr (std::is_same_v<t, agreement_add>) {
                add("text", &c.text, 1, max_agreement_text_chars);
                add("owner", opt(c.owner), 1, max_agreement_owner_chars);
                add("cluster_id", opt(c.cluster_id), 1, max_id_chars);
                if (c.due) f.dates.push_back(&*c.due);
            } else if constexpr (std::is_same_v<t, agreement_update>) {
                add("agreement_id", &c.agreement_id, 1, max_id_chars);
                add("text", opt(c.text), 1, max_agreement_text_chars);
                add("owner", opt(c.owner), 1, max_agreement_owner_chars);
                add("cluster_id", opt(c.cluster_id), 1, max_id_chars);
                if (auto d = opt(c.due)) f.dates.push_back(d);
                if (!c.text && !c.owner && !c.due && !c.cluster_id) f.problem = "agreement.update with nothing to change";
            } else if constexpr (std::is_same_v<t, agreement_delete>) {
                add("agreement_id", &c.agreement_id, 1, max_id_chars);
            } else if constexpr (std::is_same_v<t, timer_start>) {
                if (c.seconds < 1 || c.seconds > max_timer_seconds) f.problem = "timer.start seconds out of range";
            } else if constexpr (std::is_same_v<t, suggest_apply>) {
                if (c.card_ids)
                    for (auto const& id : *c.card_ids) add("card_ids", &id, 1, max_id_chars);
            } else if constexpr (std::is_same_v<t, card_similar>) {
                add("card_id", &c.card_id, 1, max_id_chars);
                if (c.limit < 1 || c.limit > static_cast<int>(max_similar_limit)) f.problem = "card.similar limit out of range";
            }
        },
        cmd);
    return f;
}

// A text rendering of an envelope, to compare two decodes of one frame.
std::string describe(envelope const& env, limits const& lim) {
    std::ostringstream o;
    o << type_name(env.cmd) << " req=" << (env.req ? std::to_string(*env.req) : "none")
      << " nonce=" << (env.nonce ? *env.nonce : "none");
    auto const f = facts_of(env.cmd, lim);
    for (auto const& s : f.strings) o << ' ' << s.name << '=' << (s.value ? *s.value : "(none)");
    for (auto const* d : f.dates) o << " due=" << *d;
    std::visit(
        [&](auto const& c) {
            using t = std::decay_t<decltype(c)>;
            if constexpr (std::is_same_v<t, hello>)
                o << " protocol=" << c.protocol << " role=" << to_string(c.role);
            if constexpr (std::is_same_v<t, card_post>) o << " kind=" << to_string(c.kind);
            if constexpr (std::is_same_v<t, card_edit>)
                o << " intention_null=" << (c.intention && !*c.intention);
            if constexpr (std::is_same_v<t, card_move>)
                o << " position=" << (c.position ? std::to_string(*c.position) : "end");
            if constexpr (std::is_same_v<t, phase_set>) o << " phase=" << to_string(c.phase);
            if constexpr (std::is_same_v<t, timer_start>) o << " seconds=" << c.seconds;
            if constexpr (std::is_same_v<t, card_similar>) o << " limit=" << c.limit;
            if constexpr (std::is_same_v<t, agreement_update>)
                o << " nulls=" << (c.owner && !*c.owner) << (c.due && !*c.due) << (c.cluster_id && !*c.cluster_id);
        },
        env.cmd);
    return o.str();
}

// --- what the frame holds, by the plain parser ---------------------------------

struct reference {
    bool parsed = false; // well-formed JSON by nlohmann's own parser
    bool object = false;
    std::size_t depth = 0; // containers nested, the top one counting 1
    std::optional<std::int64_t> req;
    std::optional<std::string> type;
};

std::size_t depth_of(json const& root) {
    std::size_t deepest = 0;
    std::vector<std::pair<json const*, std::size_t>> todo{{&root, 1}};
    while (!todo.empty()) {
        auto [j, d] = todo.back();
        todo.pop_back();
        if (!j->is_structured()) continue;
        deepest = std::max(deepest, d);
        for (auto const& child : *j) todo.push_back({&child, d + 1});
    }
    return deepest;
}

reference reference_of(std::string_view frame) {
    reference r;
    json j = json::parse(frame.begin(), frame.end(), nullptr, false);
    if (j.is_discarded()) return r;
    r.parsed = true;
    r.depth = depth_of(j);
    if (!j.is_object()) return r;
    r.object = true;
    if (auto it = j.find("req"); it != j.end()) {
        if (it->is_number_integer() && !it->is_number_unsigned()) r.req = it->get<std::int64_t>();
        else if (it->is_number_unsigned() && it->get<std::uint64_t>() <= INT64_MAX)
            r.req = static_cast<std::int64_t>(it->get<std::uint64_t>());
    }
    if (auto it = j.find("type"); it != j.end() && it->is_string()) r.type = it->get<std::string>();
    return r;
}

std::string req_text(std::optional<std::int64_t> r) { return r ? std::to_string(*r) : "none"; }

// --- the checks ------------------------------------------------------------------

std::string check_string(text_field const& f) {
    if (!f.value) return {};
    auto const cps = code_points_of(*f.value);
    std::string const name(f.name);
    if (!cps) return name + ": not valid UTF-8 after decoding";
    if (!is_valid_utf8(*f.value)) return name + ": valid UTF-8 that is_valid_utf8 refuses";
    if (code_points(*f.value) != cps->size()) return name + ": code_points() miscounts";
    if (cps->size() < f.min || cps->size() > f.max)
        return name + ": " + std::to_string(cps->size()) + " code points, outside " + std::to_string(f.min) +
               ".." + std::to_string(f.max);
    if (!cps->empty() && (is_white_space(cps->front()) || is_white_space(cps->back())))
        return name + ": not trimmed";
    return {};
}

bool is_shape_code(error_code c) {
    return c == error_code::bad_json || c == error_code::bad_message || c == error_code::unknown_type ||
           c == error_code::too_long;
}

std::string check_error(decode_error const& e, reference const& ref, limits const& lim) {
    std::string const code(to_string(e.error.code));
    if (!is_shape_code(e.error.code)) return "error code " + code + " is not a shape code";
    if (e.error.message.empty()) return "error " + code + " without a message";
    if (!code_points_of(e.error.message)) return "error message is not valid UTF-8: " + e.error.message;
    if (e.error.code == error_code::bad_json) {
        if (ref.parsed) return "bad_json for a frame that is JSON";
        if (e.req) return "bad_json with a req";
        return {};
    }
    if (!ref.parsed) {
        // Only a lone surrogate escape makes JSON that nlohmann refuses into bad_message.
        if (e.error.code != error_code::bad_message || e.error.message.find("surrogate") == std::string::npos)
            return "error " + code + " (" + e.error.message + ") for text that is not JSON";
        return {};
    }
    if (!ref.object) {
        if (e.req) return "a req for a frame that is not an object";
        return {};
    }
    if (e.req != ref.req) return "error req " + req_text(e.req) + ", frame req " + req_text(ref.req);
    if (ref.depth > lim.max_depth && e.error.code != error_code::bad_message)
        return "a frame " + std::to_string(ref.depth) + " deep answered " + code;
    return {};
}

std::string check_envelope(envelope const& env, reference const& ref, limits const& lim) {
    if (!ref.parsed || !ref.object) return "an envelope from a frame that is not a JSON object";
    if (ref.depth > lim.max_depth) return "an envelope from a frame deeper than the limit";
    if (!ref.type || *ref.type != type_name(env.cmd))
        return "envelope type " + std::string(type_name(env.cmd)) + " is not the frame's";
    if (env.req != ref.req) return "envelope req " + req_text(env.req) + ", frame req " + req_text(ref.req);
    if (env.nonce) {
        if (!is_changing(env.cmd)) return "a nonce kept on " + std::string(type_name(env.cmd));
        if (auto p = check_string({"nonce", &*env.nonce, 1, max_nonce_chars}); !p.empty()) return p;
    } else if (std::holds_alternative<card_post>(env.cmd)) {
        return "card.post without a nonce";
    }
    auto const facts = facts_of(env.cmd, lim);
    if (!facts.problem.empty()) return facts.problem;
    for (auto const& f : facts.strings)
        if (auto p = check_string(f); !p.empty()) return std::string(type_name(env.cmd)) + " " + p;
    for (auto const* d : facts.dates)
        if (!is_calendar_date(*d)) return "due is not a date: " + *d;
    return {};
}

std::string check_with(std::string_view frame, reference const& ref, limits const& lim,
                       decode_result const& result) {
    if (auto const* e = std::get_if<decode_error>(&result)) return check_error(*e, ref, lim);
    return check_envelope(std::get<envelope>(result), ref, lim);
}

} // namespace

std::string check_decode(std::string_view frame) {
    // The UTF-8 helpers against the reader above, on every input.
    auto const cps = code_points_of(frame);
    if (is_valid_utf8(frame) != cps.has_value())
        return std::string("is_valid_utf8 says ") + (cps ? "no" : "yes") + " to a frame the reference reads " +
               (cps ? "as UTF-8" : "as not UTF-8");
    if (!cps) {
        (void)decode(frame); // outside decode's contract: for crashes only
        return {};
    }
    if (code_points(frame) != cps->size()) return "code_points() miscounts the frame";
    auto const t = trim_view(frame);
    if (trim(frame) != t) return "trim() and trim_view() differ";
    if (trim_view(t) != t) return "trim_view() is not idempotent";

    auto const ref = reference_of(frame);
    limits const normal{};
    limits const tiny_limits[] = {{2, 5}, {1, 1}};

    auto const loose = decode(frame, normal);
    if (auto p = check_with(frame, ref, normal, loose); !p.empty()) return "default limits: " + p;
    for (auto const& tiny : tiny_limits) {
        auto const tight = decode(frame, tiny);
        std::string const which = "limits {" + std::to_string(tiny.max_depth) + "," +
                                  std::to_string(tiny.max_card_chars) + "}: ";
        if (auto p = check_with(frame, ref, tiny, tight); !p.empty()) return which + p;
        // What tighter limits accept, looser ones accept as the same thing.
        if (auto const* env = std::get_if<envelope>(&tight)) {
            auto const* wide = std::get_if<envelope>(&loose);
            if (!wide) return which + "accepted, but refused with the default limits";
            if (describe(*env, tiny) != describe(*wide, normal))
                return which + "decoded differently: " + describe(*env, tiny) + " / " + describe(*wide, normal);
        }
    }
    return {};
}

} // namespace brug::fuzz
