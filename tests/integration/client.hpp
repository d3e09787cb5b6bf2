// Test helpers for the integration tests: the real server as a child
// process, and small HTTP and WebSocket clients. No Beast in this header:
// client.cpp is the only test file that compiles Beast.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace brug::test {

using json = nlohmann::json;

// The brug binary, started on 127.0.0.1 --port 0 with a temporary --data
// file (unless the arguments name one) and the given extra arguments.
class server_process {
public:
    explicit server_process(std::vector<std::string> args = {}, std::string data_dir = {});
    ~server_process(); // kills the server if it still runs, removes its own temp dir

    server_process(server_process const&) = delete;
    server_process& operator=(server_process const&) = delete;

    int port() const { return port_; }
    std::string const& data_dir() const { return dir_; }
    std::string data_file() const { return dir_ + "/brug.db"; }
    pid_t pid() const { return pid_; }

    // Sends `sig` and waits for the exit; returns the exit status (or 128+signal).
    int stop(int sig = 15, std::chrono::seconds timeout = std::chrono::seconds(10));
    // Starts it again, same arguments and data.
    void start();
    // What the server wrote to stderr so far.
    std::string log() const;

private:
    std::vector<std::string> args_;
    std::string dir_;
    bool own_dir_ = false;
    pid_t pid_ = -1;
    int port_ = 0;
};

struct http_result {
    int status = 0;
    std::string body;
    std::map<std::string, std::string> headers; // names in lower case
    json json_body() const { return json::parse(body, nullptr, false); }
};

http_result http(int port, std::string const& method, std::string const& target,
                 std::string const& body = {},
                 std::vector<std::pair<std::string, std::string>> const& headers = {});

// Sends `bytes` as they are and returns what comes back until the server
// closes (or `timeout` passes).
std::string raw_http(int port, std::string const& bytes,
                     std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));

// The same over TLS, for a server started with --tls-cert; any certificate
// is accepted (the tests make self-signed ones).
http_result https(int port, std::string const& method, std::string const& target,
                  std::string const& body = {},
                  std::vector<std::pair<std::string, std::string>> const& headers = {});

// A TLS handshake with at most `max_version` (OpenSSL's TLS1_1_VERSION and
// so on; 0: any): "ok TLSv1.3" and the like, or why it failed.
std::string tls_handshake(int port, int max_version = 0);

struct workshop_keys {
    std::string code;
    std::string key;
};
workshop_keys create_workshop(int port, json body = {{"title", "Test"}});

// A WebSocket client. Reads in the background only while one of its waiting
// functions runs, so a test can "stop reading" by not calling them.
class ws_client {
public:
    struct config {
        std::vector<std::pair<std::string, std::string>> headers; // e.g. Origin
        int receive_buffer = 0; // SO_RCVBUF before connecting, 0: default
    };
    ws_client(int port, std::string const& target);
    ws_client(int port, std::string const& target, config cfg);
    ~ws_client();

    bool open() const;      // the handshake succeeded
    int upgrade_status() const; // HTTP status of a refused upgrade

    void send(std::string const& text);
    void send(json const& j) { send(j.dump()); }
    void send_binary(std::string const& bytes);

    // The next message (a batch frame is split into its messages); nullopt
    // on timeout or when the connection has closed.
    std::optional<json> next(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

    // The first message (in order) matching `pred`; earlier ones are dropped.
    std::optional<json> wait_for(std::function<bool(json const&)> pred,
                                 std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

    // Sends `cmd` with a fresh `req` and returns the answer with that req.
    json request(json cmd, std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

    // Waits for the server's close: its code, or -1 when the connection
    // dropped without a close frame, or 0 on timeout. Drops messages.
    int wait_close(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
    std::string const& close_reason() const { return close_reason_; }
    bool closed() const { return closed_; }

    // Every frame received so far, as text (for anonymity checks).
    std::vector<std::string> const& frames() const { return frames_; }
    int batched_frames() const { return batched_; }

    void close(); // a normal close from the client

private:
    struct impl;
    std::unique_ptr<impl> impl_;
    std::deque<json> inbox_;
    std::vector<std::string> frames_;
    bool closed_ = false;
    int close_code_ = 0;
    std::string close_reason_;
    std::int64_t next_req_ = 1;
    int batched_ = 0;
    friend struct impl;
};

// A WebSocket over TLS, for a server started with --tls-cert: the little the
// TLS tests need. next() waits for one message (a batch is split); after a
// timeout or a close the client is no longer open.
class wss_client {
public:
    wss_client(int port, std::string const& target);
    ~wss_client();
    bool open() const;
    void send(json const& j);
    std::optional<json> next(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
    // The closing handshake with `code`, then TLS's: empty when both ended
    // cleanly (the server's close frame, then its close_notify), else why not.
    std::string close(int code);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

// hello helpers: return the welcome (or null json when closed).
json join_participant(ws_client& c, std::string const& token = {});
json join_facilitator(ws_client& c, std::string const& key);

// Messages: `j` is an object of type `t`; a matcher for an event by name;
// a concern card.post with its nonce.
bool is_type(json const& j, char const* t);
std::function<bool(json const&)> event(std::string name);
json card_post(std::string text, std::string nonce);

// The brug binary under test: $BRUG_BINARY, or the one this build made.
std::string brug_binary();

// `s` in single quotes for /bin/sh.
std::string shell_quote(std::string const& s);

// Runs `cmd` with /bin/sh: its output (stdout and stderr together, without
// trailing newlines) and its exit status (-1 when it did not exit).
std::pair<std::string, int> run_command(std::string const& cmd);

// The sqlite3 shell's answer to `query` on the database file `db`.
std::string sql(std::string const& db, std::string const& query);

} // namespace brug::test
