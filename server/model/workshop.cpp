// The rules of a workshop. Each command runs through a `context` that
// collects what it changes (for the store), what it answers and which events
// it sends to whom, so that nothing here touches a socket or a file.
//
// Why positions are renumbered eagerly: the contract gives every card a
// 0-based place in its slot (column, cluster); keeping them dense here means
// every client can apply `card.moved` by the same remove-then-insert rule.

#include "model/workshop.hpp"

#include "protocol/limits.hpp"
#include "protocol/utf8.hpp"
#include "suggest/suggester.hpp"
#include "util/crypto.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

namespace brug::model {

namespace {

using json = nlohmann::json;
using protocol::error_code;
using protocol::role;

std::string dump(json const& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json nullable(std::optional<std::string> const& s) { return s ? json(*s) : json(nullptr); }

json req_json(std::optional<std::int64_t> req) { return req ? json(*req) : json(nullptr); }

json column_json(column const& c) { return {{"id", c.id}, {"title", c.title}}; }

json cluster_json(cluster const& c) {
    return {{"id", c.id}, {"column", c.column}, {"title", c.title}, {"position", c.position}};
}

json agreement_json(agreement const& a) {
    return {{"id", a.id},       {"text", a.text},           {"owner", nullable(a.owner)},
            {"due", nullable(a.due)}, {"cluster_id", nullable(a.cluster_id)}};
}

// A card as a viewer sees it. `mine` is set for participants only.
json card_json(card const& c, std::optional<bool> mine) {
    json j = {{"id", c.id},
              {"kind", protocol::to_string(c.kind)},
              {"text", c.text},
              {"intention", nullable(c.intention)},
              {"column", nullable(c.column)},
              {"cluster_id", nullable(c.cluster_id)},
              {"position", c.position}};
    if (mine) j["mine"] = *mine;
    return j;
}

// The same text as dump(card_json(c, mine)), written directly: a card event
// goes out with every post and edit, and building the json object cost more
// than the rest of card.post. Keys in nlohmann's (sorted) order; every string
// goes through nlohmann's own escaping.
std::string card_text(card const& c, std::optional<bool> mine) {
    auto quoted = [](std::string const& v) { return dump(json(v)); };
    auto quoted_or_null = [&](std::optional<std::string> const& v) {
        return v ? quoted(*v) : std::string("null");
    };
    std::string t = "{\"cluster_id\":";
    t += quoted_or_null(c.cluster_id);
    t += ",\"column\":";
    t += quoted_or_null(c.column);
    t += ",\"id\":";
    t += quoted(c.id);
    t += ",\"intention\":";
    t += quoted_or_null(c.intention);
    t += ",\"kind\":";
    t += quoted(std::string(protocol::to_string(c.kind)));
    if (mine) {
        t += ",\"mine\":";
        t += *mine ? "true" : "false";
    }
    t += ",\"position\":";
    t += std::to_string(c.position);
    t += ",\"text\":";
    t += quoted(c.text);
    t += '}';
    return t;
}

json timer_json(std::optional<timer> const& t) {
    if (!t) return nullptr;
    return {{"ends_at", t->ends_at_ms}, {"seconds", t->seconds}};
}

json tallies_json(std::map<std::string, int> const& tallies) {
    json j = json::object();
    for (auto const& [target, n] : tallies)
        if (n > 0) j[target] = n;
    return j;
}

// The slot of cards not yet placed: no column, no cluster.
bool unplaced(card const& c) { return !c.column && !c.cluster_id; }

bool in_slot(card const& c, std::optional<std::string> const& column,
             std::optional<std::string> const& cluster_id) {
    return c.column == column && c.cluster_id == cluster_id;
}

// Sort key for listing cards: column order, then cluster order, then position.
// Listing by slot (never by the order of posting) keeps posting order unreadable.
struct card_order {
    workshop_state const& s;
    int column_index(std::optional<std::string> const& col) const {
        if (!col) return -1;
        for (std::size_t i = 0; i < s.meta.columns.size(); ++i)
            if (s.meta.columns[i].id == *col) return static_cast<int>(i);
        return static_cast<int>(s.meta.columns.size());
    }
    int cluster_index(std::optional<std::string> const& id) const {
        if (!id) return -1;
        for (auto const& c : s.clusters)
            if (c.id == *id) return c.position;
        return 1 << 20;
    }
    bool operator()(card const* a, card const* b) const {
        auto ka = std::tuple(column_index(a->column), cluster_index(a->cluster_id), a->position);
        auto kb = std::tuple(column_index(b->column), cluster_index(b->cluster_id), b->position);
        if (ka != kb) return ka < kb;
        return a->id < b->id;
    }
};

constexpr std::string_view facilitator_nonce_scope = "facilitator-nonce:";

// Puts a command's nonce among its changes. A card post's goes into the row of
// the card it made, so that a post writes one row (and one random page) instead
// of two; the tag is keyed by the author's key like the card's author_tag, and
// the nonces table linked it to the card id before, so the row reveals nothing
// new. Any other command's nonce gets a row of its own.
void keep_nonce(std::vector<change>& changes, nonce_put n, bool posted_a_card) {
    if (posted_a_card) {
        for (auto& c : changes) {
            if (auto* put = std::get_if<card_put>(&c)) {
                put->nonce = std::move(n);
                return;
            }
        }
    }
    changes.push_back(std::move(n));
}

} // namespace

// One command's work in progress. A nested type, so that it may use the
// workshop's private indexes; each handler below is one command of 3.5.
struct workshop::context {
    workshop& w;
    workshop_state& s;
    actor who;
    std::optional<std::int64_t> req;
    std::int64_t now;
    int online;
    outcome out;
    bool failed = false;

