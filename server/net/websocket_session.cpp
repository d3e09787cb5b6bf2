// The WebSocket session follows Beast's chat-multi example (a single-writer
// queue of shared immutable buffers) and closes its known gap: the queue has
// a byte limit, and a consumer that falls behind is closed with 1013. The
// framing is ours (net/ws_frame.hpp), after Beast has read the upgrade.
#include "net/websocket_session.hpp"

#include "app/log.hpp"
#include "live/hub.hpp"
#include "live/metrics.hpp"
#include "model/workshop.hpp"
#include "protocol/decode.hpp"

#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <cerrno>
#include <span>

#include <openssl/bio.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/uio.h>

namespace brug::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr std::size_t max_batch_bytes = 64 * 1024;     // one write carries at most this much
constexpr auto close_grace = std::chrono::seconds(5);  // then the socket is torn down
// A plain socket is read into a buffer of its thread, only once it is
// readable; what a partial frame leaves over is kept by the parser.
constexpr std::size_t plain_read_size = 16 * 1024;
// TLS reads into a buffer taken for the read and freed after it.
constexpr std::size_t tls_read_size = 4 * 1024;

std::string req_json(std::optional<std::int64_t> req) {
    return req ? std::to_string(*req) : "null";
}

// The separators of a batch (protocol.md 3.1): "[a,b,c]".
constexpr char batch_open = '[';
constexpr char batch_comma = ',';
constexpr char batch_close = ']';

// Memory for the wait and the timer wait that an idle connection keeps
// pending: exactly their size, from the heap. Asio's default keeps the
// handler blocks a thread last freed and hands one to any smaller operation,
// so an idle wait would sit in a block left by a larger one (the handshake's
// write) for as long as the connection stays quiet.
template <class T>
struct exact_allocator {
    using value_type = T;
    exact_allocator() = default;
    template <class U>
    exact_allocator(exact_allocator<U> const&) noexcept {}
    T* allocate(std::size_t n) { return std::allocator<T>().allocate(n); }
    void deallocate(T* p, std::size_t n) { std::allocator<T>().deallocate(p, n); }
    friend bool operator==(exact_allocator, exact_allocator) { return true; }
};

template <class Handler>
auto exact(Handler&& h) {
    return asio::bind_allocator(exact_allocator<void>(), std::forward<Handler>(h));
}

// The TCP socket under a plain or a TLS stream.
asio::ip::tcp::socket& tcp_socket(asio::ip::tcp::socket& s) { return s; }
asio::ip::tcp::socket& tcp_socket(beast::tcp_stream& s) { return s.socket(); }

// Whether TLS holds bytes the socket will not announce again: decrypted
// ones, or received records not yet decrypted.
bool tls_pending(tls_stream& s) {
    SSL* ssl = s.native_handle();
    return SSL_has_pending(ssl) == 1 || BIO_ctrl_pending(SSL_get_rbio(ssl)) > 0;
}

} // namespace

template <class NextLayer>
websocket_session<NextLayer>::websocket_session(NextLayer&& stream, std::string code,
                                                std::shared_ptr<server_context const> ctx)
    : stream_(std::move(stream)), ctx_(std::move(ctx)), code_(std::move(code)),
      parser_(ctx_->opts.max_frame), tick_(stream_.get_executor()) {
    live::global_metrics().websocket_connections.fetch_add(1, std::memory_order_relaxed);
}

template <class NextLayer>
websocket_session<NextLayer>::~websocket_session() {
    if (ctx_->hub) ctx_->hub->untrack(this);
    if (holds_slot_ && ctx_->by_address) ctx_->by_address->release_connection(limit_key_);
    live::global_metrics().websocket_connections.fetch_sub(1, std::memory_order_relaxed);
}

template <class NextLayer>
asio::ip::tcp::socket& websocket_session<NextLayer>::socket() {
    return tcp_socket(beast::get_lowest_layer(stream_));
}

template <class NextLayer>
void websocket_session<NextLayer>::limit_by(std::string key, bool holds_slot) {
    limit_key_ = std::move(key);
    holds_slot_ = holds_slot;
}

