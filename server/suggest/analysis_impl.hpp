// Template part of analysis.hpp.
#pragma once

namespace brug::suggest {

// Word endings that are known words or stems elsewhere but here only inflect
// the word: "snel|ler" (sneller), "afgerek|end", "leidinggev|ende", "week|ends".
inline bool is_inflection_tail(std::string_view tail) {
    for (std::string_view e : {"ler", "lers", "end", "ende", "enden", "ends", "ender"})
        if (tail == e) return true;
    return false;
}

template <class Known, class Topic>
std::optional<std::pair<std::string, std::string>>
split_compound(std::string const& folded, lang l, Known const& known, Topic const& topic) {
    constexpr std::size_t min_part = 3;
    if (folded.size() < 7) return std::nullopt;
    std::optional<std::pair<std::string, std::string>> best;
    std::size_t best_score = 0;
    for (std::size_t i = min_part; i + min_part <= folded.size(); ++i) {
        std::string const head = folded.substr(0, i);
        bool const function_word = is_stop_word(head, l);
        if (!function_word && !known(head)) continue;
        for (std::string_view linker : {"", "s", "e", "en"}) {
            if (folded.compare(i, linker.size(), linker) != 0) continue;
            if (function_word && !linker.empty()) continue;
            std::string const tail = folded.substr(i + linker.size());
            if (tail.size() < min_part || is_stop_word(tail, l) || is_inflection_tail(tail))
                continue;
            // A function word first ("binnen", "over", "voor") mostly makes
            // a word of its own ("onderwijs", "overleg", "voordeel",
            // "binnenkort"): split only when the rest is a topic word.
            auto const fits = [&](std::string const& w) {
                return function_word ? topic(w) : known(w);
            };
            if (!fits(tail) && !fits(stem(tail, l))) continue;
            // Prefer balanced splits: "werk|plek" over "wer|kplek".
            std::size_t const score =
                std::min(head.size(), tail.size()) * 4 + (linker.empty() ? 1 : 0);
            if (score > best_score) {
                best_score = score;
                best = std::make_pair(head, tail);
            }
        }
    }
    return best;
}

} // namespace brug::suggest
