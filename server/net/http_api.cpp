// The HTTP side of Brug: creating workshops, health, metrics and the web
// client's files. Every answer, error or not, carries the security headers.
#include "net/http_api.hpp"

#include "live/hub.hpp"
#include "live/metrics.hpp"
#include "model/export.hpp"
#include "model/prompts.hpp"
#include "model/state.hpp"
#include "net/address_limits.hpp"
#include "protocol/utf8.hpp"
#include "store/store.hpp"
#include "util/crypto.hpp"

#include <nlohmann/json.hpp>
#include <qrencode.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <regex>
#include <unordered_map>
#include <variant>
#include <set>
#include <sstream>

namespace brug::net {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

http_response with_headers(http_response r) {
    for (auto& h : http_api::security_headers()) r.headers.push_back(std::move(h));
    return r;
}

std::string content_type_of(fs::path const& p) {
    static const std::pair<char const*, char const*> types[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".map", "application/json"},
        {".webmanifest", "application/manifest+json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},
        {".gif", "image/gif"},
        {".ico", "image/x-icon"},
        {".txt", "text/plain; charset=utf-8"},
        {".md", "text/markdown; charset=utf-8"},
        {".woff2", "font/woff2"},
        {".woff", "font/woff"},
    };
    auto ext = p.extension().string();
    for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (auto const& [e, t] : types)
        if (ext == e) return t;
    return "application/octet-stream";
}

// A validation failure: which field, and what was wrong.
struct invalid {
    std::string field;
    std::string message;
};

// Trimmed text of `v` if it is a string of min..max code points.
std::optional<invalid> text_field(json const& v, std::string const& field, std::size_t min,
                                  std::size_t max, std::string& out) {
    if (!v.is_string()) return invalid{field, field + ": must be a string"};
    auto t = protocol::trim(v.get_ref<std::string const&>());
    auto n = protocol::code_points(t);
    if (n < min || n > max)
        return invalid{field, field + ": must be " + std::to_string(min) + " to " +
                                  std::to_string(max) + " characters"};
    out = std::move(t);
    return std::nullopt;
}

std::optional<invalid> int_field(json const& v, std::string const& field, int min, int max,
                                 int& out) {
    if (!v.is_number_integer())
        return invalid{field, field + ": must be a whole number"};
    auto n = v.get<long long>();
    if (n < min || n > max)
        return invalid{field, field + ": must be from " + std::to_string(min) + " to " +
                                  std::to_string(max)};
    out = static_cast<int>(n);
    return std::nullopt;
}

// Checks a create body (protocol.md 2) and fills `meta`; `from` is set when
// the body asks to start again from a template.
std::optional<invalid> validate_create(json const& body, model::workshop_meta& meta,
                                       std::optional<std::pair<std::string, std::string>>& from) {
    if (!body.is_object()) return invalid{"body", "the body must be a JSON object"};
    static const std::set<std::string> known = {"title", "language", "columns", "settings", "from"};
    for (auto const& [k, v] : body.items())
        if (!known.count(k)) return invalid{k, "unknown field: " + k};

    if (!body.contains("title")) return invalid{"title", "title: required"};
    if (auto e = text_field(body["title"], "title", 1, 120, meta.title)) return e;

    meta.language = "nl";
    if (body.contains("language")) {
        auto const& l = body["language"];
        if (!l.is_string() || (l != "nl" && l != "en"))
            return invalid{"language", "language: must be \"nl\" or \"en\""};
        meta.language = l.get<std::string>();
    }

    meta.columns = {{"behouden", "Behouden"}, {"vernieuwen", "Vernieuwen"}};
    if (body.contains("columns")) {
        auto const& cols = body["columns"];
        if (!cols.is_array() || cols.empty() || cols.size() > 6)
            return invalid{"columns", "columns: must be a list of 1 to 6 columns"};
        static const std::regex id_re("[a-z0-9-]{1,32}");
        std::set<std::string> ids;
        meta.columns.clear();
        for (std::size_t i = 0; i < cols.size(); ++i) {
            auto const& c = cols[i];
            auto at = "columns[" + std::to_string(i) + "]";
            if (!c.is_object()) return invalid{"columns", at + ": must be an object"};
            for (auto const& [k, v] : c.items())
                if (k != "id" && k != "title")
                    return invalid{"columns", at + ": unknown field: " + k};
            if (!c.contains("id") || !c["id"].is_string() ||
                !std::regex_match(c["id"].get_ref<std::string const&>(), id_re))
                return invalid{"columns", at + ".id: must be 1 to 32 of a-z, 0-9 and -"};
            auto id = c["id"].get<std::string>();
            if (!ids.insert(id).second)
                return invalid{"columns", at + ".id: \"" + id + "\" is used twice"};
            if (!c.contains("title")) return invalid{"columns", at + ".title: required"};
            std::string title;
            if (auto e = text_field(c["title"], at + ".title", 1, 40, title)) {
                e->field = "columns";
                return e;
            }
            meta.columns.push_back({id, title});
        }
    }

    if (body.contains("settings")) {
        auto const& s = body["settings"];
        if (!s.is_object()) return invalid{"settings", "settings: must be an object"};
        for (auto const& [k, v] : s.items()) {
            if (k == "votes_per_participant") {
                if (auto e = int_field(v, "settings.votes_per_participant", 1, 20,
                                       meta.settings.votes_per_participant))
                    return e;
            } else if (k == "anonymity_threshold") {
                if (auto e = int_field(v, "settings.anonymity_threshold", 1, 50,
                                       meta.settings.anonymity_threshold))
                    return e;
            } else {
                return invalid{"settings." + k, "unknown field: settings." + k};
            }
        }
    }

    if (body.contains("from")) {
        auto const& f = body["from"];
        if (!f.is_object() || !f.contains("code") || !f["code"].is_string() ||
            !f.contains("facilitator_key") || !f["facilitator_key"].is_string())
            return invalid{"from", "from: must be {\"code\", \"facilitator_key\"}"};
        for (auto const& [k, v] : f.items())
            if (k != "code" && k != "facilitator_key")
                return invalid{"from", "unknown field: from." + k};
        from.emplace(f["code"].get<std::string>(), f["facilitator_key"].get<std::string>());
    }
    return std::nullopt;
}

// The value of `name` in a query string, or "" (no percent-decoding needed
// for the values we accept).
std::string query_param(std::string const& query, std::string const& name) {
    std::size_t pos = 0;
    while (pos <= query.size()) {
        auto amp = query.find('&', pos);
        auto part = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
        auto eq = part.find('=');
        if (part.substr(0, eq) == name) return eq == std::string::npos ? "" : part.substr(eq + 1);
        if (amp == std::string::npos) break;
        pos = amp + 1;
    }
    return {};
}

// Splits a path into its segments ("/api/workshops/X" -> api, workshops, X).
std::vector<std::string> segments(std::string const& path) {
    std::vector<std::string> out;
    std::size_t pos = 1;
    while (pos <= path.size()) {
        auto slash = path.find('/', pos);
        out.push_back(path.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos));
        if (slash == std::string::npos) break;
        pos = slash + 1;
    }
    if (!out.empty() && out.back().empty()) out.pop_back();
    return out;
}

} // namespace

