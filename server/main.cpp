// brug: parse the options, open the store, listen, run until SIGTERM/SIGINT.
//
// Shutdown order matters: stop accepting, close every WebSocket with 1001,
// give the closes a moment, stop the I/O threads, then destroy the store
// (which drains its queue and closes the file) before the io_context (whose
// pending handlers still point into the hub).
#include "app/log.hpp"
#include "app/options.hpp"
#include "live/hub.hpp"
#include "live/metrics.hpp"
#include "net/client_address.hpp"
#include "net/listener.hpp"
#include "net/server_context.hpp"
#include "net/tls.hpp"
#include "store/store.hpp"
#include "suggest/model.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <pthread.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <future>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
using namespace brug;

namespace {

constexpr auto shutdown_grace = std::chrono::seconds(3);
constexpr auto retention_every = std::chrono::hours(1);

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Waits until every WebSocket has closed, or the grace period is over, then
// stops the io_context.
void stop_when_closed(std::shared_ptr<asio::steady_timer> t, asio::io_context& ioc,
                      std::chrono::steady_clock::time_point deadline) {
    if (live::global_metrics().websocket_connections.load() == 0 ||
        std::chrono::steady_clock::now() >= deadline)
        return ioc.stop();
    t->expires_after(std::chrono::milliseconds(20));
    t->async_wait([t, &ioc, deadline](boost::system::error_code) {
        stop_when_closed(t, ioc, deadline);
    });
}

// Removes workshops past their retention (closed) or idle for too long, when
// they are not in memory. Runs at start and then every hour.
void purge_expired(std::shared_ptr<asio::steady_timer> t, store::store& st, live::hub& h,
                   app::options const& opts) {
    if (opts.retention_days > 0 || opts.idle_days > 0) {
        for (auto const& code : st.expired(now_ms(), opts.retention_days, opts.idle_days)) {
            if (h.shutting_down() || h.in_memory(code)) continue;
            st.submit(model::change_set{code, {model::workshop_removed{}}}, [code](bool ok) {
                app::log("workshop " + code + (ok ? ": removed (retention)" : ": removal failed"));
            });
        }
    }
    t->expires_after(retention_every);
    t->async_wait([t, &st, &h, &opts](boost::system::error_code ec) {
        if (!ec) purge_expired(t, st, h, opts);
    });
}

// `brug backup PATH [--data FILE]`: a consistent copy of the database while
// a server may run on it, from a read-only connection (no second writer).
// Prints the copy's path; exit 0, or 1 with the reason (2 for bad usage).
int backup_command(int argc, char** argv) {
    std::string data = app::options::default_data;
    std::string path;
    for (int i = 2; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--help") {
            std::cout << "usage: brug backup PATH [--data FILE]\n\n"
                         "Copies the database (default: "
                      << app::options::default_data
                      << ") to PATH with SQLite's online backup API; a server may keep "
                         "running on it.\n";
            return 0;
        }
        if (arg == "--data" && i + 1 < argc) {
            data = argv[++i];
        } else if (arg.rfind("--data=", 0) == 0) {
            data = arg.substr(7);
        } else if (arg.rfind("--", 0) == 0 || !path.empty()) {
            std::cerr << "brug backup: unexpected argument '" << arg
                      << "' (usage: brug backup PATH [--data FILE])\n";
            return 2;
        } else {
            path = arg;
        }
    }
    if (path.empty() || data.empty()) {
        std::cerr << "brug backup: usage: brug backup PATH [--data FILE]\n";
        return 2;
    }
    auto st = store::store::backup_file(data, path);
    if (!st.ok) {
        std::cerr << "brug " << st.message << "\n";
        return 1;
    }
    std::cout << path << std::endl;
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    if (argc >= 2 && std::string(argv[1]) == "backup") return backup_command(argc, argv);
    auto parsed = app::parse_options(argc, argv);
    if (parsed.what == app::parse_result::kind::help) {
        std::cout << parsed.message << std::flush;
        return 0;
    }
    if (parsed.what == app::parse_result::kind::error) {
        std::cerr << "brug: " << parsed.message << "\n";
        return 2;
    }
    auto const opts = parsed.opts;
    if (opts.tls_cert.empty() != opts.tls_key.empty()) {
        std::cerr << "brug: --tls-cert and --tls-key go together\n";
        return 2;
    }

    boost::system::error_code ec;
    auto address = asio::ip::make_address(opts.host, ec);
    if (ec) {
        std::cerr << "brug: option --host: not an IP address: '" << opts.host << "'\n";
        return 2;
    }

    // Before the database: a wrong key file is found without touching it.
    std::shared_ptr<asio::ssl::context> tls;
    if (!opts.tls_cert.empty()) {
        std::string problem;
        tls = net::make_tls_context(opts.tls_cert, opts.tls_key, problem);
        if (!tls) {
            std::cerr << "brug: TLS: " << problem << "\n";
            return 1;
        }
    }

