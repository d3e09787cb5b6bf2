// The export of a workshop (protocol.md 2, `GET /api/workshops/{code}/export`):
// a report a facilitator mails to the team as it is (Markdown), a table that
// opens in a spreadsheet (CSV), and everything as data (JSON). Pure functions
// of the state: no I/O, and the clock comes in as an argument.
//
// Promises, for every format:
// - Every revealed card is in it, placed in a column or not, exactly once.
//   Before the reveal no card is (they do not exist for the facilitator yet,
//   protocol.md 3.6); the report says how many are still hidden.
// - Nothing about authors (protocol.md 3.6): no author tag, no participant,
//   no token or token hash, no nonce, and no time at which anything was
//   posted. Check-in words are sorted, so that their order of posting is
//   gone as well.
// - Votes per target are the sum of `vote_row::count` over the rows of that
//   target; rows for a target that no longer exists are left out (its dots
//   went back to the voters when it was deleted).
// - The wording follows the workshop's language: "en" is English, anything
//   else Dutch, the default language.
#pragma once

#include "model/state.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace brug::model {

// The report as Markdown (CommonMark with a GFM table): title, the date of
// the workshop (the day it was closed, or else made) and of the export
// (`now_ms`, wall clock) when that is another day, both as UTC dates,
// the check-in words, the question, each column in the workshop's order with
// its themes by votes (most first) and their cards, the column's cards
// outside a theme, the cards not placed in any column ("Niet geplaatst"),
// the agreements as a table (Wat | Wie | Wanneer) and a closing line.
// All user text is escaped: it cannot make a heading, a list, a link, HTML,
// emphasis or an extra table row or column.
std::string export_markdown(workshop_state const& state, std::int64_t now_ms);

// The content as one CSV table (RFC 4180): UTF-8 with a byte order mark,
// CRLF after every record, a header row, and a `type` column that says what
// a row is (card, theme, agreement, checkin). See export.cpp for the layout.
std::string export_csv(workshop_state const& state);

// Everything as JSON: title, language, phase, prompt, settings, columns,
// clusters, cards, check-ins, vote tallies per target and agreements.
nlohmann::json export_json(workshop_state const& state);

// One CSV field as written by export_csv: a value that a spreadsheet would
// read as a formula (it starts with = + - @, a tab or a carriage return) gets
// a leading apostrophe; a value with a quote, comma, semicolon, line break or
// leading or trailing space is quoted, its quotes doubled.
std::string csv_field(std::string_view value);

} // namespace brug::model