bool percent_decode(std::string const& in, std::string& out) {
    out.clear();
    out.reserve(in.size());
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '%') {
            if (i + 2 >= in.size()) return false;
            int hi = hex(in[i + 1]), lo = hex(in[i + 2]);
            if (hi < 0 || lo < 0) return false;
            c = static_cast<char>(hi * 16 + lo);
            i += 2;
        }
        if (c == '\0') return false;
        out.push_back(c);
    }
    return true;
}

// Token buckets per client address for creating workshops. The addresses
// live only here, in memory, and the table is pruned of full buckets when it
// grows, so that it holds only recent creators.
struct http_api::create_limiter {
    struct bucket {
        double tokens = 0;
        std::chrono::steady_clock::time_point at;
    };
    std::mutex mutex; // guards buckets
    std::unordered_map<std::string, bucket> buckets;
};

bool http_api::allow_create(http_request const& req) const {
    if (req.remote_loopback || req.remote.empty()) return true;
    auto now = std::chrono::steady_clock::now();
    auto rate = cfg_.creates_per_minute / 60.0;
    std::lock_guard lock(limiter_->mutex);
    auto& buckets = limiter_->buckets;
    if (buckets.size() > 10000) {
        for (auto it = buckets.begin(); it != buckets.end();) {
            double t = it->second.tokens +
                       std::chrono::duration<double>(now - it->second.at).count() * rate;
            it = t >= cfg_.create_burst ? buckets.erase(it) : std::next(it);
        }
    }
    auto [it, fresh] = buckets.try_emplace(req.remote, create_limiter::bucket{cfg_.create_burst, now});
    auto& b = it->second;
    b.tokens = std::min(cfg_.create_burst,
                        b.tokens + std::chrono::duration<double>(now - b.at).count() * rate);
    b.at = now;
    if (b.tokens < 1.0) return false;
    b.tokens -= 1.0;
    return true;
}