    store::options so;
    so.path = opts.data;
    so.sync = opts.sync_full ? store::sync_mode::full : store::sync_mode::normal;
    so.new_file_page_size = opts.page_size;
    so.checkpoint_wal_bytes = std::int64_t{opts.checkpoint_mib} * 1024 * 1024;
    store::status st;
    auto storage = store::store::open(so, st);
    if (!storage) {
        std::cerr << "brug: cannot open the database " << opts.data << ": " << st.message << "\n";
        return 1;
    }

    auto ioc = std::make_unique<asio::io_context>(opts.thread_count());
    live::room_config rc;
    rc.max_connections = opts.max_connections;
    rc.max_cards = opts.max_cards;
    rc.idle_seconds = opts.room_idle_seconds;
    auto hub = std::make_unique<live::hub>(*ioc, *storage, rc, opts.shard_prefixes);

    net::http_api_config api_cfg;
    api_cfg.web_root = opts.web_root;
    api_cfg.max_card_chars = opts.max_card_chars;
    api_cfg.shard_prefixes = opts.shard_prefixes;
    api_cfg.shard_name = opts.shard_name;
    protocol::limits lim;
    lim.max_card_chars = static_cast<std::size_t>(opts.max_card_chars);
    net::address_limits::config al;
    al.join_failures = opts.join_failures;
    al.window = std::chrono::seconds(opts.join_window);
    al.max_connections = opts.max_connections_per_address;
    al.limit_loopback = opts.limit_loopback;
    auto by_address = std::make_shared<net::address_limits>(al); // HTTP and WebSockets share it
    std::vector<asio::ip::address> proxies;
    for (auto const& p : opts.trusted_proxies)
        proxies.push_back(net::plain_address(asio::ip::make_address(p))); // checked by the parser
    auto ctx = std::make_shared<net::server_context const>(
        net::server_context{opts, hub.get(), net::http_api(hub.get(), api_cfg, by_address), lim,
                            by_address, tls, std::move(proxies)});

    auto lst = std::make_shared<net::listener>(*ioc, ctx);
    if (!lst->open({address, static_cast<unsigned short>(opts.port)}, ec)) {
        std::cerr << "brug: cannot listen on " << opts.host << ":" << opts.port << ": "
                  << ec.message() << "\n";
        return 1;
    }
    lst->run();

    auto signals = std::make_unique<asio::signal_set>(*ioc, SIGINT, SIGTERM);
    signals->async_wait([&](boost::system::error_code const& e, int sig) {
        if (e) return;
        app::log(std::string("shutting down (") + (sig == SIGTERM ? "SIGTERM" : "SIGINT") + ")");
        lst->stop();
        hub->shutdown();
        auto t = std::make_shared<asio::steady_timer>(*ioc);
        stop_when_closed(t, *ioc, std::chrono::steady_clock::now() + shutdown_grace);
    });

    // SIGUSR1: one line on the store's commits since the start or the last
    // SIGUSR1, which then start over (a look at a busy hour; brug-load's window).
    auto usr1 = std::make_unique<asio::signal_set>(*ioc, SIGUSR1);
    std::function<void()> log_commits_on_usr1 = [&] {
        usr1->async_wait([&](boost::system::error_code const& e, int) {
            if (e) return;
            app::log("store: " + storage->take_commits_summary().describe());
            log_commits_on_usr1();
        });
    };
    log_commits_on_usr1();

    auto purge_timer = std::make_shared<asio::steady_timer>(*ioc);
    purge_expired(purge_timer, *storage, *hub, opts);

    auto ep = lst->local_endpoint();
    std::cout << "listening on " << (tls ? "https" : "http") << "://" << opts.host << ":" << ep.port() << std::endl;

    // The suggester's built-in model trains once (about 0.2 s): in the
    // background from the start, not in the first facilitator's request.
    std::thread warm_suggester([] {
        pthread_setname_np(pthread_self(), "brug-suggest");
        suggest::builtin_model();
    });

    std::vector<std::thread> threads;
    int n = opts.thread_count();
    threads.reserve(n > 0 ? n - 1 : 0);
    // A handler that throws would end run(); log it and keep serving (the
    // layers return errors as values, so this is a bug's last line of defence).
    auto run = [&ioc] {
        for (;;) {
            try {
                ioc->run();
                return;
            } catch (std::exception const& e) {
                app::log(std::string("unexpected exception: ") + e.what());
            }
        }
    };
    for (int i = 1; i < n; ++i)
        threads.emplace_back([&run] {
            pthread_setname_np(pthread_self(), "brug-io"); // the main thread is "brug"
            run();
        });
    run();
    for (auto& t : threads) t.join();
    warm_suggester.join();

    // Everything that holds an I/O object of the io_context goes before it.
    purge_timer.reset();
    signals.reset();
    usr1.reset();
    lst.reset();
    hub->clear(); // rooms hold timers of the io_context
    // Once the queue is drained (callbacks post to the stopped ioc), one line
    // on the commits since the start or the last SIGUSR1.
    std::promise<void> drained;
    storage->submit({}, [&drained](bool) { drained.set_value(); });
    drained.get_future().wait();
    app::log("store: " + storage->take_commits_summary().describe());
    storage.reset(); // closes the file
    ioc.reset();     // destroys the handlers still queued (sessions, rooms)
    hub.reset();
    app::log("stopped");
    return 0;
}
