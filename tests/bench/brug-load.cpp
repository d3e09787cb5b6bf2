// brug-load: a load generator that speaks the wire contract, and measures a
// real `brug` process the way users load it.
//
//   brug-load --binary build/brug --scenario allhands|saturation|many|durable|coldstart [options]
//
// It starts a fresh server on 127.0.0.1 port 0 with a temporary database,
// opens thousands of WebSocket connections from a few threads, and prints one
// JSON line of figures. Delivery latency is measured from "post sent" to
// "frame received": each card's text carries the send time ("b:<ns>"), and a
// receiver finds it with a plain substring scan (no JSON parse), so that the
// generator's read path stays lean and the server is what is measured.
// Server CPU comes from /proc/PID/stat (user and system ticks), memory from
// /proc/PID/status (VmRSS), which hold on a noisy shared machine.

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using json = nlohmann::json;
using clock_type = std::chrono::steady_clock;

namespace {

// This process's own CPU time (user + system, all threads), in microseconds:
// the generator shares the machine with the server, so what it spends is
// reported beside the server's figure.
double own_cpu_us() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    auto us = [](timeval t) { return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_usec); };
    return us(u.ru_utime) + us(u.ru_stime);
}

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now().time_since_epoch())
        .count();
}

void raise_fd_limit() {
    rlimit r{};
    if (getrlimit(RLIMIT_NOFILE, &r) == 0) {
        r.rlim_cur = r.rlim_max;
        setrlimit(RLIMIT_NOFILE, &r);
    }
}

// ---------------------------------------------------------------- the server

// The store's summary line, which the server logs at shutdown:
// "store: N commits, commit ms p50 A p99 B max C, change sets per commit M (max K),
// WAL truncations under load T (max D ms)".
struct store_summary {
    bool found = false;
    double commits = 0, p50_ms = 0, p99_ms = 0, max_ms = 0, sets_per_commit = 0, max_sets = 0;
    double truncations = 0, truncation_max_ms = 0; // from builds that log them

    static store_summary parse(std::string const& line) {
        store_summary s;
        auto at = line.find("store: ");
        if (at == std::string::npos) return s;
        s.found = std::sscanf(line.c_str() + at,
                              "store: %lf commits, commit ms p50 %lf p99 %lf max %lf, "
                              "change sets per commit %lf (max %lf)",
                              &s.commits, &s.p50_ms, &s.p99_ms, &s.max_ms, &s.sets_per_commit,
                              &s.max_sets) == 6;
        if (auto t = line.find("WAL truncations under load "); s.found && t != std::string::npos)
            std::sscanf(line.c_str() + t, "WAL truncations under load %lf (max %lf ms)",
                        &s.truncations, &s.truncation_max_ms);
        return s;
    }
};

struct server_process {
    pid_t pid = -1;
    int port = 0;
    std::string data;
    // The server's standard error is read by a thread of ours: passed on when
    // BRUG_LOAD_SERVER_LOG is set, and searched for the store's summary.
    std::thread err_reader;
    store_summary summary; // written by err_reader; read after stop()

    // Starts `binary` with `args` and waits for its `listening on` line.
    // Returns the time it took, in ms.
    double start(std::string const& binary, std::vector<std::string> args) {
        int out[2], err[2];
        if (pipe(out) != 0 || pipe(err) != 0) throw std::runtime_error("pipe");
        summary = {};
        auto t0 = clock_type::now();
        pid = fork();
        if (pid == 0) {
            dup2(out[1], STDOUT_FILENO);
            dup2(err[1], STDERR_FILENO);
            for (int fd : {out[0], out[1], err[0], err[1]}) close(fd);
            std::vector<char*> argv;
            argv.push_back(const_cast<char*>(binary.c_str()));
            for (auto& a : args) argv.push_back(a.data());
            argv.push_back(nullptr);
            execv(binary.c_str(), argv.data());
            _exit(127);
        }
        close(out[1]);
        close(err[1]);
        err_reader = std::thread([this, fd = err[0]] { read_errors(fd); });
        std::string line;
        char c;
        while (read(out[0], &c, 1) == 1) {
            if (c != '\n') {
                line += c;
                continue;
            }
            if (line.rfind("listening on http://", 0) == 0) break;
            line.clear();
        }
        auto colon = line.rfind(':');
        if (colon == std::string::npos) throw std::runtime_error("server did not start: " + line);
        port = std::stoi(line.substr(colon + 1));
        // Keep reading (and dropping) its stdout so it never blocks on a full pipe.
        std::thread([fd = out[0]] {
            char buf[512];
            while (read(fd, buf, sizeof buf) > 0) {
            }
            close(fd);
        }).detach();
        return std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
    }

    // Asks the server to log its store's commits so far and start them over
    // (SIGUSR1), so that the summary at shutdown covers what follows.
    // An older build that does not catch SIGUSR1 would die of it: it is sent
    // only when /proc/PID/status lists it among the caught signals.
    void restart_commit_figures() {
        if (pid <= 0) return;
        std::ifstream f("/proc/" + std::to_string(pid) + "/status");
        std::string line;
        while (std::getline(f, line)) {
            if (line.rfind("SigCgt:", 0) != 0) continue;
            auto caught = std::stoull(line.substr(7), nullptr, 16);
            if (caught & (1ULL << (SIGUSR1 - 1))) kill(pid, SIGUSR1);
            return;
        }
    }