http_api::http_api(live::hub* hub, http_api_config cfg, std::shared_ptr<address_limits> by_address)
    : hub_(hub), cfg_(std::move(cfg)), by_address_(std::move(by_address)),
      limiter_(std::make_shared<create_limiter>()) {
    std::error_code ec;
    auto root = fs::canonical(cfg_.web_root, ec);
    if (!ec) root_ = root.string();
}

std::vector<std::pair<std::string, std::string>> http_api::security_headers() {
    return {
        {"Content-Security-Policy",
         "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
         "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"},
        {"X-Content-Type-Options", "nosniff"},
        {"Referrer-Policy", "no-referrer"},
        {"X-Frame-Options", "DENY"},
    };
}

http_response http_api::error(int status, std::string const& code, std::string const& message) {
    http_response r;
    r.status = status;
    r.content_type = "application/json";
    r.body = json{{"error", {{"code", code}, {"message", message}}}}.dump();
    return with_headers(std::move(r));
}

// The workshop-scoped paths are /ws/{code}, /w/{code}, /f/{code} and
// /api/workshops/{code}/...; the code decides the shard by its first letter.
std::optional<http_response> http_api::misdirected(std::string const& path) const {
    if (cfg_.shard_prefixes.empty()) return std::nullopt;
    auto seg = segments(path);
    std::string typed;
    if (seg.size() >= 2 && (seg[0] == "ws" || seg[0] == "w" || seg[0] == "f"))
        typed = seg[1];
    else if (seg.size() >= 3 && seg[0] == "api" && seg[1] == "workshops")
        typed = seg[2];
    else
        return std::nullopt;
    return not_held(util::canonical_code(typed));
}

std::optional<http_response> http_api::not_held(std::string const& code) const {
    if (cfg_.shard_prefixes.empty()) return std::nullopt;
    if (code.empty() || cfg_.shard_prefixes.find(code[0]) != std::string::npos) return std::nullopt;
    auto r = error(421, "misdirected",
                   "workshop " + code + " is not held by this server" +
                       (cfg_.shard_name.empty() ? std::string() : " (shard " + cfg_.shard_name + ")") +
                       "; its code routes to the server for '" + code.substr(0, 1) + "'");
    return r;
}

