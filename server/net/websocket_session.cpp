// The WebSocket session follows Beast's chat-multi example (a single-writer
// queue of shared immutable buffers) and closes its known gap: the queue has
// a byte limit, and a consumer that falls behind is closed with 1013.
#include "net/websocket_session.hpp"

#include "app/log.hpp"
#include "live/hub.hpp"
#include "live/metrics.hpp"
#include "model/workshop.hpp"
#include "protocol/decode.hpp"

#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>

namespace brug::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace http = beast::http;

namespace {

constexpr std::size_t max_batch_bytes = 64 * 1024;     // one write carries at most this much
constexpr auto close_grace = std::chrono::seconds(5);  // then the socket is torn down
// Bytes asked for per read: what the read pending on an idle connection
// holds. Beast reads from the socket into its own buffer, so a longer
// message costs a few more copies from there, not more system calls.
constexpr std::size_t read_chunk = 128;

std::string req_json(std::optional<std::int64_t> req) {
    return req ? std::to_string(*req) : "null";
}

// Memory for the read and the timer wait that an idle connection keeps
// pending: exactly their size, from the heap. Asio's default keeps the
// handler blocks a thread last freed and hands one to any smaller operation,
// so an idle read would sit in a block left by a larger one (the handshake's
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

} // namespace

template <class NextLayer>
websocket_session<NextLayer>::websocket_session(NextLayer&& stream, std::string code,
                                                std::shared_ptr<server_context const> ctx)
    : ws_(std::move(stream)), ctx_(std::move(ctx)), code_(std::move(code)),
      tick_(ws_.get_executor()) {
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
    return tcp_socket(beast::get_lowest_layer(ws_));
}

template <class NextLayer>
void websocket_session<NextLayer>::limit_by(std::string key, bool holds_slot) {
    limit_key_ = std::move(key);
    holds_slot_ = holds_slot;
}

template <class NextLayer>
void websocket_session<NextLayer>::run(http::request<http::string_body> req) {
    if (ctx_->opts.send_buffer > 0) {
        // A fixed kernel buffer bounds the memory a slow reader can hold in
        // the kernel, so that the queue limit decides when it is too slow.
        beast::error_code ignored;
        socket().set_option(asio::socket_base::send_buffer_size(ctx_->opts.send_buffer), ignored);
    }
    websocket::stream_base::timeout t{};
    t.handshake_timeout = std::chrono::seconds(10);         // opening and closing handshakes
    t.idle_timeout = websocket::stream_base::none();        // ours: 4408, not a bare teardown
    t.keep_alive_pings = false;                             // ours, so idle can say 4408
    ws_.set_option(t);
    ws_.read_message_max(ctx_->opts.max_frame); // Beast closes larger messages with 1009
    ws_.auto_fragment(false);
    ws_.write_buffer_bytes(256); // unused for unmasked, uncompressed writes: keep it small
    ws_.text(true);
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
        res.set(http::field::server, "brug");
    }));
    if (ctx_->hub && !ctx_->hub->track(this->shared_from_this())) {
        close_code_ = 1001;
        close_reason_ = "server shutting down";
    }
    ws_.async_accept(req, beast::bind_front_handler(&websocket_session::on_accept,
                                                    this->shared_from_this()));
}

template <class NextLayer>
void websocket_session<NextLayer>::on_accept(beast::error_code ec) {
    if (ec) return finish();
    auto now = clock::now();
    hello_deadline_ = now + std::chrono::seconds(ctx_->opts.hello_timeout);
    last_activity_ = now;
    refilled_at_ = now;
    tokens_ = ctx_->opts.rate_burst;
    // Pongs (answers to our pings) and pings count as activity. The callback
    // belongs to the stream, which this session owns, so `this` is safe here.
    ws_.control_callback([this](websocket::frame_type, beast::string_view) {
        last_activity_ = clock::now();
        ping_sent_ = false;
    });
    do_read();
    if (close_code_ != 0) { // closed before the handshake ended (shutdown)
        auto code = close_code_;
        close_code_ = 0;
        return do_close(code, close_reason_);
    }
    arm_tick();
}

// Reads in small pieces, into a buffer that is let go after each message:
// an idle connection then holds read_chunk bytes, not a buffer sized for the
// largest message it ever sent.
template <class NextLayer>
void websocket_session<NextLayer>::do_read() {
    ws_.async_read_some(buffer_, read_chunk,
                        exact(beast::bind_front_handler(&websocket_session::on_read,
                                                        this->shared_from_this())));
}

