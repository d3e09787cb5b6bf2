// Fuzz build only: the hub and store functions that http_api.cpp names.
// The fuzzed API has no hub (http_api.hpp allows a null one for fuzzing), so
// these are never called; linking the real ones would drag in the rooms,
// Asio's runtime and SQLite. If one is ever called, that is a finding.
// A call http_api.cpp adds later links anyway (mk/fuzz.mk links the HTTP
// targets with --warn-unresolved-symbols): the linker warns, and a call
// would crash at address 0, which the fuzzer reports.
#include "live/hub.hpp"
#include "store/store.hpp"

#include <cstdio>
#include <cstdlib>

namespace brug {

void live::hub::create(model::workshop_meta, std::function<void(std::string)>) {
    std::fputs("net_stubs: hub::create called with no hub\n", stderr);
    std::abort();
}

bool live::hub::remove(std::string const&, std::function<void(bool)>) {
    std::fputs("net_stubs: hub::remove called with no hub\n", stderr);
    std::abort();
}

std::optional<model::workshop_state> store::store::load(std::string const&) {
    std::fputs("net_stubs: store::load called with no hub\n", stderr);
    std::abort();
}

bool store::store::exists(std::string const&) {
    std::fputs("net_stubs: store::exists called with no hub\n", stderr);
    std::abort();
}

} // namespace brug
