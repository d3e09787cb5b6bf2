// The HTTP side of the contract (protocol.md 1 and 2), against the real server.
#include "client.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>

using namespace brug::test;

TEST_CASE("server: --help lists every option with its default and exits 0") {
    auto [out, status] = run_command(shell_quote(brug_binary()) + " --help");
    CHECK(status == 0);
    for (auto opt : {"--host", "--port", "--data", "--web-root", "--hello-timeout", "--idle-timeout",
                     "--rate-limit", "--rate-burst", "--max-frame", "--max-cards",
                     "--max-connections", "--queue-limit"})
        CHECK(out.find(opt) != std::string::npos);
    CHECK(out.find("default: 8080") != std::string::npos);
    CHECK(out.find("default: 1048576") != std::string::npos);
}

TEST_CASE("server: a bad option exits 2 with a message") {
    auto [nope, status] = run_command(shell_quote(brug_binary()) + " --port nope");
    CHECK(status == 2);
    CHECK_FALSE(nope.empty());
    CHECK(run_command(shell_quote(brug_binary()) + " --no-such-option").second == 2);
}

TEST_CASE("server: --page-size sets a new file's page size; a size SQLite cannot use exits 2") {
    {
        server_process srv({"--page-size", "1024", "--checkpoint-mib", "1"});
        REQUIRE(http(srv.port(), "GET", "/healthz").status == 200);
        // The page size is the big-endian 16-bit number at offset 16 of the file's header.
        std::ifstream f(srv.data_file(), std::ios::binary);
        unsigned char header[18] = {};
        f.read(reinterpret_cast<char*>(header), sizeof header);
        REQUIRE(f.gcount() == 18);
        CHECK(header[16] * 256 + header[17] == 1024);
    }
    for (auto bad : {"1000", "256", "131072", "x"})
        CHECK(run_command(shell_quote(brug_binary()) + " --page-size " + bad).second == 2);
    CHECK(run_command(shell_quote(brug_binary()) + " --checkpoint-mib 0").second == 2);
}

TEST_CASE("http: healthz, metrics and security headers") {
    server_process srv;
    auto r = http(srv.port(), "GET", "/healthz");
    CHECK(r.status == 200);
    CHECK(r.body == "ok");
    for (auto path : {"/healthz", "/", "/nope.js", "/api/workshops"}) {
        auto h = http(srv.port(), "GET", path);
        INFO(path);
        CHECK(h.headers["x-content-type-options"] == "nosniff");
        CHECK(h.headers["referrer-policy"] == "no-referrer");
        CHECK(h.headers["x-frame-options"] == "DENY");
        CHECK(h.headers["content-security-policy"].find("frame-ancestors 'none'") != std::string::npos);
        CHECK(h.headers["content-security-policy"].find("default-src 'self'") != std::string::npos);
    }
    auto m = http(srv.port(), "GET", "/metrics");
    CHECK(m.status == 200);
    CHECK(m.body.find("brug_connections{role=\"participant\"}") != std::string::npos);
    CHECK(m.body.find("brug_commit_seconds_bucket") != std::string::npos);
}

TEST_CASE("http: create a workshop") {
    server_process srv;
    auto r = http(srv.port(), "POST", "/api/workshops",
                  R"({"title":"  Nieuw CRM  ","language":"en","columns":[{"id":"a","title":"A"}],
                      "settings":{"votes_per_participant":5,"anonymity_threshold":1}})");
    REQUIRE(r.status == 201);
    auto j = r.json_body();
    auto code = j["code"].get<std::string>();
    auto key = j["facilitator_key"].get<std::string>();
    CHECK(code.size() == 9);
    CHECK(code[4] == '-');
    CHECK(key.size() >= 22); // >= 128 bits, URL-safe base64
    CHECK(key.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
          std::string::npos);
    CHECK(j["participant_url"] == "/w/" + code);
    CHECK(j["facilitator_url"] == "/f/" + code + "#key=" + key);

    // The key is stored only as a hash: its text is nowhere in the file.
    std::ifstream db(srv.data_file(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(db)), {});
    CHECK(bytes.find(key) == std::string::npos);

    // The new workshop is in the lobby, with the title trimmed.
    ws_client f(srv.port(), "/ws/" + code);
    auto w = join_facilitator(f, key);
    REQUIRE(w.is_object());
    CHECK(w["state"]["phase"] == "lobby");
    CHECK(w["state"]["title"] == "Nieuw CRM");
    CHECK(w["state"]["language"] == "en");
    CHECK(w["state"]["settings"]["votes_per_participant"] == 5);
}