// RFC 6455 4.2.2. http_session.cpp has checked that `req` is an upgrade
// (GET, HTTP/1.1, Connection: upgrade, Upgrade: websocket); the key and the
// version are checked here. No extension and no subprotocol is offered.
template <class NextLayer>
void websocket_session<NextLayer>::run(http::request<http::string_body> req, std::string early) {
    early_input_ = std::move(early);
    if (ctx_->opts.send_buffer > 0) {
        // A fixed kernel buffer bounds the memory a slow reader can hold in
        // the kernel, so that the queue limit decides when it is too slow.
        beast::error_code ignored;
        socket().set_option(asio::socket_base::send_buffer_size(ctx_->opts.send_buffer), ignored);
    }
    if (ctx_->hub && !ctx_->hub->track(this->shared_from_this())) {
        close_code_ = 1001;
        close_reason_ = "server shutting down";
    }
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(11);
    res->set(http::field::server, "brug");
    auto key = req[http::field::sec_websocket_key];
    if (req[http::field::sec_websocket_version] != "13") {
        res->result(http::status::upgrade_required);
        res->set(http::field::sec_websocket_version, "13");
        res->body() = "WebSocket version 13 only\n";
    } else if (!ws::valid_client_key({key.data(), key.size()})) {
        res->result(http::status::bad_request);
        res->body() = "a bad Sec-WebSocket-Key\n";
    } else {
        res->result(http::status::switching_protocols);
        res->set(http::field::upgrade, "websocket");
        res->set(http::field::connection, "upgrade");
        res->set(http::field::sec_websocket_accept, ws::accept_key({key.data(), key.size()}));
    }
    if (res->result() != http::status::switching_protocols) {
        res->set(http::field::content_type, "text/plain; charset=utf-8");
        res->keep_alive(false);
        res->prepare_payload();
    }
    http::async_write(stream_, *res, [self = this->shared_from_this(), res](beast::error_code ec,
                                                                           std::size_t) {
        self->on_handshake(ec, res->result() == http::status::switching_protocols);
    });
}

template <class NextLayer>
void websocket_session<NextLayer>::on_handshake(beast::error_code ec, bool upgraded) {
    if (ec || !upgraded) {
        finished_ = true;
        return shut_down(); // the session ends with its last handler
    }
    if constexpr (!tls) {
        // Reads after a readiness wait must never block the thread.
        beast::error_code ignored;
        socket().non_blocking(true, ignored);
        std::lock_guard lock(queue_mutex_);
        direct_fd_ = socket().native_handle();
    }
    auto now = clock::now();
    hello_deadline_ = now + std::chrono::seconds(ctx_->opts.hello_timeout);
    last_activity_ = now;
    refilled_at_ = now;
    tokens_ = ctx_->opts.rate_burst;
    if (!early_input_.empty() && close_code_ == 0) {
        std::string early = std::move(early_input_);
        early_input_.clear();
        consume(early.data(), early.size());
    }
    wait_readable();
    if (close_code_ != 0) { // closed before the handshake ended (shutdown)
        auto code = close_code_;
        close_code_ = 0;
        return do_close(code, close_reason_);
    }
    arm_tick();
}

// An idle connection waits for readability without a buffer; TLS reads at
// once when it already holds bytes.
template <class NextLayer>
void websocket_session<NextLayer>::wait_readable() {
    if (finished_) return;
    if constexpr (tls) {
        if (tls_pending(stream_) && !shut_down_) return read_tls();
    }
    socket().async_wait(asio::ip::tcp::socket::wait_read,
                        exact(beast::bind_front_handler(&websocket_session::on_readable,
                                                        this->shared_from_this())));
}

template <class NextLayer>
void websocket_session<NextLayer>::on_readable(beast::error_code ec) {
    if (ec) return finish();
    if constexpr (tls) {
        if (shut_down_) return drain();
        read_tls();
    } else {
        read_plain();
    }
}

// After our close_notify, TLS reads nothing more: the peer's last bytes
// (its own close_notify) are read as they come and dropped, until its end of
// the stream. Closing with bytes unread would reset the connection, and the
// reset can cost the peer what we sent last.
template <class NextLayer>
void websocket_session<NextLayer>::drain() {
    std::array<char, 512> sink;
    beast::error_code ec;
    std::size_t const available = socket().available(ec);
    if (ec || available == 0) return finish(); // readable and empty: the peer's end
    socket().read_some(asio::buffer(sink.data(), std::min(available, sink.size())), ec);
    if (ec) return finish();
    wait_readable();
}

