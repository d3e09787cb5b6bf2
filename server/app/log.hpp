// Quiet logs: one line per notable event on standard error, with the
// workshop code where there is one. Never a token, a key, card text or a
// client address (protocol.md 3.6).
#pragma once

#include <string_view>

namespace brug::app {

// Writes one line to stderr with a UTC timestamp. Safe on any thread (one
// write per line). Lines may be silenced with set_quiet(true) (tests).
void log(std::string_view line);

void set_quiet(bool quiet);

} // namespace brug::app