void http_api::handle(http_request req, std::function<void(http_response)> reply) const {
    // Whatever the route, a HEAD request gets the headers GET would send and
    // never the bytes: a body after a HEAD answer would be read as the start
    // of the next response on a kept-alive connection.
    std::function<void(http_response)> done = [head = req.method == "HEAD",
                                                reply = std::move(reply)](http_response r) {
        r.head_only = head;
        reply(std::move(r));
    };
    try {
        auto qpos = req.target.find('?');
        auto raw_path = req.target.substr(0, qpos);
        auto query = qpos == std::string::npos ? std::string() : req.target.substr(qpos + 1);
        if (raw_path.empty() || raw_path[0] != '/')
            return done(error(400, "bad_request", "the target must be a path"));
        std::string path;
        if (!percent_decode(raw_path, path))
            return done(error(400, "bad_request", "malformed path"));
        auto seg = segments(path);
        bool get = req.method == "GET" || req.method == "HEAD";
        if (auto r = misdirected(path)) return done(std::move(*r));

        if (path == "/healthz") {
            if (!get) return done(error(405, "method_not_allowed", "use GET"));
            http_response r;
            r.content_type = "text/plain; charset=utf-8";
            r.body = "ok";
            return done(with_headers(std::move(r)));
        }
        if (path == "/metrics") {
            if (!get) return done(error(405, "method_not_allowed", "use GET"));
            http_response r;
            r.content_type = "text/plain; version=0.0.4; charset=utf-8";
            r.body = live::global_metrics().render();
            return done(with_headers(std::move(r)));
        }
        if (!seg.empty() && seg[0] == "api") {
            if (seg.size() == 2 && seg[1] == "workshops") {
                if (req.method != "POST") {
                    auto r = error(405, "method_not_allowed", "use POST to create a workshop");
                    r.headers.emplace_back("Allow", "POST");
                    return done(std::move(r));
                }
                if (!allow_create(req))
                    return done(error(429, "rate_limited", "too many new workshops; try again later"));
                return create_workshop(req, std::move(done));
            }
            if (seg.size() == 2 && seg[1] == "prompts") {
                if (!get) return done(error(405, "method_not_allowed", "use GET"));
                return done(prompts(query));
            }
            if (seg.size() == 4 && seg[1] == "workshops" && seg[3] == "qr.svg") {
                if (!get) return done(error(405, "method_not_allowed", "use GET"));
                return done(qr_code(seg[2], req));
            }
            if (seg.size() == 4 && seg[1] == "workshops" && seg[3] == "export") {
                if (!get) return done(error(405, "method_not_allowed", "use GET"));
                return done(export_workshop(seg[2], query, req));
            }
            if (seg.size() == 3 && seg[1] == "workshops") {
                if (req.method != "DELETE") {
                    auto r = error(405, "method_not_allowed", "use DELETE to delete a workshop");
                    r.headers.emplace_back("Allow", "DELETE");
                    return done(std::move(r));
                }
                return delete_workshop(seg[2], req, std::move(done));
            }
            return done(error(404, "not_found", "no such API"));
        }
        if (!seg.empty() && seg[0] == "ws")
            return done(error(400, "bad_request", "a WebSocket upgrade is expected here"));
        if (!get) {
            auto r = error(405, "method_not_allowed", "use GET");
            r.headers.emplace_back("Allow", "GET, HEAD");
            return done(std::move(r));
        }
        return done(static_file(req.method, path));
    } catch (std::exception const&) {
        return done(error(500, "internal", "internal error"));
    }
}

// Validates the body, then hands the new workshop to the hub, which commits
// it; the 201 is sent from the commit's callback, so that a client that gets
// the code can connect at once and find the workshop.
void http_api::create_workshop(http_request const& req,
                               std::function<void(http_response)> done) const {
    auto body = json::parse(req.body, nullptr, false);
    if (body.is_discarded())
        return done(error(400, "bad_request", "the body is not valid JSON"));
    model::workshop_meta meta;
    std::optional<std::pair<std::string, std::string>> from;
    if (auto e = validate_create(body, meta, from)) return done(error(400, "bad_request", e->message));
    if (!hub_) return done(error(500, "internal", "no store"));

    if (from) {
        if (auto r = refuse_if_blocked(req.limit_key)) return done(std::move(*r));
        auto code = util::canonical_code(from->first);
        // Another server's workshop: a plain 404 would say it does not exist.
        // The proxy routes a create to the right shard when the code is also
        // in the query (POST /api/workshops?from=CODE, deploy/shard-plan.md).
        if (auto r = not_held(code)) return done(std::move(*r));
        auto source = code.empty() ? std::nullopt : hub_->storage().load(code);
        if (!source) {
            record_failure(req.limit_key);
            return done(error(404, "not_found", "from.code: no such workshop"));
        }
        if (!util::equal_secret(util::sha256_hex(from->second), source->meta.facilitator_key_hash)) {
            record_failure(req.limit_key);
            return done(error(401, "unauthorized", "from.facilitator_key: wrong key"));
        }
        meta.columns = source->meta.columns;
        if (!body.contains("settings")) meta.settings = source->meta.settings;
        if (!body.contains("language")) meta.language = source->meta.language;
        meta.prompt = source->meta.prompt;
    }

    auto key = util::random_token(24); // 192 bits
    meta.facilitator_key_hash = util::sha256_hex(key);
    meta.settings.max_card_chars = cfg_.max_card_chars;
    meta.current_phase = model::phase::lobby;
    meta.seq = 0;
    meta.created_at_ms = meta.touched_at_ms = now_ms();
    hub_->create(std::move(meta), [key, done = std::move(done)](std::string code) {
        if (code.empty()) return done(error(500, "internal", "the workshop could not be saved"));
        live::global_metrics().workshops_created.fetch_add(1, std::memory_order_relaxed);
        http_response r;
        r.status = 201;
        r.body = json{{"code", code},
                      {"facilitator_key", key},
                      {"participant_url", "/w/" + code},
                      {"facilitator_url", "/f/" + code + "#key=" + key}}
                     .dump();
        r.headers.emplace_back("Cache-Control", "no-store");
        done(with_headers(std::move(r)));
    });
}