// Reads what the socket holds into this thread's buffer and parses it there;
// the buffer is free again when this returns.
template <class NextLayer>
void websocket_session<NextLayer>::read_plain() {
    static thread_local std::array<char, plain_read_size> buffer;
    for (;;) {
        beast::error_code ec;
        auto n = socket().read_some(asio::buffer(buffer), ec);
        if (ec == asio::error::would_block || ec == asio::error::try_again) return wait_readable();
        if (ec) return finish(); // the peer closed (eof) or the connection broke
        consume(buffer.data(), n);
        if (finished_) return;
        if (n < buffer.size()) return wait_readable();
    }
}

template <class NextLayer>
void websocket_session<NextLayer>::read_tls() {
    auto buffer = std::make_unique<char[]>(tls_read_size);
    char* data = buffer.get();
    stream_.async_read_some(asio::buffer(data, tls_read_size),
                            [self = this->shared_from_this(), buffer = std::move(buffer)](
                                beast::error_code ec, std::size_t bytes) {
                                self->on_read_tls(ec, buffer.get(), bytes);
                            });
}

template <class NextLayer>
void websocket_session<NextLayer>::on_read_tls(beast::error_code ec, char* data, std::size_t bytes) {
    if (ec) return finish();
    consume(data, bytes);
    wait_readable();
}

// Parses what was read and acts on every frame in it. After our close or a
// protocol error the rest is read only to see the peer close.
template <class NextLayer>
void websocket_session<NextLayer>::consume(char* data, std::size_t size) {
    std::size_t used = 0;
    while (!parser_.done()) {
        ws::event ev;
        used += parser_.parse(data + used, size - used, ev);
        if (ev.what == ws::event::kind::none) break;
        on_event(ev);
    }
}

template <class NextLayer>
void websocket_session<NextLayer>::on_event(ws::event const& ev) {
    using kind = ws::event::kind;
    switch (ev.what) {
    case kind::text:
        live::global_metrics().frames_in.fetch_add(1, std::memory_order_relaxed);
        last_activity_ = clock::now();
        ping_sent_ = false;
        if (close_code_ == 0) handle_text(ev.payload);
        break;
    case kind::ping: // the pong carries the ping's payload (5.5.3)
        last_activity_ = clock::now();
        send_control(ws::control_frame(ws::opcode::pong, ev.payload));
        break;
    case kind::pong: // the answer to our ping
        last_activity_ = clock::now();
        ping_sent_ = false;
        break;
    case kind::close:
        // 5.5.1: answer with a close (the same code) unless ours went out
        // first; the server closes the TCP connection once both are sent.
        close_received_ = true;
        if (close_sent_) return shut_down();
        if (!close_queued_) {
            close_code_ = 0; // a close of ours that waited for the queue: the peer's wins
            do_close(ev.code, "", true);
        }
        break;
    case kind::error:
        // 7.1.7: fail the connection: our close, then the end of the stream.
        drop_after_close_ = true;
        if (close_sent_) return shut_down();
        if (!close_queued_) {
            close_code_ = 0;
            do_close(ev.code, std::string(ev.payload), true);
        }
        break;
    case kind::none:
        break;
    }
}

// One text message. Answers in the contract's order (protocol.md 3.5): the
// frame's shape first, then the rate limit; the room does the rest.
template <class NextLayer>
void websocket_session<NextLayer>::handle_text(std::string_view text) {
    bool allowed = take_token();
    auto decoded = protocol::decode(text, ctx_->limits);

    if (!hello_seen_) {
        if (auto* err = std::get_if<protocol::decode_error>(&decoded))
            return do_close(4400, "the first frame must be a valid hello: " + err->error.message);
        auto& env = std::get<protocol::envelope>(decoded);
        auto* hello = std::get_if<protocol::hello>(&env.cmd);
        if (!hello) return do_close(4400, "the first frame must be hello");
        hello_seen_ = true;
        if (ctx_->by_address && ctx_->by_address->joins_blocked(limit_key_))
            return do_close(4429, "too many failed joins, wait a minute");
        if (hello->protocol != 1)
            return do_close(4426, "protocol " + std::to_string(hello->protocol) +
                                      " is not supported; this server speaks 1");
        room_ = ctx_->hub ? ctx_->hub->find(code_) : nullptr;
        if (!room_) return do_close(4404, "unknown workshop");
        room_->join(this->shared_from_this(), std::move(*hello));
        return;
    }

    if (auto* err = std::get_if<protocol::decode_error>(&decoded)) {
        live::global_metrics().count_error(err->error.code);
        return answer(model::workshop::error_frame(err->req, err->error));
    }
    auto& env = std::get<protocol::envelope>(decoded);
    if (!allowed) {
        // A client that keeps sending while refused is not listening: 1008.
        if (++limited_frames_ > 2 * ctx_->opts.rate_burst)
            return do_close(1008, "too many commands while rate limited");
        live::global_metrics().count_error(protocol::error_code::rate_limited);
        return answer(model::workshop::error_frame(
            env.req, {protocol::error_code::rate_limited,
                      "too many commands: at most " + std::to_string(ctx_->opts.rate_limit) +
                          " per second"}));
    }
    if (std::holds_alternative<protocol::hello>(env.cmd)) {
        live::global_metrics().count_error(protocol::error_code::already_joined);
        return answer(model::workshop::error_frame(
            env.req, {protocol::error_code::already_joined, "hello: already joined"}));
    }
    if (std::holds_alternative<protocol::ping>(env.cmd))
        return answer("{\"type\":\"pong\",\"req\":" + req_json(env.req) + "}");
    room_->command(this->shared_from_this(), std::move(env));
}

