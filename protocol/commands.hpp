// The commands a client sends (protocol.md 3.2 and 3.5) as plain C++ values.
//
// A decoded command has passed the shape checks: every field is present and of
// the right type and range, text is trimmed, valid Unicode, and counted in code
// points. Rules that need the workshop (phase, role, existence) are the model's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace brug::protocol {

enum class role { participant, facilitator };
enum class card_kind { concern, intention };
enum class phase { lobby, checkin, reflect, cluster, vote, discuss, agree, closed };

// A field that may be absent, null, or a value. absent: !has_value();
// null: has_value() && !value->has_value().
template <class T> using nullable_field = std::optional<std::optional<T>>;

struct hello {
    int protocol = 0;
    protocol::role role = role::participant;
    std::optional<std::string> participant_token;
    std::optional<std::string> facilitator_key;
};

struct checkin_post { std::string text; };

struct card_post {
    card_kind kind = card_kind::concern;
    std::string text;
    std::optional<std::string> intention; // concern only; empty after trim means none
};

struct card_edit {
    std::string card_id;
    std::optional<std::string> text;
    nullable_field<std::string> intention; // null removes it
};

struct card_delete { std::string card_id; };
struct cards_reveal {};

struct card_move {
    std::string card_id;
    std::optional<std::string> column;     // null: back to the unplaced cards
    std::optional<std::string> cluster_id; // null: unclustered in its column
    std::optional<int> position;           // absent: at the end
};

struct cluster_create { std::string column; std::string title; };
struct cluster_rename { std::string cluster_id; std::string title; };
struct cluster_delete { std::string cluster_id; };
struct phase_set { protocol::phase phase = phase::lobby; };
struct prompt_set { std::string text; };
struct vote_cast { std::string target_id; };
struct vote_retract { std::string target_id; };

struct agreement_add {
    std::string text;
    std::optional<std::string> owner;      // null or absent: no owner
    std::optional<std::string> due;        // YYYY-MM-DD, a real date
    std::optional<std::string> cluster_id;
};

struct agreement_update {
    std::string agreement_id;
    std::optional<std::string> text;
    nullable_field<std::string> owner;
    nullable_field<std::string> due;
    nullable_field<std::string> cluster_id;
};

struct agreement_delete { std::string agreement_id; };
struct timer_start { int seconds = 0; };
struct timer_stop {};
struct ping {};

// Suggestions (issue 7): facilitator only.
struct suggest_request {};
struct suggest_apply { std::optional<std::vector<std::string>> card_ids; }; // absent: all
struct card_similar { std::string card_id; int limit = 5; };

using command = std::variant<hello, checkin_post, card_post, card_edit, card_delete, cards_reveal,
                             card_move, cluster_create, cluster_rename, cluster_delete, phase_set,
                             prompt_set, vote_cast, vote_retract, agreement_add, agreement_update,
                             agreement_delete, timer_start, timer_stop, ping, suggest_request,
                             suggest_apply, card_similar>;

// One decoded client frame.
struct envelope {
    std::optional<std::int64_t> req; // echoed in the answer; absent answers "req": null
    std::optional<std::string> nonce; // 1..64 code points; required for card.post
    command cmd;
};

// The wire name of a command's type, e.g. "card.post".
std::string_view type_name(command const& cmd);

// Whether the command changes the workshop (and so may carry a nonce, and is
// refused with `closed` once the workshop is closed).
bool is_changing(command const& cmd);

std::string_view to_string(phase p);
std::optional<phase> parse_phase(std::string_view s);
std::string_view to_string(role r);
std::string_view to_string(card_kind k);
std::optional<role> parse_role(std::string_view s);
std::optional<card_kind> parse_card_kind(std::string_view s);

} // namespace brug::protocol
