// Words of a card: UTF-8 lowercasing that keeps accented letters, splitting
// into words, stop words, Snowball stemming and language detection, for Dutch
// and English. Pure functions; the stemmers are per thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace brug::suggest {

enum class lang { nl, en };

// How a card uses a content word, read from where it stands and how it is
// formed (there is no tagger): in a naming position ("de les", "our
// pipeline", a compound, an abbreviation), as a verb ("te leren", "we
// learn", "waiting", "ingericht"), as an adjective or adverb ("een vaste
// plek", "busiest", "'s avonds"), or none of these shows.
enum class word_use : unsigned char { unknown, naming, verbal, adjective };

lang parse_lang(std::string_view code); // "en" -> en, anything else -> nl
char const* lang_code(lang l);

// Lowercases ASCII, Latin-1 and Latin Extended-A letters; keeps accents
// ("Één" -> "één"). Invalid UTF-8 bytes are dropped.
std::string utf8_lower(std::string_view text);

// Removes accents from lowercase Latin letters ("patiënt" -> "patient"), for
// matching only: titles always show the card's own spelling.
std::string fold_accents(std::string_view lower);

// Lowercase words of a text in reading order. Letters with accents and digits
// belong to words (an accent typed as a combining mark too: "e" + U+0308 is
// "ë"); hyphens split ("ICT-helpdesk" -> "ict", "helpdesk");
// clitics are resolved ("collega's" -> "collega"), English contractions
// become their words ("don't" and "cannot" -> "do"/"can", "not"; "we'll" ->
// "we", "will") and single letters joined by full stops are one word
// ("i.p.v." -> "ipv").
// The tool Teams ("via Teams", "MS Teams", "Teams-call") is the one word
// kept with its capital: "Teams", not the plural "teams".
std::vector<std::string> split_words(std::string_view text);
// The same, and per word whether it ends its clause: before a comma, colon,
// semicolon, bracket, a sentence's end or the text's end.
std::vector<std::string> split_words(std::string_view text, std::vector<bool>* clause_end);

// Whether the '.', '!' or '?' at byte `i` of `text` ends a sentence: a
// space, a line break or the end follows it (not so within "2.5"), and a
// full stop does not close letters joined by full stops ("i.p.v.", "e.g.").
bool ends_sentence(std::string_view text, std::size_t i);

// Function words ("de", "het", "the", "which"): carry no topic.
bool is_stop_word(std::string_view lower_word, lang l);

// Snowball stem of a lowercase word, accents folded first so that spelling
// variants meet ("patiënten", "patienten" -> "patient"); a name with its
// capital ("Teams") as it is. Uses one stemmer per thread: libstemmer
// instances are not thread-safe.
std::string stem(std::string_view lower_word, lang l);

// The language of a text, by counting function words that belong to one
// language only; `fallback` when the count is even (e.g. "CRM!").
lang detect_language(std::vector<std::string> const& words, lang fallback);

} // namespace brug::suggest
