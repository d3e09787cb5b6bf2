// The only Beast translation unit of the tests: synchronous HTTP, and a
// WebSocket client whose reads run on its own io_context only while the test
// waits for something.
#include "client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <poll.h>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#ifndef BRUG_BINARY
#define BRUG_BINARY "build/brug"
#endif

namespace brug::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

// ---------------------------------------------------------------- server

server_process::server_process(std::vector<std::string> args, std::string data_dir)
    : args_(std::move(args)), dir_(std::move(data_dir)) {
    if (dir_.empty()) {
        char tmpl[] = "/tmp/brug-it-XXXXXX";
        if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
        dir_ = tmpl;
        own_dir_ = true;
    }
    start();
}

server_process::~server_process() {
    if (pid_ > 0) stop(SIGKILL);
    if (own_dir_) {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
}

void server_process::start() {
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe failed");
    std::vector<std::string> argv = {brug_binary(), "--host", "127.0.0.1", "--port", "0",
                                     "--data", data_file(), "--web-root",
                                     std::string(BRUG_SOURCE_DIR) + "/client-web"};
    argv.insert(argv.end(), args_.begin(), args_.end());
    std::string log_path = dir_ + "/server.log";
    pid_ = fork();
    if (pid_ == 0) {
        dup2(out[1], 1);
        int err = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (err >= 0) dup2(err, 2);
        close(out[0]);
        close(out[1]);
        std::vector<char*> cargv;
        for (auto& a : argv) cargv.push_back(a.data());
        cargv.push_back(nullptr);
        execv(cargv[0], cargv.data());
        _exit(127);
    }
    close(out[1]);
    // Reads the "listening on http://HOST:PORT" line, within 20 seconds.
    std::string line;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (line.find('\n') == std::string::npos) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                        deadline - std::chrono::steady_clock::now())
                        .count();
        if (left <= 0) break;
        pollfd p{out[0], POLLIN, 0};
        if (poll(&p, 1, static_cast<int>(left)) <= 0) break;
        char buf[256];
        auto n = read(out[0], buf, sizeof buf);
        if (n <= 0) break;
        line.append(buf, static_cast<std::size_t>(n));
    }
    close(out[0]);
    auto pos = line.rfind(':');
    std::string const prefix = "listening on http://127.0.0.1:";
    std::string const tls_prefix = "listening on https://127.0.0.1:";
    if ((line.rfind(prefix, 0) != 0 && line.rfind(tls_prefix, 0) != 0) || pos == std::string::npos)
        throw std::runtime_error("server did not start: '" + line + "' log: " + log());
    port_ = std::atoi(line.c_str() + pos + 1);
}

