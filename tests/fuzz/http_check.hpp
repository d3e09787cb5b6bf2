// What net::http_api promises for any request, checked on one request.
// Shared by fuzz_http (raw bytes through Beast's parser) and fuzz_http_api
// (a request struct straight from the input).
//
// The API runs without a hub (as the header allows for tests and fuzzing) on
// a web root of its own in a temporary folder, next to a file outside the
// root that must never be served, and symlinks inside the root that point at it.
#pragma once

#include "net/http_api.hpp"

#include <string>
#include <string_view>

namespace brug::fuzz {

// Answers `req` and checks that:
// - `done` is called exactly once, and nothing throws;
// - the status is one of the contract's (2), and a 500 is only "no store"
//   (an escaped exception answers "internal error", which counts as a finding);
// - every response carries the security headers;
// - every error is JSON {"error": {"code", "message"}} with the code of its status;
// - a 200 is /healthz, /metrics, JSON (/api/prompts) or the bytes of a file inside the web root,
//   and never the file outside it; HEAD answers head_only.
// Returns "" when all of that holds, or what broke.
std::string check_http_request(net::http_request req);

// The request as `METHOD TARGET\nauthorization\nhost\nbody`, for the fuzzer's input.
net::http_request request_from(std::string_view input);

} // namespace brug::fuzz
