// One client's connection, as the live layer sees it: something that takes
// frames and can be closed. The WebSocket session implements it; rooms and
// the hub know nothing of Beast.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace brug::live {

// What a frame is, as far as a connection's queue cares. Most frames must all
// arrive. A frame that only states the latest value of something (the count
// of hidden cards, the presence counts) makes an older one of its kind that
// still waits in the queue worthless: the older one is dropped, and the newer
// one goes at the end of the queue, so that `seq` still rises (protocol/README.md
// sections 2 and 7).
enum class frame_kind : std::uint8_t {
    must_arrive,
    hidden_count, // the event cards.counted
    presence,
};

// Who writes a frame to a connection whose writer is idle.
enum class send_mode : std::uint8_t {
    now,     // the caller, at once and without blocking, when it can (plain sockets)
    batched, // the connection's own thread, later, so that frames coming behind it join its write
};

// One frame for one connection, with its kind.
struct addressed_frame {
    std::shared_ptr<std::string const> frame;
    frame_kind kind = frame_kind::must_arrive;
};

class connection {
public:
    virtual ~connection() = default;

    // Queues one frame (a JSON message) for sending, or writes it at once
    // (`send_mode::now`). Thread-safe; never blocks on the network. The same
    // buffer may go to many connections.
    virtual void deliver(std::shared_ptr<std::string const> const& frame, frame_kind kind,
                         send_mode mode) = 0;

    void deliver(std::shared_ptr<std::string const> const& frame) {
        deliver(frame, frame_kind::must_arrive, send_mode::now);
    }

    // Several frames, in this order, as one write where the connection can:
    // a command's answer and the events it causes for its sender go in one
    // send instead of one each.
    virtual void deliver(std::span<addressed_frame const> frames, send_mode mode) {
        for (auto const& f : frames) deliver(f.frame, f.kind, mode);
    }

    // Closes the WebSocket with `code` and `reason`, after the frames already
    // queued. Thread-safe; later calls are ignored.
    virtual void close(int code, std::string reason) = 0;
};

} // namespace brug::live