int server_process::stop(int sig, std::chrono::seconds timeout) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, sig);
    auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (true) {
        auto r = waitpid(pid_, &status, WNOHANG);
        if (r == pid_) break;
        if (std::chrono::steady_clock::now() >= deadline) {
            ::kill(pid_, SIGKILL);
            waitpid(pid_, &status, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = -1;
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

std::string server_process::log() const {
    std::ifstream in(dir_ + "/server.log");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// ---------------------------------------------------------------- HTTP

namespace {

// One request and its response over `stream` (plain or TLS), connected.
template <class Stream>
http_result exchange(Stream& stream, int port, std::string const& method,
                     std::string const& target, std::string const& body,
                     std::vector<std::pair<std::string, std::string>> const& headers) {
    bhttp::request<bhttp::string_body> req(bhttp::string_to_verb(method), target, 11);
    req.set(bhttp::field::host, "127.0.0.1:" + std::to_string(port));
    for (auto const& [k, v] : headers) req.set(k, v);
    if (!body.empty() || method == "POST") {
        req.set(bhttp::field::content_type, "application/json");
        req.body() = body;
        req.prepare_payload();
    }
    bhttp::write(stream, req);
    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    if (method == "HEAD") parser.skip(true);
    bhttp::read(stream, buffer, parser);
    auto res = parser.release();
    http_result out;
    out.status = static_cast<int>(res.result_int());
    out.body = res.body();
    for (auto const& f : res) {
        std::string name(f.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out.headers[name] = std::string(f.value());
    }
    return out;
}

tcp::endpoint local_port(int port) {
    return tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
}

// A client context that takes any certificate (the tests' are self-signed)
// and speaks at most `max_version` (e.g. TLS1_1_VERSION), with every cipher
// this OpenSSL has: a refusal is then the server's.
std::unique_ptr<asio::ssl::context> client_tls(int max_version = 0) {
    auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    ctx->set_verify_mode(asio::ssl::verify_none);
    if (max_version != 0) {
        SSL_CTX_set_min_proto_version(ctx->native_handle(), 0);
        SSL_CTX_set_max_proto_version(ctx->native_handle(), max_version);
        SSL_CTX_set_cipher_list(ctx->native_handle(), "ALL:@SECLEVEL=0");
    }
    return ctx;
}

} // namespace

http_result http(int port, std::string const& method, std::string const& target,
                 std::string const& body,
                 std::vector<std::pair<std::string, std::string>> const& headers) {
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.connect(local_port(port));
    auto out = exchange(stream, port, method, target, body, headers);
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    return out;
}

http_result https(int port, std::string const& method, std::string const& target,
                  std::string const& body,
                  std::vector<std::pair<std::string, std::string>> const& headers) {
    asio::io_context ioc;
    auto tls = client_tls();
    beast::ssl_stream<beast::tcp_stream> stream(ioc, *tls);
    beast::get_lowest_layer(stream).connect(local_port(port));
    stream.handshake(asio::ssl::stream_base::client);
    auto out = exchange(stream, port, method, target, body, headers);
    beast::error_code ec;
    stream.shutdown(ec);
    return out;
}

std::string tls_handshake(int port, int max_version) {
    asio::io_context ioc;
    auto tls = client_tls(max_version);
    beast::ssl_stream<beast::tcp_stream> stream(ioc, *tls);
    beast::get_lowest_layer(stream).connect(local_port(port));
    beast::error_code ec;
    stream.handshake(asio::ssl::stream_base::client, ec);
    if (ec) return ec.message();
    auto* version = SSL_get_version(stream.native_handle());
    stream.shutdown(ec);
    return std::string("ok ") + version;
}

std::string raw_http(int port, std::string const& bytes, std::chrono::milliseconds timeout) {
    asio::io_context ioc;
    tcp::socket sock(ioc);
    sock.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"),
                               static_cast<unsigned short>(port)));
    beast::error_code ec;
    asio::write(sock, asio::buffer(bytes), ec);
    std::string out;
    std::array<char, 4096> buf;
    bool done = false;
    std::function<void()> read_more = [&] {
        sock.async_read_some(asio::buffer(buf), [&](beast::error_code e, std::size_t n) {
            out.append(buf.data(), n);
            if (e) done = true;
            else read_more();
        });
    };
    read_more();
    ioc.run_for(timeout);
    return out;
}

workshop_keys create_workshop(int port, json body) {
    auto r = http(port, "POST", "/api/workshops", body.dump());
    if (r.status != 201) throw std::runtime_error("create failed: " + r.body);
    auto j = r.json_body();
    return {j["code"].get<std::string>(), j["facilitator_key"].get<std::string>()};
}

// ---------------------------------------------------------------- WebSocket

struct ws_client::impl {
    asio::io_context ioc;
    websocket::stream<tcp::socket> ws{ioc};
    beast::flat_buffer buffer;
    bool open = false;
    int status = 0;
    bool reading = false;
    ws_client* owner = nullptr;

    void do_read() {
        reading = true;
        ws.async_read(buffer, [this](beast::error_code ec, std::size_t) {
            reading = false;
            if (ec) {
                owner->closed_ = true;
                // A close frame was received even when the teardown after it
                // failed (the server may already have gone): its code counts.
                if (ec == websocket::error::closed || ws.reason().code != websocket::close_code::none) {
                    owner->close_code_ = ws.reason().code;
                    owner->close_reason_ = std::string(ws.reason().reason.data(),
                                                       ws.reason().reason.size());
                } else {
                    owner->close_code_ = -1;
                    owner->close_reason_ = ec.message();
                }
                return;
            }
            std::string text = beast::buffers_to_string(buffer.data());
            buffer.consume(buffer.size());
            owner->frames_.push_back(text);
            auto j = json::parse(text, nullptr, false);
            if (j.is_array()) {
                ++owner->batched_;
                for (auto& m : j) owner->inbox_.push_back(m);
            } else {
                owner->inbox_.push_back(j);
            }
            do_read();
        });
    }
};

ws_client::ws_client(int port, std::string const& target) : ws_client(port, target, config{}) {}

ws_client::ws_client(int port, std::string const& target, config cfg) : impl_(new impl) {
    impl_->owner = this;
    auto& sock = impl_->ws.next_layer();
    sock.open(tcp::v4());
    if (cfg.receive_buffer > 0)
        sock.set_option(asio::socket_base::receive_buffer_size(cfg.receive_buffer));
    sock.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"),
                               static_cast<unsigned short>(port)));
    impl_->ws.set_option(websocket::stream_base::decorator([h = cfg.headers](websocket::request_type& req) {
        for (auto const& [k, v] : h) req.set(k, v);
    }));
    impl_->ws.read_message_max(64 * 1024 * 1024);
    websocket::response_type res;
    beast::error_code ec;
    impl_->ws.handshake(res, "127.0.0.1:" + std::to_string(port), target, ec);
    impl_->status = static_cast<int>(res.result_int());
    if (ec) return;
    impl_->open = true;
    impl_->do_read();
}

ws_client::~ws_client() {
    beast::error_code ec;
    impl_->ws.next_layer().close(ec);
}

bool ws_client::open() const { return impl_->open; }
int ws_client::upgrade_status() const { return impl_->status; }

void ws_client::send(std::string const& text) {
    if (closed_ || !impl_->open) return;
    bool done = false;
    impl_->ws.text(true);
    impl_->ws.async_write(asio::buffer(text), [&](beast::error_code, std::size_t) { done = true; });
    while (!done && impl_->ioc.run_one_for(std::chrono::seconds(5)) > 0) {
    }
    impl_->ioc.restart();
}

void ws_client::send_binary(std::string const& bytes) {
    if (closed_ || !impl_->open) return;
    bool done = false;
    impl_->ws.binary(true);
    impl_->ws.async_write(asio::buffer(bytes), [&](beast::error_code, std::size_t) { done = true; });
    while (!done && impl_->ioc.run_one_for(std::chrono::seconds(5)) > 0) {
    }
    impl_->ioc.restart();
    impl_->ws.text(true);
}

std::optional<json> ws_client::next(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (inbox_.empty() && !closed_) {
        auto left = deadline - std::chrono::steady_clock::now();
        if (left <= std::chrono::milliseconds(0)) break;
        impl_->ioc.run_one_for(left);
        impl_->ioc.restart();
    }
    if (inbox_.empty()) return std::nullopt;
    auto j = std::move(inbox_.front());
    inbox_.pop_front();
    return j;
}

std::optional<json> ws_client::wait_for(std::function<bool(json const&)> pred,
                                        std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left <= std::chrono::milliseconds(0)) return std::nullopt;
        auto m = next(left);
        if (!m) return std::nullopt;
        if (pred(*m)) return m;
    }
}