    // Stops the server and waits until its standard error is read to the end.
    void stop() {
        if (pid <= 0) return;
        kill(pid, SIGTERM);
        int st = 0;
        waitpid(pid, &st, 0);
        pid = -1;
        if (err_reader.joinable()) err_reader.join();
    }

    ~server_process() { stop(); }

    void read_errors(int fd) {
        bool const pass_on = getenv("BRUG_LOAD_SERVER_LOG") != nullptr;
        FILE* in = fdopen(fd, "r");
        char buf[4096];
        while (std::fgets(buf, sizeof buf, in)) {
            if (pass_on) std::fputs(buf, stderr);
            if (auto found = store_summary::parse(buf); found.found) summary = found;
        }
        std::fclose(in);
    }

    // (user, system) CPU time in microseconds.
    std::pair<double, double> cpu_us() const {
        std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
        std::string s((std::istreambuf_iterator<char>(f)), {});
        auto rp = s.rfind(')');
        std::istringstream in(s.substr(rp + 2));
        std::string field;
        std::vector<std::string> fields;
        while (in >> field) fields.push_back(field);
        // After the command: state(0) ... utime is field 14 overall -> index 11 here.
        double tick = 1e6 / static_cast<double>(sysconf(_SC_CLK_TCK));
        return {std::stod(fields.at(11)) * tick, std::stod(fields.at(12)) * tick};
    }

    double rss_kib() const {
        std::ifstream f("/proc/" + std::to_string(pid) + "/status");
        std::string line;
        while (std::getline(f, line))
            if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6));
        return 0;
    }
};

// A plain synchronous HTTP request; returns (status, body).
std::pair<int, std::string> http_request(int port, http::verb verb, std::string const& target,
                                         std::string const& body) {
    asio::io_context io;
    beast::tcp_stream s(io);
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    http::write(s, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(s, buf, res);
    beast::error_code ec;
    s.socket().shutdown(tcp::socket::shutdown_both, ec);
    return {static_cast<int>(res.result_int()), res.body()};
}

struct workshop_ref {
    std::string code;
    std::string key;
};

workshop_ref create_workshop(int port, int threshold = 1) {
    json body = {{"title", "Belasting"}, {"settings", {{"anonymity_threshold", threshold}}}};
    auto [status, text] = http_request(port, http::verb::post, "/api/workshops", body.dump());
    if (status != 201) throw std::runtime_error("create workshop: " + std::to_string(status) + " " + text);
    auto j = json::parse(text);
    return {j["code"], j["facilitator_key"]};
}

// ---------------------------------------------------------------- statistics

struct stats {
    std::mutex m;
    std::vector<double> latencies_ms; // guarded by m
    std::atomic<std::uint64_t> deliveries{0};
    std::atomic<std::uint64_t> acks{0};
    std::atomic<std::uint64_t> errors{0};
    std::atomic<std::uint64_t> closed{0};
    std::atomic<int> welcomed{0};
    std::string last_failure; // guarded by m

    void add(std::vector<double>& local) {
        std::lock_guard lock(m);
        latencies_ms.insert(latencies_ms.end(), local.begin(), local.end());
        local.clear();
    }
};

double percentile(std::vector<double>& v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

// ---------------------------------------------------------------- a client

// One WebSocket connection. Reads forever; counts each card it sees by the
// "b:<ns>" marker in its text, and each ack.
class client : public std::enable_shared_from_this<client> {
public:
    client(asio::io_context& io, stats& st) : ws_(asio::make_strand(io)), st_(st) {}

    void connect(int port, std::string code, json hello, std::function<void()> on_welcome) {
        code_ = std::move(code);
        hello_ = hello.dump();
        on_welcome_ = std::move(on_welcome);
        auto self = shared_from_this();
        beast::get_lowest_layer(ws_).async_connect(
            tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)),
            [self](beast::error_code ec) { self->on_connect(ec); });
    }

    // Sends a text frame (thread-safe: posted to the connection's strand).
    // Frames sent before the handshake wait behind the hello.
    void send(std::string frame) {
        asio::post(ws_.get_executor(), [self = shared_from_this(), f = std::move(frame)]() mutable {
            self->queue_.push_back(std::move(f));
            if (self->ready_ && self->queue_.size() == 1) self->do_write();
        });
    }

    // Runs `f` on the connection's strand, where on_ack runs and send_here may be called.
    template <class F> void run_here(F f) { asio::post(ws_.get_executor(), std::move(f)); }

    // Sends a text frame; on the connection's strand only (from on_ack or run_here).
    void send_here(std::string frame) {
        queue_.push_back(std::move(frame));
        if (ready_ && queue_.size() == 1) do_write();
    }

    // Called on the connection's strand for each ack, with its receive time
    // (now_ns); set before the connection opens.
    std::function<void(std::int64_t)> on_ack;

    void close() {
        asio::post(ws_.get_executor(), [self = shared_from_this()] {
            beast::error_code ec;
            beast::get_lowest_layer(self->ws_).socket().close(ec);
        });
    }

    std::string token;         // participant token from the welcome
    std::atomic<bool> welcomed{false};
    std::atomic<std::uint64_t> my_acks{0};

private:
    void on_connect(beast::error_code ec) {
        if (ec) return fail("connect");
        beast::error_code ignored;
        beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true), ignored);
        ws_.async_handshake("127.0.0.1", "/ws/" + code_,
                            [self = shared_from_this()](beast::error_code ec) { self->on_handshake(ec); });
    }

    void on_handshake(beast::error_code ec) {
        if (ec) return fail("handshake");
        ws_.text(true);
        ready_ = true;
        queue_.push_front(hello_);
        do_write();
        do_read();
    }

    void do_write() {
        ws_.async_write(asio::buffer(queue_.front()),
                        [self = shared_from_this()](beast::error_code ec, std::size_t) {
                            if (ec) return self->fail("write");
                            self->queue_.pop_front();
                            if (!self->queue_.empty()) self->do_write();
                        });
    }

    void do_read() {
        ws_.async_read(buf_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            self->on_read(ec);
        });
    }

    void on_read(beast::error_code ec) {
        if (ec) return fail("read");
        auto t = now_ns();
        auto data = buf_.cdata();
        std::string_view frame(static_cast<char const*>(data.data()), data.size());
        if (!welcomed) {
            if (frame.find("\"welcome\"") != std::string_view::npos) {
                auto j = json::parse(frame, nullptr, false);
                if (j.is_object() && j.contains("participant_token")) token = j["participant_token"];
                welcomed = true;
                st_.welcomed++;
                if (on_welcome_) on_welcome_();
            }
        } else {
            scan(frame, t);
        }
        buf_.consume(buf_.size());
        do_read();
    }

    // Counts deliveries (card texts "b:<ns>") and acks in one frame (which may
    // be an array of several messages).
    void scan(std::string_view frame, std::int64_t t) {
        std::size_t at = 0;
        while ((at = frame.find("\"b:", at)) != std::string_view::npos) {
            at += 3;
            std::int64_t sent = 0;
            while (at < frame.size() && frame[at] >= '0' && frame[at] <= '9')
                sent = sent * 10 + (frame[at++] - '0');
            local_.push_back(static_cast<double>(t - sent) / 1e6);
            st_.deliveries++;
        }
        at = 0;
        while ((at = frame.find("\"type\":\"ack\"", at)) != std::string_view::npos) {
            ++at;
            st_.acks++;
            my_acks++;
            if (keep_ack_times) {
                std::lock_guard lock(ack_mu_);
                ack_times_.push_back(t);
            }
            if (on_ack) on_ack(t);
        }
        at = 0;
        while ((at = frame.find("\"type\":\"error\"", at)) != std::string_view::npos) {
            ++at;
            st_.errors++;
        }
        if (local_.size() >= 256) st_.add(local_);
    }

