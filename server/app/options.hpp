// The process options of protocol.md section 1, with their named defaults.
//
// Parsed by hand (Boost.Program_options is not header-only). Every limit and
// timeout of the contract has an option here, so that tests can shorten them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace brug::app {

struct options {
    static constexpr char const* default_host = "127.0.0.1";
    static constexpr int default_port = 8080;
    static constexpr char const* default_data = "var/brug.db";
    static constexpr char const* default_web_root = "client-web";
    static constexpr int default_hello_timeout = 10;       // seconds
    static constexpr int default_idle_timeout = 60;        // seconds
    static constexpr int default_rate_limit = 20;          // commands per second
    static constexpr int default_rate_burst = 40;
    static constexpr std::size_t default_max_frame = 16384; // bytes
    static constexpr int default_max_cards = 2000;          // per workshop
    static constexpr int default_max_connections = 2000;    // per workshop
    static constexpr std::size_t default_queue_limit = 1048576; // bytes per connection
    static constexpr std::size_t default_max_body = 65536;  // HTTP request body, bytes
    static constexpr std::size_t default_max_header = 8192; // HTTP request header, bytes
    static constexpr int default_max_card_chars = 500;
    static constexpr int default_retention_days = 30;       // after close
    static constexpr int default_idle_days = 180;           // untouched
    static constexpr int default_room_idle_seconds = 60;    // empty room kept in memory
    static constexpr int default_join_failures = 20;        // per address per window, then 4429
    static constexpr int default_join_window = 60;          // seconds
    // As many as one workshop holds: behind a proxy, a whole office behind one
    // NAT address may come to an all-hands.
    static constexpr int default_max_connections_per_address = 2000;

    std::string host = default_host;
    int port = default_port;
    std::string data = default_data;
    std::string web_root = default_web_root;
    int hello_timeout = default_hello_timeout;
    int idle_timeout = default_idle_timeout;
    int rate_limit = default_rate_limit;
    int rate_burst = default_rate_burst;
    std::size_t max_frame = default_max_frame;
    int max_cards = default_max_cards;
    int max_connections = default_max_connections;
    std::size_t queue_limit = default_queue_limit;
    std::size_t max_body = default_max_body;
    std::size_t max_header = default_max_header;
    int max_card_chars = default_max_card_chars;
    bool sync_full = true;                     // --sync full|normal
    int page_size = 4096;                      // of a new database file
    int checkpoint_mib = 8;                    // WAL size that starts a checkpoint
    int threads = 0;                           // 0: one per core
    std::vector<std::string> allowed_origins;  // empty: the server's own origin
    int retention_days = default_retention_days;
    int idle_days = default_idle_days;
    int room_idle_seconds = default_room_idle_seconds;
    int join_failures = default_join_failures;
    int join_window = default_join_window;
    int max_connections_per_address = default_max_connections_per_address;
    bool limit_loopback = false;               // loopback is exempt from per-address limits
    int send_buffer = 0;                       // SO_SNDBUF of a WebSocket, 0: the kernel's
    std::vector<std::string> trusted_proxies;  // peers whose X-Real-IP names the client
    std::string tls_cert;                      // both set: every connection is TLS
    std::string tls_key;
    std::string shard_prefixes;                // first letters of this server's codes; "" = all
    std::string shard_name;                    // this server's name among the shards

    // Threads to run: `threads`, or the number of cores when 0.
    int thread_count() const;
};

// The outcome of parsing a command line.
struct parse_result {
    enum class kind { run, help, error } what = kind::run;
    options opts;
    std::string message; // the help text, or what was wrong
};

// Parses argv (argv[0] is the program). Accepts `--name value` and
// `--name=value`; the last occurrence of an option wins (except
// --allowed-origin, which adds). Never throws.
parse_result parse_options(int argc, char const* const* argv);

// The --help text: every option with its default.
std::string help_text();

} // namespace brug::app