json ws_client::request(json cmd, std::chrono::milliseconds timeout) {
    auto req = next_req_++;
    cmd["req"] = req;
    send(cmd);
    auto m = wait_for(
        [req](json const& j) {
            return j.is_object() && j.contains("req") && j["req"] == req &&
                   j.value("type", "") != "event";
        },
        timeout);
    return m ? *m : json();
}

int ws_client::wait_close(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!closed_) {
        auto left = deadline - std::chrono::steady_clock::now();
        if (left <= std::chrono::milliseconds(0)) return 0;
        impl_->ioc.run_one_for(left);
        impl_->ioc.restart();
    }
    inbox_.clear();
    return close_code_;
}

void ws_client::close() {
    if (closed_ || !impl_->open) return;
    bool done = false;
    impl_->ws.async_close(websocket::close_code::normal, [&](beast::error_code) { done = true; });
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while ((!done || impl_->reading) && std::chrono::steady_clock::now() < deadline) {
        impl_->ioc.run_one_for(std::chrono::milliseconds(100));
        impl_->ioc.restart();
    }
    closed_ = true;
}

// ---------------------------------------------------------------- WebSocket over TLS

struct wss_client::impl {
    asio::io_context ioc;
    std::unique_ptr<asio::ssl::context> tls = client_tls();
    websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws{ioc, *tls};
    beast::flat_buffer buffer;
    std::deque<json> inbox;
    bool open = false;
};

