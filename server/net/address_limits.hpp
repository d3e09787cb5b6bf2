// Limits per source address against brute force and abuse (issue 5,
// protocol.md 3.9): failed joins (unknown code 4404, wrong facilitator key
// 4401) in a sliding window, and open WebSockets per address.
//
// Addresses live only in this table, in memory: never in the database and
// never in a log line. The table is bounded: entries with nothing open and no
// failure in the window are dropped, and when it is full of live entries a
// new address is let through untracked (failing open beats failing everyone).
#pragma once

#include <boost/asio/ip/address.hpp>

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace brug::net {

class address_limits {
public:
    struct config {
        int join_failures = 20;                  // failed joins per window, then 4429
        std::chrono::seconds window{60};         // the sliding window of failures
        int max_connections = 200;               // open WebSockets per address
        bool limit_loopback = false;             // loopback is exempt unless set
        std::size_t max_entries = 100000;        // addresses tracked at most
    };

    explicit address_limits(config cfg) : cfg_(cfg) {}

    // The table's key for `a`, or "" when `a` is exempt (loopback, unless
    // limit_loopback): an empty key passes every check below.
    std::string key_of(boost::asio::ip::address const& a) const;

    enum class admit { tracked, untracked, refused };
    // Takes a connection slot for `key`: refused past max_connections; a
    // tracked slot must be given back with release_connection.
    admit acquire_connection(std::string const& key);
    void release_connection(std::string const& key);

    // A join from `key` failed (4404 unknown workshop or 4401 wrong key).
    void record_join_failure(std::string const& key);

    // Whether `key` has had join_failures failed joins within the window.
    bool joins_blocked(std::string const& key);

    std::size_t tracked() const; // for tests and metrics

private:
    using clock = std::chrono::steady_clock;
    struct entry {
        int connections = 0;
        std::deque<clock::time_point> failures; // the last join_failures at most, oldest first
    };

    // Finds or makes the entry of `key`; nullptr when the table is full of
    // live entries. REQUIRES: mutex_ held.
    entry* slot(std::string const& key, clock::time_point now);
    void expire(entry& e, clock::time_point now) const; // REQUIRES: mutex_ held
    void erase_if_idle(std::string const& key, clock::time_point now); // REQUIRES: mutex_ held

    config const cfg_;
    mutable std::mutex mutex_; // guards entries_ and last_sweep_
    std::unordered_map<std::string, entry> entries_;
    clock::time_point last_sweep_{};
};

} // namespace brug::net
