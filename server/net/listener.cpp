#include "net/listener.hpp"

#include "app/log.hpp"
#include "net/http_session.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

namespace brug::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

listener::listener(asio::io_context& ioc, std::shared_ptr<server_context const> ctx)
    : ioc_(ioc), ctx_(std::move(ctx)), acceptor_(asio::make_strand(ioc)) {}

bool listener::open(tcp::endpoint const& ep, boost::system::error_code& ec) {
    acceptor_.open(ep.protocol(), ec);
    if (ec) return false;
    acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (ec) return false;
    acceptor_.bind(ep, ec);
    if (ec) return false;
    acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    return !ec;
}

tcp::endpoint listener::local_endpoint() const {
    boost::system::error_code ec;
    return acceptor_.local_endpoint(ec);
}

void listener::run() { do_accept(); }

void listener::stop() {
    asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
        boost::system::error_code ec;
        self->acceptor_.close(ec);
    });
}

void listener::do_accept() {
    // Each connection gets its own strand, so its handlers never run at once.
    acceptor_.async_accept(asio::make_strand(ioc_),
                           [self = shared_from_this()](boost::system::error_code ec,
                                                       tcp::socket socket) {
                               self->on_accept(ec, std::move(socket));
                           });
}

void listener::on_accept(boost::system::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return; // stopped
    if (ec) {
        // Out of descriptors and the like: say so, and keep accepting.
        app::log(std::string("accept: ") + ec.message());
    } else {
        // Small frames go out at once: with Nagle on, an event written right
        // after an ack waits for the client's delayed ACK (about 40 ms).
        boost::system::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        run_http_session(std::move(socket), ctx_);
    }
    do_accept();
}

} // namespace brug::net
