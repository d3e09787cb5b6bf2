// The HTTP API's promises as checks, on a web root made for the purpose.
#include "http_check.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>

namespace brug::fuzz {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr std::string_view secret_text = "BRUG-FUZZ-SECRET: outside the web root";

void write(fs::path const& p, std::string_view text) {
    std::ofstream out(p, std::ios::binary);
    out << text;
}

// A web root in a fresh temporary folder:
//   secret.txt            outside the root: never served
//   root/index.html, root/app.js, root/assets/style.css
//   root/leak.txt  -> ../secret.txt     (a symlink out of the root)
//   root/up        -> ..                (a symlinked folder out of the root)
struct web_root {
    fs::path root;
    std::map<std::string, std::string> files; // path below root -> contents

    web_root() {
        std::string tmpl = (fs::temp_directory_path() / "brug-fuzz-http-XXXXXX").string();
        char* dir = mkdtemp(tmpl.data());
        if (!dir) std::abort();
        fs::path base(dir);
        root = base / "root";
        fs::create_directories(root / "assets");
        write(base / "secret.txt", secret_text);
        files = {{"index.html", "<!doctype html><title>Brug</title><script type=module src=/app.js></script>"},
                 {"app.js", "export const brug = 1;\n"},
                 {"assets/style.css", "body { margin: 0 }\n"}};
        for (auto const& [rel, text] : files) write(root / rel, text);
        fs::create_symlink(base / "secret.txt", root / "leak.txt");
        fs::create_directory_symlink(base, root / "up");
    }
};

web_root const& root() {
    static web_root const r;
    return r;
}

net::http_api const& api() {
    static net::http_api const a(nullptr, [] {
        net::http_api_config c;
        c.web_root = root().root.string();
        c.max_card_chars = 500;
        return c;
    }());
    return a;
}

std::string const& code_for(int status) {
    static std::map<int, std::string> const codes = {
        {400, "bad_request"}, {401, "unauthorized"},   {403, "forbidden"}, {404, "not_found"},
        {405, "method_not_allowed"}, {413, "too_large"}, {429, "rate_limited"}, {500, "internal"}};
    static std::string const none;
    auto it = codes.find(status);
    return it == codes.end() ? none : it->second;
}

std::string check_response(net::http_request const& req, net::http_response const& r) {
    std::string const where = req.method + " " + req.target.substr(0, 200) + ": " + std::to_string(r.status);
    if (r.status != 200 && code_for(r.status).empty()) return where + ": a status outside the contract";

    // The security headers, on every answer.
    for (auto const& [name, value] : net::http_api::security_headers()) {
        bool found = false;
        for (auto const& [n, v] : r.headers) found = found || (n == name && v == value);
        if (!found) return where + ": no " + name + " header";
    }

    if (r.status >= 400) {
        if (r.content_type != "application/json") return where + ": an error that is not JSON";
        json j = json::parse(r.body, nullptr, false);
        if (j.is_discarded() || !j.is_object() || !j.contains("error") || !j["error"].is_object() ||
            !j["error"]["code"].is_string() || !j["error"]["message"].is_string())
            return where + ": error body is not {\"error\": {\"code\", \"message\"}}: " + r.body.substr(0, 200);
        auto const code = j["error"]["code"].get<std::string>();
        if (code != code_for(r.status)) return where + ": error code " + code + " for this status";
        if (r.status == 500 && j["error"]["message"] != "no store")
            return where + ": an internal error (an exception in the handler?): " + r.body.substr(0, 200);
        return {};
    }

    if (r.body.find(secret_text) != std::string::npos) return where + ": served the file outside the web root";
    if (r.head_only != (req.method == "HEAD")) return where + ": head_only does not follow the method";
    if (r.content_type.rfind("text/plain", 0) == 0) return {}; // /healthz, /metrics
    if (r.content_type == "application/json") { // /api/prompts
        if (json::accept(r.body)) return {};
        return where + ": a 200 JSON body that is not JSON";
    }
    for (auto const& [rel, text] : root().files)
        if (r.body == text) return {};
    return where + ": a 200 whose body is no file of the web root: " + r.body.substr(0, 200);
}

} // namespace

std::string check_http_request(net::http_request req) {
    auto const copy = req;
    int calls = 0;
    net::http_response got;
    try {
        api().handle(std::move(req), [&](net::http_response r) {
            ++calls;
            got = std::move(r);
        });
    } catch (std::exception const& e) {
        return "handle threw: " + std::string(e.what());
    }
    if (calls != 1) return copy.method + " " + copy.target.substr(0, 200) + ": done called " + std::to_string(calls) + " times";
    return check_response(copy, got);
}

net::http_request request_from(std::string_view input) {
    net::http_request req;
    auto line = [&]() {
        auto end = input.find('\n');
        auto l = input.substr(0, end);
        input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
        return std::string(l);
    };
    auto first = line();
    auto space = first.find(' ');
    req.method = first.substr(0, space);
    req.target = space == std::string::npos ? "/" : first.substr(space + 1);
    req.authorization = line();
    req.host = line();
    req.body = std::string(input);
    return req;
}

} // namespace brug::fuzz