    context(workshop& ws, actor a, std::optional<std::int64_t> r, std::int64_t t, int o)
        : w(ws), s(ws.state_), who(a), req(r), now(t), online(o) {}

    // --- answers --------------------------------------------------------------

    void ack(json extra = json::object()) {
        extra["type"] = "ack";
        extra["req"] = req_json(req);
        out.answer = dump(extra);
    }

    // Refuses the command: the answer is an error and nothing changes.
    void fail(error_code code, std::string message) {
        out = outcome{};
        out.answer = workshop::error_frame(req, {code, std::move(message)});
        failed = true;
    }

    // --- events ---------------------------------------------------------------

    std::int64_t next_seq() {
        s.meta.seq += 1;
        return s.meta.seq;
    }

    // The event's envelope is written around the dumped data, not built as a
    // json object holding a copy of it: the same text as dumping
    // {"type","seq","name","data"} (keys in nlohmann's sorted order), at a
    // fraction of the allocations. Event names are plain ASCII, never escaped.
    std::shared_ptr<std::string const> frame(std::int64_t seq, std::string_view name,
                                             json const& data) {
        return frame_text(seq, name, dump(data));
    }

    // The same, around data already written as JSON text.
    std::shared_ptr<std::string const> frame_text(std::int64_t seq, std::string_view name,
                                                  std::string const& data) {
        std::string f = "{\"data\":";
        f += data;
        f += ",\"name\":\"";
        f += name;
        f += "\",\"seq\":";
        f += std::to_string(seq);
        f += ",\"type\":\"event\"}";
        return std::make_shared<std::string const>(std::move(f));
    }

    void emit(std::string_view name, json const& data, audience to = audience::everyone,
              participant_id p = no_participant) {
        out.events.push_back({to, p, frame(next_seq(), name, data)});
    }

    // One event with two views under one seq: `mine` for the author, `others`
    // for everyone else (or nobody, while the card is hidden).
    void emit_card(std::string_view name, card const& c) {
        auto seq = next_seq();
        auto data = [&](std::optional<bool> mine) { return "{\"card\":" + card_text(c, mine) + "}"; };
        if (c.author != no_participant)
            out.events.push_back({audience::one, c.author, frame_text(seq, name, data(true))});
        if (s.meta.revealed) {
            auto to = c.author != no_participant ? audience::all_but_one : audience::everyone;
            out.events.push_back({to, c.author, frame_text(seq, name, data({}))});
        }
    }

    void emit_counted() {
        emit("cards.counted", {{"hidden_cards", w.hidden_cards()}});
        out.events.back().latest = latest_of::hidden_count;
    }

    // --- changes --------------------------------------------------------------

    void put(change c) { out.changes.push_back(std::move(c)); }

    // Called once at the end of a successful changing command.
    void touch() {
        s.meta.touched_at_ms = now;
        put(meta_put{s.meta});
    }

    // --- lookups: a thing the sender cannot see does not exist for it ----------

    card* visible_card(std::string const& id) {
        for (auto& c : s.cards) {
            if (c.id != id) continue;
            if (s.meta.revealed) return &c;
            if (who.role == role::participant && c.author == who.participant) return &c;
            return nullptr;
        }
        return nullptr;
    }

    cluster* find_cluster(std::string const& id) {
        for (auto& c : s.clusters)
            if (c.id == id) return &c;
        return nullptr;
    }

    bool has_column(std::string const& id) const {
        return std::any_of(s.meta.columns.begin(), s.meta.columns.end(),
                           [&](column const& c) { return c.id == id; });
    }

    agreement* find_agreement(std::string const& id) {
        for (auto& a : s.agreements)
            if (a.id == id) return &a;
        return nullptr;
    }

    // Cards of one slot, ordered by position.
    std::vector<card*> slot(std::optional<std::string> const& column,
                            std::optional<std::string> const& cluster_id) {
        std::vector<card*> v;
        for (auto& c : s.cards)
            if (in_slot(c, column, cluster_id)) v.push_back(&c);
        std::sort(v.begin(), v.end(), [](card* a, card* b) { return a->position < b->position; });
        return v;
    }

    // Gives the cards of `v` the positions 0..n-1, storing those that moved.
    void renumber(std::vector<card*> const& v) {
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (v[i]->position == static_cast<int>(i)) continue;
            v[i]->position = static_cast<int>(i);
            put(card_put{*v[i]});
        }
    }

    void renumber_clusters(std::string const& column) {
        std::vector<cluster*> v;
        for (auto& c : s.clusters)
            if (c.column == column) v.push_back(&c);
        std::sort(v.begin(), v.end(),
                  [](cluster* a, cluster* b) { return a->position < b->position; });
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (v[i]->position == static_cast<int>(i)) continue;
            v[i]->position = static_cast<int>(i);
            put(cluster_put{*v[i]});
        }
    }