// Guessing a facilitator key or a code over HTTP costs the same as over a
// WebSocket: each wrong guess is a failed join of the address, and past
// --join-failures in --join-window every keyed request from it is refused,
// even one with the right key (as a hello is closed with 4429).
std::optional<http_response> http_api::refuse_if_blocked(std::string const& limit_key) const {
    if (!by_address_ || !by_address_->joins_blocked(limit_key)) return std::nullopt;
    return error(429, "rate_limited", "too many failed attempts from this address; wait a minute");
}

void http_api::record_failure(std::string const& limit_key) const {
    if (by_address_) by_address_->record_join_failure(limit_key);
}

// The stored workshop named by `typed`, for a request that must carry its
// facilitator key as a bearer token; or the answer that refuses it, in the
// contract's order: no store 500, too many failed attempts 429, unknown code
// 404, missing or wrong key 401 (these two count as failed attempts).
std::variant<model::workshop_state, http_response>
http_api::facilitators_workshop(std::string const& typed, std::string const& authorization,
                                std::string const& limit_key) const {
    if (!hub_) return error(500, "internal", "no store");
    if (auto r = refuse_if_blocked(limit_key)) return std::move(*r);
    auto code = util::canonical_code(typed);
    auto state = code.empty() ? std::nullopt : hub_->storage().load(code);
    if (!state) {
        record_failure(limit_key);
        return error(404, "not_found", "no such workshop");
    }
    std::string const prefix = "Bearer ";
    if (authorization.rfind(prefix, 0) != 0 ||
        !util::equal_secret(util::sha256_hex(authorization.substr(prefix.size())),
                            state->meta.facilitator_key_hash)) {
        record_failure(limit_key);
        auto r = error(401, "unauthorized", "a facilitator key is needed: Authorization: Bearer KEY");
        r.headers.emplace_back("WWW-Authenticate", "Bearer");
        return r;
    }
    return std::move(*state);
}

// Export answers in the contract's order: unknown code 404, then a missing or
// wrong key 401, then an unknown format 400. The export reads the stored
// state, which holds every acknowledged change.
http_response http_api::export_workshop(std::string const& typed, std::string const& query,
                                        http_request const& req) const {
    auto found = facilitators_workshop(typed, req.authorization, req.limit_key);
    if (auto* refused = std::get_if<http_response>(&found)) return std::move(*refused);
    auto const& state = std::get<model::workshop_state>(found);
    auto format = query_param(query, "format");
    if (format.empty()) format = "md";
    if (format != "md" && format != "csv" && format != "json")
        return error(400, "bad_request", "format: must be md, csv or json");
    http_response r;
    if (format == "md") {
        r.content_type = "text/markdown; charset=utf-8";
        r.body = model::export_markdown(state, now_ms());
    } else if (format == "csv") {
        r.content_type = "text/csv; charset=utf-8";
        r.body = model::export_csv(state);
    } else {
        r.content_type = "application/json";
        r.body = model::export_json(state).dump();
    }
    r.headers.emplace_back("Cache-Control", "no-store");
    r.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"brug-" + state.meta.code + "." + format + "\"");
    return with_headers(std::move(r));
}

// Deletes a workshop and all its data at once, in the contract's order:
// unknown code 404, missing or wrong key 401. The 204 is sent once the
// removal has committed; by then its WebSockets are closed with 4404
// "workshop deleted" and its room has left memory.
void http_api::delete_workshop(std::string const& typed, http_request const& req,
                               std::function<void(http_response)> done) const {
    auto workshop = facilitators_workshop(typed, req.authorization, req.limit_key);
    if (auto* refused = std::get_if<http_response>(&workshop)) return done(std::move(*refused));
    auto const code = std::get<model::workshop_state>(workshop).meta.code;
    auto shared_done = std::make_shared<std::function<void(http_response)>>(std::move(done));
    bool found = hub_->remove(code, [shared_done](bool ok) {
        if (!ok) return (*shared_done)(error(500, "internal", "the workshop could not be deleted"));
        http_response r;
        r.status = 204;
        r.content_type.clear();
        (*shared_done)(with_headers(std::move(r)));
    });
    // Deleted (or the server stopping) between the check and now.
    if (!found) (*shared_done)(error(404, "not_found", "no such workshop"));
}

