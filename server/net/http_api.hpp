// The HTTP API and static files (protocol.md section 2) as a plain function
// of a request to a response: no sockets and no Beast here, so that it can be
// unit-tested and fuzzed without a network.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <variant>
#include <string>
#include <utility>
#include <vector>

#include "model/state.hpp"

namespace brug::live { class hub; }

namespace brug::net {

class address_limits;

// The parts of an HTTP request the API looks at.
struct http_request {
    std::string method;        // "GET", "POST", ...
    std::string target;        // as sent: path and query, percent-encoded
    std::string authorization; // the Authorization header, or ""
    std::string host;          // the Host header, or "" (for absolute links in QR codes)
    std::string forwarded_proto; // "https" over our TLS, else X-Forwarded-Proto from a trusted
                                 // proxy, or ""
    std::string remote;        // client address, for abuse limits only: never logged or stored
    bool remote_loopback = true; // loopback is not limited (tests, load generators)
    std::string limit_key;     // the client's key in address_limits ("" when exempt)
    std::string body;
};

struct http_response {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers; // extra headers, security included
    bool head_only = false; // a HEAD request: send the headers of `body`, not its bytes
};

struct http_api_config {
    static constexpr double default_creates_per_minute = 10;
    static constexpr double default_create_burst = 20;

    std::string web_root = "client-web";
    int max_card_chars = 500;
    double creates_per_minute = default_creates_per_minute; // per client address, not loopback
    double create_burst = default_create_burst;
    std::string shard_prefixes; // first letters of the codes held here; "" = every code
    std::string shard_name;     // named in the 421 answer
};

class http_api {
public:
    // `hub` may be null (tests, fuzzing): then the API answers 500 where it
    // needs the store. `by_address` (may be null: no limits) counts a wrong
    // facilitator key or an unknown code on the keyed paths (export, delete,
    // create from a template) as a failed join of the request's limit_key,
    // and refuses those paths with 429 past the limit, as it does hellos.
    http_api(live::hub* hub, http_api_config cfg,
             std::shared_ptr<address_limits> by_address = nullptr);

    // Answers `req` by calling `done` exactly once: at once for most requests,
    // from the store's writer thread for a create (the 201 goes out only once
    // the new workshop is committed). Never throws.
    void handle(http_request req, std::function<void(http_response)> done) const;

    // For a server holding some shards only: a 421 `misdirected` answer when
    // `path` (decoded) names a workshop whose code is not held here, so a
    // proxy's routing mistake is loud (the WebSocket upgrade asks it too).
    // nullopt when the path is not workshop-scoped, or the code is held here,
    // or not a well-formed code (that is answered as usual, 404).
    std::optional<http_response> misdirected(std::string const& path) const;
    // The same for a canonical code ("" is held: it names no workshop).
    std::optional<http_response> not_held(std::string const& code) const;

    // The headers every response carries (CSP, nosniff, no-referrer, DENY).
    static std::vector<std::pair<std::string, std::string>> security_headers();

    // A JSON error response: {"error": {"code", "message"}}.
    static http_response error(int status, std::string const& code, std::string const& message);

private:
    void create_workshop(http_request const& req, std::function<void(http_response)> done) const;
    std::variant<model::workshop_state, http_response>
    facilitators_workshop(std::string const& code, std::string const& authorization,
                          std::string const& limit_key) const;
    http_response export_workshop(std::string const& code, std::string const& query,
                                  http_request const& req) const;
    void delete_workshop(std::string const& code, http_request const& req,
                         std::function<void(http_response)> done) const;
    // The 429 for an address past its failed joins, or nullopt.
    std::optional<http_response> refuse_if_blocked(std::string const& limit_key) const;
    void record_failure(std::string const& limit_key) const;
    http_response static_file(std::string const& method, std::string const& path) const;
    http_response qr_code(std::string const& code, http_request const& req) const;
    http_response prompts(std::string const& query) const;

    // Whether `req`'s address may create another workshop now (429 if not).
    bool allow_create(http_request const& req) const;

    struct create_limiter; // per-address token buckets; has its own mutex

    live::hub* hub_;
    http_api_config cfg_;
    std::shared_ptr<address_limits> by_address_; // thread-safe; may be null
    std::shared_ptr<create_limiter> limiter_;
    std::string root_; // canonical web root, without trailing slash; "" if it does not exist
};

// Percent-decodes a URL path; false on a malformed escape or a NUL byte.
bool percent_decode(std::string const& in, std::string& out);

} // namespace brug::net
