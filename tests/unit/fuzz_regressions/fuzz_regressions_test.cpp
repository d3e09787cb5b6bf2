// Every input the fuzzers were seeded with or found a bug with, replayed with
// the fuzz targets' own checks (tests/fuzz/decode_check.hpp,
// tests/fuzz/dispatch_check.hpp), so that `make test` keeps each finding
// fixed without clang or libFuzzer. The HTTP targets' inputs replay in
// `make fuzz-smoke` (they need the network layer).
#include "../../fuzz/decode_check.hpp"
#include "../../fuzz/dispatch_check.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::string read_file(fs::path const& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// The input files under these folders of the source tree (notes in *.md left
// out), sorted so that test names are stable.
std::vector<std::string> inputs(std::initializer_list<char const*> folders) {
    std::vector<std::string> out;
    for (auto const* folder : folders) {
        fs::path const dir = fs::path(BRUG_SOURCE_DIR) / folder;
        if (!fs::is_directory(dir)) continue;
        for (auto const& e : fs::directory_iterator(dir))
            if (e.is_regular_file() && e.path().extension() != ".md") out.push_back(e.path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

TEST_CASE("fuzz regressions: there are decode and dispatch inputs to replay") {
    CHECK(inputs({"tests/fuzz/corpus/decode"}).size() >= 100);
    CHECK(inputs({"tests/fuzz/corpus/dispatch"}).size() >= 50);
}

TEST_CASE("fuzz regressions: decode keeps its promises on every saved frame") {
    auto const path = GENERATE(from_range(
        inputs({"tests/fuzz/regressions/decode", "tests/fuzz/corpus/decode", "protocol/examples/valid"})));
    INFO(fs::path(path).filename().string());
    CHECK(brug::fuzz::check_decode(read_file(path)) == "");
}

TEST_CASE("fuzz regressions: the workshop keeps its promises on every saved script") {
    auto const path = GENERATE(from_range(inputs({"tests/fuzz/regressions/dispatch", "tests/fuzz/corpus/dispatch"})));
    INFO(fs::path(path).filename().string());
    CHECK(brug::fuzz::check_dispatch(read_file(path)) == "");
}
