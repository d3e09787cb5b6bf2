// One client's connection, as the live layer sees it: something that takes
// frames and can be closed. The WebSocket session implements it; rooms and
// the hub know nothing of Beast.
#pragma once

#include <memory>
#include <string>

namespace brug::live {

class connection {
public:
    virtual ~connection() = default;

    // Queues one frame (a JSON message) for sending. Thread-safe; never blocks
    // on the network. The same buffer may go to many connections.
    virtual void deliver(std::shared_ptr<std::string const> frame) = 0;

    // Closes the WebSocket with `code` and `reason`, after the frames already
    // queued. Thread-safe; later calls are ignored.
    virtual void close(int code, std::string reason) = 0;
};

} // namespace brug::live
