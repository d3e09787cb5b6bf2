// What every session needs to know, shared read-only by all of them.
#pragma once

#include "app/options.hpp"
#include "net/address_limits.hpp"
#include "net/http_api.hpp"
#include "protocol/limits.hpp"

#include <boost/asio/ip/address.hpp>

#include <memory>
#include <vector>

namespace boost::asio::ssl { class context; }
namespace brug::live { class hub; }

namespace brug::net {

struct server_context {
    app::options opts;
    live::hub* hub = nullptr;  // outlives every session
    net::http_api api;
    protocol::limits limits;   // for decoding client frames
    // Per-address abuse limits; has its own mutex. May be null (no limits).
    std::shared_ptr<net::address_limits> by_address;
    // Set when the server speaks TLS itself (--tls-cert, --tls-key): then
    // every connection is TLS. Thread-safe for making connections.
    std::shared_ptr<boost::asio::ssl::context> tls;
    // Peers whose X-Real-IP / X-Forwarded-For name the client (--trusted-proxy).
    std::vector<boost::asio::ip::address> trusted_proxies;
};

} // namespace brug::net