template <class NextLayer>
void websocket_session<NextLayer>::on_read(beast::error_code ec, std::size_t) {
    // closed: the peer closed, or our close completed. Other errors are
    // network failures, or protocol violations that Beast has already
    // answered with their close code (1009 too big, 1007 bad UTF-8, 1002).
    if (ec) return finish();
    if (!ws_.is_message_done()) return do_read(); // the rest of this message
    live::global_metrics().frames_in.fetch_add(1, std::memory_order_relaxed);
    last_activity_ = clock::now();
    ping_sent_ = false;
    if (close_code_ == 0) {
        if (!ws_.got_text()) {
            do_close(1003, "binary frames are not accepted");
        } else {
            auto data = buffer_.cdata();
            handle_frame(std::string_view(static_cast<char const*>(data.data()), data.size()));
        }
    }
    buffer_.consume(buffer_.size());
    buffer_.shrink_to_fit(); // empty: frees it
    do_read();
}

// One text frame. Answers in the contract's order (protocol.md 3.5): the
// frame's shape first, then the rate limit; the room does the rest.
template <class NextLayer>
void websocket_session<NextLayer>::handle_frame(std::string_view text) {
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

// Thread-safe: called from the rooms' strands. Never waits for the network;
// past the queue limit the connection is a slow consumer, dropped with 1013.
template <class NextLayer>
void websocket_session<NextLayer>::deliver(std::shared_ptr<std::string const> frame) {
    bool kick = false;
    bool slow = false;
    {
        std::lock_guard lock(queue_mutex_);
        if (closing_) return;
        queue_bytes_ += frame->size();
        queue_.push_back(std::move(frame));
        if (queue_bytes_ > ctx_->opts.queue_limit) {
            slow = true;
            closing_ = true;
            queue_.clear();
            queue_bytes_ = 0;
        } else if (!writing_) {
            writing_ = true;
            kick = true;
        }
    }
    if (slow) {
        live::global_metrics().slow_consumers.fetch_add(1, std::memory_order_relaxed);
        asio::post(ws_.get_executor(), [self = this->shared_from_this()] {
            self->do_close(1013, "too slow: outgoing queue over its limit");
        });
    } else if (kick) {
        asio::post(ws_.get_executor(), [self = this->shared_from_this()] { self->do_write(); });
    }
}

// Takes what waits in the queue: one message goes as itself, several go as
// one JSON array in one frame (protocol.md 3.1), up to max_batch_bytes.
template <class NextLayer>
void websocket_session<NextLayer>::do_write() {
    {
        std::lock_guard lock(queue_mutex_);
        if (queue_.empty() || finished_) {
            writing_ = false;
            queue_.clear();
            queue_bytes_ = 0;
        } else {
            std::size_t bytes = 0;
            std::size_t taken = 0;
            while (taken < queue_.size() && (taken == 0 || bytes < max_batch_bytes)) {
                bytes += queue_[taken]->size();
                ++taken;
            }
            queue_bytes_ -= bytes;
            if (taken == queue_.size()) {
                in_flight_.swap(queue_); // the usual case: everything goes
            } else {
                in_flight_.assign(std::make_move_iterator(queue_.begin()),
                                  std::make_move_iterator(queue_.begin() + taken));
                queue_.erase(queue_.begin(), queue_.begin() + taken);
            }
        }
    }
    if (in_flight_.empty()) {
        if (close_code_ != 0) start_close();
        return;
    }
    if (in_flight_.size() == 1) {
        ws_.async_write(asio::buffer(*in_flight_.front()),
                        beast::bind_front_handler(&websocket_session::on_write, this->shared_from_this()));
        return;
    }
    std::size_t total = in_flight_.size() + 1;
    for (auto const& m : in_flight_) total += m->size();
    batch_.reserve(total);
    batch_ = "[";
    for (std::size_t i = 0; i < in_flight_.size(); ++i) {
        if (i) batch_.push_back(',');
        batch_ += *in_flight_[i];
    }
    batch_.push_back(']');
    ws_.async_write(asio::buffer(batch_),
                    beast::bind_front_handler(&websocket_session::on_write, this->shared_from_this()));
}

template <class NextLayer>
void websocket_session<NextLayer>::on_write(beast::error_code ec, std::size_t) {
    auto& m = live::global_metrics();
    m.frames_out.fetch_add(1, std::memory_order_relaxed);
    m.messages_out.fetch_add(in_flight_.size(), std::memory_order_relaxed);
    in_flight_.clear();
    if (in_flight_.capacity() > 16) decltype(in_flight_)().swap(in_flight_);
    std::string().swap(batch_);
    if (ec) {
        // The connection is broken; the read loop ends too. Drop what waits.
        std::lock_guard lock(queue_mutex_);
        closing_ = true;
        writing_ = false;
        queue_.clear();
        queue_bytes_ = 0;
        return;
    }
    do_write();
}

template <class NextLayer>
void websocket_session<NextLayer>::close(int code, std::string reason) {
    asio::post(ws_.get_executor(), [self = this->shared_from_this(), code, r = std::move(reason)]() mutable {
        self->do_close(code, std::move(r));
    });
}

// The first close wins. Frames already queued go out first (except for a slow
// consumer, whose queue is dropped); then the close frame; and if the peer
// does not finish the handshake within close_grace, the socket is torn down.
template <class NextLayer>
void websocket_session<NextLayer>::do_close(int code, std::string reason) {
    if (close_code_ != 0 || close_started_ || finished_) return;
    if (reason.size() > 120) reason.resize(120); // a close reason holds at most 123 bytes
    close_code_ = code;
    close_reason_ = std::move(reason);
    close_deadline_ = clock::now() + close_grace;
    // A join that failed on an unknown code or a wrong key counts against
    // the address (a deleted workshop's 4404 to its members does not: they
    // hold the room).
    if (ctx_->by_address && ((code == 4404 && !room_) || code == 4401))
        ctx_->by_address->record_join_failure(limit_key_);
    bool writer_idle = false;
    {
        std::lock_guard lock(queue_mutex_);
        closing_ = true;
        if (code == 1013) {
            queue_.clear();
            queue_bytes_ = 0;
        }
        writer_idle = !writing_;
    }
    // Quiet logs: routine closes (shutdown, idle, a wrong code or key) are
    // not events; a dropped slow consumer or a flood is.
    if (code == 1013 || code == 1008 || code == 1011)
        app::log("workshop " + code_ + ": connection closed " + std::to_string(code) + " (" +
                 close_reason_ + ")");
    if (writer_idle) start_close();
    arm_tick();
}

template <class NextLayer>
void websocket_session<NextLayer>::start_close() {
    if (close_started_ || finished_ || ping_in_progress_) return; // on_ping comes back here
    close_started_ = true;
    websocket::close_reason cr;
    cr.code = static_cast<std::uint16_t>(close_code_);
    cr.reason.assign(close_reason_.data(), close_reason_.size());
    ws_.async_close(cr, beast::bind_front_handler(&websocket_session::on_close, this->shared_from_this()));
}

template <class NextLayer>
void websocket_session<NextLayer>::on_close(beast::error_code ec) {
    if (ec) {
        beast::error_code ignored;
        socket().close(ignored);
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
            socket().close(ignored);
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
    if (now - last_activity_ >= idle / 2 && !ping_sent_ && !ping_in_progress_) {
        ping_sent_ = true;
        ping_in_progress_ = true;
        ws_.async_ping({}, beast::bind_front_handler(&websocket_session::on_ping,
                                                     this->shared_from_this()));
    }
    arm_tick();
}

template <class NextLayer>
void websocket_session<NextLayer>::on_ping(beast::error_code ec) {
    ping_in_progress_ = false;
    if (ec) return;
    if (close_code_ != 0) {
        bool writer_idle = false;
        {
            std::lock_guard lock(queue_mutex_);
            writer_idle = !writing_;
        }
        if (writer_idle) start_close();
    }
}

// The read loop has ended: the connection is over. Leaves the room (once)
// and drops whatever was still queued.
template <class NextLayer>
void websocket_session<NextLayer>::finish() {
    if (finished_) return;
    finished_ = true;
    tick_.cancel();
    {
        std::lock_guard lock(queue_mutex_);
        closing_ = true;
        queue_.clear();
        queue_bytes_ = 0;
    }
    if (room_) {
        room_->leave(this->shared_from_this());
        room_.reset();
    }
}

// The two kinds of session, compiled here once (http_session.cpp makes them).
template class websocket_session<asio::ip::tcp::socket>;
template class websocket_session<tls_stream>;

} // namespace brug::net
