// HTTPS and WSS served by Brug itself (--tls-cert, --tls-key; issue 8), with
// a throwaway self-signed certificate made by the openssl command at test time.
#include "client.hpp"

#include <catch2/catch.hpp>

#include <openssl/ssl.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <sys/wait.h>

using namespace brug::test;
using namespace std::chrono_literals;

namespace {

// A folder with cert.pem and key.pem (P-256, CN localhost, one day), and a
// second key that belongs to no certificate; removed with the object.
struct throwaway_certificate {
    std::string dir;
    throwaway_certificate() {
        char tmpl[] = "/tmp/brug-tls-XXXXXX";
        if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
        dir = tmpl;
        auto [out, rc] = run_command("cd " + dir +
                             " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256"
                             " -nodes -keyout key.pem -out cert.pem -days 1 -subj /CN=localhost"
                             " && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256"
                             " -out other-key.pem");
        if (rc != 0) throw std::runtime_error("openssl failed: " + out);
    }
    ~throwaway_certificate() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    std::string cert() const { return dir + "/cert.pem"; }
    std::string key() const { return dir + "/key.pem"; }
    std::string other_key() const { return dir + "/other-key.pem"; }
};

} // namespace

TEST_CASE("tls: HTTPS and WSS on the listening port, TLS 1.2 and 1.3 only") {
    throwaway_certificate c;
    server_process srv({"--tls-cert", c.cert(), "--tls-key", c.key()});

    SECTION("HTTPS: /healthz with the security headers and HSTS") {
        auto r = https(srv.port(), "GET", "/healthz");
        CHECK(r.status == 200);
        CHECK(r.body == "ok");
        CHECK(r.headers["strict-transport-security"] == "max-age=63072000");
        CHECK(r.headers["x-content-type-options"] == "nosniff");
        CHECK(r.headers["x-frame-options"] == "DENY");
        CHECK(r.headers.count("content-security-policy") == 1);
        // The API too, and the QR link knows the scheme without a proxy.
        auto created = https(srv.port(), "POST", "/api/workshops", R"({"title":"TLS"})");
        REQUIRE(created.status == 201);
        CHECK(created.headers["strict-transport-security"] == "max-age=63072000");
    }

    SECTION("WSS: hello, welcome, a card posted and acknowledged") {
        auto created = https(srv.port(), "POST", "/api/workshops", R"({"title":"TLS"})");
        REQUIRE(created.status == 201);
        auto code = created.json_body()["code"].get<std::string>();
        auto key = created.json_body()["facilitator_key"].get<std::string>();

        auto answer = [](wss_client& w, std::int64_t req) -> json {
            for (int i = 0; i < 50; ++i) {
                auto m = w.next();
                if (!m) return {};
                if (m->value("req", std::int64_t{-1}) == req && !is_type(*m, "event")) return *m;
            }
            return {};
        };
        auto welcome = [](wss_client& w) -> json {
            for (int i = 0; i < 50; ++i) {
                auto m = w.next();
                if (!m || is_type(*m, "welcome")) return m ? *m : json();
            }
            return {};
        };

        wss_client f(srv.port(), "/ws/" + code);
        REQUIRE(f.open());
        f.send({{"type", "hello"}, {"protocol", 1}, {"role", "facilitator"}, {"facilitator_key", key}});
        REQUIRE(is_type(welcome(f), "welcome"));
        f.send({{"type", "phase.set"}, {"phase", "reflect"}, {"req", 1}});
        REQUIRE(is_type(answer(f, 1), "ack"));

        wss_client p(srv.port(), "/ws/" + code);
        REQUIRE(p.open());
        p.send({{"type", "hello"}, {"protocol", 1}, {"role", "participant"}});
        REQUIRE(is_type(welcome(p), "welcome"));
        p.send({{"type", "card.post"}, {"kind", "concern"}, {"text", "over TLS"},
                {"nonce", "tls-1"}, {"req", 7}});
        CHECK(is_type(answer(p, 7), "ack"));

        // Closing: the close frames, then TLS's close_notify (RFC 8446 6.1),
        // not the bare end of the TCP stream.
        CHECK(p.close(1000) == "");
        CHECK(f.close(1001) == "");
    }

    SECTION("TLS 1.1 and older are refused; 1.2 and 1.3 are spoken") {
        CHECK(tls_handshake(srv.port(), TLS1_1_VERSION).rfind("ok", 0) != 0);
        CHECK(tls_handshake(srv.port(), TLS1_VERSION).rfind("ok", 0) != 0);
        CHECK(tls_handshake(srv.port(), TLS1_2_VERSION) == "ok TLSv1.2");
        CHECK(tls_handshake(srv.port()) == "ok TLSv1.3");
    }

    SECTION("plain HTTP on the TLS port is not served, and others still are") {
        auto reply = raw_http(srv.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 2000ms);
        CHECK(reply.find("200") == std::string::npos);
        CHECK(reply.find("ok") == std::string::npos);
        CHECK(https(srv.port(), "GET", "/healthz").status == 200);
    }
}

TEST_CASE("tls: a key that does not belong to the certificate stops the start") {
    throwaway_certificate c;
    auto const dir = c.dir;
    auto start = [&](std::string const& tls_args) {
        return run_command("'" + brug_binary() + "' --port 0 --data " + dir + "/db/brug.db " + tls_args);
    };

    auto [mismatch, rc] = start("--tls-cert " + c.cert() + " --tls-key " + c.other_key());
    CHECK(rc == 1);
    CHECK(mismatch.find("brug: TLS: ") != std::string::npos);
    CHECK(mismatch.find(c.other_key()) != std::string::npos);
    CHECK(mismatch.find("listening") == std::string::npos);

    auto [missing, rc2] = start("--tls-cert " + c.cert() + " --tls-key " + dir + "/none.pem");
    CHECK(rc2 == 1);
    CHECK(missing.find("No such file or directory") != std::string::npos);

    auto [alone, rc3] = start("--tls-cert " + c.cert());
    CHECK(rc3 == 2);
    CHECK(alone.find("--tls-key") != std::string::npos);

    // Nothing was opened for the failed starts.
    CHECK_FALSE(std::filesystem::exists(dir + "/db/brug.db"));
}
