// The workshop model under a script of commands from several roles, with
// every promise of dispatch_check.hpp checked after each step. The session
// plays the room: it decodes frames as a connection would, hands envelopes to
// model::workshop::handle, and delivers each event to the viewers its
// audience names, checking what every viewer receives.
#include "dispatch_check.hpp"

#include "model/export.hpp"
#include "model/workshop.hpp"
#include "protocol/decode.hpp"
#include "protocol/utf8.hpp"
#include "util/crypto.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

namespace brug::fuzz {

namespace {

using json = nlohmann::json;
using model::participant_id;
using model::no_participant;
using protocol::role;

constexpr char const* secret = "fuzz-secret-0123456789abcdef0123";
constexpr char const* facilitator_key = "fuzz-facilitator-key";
constexpr std::size_t max_steps = 256;
constexpr std::size_t max_frame = 16 * 1024; // the server's default frame limit
constexpr std::size_t max_participants = 9;
constexpr std::size_t marker_room = 16; // code points of card text kept free for the marker
constexpr std::int64_t start_ms = 1'800'000'000'000;

// A broken promise; thrown by the checks, caught once in check_dispatch.
struct broken {
    std::string what;
};

[[noreturn]] void fail(std::string what) { throw broken{std::move(what)}; }

json parse_object(std::string const& text, std::string_view what) {
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        fail(std::string(what) + " is not a JSON object: " + text.substr(0, 300));
    return j;
}

bool contains(std::string_view hay, std::string_view needle) {
    return !needle.empty() && hay.find(needle) != std::string_view::npos;
}

// Every marker ~<n>~ in `text`.
std::vector<std::size_t> markers_in(std::string_view text) {
    std::vector<std::size_t> out;
    for (std::size_t i = text.find('~'); i != std::string_view::npos; i = text.find('~', i + 1)) {
        std::size_t k = i + 1, n = 0;
        while (k < text.size() && text[k] >= '0' && text[k] <= '9' && k - i < 8) n = n * 10 + (text[k++] - '0');
        if (k > i + 1 && k < text.size() && text[k] == '~') out.push_back(n);
    }
    return out;
}

bool is_error_code(std::string const& c) {
    static const std::set<std::string> codes = {
        "bad_json",  "bad_message", "unknown_type",  "already_joined",      "forbidden",
        "not_found", "wrong_phase", "too_long",      "rate_limited",        "vote_limit",
        "anonymity_threshold",      "limit_reached", "closed",              "internal"};
    return codes.count(c) > 0;
}

// The whole state, memory-only fields included, as text: "an error changes
// nothing" is this text being the same before and after. Built by hand, not
// through nlohmann, because it runs twice for every command.
class state_text {
public:
    explicit state_text(model::workshop_state const& s) {
        auto const& m = s.meta;
        add(m.code).add(m.title).add(m.language).add(m.facilitator_key_hash);
        add(protocol::to_string(m.current_phase)).add(m.prompt).add(m.revealed).add(m.seq).add(m.authors);
        add(m.timer ? m.timer->ends_at_ms : -1).add(m.timer ? m.timer->seconds : -1);
        add(m.created_at_ms).add(m.closed_at_ms).add(m.touched_at_ms);
        add(m.settings.votes_per_participant).add(m.settings.anonymity_threshold).add(m.settings.max_card_chars);
        for (auto const& c : m.columns) add(c.id).add(c.title);
        text_ += "\ncards";
        for (auto const& c : s.cards)
            add(c.id).add(protocol::to_string(c.kind)).add(c.text).add(c.intention).add(c.column).add(c.cluster_id)
                .add(c.position).add(c.author_tag).add(c.author);
        text_ += "\nclusters";
        for (auto const& c : s.clusters) add(c.id).add(c.column).add(c.title).add(c.position);
        text_ += "\nagreements";
        for (auto const& a : s.agreements) add(a.id).add(a.text).add(a.owner).add(a.due).add(a.cluster_id).add(a.position);
        text_ += "\nvotes";
        for (auto const& v : s.votes) add(v.voter_tag).add(v.target_id).add(v.count);
        text_ += "\nparticipants";
        for (auto const& p : s.participants) {
            add(p.token_hash).add(p.author_key).add(p.has_card).add(p.votes_used);
            for (auto const& [t, n] : p.votes) add(t).add(n);
        }
        text_ += "\ncheckins";
        for (auto const& c : s.checkins) add(c.id).add(c.text);
        text_ += "\nnonces";
        std::map<std::string_view, std::string_view> sorted(s.nonces.begin(), s.nonces.end());
        for (auto const& [k, v] : sorted) add(k).add(v);
    }

    std::string const& text() const { return text_; }

private:
    // Each value with its length in front, so that no two states read alike.
    state_text& add(std::string_view v) {
        text_ += std::to_string(v.size());
        text_ += ':';
        text_ += v;
        return *this;
    }
    state_text& add(std::optional<std::string> const& v) { return v ? add(std::string_view(*v)) : add_raw("-"); }
    state_text& add(std::string const& v) { return add(std::string_view(v)); }
    state_text& add(bool v) { return add_raw(v ? "T" : "F"); }
    state_text& add(std::int64_t v) { return add_raw(std::to_string(v)); }
    state_text& add(int v) { return add_raw(std::to_string(v)); }
    state_text& add(participant_id v) { return add_raw(std::to_string(v)); }
    state_text& add_raw(std::string const& v) {
        text_ += v;
        text_ += ',';
        return *this;
    }

