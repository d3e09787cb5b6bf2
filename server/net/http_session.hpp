// An HTTP/1.1 connection: reads requests with limits, answers them through
// http_api, and hands WebSocket upgrades at /ws/{code} to a websocket_session.
// The session type lives in http_session.cpp, so that this header carries no
// Beast (the listener includes it).
#pragma once

#include "net/server_context.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <memory>

namespace brug::net {

// Starts a session on an accepted socket; it keeps itself alive.
void run_http_session(boost::asio::ip::tcp::socket socket,
                      std::shared_ptr<server_context const> ctx);

} // namespace brug::net