    // Takes card `c` out of its slot and puts it at `position` (end if absent
    // or beyond) of the slot (column, cluster_id), renumbering both slots.
    void place(card& c, std::optional<std::string> column, std::optional<std::string> cluster_id,
               std::optional<int> position) {
        auto old_slot = slot(c.column, c.cluster_id);
        old_slot.erase(std::remove(old_slot.begin(), old_slot.end(), &c), old_slot.end());
        renumber(old_slot);

        auto target = slot(column, cluster_id);
        target.erase(std::remove(target.begin(), target.end(), &c), target.end());
        auto at = std::min<std::size_t>(position ? static_cast<std::size_t>(*position) : target.size(),
                                        target.size());
        target.insert(target.begin() + static_cast<std::ptrdiff_t>(at), &c);
        if (unplaced(c)) --w.unplaced_;
        c.column = std::move(column);
        c.cluster_id = std::move(cluster_id);
        if (unplaced(c)) ++w.unplaced_;
        c.position = -1; // forces a store of the moved card
        renumber(target);
    }

    // Returns every dot on `target` to its voter: the rows go, tallies drop, and
    // voters who are here learn their new dots (votes.mine).
    void return_votes(std::string const& target) {
        auto it = w.tallies_.find(target);
        if (it == w.tallies_.end() || it->second == 0) return;
        w.tallies_.erase(it);
        s.votes.erase(std::remove_if(s.votes.begin(), s.votes.end(),
                                     [&](vote_row const& v) { return v.target_id == target; }),
                      s.votes.end());
        put(votes_removed{target});
        for (std::size_t i = 0; i < s.participants.size(); ++i) {
            auto& p = s.participants[i];
            auto mine = p.votes.find(target);
            if (mine == p.votes.end()) continue;
            p.votes_used -= mine->second;
            p.votes.erase(mine);
            auto id = static_cast<participant_id>(i + 1);
            emit("votes.mine", {{"mine", p.votes}, {"left", w.votes_left(id)}}, audience::one, id);
        }
        emit("votes.changed", {{"per_target", tallies_json(w.tallies_)}}, audience::facilitators);
    }

    // --- the commands ----------------------------------------------------------

    void run(protocol::hello const&) {
        fail(error_code::already_joined, "this connection has already said hello");
    }

    void run(protocol::ping const&) {
        out.answer = dump({{"type", "pong"}, {"req", req_json(req)}});
    }

    void run(protocol::checkin_post const& c) {
        checkin entry{util::random_hex(), c.text};
        s.checkins.push_back(entry);
        put(checkin_put{entry});
        emit("checkin.posted", {{"text", c.text}});
        ack();
    }

    void run(protocol::card_post const& c) {
        if (s.cards.size() >= w.limits_.max_cards)
            return fail(error_code::limit_reached,
                        "this workshop has its maximum of " + std::to_string(w.limits_.max_cards) +
                            " cards");
        auto& p = w.participant_of(who.participant);
        card n;
        n.id = util::random_hex();
        n.kind = c.kind;
        n.text = c.text;
        if (c.kind == protocol::card_kind::concern && c.intention && !c.intention->empty())
            n.intention = c.intention;
        // Appended to the unplaced cards, whose positions are 0..n-1: the kept
        // count, since counting them is a scan of every card per post.
        n.position = static_cast<int>(w.unplaced_);
        n.author_tag = util::hmac_hex(p.author_key, "card:" + n.id);
        n.author = who.participant;
        if (!p.has_card) {
            p.has_card = true;
            s.meta.authors += 1;
        }
        s.cards.push_back(n);
        ++w.unplaced_;
        put(card_put{n});
        emit_card("card.posted", n);
        if (!s.meta.revealed) emit_counted();
        ack({{"card_id", n.id}});
    }

    void run(protocol::card_edit const& e) {
        card* c = visible_card(e.card_id);
        if (!c) return fail(error_code::not_found, "card_id: no such card");
        if (c->author != who.participant)
            return fail(error_code::forbidden, "only its author may edit a card");
        if (e.intention && *e.intention && c->kind != protocol::card_kind::concern)
            return fail(error_code::bad_message, "intention: only a concern has an intention");
        if (e.text) c->text = *e.text;
        if (e.intention) {
            if (*e.intention && !(*e.intention)->empty())
                c->intention = **e.intention;
            else
                c->intention.reset();
        }
        put(card_put{*c});
        emit_card("card.edited", *c);
        ack();
    }

    void run(protocol::card_delete const& d) {
        card* c = visible_card(d.card_id);
        if (!c) return fail(error_code::not_found, "card_id: no such card");
        if (who.role == role::participant && c->author != who.participant)
            return fail(error_code::forbidden, "only its author or the facilitator may delete a card");
        auto author = c->author;
        bool hidden = !s.meta.revealed;
        std::string id = c->id;
        auto rest = slot(c->column, c->cluster_id);
        rest.erase(std::remove(rest.begin(), rest.end(), c), rest.end());
        renumber(rest);
        if (unplaced(*c)) --w.unplaced_;
        // Erasing moves cards in memory: nothing may hold a card* past here.
        s.cards.erase(s.cards.begin() + (c - s.cards.data()));
        put(card_removed{id});
        if (author != no_participant) {
            auto& p = w.participant_of(author);
            bool more = std::any_of(s.cards.begin(), s.cards.end(),
                                    [&](card const& k) { return k.author == author; });
            if (!more && p.has_card) {
                p.has_card = false;
                s.meta.authors = std::max(0, s.meta.authors - 1);
            }
        }
        if (hidden) {
            if (author != no_participant) emit("card.deleted", {{"card_id", id}}, audience::one, author);
            emit_counted();
        } else {
            emit("card.deleted", {{"card_id", id}});
        }
        return_votes(id);
        ack();
    }

