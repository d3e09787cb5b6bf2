// libFuzzer target: net::http_api on a request built straight from the input
// (`METHOD TARGET\nauthorization\nhost\nbody`), past what Beast's parser would let
// through; the promises are in http_check.hpp.
#include "http_check.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view const input(reinterpret_cast<char const*>(data), size);
    auto const problem = brug::fuzz::check_http_request(brug::fuzz::request_from(input));
    if (!problem.empty()) {
        std::fprintf(stderr, "fuzz_http_api: %s\n", problem.c_str());
        std::abort();
    }
    return 0;
}
