// Why features rather than words alone: a card's column depends on what is at
// stake ("bang dat we het contact verliezen" protects, "nu kost het een halve
// dag" asks for change), which shows in combinations of cues (fear with loss,
// now with a problem, a negated loss) that carry over between workshops,
// whereas most content words belong to one workshop's domain.
#include "suggest/analysis.hpp"

#include "suggest/lexicon.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

namespace brug::suggest {

namespace {

// Stance cues say how, not about what: they are no topic of a theme.
bool is_stance_only(std::string_view tag) {
    static std::set<std::string_view> const tags = {
        "fear", "loss", "keep", "wish", "now",  "later", "neg",     "plain",
        "able", "new",  "cond", "old",  "self", "we",    "problem", "effort"};
    return tags.count(tag) > 0;
}

// Common words with little topic of their own, beyond the function words,
// the same in both languages ("klein" as "small", "nice" as "leuk").
bool is_low_content(std::string_view w, lang l) {
    static std::set<std::string_view> const nl = {
        "ding",    "dingen", "manier", "keer",      "beetje",        "goed",   "goede",  "leuk",
        "prima",   "klinkt", "vind",   "denk",      "voelt",         "voelen", "zie",    "straks",
        "nieuwe",  "nieuw",  "oude",   "oud",       "hele",          "heel",   "gewoon", "echt",
        "eerlijk", "gezegd", "graag",  "zeg",       "zegt",          "vraagt", "aan",    "laat",
        "laten",   "paar",   "helft",  "nodig",     "ergens",        "allang", "nogal",  "kwijt",
        "bang",    "hoop",   "wil",    "zou",       "groot",         "grote",  "klein",  "kleine",
        "half",    "halve",  "soort",  "misschien", "waarschijnlijk"};
    static std::set<std::string_view> const en = {
        "thing", "things", "way",    "lot",       "good",   "great", "sounds", "feel",
        "feels", "think",  "see",    "new",       "old",    "whole", "sure",   "half",
        "bit",   "right",  "afraid", "worried",   "scared", "want",  "hope",   "keep",
        "kind",  "sort",   "big",    "small",     "little", "able",  "maybe",  "probably",
        "well",  "nice",   "fine",   "somewhere", "quite",  "rather"};
    return l == lang::nl ? nl.count(w) > 0 : en.count(w) > 0;
}

// Everyday verbs, people and measures of time that cards of any theme use:
// shared by two cards, they make them alike in nothing. Left out of the theme
// terms only; the column model still reads them.
bool is_common_word(std::string_view w, lang l) {
    static std::set<std::string_view> const nl = {
        "gaan", "gaat", "komen", "komt", "kom", "maken", "maakt", "krijgen", "krijgt", "krijg",
        "staan", "staat", "sta", "zitten", "zit", "zien", "ziet", "doen", "doet", "doe", "geven",
        "geeft", "nemen", "neemt", "past", "ligt", "liggen", "moeten", "mogen", "kunnen", "week",
        "weken", "dag", "dagen", "jaar", "jaren", "uur", "keer", "mensen", "iedereen", "iemand",
        "alles", "iets", "soms", "steeds", "eerst", "pas", "weer",
        // Their other forms: "ging", "gemaakt", "kreeg".
        "ging", "gingen", "gegaan", "kwam", "kwamen", "gekomen", "maak", "maakte", "maakten",
        "gemaakt", "kreeg", "kregen", "gekregen", "stond", "stonden", "gestaan", "zat", "zaten",
        "gezeten", "zag", "zagen", "gezien", "deed", "deden", "gedaan", "geef", "gaf", "gaven",
        "gegeven", "neem", "nam", "namen", "genomen", "lag", "lagen",
        // More measures of time.
        "minuut", "minuten", "maand", "maanden", "seconde", "seconden",
        // Forms of the low-content verbs of feeling and thinking ("vind",
        // "denk", "voelt") that list leaves out.
        "voel", "voelde", "voelden", "denken", "denkt", "dacht", "dachten", "klinken", "klonk"};
    static std::set<std::string_view> const en = {
        "get", "gets", "getting", "make", "makes", "take", "takes", "taking", "go", "goes", "going",
        "come", "comes", "give", "gives", "put", "look", "looks", "seen", "see", "do", "does",
        "doing", "done", "happen", "happens", "week", "weeks", "day", "days", "year", "years",
        "hour", "people", "everyone", "someone", "anyone", "something", "stuff", "actually",
        "really", "just", "even", "still", "everybody", "somebody", "anybody", "anything",
        "everything",
        // Their other forms: "made", "taken", "looking".
        "making", "made", "took", "taken", "giving", "gave", "given", "looking", "looked", "coming",
        "came", "putting", "happened", "happening",
        // More measures of time, and how often (Dutch "soms", "vaak" are function words).
        "minute", "minutes", "month", "months", "seconds", "sometimes", "often", "usually",
        // Forms of the low-content "feel", "think", "sounds" that list leaves out.
        "feeling", "felt", "thinks", "thinking", "thought", "sounded"};
    return l == lang::nl ? nl.count(w) > 0 : en.count(w) > 0;
}

// Words that order or count ("first", "next", "volgende"), pronouns that
// stand for a noun ("ones", "whatever") and Dutch "alleen" and "eigen" (only,
// own: English stop words): theme terms like any content word ("eigen
// materiaal", "eigen manier" are about autonomy), but they name no theme, so
// no title is made of them ("First, ledger", "Eigen, online").
bool names_nothing(std::string_view w, lang l) {
    static std::set<std::string_view> const nl = {
        "eerste", "tweede", "derde", "volgende", "vorige", "laatste", "alleen", "eigen", "elkaar"};
    static std::set<std::string_view> const en = {
        "first", "second", "third", "next", "last", "previous", "ones", "whatever", "whoever"};
    return l == lang::nl ? nl.count(w) > 0 : en.count(w) > 0;
}

// Words written in capitals of two to four letters ("CRM", "ICT", "CD"),
// lowercased: abbreviations, which a title shows as written ("CRM", not
// "Crm"). Longer runs of capitals are more often shouting ("NOOIT").
std::unordered_set<std::string> abbreviations(std::string_view text) {
    std::unordered_set<std::string> out;
    auto const is_alnum = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               static_cast<unsigned char>(c) >= 0x80;
    };
    std::size_t i = 0;
    while (i < text.size()) {
        if (!is_alnum(text[i])) {
            ++i;
            continue;
        }
        std::size_t j = i;
        bool capitals = true;
        while (j < text.size() && is_alnum(text[j])) {
            capitals = capitals && text[j] >= 'A' && text[j] <= 'Z';
            ++j;
        }
        if (capitals && j - i >= 2 && j - i <= 4) {
            std::string word(text.substr(i, j - i));
            for (char& c : word)
                c = static_cast<char>(c - 'A' + 'a');
            out.insert(std::move(word));
        }
        i = j;
    }
    return out;
}

// A number written in digits ("25", "2026").
bool is_digits(std::string_view w) {
    return !w.empty() &&
           std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Numbers written as words, as those written in digits, are no topic ("zes
// excellijstjes", "ten minutes"); the lowest are function words already.
std::set<std::string_view> const& number_words(lang l) {
    static std::set<std::string_view> const nl = {
        "zes",     "zeven",    "acht",    "negen",      "elf",      "twaalf",
        "dertien", "vijftien", "twintig", "dertig",     "veertig",  "vijftig",
        "zestig",  "honderd",  "duizend", "tientallen", "honderden"};
    static std::set<std::string_view> const en = {
        "four",     "five",   "six",    "seven",    "eight",    "nine",  "ten",
        "eleven",   "twelve", "twenty", "thirty",   "forty",    "fifty", "hundred",
        "thousand", "dozen",  "dozens", "hundreds", "thousands"};
    return l == lang::nl ? nl : en;
}
bool is_number_word(std::string_view w, lang l) {
    return number_words(l).count(w) > 0;
}

// English adverbs in -ly say how, not about what ("properly", "honestly",
// "constantly"): no theme term unless a concept names them ("quickly",
// "immediately"). The adjectives of a cadence ("daily", "quarterly") do name
// a topic.
bool is_manner_adverb(std::string_view w, lang l) {
    static std::set<std::string_view> const cadence = {"daily",  "weekly", "monthly", "quarterly",
                                                       "yearly", "hourly", "nightly"};
    return l == lang::en && w.size() > 4 && w.ends_with("ly") && !cadence.count(w);
}

// What a function word tells about the content word next to it, for
// `positional_uses`; one look-up per word.
enum function_role : unsigned char {
    // Opens a noun phrase: articles, possessives, demonstratives,
    // quantifiers and numbers ("de les", "onze klanten", "no pipeline",
    // "more time", "drie diensten").
    opens_noun_phrase = 1,
    // A verb follows: "te"/"to", a modal, a subject pronoun ("te leren",
    // "we learn", "kan regelen"). Dutch "je" is as often "your" ("je
    // rooster"): a verb only after a modal ("kan je binnenlopen").
    opens_verb = 2,
    // Opens an object after its verb: articles and possessives (not "this",
    // "some", "every": "every time this happens").
    opens_object = 4,
    // A Dutch subject pronoun.
    subject = 8,
    // An adverb that may stand between a subject or modal and its verb ("we
    // actually learn", "ik wil graag leren").
    verb_adverb = 16,
    // A stop word (`is_stop_word`).
    function_word = 32,
};

unsigned char function_role_of(std::string_view w, lang l) {
    using table = std::unordered_map<std::string_view, unsigned char>;
    auto const build = [](lang l) {
        table t;
        auto const add = [&](std::initializer_list<std::string_view> words, unsigned char role) {
            for (auto w : words)
                t[w] |= role;
        };
        for (auto w : number_words(l))
            t[w] |= opens_noun_phrase;
        if (l == lang::nl) {
            add({"de",     "het",  "een",  "onze",   "ons",    "mijn", "hun",     "jouw",
                 "uw",     "elke", "elk",  "iedere", "ieder",  "geen", "deze",    "dit",
                 "zo'n",   "zon",  "veel", "meer",   "minder", "alle", "sommige", "enkele",
                 "weinig", "twee", "drie", "vier",   "vijf",   "tien"},
                opens_noun_phrase);
            add({"te",     "ik",   "we",  "wij",  "jij",  "ze",     "zij",    "hij",    "kan",
                 "kun",    "kunt", "wil", "wilt", "moet", "moeten", "kunnen", "willen", "zal",
                 "zullen", "gaan", "ga",  "gaat", "mag",  "mogen",  "zou",    "zouden"},
                opens_verb);
            add({"de", "het", "een", "onze", "mijn", "hun", "jouw", "uw"}, opens_object);
            add({"ik", "je", "u", "we", "wij", "jij", "ze", "zij", "hij", "jullie"}, subject);
            add({"niet", "ook", "nog", "wel", "echt", "gewoon", "even", "altijd", "nooit", "al",
                 "graag", "zelf", "eigenlijk", "soms", "vaak", "zo", "meteen", "gauw"},
                verb_adverb);
        } else {
            add({"the",     "a",    "an",   "our",   "my",    "their", "your", "his",
                 "her",     "its",  "this", "these", "those", "every", "each", "no",
                 "some",    "any",  "more", "less",  "fewer", "many",  "much", "all",
                 "several", "both", "one",  "two",   "three"},
                opens_noun_phrase);
            add({"to",  "i",     "you",    "we",   "they",  "he",    "she",
                 "can", "will",  "should", "must", "would", "could", "might",
                 "may", "shall", "do",     "does", "did",   "please"},
                opens_verb);
            add({"the", "a", "an", "our", "my", "their", "your", "its", "his"}, opens_object);
            add({"not", "also", "really", "actually", "just", "still", "even", "always", "never",
                 "often", "sometimes", "only", "already", "then", "finally"},
                verb_adverb);
        }
        return t;
    };
    static table const nl = build(lang::nl), en = build(lang::en);
    table const& t = l == lang::nl ? nl : en;
    auto const it = t.find(w);
    unsigned char role = it != t.end() ? it->second : 0;
    if (is_digits(w)) role |= opens_noun_phrase;
    if (is_stop_word(w, l)) role |= function_word;
    return role;
}

// How a word after an article, a possessive or a quantifier reads as an
// adjective: always for a low-content word ("nieuwe", "whole"), for a
// Dutch one whose form in -e the cards know ("een vast aanspreekpunt",
// "deze is vast ook wat") and for an English one of an adjective's ending
// ("personal", "helpful", "digital") or whose adverb in -ly the cards know
// ("correct"); only before another content word for a Dutch one in -e
// (after "de", "het" or "onze" an adjective always has it: "de vaste plek";
// not -ie, -ee: "de balie"); otherwise not: a noun before a noun is read as
// a noun ("de klant belt").
enum class adjective_reading : unsigned char { no, before_noun, yes };

template <class Known>
adjective_reading read_adjective(std::string const& w, lang l, Known const& known) {
    if (is_low_content(w, l) || names_nothing(w, l)) return adjective_reading::yes;
    std::string const folded = fold_accents(w);
    if (folded.size() < 3) return adjective_reading::no;
    bool yes = false;
    if (l == lang::nl) {
        if (folded.ends_with('e'))
            return folded.ends_with("ie") || folded.ends_with("ee")
                       ? adjective_reading::no
                       : adjective_reading::before_noun;
        yes = known(folded + "e");
    } else {
        for (std::string_view e : {"al", "ful", "ous", "ive", "able", "ible", "ic", "less"})
            yes = yes || (folded.size() >= e.size() + 3 && folded.ends_with(e));
        yes = yes || known(folded + "ly");
    }
    return yes ? adjective_reading::yes : adjective_reading::no;
}

// How each word of a sentence is used where it stands (`word_use`), for the
// content words; function words stay `unknown`. After a word that opens a
// noun phrase the word names something ("de les", "our pipeline"), or, when
// it reads as an adjective, the word after it does ("een vast
// aanspreekpunt"; the adjective counts as `verbal`: no noun). After "te",
// "to", a modal or a subject pronoun, adverbs aside, a verb: "te leren",
// "we actually learn", "kan je binnenlopen".
template <class Adjective>
std::vector<word_use>
positional_uses(std::vector<std::string> const& words, std::vector<unsigned char> const& role,
                std::vector<bool> const& clause_end, lang l, Adjective const& adjective_of) {
    std::size_t const n = words.size();
    std::vector<word_use> use(n, word_use::unknown);
    auto const content = [&](std::size_t k) {
        return k < n && !(role[k] & function_word) && !is_digits(words[k]);
    };
    // Whether words k and k + 1 are in one clause.
    auto const joined = [&](std::size_t k) { return k + 1 < n && !clause_end[k]; };
    for (std::size_t k = 0; k < n; ++k) {
        if (!content(k)) continue;
        bool const after = k > 0 && joined(k - 1);
        std::string_view const before = after ? std::string_view(words[k - 1]) : std::string_view();
        // "aan het afglijden": a verb going on, no noun; "'s avonds",
        // "'s ochtends": a time of day, an adverb.
        bool const progressive =
            l == lang::nl && before == "het" && k >= 2 && joined(k - 2) && words[k - 2] == "aan";
        if (progressive || (l == lang::nl && before == "s")) {
            use[k] = progressive ? word_use::verbal : word_use::adjective;
            continue;
        }
        if (after && (role[k - 1] & opens_noun_phrase)) {
            bool const content_follows = joined(k) && content(k + 1);
            // The adjective is no noun, the word it describes is; an English
            // noun before another names nothing alone ("the release train",
            // "a field office"), the last one does.
            adjective_reading const reading = adjective_of(words[k]);
            bool const adjective = reading == adjective_reading::yes ||
                                   (reading == adjective_reading::before_noun && content_follows);
            if (adjective || (l == lang::en && content_follows)) {
                use[k] = adjective ? word_use::adjective : word_use::unknown;
                if (content_follows) use[++k] = word_use::naming;
            } else {
                use[k] = word_use::naming;
            }
            continue;
        }
        // Back over adverbs, within the clause, to what comes before.
        std::size_t b = k;
        while (b > 0 && joined(b - 1) && (b == k || (role[b] & verb_adverb)))
            --b;
        bool const verb =
            b < k && ((role[b] & opens_verb) ||
                      (l == lang::nl && (words[b] == "je" || words[b] == "u") && b > 0 &&
                       joined(b - 1) && (role[b - 1] & opens_verb) && words[b - 1] != "te"));
        // A word directly before an article or a possessive is a verb with
        // its object ("waiting a whole quarter", "ship a fix", "huismeesters
        // kennen de flat"): a noun rarely stands there. A Dutch word directly
        // before its subject is the verb of a clause that opens with
        // something else: "vond u dit mooi", "nu kan je".
        bool const before_object = joined(k) && (role[k + 1] & opens_object);
        bool const before_subject = l == lang::nl && joined(k) && (role[k + 1] & subject);
        if (verb || before_object || before_subject) use[k] = word_use::verbal;
    }
    return use;
}

// A Dutch verb in the present tense ("werkt", "kiest", "kent", "scheelt"):
// the cards know its verb in -en, spelt as Dutch spells it (werken, kiezen,
// kennen; a doubled vowel written single, schelen, only when the word
// without its -t is known too: "buurt" is no "buren"). A noun in -t has its
// plural in -ten ("dienst", "diensten").
template <class Known> bool dutch_finite_verb(std::string const& folded, Known const& known) {
    std::string const base = folded.substr(0, folded.size() - 1);
    char const last = base.back();
    std::string const head = base.substr(0, base.size() - 1);
    if (known(base + "en") || known(base + last + "en")) return true;
    if (last == 's' && known(head + "zen")) return true;
    if (last == 'f' && known(head + "ven")) return true;
    // A doubled vowel is written single before -en: "scheel" -> "schelen".
    if (known(base) && head.size() >= 2 && head.back() == head[head.size() - 2] &&
        std::string_view("aeou").find(head.back()) != std::string_view::npos) {
        std::string const single = head.substr(0, head.size() - 1);
        if (known(single + last + "en")) return true;
        if (last == 's' && known(single + "zen")) return true;
        if (last == 'f' && known(single + "ven")) return true;
    }
    return false;
}

// A word formed as a verb or an adjective: English -ing, -ed, superlatives
// and adjectives' endings ("waiting", "measured", "busiest", "helpful"; an
// -ing word the concept lexicon names whole is a topic's noun: "training",
// "planning", "meeting"); a Dutch adjective's ending ("aansprakelijk",
// "zichtbaar"; not -ige, which ends nouns too: "verpleegkundige"), a verb
// in the present tense or a participle in ge-...-d/t, also after a
// separable particle ("geregeld", "ingericht"). `known` tells whether the
// word without its ending is a word ("fast" of "fastest"; "interest" and
// "request" are no superlatives).
template <class Known, class Topic>
word_use verbal_form(std::string const& folded, lang l, Known const& known, Topic const& topic) {
    auto const ends = [&](std::string_view e, std::size_t min_size) {
        return folded.size() >= min_size && folded.ends_with(e);
    };
    if (l == lang::en) {
        if (ends("ing", 6) && !ends("thing", 5))
            return topic(folded) ? word_use::unknown : word_use::verbal;
        if (ends("ed", 5) && !ends("eed", 3)) return word_use::verbal;
        if (ends("iest", 6)) return word_use::adjective;
        for (std::string_view e : {"ful", "ous", "less", "ible"})
            if (ends(e, e.size() + 3)) return word_use::adjective;
        if (ends("est", 6)) {
            std::string const base = folded.substr(0, folded.size() - 3);
            if (known(base) || known(base + "e") ||
                (base.size() >= 3 && base.back() == base[base.size() - 2] &&
                 known(base.substr(0, base.size() - 1))))
                return word_use::adjective;
        }
        return word_use::unknown;
    }
    for (std::string_view e : {"lijk", "lijke", "ig", "baar", "bare", "isch", "ische"})
        if (ends(e, e.size() + 3)) return word_use::adjective;
    if (!(folded.ends_with('d') || folded.ends_with('t'))) return word_use::unknown;
    if (ends("t", 4) && dutch_finite_verb(folded, known)) return word_use::verbal;
    static std::string_view const particles[] = {
        "",      "in",  "op",  "af", "aan", "uit",  "mee",  "door",  "over", "om",
        "terug", "weg", "bij", "na", "toe", "voor", "vast", "samen", "tegen"};
    for (std::string_view p : particles)
        if (folded.size() >= p.size() + 6 && folded.starts_with(p) &&
            folded.compare(p.size(), 2, "ge") == 0)
            return word_use::verbal;
    return word_use::unknown;
}

// Runs of four letters of a longer word, as "~" terms: a typo
// ("bereikbaarhied"), another inflection or a compound the splitter does not
// know ("zelfroosteren", "roosterwijziging") still shares some of them with
// the word meant. Weighted low (tuning::ngram_weight): alone they are weak evidence.
void add_letter_grams(std::string const& folded, std::map<std::string, double>& terms) {
    constexpr std::size_t gram = 4;
    constexpr std::size_t min_length = 6;
    if (folded.size() < min_length) return;
    // Appended rather than "~" + substr: GCC 12 warns falsely (-Wrestrict)
    // on that operator+ once it is inlined here.
    for (std::size_t i = 0; i + gram <= folded.size(); ++i)
        terms[std::string("~").append(folded, i, gram)] += 1;
}

// The nouns of prepositions written as a phrase ("in plaats van" is "ipv",
// a stop word; "instead of", "in terms of") say nothing about the topic:
// marked true, they are no theme term and start no concept ("plaats" stems
// to "plat", the "plat" of "platform"; "kader" would be #rules). Nor do
// those of other fixed phrases: "in order to" orders nothing (#structure),
// "of course" is no course (#training), "this type of question" types
// nothing (#admin), "in orde" (all right) is no order.
std::vector<bool> frozen_preposition_words(std::vector<std::string> const& words, lang l) {
    static std::vector<std::vector<std::string_view>> const nl = {
        {"in", "plaats", "van"},   {"ten", "koste", "van"},       {"in", "het", "kader", "van"},
        {"op", "basis", "van"},    {"aan", "de", "hand", "van"},  {"met", "behulp", "van"},
        {"in", "verband", "met"},  {"naar", "aanleiding", "van"}, {"ten", "opzichte", "van"},
        {"door", "middel", "van"}, {"in", "de", "loop", "van"},   {"in", "orde"}};
    static std::vector<std::vector<std::string_view>> const en = {{"in", "terms", "of"},
                                                                  {"on", "behalf", "of"},
                                                                  {"by", "means", "of"},
                                                                  {"in", "spite", "of"},
                                                                  {"as", "a", "result", "of"},
                                                                  {"in", "case", "of"},
                                                                  {"in", "order", "to"},
                                                                  {"in", "order", "for"},
                                                                  {"of", "course"},
                                                                  {"type", "of"},
                                                                  {"types", "of"}};
    std::vector<bool> frozen(words.size(), false);
    for (auto const& phrase : l == lang::nl ? nl : en) {
        for (std::size_t i = 0; i + phrase.size() <= words.size(); ++i) {
            if (!std::equal(phrase.begin(), phrase.end(), words.begin() + i)) continue;
            std::fill_n(frozen.begin() + i, phrase.size(), true);
        }
    }
    return frozen;
}

// English "time" also counts occasions: "every time", "the first time",
// "five times", "all the time" say how often, not that time is short. Such a
// "time" and the word that counts it are marked true: no theme term, no
// #time, and "the first time" is no first step of the change ('process').
void mark_occasion_time(std::vector<std::string> const& words, lang l, std::vector<bool>& frozen) {
    if (l != lang::en) return;
    static std::set<std::string_view> const counted = {
        "every", "each", "first", "second",  "third", "last",     "next",  "this",
        "one",   "two",  "three", "four",    "five",  "six",      "seven", "eight",
        "nine",  "ten",  "many",  "several", "few",   "multiple", "any",   "same"};
    for (std::size_t i = 1; i < words.size(); ++i) {
        if (words[i] != "time" && words[i] != "times") continue;
        std::string const& before = words[i - 1];
        bool const how_often = before == "the" && i >= 2 &&
                               (words[i - 2] == "all" || words[i - 2] == "half" ||
                                (words[i - 2] == "of" && i >= 3 && words[i - 3] == "most"));
        if (counted.count(before) || is_digits(before)) frozen[i - 1] = true; // "the first"
        if (counted.count(before) || is_digits(before) || how_often) frozen[i] = true;
    }
}

// English "tired of" and "sick of" are fed up, a complaint (the 'problem'
// cue), not fatigue (#workload) or illness (#life): "sick of re-entering
// the same data". Such a word is marked true.
void mark_fed_up(std::vector<std::string> const& words, lang l, std::vector<bool>& frozen) {
    if (l != lang::en) return;
    for (std::size_t i = 0; i + 1 < words.size(); ++i) {
        if (words[i] != "tired" && words[i] != "sick") continue;
        bool const sick_and_tired = words[i] == "sick" && i + 2 < words.size() &&
                                    words[i + 1] == "and" && words[i + 2] == "tired";
        if (words[i + 1] == "of" || sick_and_tired) frozen[i] = true;
    }
}

// A phone is a device (#equipment, as a laptop or a headset: "mijn diensten
// op mijn telefoon zien", "a chat on their phone") unless someone is reached
// on it: after "aan de", "per", "via", "on the", "over the", "by" or when
// answered or picked up it is the line, the reachability of #access ("aan de
// telefoon krijgen", "pick up the phone"). Within a longer concept phrase
// ("phone line", "phone call") the phrase says what it is.
void phone_senses(std::vector<std::string> const& words, lang l,
                  std::vector<lexicon_match>& matches) {
    static std::set<std::string_view> const phone = {"telefoon", "telefoons", "phone", "phones"};
    static std::set<std::string_view> const line_nl = {"aan", "per", "via"};
    static std::set<std::string_view> const line_en = {
        "on", "over", "answer", "answers", "answered", "answering", "up", "by", "via"};
    std::vector<lexicon_match> const all = matches;
    auto const in_phrase = [&](lexicon_match const& m) {
        return std::any_of(all.begin(), all.end(), [&](lexicon_match const& outer) {
            return outer.length > 1 && outer.start <= m.start &&
                   m.start < outer.start + outer.length;
        });
    };
    auto const reached_on = [&](std::size_t i) {
        auto const& line = l == lang::nl ? line_nl : line_en;
        std::size_t j = i;
        if (j >= 1 && (words[j - 1] == "de" || words[j - 1] == "the")) --j;
        return j >= 1 && line.count(words[j - 1]) > 0;
    };
    std::erase_if(matches, [&](lexicon_match const& m) {
        return m.length == 1 && m.tag == "#equipment" && phone.count(words[m.start]) &&
               in_phrase(m);
    });
    for (auto& m : matches)
        if (m.length == 1 && m.tag == "#equipment" && phone.count(words[m.start]) &&
            reached_on(m.start))
            m.tag = "#access";
}

// An English "shift" towards something is a change ("a shift towards
// self-service", "the shift to the cloud", "a shift away from paper"), and
// the verb's other forms ("shifting priorities", "shifted the deadline")
// move things: no work shift (#schedule), which "a night shift", "every
// shift" or "swap my shift to Friday" is.
void drop_shift_as_change(std::vector<std::string> const& words, lang l,
                          std::vector<lexicon_match>& matches) {
    if (l != lang::en) return;
    static std::set<std::string_view> const article = {"a", "the", "this", "that"};
    std::erase_if(matches, [&](lexicon_match const& m) {
        if (m.tag != "#schedule" || m.length != 1) return false;
        std::string const& w = words[m.start];
        if (w == "shifting" || w == "shifted") return true;
        std::size_t const next = m.start + 1;
        if (w != "shift" || next >= words.size()) return false;
        std::string const& after = words[next];
        if (after == "towards" || after == "toward" || after == "away") return true;
        return after == "to" && m.start > 0 && article.count(words[m.start - 1]) > 0;
    });
}

// A "pipeline" is software's way to production (#delivery: "the pipeline is
// red again") unless it holds sales or other work coming in: "our sales
// pipeline", "de pipeline van deals", "a pipeline of candidates".
void drop_pipeline_of_deals(std::vector<std::string> const& words,
                            std::vector<lexicon_match>& matches) {
    static std::set<std::string_view> const before = {
        "sales", "verkoop", "deal", "deals", "lead", "leads", "recruitment", "hiring", "project"};
    static std::set<std::string_view> const contents = {
        "deals",      "deal",      "leads",      "klanten",    "customers", "prospects",
        "orders",     "offertes",  "kandidaten", "candidates", "projecten", "projects",
        "opdrachten", "aanvragen", "sales",      "clients"};
    std::erase_if(matches, [&](lexicon_match const& m) {
        if (m.tag != "#delivery" || m.length != 1) return false;
        if (words[m.start] != "pipeline" && words[m.start] != "pipelines") return false;
        if (m.start > 0 && before.count(words[m.start - 1])) return true;
        std::size_t const of = m.start + 1;
        return of + 1 < words.size() && (words[of] == "of" || words[of] == "van") &&
               contents.count(words[of + 1]) > 0;
    });
}

// An English "member" is one of the people served ("our members", a club's
// or a housing association's) unless it belongs to the organisation: "a
// team member", "staff members", "a board member", "member of staff".
void drop_members_of_the_organisation(std::vector<std::string> const& words, lang l,
                                      std::vector<lexicon_match>& matches) {
    if (l != lang::en) return;
    static std::set<std::string_view> const organisation = {
        "team", "staff", "board", "crew", "committee", "council", "faculty", "project", "squad"};
    std::erase_if(matches, [&](lexicon_match const& m) {
        if (m.tag != "#people-served" || m.length != 1) return false;
        if (words[m.start] != "member" && words[m.start] != "members") return false;
        if (m.start > 0 && organisation.count(words[m.start - 1])) return true;
        // "member of staff", "members of the team": one determiner may come between.
        std::size_t k = m.start + 2;
        if (k >= words.size() || words[m.start + 1] != "of") return false;
        if ((words[k] == "the" || words[k] == "our" || words[k] == "my") && k + 1 < words.size())
            ++k;
        return organisation.count(words[k]) > 0;
    });
}

char const* opening_kind(std::string const& first) {
    static std::set<std::string_view> const definite = {
        "de", "het", "the", "our", "onze", "ons", "mijn", "my", "this", "die", "deze", "dit"};
    static std::set<std::string_view> const indefinite = {
        "een",  "a",     "an",     "meer",   "more",      "minder",
        "less", "beter", "better", "betere", "eindelijk", "finally"};
    if (definite.count(first)) return "definite";
    if (indefinite.count(first)) return "indefinite";
    if (first == "dat" || first == "that") return "clause"; // "Dat we ...": a wish either way
    return "other";
}

class stem_cache {
  public:
    struct entry {
        std::string stem;
        unsigned char role; // `function_role` bits
    };
    entry const& lookup(std::string const& word, lang l) {
        auto& m = cache_[static_cast<int>(l)];
        auto it = m.find(word);
        if (it != m.end()) return it->second;
        return m.emplace(word, entry{stem(word, l), function_role_of(word, l)}).first->second;
    }
    std::string const& get(std::string const& word, lang l) { return lookup(word, l).stem; }

  private:
    std::unordered_map<std::string, entry> cache_[2];
};

// How each word of a workshop reads on its own (`read_adjective`,
// `verbal_form`), worked out once per word.
class word_form_cache {
  public:
    struct form {
        adjective_reading adjective;
        word_use use; // by how it is formed
    };
    template <class Known, class Topic>
    form const& get(std::string const& word, lang l, Known const& known, Topic const& topic) {
        auto& m = cache_[static_cast<int>(l)];
        auto it = m.find(word);
        if (it != m.end()) return it->second;
        form const f{read_adjective(word, l, known),
                     verbal_form(fold_accents(word), l, known, topic)};
        return m.emplace(word, f).first->second;
    }

  private:
    std::unordered_map<std::string, form> cache_[2];
};

struct sentence {
    std::vector<std::string> words;
    std::vector<std::string> stems;
    bool is_intention = false;
    std::string_view text;            // what the words were split from
    std::vector<bool> clause_end;     // per word: the last of its clause
    std::vector<unsigned char> roles; // per word: `function_role` bits
};

// Per word of split_words(text): whether it is the last word of its clause,
// before a comma, colon, semicolon, bracket, a sentence's end or the text's
// end (as split_words reads them, in the same pass).
std::vector<bool> clause_ends(std::string_view text) {
    std::vector<bool> out;
    split_words(text, &out);
    return out;
}

// Dutch separable verbs: "houden" and "blijven" keep something, but with a
// particle of their own they are other verbs: "we houden het tempo niet bij"
// (keep up with), "het houdt op" (stops), "dat houdt in" (means), "er blijft
// weinig tijd over" (is left), "we blijven achter" (lag behind), "blijft een
// week liggen" (piles up). The particle stands at the end of the main
// clause, or just before the verb ("bij te houden", "bij kunnen houden").
// After the verb, a particle followed by an article, a pronoun or a content
// word is a preposition instead ("blijven bij de klant", "bij elkaar").
// The clauses are found in `text` only when a keep cue of either verb is
// there: splitting every text again for them cost a tenth of a suggestion.
void drop_keep_of_separable_verbs(std::vector<std::string> const& words, std::string_view text,
                                  std::vector<lexicon_match>& matches) {
    static std::set<std::string_view> const houden = {"houden", "houd",    "hou",     "houdt",
                                                      "hield",  "hielden", "gehouden"};
    static std::set<std::string_view> const blijven = {"blijven", "blijf",  "blijft",
                                                       "bleef",   "bleven", "gebleven"};
    static std::set<std::string_view> const houden_particles = {
        "bij", "op", "in", "af", "tegen", "over", "uit", "achter", "bezig"};
    static std::set<std::string_view> const blijven_particles = {"achter", "bij",    "over",  "weg",
                                                                 "af",     "steken", "liggen"};
    // Words that open a noun phrase: the particle before them is a preposition.
    static std::set<std::string_view> const noun_phrase = {
        "de",  "het",  "een",    "mijn", "je",    "jouw",   "zijn", "haar", "ons",    "onze",
        "hun", "uw",   "jullie", "mij",  "me",    "jou",    "hem",  "hen",  "zich",   "elkaar",
        "die", "deze", "dit",    "elke", "ieder", "iedere", "alle", "veel", "weinig", "geen"};
    static std::set<std::string_view> const between = {
        "te",   "kan",    "kunnen", "kon",    "konden", "wil",   "willen", "wilde",
        "moet", "moeten", "zal",    "zullen", "mag",    "mogen", "zou",    "zouden"};
    std::vector<bool> clause_end; // per word: the last of its clause
    auto const particle_after = [&](std::size_t v, std::set<std::string_view> const& particles) {
        for (std::size_t j = v + 1; j < words.size(); ++j) {
            if (clause_end[j - 1]) return false;
            if (!particles.count(words[j])) continue;
            bool const last = clause_end[j] || j + 1 == words.size();
            if (last) return true;
            std::string const& next = words[j + 1];
            if (is_stop_word(next, lang::nl) && !noun_phrase.count(next)) return true;
            if (words[j] == "liggen" || words[j] == "steken") return true;
        }
        return false;
    };
    auto const particle_before = [&](std::size_t v, std::set<std::string_view> const& particles) {
        if (v >= 1 && particles.count(words[v - 1]) && !clause_end[v - 1]) return true;
        return v >= 2 && between.count(words[v - 1]) && particles.count(words[v - 2]) &&
               !clause_end[v - 2] && !clause_end[v - 1];
    };
    std::erase_if(matches, [&](lexicon_match const& m) {
        if (m.tag != "keep" || m.length != 1) return false;
        std::string const& w = words[m.start];
        auto const* particles = houden.count(w)    ? &houden_particles
                                : blijven.count(w) ? &blijven_particles
                                                   : nullptr;
        if (!particles) return false;
        if (clause_end.empty()) clause_end = clause_ends(text);
        return particle_after(m.start, *particles) || particle_before(m.start, *particles);
    });
}

// Dutch separable verbs in a main clause stand apart from their particle:
// "dan haak ik af" is "afhaken" (to drop out, a problem), "we tikken alles
// dubbel over" "overtikken", "ik neem het werk over" "overnemen". A word up
// to six words before a particle that ends the clause takes the stem of the
// joined verb when that is a word of the lexicons, the first such word of
// the clause (the finite verb comes early: "neem", not the "werk" of
// "overwerk"). The cues and topics of the joined verb then read it; other
// verbs stay as they are. The clauses are found in `text` only when such a
// pair is there.
void join_separable_verbs(std::vector<std::string> const& words, std::vector<std::string>& stems,
                          std::string_view text) {
    static std::set<std::string_view> const particles = {
        "af",  "uit", "op", "in",  "aan", "mee", "over", "door", "terug",
        "bij", "weg", "om", "toe", "na",  "los", "vast", "mis",  "samen"};
    constexpr std::size_t reach = 6;
    auto const is_word = [](std::string const& st) {
        return lexicon::cues().words().count(st) > 0 || lexicon::concepts().words().count(st) > 0;
    };
    std::vector<bool> clause_end;
    for (std::size_t j = 1; j < words.size(); ++j) {
        if (!particles.count(words[j])) continue;
        for (std::size_t k = j > reach ? j - reach : 0; k < j; ++k) {
            if (is_stop_word(words[k], lang::nl) || stems[k].empty()) continue;
            // Snowball keeps the doubled consonant of "invullen" ("invull")
            // that the finite "vul" has not.
            std::string joined = words[j] + stems[k];
            if (!is_word(joined)) joined += stems[k].back();
            if (!is_word(joined)) continue;
            if (clause_end.empty()) clause_end = clause_ends(text);
            if (clause_end.size() != words.size()) return;
            bool same_clause = clause_end[j];
            for (std::size_t m = k; m < j && same_clause; ++m)
                same_clause = !clause_end[m];
            if (!same_clause) continue;
            stems[k] = joined;
            break;
        }
    }
}

// Dutch "als" is "if" before a clause ("als je vastloopt", "als de wifi
// het niet doet", "als straks ...") but "as" or "like" before a bare noun
// ("als mentor", "als rustige plek") and in "net als": it stays a condition
// only when a function word or a word of time follows.
void drop_comparison_als(std::vector<std::string> const& words,
                         std::vector<lexicon_match>& matches) {
    std::set<std::size_t> time_words;
    for (auto const& m : matches)
        if (m.tag == "later" || m.tag == "now") time_words.insert(m.start);
    std::erase_if(matches, [&](lexicon_match const& m) {
        if (m.tag != "cond" || m.length != 1 || words[m.start] != "als") return false;
        if (m.start > 0 && words[m.start - 1] == "net") return true;
        std::size_t const next = m.start + 1;
        return next < words.size() && !is_stop_word(words[next], lang::nl) &&
               time_words.count(next) == 0;
    });
}

// English "once" is "as soon as" ("once the bot is live", a later cue), but
// "once a month" says how often.
void drop_once_as_frequency(std::vector<std::string> const& words,
                            std::vector<lexicon_match>& matches) {
    static std::set<std::string_view> const before_frequency = {"a", "an", "every", "per"};
    std::erase_if(matches, [&](lexicon_match const& m) {
        std::size_t const next = m.start + 1;
        return m.tag == "later" && m.length == 1 && words[m.start] == "once" &&
               next < words.size() && before_frequency.count(words[next]) > 0;
    });
}

// Two readings grammar rules out. "At least" (and Dutch "tenminste") before
// a number measures ("for at least one month"), it concedes nothing as in
// "at least it's 4x a year". English "away" after a form of "be" is where
// someone is ("if I'm away"), nothing taken away.
void drop_quantities_and_absence(std::vector<std::string> const& words, lang l,
                                 std::vector<lexicon_match>& matches) {
    static std::set<std::string_view> const be = {"am",   "is", "are",  "was",
                                                  "were", "be", "been", "being"};
    static std::set<std::string_view> const number_words = {
        "a",     "an",   "one", "two", "three", "four", "five", "six",  "seven",
        "eight", "nine", "ten", "een", "twee",  "drie", "vier", "vijf", "zes"};
    auto const is_number = [&](std::string const& w) {
        return number_words.count(w) > 0 || is_digits(w);
    };
    std::erase_if(matches, [&](lexicon_match const& m) {
        std::size_t const next = m.start + m.length;
        std::string const& first = words[m.start];
        bool const at_least =
            m.tag == "value" &&
            ((l == lang::en && m.length == 2 && first == "at" && words[m.start + 1] == "least") ||
             (l == lang::nl && first == "tenminste"));
        if (at_least) return next < words.size() && is_number(words[next]);
        return l == lang::en && m.tag == "loss" && m.length == 1 && first == "away" &&
               m.start > 0 && be.count(words[m.start - 1]) > 0;
    });
}

// "No more mispicks at dispatch", "Niet meer doorverbinden naar drie
// afdelingen": "no more", "no longer", "never again", "niet meer" or "nooit
// meer" opening a clause, nothing of the clause before it, asks for an end
// to something, as "better" does; "we hebben straks geen tijd meer" or "then
// we no longer see them" still lose, as does "Niet hetzelfde als een mens".
// The clauses are found in `text` only when such a phrase follows a word.
void read_ends_asked_for(std::vector<std::string> const& words, std::string_view text,
                         std::vector<lexicon_match>& matches) {
    static std::set<std::string_view> const negations = {"niet", "nooit", "no", "never"};
    static std::set<std::string_view> const ending = {"meer", "more", "longer", "again"};
    static constexpr std::string_view better = "better";
    std::vector<bool> clause_end;
    for (auto& m : matches) {
        if (m.tag != "loss" || m.length != 2 || !negations.count(words[m.start]) ||
            !ending.count(words[m.start + 1]))
            continue;
        if (m.start > 0) {
            if (clause_end.empty()) clause_end = clause_ends(text);
            if (clause_end.size() != words.size() || !clause_end[m.start - 1]) continue;
        }
        m.tag = better;
    }
}

// A cue phrase says what its words mean together: within "blijft liggen"
// (piles up) or "always the same" nothing is kept, "fijn als" is a wish
// rather than a value. A cue of another tag inside a longer cue phrase is
// dropped; a negation stays, as it still negates what follows ("geen tijd
// meer voor ...").
void drop_cues_inside_phrases(std::vector<lexicon_match>& matches) {
    auto const inside = [](lexicon_match const& inner, lexicon_match const& outer) {
        return outer.length > inner.length && outer.start <= inner.start &&
               inner.start + inner.length <= outer.start + outer.length;
    };
    std::vector<lexicon_match> const all = matches;
    std::erase_if(matches, [&](lexicon_match const& m) {
        return std::any_of(all.begin(), all.end(), [&](lexicon_match const& outer) {
            return m.tag != "neg" && outer.tag != m.tag && inside(m, outer);
        });
    });
}

// Concepts of a run of words, in the card's own language, without the
// senses the words have in other concepts (a phone is the device or the
// line; a shift, a pipeline or a member not always the lexicon's).
std::vector<lexicon_match> topic_concepts(std::vector<std::string> const& words,
                                          std::vector<std::string> const& stems, lang l) {
    auto matches = lexicon::concepts().match(words, stems, l, true);
    phone_senses(words, l, matches);
    drop_shift_as_change(words, l, matches);
    drop_pipeline_of_deals(words, matches);
    drop_members_of_the_organisation(words, l, matches);
    return matches;
}

// Stance cues of a run of words, in the card's own language only: a cue word
// of one language is often another word in the other ("Wie lost het op",
// "want" = because), and the loan words a card may use are in both lists.
// `words` and `stems` are those of `text`.
std::vector<lexicon_match> stance_cues(std::vector<std::string> const& words,
                                       std::vector<std::string> const& stems, std::string_view text,
                                       lang l) {
    auto matches = lexicon::cues().match(words, stems, l, false, true);
    if (l == lang::nl) drop_comparison_als(words, matches);
    if (l == lang::nl) drop_keep_of_separable_verbs(words, text, matches);
    if (l == lang::en) drop_once_as_frequency(words, matches);
    drop_quantities_and_absence(words, l, matches);
    read_ends_asked_for(words, text, matches);
    drop_cues_inside_phrases(matches);
    return matches;
}

// Whether a cue falls under a negation up to three words before it ("niet
// kwijt", "don't lose").
bool is_negated(lexicon_match const& cue, std::vector<lexicon_match> const& matches) {
    if (cue.tag == "neg") return false;
    return std::any_of(matches.begin(), matches.end(), [&](lexicon_match const& m) {
        return m.tag == "neg" && m.start < cue.start && cue.start - m.start <= 3;
    });
}

// Whether a keep cue under a negation says the writer does not want to go on
// with something: "Ik wil niet blijven overtikken", "I don't want to keep
// doing laps for nothing" ask for change, and are read as "n:keep" only, no
// keep cue. A negated word of frequency still keeps: "not always", "niet
// altijd" say how often, not what should stop.
bool is_unkept(lexicon_match const& cue, std::vector<std::string> const& words,
               std::vector<lexicon_match> const& matches) {
    static std::set<std::string_view> const frequency = {"altijd", "nog", "always", "still"};
    return cue.tag == "keep" && !frequency.count(words[cue.start]) && is_negated(cue, matches);
}

// The last sentence of `text`, and whether another sentence came before it.
std::pair<std::string_view, bool> last_sentence(std::string_view text) {
    auto const is_end = [](char c) { return c == '.' || c == '!' || c == '?'; };
    while (!text.empty() && (is_end(text.back()) || text.back() == ' ' || text.back() == '\n'))
        text.remove_suffix(1);
    for (std::size_t cut = text.find_last_of(".!?"); cut != std::string_view::npos;
         cut = cut == 0 ? std::string_view::npos : text.find_last_of(".!?", cut - 1))
        if (ends_sentence(text, cut)) return {text.substr(cut + 1), true};
    return {text, false};
}

// The sentence a card closes on, or empty for a card of one sentence: the
// last sentence of its intention when it has one (written after the
// concern, it says what the author wants), else of its text when that has
// several. A card often ends on its verdict ("... Dat wil ik niet kwijt.",
// "... I'd miss that.").
std::string_view closing_sentence(card_text const& card) {
    if (card.intention && !card.intention->empty()) return last_sentence(*card.intention).first;
    auto const [last, after_another] = last_sentence(card.text);
    return after_another ? last : std::string_view();
}

// Adds "p:a+b" for every pair of stance tags present, so that the classifier
// sees "fear with loss" apart from "fear with a problem".
void add_pairs(std::set<std::string> const& tags, std::vector<std::string>& out) {
    static std::set<std::string_view> const paired = {
        "fear",    "loss",     "keep", "value",  "wish",  "problem", "question", "better",
        "process", "relation", "tech", "cond",   "now",   "later",   "neg",      "new",
        "old",     "self",     "we",   "effort", "plain", "able"};
    std::vector<std::string> t;
    for (auto const& tag : tags)
        if (paired.count(tag)) t.push_back(tag);
    for (std::size_t i = 0; i < t.size(); ++i)
        for (std::size_t j = i + 1; j < t.size(); ++j)
            out.push_back("p:" + t[i] + "+" + t[j]);
}

} // namespace

known_words collect_known_words(std::vector<card_text> const& cards, lang fallback) {
    known_words k;
    for (auto const& c : cards) {
        std::vector<std::string> words = split_words(c.text);
        if (c.intention) {
            auto more = split_words(*c.intention);
            words.insert(words.end(), more.begin(), more.end());
        }
        lang const l = c.known_language ? *c.known_language : detect_language(words, fallback);
        for (auto const& w : words) {
            if (is_stop_word(w, l)) continue;
            k.words.insert(fold_accents(w));
            k.words.insert(stem(w, l));
        }
    }
    return k;
}

std::vector<analysed_card> analyse_cards(std::vector<card_text> const& cards, lang fallback,
                                         known_words const* base) {
    lexicon const& concepts = lexicon::concepts();
    stem_cache stems;

    // Words and language of every card first: compounds are split against the
    // workshop's own vocabulary as well.
    std::vector<std::vector<sentence>> sentences(cards.size());
    std::vector<lang> langs(cards.size());
    std::unordered_set<std::string> local;
    for (std::size_t i = 0; i < cards.size(); ++i) {
        std::vector<bool> ends;
        std::vector<std::string> words = split_words(cards[i].text, &ends);
        sentences[i].push_back({std::move(words), {}, false, cards[i].text, std::move(ends), {}});
        if (cards[i].intention && !cards[i].intention->empty()) {
            words = split_words(*cards[i].intention, &ends);
            sentences[i].push_back(
                {std::move(words), {}, true, *cards[i].intention, std::move(ends), {}});
        }
        std::vector<std::string> all;
        for (auto const& s : sentences[i])
            all.insert(all.end(), s.words.begin(), s.words.end());
        langs[i] =
            cards[i].known_language ? *cards[i].known_language : detect_language(all, fallback);
        for (auto& s : sentences[i]) {
            for (auto const& w : s.words) {
                auto const& e = stems.lookup(w, langs[i]);
                s.stems.push_back(e.stem);
                s.roles.push_back(e.role);
            }
            if (langs[i] == lang::nl) join_separable_verbs(s.words, s.stems, s.text);
            for (std::size_t k = 0; k < s.words.size(); ++k) {
                if (s.roles[k] & function_word) continue;
                local.insert(fold_accents(s.words[k]));
                local.insert(s.stems[k]);
            }
        }
    }
    auto const topic = [&](std::string const& w) { return concepts.words().count(w) > 0; };
    auto const known = [&](std::string const& w) {
        return local.count(w) || topic(w) || (base && base->words.count(w));
    };
    std::unordered_map<std::string, std::optional<std::pair<std::string, std::string>>> splits;
    word_form_cache forms;

    std::vector<analysed_card> out(cards.size());
    for (std::size_t i = 0; i < cards.size(); ++i) {
        analysed_card& a = out[i];
        lang const l = langs[i];
        a.language = l;
        std::set<std::string> features;
        std::set<std::string> cue_tags;
        bool process_topic = false;
        std::map<std::string, double> terms;
        features.insert("kind:" + std::string(cards[i].kind));
        if (sentences[i].size() > 1) features.insert("hasint");
        if (cards[i].text.find('?') != std::string_view::npos) {
            features.insert("c:question");
            cue_tags.insert("question");
        }
        // How the card opens: "De/Het/The/Our ..." names something that
        // exists; "Een/A ..." or "Meer/More ..." something that does not yet.
        // By the card's kind: an intention that names something wants to
        // keep it ("Het lokaal als rustige plek"), a concern that does is as
        // often about what is wrong with it ("Our test suite takes 3 hours").
        if (!sentences[i].empty() && !sentences[i][0].words.empty())
            features.insert("f:" + std::string(cards[i].kind) + "+" +
                            opening_kind(sentences[i][0].words[0]));

        for (auto const& s : sentences[i]) {
            // Stance cues, and which of them fall under a negation. Their
            // words, as those of a preposition, are no theme terms.
            std::vector<bool> frozen = frozen_preposition_words(s.words, l);
            mark_occasion_time(s.words, l, frozen);
            mark_fed_up(s.words, l, frozen);
            std::vector<bool> stance_word = frozen;
            auto const cue_matches = stance_cues(s.words, s.stems, s.text, l);
            std::unordered_set<std::string> const capitals = abbreviations(s.text);
            for (auto const& m : cue_matches) {
                std::string const tag(m.tag);
                if (is_unkept(m, s.words, cue_matches)) {
                    features.insert("n:keep");
                    for (std::size_t k = 0; k < m.length; ++k)
                        stance_word[m.start + k] = true;
                    continue;
                }
                cue_tags.insert(tag);
                // How the change is carried out is no topic of a word with
                // little topic of its own, as no concept is: "eerlijk
                // gezegd" (honestly) is no fair rule.
                if (m.tag == "process" && !frozen[m.start] &&
                    !(m.length == 1 && is_low_content(s.words[m.start], l)))
                    process_topic = true;
                features.insert("c:" + tag);
                if (s.is_intention) features.insert("ic:" + tag);
                if (is_stance_only(m.tag))
                    for (std::size_t k = 0; k < m.length; ++k)
                        stance_word[m.start + k] = true;
                if (is_negated(m, cue_matches) && m.tag != "keep") features.insert("n:" + tag);
            }
            // Adjacent words, function words included: "niet kwijt", "nu al",
            // "don't lose", "no longer" read differently from their words.
            for (std::size_t k = 0; k + 1 < s.stems.size(); ++k)
                if ((s.roles[k] | s.roles[k + 1]) & function_word)
                    features.insert("b:" + s.stems[k] + "_" + s.stems[k + 1]);
            // Topics, from whole words and from the parts of compounds.
            std::vector<bool> concept_word(s.words.size(), false); // a whole-word entry
            for (auto const& m : topic_concepts(s.words, s.stems, l)) {
                // A word with little topic of its own is no concept alone,
                // as it is no theme term: "eerlijk gezegd" (honestly) is no
                // #rules, "een eerlijke kans" is.
                if (m.length == 1 && is_low_content(s.words[m.start], l)) continue;
                if (frozen[m.start]) continue;
                terms[std::string(m.tag)] += 1;
                features.insert("k:" + std::string(m.tag));
                if (m.length == 1) concept_word[m.start] = true;
            }
            std::vector<word_use> const uses =
                positional_uses(s.words, s.roles, s.clause_end, l, [&](std::string const& w) {
                    return forms.get(w, l, known, topic).adjective;
                });
            for (std::size_t k = 0; k < s.words.size(); ++k) {
                std::string const& w = s.words[k];
                std::string const& st = s.stems[k];
                if ((s.roles[k] & function_word) || stance_word[k] || is_low_content(w, l) ||
                    st.size() < 2)
                    continue;
                if (is_digits(w) || is_number_word(w, l)) continue;
                features.insert("w:" + st);
                if (is_common_word(w, l) || (is_manner_adverb(w, l) && !topic(w))) continue;
                terms[st] += 1;
                std::string const folded = fold_accents(w);
                auto it = splits.find(folded);
                if (it == splits.end())
                    it = splits.emplace(folded, split_compound(folded, l, known, topic)).first;
                // How the card uses the word: a compound (nearly always a
                // noun; but a Dutch one in -en is as often a verb with its
                // particle or noun: "wegblijven", "proefdraaien") or an
                // abbreviation names something; otherwise where it stands
                // tells, then how it is formed.
                word_use use = uses[k];
                bool const compound = it->second && !is_stop_word(it->second->first, l) &&
                                      !(l == lang::nl && folded.ends_with("en"));
                if (capitals.count(w) || compound)
                    use = word_use::naming;
                else if (use == word_use::unknown)
                    use = forms.get(w, l, known, topic).use;
                if (capitals.count(w)) {
                    std::string written = w;
                    for (char& c : written)
                        c = static_cast<char>(c - 'a' + 'A');
                    a.surfaces.emplace_back(std::move(written), st);
                    a.surface_uses.push_back(use);
                } else if (!names_nothing(w, l)) {
                    a.surfaces.emplace_back(w, st);
                    a.surface_uses.push_back(use);
                }
                add_letter_grams(folded, terms);
                if (!it->second) continue;
                // After a function word the rest is often a word of another
                // sense than the lexicon's: the "dienst" of "binnendienst" is
                // an office, no shift. It counts as a word, not as a concept.
                bool const after_function_word = is_stop_word(it->second->first, l);
                for (auto const& part : {it->second->first, it->second->second}) {
                    if (is_stop_word(part, l)) continue; // "binnen" of "binnendienst"
                    std::string const& ps = stems.get(part, l);
                    // An everyday part is no topic, as the whole word would
                    // not be: the "dag" of "werkdag", "teamdag", "dagdiensten".
                    if (!is_common_word(part, l) && !is_low_content(part, l)) terms[ps] += 0.7;
                    features.insert("w:" + ps);
                    if (after_function_word) continue;
                    // A word the lexicon names whole gets no concepts from
                    // its parts: its entry says what it is about. A
                    // "helpdesk" is #training, not the colleagues' #team of
                    // "helpen"; "nachtdienst" is #schedule once, not once
                    // per part.
                    if (concept_word[k]) continue;
                    for (auto const& m : concepts.match({part}, {ps}, l, true, true))
                        terms[std::string(m.tag)] += 1;
                }
            }
        }
        // The cues of the closing sentence once more ("l:", negated "ln:"), as its verdict:
        // "We werken al jaren met dit rooster. Het moet echt anders." asks
        // for change whatever the sentences before it describe.
        std::string_view const closing = closing_sentence(cards[i]);
        if (!closing.empty()) {
            std::vector<std::string> const words = split_words(closing);
            std::vector<std::string> closing_stems;
            for (auto const& w : words)
                closing_stems.push_back(stems.get(w, l));
            if (l == lang::nl) join_separable_verbs(words, closing_stems, closing);
            auto const matches = stance_cues(words, closing_stems, closing, l);
            for (auto const& m : matches) {
                if (is_unkept(m, words, matches)) {
                    features.insert("ln:keep");
                    continue;
                }
                features.insert("l:" + std::string(m.tag));
                if (is_negated(m, matches) && m.tag != "keep")
                    features.insert("ln:" + std::string(m.tag));
            }
        }
        // The writer's own perspective ("ik", "mijn", "I", "my") as a topic
        // term: a theme of one's own say, skills or balance is written in
        // the first person, one of the customers, the colleagues or rules for
        // everyone mostly is not ("Ik wil zelf mijn diensten kiezen" against
        // "Heldere regels over wie de weekenden draait").
        if (cue_tags.count("self")) terms["#self"] = 1;
        // How the change is carried out (training, support, a pilot, being
        // asked, fair rules, the go-live): the labelling guideline's own kind
        // of wish, and a theme of nearly every change workshop, whatever its
        // words ("Eerst een proefperiode" with "Een vast aanspreekpunt").
        if (process_topic) terms["#process"] = 1;
        std::vector<std::string> pairs;
        add_pairs(cue_tags, pairs);
        features.insert(pairs.begin(), pairs.end());
        // The same cue reads differently on a concern than on an intention:
        // a fear voiced as a concern usually guards what exists, a wish
        // written as an intention usually asks for something new.
        for (auto const& tag : cue_tags)
            features.insert("kc:" + std::string(cards[i].kind) + "+" + tag);
        a.column_features.assign(features.begin(), features.end());
        a.theme_terms.assign(terms.begin(), terms.end());
    }
    return out;
}

} // namespace brug::suggest
