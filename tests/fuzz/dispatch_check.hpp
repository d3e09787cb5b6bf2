// A workshop session driven by a script, with the model's promises checked
// after every step. Shared by the fuzz target (fuzz_dispatch.cpp) and the
// regression tests (tests/unit/fuzz_regressions).
//
// The script is text, one step per line, so that seeds can be written by hand
// and built from protocol/examples:
//
//   S<threshold><votes><max cards>  settings, first line only: three digits
//                                   (threshold 1..9, votes 1..9, max cards (d+1)*5)
//   F<frame>      the facilitator sends a JSON frame
//   1..9<frame>   participant n sends a frame (n beyond those joined wraps)
//   +             a new participant joins (at most 9)
//   =<n>          participant n reconnects with its token
//   !             the server restarts: the workshop is rebuilt from what the
//                 store keeps, and everyone reconnects with their token
//   @<ms>         the clock moves on (at most a day), and a due timer expires
//   K<key>        someone says hello as facilitator with this key
//
// In a frame, $c<d>, $k<d> and $a<d> stand for the d-th card, cluster and
// agreement id handed out so far (d modulo their number), so that commands
// name things that exist. '~' is reserved: the session writes a marker
// ~<n>~ at the start of every card text and intention, so that it can tell
// whose text a frame carries.
#pragma once

#include <string>
#include <string_view>

namespace brug::fuzz {

// Runs `script` against one in-memory workshop with a facilitator and three
// participants joined at the start, and checks after each step:
// - every answer is a JSON ack, error or pong with the frame's req, and an
//   error changes nothing (the whole state compared before and after);
// - a command repeated with an acknowledged nonce gets the first answer again
//   and changes nothing;
// - each connection receives events with strictly increasing seq, above the
//   seq of its welcome; the workshop's seq is the last one given out;
// - until the reveal, no frame to anyone but its author and no other viewer's
//   state carries a card's text (its marker) or its id, and no frame carries
//   a participant's token except its own welcome;
// - `mine` marks only the viewer's own cards; participants see no tallies
//   during the vote phase;
// - the checks come in the contract's order (role, closed, phase): an ack
//   passed them all, an error names the first that failed; leaving the vote
//   phase sends votes.tallied to everyone;
// - positions are dense (0..n-1) in every card slot, in every column's
//   clusters and among agreements; cards lie in existing columns and clusters;
// - votes: no voter beyond the limit, vote rows agree with every voter's dots
//   and the tallies, and every vote is on a card or cluster that exists;
// - hidden_cards and the authors count match the cards;
// - a restart (and a reconnect) changes nobody's view of the workshop;
// - the exports (at the end and after each restart): no card before the
//   reveal, every card exactly once after it, no token, hash or tag, a CSV
//   that is RFC 4180 without formulas, a Markdown without raw HTML, extra
//   table cells, or card text outside its list item.
// Returns "" when all of that holds, or what broke.
std::string check_dispatch(std::string_view script);

} // namespace brug::fuzz