public:
    // The receive times (now_ns) of the acks since the last call, in order.
    // Only kept when keep_ack_times is set before the connection opens.
    std::vector<std::int64_t> take_ack_times() {
        std::lock_guard lock(ack_mu_);
        return std::exchange(ack_times_, {});
    }
    std::atomic<bool> keep_ack_times{false};

    void flush() {
        asio::post(ws_.get_executor(), [self = shared_from_this()] { self->st_.add(self->local_); });
    }

private:
    void fail(char const* where) {
        if (!dead_) {
            st_.closed++;
            std::lock_guard lock(st_.m);
            st_.last_failure = std::string(where);
        }
        dead_ = true;
    }

    websocket::stream<beast::tcp_stream> ws_;
    beast::flat_buffer buf_;
    std::deque<std::string> queue_;
    std::string code_, hello_;
    std::function<void()> on_welcome_;
    stats& st_;
    std::vector<double> local_;
    std::mutex ack_mu_;
    std::vector<std::int64_t> ack_times_; // guarded by ack_mu_
    bool dead_ = false;
    bool ready_ = false; // handshake done; strand only
};

// ---------------------------------------------------------------- scenarios

struct options {
    std::string binary = "build/brug";
    std::string scenario = "allhands";
    int participants = 1000;
    int workshops = 1;
    int posters = 10;
    double rate = 20;       // cards per second, all posters together
    bool rate_given = false; // durable: open loop at `rate` instead of closed loop
    double seconds = 10;    // measuring window
    int threads = 2;
    std::string sync = "full";
    int cold_workshops = 1000;
    int cold_cards = 200;   // per workshop
    std::vector<std::string> server_args; // --server-arg: passed on to the server
};

struct load {
    options o;
    server_process server;
    asio::io_context io;
    std::vector<std::thread> threads;
    stats st;
    std::unique_ptr<asio::executor_work_guard<asio::io_context::executor_type>> guard;
    std::string dir;

    explicit load(options opts) : o(std::move(opts)) {
        char tmpl[] = "/tmp/brug-load-XXXXXX";
        dir = mkdtemp(tmpl);
        guard = std::make_unique<asio::executor_work_guard<asio::io_context::executor_type>>(
            io.get_executor());
        // A handler that throws must not take its thread out of the pool.
        for (int i = 0; i < o.threads; ++i)
            threads.emplace_back([this] {
                for (;;) {
                    try {
                        io.run();
                        return;
                    } catch (std::exception const& e) {
                        std::cerr << "brug-load: handler failed: " << e.what() << "\n";
                    }
                }
            });
    }