TEST_CASE("http: create validation names the field") {
    server_process srv;
    auto [body, field] = GENERATE(table<std::string, std::string>({
        {R"({})", "title"},
        {R"({"title":""})", "title"},
        {R"({"title":"   "})", "title"},
        {R"({"title":5})", "title"},
        {"{\"title\":\"" + std::string(121, 'x') + "\"}", "title"},
        {R"({"title":"t","language":"de"})", "language"},
        {R"({"title":"t","columns":[]})", "columns"},
        {R"({"title":"t","columns":[{"id":"a","title":"1"},{"id":"b","title":"2"},{"id":"c","title":"3"},{"id":"d","title":"4"},{"id":"e","title":"5"},{"id":"f","title":"6"},{"id":"g","title":"7"}]})", "columns"},
        {R"({"title":"t","columns":[{"id":"A","title":"x"}]})", "columns"},
        {R"({"title":"t","columns":[{"id":"a","title":"x"},{"id":"a","title":"y"}]})", "columns"},
        {R"({"title":"t","columns":[{"id":"a","title":""}]})", "columns"},
        {"{\"title\":\"t\",\"columns\":[{\"id\":\"a\",\"title\":\"" + std::string(41, 'x') + "\"}]}", "columns"},
        {R"({"title":"t","settings":{"votes_per_participant":0}})", "votes_per_participant"},
        {R"({"title":"t","settings":{"votes_per_participant":21}})", "votes_per_participant"},
        {R"({"title":"t","settings":{"votes_per_participant":"3"}})", "votes_per_participant"},
        {R"({"title":"t","settings":{"anonymity_threshold":0}})", "anonymity_threshold"},
        {R"({"title":"t","settings":{"anonymity_threshold":51}})", "anonymity_threshold"},
        {R"({"title":"t","settings":{"votes":3}})", "votes"},
        {R"({"title":"t","colour":"red"})", "colour"},
        {R"([1,2])", "body"},
        {R"({"title":)", "JSON"},
    }));
    INFO(body);
    auto r = http(srv.port(), "POST", "/api/workshops", body);
    CHECK(r.status == 400);
    auto j = r.json_body();
    REQUIRE(j.is_object());
    CHECK(j["error"]["code"] == "bad_request");
    CHECK(j["error"]["message"].get<std::string>().find(field) != std::string::npos);
}

TEST_CASE("http: wrong methods, unknown paths and errors are JSON") {
    server_process srv;
    auto r = http(srv.port(), "GET", "/api/workshops");
    CHECK(r.status == 405);
    CHECK(r.json_body()["error"]["code"] == "method_not_allowed");
    r = http(srv.port(), "DELETE", "/healthz");
    CHECK(r.status == 405);
    r = http(srv.port(), "GET", "/api/nothing");
    CHECK(r.status == 404);
    CHECK(r.json_body()["error"]["code"] == "not_found");
    r = http(srv.port(), "GET", "/no-such-file.js");
    CHECK(r.status == 404);
    CHECK(r.json_body()["error"]["code"] == "not_found");
}

TEST_CASE("http: body and header limits") {
    server_process srv({"--max-body", "1024"});
    auto r = http(srv.port(), "POST", "/api/workshops",
                  "{\"title\":\"" + std::string(2000, 'x') + "\"}");
    CHECK(r.status == 413);
    CHECK(r.json_body()["error"]["code"] == "too_large");
    auto big = raw_http(srv.port(), "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') +
                                        "\r\n\r\n");
    CHECK(big.rfind("HTTP/1.1 431", 0) == 0);
    // Still serving.
    CHECK(http(srv.port(), "GET", "/healthz").status == 200);
}

TEST_CASE("http: garbage bytes on the port do not hurt the server") {
    server_process srv;
    for (std::string junk : {std::string("\x16\x03\x01\x02\x00garbage\r\n\r\n", 16),
                             std::string("GET\r\n\r\n"), std::string(5000, '\0'),
                             std::string("POST /api/workshops HTTP/1.1\r\nContent-Length: -5\r\n\r\n"),
                             std::string("GET / HTTP/9.9\r\n\r\n")}) {
        auto out = raw_http(srv.port(), junk, std::chrono::milliseconds(1000));
        CHECK((out.empty() || out.rfind("HTTP/1.1 4", 0) == 0));
    }
    CHECK(http(srv.port(), "GET", "/healthz").status == 200);
}

