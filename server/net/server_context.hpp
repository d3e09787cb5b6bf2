// What every session needs to know, shared read-only by all of them.
#pragma once

#include "app/options.hpp"
#include "net/address_limits.hpp"
#include "net/http_api.hpp"
#include "protocol/limits.hpp"

namespace brug::live { class hub; }

namespace brug::net {

struct server_context {
    app::options opts;
    live::hub* hub = nullptr;  // outlives every session
    net::http_api api;
    protocol::limits limits;   // for decoding client frames
    // Per-address abuse limits; has its own mutex. May be null (no limits).
    std::shared_ptr<net::address_limits> by_address;
};

} // namespace brug::net