// Token bucket: `rate_limit` tokens a second, at most `rate_burst` saved up.
template <class NextLayer>
bool websocket_session<NextLayer>::take_token() {
    auto now = clock::now();
    double elapsed = std::chrono::duration<double>(now - refilled_at_).count();
    refilled_at_ = now;
    tokens_ = std::min<double>(ctx_->opts.rate_burst, tokens_ + elapsed * ctx_->opts.rate_limit);
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    limited_frames_ = 0;
    return true;
}

template <class NextLayer>
void websocket_session<NextLayer>::answer(std::string frame) {
    deliver(std::make_shared<std::string const>(std::move(frame)));
}

// Thread-safe: called from the rooms' strands (and this session's own).
// Never waits for the network; past the queue limit the connection is a slow
// consumer, dropped with 1013. To an idle plain socket, send_mode::now writes
// the frame at once on the caller's thread (write_now): no hand-over to the
// strand, no wake-up of another thread. Otherwise the frame is queued, and
// the strand's writer is started if it is idle; while a write is in
// progress, a delivery is one push under the lock.
template <class NextLayer>
void websocket_session<NextLayer>::deliver(std::shared_ptr<std::string const> const& frame,
                                           live::frame_kind kind, live::send_mode mode) {
    after_queue next;
    {
        std::lock_guard lock(queue_mutex_);
        if (closing_) return;
        if (!writing_ && mode == live::send_mode::now && direct_fd_ >= 0) return write_now(frame);
        queue_frame(frame, kind);
        next = check_queue();
    }
    act_on(next);
}

// As one frame's deliver, for several frames in order: written at once they
// go in one sendmsg, as one JSON array (protocol.md 3.1).
template <class NextLayer>
void websocket_session<NextLayer>::deliver(std::span<live::addressed_frame const> frames,
                                           live::send_mode mode) {
    if (frames.size() == 1) return deliver(frames[0].frame, frames[0].kind, mode);
    after_queue next;
    {
        std::lock_guard lock(queue_mutex_);
        if (closing_ || frames.empty()) return;
        bool const fits = 2 * frames.size() + 2 <= most_direct_pieces; // gather_messages' pieces
        if (!writing_ && mode == live::send_mode::now && direct_fd_ >= 0 && fits)
            return write_now(frames);
        for (auto const& f : frames) queue_frame(f.frame, f.kind);
        next = check_queue();
    }
    act_on(next);
}

// With queue_mutex_ held, after queueing: past the queue limit the connection
// is a slow consumer; otherwise an idle writer is started.
template <class NextLayer>
auto websocket_session<NextLayer>::check_queue() -> after_queue {
    if (queue_bytes_ > ctx_->opts.queue_limit) {
        closing_ = true;
        clear_queue();
        return after_queue::drop_slow;
    }
    if (writing_) return after_queue::nothing;
    writing_ = true;
    return after_queue::start_writer;
}

// Without the lock: hands what check_queue decided to the strand.
template <class NextLayer>
void websocket_session<NextLayer>::act_on(after_queue next) {
    if (next == after_queue::drop_slow) {
        live::global_metrics().slow_consumers.fetch_add(1, std::memory_order_relaxed);
        asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
            self->do_close(1013, "too slow: outgoing queue over its limit");
        });
    } else if (next == after_queue::start_writer) {
        asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->do_write(); });
    }
}

