// libFuzzer target: a script of commands from a facilitator and several
// participants against one in-memory workshop (see dispatch_check.hpp for the
// script and the promises checked after every step).
#include "deterministic_rand.hpp"
#include "dispatch_check.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    brug::fuzz::reseed_random(size); // the same ids and shuffles every time this input runs
    std::string_view const script(reinterpret_cast<char const*>(data), size);
    auto const problem = brug::fuzz::check_dispatch(script);
    if (!problem.empty()) {
        std::fprintf(stderr, "fuzz_dispatch: %s\n", problem.c_str());
        std::abort();
    }
    return 0;
}
