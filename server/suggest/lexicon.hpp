// Curated bilingual lexicons: what change workshops talk about (concepts, for
// themes) and how people say what is at stake (cues, for the column). Entries
// are everyday words and short phrases, stemmed at start-up with the Snowball
// stemmer of each language, so "klanten" and "klant" meet.
#pragma once

#include "suggest/text.hpp"

#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace brug::suggest {

struct lexicon_entry {
    char const* tag;
    char const* nl; // comma-separated words and phrases
    char const* en;
};

struct lexicon_match {
    std::size_t start = 0;  // index into the stem sequence
    std::size_t length = 0; // stems covered
    std::string_view tag;
};

class lexicon {
public:
    explicit lexicon(std::vector<lexicon_entry> const& entries);

    // The topics of change workshops: clients, contact, time, training, ...
    static lexicon const& concepts();
    // Stance cues: fear, loss, keeping, wishes, problems, negation, now, later, ...
    static lexicon const& cues();

    // Every entry found in `stems` (stems of one sentence in language `l`).
    // Entries of the card's own language win over the other's on equal stems.
    std::vector<lexicon_match> match(std::vector<std::string> const& stems, lang l) const;

    // Accent-folded single words of all entries, for splitting compounds.
    std::unordered_set<std::string> const& words() const { return words_; }

private:
    struct phrase {
        std::vector<std::string> rest; // stems after the first
        std::string tag;
    };
    using phrase_map = std::unordered_map<std::string, std::vector<phrase>>;
    phrase_map by_lang_[2]; // indexed by lang
    std::unordered_set<std::string> words_;
};

} // namespace brug::suggest