    void run(protocol::cards_reveal const&) {
        if (s.meta.revealed) return ack({{"revealed", 0}});
        if (s.meta.authors < s.meta.settings.anonymity_threshold)
            return fail(error_code::anonymity_threshold,
                        "the cards can be revealed once " +
                            std::to_string(s.meta.settings.anonymity_threshold) +
                            " participants have posted a card; now " +
                            std::to_string(s.meta.authors) + " have");
        s.meta.revealed = true;
        // Shuffle the unplaced cards, so neither positions nor the event's order
        // follow the order of posting.
        auto pool = slot(std::nullopt, std::nullopt);
        for (std::size_t i = pool.size(); i > 1; --i)
            std::swap(pool[i - 1], pool[util::random_below(i)]);
        for (std::size_t i = 0; i < pool.size(); ++i) {
            pool[i]->position = static_cast<int>(i);
            put(card_put{*pool[i]});
        }
        std::vector<card*> all;
        for (auto& c : s.cards) all.push_back(&c);
        for (std::size_t i = all.size(); i > 1; --i)
            std::swap(all[i - 1], all[util::random_below(i)]);
        json cards = json::array();
        for (auto* c : all) cards.push_back(card_json(*c, {}));
        emit("cards.revealed", {{"cards", cards}});
        emit_counted();
        ack({{"revealed", all.size()}});
    }

    void run(protocol::card_move const& m) {
        card* c = visible_card(m.card_id);
        if (!c) return fail(error_code::not_found, "card_id: no such card");
        if (m.column && !has_column(*m.column))
            return fail(error_code::not_found, "column: no such column");
        if (m.cluster_id) {
            cluster* cl = find_cluster(*m.cluster_id);
            if (!cl) return fail(error_code::not_found, "cluster_id: no such cluster");
            if (!m.column || cl->column != *m.column)
                return fail(error_code::bad_message, "cluster_id: that cluster is in another column");
        }
        place(*c, m.column, m.cluster_id, m.position);
        emit("card.moved", {{"card_id", c->id},
                            {"column", nullable(c->column)},
                            {"cluster_id", nullable(c->cluster_id)},
                            {"position", c->position}});
        ack();
    }

    cluster& make_cluster(std::string const& column, std::string const& title) {
        cluster n;
        n.id = util::random_hex();
        n.column = column;
        n.title = title;
        n.position = static_cast<int>(std::count_if(s.clusters.begin(), s.clusters.end(),
                                                    [&](cluster const& k) { return k.column == column; }));
        s.clusters.push_back(n);
        put(cluster_put{n});
        emit("cluster.created", {{"cluster", cluster_json(n)}});
        return s.clusters.back();
    }

    void run(protocol::cluster_create const& c) {
        if (!has_column(c.column)) return fail(error_code::not_found, "column: no such column");
        auto id = make_cluster(c.column, c.title).id;
        ack({{"cluster_id", id}});
    }

    void run(protocol::cluster_rename const& r) {
        cluster* c = find_cluster(r.cluster_id);
        if (!c) return fail(error_code::not_found, "cluster_id: no such cluster");
        c->title = r.title;
        put(cluster_put{*c});
        emit("cluster.renamed", {{"cluster_id", c->id}, {"title", c->title}});
        ack();
    }

    // The cluster's cards stay in its column, unclustered, appended in their
    // order; agreements that pointed at it lose the link; its votes go back.
    void run(protocol::cluster_delete const& d) {
        cluster* c = find_cluster(d.cluster_id);
        if (!c) return fail(error_code::not_found, "cluster_id: no such cluster");
        std::string id = c->id, column = c->column;
        auto members = slot(column, id);
        auto loose = slot(column, std::nullopt);
        for (auto* k : members) {
            k->cluster_id.reset();
            k->position = -1;
            loose.push_back(k);
        }
        renumber(loose);
        s.clusters.erase(s.clusters.begin() + (c - s.clusters.data()));
        put(cluster_removed{id});
        renumber_clusters(column);
        emit("cluster.deleted", {{"cluster_id", id}});
        for (auto& a : s.agreements) {
            if (a.cluster_id != id) continue;
            a.cluster_id.reset();
            put(agreement_put{a});
            emit("agreement.updated", {{"agreement", agreement_json(a)}});
        }
        return_votes(id);
        ack();
    }

    void run(protocol::phase_set const& p) {
        auto old = s.meta.current_phase;
        if (old == p.phase) return ack();
        s.meta.current_phase = p.phase;
        if (p.phase == phase::closed) s.meta.closed_at_ms = now;
        emit("phase.changed", {{"phase", protocol::to_string(p.phase)}});
        if (old == phase::vote) emit("votes.tallied", {{"per_target", tallies_json(w.tallies_)}});
        ack();
    }

