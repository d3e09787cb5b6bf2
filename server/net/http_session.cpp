// Follows Beast's advanced_server (and advanced_server_flex for TLS): one
// request at a time, with a parser that enforces the body and header limits,
// a timeout on the TLS handshake and on every read, and a WebSocket upgrade
// handed to its own session with the stream. The session is a template over
// the stream, plain or TLS; run_http_session picks one per server.
#include "net/http_session.hpp"

#include "app/log.hpp"
#include "live/metrics.hpp"
#include "net/client_address.hpp"
#include "net/websocket_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <optional>
#include <type_traits>

namespace brug::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

constexpr auto read_timeout = std::chrono::seconds(30);  // a slow client is dropped
constexpr auto write_timeout = std::chrono::seconds(30);
// What a browser is told to remember once it has reached us over TLS: two
// years, as deploy/nginx/brug.conf sends it.
constexpr char const* hsts = "max-age=63072000";

std::string lower(beast::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Origin check for an upgrade (protocol.md 3.9): no Origin (not a browser) is
// allowed; a browser's Origin must be on the allowlist, which by default is
// the server's own origin as named by the Host header.
bool origin_allowed(http::request<http::string_body> const& req, app::options const& opts) {
    auto it = req.find(http::field::origin);
    if (it == req.end()) return true;
    auto origin = lower(it->value());
    if (!opts.allowed_origins.empty()) {
        for (auto const& a : opts.allowed_origins)
            if (lower(a) == origin) return true;
        return false;
    }
    auto host = lower(req[http::field::host]);
    if (host.empty()) return false;
    return origin == "http://" + host || origin == "https://" + host;
}

// Stream: beast::tcp_stream, or tls_stream (TLS over a tcp_stream). Either
// way the tcp_stream's timer bounds every step.
template <class Stream>
class http_session : public std::enable_shared_from_this<http_session<Stream>> {
public:
    http_session(Stream&& stream, std::shared_ptr<server_context const> ctx)
        : stream_(std::move(stream)), ctx_(std::move(ctx)) {}

    void run() {
        asio::dispatch(stream_.get_executor(),
                       beast::bind_front_handler(&http_session::start, this->shared_from_this()));
    }

private:
    static constexpr bool tls = std::is_same_v<Stream, tls_stream>;

    beast::tcp_stream& tcp() { return beast::get_lowest_layer(stream_); }

    // TLS first, under the same deadline as a request: a client that
    // connects and never says anything is dropped either way.
    void start() {
        if constexpr (tls) {
            tcp().expires_after(read_timeout);
            stream_.async_handshake(asio::ssl::stream_base::server,
                                    beast::bind_front_handler(&http_session::on_handshake,
                                                              this->shared_from_this()));
        } else {
            do_read();
        }
    }

    // A failed handshake (plain HTTP on the TLS port, TLS 1.1, a timeout) has
    // no one to answer: the connection just closes.
    void on_handshake(beast::error_code ec) {
        if (ec) return;
        do_read();
    }

    void do_read() {
        parser_.emplace();
        parser_->body_limit(ctx_->opts.max_body);
        parser_->header_limit(static_cast<std::uint32_t>(ctx_->opts.max_header));
        tcp().expires_after(read_timeout);
        http::async_read(stream_, buffer_, *parser_,
                         beast::bind_front_handler(&http_session::on_read,
                                                   this->shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t) {
        if (ec == http::error::end_of_stream) return do_close();
        if (ec == http::error::body_limit)
            return send(http_api::error(413, "too_large", "the body is too large"), false, 11);
        if (ec == http::error::header_limit) {
            auto r = http_api::error(431, "too_large", "the request header is too large");
            return send(std::move(r), false, 11);
        }
        if (ec == beast::error::timeout || ec == asio::error::operation_aborted ||
            ec == asio::error::eof || ec == asio::error::connection_reset ||
            ec == http::error::partial_message || ec == asio::ssl::error::stream_truncated)
            return do_close();
        if (ec) return send(http_api::error(400, "bad_request", "malformed HTTP request"), false, 11);

        live::global_metrics().http_requests.fetch_add(1, std::memory_order_relaxed);
        auto req = parser_->release();
        parser_.reset();
        auto client = client_of(req);
        if (websocket::is_upgrade(req)) return upgrade(std::move(req), client);

        http_request in;
        in.method = std::string(req.method_string());
        in.target = std::string(req.target());
        in.authorization = std::string(req[http::field::authorization]);
        in.host = std::string(req[http::field::host]);
        // Over our own TLS the scheme is known; behind a trusted proxy, it
        // says; anyone else's word is ignored.
        if (tls)
            in.forwarded_proto = "https";
        else if (auto proto = req["X-Forwarded-Proto"]; !proto.empty() && from_trusted_proxy())
            in.forwarded_proto = std::string(proto);
        if (client) {
            in.remote = client->to_string();
            in.remote_loopback = client->is_loopback();
            if (ctx_->by_address) in.limit_key = ctx_->by_address->key_of(*client);
        }
        in.body = std::move(req.body());
        bool keep_alive = req.keep_alive();
        unsigned version = req.version();
        ctx_->api.handle(std::move(in), [self = this->shared_from_this(), keep_alive,
                                         version](http_response r) mutable {
            // May run on the store's writer thread: back to this session's strand.
            asio::post(self->stream_.get_executor(), [self, r = std::move(r), keep_alive,
                                                      version]() mutable {
                self->send(std::move(r), keep_alive, version);
            });
        });
    }

    bool from_trusted_proxy() {
        beast::error_code ec;
        auto remote = tcp().socket().remote_endpoint(ec);
        return !ec && is_trusted_proxy(remote.address(), ctx_->trusted_proxies);
    }

    // The client's address: the TCP peer's, or behind a trusted proxy the
    // one the proxy names. nullopt when the socket has already gone.
    std::optional<asio::ip::address> client_of(http::request<http::string_body> const& req) {
        beast::error_code ec;
        auto remote = tcp().socket().remote_endpoint(ec);
        if (ec) return std::nullopt;
        auto real_ip = req["X-Real-IP"];
        auto forwarded_for = req["X-Forwarded-For"];
        return client_address(remote.address(), {real_ip.data(), real_ip.size()},
                              {forwarded_for.data(), forwarded_for.size()},
                              ctx_->trusted_proxies);
    }

    // /ws/{code}: the code is checked after hello (4404), so that a browser
    // can read why; a foreign browser Origin is refused here with 403.
    void upgrade(http::request<http::string_body> req,
                 std::optional<asio::ip::address> const& client) {
        auto target = std::string(req.target());
        auto path = target.substr(0, target.find('?'));
        if (path.rfind("/ws/", 0) != 0 || path.size() <= 4 ||
            path.find('/', 4) != std::string::npos)
            return send(http_api::error(404, "not_found", "WebSocket endpoint is /ws/{code}"),
                        false, req.version());
        std::string decoded;
        if (percent_decode(path, decoded))
            if (auto r = ctx_->api.misdirected(decoded)) return send(std::move(*r), false, req.version());
        if (!origin_allowed(req, ctx_->opts))
            return send(http_api::error(403, "forbidden", "this Origin may not connect"), false,
                        req.version());
        // Per address: past the connection limit the upgrade is refused.
        std::string key;
        bool holds_slot = false;
        if (ctx_->by_address) {
            if (client) key = ctx_->by_address->key_of(*client);
            auto a = ctx_->by_address->acquire_connection(key);
            if (a == address_limits::admit::refused)
                return send(http_api::error(429, "too_many_connections",
                                            "too many connections from this address"),
                            false, req.version());
            holds_slot = a == address_limits::admit::tracked;
        }
        tcp().expires_never(); // the WebSocket keeps its own deadlines
        auto session = make_websocket_session(path.substr(4));
        session->limit_by(std::move(key), holds_slot);
        // A client may send its first frames right behind the request; what
        // was read past the request belongs to the WebSocket.
        session->run(std::move(req), beast::buffers_to_string(buffer_.data()));
        buffer_.consume(buffer_.size());
    }

    // Plain: the bare socket moves on (an idle WebSocket is cheaper without
    // the tcp_stream's timer). TLS: the whole stream, with its TLS state.
    auto make_websocket_session(std::string code) {
        if constexpr (tls)
            return std::make_shared<websocket_session<tls_stream>>(std::move(stream_),
                                                                   std::move(code), ctx_);
        else
            return std::make_shared<websocket_session<tcp::socket>>(stream_.release_socket(),
                                                                    std::move(code), ctx_);
    }

    void send(http_response r, bool keep_alive, unsigned version) {
        auto res = std::make_shared<http::response<http::string_body>>(
            static_cast<http::status>(r.status), version ? version : 11);
        if (!r.content_type.empty()) res->set(http::field::content_type, r.content_type);
        for (auto const& [name, value] : r.headers) res->set(name, value);
        if constexpr (tls) res->set(http::field::strict_transport_security, hsts);
        res->keep_alive(keep_alive);
        if (r.head_only) {
            res->content_length(r.body.size());
        } else {
            res->body() = std::move(r.body);
            res->prepare_payload();
        }
        tcp().expires_after(write_timeout);
        http::async_write(stream_, *res,
                          [self = this->shared_from_this(), res, keep_alive](beast::error_code ec,
                                                                       std::size_t bytes) {
                              self->on_write(keep_alive, ec, bytes);
                          });
    }

    void on_write(bool keep_alive, beast::error_code ec, std::size_t) {
        if (ec) return; // the peer went away; nothing to tell it
        if (!keep_alive) return do_close();
        do_read();
    }

    // TLS says close_notify first (the peer may not answer: the deadline
    // ends the wait); the socket closes with the session.
    void do_close() {
        if constexpr (tls) {
            tcp().expires_after(write_timeout);
            stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
        } else {
            beast::error_code ec;
            stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
        }
    }

    Stream stream_;
    std::shared_ptr<server_context const> ctx_;
    beast::flat_buffer buffer_;
    // Guarded by the strand: one request is read and answered at a time.
    std::optional<http::request_parser<http::string_body>> parser_;
};

} // namespace

void run_http_session(tcp::socket socket, std::shared_ptr<server_context const> ctx) {
    if (ctx->tls) {
        auto& tls = *ctx->tls;
        std::make_shared<http_session<tls_stream>>(
            tls_stream(beast::tcp_stream(std::move(socket)), tls), std::move(ctx))
            ->run();
    } else {
        std::make_shared<http_session<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)),
                                                          std::move(ctx))
            ->run();
    }
}

} // namespace brug::net
