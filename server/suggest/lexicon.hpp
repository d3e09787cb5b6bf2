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
    // The entries concepts() is built from, for checking that each can match.
    static std::vector<lexicon_entry> const& concept_entries();

    // Every entry found in one sentence in language `l`, given as its
    // lowercase words and their stems. Entries of the card's own language
    // match by stem; those of the other language only by the exact word
    // (loan words such as "deadline"), because a stem of one language is
    // often a different word in the other ("evening" -> "even"), and only
    // on words that no entry of the card's own language covers.
    // `skip_stop_words`: a function word of `l` never starts a match.
    // `own_language_only`: no loan words (for the parts of a compound: the
    // "form" of "platform" is no English form).
    std::vector<lexicon_match> match(std::vector<std::string> const& words,
                                     std::vector<std::string> const& stems, lang l,
                                     bool skip_stop_words, bool own_language_only = false) const;

    // Accent-folded single words of all entries and their stems, for
    // splitting compounds.
    std::unordered_set<std::string> const& words() const { return words_; }

  private:
    struct phrase {
        std::vector<std::string> rest; // stems after the first
        std::string tag;
    };
    using phrase_map = std::unordered_map<std::string, std::vector<phrase>>;
    phrase_map by_stem_[2]; // own-language entries by stem, indexed by lang
    phrase_map by_word_[2]; // entries of the other language by folded word
    std::unordered_set<std::string> words_;
};

} // namespace brug::suggest