TEST_CASE("http: static files stay inside the web root") {
    server_process srv;
    auto index = http(srv.port(), "GET", "/");
    CHECK(index.status == 200);
    CHECK(index.headers["content-type"].find("text/html") == 0);
    auto w = http(srv.port(), "GET", "/w/K7QM-3XPA");
    CHECK(w.status == 200);
    CHECK(w.body == index.body);
    CHECK(http(srv.port(), "GET", "/f/K7QM-3XPA").body == index.body);
    auto js = http(srv.port(), "GET", "/app.js");
    CHECK(js.status == 200);
    CHECK(js.headers["content-type"].find("text/javascript") == 0);
    auto css = http(srv.port(), "GET", "/styles.css");
    CHECK(css.headers["content-type"].find("text/css") == 0);

    auto target = GENERATE(as<std::string>{}, "/../CMakeLists.txt", "/..%2fCMakeLists.txt",
                           "/%2e%2e/CMakeLists.txt", "/%2E%2E%2FCMakeLists.txt",
                           "/..\\CMakeLists.txt", "/%5c..%5cCMakeLists.txt",
                           "/store/../../CMakeLists.txt", "/%00", "/index.html%00.js",
                           "/./../../etc/passwd", "/%252e%252e/CMakeLists.txt",
                           "//etc/passwd", "/w/../../CMakeLists.txt");
    INFO(target);
    auto out = raw_http(srv.port(), "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    CHECK(out.find("project(brug") == std::string::npos);
    CHECK(out.find("root:") == std::string::npos);
    CHECK((out.rfind("HTTP/1.1 404", 0) == 0 || out.rfind("HTTP/1.1 400", 0) == 0));
}

TEST_CASE("http: a symlink inside the web root cannot point outside it") {
    // A copy of the web root with a link to the source tree in it.
    char tmpl[] = "/tmp/brug-root-XXXXXX";
    REQUIRE(mkdtemp(tmpl));
    std::string root = tmpl;
    std::filesystem::create_directory_symlink(BRUG_SOURCE_DIR, root + "/escape");
    std::ofstream(root + "/index.html") << "<p>hi</p>";
    server_process srv({"--web-root", root});
    CHECK(http(srv.port(), "GET", "/").body == "<p>hi</p>");
    CHECK(http(srv.port(), "GET", "/escape/CMakeLists.txt").status == 404);
    std::filesystem::remove_all(root);
}

TEST_CASE("http: export answers 404, then 401, then 400, then the report") {
    server_process srv;
    auto ws = create_workshop(srv.port(), {{"title", "Export me"}});
    CHECK(http(srv.port(), "GET", "/api/workshops/AAAA-AAAA/export").status == 404);
    CHECK(http(srv.port(), "GET", "/api/workshops/AAAA-AAAA/export", "",
               {{"Authorization", "Bearer " + ws.key}}).status == 404);
    CHECK(http(srv.port(), "GET", "/api/workshops/" + ws.code + "/export").status == 401);
    CHECK(http(srv.port(), "GET", "/api/workshops/" + ws.code + "/export", "",
               {{"Authorization", "Bearer wrong"}}).status == 401);
    CHECK(http(srv.port(), "GET", "/api/workshops/" + ws.code + "/export?format=pdf", "",
               {{"Authorization", "Bearer " + ws.key}}).status == 400);
    auto md = http(srv.port(), "GET", "/api/workshops/" + ws.code + "/export", "",
                   {{"Authorization", "Bearer " + ws.key}});
    CHECK(md.status == 200);
    CHECK(md.headers["content-type"] == "text/markdown; charset=utf-8");
    CHECK(md.body.find("Export me") != std::string::npos);
    auto csv = http(srv.port(), "GET", "/api/workshops/" + ws.code + "/export?format=csv", "",
                    {{"Authorization", "Bearer " + ws.key}});
    CHECK(csv.headers["content-type"] == "text/csv; charset=utf-8");
    auto js = http(srv.port(), "GET", "/api/workshops/" + ws.code + "/export?format=json", "",
                   {{"Authorization", "Bearer " + ws.key}});
    CHECK(js.headers["content-type"] == "application/json");
    CHECK(js.json_body()["title"] == "Export me");
}

TEST_CASE("http: create from a template copies columns, settings and prompt") {
    server_process srv;
    auto first = create_workshop(srv.port(), {{"title", "One"},
                                              {"columns", {{{"id", "x"}, {"title", "X"}}}},
                                              {"settings", {{"anonymity_threshold", 1}}}});
    auto r = http(srv.port(), "POST", "/api/workshops",
                  json{{"title", "Two"}, {"from", {{"code", first.code}, {"facilitator_key", first.key}}}}.dump());
    REQUIRE(r.status == 201);
    auto second = r.json_body();
    ws_client f(srv.port(), "/ws/" + second["code"].get<std::string>());
    auto w = join_facilitator(f, second["facilitator_key"]);
    CHECK(w["state"]["columns"].size() == 1);
    CHECK(w["state"]["columns"][0]["id"] == "x");
    CHECK(w["state"]["settings"]["anonymity_threshold"] == 1);
    auto bad = http(srv.port(), "POST", "/api/workshops",
                    json{{"title", "Two"}, {"from", {{"code", first.code}, {"facilitator_key", "no"}}}}.dump());
    CHECK(bad.status == 401);
}

TEST_CASE("http: the QR code of a workshop and the built-in prompts") {
    server_process srv;
    auto ws = create_workshop(srv.port());
    auto qr = http(srv.port(), "GET", "/api/workshops/" + ws.code + "/qr.svg");
    CHECK(qr.status == 200);
    CHECK(qr.headers["content-type"] == "image/svg+xml");
    CHECK(qr.body.rfind("<svg", 0) == 0);
    CHECK(http(srv.port(), "GET", "/api/workshops/AAAA-AAAA/qr.svg").status == 404);
    auto nl = http(srv.port(), "GET", "/api/prompts?language=nl");
    CHECK(nl.status == 200);
    CHECK(nl.json_body()["prompts"].size() > 0);
    CHECK(http(srv.port(), "GET", "/api/prompts?language=en").status == 200);
    CHECK(http(srv.port(), "GET", "/api/prompts?language=de").status == 400);
}

TEST_CASE("http: the QR code's scheme comes from X-Forwarded-Proto of a trusted proxy only") {
    // The link in the image is the Host header's, with https only when a
    // proxy named by --trusted-proxy says the client came over TLS: from
    // anyone else the header is ignored, as X-Real-IP is.
    auto qr = [](int port, std::string const& code, bool forwarded_https) {
        std::vector<std::pair<std::string, std::string>> headers = {{"Host", "brug.example"}};
        if (forwarded_https) headers.emplace_back("X-Forwarded-Proto", "https");
        auto r = http(port, "GET", "/api/workshops/" + code + "/qr.svg", {}, headers);
        REQUIRE(r.status == 200);
        return r.body;
    };
    server_process direct;
    auto a = create_workshop(direct.port());
    CHECK(qr(direct.port(), a.code, true) == qr(direct.port(), a.code, false));

    server_process proxied({"--trusted-proxy", "127.0.0.1"});
    auto b = create_workshop(proxied.port());
    CHECK(qr(proxied.port(), b.code, true) != qr(proxied.port(), b.code, false));
}

TEST_CASE("http: a HEAD answer has no body, on every route, so the next answer on the connection is whole") {
    server_process srv;
    auto const target = GENERATE(as<std::string>{}, "/healthz", "/api/prompts?lang=nl", "/api/prompts",
                                 "/", "/api/workshops/ZZZZ-ZZZZ/export", "/api/nothing", "/no-such-file");
    INFO(target);
    // Two requests on one connection: if the HEAD answer carried its body,
    // those bytes would stand where the second status line should be.
    auto const out = raw_http(srv.port(), "HEAD " + target + " HTTP/1.1\r\nHost: x\r\n\r\n"
                                          "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    auto const head_end = out.find("\r\n\r\n");
    REQUIRE(head_end != std::string::npos);
    auto const rest = out.substr(head_end + 4);
    CHECK(rest.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(rest.size() >= 2);
    CHECK(rest.substr(rest.size() - 2) == "ok");
}
