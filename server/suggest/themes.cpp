// Why average linkage with a threshold: the number of themes is not known in
// advance and differs per column and workshop; a threshold on how alike two
// groups are on average lets it follow the data, and average linkage (unlike
// single linkage) does not chain unrelated cards through one shared word.
#include "suggest/themes.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace brug::suggest {

void sparse_vector::normalise() {
    double sum = 0;
    for (auto const& [id, v] : entries)
        sum += v * v;
    if (sum <= 0) return;
    double const inv = 1.0 / std::sqrt(sum);
    for (auto& e : entries)
        e.second *= inv;
}

double dot(sparse_vector const& a, sparse_vector const& b) {
    double sum = 0;
    auto i = a.entries.begin(), j = b.entries.begin();
    while (i != a.entries.end() && j != b.entries.end()) {
        if (i->first < j->first) {
            ++i;
        } else if (j->first < i->first) {
            ++j;
        } else {
            sum += i->second * j->second;
            ++i, ++j;
        }
    }
    return sum;
}

std::vector<int> cluster_average_linkage(std::vector<sparse_vector const*> const& items,
                                         double threshold) {
    return cluster_average_linkage(
        items.size(), [&](std::size_t i, std::size_t j) { return dot(*items[i], *items[j]); },
        threshold);
}

std::vector<int> adopt_facilitator_themes(std::vector<int> const& groups,
                                          std::vector<int> const& themes) {
    std::size_t const n = groups.size();
    int const group_count = n ? *std::max_element(groups.begin(), groups.end()) + 1 : 0;
    std::map<int, std::map<int, int>> items_in; // theme -> group -> items
    for (std::size_t i = 0; i < n; ++i)
        if (themes[i] >= 0) items_in[themes[i]][groups[i]] += 1;
    std::vector<int> owner(group_count, -1), owner_items(group_count, 0);
    for (auto const& [theme, per_group] : items_in) {
        int home = -1, most = 0;
        for (auto const& [group, count] : per_group)
            if (count > most) home = group, most = count;
        if (most > owner_items[home]) owner[home] = theme, owner_items[home] = most;
    }
    // One label per new group: a theme (>= 0), or -1 - the old group.
    std::map<int, int> dense;
    std::vector<int> out(n);
    for (std::size_t i = 0; i < n; ++i) {
        int const label = themes[i] >= 0         ? themes[i]
                          : owner[groups[i]] >= 0 ? owner[groups[i]]
                                                  : -1 - groups[i];
        out[i] = dense.emplace(label, static_cast<int>(dense.size())).first->second;
    }
    return out;
}

std::string capitalise(std::string const& word) {
    if (word.empty()) return word;
    std::string out = word;
    auto const c = static_cast<unsigned char>(out[0]);
    if (c >= 'a' && c <= 'z') {
        out[0] = static_cast<char>(c - 32);
    } else if (c == 0xC3 && out.size() > 1) {
        auto const c2 = static_cast<unsigned char>(out[1]);
        if (c2 >= 0xA0 && c2 <= 0xBE && c2 != 0xB7) out[1] = static_cast<char>(c2 - 0x20);
    }
    return out;
}

} // namespace brug::suggest