    void run(protocol::prompt_set const& p) {
        s.meta.prompt = p.text;
        emit("prompt.changed", {{"text", p.text}});
        ack();
    }

    // A target a participant may vote on: a revealed card or a cluster.
    bool is_vote_target(std::string const& id) {
        if (find_cluster(id)) return true;
        return s.meta.revealed && visible_card(id);
    }

    void set_vote(participant& p, std::string const& target, int mine) {
        auto tag = util::hmac_hex(p.author_key, "vote:" + target);
        auto it = std::find_if(s.votes.begin(), s.votes.end(), [&](vote_row const& v) {
            return v.target_id == target && v.voter_tag == tag;
        });
        if (it == s.votes.end() && mine > 0) {
            s.votes.push_back({tag, target, mine});
        } else if (it != s.votes.end()) {
            if (mine > 0)
                it->count = mine;
            else
                s.votes.erase(it);
        }
        put(vote_put{{tag, target, mine}});
    }

    void change_vote(std::string const& target, int delta) {
        if (!is_vote_target(target)) return fail(error_code::not_found, "target_id: no such card or cluster");
        auto& p = w.participant_of(who.participant);
        int mine = p.votes.count(target) ? p.votes[target] : 0;
        if (delta > 0 && w.votes_left(who.participant) <= 0)
            return fail(error_code::vote_limit,
                        "you have used all " + std::to_string(s.meta.settings.votes_per_participant) +
                            " of your votes");
        if (delta < 0 && mine == 0) return ack({{"left", w.votes_left(who.participant)}});
        mine += delta;
        p.votes_used += delta;
        if (mine > 0)
            p.votes[target] = mine;
        else
            p.votes.erase(target);
        w.tallies_[target] += delta;
        if (w.tallies_[target] <= 0) w.tallies_.erase(target);
        set_vote(p, target, mine);
        emit("votes.changed", {{"per_target", tallies_json(w.tallies_)}}, audience::facilitators);
        ack({{"left", w.votes_left(who.participant)}});
    }

    void run(protocol::vote_cast const& v) { change_vote(v.target_id, +1); }
    void run(protocol::vote_retract const& v) { change_vote(v.target_id, -1); }

    void run(protocol::agreement_add const& a) {
        if (a.cluster_id && !find_cluster(*a.cluster_id))
            return fail(error_code::not_found, "cluster_id: no such cluster");
        agreement n;
        n.id = util::random_hex();
        n.text = a.text;
        n.owner = a.owner;
        n.due = a.due;
        n.cluster_id = a.cluster_id;
        n.position = static_cast<int>(s.agreements.size());
        s.agreements.push_back(n);
        put(agreement_put{n});
        emit("agreement.added", {{"agreement", agreement_json(n)}});
        ack({{"agreement_id", n.id}});
    }

    void run(protocol::agreement_update const& u) {
        agreement* a = find_agreement(u.agreement_id);
        if (!a) return fail(error_code::not_found, "agreement_id: no such agreement");
        if (u.cluster_id && *u.cluster_id && !find_cluster(**u.cluster_id))
            return fail(error_code::not_found, "cluster_id: no such cluster");
        if (u.text) a->text = *u.text;
        if (u.owner) a->owner = *u.owner;
        if (u.due) a->due = *u.due;
        if (u.cluster_id) a->cluster_id = *u.cluster_id;
        put(agreement_put{*a});
        emit("agreement.updated", {{"agreement", agreement_json(*a)}});
        ack();
    }

    void run(protocol::agreement_delete const& d) {
        agreement* a = find_agreement(d.agreement_id);
        if (!a) return fail(error_code::not_found, "agreement_id: no such agreement");
        std::string id = a->id;
        s.agreements.erase(s.agreements.begin() + (a - s.agreements.data()));
        for (std::size_t i = 0; i < s.agreements.size(); ++i) {
            if (s.agreements[i].position == static_cast<int>(i)) continue;
            s.agreements[i].position = static_cast<int>(i);
            put(agreement_put{s.agreements[i]});
        }
        put(agreement_removed{id});
        emit("agreement.deleted", {{"agreement_id", id}});
        ack();
    }

    void run(protocol::timer_start const& t) {
        s.meta.timer = model::timer{now + std::int64_t{t.seconds} * 1000, t.seconds};
        out.timer_changed = true;
        emit("timer.started", {{"ends_at", s.meta.timer->ends_at_ms}, {"seconds", t.seconds}});
        ack();
    }

    void run(protocol::timer_stop const&) {
        if (!s.meta.timer) return ack();
        s.meta.timer.reset();
        out.timer_changed = true;
        emit("timer.stopped", json::object());
        ack();
    }

    // --- suggestions (facilitator only; nothing reaches participants until applied)

    suggest::workshop_input suggest_input() {
        suggest::workshop_input in;
        in.language = s.meta.language;
        for (auto const& c : s.meta.columns) in.column_ids.push_back(c.id);
        if (s.meta.revealed)
            for (auto const& c : s.cards)
                in.cards.push_back({c.id, std::string(protocol::to_string(c.kind)), c.text,
                                    c.intention, c.column, c.cluster_id});
        for (auto const& c : s.clusters) in.clusters.push_back({c.id, c.column, c.title});
        return in;
    }

