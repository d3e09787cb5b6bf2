// One WebSocket client at /ws/{code}: reads frames, decodes them, answers what
// needs no workshop (ping, shape errors, rate limits) and passes commands to
// the workshop's room; writes what the room delivers through a bounded
// single-writer queue that batches waiting messages into one frame.
//
// A template over the stream under the WebSocket: a bare TCP socket, or TLS
// over TCP (--tls-cert). Both kinds are compiled once, in
// websocket_session.cpp; this header is included only by the two Beast
// translation units of the network layer.
#pragma once

#include "live/connection.hpp"
#include "live/room.hpp"
#include "net/server_context.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace brug::net {

// TLS over a tcp_stream, whose timer bounded the TLS handshake and the
// upgrade request (the HTTP session's stream, moved on).
using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

// NextLayer: boost::asio::ip::tcp::socket or tls_stream.
template <class NextLayer>
class websocket_session : public live::connection,
                          public std::enable_shared_from_this<websocket_session<NextLayer>> {
public:
    // `code` is the workshop code as written in the path (not yet checked).
    websocket_session(NextLayer&& stream, std::string code,
                      std::shared_ptr<server_context const> ctx);
    ~websocket_session() override;

    // This session's key in the per-address limits ("" when exempt), and
    // whether it holds one of that address's connection slots (given back
    // when the session ends). Call before run.
    void limit_by(std::string key, bool holds_slot);

    // Accepts the upgrade `req` and starts reading.
    void run(boost::beast::http::request<boost::beast::http::string_body> req);

    void deliver(std::shared_ptr<std::string const> frame) override;
    void close(int code, std::string reason) override;

private:
    using clock = std::chrono::steady_clock;

    boost::asio::ip::tcp::socket& socket(); // the TCP socket at the bottom
    void on_accept(boost::beast::error_code ec);
    void do_read();
    void on_read(boost::beast::error_code ec, std::size_t bytes);
    void handle_frame(std::string_view text);
    bool take_token();
    void answer(std::string frame);
    void do_write();
    void on_write(boost::beast::error_code ec, std::size_t bytes);
    void do_close(int code, std::string reason);
    void start_close();
    void on_close(boost::beast::error_code ec);
    void arm_tick();
    void on_tick(boost::beast::error_code ec);
    void on_ping(boost::beast::error_code ec);
    void finish();

    // Plain: a bare socket, not a beast::tcp_stream: the websocket keeps its
    // own handshake timer and we keep ours, and an idle connection is
    // cheaper. TLS: the tcp_stream stays, its timer disarmed. No
    // permessage-deflate (false): zlib state per connection costs far more
    // memory than our small frames would save, and without it compiled in the
    // stream itself is smaller.
    boost::beast::websocket::stream<NextLayer, false> ws_;
    std::shared_ptr<server_context const> ctx_;
    std::string const code_;
    std::string limit_key_;   // set before run, then read-only; never logged
    bool holds_slot_ = false;

    // Guarded by the session's strand (the stream's executor).
    boost::beast::flat_buffer buffer_;
    std::shared_ptr<live::room> room_;      // set after a hello naming a known workshop
    bool hello_seen_ = false;
    bool finished_ = false;                 // the read loop has ended
    bool close_started_ = false;            // async_close issued (or the socket torn down)
    bool ping_in_progress_ = false;
    bool ping_sent_ = false;                // a ping waits for its pong
    int close_code_ = 0;                    // the close to send once writes and pings are done
    std::string close_reason_;
    clock::time_point hello_deadline_;
    clock::time_point last_activity_;
    clock::time_point close_deadline_;
    double tokens_ = 0;                     // rate limit: token bucket
    clock::time_point refilled_at_;
    int limited_frames_ = 0;                // frames refused in a row for the rate limit
    boost::asio::steady_timer tick_;        // hello deadline, idle, pings, close deadline
    std::vector<std::shared_ptr<std::string const>> in_flight_; // buffers of the current write
    std::string batch_;                     // the current write when it batches several messages

    // queue_mutex_ guards queue_, queue_bytes_, writing_ and closing_: deliver()
    // runs on the rooms' strands, the writer on this session's strand.
    std::mutex queue_mutex_;
    // A vector, not a deque: an empty std::deque still holds a 512-byte block,
    // and most connections are idle most of the time.
    std::vector<std::shared_ptr<std::string const>> queue_;
    std::size_t queue_bytes_ = 0;
    bool writing_ = false; // a write is in progress or posted
    bool closing_ = false; // no more deliveries are queued
};

} // namespace brug::net