// With queue_mutex_ held, the writer idle (so the queue is empty) and the
// socket open: one non-blocking sendmsg of the frame's header and the shared
// frame. Usually the kernel takes all of it and nothing else happens. What
// it does not take is handed to the strand's writer, which this call then
// owns (writing_) and sets up as an unfinished write of its own would be.
template <class NextLayer>
void websocket_session<NextLayer>::write_now(std::shared_ptr<std::string const> const& frame) {
    std::array<char, 10> header;
    auto const header_size = ws::frame_header(ws::opcode::text, frame->size(), header);
    std::array<iovec, 2> pieces{{{header.data(), header_size},
                                 {const_cast<char*>(frame->data()), frame->size()}}};
    auto const sent = send_direct(pieces, 1);
    if (!sent) return;
    in_flight_.assign(1, frame);
    buffers_.clear();
    gather_messages();
    write_rest_from(*sent);
}

// The same for several frames, which go as one JSON array (protocol.md 3.1),
// gathered as the strand's writer gathers them: this call owns the writer
// while it holds the lock.
template <class NextLayer>
void websocket_session<NextLayer>::write_now(std::span<live::addressed_frame const> frames) {
    in_flight_.clear();
    for (auto const& f : frames) in_flight_.push_back(f.frame);
    buffers_.clear();
    gather_messages();
    std::array<iovec, most_direct_pieces> pieces;
    for (std::size_t i = 0; i < buffers_.size(); ++i)
        pieces[i] = {const_cast<void*>(buffers_[i].data()), buffers_[i].size()};
    auto const sent = send_direct(std::span(pieces).first(buffers_.size()), in_flight_.size());
    if (!sent) {
        in_flight_.clear(); // their sizes stay, as after the strand's writes
        buffers_.clear();
        return;
    }
    write_rest_from(*sent);
}

// With queue_mutex_ held and the writer idle: one non-blocking sendmsg of
// `pieces`, which hold `messages` messages in one frame. Returns nothing when
// that is over (all sent, or the connection broke), else how many bytes the
// kernel took.
template <class NextLayer>
std::optional<std::size_t> websocket_session<NextLayer>::send_direct(std::span<iovec> pieces,
                                                                     std::size_t messages) {
    std::size_t total = 0;
    for (auto const& p : pieces) total += p.iov_len;
    msghdr msg{};
    msg.msg_iov = pieces.data();
    msg.msg_iovlen = pieces.size();
    auto const sent = ::sendmsg(direct_fd_, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (sent == static_cast<ssize_t>(total)) {
        auto& m = live::global_metrics();
        m.frames_out.fetch_add(1, std::memory_order_relaxed);
        m.messages_out.fetch_add(messages, std::memory_order_relaxed);
        return std::nullopt;
    }
    if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        // The connection is broken (as in write_done); the read loop ends too.
        closing_ = true;
        clear_queue();
        return std::nullopt;
    }
    return sent > 0 ? static_cast<std::size_t>(sent) : 0;
}

// With queue_mutex_ held, after a direct write the kernel took `sent` bytes
// of: the strand's writer, now owned by this call, writes the rest of
// buffers_.
template <class NextLayer>
void websocket_session<NextLayer>::write_rest_from(std::size_t sent) {
    writing_ = true;
    if (sent > 0) skip_sent(sent);
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->write_rest(); });
}

// With queue_mutex_ held. A frame of a superseding kind replaces the one of
// its kind still waiting, if any: in its place when nothing was queued after
// it, else that one is dropped (its entry left null) and the new one goes at
// the end, after everything queued before it.
template <class NextLayer>
void websocket_session<NextLayer>::queue_frame(std::shared_ptr<std::string const> const& frame,
                                               live::frame_kind kind) {
    std::uint32_t* latest = nullptr;
    if (kind == live::frame_kind::hidden_count) latest = &latest_[0];
    if (kind == live::frame_kind::presence) latest = &latest_[1];
    if (latest && *latest != none) {
        ++superseded_;
        auto& older = queue_[*latest];
        queue_bytes_ -= older->size();
        if (*latest + 1 == queue_.size()) { // nothing after it: the newer takes its place
            queue_bytes_ += frame->size();
            older = frame;
            return;
        }
        older.reset();
    }
    queue_bytes_ += frame->size();
    queue_.push_back(frame);
    if (latest) *latest = static_cast<std::uint32_t>(queue_.size() - 1);
}

// With queue_mutex_ held.
template <class NextLayer>
void websocket_session<NextLayer>::clear_queue() {
    queue_.clear();
    queue_bytes_ = 0;
    latest_.fill(none);
}

