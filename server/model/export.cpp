// The three export formats share one layout of the board (lay_out below), so
// that they agree on where a card is and in which order things come: columns
// in the workshop's order, themes by votes, cards by votes, then the cards
// not placed in any column. Ties fall back to the board's own positions where
// the facilitator arranged them (columns and themes), and to the random ids
// where positions may follow the order of posting (the unplaced cards: before
// the reveal they are in that order, and later cards are added at the end).
#include "model/export.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace brug::model {
namespace {

// ---------------------------------------------------------------------------
// Wording

// The report's words per language, in one table, so that a translation is a
// second column of this table and no sentence is built in the code. "{}"
// marks where a value goes (see fill()).
struct wording {
    std::string_view workshop_of;       // the workshop's date
    std::string_view report_of;         // the export's date, after the workshop's
    std::string_view report_only;       // the export's date, when the workshop's is unknown
    std::string_view anonymous_note;
    std::string_view hidden_note;       // "{}" cards not revealed yet, so not in the report
    std::string_view checkin_heading;
    std::string_view checkin_intro;
    std::string_view question_heading;
    std::string_view other_cards;       // a column's cards outside its themes
    std::string_view no_cards;
    std::string_view empty_theme;
    std::string_view not_placed;
    std::string_view not_placed_intro;
    std::string_view intention_beneath; // a concern's intention, on the line below it
    std::string_view intention_card;    // an intention posted on its own
    std::string_view one_vote;
    std::string_view many_votes;
    std::string_view votes_on_theme;    // the part of a theme's votes on the theme itself
    std::string_view agreements_heading;
    std::string_view what;
    std::string_view who;
    std::string_view when;
    std::string_view agreement_theme;
    std::string_view nobody_yet;        // an empty cell: no owner or no date
    std::string_view no_agreements;
    std::string_view closing;
    std::string_view closing_without_agreements;
    std::string_view untitled;
    std::array<std::string_view, 12> months;
};

// The wording comes from the articles Brug grew out of: what looks like
// resistance is care, and "veel van het succes hangt samen met het maken van
// heldere afspraken": what, who, and when we come back to it.
constexpr wording dutch{
    .workshop_of = "Workshop van {}",
    .report_of = "verslag van {}",
    .report_only = "Verslag van {}",
    .anonymous_note = "Alles wat het team schreef staat hieronder, anoniem, met de stemmen erbij.",
    .hidden_note = "{} kaartjes zijn nog niet zichtbaar gemaakt; ze staan in het verslag zodra ze "
                   "op het bord staan.",
    .checkin_heading = "Check-in",
    .checkin_intro = "Zo kwamen we binnen: ",
    .question_heading = "De vraag",
    .other_cards = "Overige kaarten",
    .no_cards = "_Geen kaarten._",
    .empty_theme = "_Nog geen kaarten in dit thema._",
    .not_placed = "Niet geplaatst",
    .not_placed_intro = "Deze kaarten kregen geen plek in een kolom, maar horen er wel bij.",
    .intention_beneath = "— intentie: ",
    .intention_card = "_Intentie:_ ",
    .one_vote = "1 stem",
    .many_votes = "{} stemmen",
    .votes_on_theme = ", waarvan {} op het thema zelf",
    .agreements_heading = "Afspraken",
    .what = "Wat",
    .who = "Wie",
    .when = "Wanneer",
    .agreement_theme = " (thema: {})",
    .nobody_yet = "—",
    .no_agreements = "Er zijn nog geen afspraken vastgelegd.",
    .closing = "Afspraken maken is een eerste stap; erop terugkomen maakt het verschil. "
               "Kijk op de afgesproken momenten samen terug, en vraag elkaar tussendoor hoe het gaat.",
    .closing_without_agreements = "Maak ze alsnog helder: wat gaan we doen, wie pakt het op, "
                                  "en wanneer kijken we terug?",
    .untitled = "Workshop",
    .months = {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
               "september", "oktober", "november", "december"},
};

constexpr wording english{
    .workshop_of = "Workshop of {}",
    .report_of = "report of {}",
    .report_only = "Report of {}",
    .anonymous_note = "Everything the team wrote is below, anonymously, with the votes next to it.",
    .hidden_note = "{} cards have not been revealed yet; they will be in the report once they are "
                   "on the board.",
    .checkin_heading = "Check-in",
    .checkin_intro = "How we arrived: ",
    .question_heading = "The question",
    .other_cards = "Other cards",
    .no_cards = "_No cards._",
    .empty_theme = "_No cards in this theme yet._",
    .not_placed = "Not placed",
    .not_placed_intro = "These cards were not placed in a column, but they belong here all the same.",
    .intention_beneath = "— intention: ",
    .intention_card = "_Intention:_ ",
    .one_vote = "1 vote",
    .many_votes = "{} votes",
    .votes_on_theme = ", {} of them on the theme itself",
    .agreements_heading = "Agreements",
    .what = "What",
    .who = "Who",
    .when = "When",
    .agreement_theme = " (theme: {})",
    .nobody_yet = "—",
    .no_agreements = "No agreements were recorded yet.",
    .closing = "Making agreements is a first step; coming back to them makes the difference. "
               "Look back together at the moments you agreed on, and ask each other along the way "
               "how it is going.",
    .closing_without_agreements = "Make them clear still: what will we do, who takes it up, "
                                  "and when do we look back?",
    .untitled = "Workshop",
    .months = {"January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December"},
};

wording const& words_for(std::string_view language) {
    return language == "en" ? english : dutch;
}

// `tmpl` with its first "{}" replaced by `value`.
std::string fill(std::string_view tmpl, std::string_view value) {
    std::string out(tmpl);
    if (auto at = out.find("{}"); at != std::string::npos) out.replace(at, 2, value);
    return out;
}

// The wire names (the same as protocol::to_string, which lives in another
// library; the model's export must not wait for it to link).
std::string_view phase_name(phase p) {
    switch (p) {
    case phase::lobby: return "lobby";
    case phase::checkin: return "checkin";
    case phase::reflect: return "reflect";
    case phase::cluster: return "cluster";
    case phase::vote: return "vote";
    case phase::discuss: return "discuss";
    case phase::agree: return "agree";
    case phase::closed: return "closed";
    }
    return "lobby";
}

std::string_view kind_name(card_kind k) {
    return k == card_kind::intention ? "intention" : "concern";
}

// ---------------------------------------------------------------------------
// Dates

struct civil_date {
    int year = 1970;
    int month = 1; // 1..12
    int day = 1;   // 1..31
};

// The UTC calendar date of a wall-clock time in ms (H. Hinnant's
// civil_from_days). UTC, not the team's zone: the server knows no zone, and
// an export between midnight UTC and midnight in Amsterdam is rare.
civil_date date_of(std::int64_t ms) {
    std::int64_t days = ms / 86'400'000;
    if (ms % 86'400'000 < 0) --days;
    std::int64_t const z = days + 719'468;
    std::int64_t const era = (z >= 0 ? z : z - 146'096) / 146'097;
    std::int64_t const doe = z - era * 146'097;
    std::int64_t const yoe = (doe - doe / 1460 + doe / 36'524 - doe / 146'096) / 365;
    std::int64_t const doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    std::int64_t const mp = (5 * doy + 2) / 153;
    int const day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    int const month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    int const year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
    return {year, month, day};
}

// "22 november 2026" (the same order in both languages; English capitalises
// the month).
std::string long_date(civil_date d, wording const& w) {
    return std::to_string(d.day) + " " + std::string(w.months[static_cast<std::size_t>(d.month - 1)]) +
           " " + std::to_string(d.year);
}

// "2026-11-22".
std::string iso_date(civil_date d) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
    return buf;
}

// A due date `YYYY-MM-DD` (validated by the protocol) as a long date; any
// other text as it is, so that nothing is ever lost from a report.
std::optional<civil_date> parse_iso_date(std::string_view s) {
    auto digits = [&](std::size_t from, std::size_t n) -> std::optional<int> {
        int v = 0;
        for (std::size_t i = from; i < from + n; ++i) {
            if (s[i] < '0' || s[i] > '9') return std::nullopt;
            v = v * 10 + (s[i] - '0');
        }
        return v;
    };
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    auto y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
    if (!y || !m || !d || *m < 1 || *m > 12 || *d < 1) return std::nullopt;
    bool const leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
    constexpr std::array<int, 12> days{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (*d > days[static_cast<std::size_t>(*m - 1)] + (*m == 2 && leap ? 1 : 0)) return std::nullopt;
    return civil_date{*y, *m, *d};
}

// ---------------------------------------------------------------------------
// The layout shared by all formats

struct theme_view {
    cluster const* theme = nullptr;
    int own_votes = 0;   // dots on the theme itself
    int total_votes = 0; // those plus the dots on its cards: what the team gave this theme
    std::vector<card const*> cards;
};

struct column_view {
    column const* col = nullptr;
    std::vector<theme_view> themes;
    std::vector<card const*> loose; // in the column, in no theme
};

struct layout {
    std::unordered_map<std::string, int> votes; // target id -> dots, existing targets only
    std::vector<column_view> columns;
    std::vector<card const*> unplaced;
    std::vector<cluster const*> homeless_themes; // in no known column; the model makes none

    int votes_of(std::string const& id) const {
        auto it = votes.find(id);
        return it == votes.end() ? 0 : it->second;
    }
};

// Sorts cards the way a report reads them: most votes first, then (with
// `by_position`) the board's order, then the random id. The result never
// depends on the order of the state's vectors, which may be that of posting.
void sort_cards(std::vector<card const*>& cards, layout const& l, bool by_position) {
    std::sort(cards.begin(), cards.end(), [&](card const* a, card const* b) {
        int const va = l.votes_of(a->id), vb = l.votes_of(b->id);
        if (va != vb) return va > vb;
        if (by_position && a->position != b->position) return a->position < b->position;
        return a->id < b->id;
    });
}

// Places every card exactly once: in its theme when the theme exists and is
// in the card's column, else loose in its column when the column exists,
// else among the unplaced cards. A theme's place in the order is its total:
// a team that put its dots on the cards of a theme gave that theme weight.
layout lay_out(workshop_state const& s) {
    layout l;

    std::unordered_set<std::string> exists;
    for (auto const& c : s.cards) exists.insert(c.id);
    for (auto const& c : s.clusters) exists.insert(c.id);
    for (auto const& row : s.votes) {
        if (row.count > 0 && exists.count(row.target_id)) l.votes[row.target_id] += row.count;
    }

    std::unordered_map<std::string, std::size_t> column_index;
    for (auto const& col : s.meta.columns) {
        if (column_index.emplace(col.id, l.columns.size()).second) l.columns.push_back({&col, {}, {}});
    }

    // Themes, by column; the index is (column, theme) within l.columns.
    std::unordered_map<std::string, std::pair<std::size_t, std::size_t>> theme_index;
    for (auto const& cl : s.clusters) {
        auto col = column_index.find(cl.column);
        if (col == column_index.end()) {
            l.homeless_themes.push_back(&cl);
            continue;
        }
        auto& themes = l.columns[col->second].themes;
        if (theme_index.emplace(cl.id, std::pair{col->second, themes.size()}).second) {
            themes.push_back({&cl, l.votes_of(cl.id), 0, {}});
        }
    }

    for (auto const& c : s.cards) {
        auto col = c.column ? column_index.find(*c.column) : column_index.end();
        if (col == column_index.end()) {
            l.unplaced.push_back(&c);
            continue;
        }
        auto th = c.cluster_id ? theme_index.find(*c.cluster_id) : theme_index.end();
        if (th != theme_index.end() && th->second.first == col->second) {
            l.columns[col->second].themes[th->second.second].cards.push_back(&c);
        } else {
            l.columns[col->second].loose.push_back(&c);
        }
    }

    for (auto& cv : l.columns) {
        for (auto& tv : cv.themes) {
            tv.total_votes = tv.own_votes;
            for (auto const* c : tv.cards) tv.total_votes += l.votes_of(c->id);
            sort_cards(tv.cards, l, true);
        }
        std::sort(cv.themes.begin(), cv.themes.end(), [](theme_view const& a, theme_view const& b) {
            if (a.total_votes != b.total_votes) return a.total_votes > b.total_votes;
            if (a.theme->position != b.theme->position) return a.theme->position < b.theme->position;
            return a.theme->id < b.theme->id;
        });
        sort_cards(cv.loose, l, true);
    }
    sort_cards(l.unplaced, l, false);
    return l;
}

// Check-in words in alphabetical (byte) order: the state's order may be the
// order of posting, and a facilitator who saw who typed when must not learn
// who answered what from the report.
std::vector<std::string> sorted_checkins(workshop_state const& s) {
    std::vector<std::string> words;
    words.reserve(s.checkins.size());
    for (auto const& c : s.checkins) words.push_back(c.text);
    std::sort(words.begin(), words.end());
    return words;
}

std::vector<agreement const*> sorted_agreements(workshop_state const& s) {
    std::vector<agreement const*> out;
    for (auto const& a : s.agreements) out.push_back(&a);
    std::stable_sort(out.begin(), out.end(),
                     [](agreement const* a, agreement const* b) { return a->position < b->position; });
    return out;
}

cluster const* find_cluster(workshop_state const& s, std::optional<std::string> const& id) {
    if (!id) return nullptr;
    for (auto const& c : s.clusters) {
        if (c.id == *id) return &c;
    }
    return nullptr;
}

column const* find_column(workshop_state const& s, std::string_view id) {
    for (auto const& c : s.meta.columns) {
        if (c.id == id) return &c;
    }
    return nullptr;
}

// ---------------------------------------------------------------------------
// Markdown

// Splits user text into its lines, each trimmed of spaces and tabs, without
// the empty ones: a blank line or leading spaces would end a list item or
// start a code block.
std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    auto take = [&](std::size_t end) {
        auto line = text.substr(start, end - start);
        auto first = line.find_first_not_of(" \t");
        if (first != std::string_view::npos) {
            auto last = line.find_last_not_of(" \t");
            out.push_back(line.substr(first, last - first + 1));
        }
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' || text[i] == '\r') {
            take(i);
            if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
            start = i + 1;
        }
    }
    take(text.size());
    return out;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Escapes one line of user text for Markdown with backslashes (CommonMark
// allows one before any ASCII punctuation). Only what could change the
// layout is escaped, because the report is also read as plain text in a
// mail: emphasis, code, links, HTML and entities, table pipes, strikethrough,
// and, when `line_start` says the text begins a line of the Markdown, what
// would make a list, quote, rule or setext underline there. Control
// characters are dropped, tabs become spaces. UTF-8 needs no care: every
// byte of a multi-byte character is >= 0x80.
std::string escape_line(std::string_view line, bool line_start) {
    std::string out;
    out.reserve(line.size() + 8);

    // The start of a line: "- x", "+ x", "> x", "= x" and "12. x" / "12) x".
    std::size_t i = 0;
    if (!line_start || line.empty()) {
        // nothing to do: inside a line these mean nothing
    } else if (line[0] == '-' || line[0] == '+' || line[0] == '>' || line[0] == '=') {
        out += '\\';
    } else {
        std::size_t n = 0;
        while (n < line.size() && n < 10 && is_digit(line[n])) ++n;
        if (n > 0 && n < line.size() && (line[n] == '.' || line[n] == ')')) {
            out.append(line.substr(0, n));
            out += '\\';
            i = n;
        }
    }

    for (; i < line.size(); ++i) {
        char const c = line[i];
        switch (c) {
        case '\\': case '`': case '*': case '_': case '[': case ']':
        case '<': case '|': case '~': case '#':
            out += '\\';
            out += c;
            break;
        case '&': // "&amp;" and "&#39;" would be read as characters
            if (i + 1 < line.size() && (is_alnum(line[i + 1]) || line[i + 1] == '#')) out += '\\';
            out += c;
            break;
        case '\t':
            out += ' ';
            break;
        default:
            if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out += c;
        }
    }
    return out;
}

// User text as one line, for a heading or a table cell: its lines joined
// with a space. A newline cannot end a heading early or a table row.
std::string md_one_line(std::string_view text) {
    std::string out;
    for (auto line : lines_of(text)) {
        if (!out.empty()) out += ' ';
        out += escape_line(line, false);
    }
    return out;
}

// User text in a block (a list item, a quote): its lines kept, joined by a
// hard line break (two spaces) and `continuation`, the indent or quote
// marker that keeps the next line inside the same block. `first_at_start`:
// whether the first line follows the block's marker directly ("- ", "> "),
// rather than a label.
std::string md_block(std::string_view text, std::string_view continuation, bool first_at_start) {
    std::string out;
    bool first = true;
    for (auto line : lines_of(text)) {
        if (!first) {
            out += "  \n";
            out += continuation;
        }
        out += escape_line(line, first ? first_at_start : true);
        first = false;
    }
    return out;
}

std::string votes_text(int n, wording const& w) {
    return n == 1 ? std::string(w.one_vote) : fill(w.many_votes, std::to_string(n));
}

// " (3 stemmen)" after a card or theme with dots; nothing when it has none,
// so that a session without a vote is not full of zeroes.
std::string votes_suffix(int n, wording const& w) {
    if (n <= 0) return {};
    return " (" + votes_text(n, w) + ")";
}

// One card as a list item: the text with its votes, and for a concern its
// intention on the line beneath it, inside the same item.
void md_card(std::string& out, card const& c, layout const& l, wording const& w) {
    out += "- ";
    if (c.kind == card_kind::intention) out += w.intention_card;
    out += md_block(c.text, "  ", c.kind != card_kind::intention);
    out += votes_suffix(l.votes_of(c.id), w);
    if (c.kind == card_kind::concern && c.intention && !lines_of(*c.intention).empty()) {
        out += "  \n  ";
        out += w.intention_beneath;
        out += md_block(*c.intention, "  ", false);
    }
    out += '\n';
}

void md_cards(std::string& out, std::vector<card const*> const& cards, layout const& l,
              wording const& w) {
    for (auto const* c : cards) md_card(out, *c, l, w);
}

std::string md_table_row(std::initializer_list<std::string> cells) {
    std::string row = "|";
    for (auto const& cell : cells) row += " " + cell + " |";
    return row + "\n";
}

} // namespace

// Builds the report top to bottom. Sections without content are left out
// (no check-in, no question, no unplaced cards), except the agreements: a
// report without them says so and asks for them, as the articles do.
static std::string markdown_of(workshop_state const& s, std::int64_t now_ms, std::size_t hidden) {
    wording const& w = words_for(s.meta.language);
    layout const l = lay_out(s);
    std::string out;

    // Title and date: of the workshop, and of the export when that is another
    // day. A closed workshop was held on the day it was closed (it may have
    // been made days before); an open one goes by the day it was made.
    auto title = md_one_line(s.meta.title);
    out += "# " + (title.empty() ? std::string(w.untitled) : title) + "\n\n";
    auto const today = long_date(date_of(now_ms), w);
    auto const held_ms = s.meta.closed_at_ms > 0 ? s.meta.closed_at_ms : s.meta.created_at_ms;
    if (held_ms > 0) {
        auto const held = long_date(date_of(held_ms), w);
        out += fill(w.workshop_of, held);
        if (held != today) out += " · " + fill(w.report_of, today);
    } else {
        out += fill(w.report_only, today);
    }
    out += ".\n\n";
    out += std::string(w.anonymous_note) + "\n\n";
    if (hidden > 0) out += fill(w.hidden_note, std::to_string(hidden)) + "\n\n";

    // Check-in: the words in alphabetical order, a repeated word counted once
    // with its number.
    auto const words = sorted_checkins(s);
    if (!words.empty()) {
        out += "## " + std::string(w.checkin_heading) + "\n\n" + std::string(w.checkin_intro);
        bool first = true;
        for (std::size_t i = 0; i < words.size();) {
            std::size_t j = i;
            while (j < words.size() && words[j] == words[i]) ++j;
            auto word = md_one_line(words[i]);
            if (!word.empty()) {
                if (!first) out += " · ";
                out += word;
                if (j - i > 1) out += " (" + std::to_string(j - i) + ")";
                first = false;
            }
            i = j;
        }
        out += "\n\n";
    }

    // The question, as a quote.
    if (!lines_of(s.meta.prompt).empty()) {
        out += "## " + std::string(w.question_heading) + "\n\n> " + md_block(s.meta.prompt, "> ", true) +
               "\n\n";
    }

    // Each column: its themes by votes, then its cards outside a theme.
    for (auto const& cv : l.columns) {
        auto col_title = md_one_line(cv.col->title);
        out += "## " + (col_title.empty() ? md_one_line(cv.col->id) : col_title) + "\n\n";
        if (cv.themes.empty() && cv.loose.empty()) {
            out += std::string(w.no_cards) + "\n\n";
            continue;
        }
        for (auto const& tv : cv.themes) {
            out += "### " + md_one_line(tv.theme->title);
            if (tv.total_votes > 0) {
                out += " (" + votes_text(tv.total_votes, w);
                if (tv.own_votes > 0 && tv.own_votes < tv.total_votes) {
                    out += fill(w.votes_on_theme, std::to_string(tv.own_votes));
                }
                out += ")";
            }
            out += "\n\n";
            if (tv.cards.empty()) {
                out += std::string(w.empty_theme) + "\n\n";
            } else {
                md_cards(out, tv.cards, l, w);
                out += "\n";
            }
        }
        if (!cv.loose.empty()) {
            if (!cv.themes.empty()) out += "### " + std::string(w.other_cards) + "\n\n";
            md_cards(out, cv.loose, l, w);
            out += "\n";
        }
    }

    // The cards not placed in any column.
    if (!l.unplaced.empty()) {
        out += "## " + std::string(w.not_placed) + "\n\n" + std::string(w.not_placed_intro) + "\n\n";
        md_cards(out, l.unplaced, l, w);
        out += "\n";
    }

    // Agreements: what, who, when.
    out += "## " + std::string(w.agreements_heading) + "\n\n";
    auto const agreements = sorted_agreements(s);
    if (agreements.empty()) {
        out += std::string(w.no_agreements) + " " + std::string(w.closing_without_agreements) + "\n";
        return out;
    }
    out += md_table_row({std::string(w.what), std::string(w.who), std::string(w.when)});
    out += "| --- | --- | --- |\n";
    for (auto const* a : agreements) {
        auto what = md_one_line(a->text);
        if (auto const* th = find_cluster(s, a->cluster_id)) {
            what += fill(w.agreement_theme, md_one_line(th->title));
        }
        auto who = a->owner ? md_one_line(*a->owner) : std::string();
        std::string when;
        if (a->due) {
            auto d = parse_iso_date(*a->due);
            when = d ? long_date(*d, w) : md_one_line(*a->due);
        }
        out += md_table_row({what.empty() ? std::string(w.nobody_yet) : what,
                             who.empty() ? std::string(w.nobody_yet) : who,
                             when.empty() ? std::string(w.nobody_yet) : when});
    }
    out += "\n" + std::string(w.closing) + "\n";
    return out;
}

// ---------------------------------------------------------------------------
// CSV

std::string csv_field(std::string_view value) {
    std::string v;
    // A spreadsheet runs a cell that starts with one of these as a formula
    // (OWASP "CSV injection"); the apostrophe makes it text. The cost: the
    // apostrophe shows in a cell such as "-1 vergadering per week".
    if (!value.empty() && (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@' ||
                           value[0] == '\t' || value[0] == '\r')) {
        v += '\'';
    }
    v.append(value);

    // Semicolons too: a spreadsheet set to Dutch splits on them when guessing.
    if (v.empty()) return v;
    bool const quote = v.find_first_of("\",;\r\n") != std::string::npos || v.front() == ' ' ||
                       v.back() == ' ';
    if (!quote) return v;
    std::string out = "\"";
    for (char c : v) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

namespace {

// One record: the fields as given (already csv_field'ed or known-safe), CRLF.
void csv_record(std::string& out, std::initializer_list<std::string> fields) {
    bool first = true;
    for (auto const& f : fields) {
        if (!first) out += ',';
        out += f;
        first = false;
    }
    out += "\r\n";
}

} // namespace

// The layout: one table, one header row, a `type` column first.
//
//   type,kind,text,intention,column,theme,votes,owner,due
//   theme,,<title>,,<column title>,<title>,<dots on the theme itself>,,
//   card,concern|intention,<text>,<intention>,<column title>,<theme title>,<dots>,,
//   agreement,,<text>,,<column of its theme>,<theme title>,,<owner>,<due>
//   checkin,,<word>,,,,,,
//
// Rows come in the report's order: per column each theme followed by its
// cards, then the column's other cards, then the unplaced cards (empty
// column), the agreements and the check-in words (sorted). `votes` holds the
// dots on that very target, so that the column sums to all dots cast; the
// Markdown report shows a theme's total with its cards. Header and the
// `type`/`kind` values are fixed English words, the same in every language,
// so that a script or a filter can rely on them. Commas separate fields
// (RFC 4180); a spreadsheet set to Dutch may want "Data > From Text/CSV".
static std::string csv_of(workshop_state const& s) {
    layout const l = lay_out(s);
    std::string out = "\xEF\xBB\xBF"; // UTF-8 BOM: without it a spreadsheet guesses a legacy code page
    csv_record(out, {"type", "kind", "text", "intention", "column", "theme", "votes", "owner", "due"});

    auto card_row = [&](card const& c, std::string const& column_title, std::string const& theme) {
        csv_record(out, {"card", std::string(kind_name(c.kind)), csv_field(c.text),
                         csv_field(c.intention.value_or("")), csv_field(column_title), csv_field(theme),
                         std::to_string(l.votes_of(c.id)), "", ""});
    };

    for (auto const& cv : l.columns) {
        for (auto const& tv : cv.themes) {
            csv_record(out, {"theme", "", csv_field(tv.theme->title), "", csv_field(cv.col->title),
                             csv_field(tv.theme->title), std::to_string(tv.own_votes), "", ""});
            for (auto const* c : tv.cards) card_row(*c, cv.col->title, tv.theme->title);
        }
        for (auto const* c : cv.loose) card_row(*c, cv.col->title, "");
    }
    for (auto const* c : l.unplaced) card_row(*c, "", "");
    for (auto const* th : l.homeless_themes) {
        csv_record(out, {"theme", "", csv_field(th->title), "", "", csv_field(th->title),
                         std::to_string(l.votes_of(th->id)), "", ""});
    }

    for (auto const* a : sorted_agreements(s)) {
        std::string theme, column_title;
        if (auto const* th = find_cluster(s, a->cluster_id)) {
            theme = th->title;
            if (auto const* col = find_column(s, th->column)) column_title = col->title;
        }
        csv_record(out, {"agreement", "", csv_field(a->text), "", csv_field(column_title),
                         csv_field(theme), "", csv_field(a->owner.value_or("")),
                         csv_field(a->due.value_or(""))});
    }
    for (auto const& word : sorted_checkins(s)) {
        csv_record(out, {"checkin", "", csv_field(word), "", "", "", "", "", ""});
    }
    return out;
}

// ---------------------------------------------------------------------------
// JSON

namespace {

nlohmann::json optional_string(std::optional<std::string> const& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

} // namespace

// Written field by field from the state, never by copying a whole struct, so
// that a field added to `card` or `workshop_meta` later (an author tag, a
// time) cannot slip into the export unnoticed. Cards and clusters come in the
// report's order, not in the state's (which may be the order of posting).
static nlohmann::json json_of(workshop_state const& s, std::size_t hidden) {
    layout const l = lay_out(s);
    auto const& m = s.meta;
    nlohmann::json j;
    j["format"] = "brug-export";
    j["version"] = 1;
    j["code"] = m.code;
    j["title"] = m.title;
    j["language"] = m.language;
    j["phase"] = phase_name(m.current_phase);
    j["prompt"] = m.prompt;
    j["revealed"] = m.revealed;
    j["hidden_cards"] = hidden;
    // The workshop's dates, not times: a report needs the day, and no time
    // of any kind sits next to the cards.
    j["created_on"] = m.created_at_ms > 0 ? nlohmann::json(iso_date(date_of(m.created_at_ms)))
                                          : nlohmann::json(nullptr);
    j["closed_on"] = m.closed_at_ms > 0 ? nlohmann::json(iso_date(date_of(m.closed_at_ms)))
                                        : nlohmann::json(nullptr);
    j["settings"] = {{"votes_per_participant", m.settings.votes_per_participant},
                     {"anonymity_threshold", m.settings.anonymity_threshold},
                     {"max_card_chars", m.settings.max_card_chars}};

    auto& columns = j["columns"] = nlohmann::json::array();
    for (auto const& col : m.columns) columns.push_back({{"id", col.id}, {"title", col.title}});

    auto& clusters = j["clusters"] = nlohmann::json::array();
    auto& cards = j["cards"] = nlohmann::json::array();
    auto add_card = [&](card const& c, int position) {
        cards.push_back({{"id", c.id},
                         {"kind", kind_name(c.kind)},
                         {"text", c.text},
                         {"intention", optional_string(c.intention)},
                         {"column", optional_string(c.column)},
                         {"cluster_id", optional_string(c.cluster_id)},
                         {"position", position},
                         {"votes", l.votes_of(c.id)}});
    };
    auto add_cluster = [&](cluster const& c) {
        clusters.push_back({{"id", c.id},
                            {"column", c.column},
                            {"title", c.title},
                            {"position", c.position},
                            {"votes", l.votes_of(c.id)}});
    };
    for (auto const& cv : l.columns) {
        for (auto const& tv : cv.themes) {
            add_cluster(*tv.theme);
            for (auto const* c : tv.cards) add_card(*c, c->position);
        }
        for (auto const* c : cv.loose) add_card(*c, c->position);
    }
    // The unplaced cards' own positions may be their order of posting: they
    // are numbered in the export's order instead.
    for (std::size_t i = 0; i < l.unplaced.size(); ++i) add_card(*l.unplaced[i], static_cast<int>(i));
    for (auto const* c : l.homeless_themes) add_cluster(*c);

    j["checkins"] = sorted_checkins(s);

    // A std::map, so that the targets come in a stable order.
    std::map<std::string, int> per_target(l.votes.begin(), l.votes.end());
    int total = 0;
    for (auto const& [id, n] : per_target) total += n;
    j["votes"] = {{"per_target", per_target}, {"total", total}};

    auto& agreements = j["agreements"] = nlohmann::json::array();
    for (auto const* a : sorted_agreements(s)) {
        agreements.push_back({{"id", a->id},
                              {"text", a->text},
                              {"owner", optional_string(a->owner)},
                              {"due", optional_string(a->due)},
                              {"cluster_id", optional_string(a->cluster_id)},
                              {"position", a->position}});
    }
    return j;
}

// Before the reveal, the cards do not exist for the facilitator (protocol.md
// 3.6), and an export must not be a way around the anonymity threshold: the
// hidden cards are counted, not shown. Once revealed, every card is in it.
namespace {

struct shown {
    workshop_state const* state;
    workshop_state copy;
    std::size_t hidden = 0;

    explicit shown(workshop_state const& s) : state(&s) {
        if (s.meta.revealed || s.cards.empty()) return;
        copy.meta = s.meta;
        copy.clusters = s.clusters;
        copy.agreements = s.agreements;
        copy.checkins = s.checkins;
        copy.votes = s.votes;
        hidden = s.cards.size();
        state = &copy;
    }
};

} // namespace

std::string export_markdown(workshop_state const& s, std::int64_t now_ms) {
    shown v(s);
    return markdown_of(*v.state, now_ms, v.hidden);
}

std::string export_csv(workshop_state const& s) { return csv_of(*shown(s).state); }

nlohmann::json export_json(workshop_state const& s) {
    shown v(s);
    return json_of(*v.state, v.hidden);
}

} // namespace brug::model
