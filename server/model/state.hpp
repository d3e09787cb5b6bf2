// A workshop's whole state, as held in memory and as stored. Plain data: the
// rules live in workshop.hpp, persistence in store/store.hpp.
//
// Anonymity: nothing here that is ever sent or stored tells who wrote a card.
// `card::author` and `participant::author_key` live only in memory; the store
// keeps a per-card keyed tag instead (see author_tag), which cannot be linked
// to a participant, nor two cards to each other, without the token.
#pragma once

#include "protocol/commands.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace brug::model {

using protocol::card_kind;
using protocol::phase;

// In-memory number of a participant within one workshop; never sent, never stored.
using participant_id = std::uint32_t;
inline constexpr participant_id no_participant = 0;

struct column {
    std::string id;
    std::string title;
    bool operator==(column const&) const = default;
};

struct settings {
    static constexpr int default_votes_per_participant = 3;
    static constexpr int default_anonymity_threshold = 3;

    int votes_per_participant = default_votes_per_participant; // 1..20
    int anonymity_threshold = default_anonymity_threshold;     // 1..50
    int max_card_chars = 500;                                  // from the server's option
    bool operator==(settings const&) const = default;
};

struct card {
    std::string id; // random, not sequential
    card_kind kind = card_kind::concern;
    std::string text;
    std::optional<std::string> intention;
    std::optional<std::string> column;
    std::optional<std::string> cluster_id;
    int position = 0;             // 0-based within its slot (column, cluster)
    std::string author_tag;       // stored: hex HMAC(author_key, "card:" + id)
    participant_id author = no_participant; // memory only; no_participant until resolved
};

struct cluster {
    std::string id;
    std::string column;
    std::string title;
    int position = 0; // 0-based within its column
};

struct agreement {
    std::string id;
    std::string text;
    std::optional<std::string> owner;
    std::optional<std::string> due; // YYYY-MM-DD
    std::optional<std::string> cluster_id;
    int position = 0; // order of adding; agreements are not anonymous content of a person
};

// One voter's dots on one target, as stored: the voter is a keyed tag per
// target, so rows cannot be grouped by voter without the token.
struct vote_row {
    std::string voter_tag; // hex HMAC(author_key, "vote:" + target_id)
    std::string target_id;
    int count = 0;
};

struct checkin {
    std::string id; // random; check-in words have no order of posting either
    std::string text;
};

struct timer {
    std::int64_t ends_at_ms = 0; // server wall clock
    int seconds = 0;
    bool operator==(timer const&) const = default;
};

struct participant {
    std::string token_hash; // stored: hex HMAC(secret, "token:" + token)
    std::string author_key; // memory only: HMAC(secret, "author:" + token), keys the tags
    bool has_card = false;  // memory only
    int votes_used = 0;     // memory only; derived from vote rows when resolved
    std::map<std::string, int> votes; // memory only: target -> my dots
};

// A workshop's own fields, without its collections: what the store keeps in
// the workshops table. Copied into a change when any of it changes.
struct workshop_meta {
    std::string code;                 // "K7QM-3XPA", canonical form
    std::string title;
    std::string language = "nl";      // "nl" | "en"
    std::string facilitator_key_hash; // hex SHA-256 of the key
    std::vector<column> columns;
    model::settings settings;
    phase current_phase = phase::lobby;
    std::string prompt;
    bool revealed = false;
    std::int64_t seq = 0;             // last event number given out
    int authors = 0;                  // distinct participants with at least one card
    std::optional<model::timer> timer;
    std::int64_t created_at_ms = 0;   // of the workshop, never of a card
    std::int64_t closed_at_ms = 0;    // 0 while open
    std::int64_t touched_at_ms = 0;   // last change, for retention
    bool operator==(workshop_meta const&) const = default;
};

// Everything that makes a workshop. Stored by store::, rebuilt on load.
struct workshop_state {
    workshop_meta meta;
    std::vector<card> cards;
    std::vector<cluster> clusters;
    std::vector<agreement> agreements;
    std::vector<checkin> checkins;
    std::vector<vote_row> votes;
    std::vector<participant> participants; // index + 1 == participant_id
    std::unordered_map<std::string, std::string> nonces; // nonce tag -> the first answer (JSON text)
};

} // namespace brug::model