// On the strand: a control frame goes out with the next write.
template <class NextLayer>
void websocket_session<NextLayer>::send_control(std::string frame) {
    if (close_queued_ || finished_) return; // nothing follows a close
    control_ += frame;
    {
        std::lock_guard lock(queue_mutex_);
        if (writing_) return; // on_write comes back to do_write
        writing_ = true;
    }
    do_write();
}

// Called with writing_ set. Takes what waits: control frames, then the
// queue's messages (one goes as itself, several as one JSON array in one
// frame, protocol.md 3.1, up to max_batch_bytes), then the close frame when
// a close is due and nothing else waits, into buffers_: one write, gathered
// from the shared buffers, so a message is never copied per connection.
// Returns false, with writing_ cleared, when there is nothing to write.
template <class NextLayer>
bool websocket_session<NextLayer>::take_write() {
    bool close_now = false;
    {
        std::lock_guard lock(queue_mutex_);
        if (finished_ || close_queued_) {
            writing_ = false;
            clear_queue();
            return false;
        }
        if (superseded_ > 0) {
            live::global_metrics().frames_superseded.fetch_add(superseded_,
                                                               std::memory_order_relaxed);
            superseded_ = 0;
        }
        std::size_t bytes = 0;
        std::size_t taken = 0;
        while (taken < queue_.size() && bytes < max_batch_bytes) {
            if (queue_[taken]) bytes += queue_[taken]->size();
            ++taken;
        }
        queue_bytes_ -= bytes;
        if (taken == queue_.size()) {
            in_flight_.swap(queue_); // the usual case: everything goes
            latest_.fill(none);
        } else {
            in_flight_.assign(std::make_move_iterator(queue_.begin()),
                              std::make_move_iterator(queue_.begin() + taken));
            queue_.erase(queue_.begin(), queue_.begin() + taken);
            for (auto& at : latest_)
                if (at != none) at = at < taken ? none : at - static_cast<std::uint32_t>(taken);
        }
        std::erase(in_flight_, nullptr); // superseded while they waited
        close_now = close_code_ != 0 && queue_.empty();
        if (in_flight_.empty() && control_.empty() && !close_now) {
            // Going idle: what a burst grew is let go (memory per idle
            // connection). While busy they keep their size, so that a steady
            // load allocates nothing per write.
            if (in_flight_.capacity() > 16) decltype(in_flight_)().swap(in_flight_);
            if (queue_.capacity() > 16) decltype(queue_)().swap(queue_);
            if (buffers_.capacity() > 40) decltype(buffers_)().swap(buffers_);
            writing_ = false;
            return false;
        }
    }

    buffers_.clear();
    control_in_flight_.swap(control_);
    if (!control_in_flight_.empty()) buffers_.push_back(asio::buffer(control_in_flight_));
    gather_messages();
    if (close_now) {
        close_queued_ = true;
        close_out_ = close_code_ == ws::close_no_status
                         ? ws::control_frame(ws::opcode::close, {})
                         : ws::close_frame(static_cast<std::uint16_t>(close_code_), close_reason_);
        buffers_.push_back(asio::buffer(close_out_));
    }
    return true;
}

// Appends in_flight_'s messages to buffers_ as one text frame: one message
// as itself, several as one JSON array (protocol.md 3.1), each from its
// shared buffer.
template <class NextLayer>
void websocket_session<NextLayer>::gather_messages() {
    if (in_flight_.size() == 1) {
        auto const& m = *in_flight_.front();
        buffers_.push_back(asio::buffer(header_.data(), ws::frame_header(ws::opcode::text, m.size(), header_)));
        buffers_.push_back(asio::buffer(m));
    } else if (!in_flight_.empty()) {
        std::size_t payload = in_flight_.size() + 1; // the brackets and commas
        for (auto const& m : in_flight_) payload += m->size();
        buffers_.push_back(asio::buffer(header_.data(), ws::frame_header(ws::opcode::text, payload, header_)));
        for (std::size_t i = 0; i < in_flight_.size(); ++i) {
            buffers_.push_back(asio::buffer(i == 0 ? &batch_open : &batch_comma, 1));
            buffers_.push_back(asio::buffer(*in_flight_[i]));
        }
        buffers_.push_back(asio::buffer(&batch_close, 1));
    }
}

