// Why by hand: the server must not depend on ICU for a few hundred letters,
// and std::tolower is locale-bound and byte-wise, which breaks UTF-8.
#include "suggest/text.hpp"

#include <libstemmer.h>

#include <memory>
#include <unordered_map>
#include <unordered_set>

namespace brug::suggest {

namespace {

// Decodes one code point at `i` and advances; returns 0xFFFD on a bad byte.
char32_t next_code_point(std::string_view s, std::size_t& i) {
    auto const c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) {
        ++i;
        return 0xFFFD;
    }
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k < len; ++k) {
        auto const cc = static_cast<unsigned char>(s[i + k]);
        if ((cc & 0xC0) != 0x80) {
            ++i;
            return 0xFFFD;
        }
        cp = (cp << 6) | (cc & 0x3F);
    }
    i += len;
    return cp;
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

char32_t lower_code_point(char32_t cp) {
    if (cp >= 'A' && cp <= 'Z') return cp + 32;
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 32;
    if (cp == 0x178) return 0xFF;
    if (cp >= 0x100 && cp <= 0x17F && cp != 0x130 && cp != 0x138) {
        bool const odd_upper = (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E);
        if (odd_upper) return (cp % 2 == 1) ? cp + 1 : cp;
        return (cp % 2 == 0) ? cp + 1 : cp;
    }
    return cp;
}

// Base letter of a lowercase accented Latin letter; others unchanged.
char32_t fold_code_point(char32_t cp) {
    if (cp < 0xE0 || cp > 0x17F) return cp;
    static constexpr char const* latin1 = "aaaaaaaceeeeiiiidnooooo/ouuuuyty"; // U+00E0..U+00FF
    if (cp <= 0xFF) {
        char const b = latin1[cp - 0xE0];
        return b == '/' ? cp : static_cast<char32_t>(b);
    }
    // Latin Extended-A in pairs: ā ă ą ć ĉ ċ č ď đ ē ĕ ė ę ě ...
    static constexpr char const* ext_a =
        "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiijjjjkkkllllllllllnnnnnnnnnoooooooorrrrrr"
        "ssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
    std::size_t const k = cp - 0x100;
    return k < 128 ? static_cast<char32_t>(ext_a[k]) : cp;
}

bool is_word_code_point(char32_t cp) {
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    if (cp == 0xD7 || cp == 0xF7) return false;
    if (cp >= 0xC0 && cp <= 0x24F) return true;
    if (cp >= 0x370 && cp < 0x2000) return true; // Greek, Cyrillic and other scripts
    return false;
}

bool is_combining_mark(char32_t cp) {
    return cp >= 0x300 && cp <= 0x36F;
}

// The lowercase Latin-1 letter that a letter and a combining mark make
// ("e" + U+0308 -> "ë"), or 0 when there is none: text in decomposed form
// (pasted from some PDFs and file names) has its accents as separate marks.
char32_t compose(char base, char32_t mark) {
    struct composed {
        char base;
        char16_t mark;
        char16_t letter;
    };
    static constexpr composed table[] = {
        {'a', 0x300, 0xE0}, {'a', 0x301, 0xE1}, {'a', 0x302, 0xE2}, {'a', 0x303, 0xE3},
        {'a', 0x308, 0xE4}, {'a', 0x30A, 0xE5}, {'c', 0x327, 0xE7}, {'e', 0x300, 0xE8},
        {'e', 0x301, 0xE9}, {'e', 0x302, 0xEA}, {'e', 0x308, 0xEB}, {'i', 0x300, 0xEC},
        {'i', 0x301, 0xED}, {'i', 0x302, 0xEE}, {'i', 0x308, 0xEF}, {'n', 0x303, 0xF1},
        {'o', 0x300, 0xF2}, {'o', 0x301, 0xF3}, {'o', 0x302, 0xF4}, {'o', 0x303, 0xF5},
        {'o', 0x308, 0xF6}, {'u', 0x300, 0xF9}, {'u', 0x301, 0xFA}, {'u', 0x302, 0xFB},
        {'u', 0x308, 0xFC}, {'y', 0x301, 0xFD}, {'y', 0x308, 0xFF}};
    for (auto const& c : table)
        if (c.base == base && c.mark == mark) return c.letter;
    return 0;
}

bool is_apostrophe(char32_t cp) {
    return cp == '\'' || cp == 0x2019;
}

// A word with a clitic after its apostrophe, as the words it stands for.
// English contractions become their full words, so that the cues see them:
// "we'll" -> "we", "will" (a future), "don't" -> "do", "not" (a negation),
// "can't" -> "can", "not", "won't" -> "will", "not", "I'd" -> "i", "would"
// ('d is also "had", a function word either way, but in cards it is the
// wish: "I'd rather", "I'd love"). A final "s" is dropped: a possessive, a
// Dutch plural ("collega's") or an "is" ("it's"), a function word when not
// a possessive. Others are one word ("zo'n" -> "zon").
void append_with_clitic(std::vector<std::string>& words, std::string const& head,
                        std::string const& tail) {
    static std::pair<std::string_view, std::string_view> const full[] = {
        {"ll", "will"}, {"re", "are"}, {"ve", "have"}, {"d", "would"}, {"m", "am"}};
    if (tail == "s") {
        words.push_back(head);
        return;
    }
    for (auto const& [clitic, word] : full) {
        if (tail != clitic) continue;
        words.push_back(head);
        words.emplace_back(word);
        return;
    }
    // "n't": the "n" was read as part of the head ("don" + "t").
    if (tail == "t" && head.size() > 1 && head.back() == 'n') {
        std::string verb = head.substr(0, head.size() - 1);
        if (head == "can") verb = "can";
        if (head == "won") verb = "will";
        if (head == "shan") verb = "shall";
        words.push_back(verb);
        words.emplace_back("not");
        return;
    }
    words.push_back(head + tail);
}

// Appends a word as read, two of them as what they stand for. English
// "cannot" is "can" with a negation, as "can't" is. Microsoft's Teams, the
// tool, is no plural of team: named with a capital within a sentence ("via
// Teams", "in Teams"), joined by a hyphen ("Teams-call",
// "teams-vergadering") or after its vendor ("MS Teams", "Microsoft Teams"),
// it becomes the name "Teams", which keeps its capital, so it is never
// stemmed to "team" nor read as #team. At the start of a sentence "Teams"
// is the plural.
void append_word(std::vector<std::string>& words, std::string const& lower, bool capital_within,
                 bool hyphen_joined) {
    if (lower == "cannot") {
        words.emplace_back("can");
        words.emplace_back("not");
        return;
    }
    if (lower == "teams") {
        bool const vendor = !words.empty() && (words.back() == "ms" || words.back() == "microsoft");
        if (vendor) words.pop_back();
        if (vendor || capital_within || hyphen_joined) {
            words.emplace_back("Teams");
            return;
        }
    }
    words.push_back(lower);
}

bool is_ascii_letter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Whether `text` holds one letter and a full stop at `i`: the next part of
// an abbreviation such as "i.p.v.".
bool single_letter_then_dot(std::string_view text, std::size_t i) {
    return i + 1 < text.size() && is_ascii_letter(text[i]) && text[i + 1] == '.';
}

std::unordered_set<std::string_view> const& dutch_stop_words() {
    static std::unordered_set<std::string_view> const words = {
        "de",      "en",       "van",    "ik",       "te",        "dat",    "die",    "in",
        "een",     "hij",      "het",    "niet",     "zijn",      "is",     "was",    "op",
        "aan",     "met",      "als",    "voor",     "had",       "er",     "maar",   "om",
        "hem",     "dan",      "zou",    "of",       "wat",       "mijn",   "men",    "dit",
        "zo",      "door",     "over",   "ze",       "zich",      "bij",    "ook",    "tot",
        "je",      "mij",      "uit",    "der",      "daar",      "haar",   "naar",   "heb",
        "hoe",     "heeft",    "hebben", "deze",     "u",         "want",   "nog",    "zal",
        "me",      "zij",      "nu",     "ge",       "geen",      "omdat",  "iets",   "worden",
        "toch",    "al",       "waren",  "veel",     "meer",      "doen",   "toen",   "moet",
        "ben",     "zonder",   "kan",    "hun",      "dus",       "alles",  "onder",  "ja",
        "eens",    "hier",     "wie",    "werd",     "altijd",    "doch",   "wordt",  "wezen",
        "kunnen",  "ons",      "zelf",   "tegen",    "na",        "reeds",  "wil",    "kon",
        "niets",   "uw",       "iemand", "geweest",  "andere",    "we",     "wij",    "jullie",
        "onze",    "jij",      "jou",    "jouw",     "hen",       "welke",  "waar",   "wanneer",
        "waarom",  "gewoon",   "even",   "echt",     "heel",      "wel",    "nou",    "eigenlijk",
        "elke",    "elk",      "ieder",  "iedere",   "alle",      "wordt",  "word",   "gaat",
        "gaan",    "ga",       "komt",   "komen",    "krijgen",   "krijgt", "mag",    "mogen",
        "moeten",  "willen",   "zouden", "kunt",     "hoeft",     "hoeven", "staat",  "staan",
        "zit",     "zitten",   "ipv",    "aub",      "dus",       "zo'n",   "zon",    "erg",
        "best",    "soms",     "vaak",   "steeds",   "weer",      "nooit",  "niks",   "iedereen",
        "niemand", "allemaal", "hé",     "hè",       "toe",       "af",     "mee",    "tegelijk",
        "waarin",  "waarmee",  "waarop", "ervoor",   "erbij",     "eruit",  "erin",   "daarvoor",
        "daarom",  "daarna",   "zodat",  "terwijl",  "tussen",    "per",    "via",    "binnen",
        "buiten",  "boven",    "sinds",  "tijdens",  "vanuit",    "lijkt",  "zeker",  "juist",
        "precies", "blijft",   "één",    "twee",     "drie",      "vier",   "vijf",   "tien",
        "ander",   "anders",   "zelfde", "dezelfde", "hetzelfde", "wij",    "mn",     "m",
        "t",       "s",        "d",      "n",        "z'n",       "zn",     "dr",     "maken",
        "maakt",   "doet",     "heb",    "hebt",     "had",       "hadden", "was",    "waren",
        "bent",    "zeggen",   "zegt",   "weet",     "weten",     "naast",  "achter", "langs",
        "volgens", "rond",     "bijv",   "bv",       "oa",        "dwz",    "mbt",    "tav",
        "ivm"};
    return words;
}

std::unordered_set<std::string_view> const& english_stop_words() {
    static std::unordered_set<std::string_view> const words = {
        "i",         "me",      "my",       "myself",   "we",         "our",     "ours",
        "ourselves", "you",     "your",     "yours",    "yourself",   "he",      "him",
        "his",       "himself", "she",      "her",      "hers",       "herself", "it",
        "its",       "itself",  "they",     "them",     "their",      "theirs",  "themselves",
        "what",      "which",   "who",      "whom",     "this",       "that",    "these",
        "those",     "am",      "is",       "are",      "was",        "were",    "be",
        "been",      "being",   "have",     "has",      "had",        "having",  "do",
        "does",      "did",     "doing",    "a",        "an",         "the",     "and",
        "but",       "if",      "or",       "because",  "as",         "until",   "while",
        "of",        "at",      "by",       "for",      "with",       "about",   "against",
        "between",   "into",    "through",  "during",   "before",     "after",   "above",
        "below",     "to",      "from",     "up",       "down",       "in",      "out",
        "on",        "off",     "over",     "under",    "again",      "further", "then",
        "once",      "here",    "there",    "when",     "where",      "why",     "how",
        "all",       "any",     "both",     "each",     "few",        "more",    "most",
        "other",     "some",    "such",     "no",       "nor",        "not",     "only",
        "own",       "same",    "so",       "than",     "too",        "very",    "s",
        "t",         "can",     "will",     "just",     "don",        "should",  "now",
        "dont",      "im",      "ive",      "thats",    "lets",       "let",     "get",
        "gets",      "got",     "us",       "also",     "would",      "could",   "really",
        "actually",  "still",   "even",     "tbh",      "pls",        "please",  "every",
        "one",       "two",     "three",    "cant",     "wont",       "isnt",    "arent",
        "didnt",     "doesnt",  "wasnt",    "shouldnt", "havent",     "hasnt",   "anyway",
        "just",      "like",    "way",      "stuff",    "thing",      "things",  "something",
        "someone",   "anyone",  "everyone", "nobody",   "everything", "nothing", "always",
        "never",     "instead", "whole",    "might",    "must",       "shall",   "may",
        "yet",       "etc",     "ok",       "okay",     "lot",        "lots",    "much",
        "many",      "make",    "makes",    "going",    "go",         "goes",    "want",
        "wants",     "need",    "needs",    "say",      "says",       "know",    "eg",
        "ie"};
    return words;
}

// Function words that occur in one language only, for language detection.
bool marks_dutch(std::string_view w) {
    return dutch_stop_words().count(w) && !english_stop_words().count(w) && w != "me" && w != "is";
}
bool marks_english(std::string_view w) {
    return english_stop_words().count(w) && !dutch_stop_words().count(w);
}

// One pair of stemmers per thread, freed when the thread ends.
struct stemmer_pair {
    sb_stemmer* nl = sb_stemmer_new("dutch", "UTF_8");
    sb_stemmer* en = sb_stemmer_new("english", "UTF_8");
    stemmer_pair() = default;
    stemmer_pair(stemmer_pair const&) = delete;
    stemmer_pair& operator=(stemmer_pair const&) = delete;
    ~stemmer_pair() {
        if (nl) sb_stemmer_delete(nl);
        if (en) sb_stemmer_delete(en);
    }
};

// English word forms that Snowball folds onto a word of another sense, as
// its own exceptions keep "outing" apart from "out": each maps to a stem of
// its own. To experiment is to try out, no experience (both were "experi");
// an informal chat is no information (both "inform"); a responsibility is
// no response (both "respons"); monitoring is no screen; "fixed" hours or
// desks are no repair ("we fix small stuff", both were "fix"); a meeting
// (#remote) is no meeting someone in person (#contact; both were "meet");
// a building, noun or gerund, is no build of software (#delivery); to
// manage ("I manage to", "self-managing teams", "managing expectations") is
// no manager or management (#management; all were "manag"); the value of
// something is no feeling valued (#trust; both were "valu").
std::unordered_map<std::string_view, std::string_view> const& english_stem_exceptions() {
    static std::unordered_map<std::string_view, std::string_view> const exceptions = {
        {"experiment", "experiment"},
        {"experiments", "experiment"},
        {"experimented", "experiment"},
        {"experimenting", "experiment"},
        {"informal", "informal"},
        {"informally", "informal"},
        {"information", "information"},
        {"responsible", "responsibl"},
        {"responsibility", "responsibl"},
        {"responsibilities", "responsibl"},
        {"monitoring", "monitoring"},
        {"monitored", "monitoring"},
        {"fixed", "fixed"},
        {"meeting", "meeting"},
        {"meetings", "meeting"},
        {"building", "building"},
        {"buildings", "building"},
        {"manage", "manage"},
        {"manages", "manage"},
        {"managed", "manage"},
        {"managing", "manage"},
        {"valued", "valued"}};
    return exceptions;
}

// Dutch nouns whose singular ends in a consonant and s: Snowball takes the
// s off as a plural ending ("mens" -> "men", "kans" -> "kan", the verb),
// while their plurals in -en ("mensen", "kansen") stem to the whole word.
// Each stems as itself, as its plural does.
std::unordered_set<std::string_view> const& dutch_s_nouns() {
    static std::unordered_set<std::string_view> const nouns = {"mens",  "kans",  "wens", "toets",
                                                               "fiets", "koers", "dans"};
    return nouns;
}

} // namespace