    ~load() {
        server.stop();
        guard.reset();
        io.stop();
        for (auto& t : threads) t.join();
        std::filesystem::remove_all(dir);
    }

    double start_server(std::vector<std::string> extra = {}) {
        std::vector<std::string> args = {"--port", "0", "--data", dir + "/brug.db",
                                         "--sync", o.sync, "--rate-limit", "100000",
                                         "--rate-burst", "200000", "--max-cards", "1000000",
                                         "--max-connections", "100000", "--queue-limit", "67108864"};
        args.insert(args.end(), extra.begin(), extra.end());
        args.insert(args.end(), o.server_args.begin(), o.server_args.end());
        return server.start(o.binary, args);
    }

    std::shared_ptr<client> open(std::string const& code, json hello) {
        auto c = std::make_shared<client>(io, st);
        c->connect(server.port, code, std::move(hello), nullptr);
        return c;
    }

    std::string last_failure() {
        std::lock_guard lock(st.m);
        return st.last_failure;
    }

    void wait_welcomed(int n, double timeout_s = 60) {
        auto until = clock_type::now() + std::chrono::duration<double>(timeout_s);
        while (st.welcomed < n && clock_type::now() < until)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        if (st.welcomed < n)
            throw std::runtime_error("only " + std::to_string(st.welcomed.load()) + " of " +
                                     std::to_string(n) + " connections welcomed (" +
                                     std::to_string(st.closed.load()) + " failed: " + last_failure() + ")");
    }

    static json participant_hello() { return {{"type", "hello"}, {"protocol", 1}, {"role", "participant"}}; }
    static json facilitator_hello(std::string const& key) {
        return {{"type", "hello"}, {"protocol", 1}, {"role", "facilitator"}, {"facilitator_key", key}};
    }

    // Opens a facilitator, sets the phase to reflect, then reveal needs a
    // card: the first poster posts one, and the facilitator reveals.
    std::shared_ptr<client> prepare(workshop_ref const& w, std::vector<std::shared_ptr<client>>& people,
                                    int n) {
        auto f = open(w.code, facilitator_hello(w.key));
        for (int i = 0; i < n; ++i) people.push_back(open(w.code, participant_hello()));
        return f;
    }

    // Each workshop to reflect, one warm-up card, revealed: each step waits
    // for its acks in every workshop before the next is sent. Sent blind, a
    // busy server could take the warm-up post before the phase change
    // (wrong_phase), and the reveal then found no card and left the workshop
    // hidden, so its cards never reached the others.
    struct session_start {
        std::shared_ptr<client> f;
        std::shared_ptr<client> first;
    };
    void start_sessions(std::vector<session_start> const& starts) {
        for (auto& s : starts) s.f->send(R"({"type":"phase.set","req":1,"phase":"reflect"})");
        for (auto& s : starts) wait_acks(*s.f, 1, "phase.set");
        for (auto& s : starts)
            s.first->send(R"({"type":"card.post","req":1,"kind":"concern","text":"warm-up","nonce":"warm"})");
        for (auto& s : starts) wait_acks(*s.first, 1, "the warm-up card.post");
        for (auto& s : starts) s.f->send(R"({"type":"cards.reveal","req":2})");
        for (auto& s : starts) wait_acks(*s.f, 2, "cards.reveal");
    }

    static void wait_acks(client const& c, std::uint64_t n, char const* what, double timeout_s = 30) {
        auto until = clock_type::now() + std::chrono::duration<double>(timeout_s);
        while (c.my_acks < n && clock_type::now() < until)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        if (c.my_acks < n) throw std::runtime_error(std::string("no ack for ") + what);
    }

    // Posts `count` cards spread over `posters` at `rate` per second in total
    // (rate <= 0: as fast as the acks come back, `window` outstanding each).
    void post(std::vector<std::shared_ptr<client>> const& posters, double rate, double seconds,
              std::uint64_t& sent) {
        auto start = clock_type::now();
        auto end = start + std::chrono::duration<double>(seconds);
        std::uint64_t n = 0;
        while (clock_type::now() < end) {
            auto& p = posters[n % posters.size()];
            json cmd = {{"type", "card.post"}, {"req", n}, {"kind", "concern"},
                        {"text", "b:" + std::to_string(now_ns())}, {"nonce", "n" + std::to_string(n)}};
            p->send(cmd.dump());
            ++n;
            auto due = start + std::chrono::duration<double>(static_cast<double>(n) / rate);
            std::this_thread::sleep_until(due);
        }
        sent = n;
    }