// Called with writing_ set. A plain socket is written at once, without
// blocking: usually the kernel takes it all and the write is over with no
// asynchronous operation (and no second trip through the strand). What the
// kernel does not take, and anything over TLS, goes by async_write.
template <class NextLayer>
void websocket_session<NextLayer>::do_write() {
    while (take_write()) {
        if constexpr (tls) {
            // TLS encrypts one buffer at a time: one piece makes one record.
            batch_.resize(asio::buffer_size(buffers_));
            asio::buffer_copy(asio::buffer(batch_), buffers_);
            asio::async_write(stream_, asio::buffer(batch_),
                             beast::bind_front_handler(&websocket_session::on_write,
                                                       this->shared_from_this()));
            return;
        } else {
            beast::error_code ec;
            auto const total = asio::buffer_size(buffers_);
            auto const sent = socket().write_some(std::span<asio::const_buffer const>(buffers_), ec);
            if (ec == asio::error::would_block || ec == asio::error::try_again) ec = {};
            if (ec || sent == total) {
                if (!write_done(ec)) return;
                // What came meanwhile goes after the handlers already
                // waiting, as an asynchronous write's completion would: more
                // arrives in the meantime and joins the batch.
                bool more = false;
                {
                    std::lock_guard lock(queue_mutex_);
                    more = !queue_.empty();
                }
                if (more) {
                    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->do_write(); });
                    return;
                }
                continue; // control frames, or nothing: take_write lets the writer rest
            }
            skip_sent(sent);
            return write_rest();
        }
    }
}

// On the strand, owning the writer: what is left of buffers_ goes when the
// socket can take it.
template <class NextLayer>
void websocket_session<NextLayer>::write_rest() {
    asio::async_write(stream_, std::span<asio::const_buffer const>(buffers_),
                      beast::bind_front_handler(&websocket_session::on_write,
                                                this->shared_from_this()));
}

// Drops the first `bytes` of buffers_ (fewer than they hold).
template <class NextLayer>
void websocket_session<NextLayer>::skip_sent(std::size_t bytes) {
    std::size_t whole = 0;
    while (whole < buffers_.size() && bytes >= buffers_[whole].size()) bytes -= buffers_[whole++].size();
    buffers_.erase(buffers_.begin(), buffers_.begin() + static_cast<std::ptrdiff_t>(whole));
    buffers_.front() += bytes;
}

template <class NextLayer>
void websocket_session<NextLayer>::on_write(beast::error_code ec, std::size_t) {
    if (write_done(ec)) do_write();
}

// A write has ended. Returns whether the writer goes on (do_write).
template <class NextLayer>
bool websocket_session<NextLayer>::write_done(beast::error_code ec) {
    if (!in_flight_.empty()) {
        auto& m = live::global_metrics();
        m.frames_out.fetch_add(1, std::memory_order_relaxed);
        m.messages_out.fetch_add(in_flight_.size(), std::memory_order_relaxed);
    }
    in_flight_.clear(); // its size stays until the writer goes idle (take_write)
    control_in_flight_.clear();
    if constexpr (tls) std::string().swap(batch_);
    if (ec) {
        // The connection is broken; the read loop ends too. Drop what waits.
        std::lock_guard lock(queue_mutex_);
        closing_ = true;
        writing_ = false;
        clear_queue();
        return false;
    }
    if (close_queued_) {
        close_sent_ = true;
        std::string().swap(close_out_);
        {
            std::lock_guard lock(queue_mutex_);
            writing_ = false;
        }
        if (close_received_ || drop_after_close_) shut_down();
        return false;
    }
    return true;
}

template <class NextLayer>
void websocket_session<NextLayer>::close(int code, std::string reason) {
    asio::post(stream_.get_executor(), [self = this->shared_from_this(), code, r = std::move(reason)]() mutable {
        self->do_close(code, std::move(r));
    });
}

// The first close wins. Frames already queued go out first (except for a slow
// consumer, whose queue is dropped, and when `drop_queue`); then the close
// frame; and if the peer does not answer within close_grace, the socket is
// torn down.
template <class NextLayer>
void websocket_session<NextLayer>::do_close(int code, std::string reason, bool drop_queue) {
    if (close_code_ != 0 || close_queued_ || finished_) return;
    if (reason.size() > 120) reason.resize(120); // a close reason holds at most 123 bytes
    close_code_ = code;
    close_reason_ = std::move(reason);
    close_deadline_ = clock::now() + close_grace;
    // A join that failed on an unknown code or a wrong key counts against
    // the address (a deleted workshop's 4404 to its members does not: they
    // hold the room).
    if (ctx_->by_address && ((code == 4404 && !room_) || code == 4401))
        ctx_->by_address->record_join_failure(limit_key_);
    bool start = false;
    {
        std::lock_guard lock(queue_mutex_);
        closing_ = true;
        if (code == 1013 || drop_queue) clear_queue();
        if (!writing_) {
            writing_ = true;
            start = true;
        }
    }
    // Quiet logs: routine closes (shutdown, idle, a wrong code or key) are
    // not events; a dropped slow consumer or a flood is.
    if (code == 1013 || code == 1008 || code == 1011)
        app::log("workshop " + code_ + ": connection closed " + std::to_string(code) + " (" +
                 close_reason_ + ")");
    if (start) do_write();
    arm_tick();
}

