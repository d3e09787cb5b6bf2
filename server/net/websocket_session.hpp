// One WebSocket client at /ws/{code}: reads frames, decodes them, answers what
// needs no workshop (ping, shape errors, rate limits) and passes commands to
// the workshop's room; writes what the room delivers through a bounded
// single-writer queue that batches waiting messages into one frame.
//
// Beast reads the upgrade request (http_session.cpp); this session answers
// it and then speaks RFC 6455 itself on the stream (net/ws_frame.hpp): an
// idle connection then holds no read buffer and no pending read, only a
// wait for readability, and a frame that goes to many connections is
// written from the one shared buffer with a small header per connection.
//
// A template over the stream under the WebSocket: a bare TCP socket, or TLS
// over TCP (--tls-cert). Both kinds are compiled once, in
// websocket_session.cpp; this header is included only by the two Beast
// translation units of the network layer.
#pragma once

#include "live/connection.hpp"
#include "live/room.hpp"
#include "net/server_context.hpp"
#include "net/ws_frame.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <sys/uio.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
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

    // Answers the upgrade `req` (101, or 400/426 for a bad one) and starts
    // reading. `early` is what the client sent after the request before it
    // saw the answer (read with the request): it is read first.
    void run(boost::beast::http::request<boost::beast::http::string_body> req,
             std::string early = {});

    using live::connection::deliver;
    void deliver(std::shared_ptr<std::string const> const& frame, live::frame_kind kind,
                 live::send_mode mode) override;
    void deliver(std::span<live::addressed_frame const> frames, live::send_mode mode) override;
    void close(int code, std::string reason) override;

private:
    using clock = std::chrono::steady_clock;
    static constexpr bool tls = std::is_same_v<NextLayer, tls_stream>;

    boost::asio::ip::tcp::socket& socket(); // the TCP socket at the bottom
    void on_handshake(boost::beast::error_code ec, bool upgraded);
    void wait_readable();
    void on_readable(boost::beast::error_code ec);
    void read_plain();
    void read_tls();
    void drain();
    void on_read_tls(boost::beast::error_code ec, char* data, std::size_t bytes);
    void consume(char* data, std::size_t size);
    void on_event(ws::event const& ev);
    void handle_text(std::string_view text);
    bool take_token();
    void answer(std::string frame);
    void send_control(std::string frame);
    void write_now(std::shared_ptr<std::string const> const& frame);
    void write_now(std::span<live::addressed_frame const> frames);
    std::optional<std::size_t> send_direct(std::span<iovec> pieces, std::size_t messages);
    void write_rest_from(std::size_t sent);
    static constexpr std::size_t most_direct_pieces = 18; // write_now: up to 8 messages
    void queue_frame(std::shared_ptr<std::string const> const& frame, live::frame_kind kind);
    enum class after_queue : std::uint8_t { nothing, start_writer, drop_slow };
    after_queue check_queue();
    void act_on(after_queue next);
    void gather_messages();
    void clear_queue();
    bool take_write();
    void do_write();
    void write_rest();
    void skip_sent(std::size_t bytes);
    void on_write(boost::beast::error_code ec, std::size_t bytes);
    bool write_done(boost::beast::error_code ec);
    void do_close(int code, std::string reason, bool drop_queue = false);
    void shut_down();
    void arm_tick();
    void on_tick(boost::beast::error_code ec);
    void finish();

    // Plain: a bare socket, not a beast::tcp_stream: we keep our own timer,
    // and an idle connection is cheaper. TLS: the tcp_stream stays, its
    // timer disarmed.
    NextLayer stream_;
    std::shared_ptr<server_context const> ctx_;
    std::string const code_;
    std::string limit_key_;   // set before run, then read-only; never logged
    bool holds_slot_ = false;

    // Guarded by the session's strand (the stream's executor).
    ws::frame_parser parser_;
    std::shared_ptr<live::room> room_;      // set after a hello naming a known workshop
    bool hello_seen_ = false;
    bool finished_ = false;                 // the read loop has ended
    bool ping_sent_ = false;                // a ping waits for its pong
    bool close_queued_ = false;             // our close frame is written or being written
    bool close_sent_ = false;               // ... and the write has completed
    bool close_received_ = false;           // the peer's close frame came
    bool drop_after_close_ = false;         // the peer broke the protocol: no closing handshake
    bool shut_down_ = false;                // our end of the stream is sent or being sent
    bool tls_shutdown_writing_ = false;     // ... as TLS's close_notify, still being written
    int close_code_ = 0;                    // the close to send once the queue is written
    std::string close_reason_;
    std::string early_input_;               // bytes that came with the upgrade request
    clock::time_point hello_deadline_;
    clock::time_point last_activity_;
    clock::time_point close_deadline_;
    double tokens_ = 0;                     // rate limit: token bucket
    clock::time_point refilled_at_;
    int limited_frames_ = 0;                // frames refused in a row for the rate limit
    boost::asio::steady_timer tick_;        // hello deadline, idle, pings, close deadline

    // The writer, on the strand. One write carries the control frames that
    // wait (pongs, a ping), then one text frame of the waiting messages,
    // then the close frame when it is due.
    std::string control_;                   // control frames waiting for the next write
    std::string control_in_flight_;
    std::string close_out_;                 // the close frame, while it is written
    std::vector<std::shared_ptr<std::string const>> in_flight_; // messages of the current write
    std::vector<boost::asio::const_buffer> buffers_;            // the current write
    std::array<char, 10> header_{};         // the text frame's header in the current write
    std::string batch_;                     // TLS: the current write in one piece

    // queue_mutex_ guards queue_, queue_bytes_, latest_, superseded_, writing_, closing_
    // and direct_fd_: deliver() runs on the rooms' strands, the writer on this
    // session's strand.
    //
    // Who writes: whoever sets writing_ under queue_mutex_ owns the writer
    // (the socket's sending side, and in_flight_, buffers_ and header_ above)
    // until it clears writing_. That is this session's strand, except for one
    // case: a delivery with send_mode::now to a plain socket whose writer is
    // idle writes its frame itself, at once and without blocking, while it
    // holds queue_mutex_ (write_now). What the kernel does not take of it
    // goes on from the strand.
    std::mutex queue_mutex_;
    // A vector, not a deque: an empty std::deque still holds a 512-byte block,
    // and most connections are idle most of the time. An entry is null when
    // a newer frame of its kind superseded it (live::frame_kind).
    std::vector<std::shared_ptr<std::string const>> queue_;
    std::size_t queue_bytes_ = 0;
    static constexpr std::uint32_t none = ~std::uint32_t(0);
    // Per superseding kind (hidden_count, presence): where in queue_ the
    // latest frame of that kind waits, or none.
    std::array<std::uint32_t, 2> latest_{none, none};
    // Frames superseded since the writer last took the queue; added to the
    // global metric once per write, not once per frame (a shared counter
    // bumped by every fan-out would be a contended cache line).
    std::uint64_t superseded_ = 0;
    bool writing_ = false; // the writer is owned: a write is in progress or posted
    bool closing_ = false; // no more deliveries are queued
    // A plain socket's descriptor once the handshake is done, for write_now;
    // -1 for TLS and before. Written to only while closing_ is not set: the
    // session closes the socket only after setting closing_, so the number
    // cannot meanwhile name another connection's socket.
    int direct_fd_ = -1;
};

} // namespace brug::net
