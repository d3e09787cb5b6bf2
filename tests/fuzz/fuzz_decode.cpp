// libFuzzer target: protocol::decode on arbitrary bytes, with the default
// limits and tiny ones; every promise in decode_check.hpp is an assertion.
#include "decode_check.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view const frame(reinterpret_cast<char const*>(data), size);
    auto const problem = brug::fuzz::check_decode(frame);
    if (!problem.empty()) {
        std::fprintf(stderr, "fuzz_decode: %s\n", problem.c_str());
        std::abort();
    }
    return 0;
}
