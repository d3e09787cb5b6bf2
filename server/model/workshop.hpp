// The rules of one workshop: takes a command, returns what to commit, what to
// answer, and what to send to whom. Does no I/O and knows no connections, so
// every rule is testable without a network (tests/unit/model).
//
// Threading: a workshop is not thread-safe; its room's strand owns it.
#pragma once

#include "model/changes.hpp"
#include "model/state.hpp"
#include "protocol/commands.hpp"
#include "protocol/errors.hpp"

#include <cstdint>
#include <memory>
#include <map>
#include <optional>
#include <unordered_map>
#include <string>
#include <vector>

namespace brug::model {

// Who sends a command.
struct actor {
    protocol::role role = protocol::role::participant;
    participant_id participant = no_participant; // set for participants only
};

// To whom an event goes. `who` is used by `one` and `all_but_one`.
enum class audience { everyone, facilitators, participants, one, all_but_one };

// What an event states, when it states only the latest value of something:
// a newer one of its kind makes an older one that a receiver has not been
// sent yet worthless (protocol/README.md section 7).
enum class latest_of { nothing, hidden_count };

struct outgoing {
    model::audience audience = audience::everyone;
    participant_id who = no_participant;
    std::shared_ptr<std::string const> frame; // serialised once, shared by every connection
    model::latest_of latest = latest_of::nothing;
};

// The result of one command. The room commits `changes`, then sends `answer`
// to the sender, then `events`, in this order.
struct outcome {
    std::string answer;                   // ack, error or pong (JSON text)
    std::vector<change> changes;          // empty for errors and reads
    std::vector<outgoing> events;
    std::vector<std::string> after_ack;   // extra frames to the sender after its answer
    bool timer_changed = false;           // the room re-arms its timer from timer()
};

// The result of a `hello`.
struct join_result {
    int close_code = 0;                   // non-zero: refuse with this WebSocket close code
    std::string close_reason;
    actor who;                            // the joined actor
    std::string welcome;                  // JSON text of the welcome frame
    std::vector<change> changes;          // a new participant to store
};

// Limits the server sets for every workshop (protocol.md 3.9).
struct limits {
    static constexpr std::size_t default_max_cards = 2000;
    std::size_t max_cards = default_max_cards;
};

class workshop {
public:
    // `secret` keys the hashes and tags of participant tokens (the store's secret).
    workshop(workshop_state state, std::string secret, model::limits lim = {});

    // Handles `hello`. `participants_online` is the presence count for the state.
    // A participant with an unknown or absent token gets a new one; with a known
    // token it is the same participant (its cards and votes are found by tag).
    join_result join(protocol::hello const& hello, int participants_online);

    // Handles one decoded command from `who` at `now_ms` (wall clock), checking
    // in the contract's order (3.5): role, nonce, closed, phase, existence,
    // ownership, rules. Never throws on bad input.
    outcome handle(actor const& who, protocol::envelope const& env, std::int64_t now_ms,
                   int participants_online);

    // Called by the room when the running timer's end has come.
    outcome expire_timer(std::int64_t now_ms);

    // The state as `who` may see it (protocol.md 3.3), as JSON text.
    std::string state_json(actor const& who, int participants_online) const;

    // An `error` frame as JSON text.
    static std::string error_frame(std::optional<std::int64_t> req, protocol::error const& e);

    workshop_state const& state() const { return state_; }
    std::optional<model::timer> const& timer() const { return state_.meta.timer; }

    // Cards not yet revealed (all of them until cards.reveal, then none).
    int hidden_cards() const;

    // Dots a participant has left to cast.
    int votes_left(participant_id id) const;

    // Number of distinct participants who have at least one card.
    int authors() const { return state_.meta.authors; }

private:
    struct context; // one command's work in progress (workshop.cpp)

    participant& participant_of(participant_id id) { return state_.participants[id - 1]; }
    participant_id find_participant(std::string const& token_hash) const; // or no_participant
    void index_participant(participant_id id);
    void resolve(participant_id id, std::string const& token);

    workshop_state state_;
    std::string secret_;
    model::limits limits_;
    // Indexes and tallies derived from state_, rebuilt on construction.
    // Participants by the std::hash of their token hash, for hello: a number
    // per participant instead of a second copy of the 64-character hash (heap
    // memory per participant, issue 6). Equal numbers are told apart by the
    // whole hash in the participant (find_participant).
    std::unordered_multimap<std::size_t, participant_id> by_token_hash_;
    std::map<std::string, int> tallies_;   // target id -> dots from everyone
    std::size_t unplaced_ = 0;             // cards with no column and no cluster
    std::string last_suggestions_;         // JSON of the last suggestions, for suggest.apply
};

} // namespace brug::model
