// The concept tags the lexicon finds in a text of one language: what the
// suggester's theme terms get from it, for tests of the lexicon.
#pragma once

#include "suggest/lexicon.hpp"
#include "suggest/text.hpp"

#include <set>
#include <string>
#include <vector>

namespace brug::suggest::testing {

inline std::set<std::string> concept_tags(char const* text, lang l) {
    auto const words = split_words(text);
    std::vector<std::string> stems;
    for (auto const& w : words)
        stems.push_back(stem(w, l));
    std::set<std::string> out;
    for (auto const& m : lexicon::concepts().match(words, stems, l, true))
        out.insert(std::string(m.tag));
    return out;
}

} // namespace brug::suggest::testing
