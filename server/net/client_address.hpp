// Who the client is, behind a reverse proxy or not (--trusted-proxy). The
// per-address limits key on it; it is never logged and never stored.
#pragma once

#include <boost/asio/ip/address.hpp>

#include <string_view>
#include <vector>

namespace brug::net {

// `a` with an IPv4-mapped IPv6 address (::ffff:192.0.2.1, from a dual-stack
// socket) written as the IPv4 address it is, so that both spell one client.
boost::asio::ip::address plain_address(boost::asio::ip::address const& a);

// Whether TCP peer `peer` is one of `trusted_proxies`, whose headers about
// the client (address, scheme) are believed.
bool is_trusted_proxy(boost::asio::ip::address const& peer,
                      std::vector<boost::asio::ip::address> const& trusted_proxies);

// The client's address for a request that came from TCP peer `peer`. When
// the peer is one of `trusted_proxies`, it is the proxy's word: `real_ip`
// (X-Real-IP), or else the rightmost entry of `forwarded_for`
// (X-Forwarded-For), the one the proxy itself appended. Otherwise, or when
// the proxy sent neither as a valid address, the peer: a header from anyone
// else is ignored, since a client can write whatever it likes there.
boost::asio::ip::address client_address(boost::asio::ip::address const& peer,
                                        std::string_view real_ip, std::string_view forwarded_for,
                                        std::vector<boost::asio::ip::address> const& trusted_proxies);

} // namespace brug::net