    // A suggested theme's title, or a plain numbered one where the suggester
    // found no words: a theme title is never empty (1 to 80 characters).
    std::string theme_title(json const& suggested) {
        auto t = suggested.is_string() ? protocol::trim(suggested.get<std::string>()) : std::string{};
        if (protocol::code_points(t) > protocol::max_cluster_title_chars) {
            // Cut on a code point boundary.
            std::size_t cut = 0, n = 0;
            while (cut < t.size() && n < protocol::max_cluster_title_chars) {
                ++cut;
                while (cut < t.size() && (static_cast<unsigned char>(t[cut]) & 0xC0) == 0x80) ++cut;
                ++n;
            }
            t.resize(cut);
        }
        if (!t.empty()) return t;
        auto n = std::to_string(s.clusters.size() + 1);
        return (s.meta.language == "en" ? "Theme " : "Thema ") + n;
    }

    void run(protocol::suggest_request const&) {
        auto result = suggest::suggest(suggest_input());
        json cards = json::array(), themes = json::array();
        for (auto const& c : result.cards)
            cards.push_back({{"card_id", c.card_id},
                             {"column", c.column},
                             {"confidence", c.confidence},
                             {"theme_key", c.theme_key}});
        for (auto const& t : result.themes)
            themes.push_back({{"key", t.key},
                              {"column", t.column},
                              {"title", t.title},
                              {"cluster_id", nullable(t.cluster_id)},
                              {"card_ids", t.card_ids}});
        json frame = {{"type", "suggestions"}, {"req", req_json(req)}, {"cards", cards},
                      {"themes", themes}};
        w.last_suggestions_ = dump(frame);
        ack({{"cards", result.cards.size()}, {"themes", result.themes.size()}});
        out.after_ack.push_back(w.last_suggestions_);
    }

    // Applies the last suggestions (all, or those for `card_ids`) as ordinary
    // cluster.create and card.move changes, so everyone sees them as usual.
    // Cards placed since the suggestion was made are left where they are.
    void run(protocol::suggest_apply const& a) {
        if (w.last_suggestions_.empty())
            return fail(error_code::not_found, "no suggestions yet: send suggest.request first");
        json last = json::parse(w.last_suggestions_);
        std::set<std::string> wanted;
        if (a.card_ids) wanted.insert(a.card_ids->begin(), a.card_ids->end());
        std::map<std::string, json> theme_by_key;
        for (auto const& t : last["themes"]) theme_by_key[t["key"].get<std::string>()] = t;
        std::map<std::string, std::string> made; // theme key -> cluster id
        int moved = 0;
        for (auto const& sc : last["cards"]) {
            auto id = sc["card_id"].get<std::string>();
            if (a.card_ids && !wanted.count(id)) continue;
            card* c = visible_card(id);
            if (!c || c->column) continue;
            auto column = sc["column"].get<std::string>();
            if (!has_column(column)) continue;
            std::optional<std::string> cluster_id;
            auto t = theme_by_key.find(sc["theme_key"].get<std::string>());
            if (t != theme_by_key.end() && t->second["column"] == column) {
                auto const& existing = t->second["cluster_id"];
                if (existing.is_string() && find_cluster(existing.get<std::string>())) {
                    cluster_id = existing.get<std::string>();
                } else {
                    auto key = t->first;
                    if (!made.count(key))
                        made[key] = make_cluster(column, theme_title(t->second["title"])).id;
                    cluster_id = made[key];
                }
            }
            c = visible_card(id); // make_cluster may not move cards, but stay safe
            place(*c, column, cluster_id, std::nullopt);
            emit("card.moved", {{"card_id", c->id},
                                {"column", nullable(c->column)},
                                {"cluster_id", nullable(c->cluster_id)},
                                {"position", c->position}});
            ++moved;
        }
        ack({{"moved", moved}, {"clusters_created", made.size()}});
    }

    void run(protocol::card_similar const& q) {
        if (!visible_card(q.card_id)) return fail(error_code::not_found, "card_id: no such card");
        json cards = json::array();
        for (auto const& [id, score] : suggest::similar(suggest_input(), q.card_id, q.limit))
            cards.push_back({{"card_id", id}, {"score", score}});
        ack({{"cards", cards}});
    }
};

namespace {

// Who may send a command (3.5).
bool allowed(role r, protocol::command const& cmd) {
    using namespace protocol;
    if (std::holds_alternative<ping>(cmd) || std::holds_alternative<card_delete>(cmd) ||
        std::holds_alternative<hello>(cmd))
        return true;
    bool participant_only = std::holds_alternative<checkin_post>(cmd) ||
                            std::holds_alternative<card_post>(cmd) ||
                            std::holds_alternative<card_edit>(cmd) ||
                            std::holds_alternative<vote_cast>(cmd) ||
                            std::holds_alternative<vote_retract>(cmd);
    return participant_only == (r == role::participant);
}

// The phases a command may run in; nullopt where any phase will do (3.5).
std::optional<std::vector<phase>> phases_for(protocol::command const& cmd) {
    using namespace protocol;
    if (std::holds_alternative<checkin_post>(cmd)) return std::vector{phase::checkin};
    if (std::holds_alternative<card_post>(cmd) || std::holds_alternative<card_edit>(cmd))
        return std::vector{phase::reflect, phase::cluster};
    if (std::holds_alternative<vote_cast>(cmd) || std::holds_alternative<vote_retract>(cmd))
        return std::vector{phase::vote};
    return std::nullopt;
}

} // namespace