wss_client::wss_client(int port, std::string const& target) : impl_(new impl) {
    beast::get_lowest_layer(impl_->ws).connect(local_port(port));
    beast::error_code ec;
    impl_->ws.next_layer().handshake(asio::ssl::stream_base::client, ec);
    if (ec) return;
    impl_->ws.handshake("127.0.0.1:" + std::to_string(port), target, ec);
    impl_->open = !ec;
}

wss_client::~wss_client() {
    beast::error_code ec;
    beast::get_lowest_layer(impl_->ws).socket().close(ec);
}

bool wss_client::open() const { return impl_->open; }

void wss_client::send(json const& j) {
    if (!impl_->open) return;
    impl_->ws.text(true);
    beast::error_code ec;
    impl_->ws.write(asio::buffer(j.dump()), ec);
    if (ec) impl_->open = false;
}

std::string wss_client::close(int code) {
    if (!impl_->open) return "not open";
    impl_->open = false;
    beast::get_lowest_layer(impl_->ws).expires_after(std::chrono::seconds(5));
    beast::error_code ec;
    impl_->ws.close(websocket::close_reason(static_cast<std::uint16_t>(code)), ec);
    return ec ? ec.message() : std::string();
}

std::optional<json> wss_client::next(std::chrono::milliseconds timeout) {
    if (impl_->inbox.empty() && impl_->open) {
        bool done = false;
        impl_->ws.async_read(impl_->buffer, [&](beast::error_code ec, std::size_t) {
            done = true;
            if (ec) {
                impl_->open = false;
                return;
            }
            auto j = json::parse(beast::buffers_to_string(impl_->buffer.data()), nullptr, false);
            impl_->buffer.consume(impl_->buffer.size());
            if (j.is_array())
                for (auto& m : j) impl_->inbox.push_back(m);
            else
                impl_->inbox.push_back(j);
        });
        impl_->ioc.run_for(timeout);
        impl_->ioc.restart();
        if (!done) { // timed out: the read is abandoned with the connection
            impl_->open = false;
            beast::error_code ec;
            beast::get_lowest_layer(impl_->ws).socket().close(ec);
        }
    }
    if (impl_->inbox.empty()) return std::nullopt;
    auto j = std::move(impl_->inbox.front());
    impl_->inbox.pop_front();
    return j;
}

json join_participant(ws_client& c, std::string const& token) {
    json h = {{"type", "hello"}, {"protocol", 1}, {"role", "participant"}};
    if (!token.empty()) h["participant_token"] = token;
    c.send(h);
    auto m = c.wait_for([](json const& j) { return j.value("type", "") == "welcome"; });
    return m ? *m : json();
}

json join_facilitator(ws_client& c, std::string const& key) {
    c.send(json{{"type", "hello"}, {"protocol", 1}, {"role", "facilitator"}, {"facilitator_key", key}});
    auto m = c.wait_for([](json const& j) { return j.value("type", "") == "welcome"; });
    return m ? *m : json();
}

bool is_type(json const& j, char const* t) { return j.is_object() && j.value("type", "") == t; }

std::function<bool(json const&)> event(std::string name) {
    return [name](json const& j) { return is_type(j, "event") && j["name"] == name; };
}

json card_post(std::string text, std::string nonce) {
    return {{"type", "card.post"}, {"kind", "concern"}, {"text", std::move(text)}, {"nonce", std::move(nonce)}};
}

// BRUG_BINARY in the environment runs the tests against another build
// (e.g. one with sanitizers).
std::string brug_binary() {
    char const* b = std::getenv("BRUG_BINARY");
    return b && *b ? b : BRUG_BINARY;
}

std::string shell_quote(std::string const& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += "'\\''";
        else out += c;
    }
    return out + "'";
}

std::pair<std::string, int> run_command(std::string const& cmd) {
    std::string out;
    FILE* p = popen(("(" + cmd + ") 2>&1").c_str(), "r");
    if (!p) return {out, -1};
    char buf[4096];
    std::size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    int st = pclose(p);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return {out, WIFEXITED(st) ? WEXITSTATUS(st) : -1};
}

std::string sql(std::string const& db, std::string const& query) {
    return run_command("sqlite3 -batch -noheader " + shell_quote(db) + " " + shell_quote(query)).first;
}

} // namespace brug::test
