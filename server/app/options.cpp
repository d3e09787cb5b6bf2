// Hand-written option parsing: a table of options, each with its help line
// and a setter that checks the value. Table-driven so that --help cannot
// forget an option.
#include "app/options.hpp"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <charconv>
#include <functional>
#include <sstream>
#include <thread>

namespace brug::app {

namespace {

struct option_spec {
    char const* name;
    char const* value_name; // nullptr: a flag without value
    std::string default_text;
    char const* help;
    // Applies the value; returns "" or what was wrong.
    std::function<std::string(options&, std::string const&)> apply;
};

template <class T>
bool parse_number(std::string const& s, T& out) {
    if (s.empty()) return false;
    auto const* end = s.data() + s.size();
    auto [p, ec] = std::from_chars(s.data(), end, out);
    return ec == std::errc{} && p == end;
}

// A setter for an integer option within [lo, hi].
template <class T>
std::function<std::string(options&, std::string const&)> int_in(T options::*field, long long lo,
                                                                 long long hi) {
    return [=](options& o, std::string const& v) -> std::string {
        long long n = 0;
        if (!parse_number(v, n) || n < lo || n > hi)
            return "expects a whole number from " + std::to_string(lo) + " to " +
                   std::to_string(hi) + ", got '" + v + "'";
        o.*field = static_cast<T>(n);
        return {};
    };
}

std::function<std::string(options&, std::string const&)> text(std::string options::*field,
                                                              bool allow_empty = false) {
    return [=](options& o, std::string const& v) -> std::string {
        if (v.empty() && !allow_empty) return "expects a value";
        o.*field = v;
        return {};
    };
}

std::vector<option_spec> const& specs() {
    using o = options;
    static std::vector<option_spec> const table = {
        {"--host", "ADDRESS", o::default_host, "address to listen on", text(&o::host)},
        {"--port", "PORT", std::to_string(o::default_port), "port to listen on (0: any free port)",
         int_in(&o::port, 0, 65535)},
        {"--data", "FILE", o::default_data, "SQLite database file (created with its folder)",
         text(&o::data)},
        {"--web-root", "DIR", o::default_web_root, "folder of the web client's files",
         text(&o::web_root)},
        {"--hello-timeout", "SECONDS", std::to_string(o::default_hello_timeout),
         "time a new WebSocket has to send hello", int_in(&o::hello_timeout, 1, 3600)},
        {"--idle-timeout", "SECONDS", std::to_string(o::default_idle_timeout),
         "close a WebSocket silent for this long (4408)", int_in(&o::idle_timeout, 1, 86400)},
        {"--rate-limit", "N", std::to_string(o::default_rate_limit),
         "commands per second per connection", int_in(&o::rate_limit, 1, 1000000)},
        {"--rate-burst", "N", std::to_string(o::default_rate_burst),
         "burst of commands per connection", int_in(&o::rate_burst, 1, 1000000)},
        {"--max-frame", "BYTES", std::to_string(o::default_max_frame),
         "largest WebSocket message from a client (1009)", int_in(&o::max_frame, 64, 1 << 26)},
        {"--max-cards", "N", std::to_string(o::default_max_cards), "cards per workshop",
         int_in(&o::max_cards, 1, 1000000)},
        {"--max-connections", "N", std::to_string(o::default_max_connections),
         "connections per workshop (4429)", int_in(&o::max_connections, 1, 10000000)},
        {"--queue-limit", "BYTES", std::to_string(o::default_queue_limit),
         "outgoing queue per connection before it is dropped (1013)",
         int_in(&o::queue_limit, 1, 1LL << 34)},
        {"--max-body", "BYTES", std::to_string(o::default_max_body), "HTTP request body (413)",
         int_in(&o::max_body, 0, 1LL << 30)},
        {"--max-header", "BYTES", std::to_string(o::default_max_header),
         "HTTP request header (431)", int_in(&o::max_header, 512, 1 << 20)},
        {"--max-card-chars", "N", std::to_string(o::default_max_card_chars),
         "card text and intention, code points", int_in(&o::max_card_chars, 1, 100000)},
        {"--sync", "full|normal", "full", "SQLite synchronous mode",
         [](options& opts, std::string const& v) -> std::string {
             if (v == "full") opts.sync_full = true;
             else if (v == "normal") opts.sync_full = false;
             else return "expects 'full' or 'normal', got '" + v + "'";
             return {};
         }},
        {"--page-size", "BYTES", "4096",
         "page size of a new database file (a power of two from 512 to 65536; an existing file "
         "keeps its own)",
         [](options& opts, std::string const& v) -> std::string {
             int n = 0;
             if (!parse_number(v, n) || n < 512 || n > 65536 || (n & (n - 1)) != 0)
                 return "expects a power of two from 512 to 65536, got '" + v + "'";
             opts.page_size = n;
             return {};
         }},
        {"--checkpoint-mib", "MIB", "8",
         "WAL size at which a background checkpoint copies it into the database file",
         int_in(&o::checkpoint_mib, 1, 4096)},
        {"--threads", "N", "0", "I/O threads (0: one per core)", int_in(&o::threads, 0, 1024)},
        {"--allowed-origin", "ORIGIN", "(the server's own origin)",
         "a browser Origin allowed to open a WebSocket; repeatable",
         [](options& opts, std::string const& v) -> std::string {
             if (v.empty()) return "expects a value";
             opts.allowed_origins.push_back(v);
             return {};
         }},
        {"--retention-days", "N", std::to_string(o::default_retention_days),
         "days a closed workshop is kept (0: forever)", int_in(&o::retention_days, 0, 100000)},
        {"--idle-days", "N", std::to_string(o::default_idle_days),
         "days an untouched workshop is kept (0: forever)", int_in(&o::idle_days, 0, 100000)},
        {"--room-idle", "SECONDS", std::to_string(o::default_room_idle_seconds),
         "an empty workshop stays in memory this long", int_in(&o::room_idle_seconds, 0, 86400)},
        {"--send-buffer", "BYTES", "0",
         "socket send buffer of a WebSocket (0: the kernel's own, autotuned)",
         int_in(&o::send_buffer, 0, 1 << 26)},
        {"--tls-cert", "FILE", "",
         "serve HTTPS and WSS (TLS 1.2 and 1.3) with this PEM certificate chain; needs --tls-key",
         text(&o::tls_cert, true)},
        {"--tls-key", "FILE", "", "the PEM private key of --tls-cert", text(&o::tls_key, true)},
        {"--shard", "NAME", "", "this server's name among several (sharding; see --shard-prefixes)",
         text(&o::shard_name, true)},
        {"--shard-prefixes", "LETTERS", "",
         "first letters of the codes this server holds: it creates only such codes and answers 421 "
         "for others (sharding)",
         [](options& opts, std::string const& v) -> std::string {
             std::string up;
             for (char c : v) {
                 c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                 if (std::string_view("ABCDEFGHJKMNPQRSTUVWXYZ23456789").find(c) ==
                     std::string_view::npos)
                     return "expects letters from ABCDEFGHJKMNPQRSTUVWXYZ23456789, got '" + v + "'";
                 up += c;
             }
             opts.shard_prefixes = up;
             return {};
         }},
        {"--join-failures", "N", std::to_string(o::default_join_failures),
         "failed joins (unknown code, wrong key) per address per --join-window; then 4429",
         int_in(&o::join_failures, 1, 1000000)},
        {"--join-window", "SECONDS", std::to_string(o::default_join_window),
         "the sliding window of --join-failures", int_in(&o::join_window, 1, 86400)},
        {"--max-connections-per-address", "N",
         std::to_string(o::default_max_connections_per_address),
         "open WebSockets per client address (HTTP 429)",
         int_in(&o::max_connections_per_address, 1, 10000000)},
        {"--trusted-proxy", "ADDR[,ADDR...]", "",
         "reverse proxies whose X-Real-IP (or last X-Forwarded-For) names the client for the "
         "per-address limits, and whose X-Forwarded-Proto sets the QR code link's scheme; from any "
         "other peer those headers are ignored",
         [](options& opts, std::string const& v) -> std::string {
             std::vector<std::string> list;
             std::size_t pos = 0;
             while (pos <= v.size()) {
                 auto comma = std::min(v.find(',', pos), v.size());
                 auto one = v.substr(pos, comma - pos);
                 boost::system::error_code ec;
                 boost::asio::ip::make_address(one, ec);
                 if (ec) return "expects IP addresses separated by commas, got '" + one + "'";
                 list.push_back(one);
                 pos = comma + 1;
             }
             opts.trusted_proxies = std::move(list);
             return {};
         }},
        {"--limit-loopback", nullptr, "",
         "apply the per-address limits to loopback too (default: loopback is exempt)",
         [](options& opts, std::string const&) -> std::string {
             opts.limit_loopback = true;
             return {};
         }},
        {"--help", nullptr, "", "print this help and exit", nullptr},
    };
    return table;
}

} // namespace

int options::thread_count() const {
    if (threads > 0) return threads;
    auto n = static_cast<int>(std::thread::hardware_concurrency());
    return n > 0 ? n : 1;
}

std::string help_text() {
    std::ostringstream out;
    out << "usage: brug [options]\n       brug backup PATH [--data FILE]\n\n"
           "Brug, a self-hosted real-time facilitation server.\n\noptions:\n";
    for (auto const& s : specs()) {
        std::string left = std::string("  ") + s.name;
        if (s.value_name) left += std::string(" ") + s.value_name;
        out << left;
        for (auto i = left.size(); i < 34; ++i) out << ' ';
        out << ' ' << s.help;
        if (s.value_name)
            out << " (default: " << (s.default_text.empty() ? "none" : s.default_text) << ")";
        out << '\n';
    }
    return out.str();
}

parse_result parse_options(int argc, char const* const* argv) {
    parse_result r;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        std::string value;
        bool has_value = false;
        if (auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
            value = arg.substr(eq + 1);
            arg.resize(eq);
            has_value = true;
        }
        option_spec const* spec = nullptr;
        for (auto const& s : specs())
            if (arg == s.name) spec = &s;
        if (!spec) {
            r.what = parse_result::kind::error;
            r.message = "unknown option '" + arg + "' (see --help)";
            return r;
        }
        if (!spec->value_name && spec->apply) { // a flag
            if (has_value) {
                r.what = parse_result::kind::error;
                r.message = "option " + arg + " takes no value";
                return r;
            }
            spec->apply(r.opts, {});
            continue;
        }
        if (!spec->value_name) { // --help
            r.what = parse_result::kind::help;
            r.message = help_text();
            return r;
        }
        if (!has_value) {
            if (i + 1 >= argc) {
                r.what = parse_result::kind::error;
                r.message = "option " + arg + " needs a value (" + spec->value_name + ")";
                return r;
            }
            value = argv[++i];
        }
        if (auto problem = spec->apply(r.opts, value); !problem.empty()) {
            r.what = parse_result::kind::error;
            r.message = "option " + arg + " " + problem;
            return r;
        }
    }
    return r;
}

} // namespace brug::app
