// What the WebSocket frame parser (net/ws_frame.hpp) promises, checked on
// one stream of client bytes. Used by fuzz_ws_frame.cpp.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace brug::fuzz {

// Feeds `stream` to a frame_parser with `max_message`, in pieces whose sizes
// come from `split_seed`, and checks:
// - the events equal those of a reference parser that reads the whole
//   stream at once (a second, plain reading of RFC 6455 5.2), so an
//   unmasked frame, set RSV bits, an unknown opcode, a long or fragmented
//   control frame, a misplaced continuation, a binary frame or a message
//   over `max_message` is never accepted, and a text message is exactly
//   its unmasked fragments joined;
// - a text message is valid UTF-8 and at most `max_message` bytes; a close
//   code is one a peer may send; nothing follows an error or a close;
// - a text message framed again (frame_header, masked as a client would)
//   parses back to itself.
// Returns "" when all of that holds, or what broke.
std::string check_ws_frame(std::string_view stream, std::size_t max_message,
                           unsigned split_seed);

} // namespace brug::fuzz
