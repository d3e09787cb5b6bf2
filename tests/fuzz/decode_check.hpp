// What protocol::decode promises, checked on one frame. Shared by the fuzz
// target (fuzz_decode.cpp) and the regression tests
// (tests/unit/fuzz_regressions), so that a finding replays in `make test`.
#pragma once

#include <string>
#include <string_view>

namespace brug::fuzz {

// Decodes `frame` with the default limits and with tiny ones, and checks:
// - an error's code is a shape code (bad_json, bad_message, unknown_type,
//   too_long), its message is non-empty valid UTF-8, its req is the frame's
//   integer req where the frame is a JSON object, and bad_json only for text
//   that is not JSON;
// - an envelope's type and req are the frame's, every string in it is valid
//   UTF-8, trimmed and within its field's range, a nonce only on a changing
//   command (required on card.post), a due date a real date;
// - what the tiny limits accept, the default ones accept as the same value.
// Frames that are not valid UTF-8 never reach decode in the server; they are
// decoded once, for crashes only.
// Returns "" when all of that holds, or what broke.
std::string check_decode(std::string_view frame);

} // namespace brug::fuzz
