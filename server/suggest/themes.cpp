// Why average linkage with a threshold: the number of themes is not known in
// advance and differs per column and workshop; a threshold on how alike two
// groups are on average lets it follow the data, and average linkage (unlike
// single linkage) does not chain unrelated cards through one shared word.
#include "suggest/themes.hpp"

#include <cmath>

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
                                         std::vector<int> const& fixed, double threshold) {
    return cluster_average_linkage(
        items.size(), [&](std::size_t i, std::size_t j) { return dot(*items[i], *items[j]); },
        fixed, threshold);
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
