// What every session needs to know, shared read-only by all of them.
#pragma once

#include "app/options.hpp"
#include "net/http_api.hpp"
#include "protocol/limits.hpp"

namespace brug::live { class hub; }

namespace brug::net {

struct server_context {
    app::options opts;
    live::hub* hub = nullptr;  // outlives every session
    net::http_api api;
    protocol::limits limits;   // for decoding client frames
};

} // namespace brug::net
