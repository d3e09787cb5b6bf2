// Template part of themes.hpp.
#pragma once

#include <algorithm>
#include <map>
#include <set>

namespace brug::suggest {

template <class Similarity>
std::vector<int> cluster_average_linkage(std::size_t n, Similarity const& similarity,
                                         double threshold, std::size_t max_clusters, double floor,
                                         std::size_t max_size) {
    // One group per item to start with.
    std::vector<int> group_of(n);
    for (std::size_t i = 0; i < n; ++i)
        group_of[i] = static_cast<int>(i);
    std::vector<double> size(n, 1.0);
    std::size_t const g = n;
    // sum[a][b]: sum of similarities between the members of groups a and b.
    std::vector<double> sum(g * g, 0.0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = i + 1; j < n; ++j) {
            int const a = group_of[i], b = group_of[j];
            if (a == b) continue;
            double const s = similarity(i, j);
            sum[a * g + b] += s;
            sum[b * g + a] += s;
        }
    std::vector<bool> alive(g, true);
    std::vector<int> merged_into(g);
    for (std::size_t a = 0; a < g; ++a)
        merged_into[a] = static_cast<int>(a);
    auto const average = [&](std::size_t a, std::size_t b) {
        return sum[a * g + b] / (size[a] * size[b]);
    };
    // Below the threshold, no merge makes a cluster larger than `max_size`:
    // loosely alike groups otherwise chain into one theme that holds most of
    // a column.
    auto const mergeable = [&](std::size_t a, std::size_t b) {
        if (a == b || !alive[a] || !alive[b]) return false;
        return size[a] + size[b] <= static_cast<double>(max_size) || average(a, b) > threshold;
    };
    // Each group's most alike partner, kept up to date after every merge, so
    // that a merge costs O(groups) instead of a scan of all pairs.
    std::vector<int> best_partner(g, -1);
    std::vector<double> best_value(g, -1e300);
    auto const refresh = [&](std::size_t a) {
        best_partner[a] = -1;
        best_value[a] = -1e300;
        for (std::size_t b = 0; b < g; ++b)
            if (mergeable(a, b) && average(a, b) > best_value[a])
                best_value[a] = average(a, b), best_partner[a] = static_cast<int>(b);
    };
    for (std::size_t a = 0; a < g; ++a)
        refresh(a);

    std::size_t clusters = g;
    for (;;) {
        int best_a = -1;
        double best = -1e300;
        for (std::size_t a = 0; a < g; ++a)
            if (alive[a] && best_partner[a] >= 0 && best_value[a] > best)
                best = best_value[a], best_a = static_cast<int>(a);
        if (best_a < 0) break;
        // Above the threshold always; below it only while there are more
        // clusters than `max_clusters`, and only between cards with
        // something in common.
        bool const wanted = best > threshold || (clusters > max_clusters && best > floor);
        if (!wanted) break;
        --clusters;
        int const best_b = best_partner[best_a];
        // Merge b into a.
        for (std::size_t c = 0; c < g; ++c) {
            if (!alive[c] || static_cast<int>(c) == best_a || static_cast<int>(c) == best_b)
                continue;
            sum[best_a * g + c] += sum[best_b * g + c];
            sum[c * g + best_a] = sum[best_a * g + c];
        }
        size[best_a] += size[best_b];
        alive[best_b] = false;
        merged_into[best_b] = best_a;
        refresh(best_a);
        for (std::size_t c = 0; c < g; ++c) {
            if (!alive[c] || static_cast<int>(c) == best_a) continue;
            if (best_partner[c] == best_a || best_partner[c] == best_b) {
                refresh(c);
            } else if (mergeable(c, best_a) && average(c, best_a) > best_value[c]) {
                best_value[c] = average(c, best_a);
                best_partner[c] = best_a;
            }
        }
    }
    // Dense cluster numbers in order of first item.
    std::vector<int> dense(g, -1);
    std::vector<int> out(n);
    int next = 0;
    for (std::size_t i = 0; i < n; ++i) {
        int root = group_of[i];
        while (merged_into[root] != root)
            root = merged_into[root];
        if (dense[root] < 0) dense[root] = next++;
        out[i] = dense[root];
    }
    return out;
}

// `score` of a word spelt `length` bytes long beats the best so far: higher,
// or as high and longer. On a tie (often: words of one card, all equally
// rare) the longer word names more ("Overdracht" rather than "Begint",
// "Performance" rather than "Measured").
inline bool better_title_word(double score, std::size_t length, double best_score,
                              std::size_t best_length) {
    constexpr double same = 1e-9;
    return score > best_score + same || (score > best_score - same && length > best_length);
}

// Length in bytes of the most used spelling.
inline std::size_t best_spelling_length(std::map<std::string, int> const& spellings) {
    std::size_t len = 0;
    int n = -1;
    for (auto const& [s, c] : spellings)
        if (c > n) len = s.size(), n = c;
    return len;
}

template <class Idf, class Use>
std::string
make_title(std::vector<std::vector<std::pair<std::string, std::string>> const*> const& cards,
           Idf const& idf, Use const& use_of, std::set<std::string>& taken) {
    // Per stem (and per pair of adjacent stems): in how many cards, and the
    // most used spelling.
    std::map<std::string, int> card_count;
    std::map<std::string, std::map<std::string, int>> spellings;
    for (auto const* words : cards) {
        std::set<std::string> seen;
        for (std::size_t i = 0; i < words->size(); ++i) {
            auto const& [surface, st] = (*words)[i];
            spellings[st][surface] += 1;
            seen.insert(st);
            if (i + 1 < words->size()) {
                auto const& [surface2, st2] = (*words)[i + 1];
                std::string const key = st + " " + st2;
                spellings[key][surface + " " + surface2] += 1;
                seen.insert(key);
            }
        }
        for (auto const& s : seen)
            card_count[s] += 1;
    }
    auto const best_spelling = [&](std::string const& key) {
        auto const& m = spellings[key];
        std::string best;
        int n = -1;
        for (auto const& [s, c] : m)
            if (c > n) best = s, n = c;
        return best;
    };
    // Prefer words shared by several cards, of some length: "Doe" or
    // "Almost" name nothing, even when rare. Without such words, any word.
    // Each first without the words other titles open with.
    auto const first_stem = [](std::string const& key) { return key.substr(0, key.find(' ')); };
    // Long enough to name something; an abbreviation ("CRM", "CD") always is.
    auto const long_enough = [&](std::string const& key) {
        std::string const spelt = best_spelling(key);
        bool const capitals =
            spelt.size() >= 2 &&
            std::all_of(spelt.begin(), spelt.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
        return capitals || spelt.size() >= 4;
    };
    // How the workshop's cards use the word: one they use as a verb or an
    // adjective more often than as a noun names no theme while the cards
    // have another word ("Docent, lessen" rather than "Online, leren",
    // "Train" rather than "Waiting"); nor does a pair whose last word is
    // such a word or whose first is a verb (an adjective may describe the
    // noun: "vast aanspreekpunt", but not "leren les"). Before the other
    // rules but the taken openers: a noun in one card names a theme better
    // than an adjective in two ("Voorspelbaarheid" rather than "Vast").
    // Nouns are not preferred over words whose use nothing shows: those are
    // mostly nouns too, plurals and compounds without an article
    // ("Cijfers", "Schimmelmeldingen").
    auto const describes = [](word_use u) {
        return u == word_use::verbal || u == word_use::adjective;
    };
    std::set<std::string> no_noun;
    for (auto const& [key, count] : card_count) {
        auto const space = key.find(' ');
        bool const describing = space == std::string::npos
                                    ? describes(use_of(key))
                                    : describes(use_of(key.substr(space + 1))) ||
                                          use_of(key.substr(0, space)) == word_use::verbal;
        if (describing) no_noun.insert(key);
    }
    std::string best_key;
    for (int pass = 0; pass < 8 && best_key.empty(); ++pass) {
        bool const fresh = pass < 4;
        bool const nouns = pass % 4 < 2;
        bool const strict = pass % 2 == 0;
        double best_score = -1;
        std::size_t best_length = 0;
        for (auto const& [key, count] : card_count) {
            bool const is_pair = key.find(' ') != std::string::npos;
            if (is_pair && count < 2) continue;
            if (nouns && no_noun.count(key)) continue;
            if (fresh && taken.count(first_stem(key))) continue;
            if (strict && !is_pair && (!long_enough(key) || (cards.size() > 1 && count < 2)))
                continue;
            double rarity = 0;
            if (is_pair) {
                auto const space = key.find(' ');
                rarity = (idf(key.substr(0, space)) + idf(key.substr(space + 1))) * 0.6;
            } else {
                rarity = idf(key);
            }
            double const score = count * rarity;
            std::size_t const length = best_spelling_length(spellings[key]);
            if (better_title_word(score, length, best_score, best_length))
                best_score = score, best_length = length, best_key = key;
        }
    }
    if (best_key.empty()) return "";
    taken.insert(first_stem(best_key));
    std::string title = capitalise(best_spelling(best_key));
    // A second word when the theme is broad enough to need it, never one the
    // cards use as a verb or an adjective ("Werk, ingericht" is "Werk, scherm").
    if (best_key.find(' ') == std::string::npos && cards.size() >= 3) {
        std::string second;
        double second_score = -1;
        std::size_t second_length = 0;
        for (auto const& [key, count] : card_count) {
            if (key == best_key || key.find(' ') != std::string::npos || count < 2) continue;
            if (!long_enough(key)) continue;
            if (no_noun.count(key)) continue;
            std::size_t const length = best_spelling_length(spellings[key]);
            double const score = count * idf(key);
            if (better_title_word(score, length, second_score, second_length))
                second_score = score, second_length = length, second = key;
        }
        if (!second.empty()) title += ", " + best_spelling(second);
    }
    return title;
}

} // namespace brug::suggest