lang parse_lang(std::string_view code) {
    return code == "en" ? lang::en : lang::nl;
}
char const* lang_code(lang l) {
    return l == lang::en ? "en" : "nl";
}

std::string utf8_lower(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        char32_t const cp = next_code_point(text, i);
        if (cp == 0xFFFD) continue;
        append_utf8(out, lower_code_point(cp));
    }
    return out;
}

std::string fold_accents(std::string_view lower) {
    std::string out;
    out.reserve(lower.size());
    for (std::size_t i = 0; i < lower.size();) {
        char32_t const cp = next_code_point(lower, i);
        if (cp == 0xFFFD) continue;
        append_utf8(out, fold_code_point(cp));
    }
    return out;
}

std::vector<std::string> split_words(std::string_view text) {
    return split_words(text, nullptr);
}

std::vector<std::string> split_words(std::string_view text, std::vector<bool>* clause_end) {
    std::vector<std::string> words;
    if (clause_end) clause_end->clear();
    std::string head, tail;
    bool in_tail = false;
    bool capital = false;       // the word being read opens with a capital letter
    bool sentence_start = true; // no word yet since the last full stop
    bool abbreviation = false;  // the word being read is letters joined by full stops
    auto flush = [&](bool hyphen_joined) {
        if (in_tail)
            append_with_clitic(words, head, tail);
        else if (!head.empty())
            append_word(words, head, capital && !sentence_start, hyphen_joined);
        if (!head.empty()) sentence_start = false;
        head.clear();
        tail.clear();
        in_tail = false;
        abbreviation = false;
    };
    for (std::size_t i = 0; i < text.size();) {
        char32_t const cp = next_code_point(text, i);
        if (is_word_code_point(cp)) {
            if (head.empty()) capital = lower_code_point(cp) != cp;
            append_utf8(in_tail ? tail : head, lower_code_point(cp));
            continue;
        }
        // A combining mark belongs to the letter before it: "patie" + U+0308
        // + "nt" is the one word "patiënt". A mark Latin-1 cannot compose
        // with its letter is left out.
        std::string& word = in_tail ? tail : head;
        if (is_combining_mark(cp) && !word.empty()) {
            if (char32_t const letter = compose(word.back(), cp)) {
                word.pop_back();
                append_utf8(word, letter);
            }
            continue;
        }
        // An apostrophe inside a word starts a clitic; anywhere else it ends the word.
        if (is_apostrophe(cp) && !head.empty() && !in_tail && i < text.size()) {
            std::size_t j = i;
            if (is_word_code_point(next_code_point(text, j))) {
                in_tail = true;
                continue;
            }
        }
        // Single letters joined by full stops are one word: "i.p.v." ->
        // "ipv", "z.s.m." -> "zsm", "e.g." -> "eg".
        bool const one_letter = head.size() == 1 && is_ascii_letter(head[0]);
        if (cp == '.' && !in_tail && (one_letter || abbreviation) &&
            single_letter_then_dot(text, i)) {
            abbreviation = true;
            continue;
        }
        std::size_t next = i;
        flush(cp == '-' && i < text.size() && is_word_code_point(next_code_point(text, next)));
        // "i.p.v. Teams" goes on: the abbreviation's full stop ends nothing.
        bool const sentence_end =
            cp == '\n' || ((cp == '.' || cp == '!' || cp == '?') && ends_sentence(text, i - 1));
        if (sentence_end) sentence_start = true;
        if (clause_end && !words.empty() &&
            (sentence_end || cp == ',' || cp == ';' || cp == ':' || cp == '(' || cp == ')')) {
            clause_end->resize(words.size(), false);
            clause_end->back() = true;
        }
    }
    flush(false);
    if (clause_end) {
        clause_end->resize(words.size(), false);
        if (!words.empty()) clause_end->back() = true;
    }
    return words;
}

