// libFuzzer target: raw bytes as a client sends them, through Beast's request
// parser with the server's header and body limits (as net/http_session.cpp
// sets them), then, when a whole request was read, to net::http_api as the
// session hands it over. The API's promises are in http_check.hpp.
#include "app/options.hpp"
#include "http_check.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace http = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(brug::app::options::default_max_body);
    parser.header_limit(static_cast<std::uint32_t>(brug::app::options::default_max_header));
    parser.eager(true);

    // Feed everything, then the end of the stream, as http::read does with a
    // socket: the parser is given the bytes it has not used yet, and when it
    // needs more than there are, the stream has ended (it must never be given
    // the same bytes again without new ones: its chunk parser asserts that).
    if (size == 0) return 0; // nothing read: the session just closes
    boost::beast::error_code ec;
    std::size_t off = 0;
    while (!parser.is_done()) {
        if (off >= size) {
            parser.put_eof(ec);
            break;
        }
        auto const n = parser.put(boost::asio::buffer(data + off, size - off), ec);
        off += n;
        if (ec == http::error::need_more || (!ec && n == 0)) {
            ec = {};
            parser.put_eof(ec);
            break;
        }
        if (ec) break;
    }
    if (ec || !parser.is_done()) return 0; // answered 400, 413 or 431 by the session, or closed

    auto req = parser.release();
    if (boost::beast::websocket::is_upgrade(req)) return 0; // the WebSocket path, not the API
    brug::net::http_request in;
    in.method = std::string(req.method_string());
    in.target = std::string(req.target());
    in.authorization = std::string(req[http::field::authorization]);
    in.host = std::string(req[http::field::host]);
    in.forwarded_proto = std::string(req["X-Forwarded-Proto"]);
    in.body = std::move(req.body());
    auto const problem = brug::fuzz::check_http_request(std::move(in));
    if (!problem.empty()) {
        std::fprintf(stderr, "fuzz_http: %s\n", problem.c_str());
        std::abort();
    }
    return 0;
}