    void drain(std::uint64_t expected, double timeout_s = 10) {
        auto until = clock_type::now() + std::chrono::duration<double>(timeout_s);
        while (st.deliveries < expected && clock_type::now() < until)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
};

json fan_out_result(load& l, std::uint64_t sent, std::uint64_t receivers, double seconds,
                    std::pair<double, double> cpu0, std::pair<double, double> cpu1) {
    std::vector<double> lat;
    {
        std::lock_guard lock(l.st.m);
        lat = l.st.latencies_ms;
    }
    std::uint64_t expected = sent * receivers;
    std::uint64_t got = l.st.deliveries;
    double user = cpu1.first - cpu0.first, sys = cpu1.second - cpu0.second;
    return {{"cards_sent", sent},
            {"deliveries", got},
            {"expected_deliveries", expected},
            {"lost_deliveries", expected > got ? expected - got : 0},
            {"deliveries_per_s", static_cast<double>(got) / seconds},
            {"latency_ms", {{"p50", percentile(lat, 0.5)}, {"p99", percentile(lat, 0.99)},
                            {"p999", percentile(lat, 0.999)}, {"max", lat.empty() ? 0 : lat.back()}}},
            {"server_cpu_us_per_delivery",
             {{"user", got ? user / static_cast<double>(got) : 0},
              {"system", got ? sys / static_cast<double>(got) : 0},
              {"total", got ? (user + sys) / static_cast<double>(got) : 0}}},
            {"closed_connections", l.st.closed.load()},
            {"errors", l.st.errors.load()}};
}

// One workshop, N participants, revealed; `rate` cards per second from
// `posters`. Also measures memory per idle connection and the time until
// every participant has posted a card.
json run_one_workshop(options const& o) {
    load l(o);
    l.start_server();
    auto w = create_workshop(l.server.port);
    double rss0 = l.server.rss_kib();
    auto t_open = clock_type::now();
    std::vector<std::shared_ptr<client>> people;
    auto f = l.prepare(w, people, o.participants);
    l.wait_welcomed(o.participants + 1);
    double open_ms = std::chrono::duration<double, std::milli>(clock_type::now() - t_open).count();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    double rss1 = l.server.rss_kib();

    l.start_sessions({{f, people[0]}});
    std::this_thread::sleep_for(std::chrono::milliseconds(300));

    // Every participant posts one card at once: how long until all are acknowledged?
    auto acks0 = l.st.acks.load();
    auto t_all = clock_type::now();
    for (std::size_t i = 0; i < people.size(); ++i)
        people[i]->send(json({{"type", "card.post"}, {"req", 100}, {"kind", "intention"},
                              {"text", "iedereen " + std::to_string(i)}, {"nonce", "all"}})
                            .dump());
    while (l.st.acks - acks0 < people.size() &&
           clock_type::now() - t_all < std::chrono::seconds(30))
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    double all_ms = std::chrono::duration<double, std::milli>(clock_type::now() - t_all).count();
    std::this_thread::sleep_for(std::chrono::milliseconds(500));

    // The measured window.
    for (auto& p : people) p->flush();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    {
        std::lock_guard lock(l.st.m);
        l.st.latencies_ms.clear();
    }
    l.st.deliveries = 0;
    l.st.errors = 0;
    std::vector<std::shared_ptr<client>> posters(people.begin(),
                                                 people.begin() + std::min<int>(o.posters, o.participants));
    auto cpu0 = l.server.cpu_us();
    auto t0 = clock_type::now();
    std::uint64_t sent = 0;
    l.post(posters, o.rate, o.seconds, sent);
    l.drain(sent * (people.size() + 1));
    double seconds = std::chrono::duration<double>(clock_type::now() - t0).count();
    auto cpu1 = l.server.cpu_us();
    for (auto& p : people) p->flush();
    f->flush();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));

    json r = fan_out_result(l, sent, people.size() + 1, seconds, cpu0, cpu1);
    r["scenario"] = o.scenario;
    r["connections"] = o.participants + 1;
    r["open_ms"] = open_ms;
    r["rss_per_connection_kib"] = (rss1 - rss0) / (o.participants + 1);
    r["all_posted_ms"] = all_ms;
    r["rate_cards_per_s"] = o.rate;
    return r;
}

// Many small workshops at once, every one posting.
json run_many(options const& o) {
    load l(o);
    l.start_server();
    struct room {
        workshop_ref w;
        std::shared_ptr<client> f;
        std::vector<std::shared_ptr<client>> people;
    };
    std::vector<room> rooms(static_cast<std::size_t>(o.workshops));
    double rss0 = l.server.rss_kib();
    auto t_open = clock_type::now();
    for (auto& r : rooms) {
        r.w = create_workshop(l.server.port);
        r.f = l.prepare(r.w, r.people, o.participants);
    }
    int total = o.workshops * (o.participants + 1);
    l.wait_welcomed(total, 120);
    double open_ms = std::chrono::duration<double, std::milli>(clock_type::now() - t_open).count();
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    double rss1 = l.server.rss_kib();
    std::vector<load::session_start> starts;
    for (auto& r : rooms) starts.push_back({r.f, r.people[0]});
    l.start_sessions(starts);
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));

    for (auto& r : rooms)
        for (auto& p : r.people) p->flush();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    {
        std::lock_guard lock(l.st.m);
        l.st.latencies_ms.clear();
    }
    l.st.deliveries = 0;
    std::vector<std::shared_ptr<client>> posters;
    for (auto& r : rooms) posters.push_back(r.people[1 % r.people.size()]);
    auto cpu0 = l.server.cpu_us();
    auto t0 = clock_type::now();
    std::uint64_t sent = 0;
    l.post(posters, o.rate, o.seconds, sent);
    l.drain(sent * static_cast<std::uint64_t>(o.participants + 1));
    double seconds = std::chrono::duration<double>(clock_type::now() - t0).count();
    auto cpu1 = l.server.cpu_us();
    for (auto& r : rooms) {
        r.f->flush();
        for (auto& p : r.people) p->flush();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    json res = fan_out_result(l, sent, static_cast<std::uint64_t>(o.participants + 1), seconds, cpu0, cpu1);
    res["scenario"] = "many";
    res["workshops"] = o.workshops;
    res["connections"] = total;
    res["open_ms"] = open_ms;
    res["rss_per_connection_kib"] = (rss1 - rss0) / total;
    res["rate_cards_per_s"] = o.rate;
    return res;
}

