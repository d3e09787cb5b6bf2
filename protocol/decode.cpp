// The client frame decoder. It parses with nlohmann's SAX parser (iterative,
// so a deep frame cannot exhaust the stack) into a DOM whose depth it bounds
// itself, then reads each command's fields straight out of that DOM, moving
// strings rather than copying them where trimming leaves them whole.
#include "protocol/decode.hpp"

#include "protocol/date.hpp"
#include "protocol/utf8.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <climits>
#include <string>

namespace brug::protocol {

namespace {

using json = nlohmann::json;
using object = json::object_t;

// An error for the answer, or nothing when the field was fine.
using failure = std::optional<error>;

// Builds the DOM of a frame, but nothing nested deeper than `max_depth`: a
// container past the limit is skipped (its events ignored) and stands as null
// in its parent, and too_deep() reports that it happened. So the top level,
// and with it `req`, stays readable for the error answer.
class bounded_dom_builder {
  public:
    bounded_dom_builder(json& root, std::size_t max_depth)
        : dom_(root, false), max_depth_(max_depth) {}

    bool null() { return skip_ || dom_.null(); }
    bool boolean(bool v) { return skip_ || dom_.boolean(v); }
    bool number_integer(json::number_integer_t v) { return skip_ || dom_.number_integer(v); }
    bool number_unsigned(json::number_unsigned_t v) { return skip_ || dom_.number_unsigned(v); }
    bool number_float(json::number_float_t v, json::string_t const& s) {
        return skip_ || dom_.number_float(v, s);
    }
    bool string(json::string_t& v) { return skip_ || dom_.string(v); }
    bool binary(json::binary_t& v) { return skip_ || dom_.binary(v); }
    bool key(json::string_t& v) { return skip_ || dom_.key(v); }
    bool start_object(std::size_t n) { return enter() || dom_.start_object(n); }
    bool end_object() { return leave() || dom_.end_object(); }
    bool start_array(std::size_t n) { return enter() || dom_.start_array(n); }
    bool end_array() { return leave() || dom_.end_array(); }

    template <class Exception> bool parse_error(std::size_t, std::string const&, Exception const&) {
        failed_ = true;
        return false;
    }

    bool failed() const { return failed_; }
    bool too_deep() const { return too_deep_; }

  private:
    // True when the container being opened is skipped.
    bool enter() {
        if (skip_ || depth_ == max_depth_) {
            too_deep_ = true;
            ++skip_;
            return true;
        }
        ++depth_;
        return false;
    }

    // True when the container being closed was skipped; the outermost
    // skipped one leaves a null in its parent, so the DOM stays well formed.
    bool leave() {
        if (skip_) {
            if (--skip_ == 0) dom_.null();
            return true;
        }
        --depth_;
        return false;
    }

