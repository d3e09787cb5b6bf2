#include "net/client_address.hpp"

#include <algorithm>
#include <optional>
#include <string>

namespace brug::net {

namespace asio = boost::asio;

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::optional<asio::ip::address> parse(std::string_view s) {
    boost::system::error_code ec;
    auto a = asio::ip::make_address(std::string(trim(s)), ec);
    if (ec) return std::nullopt;
    return plain_address(a);
}

} // namespace

asio::ip::address plain_address(asio::ip::address const& a) {
    if (a.is_v6() && a.to_v6().is_v4_mapped())
        return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
    return a;
}

bool is_trusted_proxy(asio::ip::address const& peer,
                      std::vector<asio::ip::address> const& trusted_proxies) {
    auto const from = plain_address(peer);
    return std::find(trusted_proxies.begin(), trusted_proxies.end(), from) !=
           trusted_proxies.end();
}

asio::ip::address client_address(asio::ip::address const& peer, std::string_view real_ip,
                                 std::string_view forwarded_for,
                                 std::vector<asio::ip::address> const& trusted_proxies) {
    auto const from = plain_address(peer);
    if (!is_trusted_proxy(from, trusted_proxies)) return from;
    if (auto a = parse(real_ip)) return *a;
    // "client, proxy1, proxy2": only the last was written by our proxy; the
    // ones before it are whatever the client (or a proxy before ours) sent.
    auto last = forwarded_for.substr(forwarded_for.rfind(',') + 1); // npos + 1 == 0
    if (auto a = parse(last)) return *a;
    return from;
}

} // namespace brug::net
