#include "protocol/commands.hpp"

#include <array>
#include <type_traits>

namespace brug::protocol {

namespace {

// The wire names, in the order of the alternatives of `command`, so that
// type_name() is one array index. decode() keeps its own table (name, parser);
// the example tests decode a frame of every type and compare the two.
constexpr std::array<std::string_view, std::variant_size_v<command>> type_names = {
    "hello",
    "checkin.post",
    "card.post",
    "card.edit",
    "card.delete",
    "cards.reveal",
    "card.move",
    "cluster.create",
    "cluster.rename",
    "cluster.delete",
    "phase.set",
    "prompt.set",
    "vote.cast",
    "vote.retract",
    "agreement.add",
    "agreement.update",
    "agreement.delete",
    "timer.start",
    "timer.stop",
    "ping",
    "suggest.request",
    "suggest.apply",
    "card.similar",
};

constexpr std::array<std::string_view, 8> phase_names = {
    "lobby", "checkin", "reflect", "cluster", "vote", "discuss", "agree", "closed",
};

} // namespace

std::string_view type_name(command const& cmd) {
    return type_names[cmd.index()];
}

bool is_changing(command const& cmd) {
    return std::visit(
        [](auto const& c) {
            using t = std::decay_t<decltype(c)>;
            return !(std::is_same_v<t, hello> || std::is_same_v<t, ping> ||
                     std::is_same_v<t, suggest_request> || std::is_same_v<t, card_similar>);
        },
        cmd);
}

std::string_view to_string(phase p) {
    return phase_names[static_cast<std::size_t>(p)];
}

std::optional<phase> parse_phase(std::string_view s) {
    for (std::size_t i = 0; i < phase_names.size(); ++i)
        if (phase_names[i] == s) return static_cast<phase>(i);
    return std::nullopt;
}

std::string_view to_string(role r) {
    return r == role::facilitator ? "facilitator" : "participant";
}

std::string_view to_string(card_kind k) {
    return k == card_kind::intention ? "intention" : "concern";
}

std::optional<role> parse_role(std::string_view s) {
    if (s == "participant") return role::participant;
    if (s == "facilitator") return role::facilitator;
    return std::nullopt;
}

std::optional<card_kind> parse_card_kind(std::string_view s) {
    if (s == "concern") return card_kind::concern;
    if (s == "intention") return card_kind::intention;
    return std::nullopt;
}

} // namespace brug::protocol