bool ends_sentence(std::string_view text, std::size_t i) {
    if (i + 1 < text.size() && text[i + 1] != ' ' && text[i + 1] != '\n') return false;
    if (text[i] != '.' || i < 2) return true;
    return !(is_ascii_letter(text[i - 1]) && text[i - 2] == '.');
}

bool is_stop_word(std::string_view w, lang l) {
    return l == lang::nl ? dutch_stop_words().count(w) > 0 : english_stop_words().count(w) > 0;
}

std::string stem(std::string_view lower_word, lang l) {
    thread_local stemmer_pair stemmers;
    // A name that split_words kept with its capital ("Teams") is no
    // inflected word.
    if (!lower_word.empty() && lower_word[0] >= 'A' && lower_word[0] <= 'Z')
        return std::string(lower_word);
    std::string folded = fold_accents(lower_word);
    if (l == lang::en) {
        auto const it = english_stem_exceptions().find(folded);
        if (it != english_stem_exceptions().end()) return std::string(it->second);
    }
    if (l == lang::nl && dutch_s_nouns().count(folded)) return folded;
    sb_stemmer* s = l == lang::nl ? stemmers.nl : stemmers.en;
    if (!s) return folded;
    // Snowball's Dutch stemmer takes a plural -s off only after a consonant,
    // so the plural of a diminutive ("mailtjes", "lijstjes", "kabeltjes")
    // never met its singular: stemmed without its s, it does. Other plurals
    // in -es ("ruimtes") stay as Snowball has them: -es also ends singulars
    // ("proces", "succes").
    if (l == lang::nl && folded.size() >= 6 && folded.ends_with("jes")) folded.pop_back();
    sb_symbol const* out = sb_stemmer_stem(s, reinterpret_cast<sb_symbol const*>(folded.data()),
                                           static_cast<int>(folded.size()));
    if (!out) return folded;
    return std::string(reinterpret_cast<char const*>(out),
                       static_cast<std::size_t>(sb_stemmer_length(s)));
}

lang detect_language(std::vector<std::string> const& words, lang fallback) {
    int nl = 0, en = 0;
    for (auto const& w : words) {
        nl += marks_dutch(w);
        en += marks_english(w);
    }
    if (nl == en) return fallback;
    return nl > en ? lang::nl : lang::en;
}

} // namespace brug::suggest
