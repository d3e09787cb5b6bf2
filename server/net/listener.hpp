// Accepts TCP connections and hands each to an HTTP session. Asio only.
#pragma once

#include "net/server_context.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <memory>

namespace brug::net {

class listener : public std::enable_shared_from_this<listener> {
public:
    listener(boost::asio::io_context& ioc, std::shared_ptr<server_context const> ctx);

    // Opens, binds (SO_REUSEADDR) and listens on `ep`; false with `ec` set on failure.
    bool open(boost::asio::ip::tcp::endpoint const& ep, boost::system::error_code& ec);

    // The bound endpoint (the actual port when asked for port 0).
    boost::asio::ip::tcp::endpoint local_endpoint() const;

    void run();  // starts accepting
    void stop(); // closes the acceptor: no new connections (thread-safe)

private:
    void do_accept();
    void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);

    boost::asio::io_context& ioc_;
    std::shared_ptr<server_context const> ctx_;
    boost::asio::ip::tcp::acceptor acceptor_; // used on its own strand
};

} // namespace brug::net
