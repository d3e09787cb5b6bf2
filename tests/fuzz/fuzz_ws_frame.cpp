// libFuzzer target: net::ws::frame_parser on arbitrary client bytes. The
// first byte picks the message limit, the second how the stream is split
// between reads; every promise in ws_frame_check.hpp is an assertion.
#include "ws_frame_check.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    if (size < 2) return 0;
    std::size_t const max_message = 1 + static_cast<std::size_t>(data[0]) * 16; // 1 .. 4081
    std::string_view const stream(reinterpret_cast<char const*>(data + 2), size - 2);
    auto const problem = brug::fuzz::check_ws_frame(stream, max_message, data[1]);
    if (!problem.empty()) {
        std::fprintf(stderr, "fuzz_ws_frame: %s\n", problem.c_str());
        std::abort();
    }
    return 0;
}
