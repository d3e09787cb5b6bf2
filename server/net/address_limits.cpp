#include "net/address_limits.hpp"

namespace brug::net {

std::string address_limits::key_of(boost::asio::ip::address const& a) const {
    auto addr = a;
    if (addr.is_v6() && addr.to_v6().is_v4_mapped())
        addr = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, addr.to_v6());
    if (addr.is_loopback() && !cfg_.limit_loopback) return {};
    return addr.to_string();
}

void address_limits::expire(entry& e, clock::time_point now) const {
    while (!e.failures.empty() && e.failures.front() <= now - cfg_.window) e.failures.pop_front();
}

void address_limits::erase_if_idle(std::string const& key, clock::time_point now) {
    auto it = entries_.find(key);
    if (it == entries_.end()) return;
    expire(it->second, now);
    if (it->second.connections <= 0 && it->second.failures.empty()) entries_.erase(it);
}

// When the table is full, sweeps out idle entries (at most once a second, so
// that a flood of new addresses does not make every call a full sweep).
address_limits::entry* address_limits::slot(std::string const& key, clock::time_point now) {
    if (auto it = entries_.find(key); it != entries_.end()) return &it->second;
    if (entries_.size() >= cfg_.max_entries && now - last_sweep_ >= std::chrono::seconds(1)) {
        last_sweep_ = now;
        for (auto it = entries_.begin(); it != entries_.end();) {
            expire(it->second, now);
            it = it->second.connections <= 0 && it->second.failures.empty() ? entries_.erase(it)
                                                                            : std::next(it);
        }
    }
    if (entries_.size() >= cfg_.max_entries) return nullptr;
    return &entries_[key];
}

address_limits::admit address_limits::acquire_connection(std::string const& key) {
    if (key.empty()) return admit::untracked;
    auto now = clock::now();
    std::lock_guard lock(mutex_);
    auto* e = slot(key, now);
    if (!e) return admit::untracked;
    if (e->connections >= cfg_.max_connections) {
        erase_if_idle(key, now);
        return admit::refused;
    }
    ++e->connections;
    return admit::tracked;
}

void address_limits::release_connection(std::string const& key) {
    if (key.empty()) return;
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return;
    if (it->second.connections > 0) --it->second.connections;
    erase_if_idle(key, clock::now());
}

void address_limits::record_join_failure(std::string const& key) {
    if (key.empty()) return;
    auto now = clock::now();
    std::lock_guard lock(mutex_);
    auto* e = slot(key, now);
    if (!e) return;
    expire(*e, now);
    e->failures.push_back(now);
    while (static_cast<int>(e->failures.size()) > cfg_.join_failures) e->failures.pop_front();
}

bool address_limits::joins_blocked(std::string const& key) {
    if (key.empty()) return false;
    auto now = clock::now();
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return false;
    expire(it->second, now);
    bool blocked = static_cast<int>(it->second.failures.size()) >= cfg_.join_failures;
    if (!blocked) erase_if_idle(key, now);
    return blocked;
}

std::size_t address_limits::tracked() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

} // namespace brug::net
