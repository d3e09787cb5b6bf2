// The export formats (protocol.md 2): the Markdown report, the CSV table and
// the JSON data, from a workshop state made by hand. Each case names the rule
// it proves.

#include "model/export.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

using namespace brug;
using json = nlohmann::json;

namespace {

constexpr std::int64_t workshop_day = 1'795'165'200'000; // 2026-11-20 09:00 UTC
constexpr std::int64_t export_day = 1'795'347'000'000;   // 2026-11-22 11:30 UTC

model::card make_card(std::string id, std::string text, std::optional<std::string> column = {},
                      std::optional<std::string> cluster = {}, int position = 0) {
    model::card c;
    c.id = std::move(id);
    c.text = std::move(text);
    c.column = std::move(column);
    c.cluster_id = std::move(cluster);
    c.position = position;
    c.author_tag = "authortag-SECRET-" + c.id;
    c.author = 1;
    return c;
}

model::vote_row vote(std::string target, int count, std::string voter = "votertag-SECRET") {
    return {std::move(voter), std::move(target), count};
}

// A small session about a new CRM: two columns with themes, a loose card,
// cards not placed (one without a column, one whose column is unknown),
// votes on cards and on a theme, check-in words, agreements, and everything
// that must never leave the server marked "SECRET".
model::workshop_state sample_workshop(std::string language = "nl") {
    model::workshop_state s;
    s.meta.code = "K7QM-3XPA";
    s.meta.title = "Nieuw CRM in het salesteam";
    s.meta.language = language;
    s.meta.facilitator_key_hash = "keyhash-SECRET";
    s.meta.columns = {{"behouden", "Behouden"}, {"vernieuwen", "Vernieuwen"}};
    s.meta.current_phase = protocol::phase::closed;
    s.meta.prompt = "Wat maakt deze verandering lastig voor jou?";
    s.meta.revealed = true;
    s.meta.created_at_ms = workshop_day;
    s.meta.closed_at_ms = workshop_day + 5'400'000;

    s.clusters = {{"cl-contact", "behouden", "Persoonlijk contact", 0},
                  {"cl-tempo", "behouden", "Tempo", 1},
                  {"cl-tools", "vernieuwen", "Nieuwe tools", 0}};

    auto k1 = make_card("k1", "Ik ken mijn klanten persoonlijk", "behouden", "cl-contact", 0);
    k1.intention = "Klanten moeten zich gekend voelen";
    auto k2 = make_card("k2", "Bellen in plaats van mailen", "behouden", "cl-contact", 1);
    auto k3 = make_card("k3", "Alles verandert tegelijk", "behouden", "cl-tempo", 0);
    k3.intention = "Stap voor stap, zodat iedereen mee kan";
    auto k4 = make_card("k4", "Samen leren werken met de nieuwe tools", "vernieuwen", "cl-tools", 0);
    k4.kind = protocol::card_kind::intention;
    auto k5 = make_card("k5", "Dashboards die niemand leest", "vernieuwen", std::nullopt, 0);
    auto k6 = make_card("k6", "Wie beslist er eigenlijk over de planning?", std::nullopt, std::nullopt, 0);
    auto k7 = make_card("k7", "Een kaart in een kolom die niet meer bestaat", "weg", std::nullopt, 0);
    s.cards = {k7, k5, k3, k1, k6, k4, k2}; // not the board's order

    s.votes = {vote("k1", 1, "v1"), vote("k1", 1, "v2"), vote("cl-tempo", 3, "v3"), vote("cl-tempo", 1, "v4"),
               vote("k2", 1), vote("cl-tools", 1), vote("k4", 2), vote("k6", 1),
               vote("deleted-card", 5)};

    s.checkins = {{"ci1", "moe"}, {"ci2", "benieuwd"}, {"ci3", "onrustig"}, {"ci4", "benieuwd"}};

    model::agreement a1;
    a1.id = "a1";
    a1.text = "Koen neemt nieuwe collega's mee op klantbezoek";
    a1.owner = "Koen";
    a1.due = "2026-12-15";
    a1.cluster_id = "cl-contact";
    a1.position = 0;
    model::agreement a2;
    a2.id = "a2";
    a2.text = "We kijken samen terug op het CRM";
    a2.owner = "Mark";
    a2.due = "2027-01-20";
    a2.position = 1;
    s.agreements = {a2, a1};

    model::participant p;
    p.token_hash = "tokenhash-SECRET";
    p.author_key = "authorkey-SECRET";
    p.has_card = true;
    p.votes_used = 2;
    p.votes = {{"k1", 2}};
    s.participants = {p};
    s.nonces = {{"noncetag-SECRET", R"({"type":"ack","req":1,"card_id":"k1"})"}};
    return s;
}

// A workshop with one column and nothing but the given cards and agreements.
model::workshop_state bare_workshop(std::string language = "nl") {
    model::workshop_state s;
    s.meta.title = "Retro";
    s.meta.language = language;
    s.meta.columns = {{"behouden", "Behouden"}};
    s.meta.created_at_ms = workshop_day;
    s.meta.revealed = true; // cards are exported once revealed (see the test on hidden cards)
    return s;
}

// Parses RFC 4180 text (after the BOM) into records of fields, and fails the
// test on anything that is not RFC 4180: a bare LF or CR as a record end, a
// quote inside an unquoted field, text after a closing quote.
std::vector<std::vector<std::string>> parse_csv(std::string_view text) {
    // FAIL only when broken, so that a long text does not count as thousands of assertions.
    auto expect = [](bool ok, char const* what) {
        if (!ok) FAIL("not RFC 4180: " << what);
    };
    std::vector<std::vector<std::string>> records;
    std::vector<std::string> record;
    std::string field;
    std::size_t i = 0;
    while (i < text.size()) {
        if (text[i] == '"') {
            ++i;
            while (true) {
                expect(i < text.size(), "a quoted field is not closed");
                if (text[i] == '"') {
                    if (i + 1 < text.size() && text[i + 1] == '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                field += text[i++];
            }
            expect(i < text.size() && (text[i] == ',' || text[i] == '\r'), "text after a closing quote");
        } else {
            while (i < text.size() && text[i] != ',' && text[i] != '\r') {
                expect(text[i] != '"', "a quote in an unquoted field");
                expect(text[i] != '\n', "a bare LF");
                field += text[i++];
            }
            expect(i < text.size(), "the last record has no CRLF");
        }
        if (text[i] == ',') {
            record.push_back(std::move(field));
            field.clear();
            ++i;
        } else {
            expect(text.substr(i, 2) == "\r\n", "a bare CR");
            record.push_back(std::move(field));
            field.clear();
            records.push_back(std::move(record));
            record.clear();
            i += 2;
        }
    }
    return records;
}

std::string_view const bom = "\xEF\xBB\xBF";

std::vector<std::vector<std::string>> csv_records(model::workshop_state const& s) {
    auto const text = model::export_csv(s);
    REQUIRE(text.substr(0, 3) == bom);
    return parse_csv(std::string_view(text).substr(3));
}

std::vector<std::string> lines(std::string_view text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        out.emplace_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

// The place of `needle` in `text`; fails the test when it is not there.
std::size_t place_of(std::string const& text, std::string const& needle) {
    auto at = text.find(needle);
    INFO("looking for: " << needle);
    REQUIRE(at != std::string::npos);
    return at;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

// Every key anywhere in `j`, at any depth.
void collect_keys(json const& j, std::vector<std::string>& keys) {
    if (j.is_object()) {
        for (auto const& [key, value] : j.items()) {
            keys.push_back(key);
            collect_keys(value, keys);
        }
    } else if (j.is_array()) {
        for (auto const& value : j) collect_keys(value, keys);
    }
}

} // namespace

// ---------------------------------------------------------------------------
// CSV

TEST_CASE("export csv: starts with a UTF-8 byte order mark and ends every record with CRLF") {
    auto const text = model::export_csv(sample_workshop());
    REQUIRE(text.substr(0, 3) == bom);
    REQUIRE(text.size() > 5);
    CHECK(text.substr(text.size() - 2) == "\r\n");
    // No record end without its CR: every LF outside a quoted field follows a CR.
    auto const records = csv_records(sample_workshop());
    CHECK(records.front() ==
          std::vector<std::string>{"type", "kind", "text", "intention", "column", "theme", "votes", "owner", "due"});
    for (auto const& r : records) CHECK(r.size() == 9);
}

TEST_CASE("export csv: a field is quoted when it holds a quote, comma, semicolon or line break") {
    auto [input, expected] = GENERATE(table<std::string, std::string>({
        {"gewoon tekst", "gewoon tekst"},
        {"zeg \"nee\"", "\"zeg \"\"nee\"\"\""},
        {"\"", "\"\"\"\""},
        {"klanten, collega's", "\"klanten, collega's\""},
        {"behouden; vernieuwen", "\"behouden; vernieuwen\""},
        {"regel 1\nregel 2", "\"regel 1\nregel 2\""},
        {"regel 1\r\nregel 2", "\"regel 1\r\nregel 2\""},
        {"alleen\rCR", "\"alleen\rCR\""},
        {"café ☕ en 🙂 blij", "café ☕ en 🙂 blij"},
        {"🙂, \"ja\"; 👍🏽", "\"🙂, \"\"ja\"\"; 👍🏽\""},
        {" spatie vooraan", "\" spatie vooraan\""},
        {"spatie achteraan ", "\"spatie achteraan \""},
        {"", ""},
    }));
    INFO("input: " << input);
    CHECK(model::csv_field(input) == expected);
}

TEST_CASE("export csv: a cell that starts like a formula is neutralised with an apostrophe") {
    auto [input, expected] = GENERATE(table<std::string, std::string>({
        {"=SUM(A1:A9)", "'=SUM(A1:A9)"},
        {"+31 6 1234", "'+31 6 1234"},
        {"-1 vergadering per week", "'-1 vergadering per week"},
        {"@koen", "'@koen"},
        {"\tverstopt", "'\tverstopt"},
        {"=HYPERLINK(\"http://x\",\"klik\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"klik\"\")\""},
        {"=1;2", "\"'=1;2\""},
        {"a=b", "a=b"},
        {"e-mail", "e-mail"},
        {"2026-12-15", "2026-12-15"},
    }));
    INFO("input: " << input);
    CHECK(model::csv_field(input) == expected);
}

TEST_CASE("export csv: user text with quotes, commas, semicolons, line breaks and emoji reads back unchanged") {
    auto text = GENERATE(as<std::string>{}, "zeg \"nee\"", "klanten, collega's", "behouden; vernieuwen",
                         "regel 1\nregel 2", "regel 1\r\nregel 2", "🙂 blij, \"echt\"; 👍🏽\r\nklaar",
                         "één, twee", "tab\there");
    auto s = bare_workshop();
    auto c = make_card("k1", text, "behouden");
    c.intention = text;
    s.cards = {c};
    model::agreement a;
    a.id = "a1";
    a.text = text;
    a.owner = text;
    s.agreements = {a};
    s.checkins = {{"ci", text}};

    auto const records = csv_records(s);
    REQUIRE(records.size() == 4); // header, card, agreement, check-in
    CHECK(records[1] == std::vector<std::string>{"card", "concern", text, text, "Behouden", "", "0", "", ""});
    CHECK(records[2] == std::vector<std::string>{"agreement", "", text, "", "", "", "", text, ""});
    CHECK(records[3] == std::vector<std::string>{"checkin", "", text, "", "", "", "", "", ""});
}

TEST_CASE("export csv: rows follow the report, a theme before its cards, with a type per row") {
    auto const records = csv_records(sample_workshop());
    std::vector<std::string> order;
    for (auto const& r : records) order.push_back(r[0] + ":" + r[2]);
    std::vector<std::string> const expected{
        "type:text",
        "theme:Tempo",
        "card:Alles verandert tegelijk",
        "theme:Persoonlijk contact",
        "card:Ik ken mijn klanten persoonlijk",
        "card:Bellen in plaats van mailen",
        "theme:Nieuwe tools",
        "card:Samen leren werken met de nieuwe tools",
        "card:Dashboards die niemand leest",
        "card:Wie beslist er eigenlijk over de planning?",
        "card:Een kaart in een kolom die niet meer bestaat",
        "agreement:Koen neemt nieuwe collega's mee op klantbezoek",
        "agreement:We kijken samen terug op het CRM",
        "checkin:benieuwd",
        "checkin:benieuwd",
        "checkin:moe",
        "checkin:onrustig",
    };
    CHECK(order == expected);
    // A theme's votes are its own dots; a card's, its own.
    CHECK(records[1] == std::vector<std::string>{"theme", "", "Tempo", "", "Behouden", "Tempo", "4", "", ""});
    CHECK(records[4] == std::vector<std::string>{"card", "concern", "Ik ken mijn klanten persoonlijk",
                                                 "Klanten moeten zich gekend voelen", "Behouden",
                                                 "Persoonlijk contact", "2", "", ""});
    CHECK(records[7][1] == "intention");
    CHECK(records[11] == std::vector<std::string>{"agreement", "", "Koen neemt nieuwe collega's mee op klantbezoek",
                                                  "", "Behouden", "Persoonlijk contact", "", "Koen",
                                                  "2026-12-15"});
}

// ---------------------------------------------------------------------------
// Markdown

TEST_CASE("export markdown: user text cannot make markup, a heading, a list or a link") {
    auto [input, expected] = GENERATE(table<std::string, std::string>({
        {"**vet** en _schuin_", "\\*\\*vet\\*\\* en \\_schuin\\_"},
        {"# geen kop", "\\# geen kop"},
        {"## Afspraken", "\\#\\# Afspraken"},
        {"a | b", "a \\| b"},
        {"`code` en ```blok```", "\\`code\\` en \\`\\`\\`blok\\`\\`\\`"},
        {"<script>alert(1)</script>", "\\<script>alert(1)\\</script>"},
        {"[klik](http://x.nl)", "\\[klik\\](http://x.nl)"},
        {"![beeld](x.png)", "!\\[beeld\\](x.png)"},
        {"- geen lijst", "\\- geen lijst"},
        {"+ geen lijst", "\\+ geen lijst"},
        {"> geen citaat", "\\> geen citaat"},
        {"1. geen lijst", "1\\. geen lijst"},
        {"2026) geen lijst", "2026\\) geen lijst"},
        {"~~weg~~", "\\~\\~weg\\~\\~"},
        {"a\\b", "a\\\\b"},
        {"R&amp;D", "R\\&amp;D"},
        {"jij & ik", "jij & ik"},
        {"regel 1\nregel 2", "regel 1  \n  regel 2"},
        {"regel 1\r\n\r\n    - regel 2", "regel 1  \n  \\- regel 2"},
        {"regel 1\n===", "regel 1  \n  \\==="},
        {"regel 1\n---", "regel 1  \n  \\---"},
        {"café 🙂 ☕", "café 🙂 ☕"},
    }));
    auto s = bare_workshop();
    s.cards = {make_card("k1", input, "behouden")};
    auto const md = model::export_markdown(s, export_day);
    INFO(md);
    CHECK(contains(md, "\n- " + expected + "\n"));
    // The only headings are the report's own: the title, the column, the agreements.
    int headings = 0;
    for (auto const& line : lines(md)) headings += !line.empty() && line[0] == '#';
    CHECK(headings == 3);
}

TEST_CASE("export markdown: list and quote markers are escaped only where a line starts") {
    auto s = bare_workshop();
    auto concern = make_card("k1", "- zorg\n+ nog een", "behouden", std::nullopt, 0);
    concern.intention = "- ik wil\n> dit";
    auto intention = make_card("k2", "1. eerst dit", "behouden", std::nullopt, 1);
    intention.kind = protocol::card_kind::intention;
    s.cards = {concern, intention};
    s.checkins = {{"ci", "- moe"}};
    model::agreement a;
    a.id = "a1";
    a.text = "= gelijk";
    a.owner = "- Koen";
    s.agreements = {a};
    auto const md = model::export_markdown(s, export_day);
    INFO(md);
    CHECK(contains(md, "- \\- zorg  \n  \\+ nog een  \n  — intentie: - ik wil  \n  \\> dit\n"));
    CHECK(contains(md, "- _Intentie:_ 1. eerst dit\n"));
    CHECK(contains(md, "Zo kwamen we binnen: - moe\n"));
    CHECK(contains(md, "| = gelijk | - Koen | — |\n"));
}

TEST_CASE("export markdown: a due date is written out when it is a real date, else shown as it is") {
    auto [due, shown] = GENERATE(table<std::string, std::string>({
        {"2026-12-15", "15 december 2026"},
        {"2028-02-29", "29 februari 2028"},
        {"2027-02-29", "2027-02-29"},
        {"2026-04-31", "2026-04-31"},
        {"2026-13-01", "2026-13-01"},
        {"volgende week", "volgende week"},
    }));
    auto s = bare_workshop();
    model::agreement a;
    a.id = "a1";
    a.text = "Terugkijken";
    a.due = due;
    s.agreements = {a};
    CHECK(contains(model::export_markdown(s, export_day), "| Terugkijken | — | " + shown + " |\n"));
}

TEST_CASE("export markdown: an agreement with a pipe and a line break stays one table row") {
    auto s = bare_workshop();
    model::agreement a;
    a.id = "a1";
    a.text = "Wekelijks | kort\nbijpraten";
    a.owner = "Koen |\nMark";
    a.due = "2026-12-15";
    model::agreement b;
    b.id = "a2";
    b.text = "Geen eigenaar, geen datum";
    b.position = 1;
    s.agreements = {a, b};
    auto const md = model::export_markdown(s, export_day);
    INFO(md);

    std::vector<std::string> rows;
    for (auto const& line : lines(md)) {
        if (!line.empty() && line[0] == '|') rows.push_back(line);
    }
    REQUIRE(rows.size() == 4); // header, separator, two agreements
    CHECK(rows[0] == "| Wat | Wie | Wanneer |");
    CHECK(rows[1] == "| --- | --- | --- |");
    CHECK(rows[2] == "| Wekelijks \\| kort bijpraten | Koen \\| Mark | 15 december 2026 |");
    CHECK(rows[3] == "| Geen eigenaar, geen datum | — | — |");
}

TEST_CASE("export markdown: themes are ordered by votes, most first, with the votes next to them") {
    auto const md = model::export_markdown(sample_workshop(), export_day);
    INFO(md);
    // Tempo has 4 dots on the theme; Persoonlijk contact 3 on its cards: Tempo first,
    // although it comes second on the board.
    auto const tempo = place_of(md, "### Tempo (4 stemmen)\n");
    auto const contact = place_of(md, "### Persoonlijk contact (3 stemmen)\n");
    CHECK(tempo < contact);
    // Cards by votes within a theme, the votes next to them.
    auto const k1 = place_of(md, "- Ik ken mijn klanten persoonlijk (2 stemmen)");
    auto const k2 = place_of(md, "- Bellen in plaats van mailen (1 stem)\n");
    CHECK(contact < k1);
    CHECK(k1 < k2);
    // A theme with dots on itself and on its cards says how they split.
    CHECK(contains(md, "### Nieuwe tools (3 stemmen, waarvan 1 op het thema zelf)\n"));
    // A card without dots carries no zero.
    CHECK(contains(md, "- Dashboards die niemand leest\n"));
}

TEST_CASE("export markdown: a concern shows its intention beneath it, in the same list item") {
    auto const md = model::export_markdown(sample_workshop(), export_day);
    CHECK(contains(md, "- Ik ken mijn klanten persoonlijk (2 stemmen)  \n"
                       "  — intentie: Klanten moeten zich gekend voelen\n"));
    CHECK(contains(md, "- _Intentie:_ Samen leren werken met de nieuwe tools (2 stemmen)\n"));
}

TEST_CASE("export markdown: columns come in the workshop's order, then the cards not placed in any column") {
    auto const md = model::export_markdown(sample_workshop(), export_day);
    INFO(md);
    auto const behouden = place_of(md, "## Behouden\n");
    auto const vernieuwen = place_of(md, "## Vernieuwen\n");
    auto const loose = place_of(md, "### Overige kaarten\n\n- Dashboards die niemand leest\n");
    auto const unplaced = place_of(md, "## Niet geplaatst\n");
    auto const agreements = place_of(md, "## Afspraken\n");
    CHECK(behouden < vernieuwen);
    CHECK(vernieuwen < loose);
    CHECK(loose < unplaced);
    CHECK(unplaced < agreements);
    // Both unplaced cards: the one without a column, and the one whose column is gone.
    auto const k6 = place_of(md, "- Wie beslist er eigenlijk over de planning? (1 stem)\n");
    auto const k7 = place_of(md, "- Een kaart in een kolom die niet meer bestaat\n");
    CHECK(unplaced < k6);
    CHECK(k6 < agreements);
    CHECK(unplaced < k7);
    CHECK(k7 < agreements);
}

TEST_CASE("export markdown: the report opens with title, date, check-in words and the question") {
    auto const md = model::export_markdown(sample_workshop(), export_day);
    INFO(md);
    CHECK(md.rfind("# Nieuw CRM in het salesteam\n\nWorkshop van 20 november 2026 · verslag van 22 november 2026.\n",
                   0) == 0);
    // Sorted, a repeated word counted: the order of posting is gone.
    CHECK(contains(md, "## Check-in\n\nZo kwamen we binnen: benieuwd (2) · moe · onrustig\n"));
    CHECK(contains(md, "## De vraag\n\n> Wat maakt deze verandering lastig voor jou?\n"));
    CHECK(place_of(md, "## Check-in") < place_of(md, "## De vraag"));
    CHECK(place_of(md, "## De vraag") < place_of(md, "## Behouden"));
}

TEST_CASE("export markdown: the date is the workshop's, and the export's when that is another day") {
    constexpr std::int64_t day = 86'400'000;
    auto s = bare_workshop();
    s.meta.created_at_ms = workshop_day;
    CHECK(contains(model::export_markdown(s, workshop_day + 3'600'000), "\nWorkshop van 20 november 2026.\n"));
    CHECK(contains(model::export_markdown(s, export_day),
                   "\nWorkshop van 20 november 2026 · verslag van 22 november 2026.\n"));
    // Made two days before, held and closed on the 20th.
    s.meta.created_at_ms = workshop_day - 2 * day;
    s.meta.closed_at_ms = workshop_day;
    CHECK(contains(model::export_markdown(s, workshop_day), "\nWorkshop van 20 november 2026.\n"));
    s.meta.created_at_ms = 0;
    s.meta.closed_at_ms = 0;
    CHECK(contains(model::export_markdown(s, 1'709'208'000'000), "\nVerslag van 29 februari 2024.\n"));
    CHECK(contains(model::export_markdown(s, 0), "\nVerslag van 1 januari 1970.\n"));
    CHECK(contains(model::export_markdown(s, 4'102'444'800'000 - 1), "\nVerslag van 31 december 2099.\n"));
}

TEST_CASE("export markdown: Dutch and English wording follow the workshop's language") {
    struct expectation {
        std::string language;
        std::vector<std::string> phrases;
    };
    auto e = GENERATE(values<expectation>({
        {"nl",
         {"Workshop van 20 november 2026 · verslag van 22 november 2026.", "## Check-in",
          "Zo kwamen we binnen: ", "## De vraag", "(4 stemmen)", "(1 stem)", "— intentie: ",
          "### Overige kaarten", "## Niet geplaatst", "## Afspraken", "| Wat | Wie | Wanneer |",
          "15 december 2026", "(thema: Persoonlijk contact)", "erop terugkomen maakt het verschil"}},
        {"en",
         {"Workshop of 20 November 2026 · report of 22 November 2026.", "## Check-in", "How we arrived: ",
          "## The question", "(4 votes)", "(1 vote)", "— intention: ", "### Other cards", "## Not placed",
          "## Agreements", "| What | Who | When |", "15 December 2026", "(theme: Persoonlijk contact)",
          "coming back to them makes the difference"}},
    }));
    auto const md = model::export_markdown(sample_workshop(e.language), export_day);
    INFO(md);
    for (auto const& phrase : e.phrases) {
        INFO("phrase: " << phrase);
        CHECK(contains(md, phrase));
    }
    auto const other = e.language == "nl" ? "Niet geplaatst" : "Not placed";
    CHECK(contains(md, other));
    CHECK_FALSE(contains(md, e.language == "nl" ? "## Agreements" : "## Afspraken"));
}

TEST_CASE("export markdown: without agreements the report asks for them") {
    auto const md = model::export_markdown(bare_workshop(), export_day);
    CHECK(contains(md, "## Afspraken\n\nEr zijn nog geen afspraken vastgelegd. "
                       "Maak ze alsnog helder: wat gaan we doen, wie pakt het op, en wanneer kijken we terug?\n"));
    CHECK(contains(md, "## Behouden\n\n_Geen kaarten._\n"));
}

// ---------------------------------------------------------------------------
// All formats

TEST_CASE("export: every card is in every format, placed or not") {
    auto const s = sample_workshop();
    auto const md = model::export_markdown(s, export_day);
    auto const records = csv_records(s);
    auto const j = model::export_json(s);

    REQUIRE(j["cards"].size() == s.cards.size());
    for (auto const& c : s.cards) {
        INFO("card: " << c.text);
        CHECK(contains(md, "- " + std::string(c.kind == protocol::card_kind::intention ? "_Intentie:_ " : "") +
                               c.text));
        auto const rows = std::count_if(records.begin(), records.end(),
                                        [&](auto const& r) { return r[0] == "card" && r[2] == c.text; });
        CHECK(rows == 1);
        auto const in_json = std::count_if(j["cards"].begin(), j["cards"].end(), [&](json const& x) {
            return x["id"] == c.id && x["text"] == c.text;
        });
        CHECK(in_json == 1);
    }
}

TEST_CASE("export: the order of the unplaced cards does not follow their positions, which may be the order of posting") {
    // Before the reveal, unplaced cards have the positions 0, 1, 2... in the
    // order they were posted; the state's vector may be in that order too.
    auto s = bare_workshop();
    s.cards = {make_card("c-first", "eerst gepost", std::nullopt, std::nullopt, 0),
               make_card("a-second", "daarna gepost", std::nullopt, std::nullopt, 1),
               make_card("b-third", "als laatste gepost", std::nullopt, std::nullopt, 2)};
    // By their random ids instead: a-second, b-third, c-first.
    auto const md = model::export_markdown(s, export_day);
    CHECK(place_of(md, "- daarna gepost") < place_of(md, "- als laatste gepost"));
    CHECK(place_of(md, "- als laatste gepost") < place_of(md, "- eerst gepost"));

    auto const records = csv_records(s);
    REQUIRE(records.size() == 4);
    CHECK(records[1][2] == "daarna gepost");
    CHECK(records[2][2] == "als laatste gepost");
    CHECK(records[3][2] == "eerst gepost");

    auto const j = model::export_json(s);
    REQUIRE(j["cards"].size() == 3);
    for (int i = 0; i < 3; ++i) CHECK(j["cards"][i]["position"] == i);
    CHECK(j["cards"][0]["id"] == "a-second");
    CHECK(j["cards"][2]["id"] == "c-first");
}

TEST_CASE("export: votes per target are the sum of the vote rows, for targets that exist") {
    auto const j = model::export_json(sample_workshop());
    auto const& per_target = j["votes"]["per_target"];
    CHECK(per_target == json{{"k1", 2}, {"cl-tempo", 4}, {"k2", 1}, {"cl-tools", 1}, {"k4", 2}, {"k6", 1}});
    CHECK(j["votes"]["total"] == 11);
    for (auto const& c : j["cards"]) {
        if (c["id"] == "k1") CHECK(c["votes"] == 2);
        if (c["id"] == "k5") CHECK(c["votes"] == 0);
    }
}

TEST_CASE("export json: holds everything a workshop has, except its people") {
    auto const j = model::export_json(sample_workshop());
    INFO(j.dump(2));
    CHECK(j["code"] == "K7QM-3XPA");
    CHECK(j["title"] == "Nieuw CRM in het salesteam");
    CHECK(j["language"] == "nl");
    CHECK(j["phase"] == "closed");
    CHECK(j["prompt"] == "Wat maakt deze verandering lastig voor jou?");
    CHECK(j["created_on"] == "2026-11-20");
    CHECK(j["closed_on"] == "2026-11-20");
    CHECK(j["settings"] == json{{"votes_per_participant", 3}, {"anonymity_threshold", 3}, {"max_card_chars", 500}});
    CHECK(j["columns"] == json::array({{{"id", "behouden"}, {"title", "Behouden"}},
                                       {{"id", "vernieuwen"}, {"title", "Vernieuwen"}}}));
    CHECK(j["clusters"].size() == 3);
    CHECK(j["cards"].size() == 7);
    CHECK(j["checkins"] == json::array({"benieuwd", "benieuwd", "moe", "onrustig"}));
    REQUIRE(j["agreements"].size() == 2);
    CHECK(j["agreements"][0] == json{{"id", "a1"},
                                     {"text", "Koen neemt nieuwe collega's mee op klantbezoek"},
                                     {"owner", "Koen"},
                                     {"due", "2026-12-15"},
                                     {"cluster_id", "cl-contact"},
                                     {"position", 0}});
    CHECK(j["agreements"][1]["cluster_id"].is_null());
    for (auto const& c : j["cards"]) {
        if (c["id"] == "k1") {
            CHECK(c == json{{"id", "k1"},
                            {"kind", "concern"},
                            {"text", "Ik ken mijn klanten persoonlijk"},
                            {"intention", "Klanten moeten zich gekend voelen"},
                            {"column", "behouden"},
                            {"cluster_id", "cl-contact"},
                            {"position", 0},
                            {"votes", 2}});
        }
        if (c["id"] == "k6") {
            CHECK(c["column"].is_null());
            CHECK(c["intention"].is_null());
        }
    }
}

TEST_CASE("export json: no key anywhere names an author, token, tag, nonce, participant or time") {
    auto const j = model::export_json(sample_workshop());
    std::vector<std::string> keys;
    collect_keys(j, keys);
    REQUIRE(!keys.empty());
    for (auto const& key : keys) {
        INFO("key: " << key);
        auto const k = lower(key);
        CHECK_FALSE(contains(k, "author"));
        CHECK_FALSE(contains(k, "token"));
        CHECK_FALSE(contains(k, "tag"));
        CHECK_FALSE(contains(k, "nonce"));
        CHECK_FALSE(contains(k, "voter"));
        CHECK_FALSE(contains(k, "hash"));
        CHECK_FALSE(contains(k, "posted"));
        CHECK_FALSE(k.ends_with("_at")); // no times at all, only the workshop's dates
        CHECK_FALSE(contains(k, "time"));
        // "votes_per_participant" is a setting, not a participant.
        if (k != "votes_per_participant") CHECK_FALSE(contains(k, "participant"));
    }
}

TEST_CASE("export: nothing that identifies a person leaves the server, in any format") {
    auto const s = sample_workshop();
    auto const formats = {model::export_markdown(s, export_day), model::export_csv(s),
                          model::export_json(s).dump()};
    for (auto const& text : formats) {
        CHECK_FALSE(contains(text, "SECRET"));
        CHECK_FALSE(contains(text, "v1"));
    }
}

TEST_CASE("export: before the reveal no card is in any format, only how many there are") {
    auto s = sample_workshop();
    s.meta.revealed = false;
    for (auto& c : s.cards) {
        c.column.reset();
        c.cluster_id.reset();
    }
    auto const md = model::export_markdown(s, export_day);
    auto const csv = model::export_csv(s);
    auto const j = model::export_json(s);
    for (auto const& c : s.cards) {
        INFO("card: " << c.text);
        CHECK_FALSE(contains(md, c.text));
        CHECK_FALSE(contains(csv, c.text));
        CHECK_FALSE(contains(j.dump(), c.text));
    }
    CHECK(contains(md, std::to_string(s.cards.size()) + " kaartjes zijn nog niet zichtbaar"));
    CHECK(j["hidden_cards"] == s.cards.size());
    CHECK(j["cards"].empty());
    // Once revealed, they are all there again.
    s.meta.revealed = true;
    CHECK(model::export_json(s)["cards"].size() == s.cards.size());
    CHECK(model::export_json(s)["hidden_cards"] == 0);
}