workshop::workshop(workshop_state state, std::string secret, model::limits lim)
    : state_(std::move(state)), secret_(std::move(secret)), limits_(lim) {
    for (std::size_t i = 0; i < state_.participants.size(); ++i)
        index_participant(static_cast<participant_id>(i + 1));
    for (auto const& v : state_.votes) tallies_[v.target_id] += v.count;
    unplaced_ = static_cast<std::size_t>(
        std::count_if(state_.cards.begin(), state_.cards.end(), unplaced));
}

int workshop::hidden_cards() const {
    return state_.meta.revealed ? 0 : static_cast<int>(state_.cards.size());
}

int workshop::votes_left(participant_id id) const {
    auto const& p = state_.participants[id - 1];
    return std::max(0, state_.meta.settings.votes_per_participant - p.votes_used);
}

// Finds the cards and votes of a participant known from before a restart:
// their rows carry only tags keyed by the token, so they are recognised by
// recomputing the tags. Cards found are remembered, so this runs once.
void workshop::resolve(participant_id id, std::string const& token) {
    auto& p = participant_of(id);
    if (!p.author_key.empty()) return;
    p.author_key = util::hmac_raw(secret_, "author:" + token);
    for (auto& c : state_.cards) {
        if (c.author != no_participant) continue;
        if (util::equal_secret(util::hmac_hex(p.author_key, "card:" + c.id), c.author_tag)) {
            c.author = id;
            p.has_card = true;
        }
    }
    std::set<std::string> targets;
    for (auto const& v : state_.votes) targets.insert(v.target_id);
    for (auto const& t : targets) {
        auto tag = util::hmac_hex(p.author_key, "vote:" + t);
        for (auto const& v : state_.votes)
            if (v.target_id == t && v.voter_tag == tag) {
                p.votes[t] = v.count;
                p.votes_used += v.count;
            }
    }
}

void workshop::index_participant(participant_id id) {
    by_token_hash_.emplace(std::hash<std::string_view>{}(participant_of(id).token_hash), id);
}

participant_id workshop::find_participant(std::string const& token_hash) const {
    auto [first, last] = by_token_hash_.equal_range(std::hash<std::string_view>{}(token_hash));
    for (auto it = first; it != last; ++it)
        if (state_.participants[it->second - 1].token_hash == token_hash) return it->second;
    return no_participant;
}

join_result workshop::join(protocol::hello const& hello, int participants_online) {
    join_result r;
    if (hello.protocol != 1) {
        r.close_code = 4426;
        r.close_reason = "unsupported protocol version; this server speaks 1";
        return r;
    }
    json welcome = {{"type", "welcome"}, {"protocol", 1}, {"role", protocol::to_string(hello.role)}};
    if (hello.role == role::facilitator) {
        if (!hello.facilitator_key ||
            !util::equal_secret(util::sha256_hex(*hello.facilitator_key),
                                state_.meta.facilitator_key_hash)) {
            r.close_code = 4401;
            r.close_reason = "wrong facilitator key";
            return r;
        }
        r.who = actor{role::facilitator, no_participant};
    } else {
        std::string token;
        participant_id id = no_participant;
        if (hello.participant_token && !hello.participant_token->empty()) {
            auto hash = util::hmac_hex(secret_, "token:" + *hello.participant_token);
            id = find_participant(hash);
            if (id != no_participant) token = *hello.participant_token;
        }
        if (id == no_participant) {
            token = util::random_token();
            participant p;
            p.token_hash = util::hmac_hex(secret_, "token:" + token);
            p.author_key = util::hmac_raw(secret_, "author:" + token); // new: nothing to find
            state_.participants.push_back(p);
            id = static_cast<participant_id>(state_.participants.size());
            index_participant(id);
            r.changes.push_back(participant_put{p.token_hash});
        }
        resolve(id, token);
        r.who = actor{role::participant, id};
        welcome["participant_token"] = token;
    }
    welcome["seq"] = state_.meta.seq;
    welcome["state"] = json::parse(state_json(r.who, participants_online));
    r.welcome = dump(welcome);
    return r;
}