// Durable writes: card posts acknowledged per second, each ack only after its
// commit is on disk, in one workshop and across many.
//
// Closed loop (default): each poster keeps `window` posts in flight and
// posts again as acks come back; this finds the most acks per second, and
// the ack latency is then mostly the window's queue (Little's law: in flight
// / acks per second). Open loop (`--rate N`): posts go out on a fixed
// schedule, N per second spread over the posters, whether or not earlier
// ones were answered; each latency runs from the post's scheduled time, so a
// stalled server's backlog counts in full (no coordinated omission). After
// the window the posts still in flight are waited for (10 s at most).
//
// The commit figures come from the store's summary, which the server logs at
// shutdown: the commits since the SIGUSR1 sent just before the window (the
// setup's are left out), the drain after it included.
// Closed loop, per poster: its posts in flight and the latencies of its
// acks; touched on the poster's strand only (on_ack, run_here), the
// latencies read after the I/O threads stopped sending.
struct closed_poster {
    std::deque<std::int64_t> inflight; // send times, oldest first
    std::uint64_t n = 0;               // posts sent
    std::vector<double> latency_ms;
};

// The durable scenario's k-th post of one poster.
std::string durable_post(std::uint64_t k) {
    return json({{"type", "card.post"}, {"req", k}, {"kind", "concern"},
                 {"text", "durable " + std::to_string(k)}, {"nonce", "d" + std::to_string(k)}})
        .dump();
}