    std::string text_;
};

// RFC 4180 records of `text` (after the UTF-8 byte order mark), or a reason
// it is not well formed.
std::vector<std::vector<std::string>> parse_csv(std::string_view text, std::string& problem) {
    std::vector<std::vector<std::string>> rows;
    if (text.substr(0, 3) != "\xEF\xBB\xBF") {
        problem = "no byte order mark";
        return rows;
    }
    text.remove_prefix(3);
    std::vector<std::string> row;
    std::string field;
    std::size_t i = 0;
    while (i < text.size()) {
        if (text[i] == '"') {
            ++i;
            for (;;) {
                if (i >= text.size()) {
                    problem = "an unterminated quoted field";
                    return rows;
                }
                if (text[i] == '"') {
                    if (i + 1 < text.size() && text[i + 1] == '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                field += text[i++];
            }
        } else {
            while (i < text.size() && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
                if (text[i] == '"') {
                    problem = "a quote inside an unquoted field";
                    return rows;
                }
                field += text[i++];
            }
        }
        row.push_back(std::move(field));
        field.clear();
        if (i < text.size() && text[i] == ',') {
            ++i;
            continue;
        }
        if (text.substr(i, 2) != "\r\n") {
            problem = "a record that does not end in CRLF";
            return rows;
        }
        i += 2;
        rows.push_back(std::move(row));
        row.clear();
    }
    return rows;
}

// Whether a spreadsheet would read `field` as a formula.
bool is_formula(std::string_view field) {
    return !field.empty() && (field[0] == '=' || field[0] == '+' || field[0] == '-' || field[0] == '@' ||
                              field[0] == '\t' || field[0] == '\r');
}

// Markdown with the backslash escapes before '~' undone, so that markers read as written.
std::string unescape_markers(std::string_view md) {
    std::string out;
    out.reserve(md.size());
    for (std::size_t i = 0; i < md.size(); ++i) {
        if (md[i] == '\\' && i + 1 < md.size() && md[i + 1] == '~') continue;
        out += md[i];
    }
    return out;
}

// How many of the characters `c` in `line` are not escaped with a backslash.
std::size_t unescaped(std::string_view line, char c) {
    std::size_t n = 0;
    bool escaped = false;
    for (char k : line) {
        if (escaped) {
            escaped = false;
            continue;
        }
        if (k == '\\') escaped = true;
        else if (k == c) ++n;
    }
    return n;
}

struct settings {
    int threshold = 2;
    int votes = 3;
    std::size_t max_cards = 30;
};

struct viewer {
    model::actor who;
    std::string token;        // participants only
    std::int64_t last_seq = 0; // the last event seq this connection received
};

class session {
public:
    explicit session(settings const& s) : settings_(s) {
        limits_.max_cards = s.max_cards;
        model::workshop_state st;
        st.meta.code = "FUZZ-2345";
        st.meta.title = "Fuzz";
        st.meta.facilitator_key_hash = util::sha256_hex(facilitator_key);
        st.meta.columns = {{"behouden", "Behouden"}, {"vernieuwen", "Vernieuwen"}};
        st.meta.settings.anonymity_threshold = s.threshold;
        st.meta.settings.votes_per_participant = s.votes;
        st.meta.created_at_ms = start_ms;
        w_ = std::make_unique<model::workshop>(std::move(st), secret, limits_);
        facilitator_ = join_facilitator(facilitator_key).value();
        for (int i = 0; i < 3; ++i) participants_.push_back(join_participant(std::nullopt));
        check_workshop();
    }

    // The end of the script: the exports of what it made.
    void finish() const { check_exports(); }

    void step(std::string_view line) {
        if (line.empty()) return;
        char const op = line.front();
        std::string_view const rest = line.substr(1);
        if (op == 'F') {
            send(facilitator_, rest);
        } else if (op >= '1' && op <= '9') {
            send(participants_[static_cast<std::size_t>(op - '1') % participants_.size()], rest);
        } else if (op == '+') {
            if (participants_.size() < max_participants) participants_.push_back(join_participant(std::nullopt));
        } else if (op == '=') {
            reconnect(participants_[number(rest) % participants_.size()]);
        } else if (op == '!') {
            restart();
        } else if (op == '@') {
            advance(std::min<std::int64_t>(number(rest), 86'400'000));
        } else if (op == 'K') {
            auto before = snapshot();
            auto v = join_facilitator(std::string(rest));
            if (v && rest != facilitator_key) fail("a facilitator joined with a wrong key");
            if (snapshot() != before) fail("a facilitator's hello changed the workshop");
        } else {
            return;
        }
        now_ += 1;
        if (changed_) check_workshop();
        changed_ = true;
    }

private:
    // --- the steps ---------------------------------------------------------------

    static std::size_t number(std::string_view s) {
        std::size_t n = 0;
        for (char c : s) {
            if (c < '0' || c > '9' || n > 100'000'000) break;
            n = n * 10 + static_cast<std::size_t>(c - '0');
        }
        return n;
    }

    int online() const { return static_cast<int>(participants_.size()); }

    std::optional<viewer> join_facilitator(std::string const& key) {
        protocol::hello h;
        h.protocol = 1;
        h.role = role::facilitator;
        h.facilitator_key = key;
        auto r = w_->join(h, online());
        if (r.close_code != 0) {
            if (r.close_code != 4401) fail("a facilitator's hello closed with " + std::to_string(r.close_code));
            if (!r.changes.empty()) fail("a refused hello has changes");
            return std::nullopt;
        }
        auto welcome = parse_object(r.welcome, "welcome");
        if (welcome.value("type", "") != "welcome" || welcome.value("role", "") != "facilitator")
            fail("a facilitator's welcome is not one: " + r.welcome.substr(0, 300));
        if (welcome.contains("participant_token")) fail("the facilitator's welcome has a participant_token");
        if (r.who.role != role::facilitator) fail("the facilitator joined as a participant");
        if (!welcome["seq"].is_number_integer() || welcome["seq"].get<std::int64_t>() != w_->state().meta.seq)
            fail("the welcome's seq is not the workshop's");
        check_frame(viewer{r.who, {}, 0}, r.welcome, "the facilitator's welcome");
        return viewer{r.who, {}, welcome["seq"].get<std::int64_t>()};
    }

    viewer join_participant(std::optional<std::string> token) {
        protocol::hello h;
        h.protocol = 1;
        h.role = role::participant;
        h.participant_token = token;
        auto r = w_->join(h, online());
        if (r.close_code != 0) fail("a participant's hello closed with " + std::to_string(r.close_code));
        auto welcome = parse_object(r.welcome, "welcome");
        if (welcome.value("type", "") != "welcome" || welcome.value("role", "") != "participant")
            fail("a participant's welcome is not one: " + r.welcome.substr(0, 300));
        if (!welcome["participant_token"].is_string() || welcome["participant_token"].get<std::string>().empty())
            fail("a participant's welcome without a token");
        auto const got = welcome["participant_token"].get<std::string>();
        if (token && got != *token) fail("a known token was replaced by a new one");
        if (!token) {
            for (auto const& p : participants_)
                if (p.token == got) fail("two participants were given the same token");
            if (r.changes.size() != 1) fail("a new participant is not stored once");
        } else if (!r.changes.empty()) {
            fail("a participant reconnecting with its token is stored again");
        }
        if (r.who.role != role::participant || r.who.participant == no_participant)
            fail("a participant joined without a participant id");
        if (!welcome["seq"].is_number_integer() || welcome["seq"].get<std::int64_t>() != w_->state().meta.seq)
            fail("the welcome's seq is not the workshop's");
        viewer v{r.who, got, welcome["seq"].get<std::int64_t>()};
        check_frame(v, r.welcome, "a participant's welcome");
        return v;
    }

    void reconnect(viewer& p) {
        auto before = snapshot();
        auto again = join_participant(p.token);
        if (again.who.participant != p.who.participant) fail("a reconnect with a token became someone else");
        if (snapshot() != before) fail("a reconnect with a token changed the workshop");
        p = again;
    }

    // What the store keeps survives; what lives only in memory goes (state.hpp).
    void restart() {
        std::vector<std::string> views_before;
        for (auto const* v : viewers()) views_before.push_back(w_->state_json(v->who, online()));
        model::workshop_state s = w_->state();
        for (auto& c : s.cards) c.author = no_participant;
        for (auto& p : s.participants) {
            p.author_key.clear();
            p.has_card = false;
            p.votes_used = 0;
            p.votes.clear();
        }
        w_ = std::make_unique<model::workshop>(std::move(s), secret, limits_);
        auto f = join_facilitator(facilitator_key);
        if (!f) fail("the facilitator's key no longer works after a restart");
        facilitator_ = *f;
        for (auto& p : participants_) {
            auto again = join_participant(p.token);
            if (again.who.participant != p.who.participant) fail("after a restart a token became someone else");
            p = again;
        }
        auto const all = viewers();
        for (std::size_t i = 0; i < all.size(); ++i)
            if (w_->state_json(all[i]->who, online()) != views_before[i])
                fail("a restart changed what a viewer sees:\n  before " + views_before[i].substr(0, 600) +
                     "\n  after  " + w_->state_json(all[i]->who, online()).substr(0, 600));
        check_exports();
    }

    void advance(std::int64_t ms) {
        now_ += ms;
        auto const timer = w_->state().meta.timer;
        auto const seq_before = w_->state().meta.seq;
        auto out = w_->expire_timer(now_);
        bool const due = timer && timer->ends_at_ms <= now_;
        if (due != !out.events.empty()) fail(due ? "a due timer did not end" : "a timer ended before its time");
        if (due && w_->state().meta.timer) fail("an ended timer is still in the state");
        deliver(out, seq_before);
    }

    // The room's part of a frame: what a connection would pass to the model.
    void send(viewer& from, std::string_view raw) {
        if (raw.size() > max_frame) return;
        std::string frame(raw);
        std::replace(frame.begin(), frame.end(), '~', '-');
        frame = expand(frame);
        // A client that types an id (into a title, say) discloses it itself:
        // from then on its echo is no leak by the server.
        for (auto const& [id, author] : card_author_)
            if (contains(frame, id)) disclosed_.insert(id);
        if (!protocol::is_valid_utf8(frame)) return; // closed with 1007 before any decoding
        protocol::limits lim;
        lim.max_card_chars = static_cast<std::size_t>(w_->state().meta.settings.max_card_chars) - marker_room;
        auto decoded = protocol::decode(frame, lim);
        auto* env = std::get_if<protocol::envelope>(&decoded);
        if (!env || contains_tilde(env->cmd)) { // a refused frame never reaches the workshop
            changed_ = false;
            return;
        }
        mark(from, env->cmd);
        handle(from, *env, frame);
    }

    // "$c3" and the like become ids handed out earlier; "\u007e" (an escaped '~') is neutralised.
    std::string expand(std::string const& in) const {
        std::string out;
        out.reserve(in.size());
        for (std::size_t i = 0; i < in.size(); ++i) {
            if (in[i] == '$' && i + 2 < in.size() && in[i + 2] >= '0' && in[i + 2] <= '9') {
                std::vector<std::string> const* ids = in[i + 1] == 'c' ? &ids_.cards
                                                     : in[i + 1] == 'k' ? &ids_.clusters
                                                     : in[i + 1] == 'a' ? &ids_.agreements
                                                                        : nullptr;
                if (ids) {
                    auto const d = static_cast<std::size_t>(in[i + 2] - '0');
                    out += ids->empty() ? std::string("none") : (*ids)[d % ids->size()];
                    i += 2;
                    continue;
                }
            }
            out += in[i];
        }
        return out;
    }

    // An escaped '~' (\u007e) survives the replacement above; such frames are skipped.
    static bool contains_tilde(protocol::command const& cmd) {
        bool found = false;
        auto look = [&](std::string const& s) { found = found || s.find('~') != std::string::npos; };
        std::visit(
            [&](auto const& c) {
                using t = std::decay_t<decltype(c)>;
                if constexpr (std::is_same_v<t, protocol::checkin_post> || std::is_same_v<t, protocol::prompt_set>)
                    look(c.text);
                if constexpr (std::is_same_v<t, protocol::cluster_create> || std::is_same_v<t, protocol::cluster_rename>)
                    look(c.title);
                if constexpr (std::is_same_v<t, protocol::agreement_add>) {
                    look(c.text);
                    if (c.owner) look(*c.owner);
                }
                if constexpr (std::is_same_v<t, protocol::agreement_update>) {
                    if (c.text) look(*c.text);
                    if (c.owner && *c.owner) look(**c.owner);
                }
                if constexpr (std::is_same_v<t, protocol::card_post>) {
                    look(c.text);
                    if (c.intention) look(*c.intention);
                }
                if constexpr (std::is_same_v<t, protocol::card_edit>) {
                    if (c.text) look(*c.text);
                    if (c.intention && *c.intention) look(**c.intention);
                }
            },
            cmd);
        return found;
    }

    std::string marker(viewer const& from) {
        auto const n = markers_.size();
        markers_.push_back(from.who.role == role::facilitator ? no_participant : from.who.participant);
        return "~" + std::to_string(n) + "~ ";
    }

    // Card text and intention start with a marker naming who wrote them.
    void mark(viewer const& from, protocol::command& cmd) {
        if (auto* p = std::get_if<protocol::card_post>(&cmd)) {
            p->text = marker(from) + p->text;
            if (p->intention) *p->intention = marker(from) + *p->intention;
        } else if (auto* e = std::get_if<protocol::card_edit>(&cmd)) {
            if (e->text) *e->text = marker(from) + *e->text;
            if (e->intention && *e->intention) **e->intention = marker(from) + **e->intention;
        }
    }

    // --- one command -------------------------------------------------------------

    void handle(viewer& from, protocol::envelope const& env, std::string const& frame) {
        auto const& before_state = w_->state();
        auto const before = snapshot();
        auto const seq_before = before_state.meta.seq;
        bool const was_revealed = before_state.meta.revealed;
        auto const phase_before = before_state.meta.current_phase;
        int const authors_before = before_state.meta.authors;
        auto const type = std::string(protocol::type_name(env.cmd));
        std::string nonce_key;
        if (env.nonce && protocol::is_changing(env.cmd))
            nonce_key = (from.who.role == role::facilitator ? std::string("F") : "P" + std::to_string(from.who.participant)) +
                        "|" + type + "|" + *env.nonce;

        model::outcome out;
        try {
            out = w_->handle(from.who, env, now_, online());
        } catch (std::exception const& e) {
            fail(type + ": handle threw " + e.what());
        }
        std::string const where = type + " from " + describe(from);
        if (trace_) std::fprintf(stderr, "  %s -> %s\n", where.c_str(), out.answer.substr(0, 160).c_str());

        // The answer: exactly one, with this frame's req.
        auto answer = parse_object(out.answer, where + ": answer");
        auto const kind = answer.value("type", "");
        json const req = env.req ? json(*env.req) : json(nullptr);
        if (!answer.contains("req") || answer["req"] != req)
            fail(where + ": answer req is not the frame's: " + out.answer.substr(0, 300));
        bool const is_ping = std::holds_alternative<protocol::ping>(env.cmd);
        if (is_ping ? kind != "pong" : kind != "ack" && kind != "error")
            fail(where + ": answered with type '" + kind + "'");
        check_frame(from, out.answer, where + ": answer", &frame);
        for (auto const& extra : out.after_ack) {
            parse_object(extra, where + ": frame after the ack");
            if (kind != "ack") fail(where + ": a frame after an error");
            check_frame(from, extra, where + ": frame after the ack", &frame);
        }

        // A repeated nonce: the first answer again, nothing changed.
        if (!nonce_key.empty()) {
            if (auto it = first_answer_.find(nonce_key); it != first_answer_.end()) {
                auto expected = parse_object(it->second, "first answer");
                expected["req"] = req;
                if (answer != expected)
                    fail(where + ": a repeated nonce answered " + out.answer.substr(0, 300) + ", first " +
                         it->second.substr(0, 300));
                if (!out.events.empty() || !out.changes.empty() || snapshot() != before)
                    fail(where + ": a repeated nonce changed the workshop");
                changed_ = false; // compared in full above
                return;
            }
            if (kind == "ack") first_answer_[nonce_key] = out.answer;
        }

        check_order(from, env.cmd, phase_before, kind, answer.value("code", ""), out, where);

        if (kind == "error") {
            auto const code = answer.value("code", "");
            if (!is_error_code(code)) fail(where + ": unknown error code '" + code + "'");
            if (!answer["message"].is_string() || answer["message"].get<std::string>().empty())
                fail(where + ": an error without a message");
            if (!out.changes.empty() || !out.events.empty() || out.timer_changed)
                fail(where + ": refused (" + code + ") with changes or events");
            if (snapshot() != before) fail(where + ": refused (" + code + ") but the workshop changed");
            if (code == "anonymity_threshold" && authors_before >= w_->state().meta.settings.anonymity_threshold)
                fail(where + ": reveal refused with enough authors");
            changed_ = false; // compared in full above
            return;
        }

        auto const& s = w_->state();
        if (!was_revealed && s.meta.revealed && authors_before < s.meta.settings.anonymity_threshold)
            fail(where + ": revealed with " + std::to_string(authors_before) + " authors, below the threshold");
        if (kind == "ack" && std::holds_alternative<protocol::card_post>(env.cmd)) {
            auto id = answer.value("card_id", "");
            auto it = std::find_if(s.cards.begin(), s.cards.end(), [&](model::card const& c) { return c.id == id; });
            if (it == s.cards.end()) fail(where + ": the ack names a card that is not there");
            if (it->author != from.who.participant) fail(where + ": the new card is not its sender's");
        }
        deliver(out, seq_before);
    }

    // The contract's order of checks (3.5): role, then (after the nonce)
    // closed, then phase. An ack proves every check passed; an error names
    // the first that failed, so it cannot be a later one when an earlier one
    // fails too. Leaving the vote phase tallies the votes for everyone.
    static void check_order(viewer const& from, protocol::command const& cmd, protocol::phase before,
                            std::string const& kind, std::string const& code, model::outcome const& out,
                            std::string const& where) {
        using namespace protocol;
        bool const participant_only = std::holds_alternative<checkin_post>(cmd) ||
                                      std::holds_alternative<card_post>(cmd) ||
                                      std::holds_alternative<card_edit>(cmd) ||
                                      std::holds_alternative<vote_cast>(cmd) ||
                                      std::holds_alternative<vote_retract>(cmd);
        bool const anyone = std::holds_alternative<ping>(cmd) || std::holds_alternative<card_delete>(cmd) ||
                            std::holds_alternative<hello>(cmd);
        bool const participant = from.who.role == role::participant;
        bool const role_ok = anyone || participant_only == participant;
        bool const changing = is_changing(cmd);
        bool const closed = changing && before == phase::closed;
        std::vector<phase> phases;
        if (std::holds_alternative<checkin_post>(cmd)) phases = {phase::checkin};
        if (std::holds_alternative<card_post>(cmd) || std::holds_alternative<card_edit>(cmd))
            phases = {phase::reflect, phase::cluster};
        if (std::holds_alternative<vote_cast>(cmd) || std::holds_alternative<vote_retract>(cmd)) phases = {phase::vote};
        bool const phase_ok = phases.empty() || std::find(phases.begin(), phases.end(), before) != phases.end();

        if (kind != "error") {
            if (!role_ok) fail(where + ": acknowledged for a role that may not send it");
            if (closed) fail(where + ": acknowledged in a closed workshop");
            if (!phase_ok) fail(where + ": acknowledged in the phase " + std::string(to_string(before)));
        } else {
            if (!role_ok && code != "forbidden") fail(where + ": a wrong role answered " + code + ", not forbidden");
            if (role_ok && closed && code != "closed") fail(where + ": a closed workshop answered " + code);
            if (role_ok && !closed && !phase_ok && code != "wrong_phase")
                fail(where + ": a wrong phase answered " + code);
        }
        auto const* set = std::get_if<phase_set>(&cmd);
        if (kind == "ack" && set && before == phase::vote && set->phase != phase::vote) {
            bool tallied = false;
            for (auto const& e : out.events)
                tallied = tallied || (e.audience == model::audience::everyone &&
                                      e.frame->find("\"votes.tallied\"") != std::string::npos);
            if (!tallied) fail(where + ": left the vote phase without votes.tallied to everyone");
        }
    }

    // Events go to the viewers their audience names, each checked as received.
    void deliver(model::outcome const& out, std::int64_t seq_before) {
        auto const& s = w_->state();
        for (auto const& e : out.events) {
            if (!e.frame) fail("an event without a frame");
            auto f = parse_object(*e.frame, "event");
            if (f.value("type", "") != "event" || !f["seq"].is_number_integer() || !f["name"].is_string() ||
                !f["data"].is_object())
                fail("an event frame is not an event: " + e.frame->substr(0, 300));
            auto const seq = f["seq"].get<std::int64_t>();
            auto const name = f["name"].get<std::string>();
            if (seq <= seq_before || seq > s.meta.seq)
                fail(name + ": seq " + std::to_string(seq) + " outside (" + std::to_string(seq_before) + ", " +
                     std::to_string(s.meta.seq) + "]");
            auto const to = recipients(e);
            if (to.empty()) fail(name + ": an event to nobody");
            for (auto* r : to) {
                if (seq <= r->last_seq)
                    fail(name + ": " + describe(*r) + " received seq " + std::to_string(seq) + " after " +
                         std::to_string(r->last_seq));
                r->last_seq = seq;
                check_frame(*r, *e.frame, name + " to " + describe(*r));
                check_event(*r, name, f);
            }
        }
    }

    std::vector<viewer*> recipients(model::outgoing const& e) {
        std::vector<viewer*> out;
        using model::audience;
        if (e.audience == audience::everyone || e.audience == audience::facilitators) out.push_back(&facilitator_);
        for (auto& p : participants_) {
            bool const is = p.who.participant == e.who;
            if (e.audience == audience::everyone || e.audience == audience::participants ||
                (e.audience == audience::one && is) || (e.audience == audience::all_but_one && !is))
                out.push_back(&p);
        }
        if (e.audience == audience::all_but_one) out.insert(out.begin(), &facilitator_);
        if (e.audience == audience::one && out.empty())
            fail("an event to participant " + std::to_string(e.who) + ", who does not exist");
        return out;
    }

    // --- what a viewer may receive ------------------------------------------------

    static std::string describe(viewer const& v) {
        return v.who.role == role::facilitator ? "the facilitator" : "participant " + std::to_string(v.who.participant);
    }

    static participant_id id_of(viewer const& v) {
        return v.who.role == role::facilitator ? no_participant : v.who.participant;
    }

    // Until the reveal, a card's text and id reach only its author; a token
    // reaches only its owner; `mine` never reaches the facilitator. `sent` is
    // the frame the viewer itself sent, whose ids it already knows.
    void check_frame(viewer const& r, std::string const& text, std::string const& what,
                     std::string const* sent = nullptr) const {
        if (!w_->state().meta.revealed) {
            for (auto n : markers_in(text)) {
                if (n >= markers_.size()) fail(what + ": a marker that was never written");
                if (markers_[n] != id_of(r))
                    fail(what + ": carries the text of participant " + std::to_string(markers_[n]) +
                         "'s hidden card: " + text.substr(0, 300));
            }
            for (auto const& [id, author] : card_author_)
                if (author != id_of(r) && !disclosed_.count(id) && contains(text, id) && !(sent && contains(*sent, id)))
                    fail(what + ": carries the id of participant " + std::to_string(author) + "'s hidden card");
        }
        for (auto const& p : participants_)
            if (p.who.participant != id_of(r) && contains(text, p.token))
                fail(what + ": carries participant " + std::to_string(p.who.participant) + "'s token");
        if (r.who.role == role::facilitator && contains(text, "\"mine\""))
            fail(what + ": `mine` in a frame to the facilitator");
    }

    void check_event(viewer const& r, std::string const& name, json& f) const {
        auto const& s = w_->state();
        if ((name == "votes.changed") && r.who.role == role::participant && s.meta.current_phase == protocol::phase::vote)
            fail("votes.changed to " + describe(r) + " during the vote phase");
        if (name == "card.posted" || name == "card.edited") {
            auto const& card = f["data"]["card"];
            if (!card.is_object() || !card["id"].is_string()) fail(name + ": no card in the event");
            if (card.contains("mine") && card["mine"] == true) {
                if (author_of(card["id"].get<std::string>()) != id_of(r))
                    fail(name + ": mine: true on someone else's card, to " + describe(r));
            }
        }
    }

    // The three exports (model/export.hpp): no card before the reveal, every
    // card exactly once after it, nothing that links a card to a person, no
    // formula in the CSV, and no user text that makes HTML, a table cell or a
    // heading in the Markdown.
    void check_exports() const {
        auto const& s = w_->state();
        auto const md = model::export_markdown(s, now_);
        auto const csv = model::export_csv(s);
        auto const js = model::export_json(s).dump(-1, ' ', false, json::error_handler_t::strict);
        std::vector<std::string> secrets;
        for (auto const& p : participants_) secrets.push_back(p.token);
        for (auto const& p : s.participants) secrets.push_back(p.token_hash);
        for (auto const& c : s.cards) secrets.push_back(c.author_tag);
        for (auto const& v : s.votes) secrets.push_back(v.voter_tag);
        for (auto const& [tag, answer] : s.nonces) secrets.push_back(tag);
        for (auto const* text : {&md, &csv, &js})
            for (auto const& x : secrets)
                if (contains(*text, x))
                    fail("an export carries a token, a hash or a tag: " + x.substr(0, 16) + "...");

        // Before the reveal the exports hold no card at all (export.cpp: an
        // export must not be a way around the anonymity threshold); after
        // it, every card exactly once.
        std::size_t const expected = s.meta.revealed ? s.cards.size() : 0;
        if (!s.meta.revealed)
            for (auto const* text : {&md, &csv, &js}) {
                if (!markers_in(unescape_markers(*text)).empty()) fail("an export carries a hidden card's text");
                for (auto const& c : s.cards)
                    if (!disclosed_.count(c.id) && contains(*text, c.id)) fail("an export carries a hidden card's id");
            }

        // JSON: each card once.
        auto const j = json::parse(js);
        std::map<std::string, int> seen;
        for (auto const& c : j["cards"]) seen[c.value("id", "")] += 1;
        if (j["cards"].size() != expected)
            fail("the JSON export has " + std::to_string(j["cards"].size()) + " cards, not " + std::to_string(expected));
        if (s.meta.revealed)
            for (auto const& c : s.cards)
                if (seen[c.id] != 1) fail("the JSON export has a card " + std::to_string(seen[c.id]) + " times");

        // CSV: well formed, 9 fields, no formulas, each card's text once.
        std::string problem;
        auto rows = parse_csv(csv, problem);
        if (!problem.empty()) fail("the CSV export is not RFC 4180: " + problem);
        std::map<std::string, int> texts;
        for (std::size_t r = 0; r < rows.size(); ++r) {
            if (rows[r].size() != 9) fail("a CSV record with " + std::to_string(rows[r].size()) + " fields");
            for (auto const& f : rows[r])
                if (is_formula(f)) fail("a CSV field a spreadsheet reads as a formula: " + f.substr(0, 80));
            if (r > 0 && rows[r][0] == "card") texts[rows[r][2]] += 1;
        }
        std::size_t card_rows = 0;
        for (auto const& [t, n] : texts) card_rows += static_cast<std::size_t>(n);
        if (card_rows != expected) fail("the CSV export has " + std::to_string(card_rows) + " card rows");
        if (s.meta.revealed)
            for (auto const& c : s.cards) {
                auto const written = is_formula(c.text) ? "'" + c.text : c.text;
                if (texts[written] < 1) fail("the CSV export lacks a card's text");
            }

        // Markdown: each card's marker once; no raw HTML; table rows of three
        // cells; card text never in a heading, a quote or a table.
        auto const plain = unescape_markers(md);
        if (s.meta.revealed)
            for (auto const& c : s.cards)
                for (auto n : markers_in(c.text)) {
                    std::string const m = "~" + std::to_string(n) + "~";
                    std::size_t count = 0;
                    for (auto at = plain.find(m); at != std::string::npos; at = plain.find(m, at + 1)) ++count;
                    if (count != 1) fail("the Markdown export has a card's text " + std::to_string(count) + " times");
                }
        std::size_t start = 0;
        while (start < md.size()) {
            auto end = md.find('\n', start);
            if (end == std::string::npos) end = md.size();
            std::string_view const line(md.data() + start, end - start);
            start = end + 1;
            if (unescaped(line, '<') > 0) fail("raw '<' in the Markdown export: " + std::string(line.substr(0, 120)));
            if (!line.empty() && line[0] == '|' && unescaped(line, '|') != 4)
                fail("a Markdown table row with other than 3 cells: " + std::string(line.substr(0, 120)));
            bool const card_text = !markers_in(unescape_markers(line)).empty();
            if (card_text && !(line.rfind("- ", 0) == 0 || line.rfind("  ", 0) == 0))
                fail("card text outside its list item in the Markdown export: " + std::string(line.substr(0, 120)));
        }
    }

    // The author of a card, from the state while it exists, else as first seen.
    std::optional<participant_id> author_of(std::string const& id) const {
        for (auto const& c : w_->state().cards)
            if (c.id == id) return c.author;
        if (auto it = card_author_.find(id); it != card_author_.end()) return it->second;
        return std::nullopt;
    }

    // --- the workshop as a whole, after every step ---------------------------------

    std::vector<viewer const*> viewers() const {
        std::vector<viewer const*> out{&facilitator_};
        for (auto const& p : participants_) out.push_back(&p);
        return out;
    }

    // The tallies (the workshop's own index) are left out: check_workshop
    // compares them with the vote rows after every change.
    std::string snapshot() const { return state_text(w_->state()).text(); }

    void learn_ids() {
        auto const& s = w_->state();
        auto learn = [](std::vector<std::string>& ids, std::string const& id) {
            if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
        };
        for (auto const& c : s.cards) {
            learn(ids_.cards, c.id);
            if (!card_author_.count(c.id)) card_author_[c.id] = c.author;
        }
        for (auto const& c : s.clusters) learn(ids_.clusters, c.id);
        for (auto const& a : s.agreements) learn(ids_.agreements, a.id);
    }

    void check_workshop() {
        learn_ids();
        auto const& s = w_->state();
        auto const& m = s.meta;

        // Ids are unique; cards lie in columns and clusters that exist.
        std::set<std::string> columns, cards, clusters, agreements;
        for (auto const& c : m.columns) columns.insert(c.id);
        for (auto const& c : s.clusters) {
            if (!clusters.insert(c.id).second) fail("two clusters share an id");
            if (!columns.count(c.column)) fail("a cluster in a column that does not exist");
        }
        std::map<std::pair<std::string, std::string>, std::vector<int>> slots;
        for (auto const& c : s.cards) {
            if (!cards.insert(c.id).second) fail("two cards share an id");
            if (c.column && !columns.count(*c.column)) fail("a card in a column that does not exist");
            if (c.cluster_id) {
                if (!c.column) fail("a card in a cluster but in no column");
                auto it = std::find_if(s.clusters.begin(), s.clusters.end(),
                                       [&](model::cluster const& k) { return k.id == *c.cluster_id; });
                if (it == s.clusters.end()) fail("a card in a cluster that does not exist");
                if (it->column != *c.column) fail("a card in a cluster of another column");
            }
            if (c.kind == protocol::card_kind::intention && c.intention) fail("an intention card with an intention");
            slots[{c.column ? "c:" + *c.column : "-", c.cluster_id ? *c.cluster_id : "-"}].push_back(c.position);
        }
        for (auto const& c : s.clusters) slots[{"k:" + c.column, "-"}].push_back(c.position);
        for (auto& [slot, positions] : slots) {
            std::sort(positions.begin(), positions.end());
            for (std::size_t i = 0; i < positions.size(); ++i)
                if (positions[i] != static_cast<int>(i))
                    fail("positions in slot (" + slot.first + ", " + slot.second + ") are not 0..n-1");
        }
        for (std::size_t i = 0; i < s.agreements.size(); ++i) {
            auto const& a = s.agreements[i];
            if (!agreements.insert(a.id).second) fail("two agreements share an id");
            if (a.position != static_cast<int>(i)) fail("agreement positions are not 0..n-1");
            if (a.cluster_id && !clusters.count(*a.cluster_id)) fail("an agreement on a cluster that does not exist");
        }

        // Votes: rows, voters and tallies agree, and nobody is over the limit.
        std::map<std::string, int> by_rows, by_voters;
        std::set<std::pair<std::string, std::string>> rows;
        for (auto const& v : s.votes) {
            if (v.count <= 0) fail("a vote row with " + std::to_string(v.count) + " dots");
            if (!rows.insert({v.voter_tag, v.target_id}).second) fail("two vote rows for one voter and target");
            if (!cards.count(v.target_id) && !clusters.count(v.target_id)) fail("a vote on a target that does not exist");
            by_rows[v.target_id] += v.count;
        }
        for (std::size_t i = 0; i < s.participants.size(); ++i) {
            auto const& p = s.participants[i];
            int sum = 0;
            for (auto const& [target, n] : p.votes) {
                if (n <= 0) fail("a voter with " + std::to_string(n) + " dots on a target");
                sum += n;
                by_voters[target] += n;
            }
            if (sum != p.votes_used) fail("votes_used is not the sum of a voter's dots");
            if (p.votes_used > m.settings.votes_per_participant)
                fail("participant " + std::to_string(i + 1) + " used " + std::to_string(p.votes_used) + " of " +
                     std::to_string(m.settings.votes_per_participant) + " votes");
            bool const has = std::any_of(s.cards.begin(), s.cards.end(),
                                         [&](model::card const& c) { return c.author == i + 1; });
            if (has != p.has_card) fail("has_card does not match the cards");
        }
        if (by_rows != by_voters) fail("vote rows and voters' dots disagree");

        std::set<participant_id> authors;
        for (auto const& c : s.cards)
            if (c.author != no_participant) authors.insert(c.author);
        if (static_cast<int>(authors.size()) != m.authors)
            fail("authors is " + std::to_string(m.authors) + ", cards have " + std::to_string(authors.size()));

        // Every viewer's state.
        json tallies = json::object();
        for (auto const& [t, n] : by_rows) tallies[t] = n;
        for (auto const* v : viewers()) {
            auto const text = w_->state_json(v->who, online());
            check_frame(*v, text, "the state of " + describe(*v));
            auto j = parse_object(text, "state");
            int const hidden = m.revealed ? 0 : static_cast<int>(s.cards.size());
            if (j["hidden_cards"] != hidden) fail("hidden_cards in the state of " + describe(*v) + " is wrong");
            if (j["votes"].contains("per_target")) {
                if (j["votes"]["per_target"] != tallies) fail("per_target does not match the vote rows");
            }
            std::size_t own = 0;
            for (auto const& c : s.cards) own += c.author != no_participant && c.author == id_of(*v);
            auto const shown = j["cards"].size();
            if (v->who.role == role::facilitator) {
                if (shown != (m.revealed ? s.cards.size() : 0)) fail("the facilitator sees the wrong cards");
                if (!j["votes"].contains("per_target")) fail("the facilitator sees no tallies");
            } else {
                if (shown != (m.revealed ? s.cards.size() : own)) fail(describe(*v) + " sees the wrong cards");
                if (m.current_phase == protocol::phase::vote && j["votes"].contains("per_target"))
                    fail(describe(*v) + " sees tallies during the vote phase");
                auto const& p = s.participants[v->who.participant - 1];
                if (j["votes"]["left"] != m.settings.votes_per_participant - p.votes_used)
                    fail(describe(*v) + ": votes.left is wrong");
                for (auto& c : j["cards"]) {
                    bool const mine = author_of(c.value("id", "")) == v->who.participant;
                    if (!c.contains("mine") || c["mine"] != mine) fail(describe(*v) + ": mine is wrong on a card");
                }
            }
        }
    }

    bool changed_ = true; // false after a step that provably changed nothing
    bool const trace_ = std::getenv("BRUG_FUZZ_TRACE") != nullptr; // each answer to stderr
    settings settings_;
    model::limits limits_;
    std::unique_ptr<model::workshop> w_;
    viewer facilitator_;
    std::vector<viewer> participants_;
    std::int64_t now_ = start_ms;
    struct {
        std::vector<std::string> cards, clusters, agreements; // every id handed out, in order
    } ids_;
    std::map<std::string, participant_id> card_author_;    // card id -> author, as first seen
    std::set<std::string> disclosed_;                      // card ids a client has typed into a frame
    std::vector<participant_id> markers_;                  // marker n -> who wrote it
    std::map<std::string, std::string> first_answer_;      // acknowledged nonce -> its answer
};

settings settings_from(std::string_view line) {
    settings s;
    if (line.size() >= 4 && line[0] == 'S') {
        auto digit = [&](std::size_t i) { return line[i] >= '0' && line[i] <= '9' ? line[i] - '0' : 0; };
        s.threshold = std::max(1, digit(1));
        s.votes = std::max(1, digit(2));
        s.max_cards = static_cast<std::size_t>(digit(3) + 1) * 5;
    }
    return s;
}

} // namespace

std::string check_dispatch(std::string_view script) {
    std::vector<std::string_view> lines;
    for (std::size_t start = 0; start <= script.size() && lines.size() < max_steps;) {
        auto end = script.find('\n', start);
        if (end == std::string_view::npos) end = script.size();
        lines.push_back(script.substr(start, end - start));
        start = end + 1;
    }
    try {
        session s(settings_from(lines.empty() ? "" : lines.front()));
        for (auto line : lines) s.step(line);
        s.finish();
    } catch (broken const& b) {
        return b.what;
    } catch (std::exception const& e) {
        return std::string("an exception escaped: ") + e.what();
    }
    return {};
}

} // namespace brug::fuzz
