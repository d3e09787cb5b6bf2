// An unplaced card for the suggester's tests.
#pragma once

#include "suggest/suggester.hpp"

#include <string>
#include <utility>

namespace brug::suggest::testing {

inline card_input card(std::string id, std::string text, std::string kind = "concern") {
    card_input c;
    c.id = std::move(id);
    c.kind = std::move(kind);
    c.text = std::move(text);
    return c;
}

} // namespace brug::suggest::testing