json run_durable(options const& o) {
    // Before `l`: the closed loop's callbacks run on its I/O threads, which
    // may still read a frame until `l` is destroyed.
    std::vector<std::unique_ptr<closed_poster>> closed;
    std::atomic<std::int64_t> closed_in_flight{0};
    std::atomic<bool> stop{false};
    load l(o);
    l.start_server();
    std::vector<std::shared_ptr<client>> posters;
    std::vector<workshop_ref> ws;
    for (int i = 0; i < o.workshops; ++i) {
        auto w = create_workshop(l.server.port);
        ws.push_back(w);
        auto f = l.open(w.code, load::facilitator_hello(w.key));
        // Its own welcome, not "one more than now": the previous workshop's
        // posters may be welcomed meanwhile, and the count then overshot
        // what would ever arrive (the run failed after 60 s).
        auto until = clock_type::now() + std::chrono::seconds(60);
        while (!f->welcomed && clock_type::now() < until)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        if (!f->welcomed) {
            std::string why = "the facilitator of ";
            why += w.code;
            why += " was not welcomed";
            throw std::runtime_error(why);
        }
        f->send(R"({"type":"phase.set","req":1,"phase":"reflect"})");
        int per = std::max(1, o.posters / o.workshops);
        for (int k = 0; k < per; ++k) posters.push_back(l.open(w.code, load::participant_hello()));
    }
    l.wait_welcomed(static_cast<int>(posters.size() + ws.size()));
    for (auto& p : posters) p->keep_ack_times = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    l.server.restart_commit_figures(); // the setup's commits are not the window's
    std::this_thread::sleep_for(std::chrono::milliseconds(50));

    bool const open_loop = o.rate_given && o.rate > 0;
    constexpr int window = 4; // closed loop: posts in flight per poster
    // Open loop: poster i posts at t0 + (i + k * posters) / rate, k = 0, 1, ...
    auto const step = std::chrono::duration_cast<clock_type::duration>(
        std::chrono::duration<double>(open_loop ? 1.0 / o.rate : 0.0));
    std::atomic<std::uint64_t> unanswered{0};
    std::mutex m;
    std::vector<double> lat;
    auto acks0 = l.st.acks.load();
    auto cpu0 = l.server.cpu_us();
    auto own0 = own_cpu_us();
    auto t0 = clock_type::now();
    auto const t0_ns = now_ns();
    std::uint64_t total_acked = 0;
    double seconds = 0;
    // Closed loop: each ack sends the poster's next post at once, from the
    // connection's own strand (no thread polls for acks).
    if (!open_loop) {
        for (auto& p : posters) {
            closed.push_back(std::make_unique<closed_poster>());
            auto* c = p.get();
            auto* cp = closed.back().get();
            auto post = [c, cp, &closed_in_flight] {
                c->send_here(durable_post(cp->n++));
                cp->inflight.push_back(now_ns());
                ++closed_in_flight;
            };
            p->run_here([c, cp, post, &stop, &closed_in_flight] {
                c->on_ack = [cp, post, &stop, &closed_in_flight](std::int64_t t) {
                    if (cp->inflight.empty()) return;
                    cp->latency_ms.push_back(static_cast<double>(t - cp->inflight.front()) / 1e6);
                    cp->inflight.pop_front();
                    --closed_in_flight;
                    if (!stop) post();
                };
                for (int k = 0; k < window; ++k) post();
            });
        }
    }
    std::vector<std::thread> drivers;
    int per_thread = static_cast<int>((posters.size() + 3) / 4);
    for (std::size_t from = 0; open_loop && from < posters.size();
         from += static_cast<std::size_t>(per_thread)) {
        drivers.emplace_back([&, from] {
            std::vector<double> local;
            std::size_t to = std::min(posters.size(), from + static_cast<std::size_t>(per_thread));
            // Per poster: the send (closed loop) or scheduled (open loop)
            // times of its posts in flight, oldest first; acks come in order.
            std::vector<std::deque<std::int64_t>> inflight(to - from);
            std::vector<std::uint64_t> n(to - from, 0);
            auto post = [&](std::size_t i, std::int64_t at) {
                auto k = i - from;
                posters[i]->send(durable_post(n[k]++));
                inflight[k].push_back(at);
            };
            auto take_acks = [&](std::size_t i) {
                auto k = i - from;
                for (auto t : posters[i]->take_ack_times()) {
                    if (inflight[k].empty()) break;
                    local.push_back(static_cast<double>(t - inflight[k].front()) / 1e6);
                    inflight[k].pop_front();
                }
            };
            auto scheduled = [&](std::size_t i) {
                auto offset = static_cast<std::int64_t>(i + n[i - from] * posters.size());
                return t0_ns + offset * std::chrono::nanoseconds(step).count();
            };
            auto acks_taken = now_ns();
            while (!stop) {
                // Wakes once a millisecond and sends every post then due: a
                // post waits at most that millisecond, which its latency
                // (from its scheduled time) includes. Waking for each post
                // cost the generator 26-31 us of CPU per ack. The acks'
                // times are kept by the clients and collected as often.
                auto now = now_ns();
                for (std::size_t i = from; i < to; ++i)
                    for (auto at = scheduled(i); at <= now; at = scheduled(i)) post(i, at);
                if (now - acks_taken >= 1'000'000) {
                    for (std::size_t i = from; i < to; ++i) take_acks(i);
                    acks_taken = now;
                }
                std::this_thread::sleep_for(std::chrono::nanoseconds(now + 1'000'000 - now_ns()));
            }
            // The posts still in flight: their latency counts too.
            auto until = clock_type::now() + std::chrono::seconds(10);
            auto waiting = [&] {
                return std::any_of(inflight.begin(), inflight.end(),
                                   [](auto const& q) { return !q.empty(); });
            };
            while (waiting() && clock_type::now() < until) {
                for (std::size_t i = from; i < to; ++i) take_acks(i);
                std::this_thread::sleep_for(std::chrono::microseconds(200));
            }
            std::uint64_t left = 0;
            for (auto const& q : inflight) left += q.size();
            unanswered += left;
            std::lock_guard lock(m);
            lat.insert(lat.end(), local.begin(), local.end());
        });
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
    // The window: acks and CPU until the last scheduled post, not the drain.
    seconds = std::chrono::duration<double>(clock_type::now() - t0).count();
    total_acked = l.st.acks - acks0;
    auto cpu1 = l.server.cpu_us();
    auto own1 = own_cpu_us();
    stop = true;
    for (auto& d : drivers) d.join();
    if (!open_loop) {
        // The posts still in flight: their latency counts too (10 s at most).
        auto until = clock_type::now() + std::chrono::seconds(10);
        while (closed_in_flight > 0 && clock_type::now() < until)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        unanswered += static_cast<std::uint64_t>(std::max<std::int64_t>(0, closed_in_flight));
        for (auto const& cp : closed)
            lat.insert(lat.end(), cp->latency_ms.begin(), cp->latency_ms.end());
    }
    l.server.stop();
    auto const& sum = l.server.summary;

    json r = {{"scenario", "durable"},
              {"mode", open_loop ? "open" : "closed"},
              {"workshops", o.workshops},
              {"posters", posters.size()},
              {"sync", o.sync},
              {"acks", total_acked},
              {"acks_per_s", static_cast<double>(total_acked) / seconds},
              {"ack_latency_ms", {{"p50", percentile(lat, 0.5)}, {"p99", percentile(lat, 0.99)},
                                  {"max", lat.empty() ? 0 : lat.back()}}},
              {"server_cpu_us_per_ack",
               total_acked ? (cpu1.first + cpu1.second - cpu0.first - cpu0.second) /
                                 static_cast<double>(total_acked)
                           : 0},
              {"generator_cpu_us_per_ack",
               total_acked ? (own1 - own0) / static_cast<double>(total_acked) : 0},
              {"unanswered", unanswered.load()},
              {"errors", l.st.errors.load()}};
    if (open_loop) r["rate_posts_per_s"] = o.rate;
    if (sum.found) {
        r["commits"] = sum.commits;
        r["commit_ms"] = {{"p50", sum.p50_ms}, {"p99", sum.p99_ms}, {"max", sum.max_ms}};
        r["change_sets_per_commit"] = {{"mean", sum.sets_per_commit}, {"max", sum.max_sets}};
        r["wal_truncations"] = {{"count", sum.truncations}, {"max_ms", sum.truncation_max_ms}};
    }
    return r;
}

// Cold start: fill a database with many workshops and cards, restart the
// server on it, and time `listening` and the first welcome.
json run_coldstart(options const& o) {
    load l(o);
    l.start_server({"--sync", "normal"});
    std::vector<workshop_ref> ws;
    for (int i = 0; i < o.cold_workshops; ++i) ws.push_back(create_workshop(l.server.port));
    // Fill them through the real protocol, a few workshops at a time.
    std::uint64_t posted = 0;
    for (std::size_t i = 0; i < ws.size(); i += 50) {
        std::vector<std::shared_ptr<client>> batch;
        int before = l.st.welcomed;
        for (std::size_t k = i; k < std::min(ws.size(), i + 50); ++k) {
            auto f = l.open(ws[k].code, load::facilitator_hello(ws[k].key));
            f->send(R"({"type":"phase.set","req":1,"phase":"reflect"})");
            batch.push_back(f);
            batch.push_back(l.open(ws[k].code, load::participant_hello()));
        }
        l.wait_welcomed(before + static_cast<int>(batch.size()));
        // Cards only once every workshop of the batch is in its reflect phase.
        // batch holds (facilitator, participant) pairs: wait for each phase.set's ack.
        auto phase_set = [&] {
            for (std::size_t b = 0; b < batch.size(); b += 2)
                if (batch[b]->my_acks == 0) return false;
            return true;
        };
        auto phase_until = clock_type::now() + std::chrono::seconds(30);
        while (!phase_set() && clock_type::now() < phase_until)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        auto acks0 = l.st.acks.load();
        std::uint64_t want = 0;
        for (std::size_t b = 1; b < batch.size(); b += 2)
            for (int c = 0; c < o.cold_cards; ++c, ++want)
                batch[b]->send(json({{"type", "card.post"}, {"req", c}, {"kind", "concern"},
                                     {"text", std::string("kaart ").append(std::to_string(c)).append(
                                                  " over klantcontact en tijd")},
                                     {"nonce", std::string("c").append(std::to_string(c))}})
                                   .dump());
        auto until = clock_type::now() + std::chrono::seconds(60);
        while (l.st.acks - acks0 < want && clock_type::now() < until)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        posted += want;
        for (auto& c : batch) c->close();
    }
    l.server.stop();
    auto db_bytes = std::filesystem::file_size(l.dir + "/brug.db");
    double listen_ms = l.server.start(o.binary, {"--port", "0", "--data", l.dir + "/brug.db"});
    // First hello to a workshop: time to its welcome (with its whole state).
    auto& w = ws[ws.size() / 2];
    int before = l.st.welcomed;
    auto t0 = clock_type::now();
    l.open(w.code, load::facilitator_hello(w.key));
    l.wait_welcomed(before + 1);
    double first_ms = std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
    return {{"scenario", "coldstart"},
            {"workshops", ws.size()},
            {"cards", posted},
            {"db_mib", static_cast<double>(db_bytes) / (1024.0 * 1024.0)},
            {"listening_ms", listen_ms},
            {"first_welcome_ms", first_ms}};
}

options parse(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
            return argv[++i];
        };
        if (a == "--binary") o.binary = next();
        else if (a == "--scenario") o.scenario = next();
        else if (a == "--participants") o.participants = std::stoi(next());
        else if (a == "--workshops") o.workshops = std::stoi(next());
        else if (a == "--posters") o.posters = std::stoi(next());
        else if (a == "--rate") {
            o.rate = std::stod(next());
            o.rate_given = true;
        }
        else if (a == "--seconds") o.seconds = std::stod(next());
        else if (a == "--threads") o.threads = std::stoi(next());
        else if (a == "--sync") o.sync = next();
        else if (a == "--cold-workshops") o.cold_workshops = std::stoi(next());
        else if (a == "--cold-cards") o.cold_cards = std::stoi(next());
        else if (a == "--server-arg") o.server_args.push_back(next());
        else if (a == "--help") {
            std::cout << "brug-load --binary PATH --scenario allhands|saturation|many|durable|coldstart\n"
                         "  [--participants N] [--workshops N] [--posters N] [--rate CARDS_PER_S]\n"
                         "  (durable: closed loop, 4 posts in flight per poster; with --rate, open\n"
                         "  loop at that many posts per second, latency from each post's schedule)\n"
                         "  [--seconds S] [--threads N] [--sync full|normal]\n"
                         "  [--cold-workshops N] [--cold-cards N] [--server-arg ARG ...]\n";
            std::exit(0);
        } else throw std::runtime_error("unknown option " + a);
    }
    return o;
}

} // namespace

int main(int argc, char** argv) {
    try {
        raise_fd_limit();
        signal(SIGPIPE, SIG_IGN);
        auto o = parse(argc, argv);
        json r;
        if (o.scenario == "allhands" || o.scenario == "saturation") r = run_one_workshop(o);
        else if (o.scenario == "many") r = run_many(o);
        else if (o.scenario == "durable") r = run_durable(o);
        else if (o.scenario == "coldstart") r = run_coldstart(o);
        else throw std::runtime_error("unknown scenario " + o.scenario);
        std::cout << r.dump() << std::endl;
        return 0;
    } catch (std::exception const& e) {
        std::cerr << "brug-load: " << e.what() << "\n";
        return 1;
    }
}
