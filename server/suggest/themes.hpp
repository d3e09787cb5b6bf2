// Grouping cards into themes: weighted term vectors, average-linkage
// clustering that stops at a similarity threshold (so the number of themes
// follows the data), and titles made of the cards' own words.
#pragma once

#include "suggest/text.hpp"

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace brug::suggest {

// Sorted by term id, L2-normalised by `normalise`.
struct sparse_vector {
    std::vector<std::pair<int, double>> entries;
    void normalise();
};

double dot(sparse_vector const& a, sparse_vector const& b);

// Average-linkage agglomerative clustering on dot products of normalised
// vectors. Merging stops when no pair of clusters is on average more alike
// than `threshold`. Returns a cluster index per item, 0..n-1, dense.
std::vector<int> cluster_average_linkage(std::vector<sparse_vector const*> const& items,
                                         double threshold);

// The same on a precomputed similarity matrix: `similarity(i, j)` for items
// 0..n-1. While there are more than `max_clusters` clusters, pairs above
// `floor` merge too, even below `threshold`, as long as the merged cluster
// holds at most `max_size` items.
template <class Similarity>
std::vector<int> cluster_average_linkage(std::size_t n, Similarity const& similarity,
                                         double threshold, std::size_t max_clusters = SIZE_MAX,
                                         double floor = 0.0, std::size_t max_size = SIZE_MAX);

// The facilitator's themes in a clustering: `groups` per item (from the
// clustering of all items alike), `themes` per item the facilitator's theme
// (>= 0) or none (-1). Each of the facilitator's themes takes over the group
// that holds most of its items (a group that holds most of two goes to the
// one with more items there); its items elsewhere leave their group for it.
// Returns the new group per item, dense in order of first item.
std::vector<int> adopt_facilitator_themes(std::vector<int> const& groups,
                                          std::vector<int> const& themes);

// A short title from the words of a theme's cards: the word (or pair of
// adjacent words) that most of its cards share and that is rare elsewhere.
// `cards` holds per card its content words as written, with their stems;
// `idf` gives the rarity of a stem. `taken`: the stems that open the titles
// made so far; the title opens with another word where the cards have one
// (two themes called "Klanten" are not told apart), and its own is added.
// `use_of` tells how the workshop's cards use a stem (`word_use`): a word
// they use as a verb or an adjective names the theme only when its cards
// have no other (taken openers aside), and is never its second word.
template <class Idf, class Use>
std::string
make_title(std::vector<std::vector<std::pair<std::string, std::string>> const*> const& cards,
           Idf const& idf, Use const& use_of, std::set<std::string>& taken);

template <class Idf>
std::string
make_title(std::vector<std::vector<std::pair<std::string, std::string>> const*> const& cards,
           Idf const& idf, std::set<std::string>& taken) {
    return make_title(
        cards, idf, [](std::string const&) { return word_use::unknown; }, taken);
}

template <class Idf>
std::string
make_title(std::vector<std::vector<std::pair<std::string, std::string>> const*> const& cards,
           Idf const& idf) {
    std::set<std::string> none;
    return make_title(cards, idf, none);
}

// First letter upper case, for ASCII and Latin-1 letters ("één" -> "Één").
std::string capitalise(std::string const& word);

} // namespace brug::suggest

#include "suggest/themes_impl.hpp"
