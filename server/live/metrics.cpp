#include "live/metrics.hpp"

namespace brug::live {

void histogram::observe(std::uint64_t us) {
    std::size_t i = 0;
    while (i < bounds_us.size() && us > bounds_us[i]) ++i;
    counts_[i].fetch_add(1, std::memory_order_relaxed);
    sum_us_.fetch_add(us, std::memory_order_relaxed);
}

void histogram::write(std::string& out, char const* name, char const* help) const {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " histogram\n";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i <= bounds_us.size(); ++i) {
        cumulative += counts_[i].load(std::memory_order_relaxed);
        std::string le = i < bounds_us.size() ? std::to_string(bounds_us[i] / 1e6) : "+Inf";
        out += std::string(name) + "_bucket{le=\"" + le + "\"} " + std::to_string(cumulative) + "\n";
    }
    out += std::string(name) + "_sum " +
           std::to_string(sum_us_.load(std::memory_order_relaxed) / 1e6) + "\n";
    out += std::string(name) + "_count " + std::to_string(cumulative) + "\n";
}

void metrics::count_error(protocol::error_code code) {
    auto i = static_cast<std::size_t>(code);
    if (i < errors.size()) errors[i].fetch_add(1, std::memory_order_relaxed);
}

namespace {

template <class T>
void line(std::string& out, char const* name, char const* type, char const* help, T const& v) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
    out += std::string(name) + " " + std::to_string(v.load(std::memory_order_relaxed)) + "\n";
}

// The wire names of error codes, in enum order; kept here so that /metrics
// does not depend on the codec's implementation.
constexpr char const* error_names[] = {
    "bad_json",  "bad_message", "unknown_type",        "already_joined", "forbidden",
    "not_found", "wrong_phase", "too_long",            "rate_limited",   "vote_limit",
    "anonymity_threshold", "limit_reached", "closed", "internal"};

} // namespace

std::string metrics::render() const {
    std::string out;
    out.reserve(4096);
    out += "# HELP brug_connections Open WebSocket connections that joined, by role.\n"
           "# TYPE brug_connections gauge\n";
    out += "brug_connections{role=\"participant\"} " +
           std::to_string(participant_connections.load(std::memory_order_relaxed)) + "\n";
    out += "brug_connections{role=\"facilitator\"} " +
           std::to_string(facilitator_connections.load(std::memory_order_relaxed)) + "\n";
    line(out, "brug_websockets_open", "gauge", "Open WebSocket connections.", websocket_connections);
    line(out, "brug_workshops_in_memory", "gauge", "Workshops loaded in memory.", workshops_in_memory);
    line(out, "brug_workshops_created_total", "counter", "Workshops created.", workshops_created);
    line(out, "brug_frames_in_total", "counter", "WebSocket frames received.", frames_in);
    line(out, "brug_frames_out_total", "counter", "WebSocket frames sent.", frames_out);
    line(out, "brug_messages_out_total", "counter", "Messages sent (a frame may batch several).",
         messages_out);
    line(out, "brug_http_requests_total", "counter", "HTTP requests.", http_requests);
    line(out, "brug_slow_consumers_total", "counter", "Connections dropped as slow consumers.",
         slow_consumers);
    line(out, "brug_frames_superseded_total", "counter",
         "Queued count and presence messages replaced by a newer one before they were sent.",
         frames_superseded);
    line(out, "brug_commit_failures_total", "counter", "Failed store commits.", commit_failures);
    out += "# HELP brug_errors_total Error answers sent, by code.\n# TYPE brug_errors_total counter\n";
    for (std::size_t i = 0; i < errors.size(); ++i)
        out += std::string("brug_errors_total{code=\"") + error_names[i] + "\"} " +
               std::to_string(errors[i].load(std::memory_order_relaxed)) + "\n";
    commit_latency.write(out, "brug_commit_seconds", "Time from submit to commit.");
    fanout_latency.write(out, "brug_fanout_seconds", "Time to deliver an outcome to every connection.");
    return out;
}

metrics& global_metrics() {
    static metrics m;
    return m;
}

} // namespace brug::live