// Our side is done: the peer sees the end of the stream after our close
// frame, and the read loop ends when the peer closes its side too (or at
// the close deadline).
template <class NextLayer>
void websocket_session<NextLayer>::shut_down() {
    if (shut_down_) return;
    shut_down_ = true;
    if constexpr (tls) {
        // TLS ends with close_notify (RFC 8446 6.1), else the peer sees a
        // truncated stream. Only ours is sent: marking the peer's as
        // received makes the shutdown a write alone, beside the read loop
        // (whose next read then ends it). The socket stays open for that
        // write; its handler closes it if the read loop has ended. A peer
        // that reads nothing more gets close_grace, as for our close frame.
        SSL_set_shutdown(stream_.native_handle(), SSL_RECEIVED_SHUTDOWN);
        tls_shutdown_writing_ = true;
        beast::get_lowest_layer(stream_).expires_after(close_grace);
        stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
            self->tls_shutdown_writing_ = false;
            beast::error_code ignored;
            self->socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
            if (self->finished_) self->socket().close(ignored);
        });
    } else {
        beast::error_code ignored;
        socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    }
}

// One timer for the hello deadline, the idle limit (with a ping at half of
// it), and the close deadline. It recomputes from timestamps when it fires,
// so reads only update a timestamp.
template <class NextLayer>
void websocket_session<NextLayer>::arm_tick() {
    if (finished_) return;
    auto now = clock::now();
    auto idle = std::chrono::duration_cast<clock::duration>(
        std::chrono::seconds(ctx_->opts.idle_timeout));
    clock::time_point next;
    if (close_code_ != 0) {
        next = close_deadline_;
    } else {
        next = last_activity_ + idle;
        if (!ping_sent_) next = std::min(next, last_activity_ + idle / 2);
        if (!hello_seen_) next = std::min(next, hello_deadline_);
    }
    next = std::max(next, now + std::chrono::milliseconds(10));
    tick_.expires_at(next);
    tick_.async_wait(
        exact(beast::bind_front_handler(&websocket_session::on_tick, this->shared_from_this())));
}

template <class NextLayer>
void websocket_session<NextLayer>::on_tick(beast::error_code ec) {
    if (ec || finished_) return;
    auto now = clock::now();
    if (close_code_ != 0) {
        if (now >= close_deadline_) {
            beast::error_code ignored;
            socket().close(ignored); // the pending wait ends, and with it the session
            return;
        }
        return arm_tick();
    }
    auto idle = std::chrono::duration_cast<clock::duration>(
        std::chrono::seconds(ctx_->opts.idle_timeout));
    if (!hello_seen_ && now >= hello_deadline_)
        return do_close(4400, "no hello within " + std::to_string(ctx_->opts.hello_timeout) +
                                  " seconds");
    if (now - last_activity_ >= idle) return do_close(4408, "idle: no frame and no pong");
    if (now - last_activity_ >= idle / 2 && !ping_sent_) {
        ping_sent_ = true;
        send_control(ws::control_frame(ws::opcode::ping, {}));
    }
    arm_tick();
}

// The read loop has ended: the connection is over. Leaves the room (once),
// drops whatever was still queued and closes the socket.
template <class NextLayer>
void websocket_session<NextLayer>::finish() {
    if (finished_) return;
    finished_ = true;
    tick_.cancel();
    {
        std::lock_guard lock(queue_mutex_);
        closing_ = true;
        clear_queue();
    }
    if (room_) {
        room_->leave(this->shared_from_this());
        room_.reset();
    }
    beast::error_code ignored;
    if (!tls_shutdown_writing_) socket().close(ignored);
}

// The two kinds of session, compiled here once (http_session.cpp makes them).
template class websocket_session<asio::ip::tcp::socket>;
template class websocket_session<tls_stream>;

} // namespace brug::net