// The built-in open questions for the facilitator to pick from.
http_response http_api::prompts(std::string const& query) const {
    auto language = query_param(query, "language");
    if (language.empty()) language = "nl";
    auto j = model::prompts_json(language);
    if (!j) return error(400, "bad_request", "language: must be nl or en");
    http_response r;
    r.body = j->dump();
    r.headers.emplace_back("Cache-Control", "max-age=3600");
    return with_headers(std::move(r));
}

// The participant link of a workshop as a QR code (SVG), to show on the
// beamer. The link is absolute, built from the Host header (and the proxy's
// X-Forwarded-Proto), because a phone scanning it knows nothing else.
http_response http_api::qr_code(std::string const& typed, http_request const& req) const {
    if (!hub_) return error(500, "internal", "no store");
    auto code = util::canonical_code(typed);
    if (code.empty() || !hub_->storage().exists(code))
        return error(404, "not_found", "no such workshop");
    if (req.host.empty() || req.host.find_first_of(" \"<>/") != std::string::npos)
        return error(400, "bad_request", "a Host header is needed for the link");
    auto scheme = req.forwarded_proto == "https" ? "https" : "http";
    auto url = std::string(scheme) + "://" + req.host + "/w/" + code;
    QRcode* qr = QRcode_encodeString(url.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!qr) return error(500, "internal", "could not make the QR code");
    int const w = qr->width;
    int const quiet = 4; // the white border scanners need
    std::string path;
    path.reserve(static_cast<std::size_t>(w * w) * 6);
    for (int y = 0; y < w; ++y)
        for (int x = 0; x < w; ++x)
            if (qr->data[y * w + x] & 1)
                path += "M" + std::to_string(x + quiet) + " " + std::to_string(y + quiet) + "h1v1h-1z";
    QRcode_free(qr);
    auto size = std::to_string(w + 2 * quiet);
    http_response r;
    r.content_type = "image/svg+xml";
    r.body = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + size + " " + size +
             "\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" "
             "fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>";
    r.headers.emplace_back("Cache-Control", "max-age=3600");
    return with_headers(std::move(r));
}

// Serves a file from the web root. The decoded path is checked for the usual
// tricks (backslashes, dot segments), then resolved with weakly_canonical, which
// also resolves symlinks, and must still lie inside the canonical root.
http_response http_api::static_file(std::string const& method, std::string const& path) const {
    if (root_.empty()) return error(404, "not_found", "no web client here");
    std::string rel;
    auto seg = segments(path);
    if (path == "/" || path == "/index.html") {
        rel = "index.html";
    } else if (seg.size() == 2 && (seg[0] == "w" || seg[0] == "f")) {
        rel = "index.html"; // the client routes on location.pathname
    } else {
        if (path.find('\\') != std::string::npos)
            return error(404, "not_found", "no such file");
        for (auto const& s : seg)
            if (s == ".." || s == "." || s.empty()) return error(404, "not_found", "no such file");
        rel = path.substr(1);
    }
    std::error_code ec;
    auto full = fs::weakly_canonical(fs::path(root_) / rel, ec);
    if (ec) return error(404, "not_found", "no such file");
    auto full_s = full.string();
    if (full_s.size() <= root_.size() || full_s.compare(0, root_.size(), root_) != 0 ||
        full_s[root_.size()] != '/')
        return error(404, "not_found", "no such file");
    if (!fs::is_regular_file(full, ec)) return error(404, "not_found", "no such file");
    std::ifstream in(full, std::ios::binary);
    if (!in) return error(404, "not_found", "no such file");
    std::ostringstream buf;
    buf << in.rdbuf();
    http_response r;
    r.content_type = content_type_of(full);
    r.body = buf.str();
    r.head_only = method == "HEAD";
    r.headers.emplace_back("Cache-Control", "no-cache");
    return with_headers(std::move(r));
}

} // namespace brug::net