outcome workshop::handle(actor const& who, protocol::envelope const& env, std::int64_t now_ms,
                         int participants_online) {
    context cx(*this, who, env.req, now_ms, participants_online);
    auto const& cmd = env.cmd;

    if (!allowed(who.role, cmd)) {
        cx.fail(error_code::forbidden, std::string(protocol::type_name(cmd)) + " is not for the " +
                                           std::string(protocol::to_string(who.role)));
        return std::move(cx.out);
    }

    // A repeated nonce gets the first answer again, with this frame's req.
    bool changing = protocol::is_changing(cmd);
    std::string nonce_tag;
    if (changing && env.nonce) {
        auto const& key = who.role == role::participant ? participant_of(who.participant).author_key
                                                        : secret_;
        std::string scope = who.role == role::participant ? "nonce:" : std::string(facilitator_nonce_scope);
        nonce_tag = util::hmac_hex(key, scope + std::string(protocol::type_name(cmd)) + ":" + *env.nonce);
        auto it = state_.nonces.find(nonce_tag);
        if (it != state_.nonces.end()) {
            json first = json::parse(it->second, nullptr, false);
            if (first.is_object()) first["req"] = req_json(env.req);
            cx.out.answer = dump(first);
            return std::move(cx.out);
        }
    }

    if (changing && state_.meta.current_phase == phase::closed) {
        cx.fail(error_code::closed, "this workshop is closed");
        return std::move(cx.out);
    }
    if (auto phases = phases_for(cmd)) {
        if (std::find(phases->begin(), phases->end(), state_.meta.current_phase) == phases->end()) {
            cx.fail(error_code::wrong_phase,
                    std::string(protocol::type_name(cmd)) + " is not possible in the phase " +
                        std::string(protocol::to_string(state_.meta.current_phase)));
            return std::move(cx.out);
        }
    }

    // Work on a copy of the counters that events advance, so a refusal midway
    // leaves the workshop as it was. Handlers check before they change, so
    // only seq can have moved when they fail.
    auto seq_before = state_.meta.seq;
    std::visit([&](auto const& c) { cx.run(c); }, cmd);
    if (cx.failed) {
        state_.meta.seq = seq_before;
        return std::move(cx.out);
    }
    if (!cx.out.changes.empty() || !cx.out.events.empty() || state_.meta.seq != seq_before) {
        if (!nonce_tag.empty()) {
            state_.nonces[nonce_tag] = cx.out.answer;
            keep_nonce(cx.out.changes, nonce_put{nonce_tag, cx.out.answer},
                       std::holds_alternative<protocol::card_post>(cmd));
        }
        cx.touch();
    } else if (!nonce_tag.empty() && changing) {
        // A changing command that changed nothing (e.g. stopping no timer) is
        // still acknowledged; remember it so a retry answers the same.
        state_.nonces[nonce_tag] = cx.out.answer;
        cx.put(nonce_put{nonce_tag, cx.out.answer});
    }
    return std::move(cx.out);
}

outcome workshop::expire_timer(std::int64_t now_ms) {
    context cx(*this, actor{role::facilitator, no_participant}, std::nullopt, now_ms, 0);
    if (!state_.meta.timer || state_.meta.timer->ends_at_ms > now_ms) return std::move(cx.out);
    state_.meta.timer.reset();
    cx.out.timer_changed = true;
    cx.emit("timer.ended", json::object());
    cx.touch();
    return std::move(cx.out);
}

std::string workshop::state_json(actor const& who, int participants_online) const {
    auto const& m = state_.meta;
    bool facilitator = who.role == role::facilitator;
    json columns = json::array(), clusters = json::array(), cards = json::array(),
         agreements = json::array(), checkins = json::array();
    for (auto const& c : m.columns) columns.push_back(column_json(c));

    std::vector<cluster const*> cl;
    for (auto const& c : state_.clusters) cl.push_back(&c);
    card_order order{state_};
    std::sort(cl.begin(), cl.end(), [&](cluster const* a, cluster const* b) {
        return std::pair(order.column_index(a->column), a->position) <
               std::pair(order.column_index(b->column), b->position);
    });
    for (auto const* c : cl) clusters.push_back(cluster_json(*c));

    std::vector<card const*> visible;
    for (auto const& c : state_.cards)
        if (m.revealed || (!facilitator && c.author == who.participant)) visible.push_back(&c);
    std::sort(visible.begin(), visible.end(), order);
    for (auto const* c : visible)
        cards.push_back(card_json(*c, facilitator ? std::optional<bool>{}
                                                  : std::optional<bool>{c->author == who.participant}));

    for (auto const& a : state_.agreements) agreements.push_back(agreement_json(a));
    // Check-in words listed by their random ids: no order of posting.
    std::vector<checkin const*> words;
    for (auto const& c : state_.checkins) words.push_back(&c);
    std::sort(words.begin(), words.end(), [](auto* a, auto* b) { return a->id < b->id; });
    for (auto const* c : words) checkins.push_back(c->text);

    json votes = json::object();
    if (facilitator) {
        votes["per_target"] = tallies_json(tallies_);
    } else {
        auto const& p = state_.participants[who.participant - 1];
        votes["mine"] = p.votes;
        votes["left"] = votes_left(who.participant);
        // Votes exist only once a vote phase has run; outside `vote` they are public.
        if (m.current_phase != phase::vote) votes["per_target"] = tallies_json(tallies_);
    }

    json j = {{"code", m.code},
              {"title", m.title},
              {"language", m.language},
              {"phase", protocol::to_string(m.current_phase)},
              {"prompt", m.prompt},
              {"settings",
               {{"votes_per_participant", m.settings.votes_per_participant},
                {"anonymity_threshold", m.settings.anonymity_threshold},
                {"max_card_chars", m.settings.max_card_chars}}},
              {"columns", columns},
              {"clusters", clusters},
              {"cards", cards},
              {"hidden_cards", hidden_cards()},
              {"revealed", m.revealed},
              {"checkins", checkins},
              {"votes", votes},
              {"agreements", agreements},
              {"timer", timer_json(m.timer)},
              {"participants", participants_online}};
    return dump(j);
}

std::string workshop::error_frame(std::optional<std::int64_t> req, protocol::error const& e) {
    return dump({{"type", "error"},
                 {"req", req_json(req)},
                 {"code", protocol::to_string(e.code)},
                 {"message", e.message}});
}

} // namespace brug::model