    nlohmann::detail::json_sax_dom_parser<json> dom_;
    std::size_t max_depth_;
    std::size_t depth_ = 0; // containers open in the DOM
    std::size_t skip_ = 0;  // containers open past the limit
    bool too_deep_ = false;
    bool failed_ = false;
};

struct parsed_frame {
    json root;
    bool ok = false;
    bool too_deep = false;
};

parsed_frame parse(std::string_view text, std::size_t max_depth) {
    parsed_frame out;
    bounded_dom_builder builder(out.root, max_depth);
    json::sax_parse(text.data(), text.data() + text.size(), &builder);
    out.ok = !builder.failed();
    out.too_deep = builder.too_deep();
    return out;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The UTF-16 code unit of the escape `\uXXXX` at text[i], or -1.
long escaped_unit(std::string_view text, std::size_t i) {
    if (i + 6 > text.size() || text[i] != '\\' || text[i + 1] != 'u') return -1;
    long v = 0;
    for (std::size_t k = i + 2; k < i + 6; ++k) {
        int const h = hex_value(text[k]);
        if (h < 0) return -1;
        v = v * 16 + h;
    }
    return v;
}

// What a frame's lone surrogate escapes are: the frame with each replaced by
// \uFFFD (so that the rest can still be parsed for `req`), and the top-level
// field that holds the first one, when that can be told.
struct surrogate_scan {
    bool found = false;
    std::string repaired;
    std::string field;
};

// nlohmann refuses a lone surrogate escape as a syntax error, but the
// contract calls it bad_message (the JSON is well formed; its string is not
// Unicode). So when a frame fails to parse, this lexical scan tells the two
// apart. It tracks strings, escapes and the top-level key; it runs only on
// frames that already failed.
surrogate_scan scan_surrogates(std::string_view text) {
    surrogate_scan out;
    std::size_t depth = 0;
    bool in_string = false, in_key = false, expect_key = false;
    std::size_t key_start = 0;
    std::string_view key;
    for (std::size_t i = 0; i < text.size();) {
        char const c = text[i];
        if (!in_string) {
            if (c == '"') {
                in_string = true;
                in_key = depth == 1 && expect_key;
                key_start = i + 1;
            } else if (c == '{' || c == '[') {
                ++depth;
                expect_key = depth == 1 && c == '{';
            } else if (c == '}' || c == ']') {
                if (depth > 0) --depth;
            } else if (depth == 1 && c == ',') {
                expect_key = true;
            } else if (depth == 1 && c == ':') {
                expect_key = false;
            }
            ++i;
            continue;
        }
        if (c == '"') {
            if (in_key) key = text.substr(key_start, i - key_start);
            in_string = false;
            ++i;
        } else if (c != '\\') {
            ++i;
        } else if (long const unit = escaped_unit(text, i); unit >= 0xD800 && unit <= 0xDFFF) {
            long const next = escaped_unit(text, i + 6);
            if (unit <= 0xDBFF && next >= 0xDC00 && next <= 0xDFFF) {
                i += 12; // a proper pair
                continue;
            }
            if (!out.found) {
                out.found = true;
                out.repaired.assign(text);
                if (!in_key && depth >= 1) out.field.assign(key);
            }
            out.repaired.replace(i, 6, "\\uFFFD");
            i += 6;
        } else {
            i += unit >= 0 ? 6 : 2;
        }
    }
    return out;
}

error bad_message(std::string_view field, std::string_view what) {
    std::string m;
    m.reserve(field.size() + 2 + what.size());
    m.append(field).append(": ").append(what);
    return {error_code::bad_message, std::move(m)};
}

// What a string field accepts: a length range in code points after trimming.
// Over the maximum is too_long for human text, bad_message for ids and nonces.
struct string_rule {
    std::size_t min;
    std::size_t max;
    bool is_text;
};

constexpr string_rule id_rule{1, max_id_chars, false};
constexpr string_rule nonce_rule{1, max_nonce_chars, false};
constexpr string_rule secret_rule{0, max_secret_chars, false};

error string_error(std::string_view field, string_rule rule) {
    std::string what =
        rule.min == 0 ? "must be a string of at most " + std::to_string(rule.max) + " characters"
                      : "must be a string of " + std::to_string(rule.min) + " to " +
                            std::to_string(rule.max) + " characters";
    return bad_message(field, what);
}

// Checks one non-null value against `rule` and stores its trimmed text in
// `out`, moving the string out of the DOM when trimming leaves it whole.
failure take_string(json& v, std::string_view field, string_rule rule, std::string& out) {
    auto* s = v.get_ptr<json::string_t*>();
    if (!s) return string_error(field, rule);
    std::string_view const t = trim_view(*s);
    std::size_t const n = code_points(t);
    if (n < rule.min) return string_error(field, rule);
    if (n > rule.max) {
        if (!rule.is_text) return string_error(field, rule);
        return error{error_code::too_long,
                     std::string(field) + ": at most " + std::to_string(rule.max) + " characters"};
    }
    if (t.size() == s->size())
        out = std::move(*s);
    else
        out.assign(t);
    return {};
}

// Reads an integer in [min, max]. A float (5.0, 1e3) is not an integer.
failure take_int(json const& v, std::string_view field, std::int64_t min, std::int64_t max,
                 std::int64_t& out, std::string_view what) {
    if (auto const* u = v.get_ptr<json::number_unsigned_t const*>()) {
        if (*u <= static_cast<std::uint64_t>(max) && static_cast<std::int64_t>(*u) >= min) {
            out = static_cast<std::int64_t>(*u);
            return {};
        }
    } else if (auto const* i = v.get_ptr<json::number_integer_t const*>()) {
        if (*i >= min && *i <= max) {
            out = *i;
            return {};
        }
    }
    return bad_message(field, what);
}

// The fields of one command object, read by name. Throughout, null counts as
// absent, except where a nullable_field gives null its own meaning.
class fields {
  public:
    explicit fields(object& obj) : obj_(obj) {}

    // The value under `name`, or nullptr when it is absent or null.
    json* find(std::string_view name) {
        auto it = obj_.find(name);
        return it == obj_.end() || it->second.is_null() ? nullptr : &it->second;
    }

    bool has_key(std::string_view name) const { return obj_.find(name) != obj_.end(); }

    failure required(std::string_view name, string_rule rule, std::string& out) {
        json* v = find(name);
        if (!v) return bad_message(name, "required");
        return take_string(*v, name, rule, out);
    }

    // An optional string; `empty_is_absent` makes "" (after trimming) the same
    // as leaving the field out, for fields whose minimum is 0 in the contract
    // but which the model stores as "no value".
    failure optional(std::string_view name, string_rule rule, std::optional<std::string>& out,
                     bool empty_is_absent = false) {
        json* v = find(name);
        if (!v) return {};
        std::string s;
        if (auto f = take_string(*v, name, rule, s)) return f;
        if (!(empty_is_absent && s.empty())) out = std::move(s);
        return {};
    }

    // A field where null is a value of its own (remove, unplace): absent stays
    // absent, null becomes an empty inner optional.
    failure nullable(std::string_view name, string_rule rule, nullable_field<std::string>& out,
                     bool empty_is_null = false) {
        auto it = obj_.find(name);
        if (it == obj_.end()) return {};
        if (it->second.is_null()) {
            out.emplace();
            return {};
        }
        std::string s;
        if (auto f = take_string(it->second, name, rule, s)) return f;
        if (empty_is_null && s.empty())
            out.emplace();
        else
            out.emplace(std::move(s));
        return {};
    }

    // A nullable YYYY-MM-DD date; absent and null as in nullable().
    failure date(std::string_view name, nullable_field<std::string>& out) {
        if (nullable(name, {1, 10, false}, out) || (out && *out && !is_calendar_date(**out)))
            return bad_message(name, "must be a date YYYY-MM-DD or null");
        return {};
    }

    failure required_int(std::string_view name, int min, int max, int& out, std::string_view what) {
        json* v = find(name);
        if (!v) return bad_message(name, "required");
        return int_value(*v, name, min, max, out, what);
    }

    failure optional_int(std::string_view name, int min, int max, std::optional<int>& out,
                         std::string_view what) {
        json* v = find(name);
        if (!v) return {};
        int n = 0;
        if (auto f = int_value(*v, name, min, max, n, what)) return f;
        out = n;
        return {};
    }

    // A name from a fixed set (kind, role, phase): exact, not trimmed.
    std::string_view name_value(std::string_view name) {
        json* v = find(name);
        auto const* s = v ? v->get_ptr<json::string_t const*>() : nullptr;
        return s ? std::string_view(*s) : std::string_view();
    }

  private:
    static failure int_value(json const& v, std::string_view name, int min, int max, int& out,
                             std::string_view what) {
        std::int64_t n = 0;
        if (auto f = take_int(v, name, min, max, n, what)) return f;
        out = static_cast<int>(n);
        return {};
    }

    object& obj_;
};

// One parser per command: reads its fields into `cmd` or says what is wrong.
using command_parser = failure (*)(fields&, limits const&, command&);

string_rule card_text_rule(limits const& lim) {
    return {1, lim.max_card_chars, true};
}

failure parse_hello(fields& f, limits const&, command& cmd) {
    auto& c = cmd.emplace<hello>();
    if (auto e = f.required_int("protocol", INT_MIN, INT_MAX, c.protocol, "must be an integer"))
        return e;
    if (!f.find("role")) return bad_message("role", "required");
    auto const r = parse_role(f.name_value("role"));
    if (!r) return bad_message("role", "must be \"participant\" or \"facilitator\"");
    c.role = *r;
    // Only the credential of the role asked for is read; the other is ignored.
    if (c.role == role::participant)
        return f.optional("participant_token", secret_rule, c.participant_token, true);
    c.facilitator_key.emplace();
    return f.required("facilitator_key", secret_rule, *c.facilitator_key);
}

failure parse_checkin_post(fields& f, limits const&, command& cmd) {
    auto& c = cmd.emplace<checkin_post>();
    return f.required("text", {1, max_checkin_chars, true}, c.text);
}

failure parse_card_post(fields& f, limits const& lim, command& cmd) {
    auto& c = cmd.emplace<card_post>();
    if (!f.find("kind")) return bad_message("kind", "required");
    auto const k = parse_card_kind(f.name_value("kind"));
    if (!k) return bad_message("kind", "must be \"concern\" or \"intention\"");
    c.kind = *k;
    if (auto e = f.required("text", card_text_rule(lim), c.text)) return e;
    if (auto e = f.optional("intention", {0, lim.max_card_chars, true}, c.intention, true))
        return e;
    if (c.intention && c.kind == card_kind::intention)
        return bad_message("intention", "only a concern card has an intention");
    return {};
}

failure parse_card_edit(fields& f, limits const& lim, command& cmd) {
    auto& c = cmd.emplace<card_edit>();
    if (auto e = f.required("card_id", id_rule, c.card_id)) return e;
    if (auto e = f.optional("text", card_text_rule(lim), c.text)) return e;
    if (auto e = f.nullable("intention", {0, lim.max_card_chars, true}, c.intention, true))
        return e;
    if (!c.text && !c.intention) return bad_message("text, intention", "at least one is required");
    return {};
}

failure parse_card_delete(fields& f, limits const&, command& cmd) {
    return f.required("card_id", id_rule, cmd.emplace<card_delete>().card_id);
}

failure parse_cards_reveal(fields&, limits const&, command& cmd) {
    cmd.emplace<cards_reveal>();
    return {};
}

failure parse_card_move(fields& f, limits const&, command& cmd) {
    auto& c = cmd.emplace<card_move>();
    if (auto e = f.required("card_id", id_rule, c.card_id)) return e;
    // `column` must be there, if only as null, so that "unplace" is never an accident.
    if (!f.has_key("column")) return bad_message("column", "required (a column id, or null)");
    nullable_field<std::string> column, cluster;
    if (auto e = f.nullable("column", id_rule, column)) return e;
    if (auto e = f.nullable("cluster_id", id_rule, cluster)) return e;
    c.column = std::move(*column);
    if (cluster) c.cluster_id = std::move(*cluster);
    if (!c.column && c.cluster_id)
        return bad_message("cluster_id", "must be null when column is null");
    return f.optional_int("position", 0, INT_MAX, c.position, "must be a non-negative integer");
}

failure parse_cluster_create(fields& f, limits const&, command& cmd) {
    auto& c = cmd.emplace<cluster_create>();
    if (auto e = f.required("column", id_rule, c.column)) return e;
    return f.required("title", {1, max_cluster_title_chars, true}, c.title);
}

failure parse_cluster_rename(fields& f, limits const&, command& cmd) {
    auto& c = cmd.emplace<cluster_rename>();
    if (auto e = f.required("cluster_id", id_rule, c.cluster_id)) return e;
    return f.required("title", {1, max_cluster_title_chars, true}, c.title);
}

failure parse_cluster_delete(fields& f, limits const&, command& cmd) {
    return f.required("cluster_id", id_rule, cmd.emplace<cluster_delete>().cluster_id);
}

failure parse_phase_set(fields& f, limits const&, command& cmd) {
    auto& c = cmd.emplace<phase_set>();
    if (!f.find("phase")) return bad_message("phase", "required");
    auto const p = parse_phase(f.name_value("phase"));
    if (!p)
        return bad_message(
            "phase",
            "must be one of lobby, checkin, reflect, cluster, vote, discuss, agree, closed");
    c.phase = *p;
    return {};
}

failure parse_prompt_set(fields& f, limits const&, command& cmd) {
    return f.required("text", {0, max_prompt_chars, true}, cmd.emplace<prompt_set>().text);
}

failure parse_vote_cast(fields& f, limits const&, command& cmd) {
    return f.required("target_id", id_rule, cmd.emplace<vote_cast>().target_id);
}

failure parse_vote_retract(fields& f, limits const&, command& cmd) {
    return f.required("target_id", id_rule, cmd.emplace<vote_retract>().target_id);
}

constexpr string_rule agreement_text_rule{1, max_agreement_text_chars, true};
constexpr string_rule owner_rule{0, max_agreement_owner_chars, true};

// Collapses a nullable field into "no value" for commands where absent and null mean the same.
std::optional<std::string> flatten(nullable_field<std::string>&& v) {
    return v ? std::move(*v) : std::nullopt;
}

failure parse_agreement_add(fields& f, limits const&, command& cmd) {
    auto& c = cmd.emplace<agreement_add>();
    if (auto e = f.required("text", agreement_text_rule, c.text)) return e;
    if (auto e = f.optional("owner", owner_rule, c.owner, true)) return e;
    nullable_field<std::string> due;
    if (auto e = f.date("due", due)) return e;
    c.due = flatten(std::move(due));
    return f.optional("cluster_id", id_rule, c.cluster_id);
}

failure parse_agreement_update(fields& f, limits const&, command& cmd) {
    auto& c = cmd.emplace<agreement_update>();
    if (auto e = f.required("agreement_id", id_rule, c.agreement_id)) return e;
    if (auto e = f.optional("text", agreement_text_rule, c.text)) return e;
    if (auto e = f.nullable("owner", owner_rule, c.owner, true)) return e;
    if (auto e = f.date("due", c.due)) return e;
    if (auto e = f.nullable("cluster_id", id_rule, c.cluster_id)) return e;
    if (!c.text && !c.owner && !c.due && !c.cluster_id)
        return bad_message("text, owner, due, cluster_id", "at least one is required");
    return {};
}

failure parse_agreement_delete(fields& f, limits const&, command& cmd) {
    return f.required("agreement_id", id_rule, cmd.emplace<agreement_delete>().agreement_id);
}

failure parse_timer_start(fields& f, limits const&, command& cmd) {
    return f.required_int("seconds", 1, max_timer_seconds, cmd.emplace<timer_start>().seconds,
                          "must be an integer from 1 to 7200");
}

failure parse_timer_stop(fields&, limits const&, command& cmd) {
    cmd.emplace<timer_stop>();
    return {};
}

failure parse_ping(fields&, limits const&, command& cmd) {
    cmd.emplace<ping>();
    return {};
}

failure parse_suggest_request(fields&, limits const&, command& cmd) {
    cmd.emplace<suggest_request>();
    return {};
}

failure parse_suggest_apply(fields& f, limits const&, command& cmd) {
    auto& c = cmd.emplace<suggest_apply>();
    json* v = f.find("card_ids");
    if (!v) return {};
    auto* items = v->get_ptr<json::array_t*>();
    if (!items)
        return bad_message("card_ids",
                           "must be an array of card ids (strings of 1 to 64 characters)");
    auto& ids = c.card_ids.emplace();
    ids.reserve(items->size());
    for (auto& item : *items) {
        if (item.is_null() || take_string(item, "card_ids", id_rule, ids.emplace_back()))
            return bad_message("card_ids",
                               "must be an array of card ids (strings of 1 to 64 characters)");
    }
    return {};
}

failure parse_card_similar(fields& f, limits const&, command& cmd) {
    auto& c = cmd.emplace<card_similar>();
    if (auto e = f.required("card_id", id_rule, c.card_id)) return e;
    std::optional<int> limit;
    if (auto e = f.optional_int("limit", 1, static_cast<int>(max_similar_limit), limit,
                                "must be an integer from 1 to 50"))
        return e;
    if (limit) c.limit = *limit;
    return {};
}

struct command_entry {
    std::string_view type;
    bool changing; // may carry a nonce
    command_parser parse;
};

// Every command the server knows, most frequent first: lookups are a short
// linear scan of string_views, cheaper than hashing for two dozen names.
constexpr std::array<command_entry, std::variant_size_v<command>> command_table = {{
    {"ping", false, parse_ping},
    {"card.post", true, parse_card_post},
    {"vote.cast", true, parse_vote_cast},
    {"vote.retract", true, parse_vote_retract},
    {"checkin.post", true, parse_checkin_post},
    {"card.move", true, parse_card_move},
    {"card.edit", true, parse_card_edit},
    {"card.delete", true, parse_card_delete},
    {"hello", false, parse_hello},
    {"cards.reveal", true, parse_cards_reveal},
    {"cluster.create", true, parse_cluster_create},
    {"cluster.rename", true, parse_cluster_rename},
    {"cluster.delete", true, parse_cluster_delete},
    {"phase.set", true, parse_phase_set},
    {"prompt.set", true, parse_prompt_set},
    {"agreement.add", true, parse_agreement_add},
    {"agreement.update", true, parse_agreement_update},
    {"agreement.delete", true, parse_agreement_delete},
    {"timer.start", true, parse_timer_start},
    {"timer.stop", true, parse_timer_stop},
    {"suggest.request", false, parse_suggest_request},
    {"suggest.apply", true, parse_suggest_apply},
    {"card.similar", false, parse_card_similar},
}};

command_entry const* find_command(std::string_view type) {
    for (auto const& e : command_table)
        if (e.type == type) return &e;
    return nullptr;
}

// `req` as far as it can be read: a value, or nothing; `bad` when it is
// there but not an integer (null counts as absent, as the server's own answers use it).
struct req_field {
    std::optional<std::int64_t> value;
    bool bad = false;
};

req_field read_req(object const& obj) {
    req_field out;
    auto it = obj.find("req");
    if (it == obj.end() || it->second.is_null()) return out;
    std::int64_t v = 0;
    if (take_int(it->second, "req", INT64_MIN, INT64_MAX, v, ""))
        out.bad = true;
    else
        out.value = v;
    return out;
}

decode_error refuse(error e, std::optional<std::int64_t> req = std::nullopt) {
    return {std::move(e), req};
}

// A frame that did not parse: bad_json, unless its only fault is a lone
// surrogate escape, which is bad_message naming the field, with `req`.
decode_error refuse_unparsed(std::string_view frame, limits const& lim) {
    auto scan = scan_surrogates(frame);
    if (!scan.found) return refuse({error_code::bad_json, "frame: not valid JSON"});
    auto repaired = parse(scan.repaired, lim.max_depth);
    if (!repaired.ok) return refuse({error_code::bad_json, "frame: not valid JSON"});
    std::optional<std::int64_t> req;
    if (auto const* obj = repaired.root.get_ptr<object const*>()) req = read_req(*obj).value;
    bool const nameable =
        !scan.field.empty() && scan.field.size() <= 64 && is_valid_utf8(scan.field);
    return refuse(bad_message(nameable ? std::string_view(scan.field) : "frame",
                              "not valid Unicode (a lone surrogate escape)"),
                  req);
}

decode_result decode_frame(std::string_view frame, limits const& lim) {
    auto parsed = parse(frame, lim.max_depth);
    if (!parsed.ok) return refuse_unparsed(frame, lim);
    auto* obj = parsed.root.get_ptr<object*>();
    if (!obj) return refuse(bad_message("frame", "must be a JSON object"));

    auto const req = read_req(*obj);
    if (parsed.too_deep)
        return refuse(
            bad_message("frame", "nested deeper than " + std::to_string(lim.max_depth) + " levels"),
            req.value);

    auto type_it = obj->find("type");
    if (type_it == obj->end() || type_it->second.is_null())
        return refuse({error_code::unknown_type, "type: required"}, req.value);
    auto const* type = type_it->second.get_ptr<json::string_t const*>();
    if (!type)
        return refuse({error_code::unknown_type, "type: must be a string naming a command"},
                      req.value);
    auto const* entry = find_command(*type);
    if (!entry) return refuse({error_code::unknown_type, "type: not a known command"}, req.value);
    if (req.bad) return refuse(bad_message("req", "must be an integer"), req.value);

    envelope env{req.value, std::nullopt, ping{}};
    fields f(*obj);
    // A nonce means something only on a changing command; elsewhere it is an
    // unknown extra field, and ignored as such.
    if (entry->changing) {
        if (auto e = f.optional("nonce", nonce_rule, env.nonce))
            return refuse(std::move(*e), req.value);
        if (!env.nonce && entry->parse == parse_card_post)
            return refuse(bad_message("nonce", "required"), req.value);
    }
    if (auto e = entry->parse(f, lim, env.cmd)) return refuse(std::move(*e), req.value);
    return env;
}

} // namespace

decode_result decode(std::string_view frame, limits const& lim) {
    // Nothing in here throws on bad input; this is for running out of memory,
    // so that a session sees an answer, not an exception.
    try {
        return decode_frame(frame, lim);
    } catch (std::exception const&) {
        return decode_error{{error_code::internal, "frame: could not be decoded"}, std::nullopt};
    }
}

} // namespace brug::protocol
