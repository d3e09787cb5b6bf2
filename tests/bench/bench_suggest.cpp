// bench_suggest [CARDS]: time of one suggest() for a workshop of CARDS cards
// (default 500) on one core, built from the compiled-in labelled cards in
// both languages. The built-in model is trained once, before timing, as the
// server does on first use. Target: under 50 ms for 500 cards. Exits 1 when
// the median is over the target.
//
// Time is the calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID): what one
// core spends, unaffected by other processes on a shared machine; wall time
// is printed next to it.
#include "suggest/model.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

using namespace brug::suggest;

namespace {

workshop_input make_workshop(std::size_t n, std::size_t placed, std::size_t clustered) {
    auto const source = parse_labelled_cards(builtin_cards_jsonl());
    workshop_input in;
    in.language = "nl";
    in.column_ids = {"behouden", "vernieuwen"};
    in.clusters = {{"cl-1", "behouden", "Contact"}, {"cl-2", "vernieuwen", "Training"}};
    for (std::size_t i = 0; i < n; ++i) {
        auto const& s = source[i % source.size()];
        card_input c;
        c.id = std::string("card-").append(std::to_string(i));
        c.kind = s.kind;
        // Repeats differ a little, as cards of a large workshop do.
        c.text = i < source.size() ? s.text : s.text + " " + source[(i * 7) % source.size()].kind;
        c.intention = s.intention;
        if (i % 5 == 0 && placed > 0) {
            c.column = s.column;
            --placed;
            if (clustered > 0) {
                c.cluster_id = s.column == "behouden" ? "cl-1" : "cl-2";
                --clustered;
            }
        }
        in.cards.push_back(std::move(c));
    }
    return in;
}

double thread_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// Median CPU and wall milliseconds of `runs` calls.
std::pair<double, double> median_ms(workshop_input const& in, int runs, std::size_t& themes) {
    std::vector<double> cpu, wall;
    for (int r = 0; r < runs; ++r) {
        double const c0 = thread_cpu_ms();
        auto const w0 = std::chrono::steady_clock::now();
        auto const s = suggest(in);
        wall.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - w0)
                .count());
        cpu.push_back(thread_cpu_ms() - c0);
        themes = s.themes.size();
    }
    std::sort(cpu.begin(), cpu.end());
    std::sort(wall.begin(), wall.end());
    return {cpu[cpu.size() / 2], wall[wall.size() / 2]};
}

} // namespace

int main(int argc, char** argv) {
    std::size_t const n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 500;
    double const target_ms = 50;
    auto const t0 = std::chrono::steady_clock::now();
    builtin_model();
    double const train_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::printf("built-in model trained once in %.1f ms\n", train_ms);

    bool ok = true;
    struct scenario {
        char const* name;
        std::size_t placed, clustered;
    };
    for (auto const& sc : {scenario{"nothing placed", 0, 0}, scenario{"20% placed", n / 5, 0},
                           scenario{"20% placed, half in themes", n / 5, n / 10}}) {
        workshop_input const in = make_workshop(n, sc.placed, sc.clustered);
        std::size_t themes = 0;
        auto const [ms, wall] = median_ms(in, 7, themes);
        std::printf("suggest %zu cards, %-26s median %6.1f ms CPU (%6.1f ms wall, %zu themes)%s\n",
                    n, sc.name, ms, wall, themes, ms > target_ms ? "  OVER TARGET" : "");
        ok = ok && ms <= target_ms;
    }
    {
        workshop_input const in = make_workshop(n, 0, 0);
        double const c0 = thread_cpu_ms();
        auto const alike = similar(in, "card-0", 5);
        std::printf("similar among %zu cards: %.1f ms CPU (%zu answers)\n", n, thread_cpu_ms() - c0,
                    alike.size());
    }
    std::printf("target: %.0f ms for 500 cards on one core: %s\n", target_ms,
                ok ? "met" : "NOT met");
    return ok ? 0 : 1;
}
