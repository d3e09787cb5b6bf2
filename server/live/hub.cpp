#include "live/hub.hpp"

#include "app/log.hpp"
#include "store/store.hpp"
#include "util/crypto.hpp"

#include <vector>

namespace brug::live {

hub::hub(boost::asio::io_context& ioc, store::store& st, room_config cfg,
         std::string code_prefixes)
    : ioc_(ioc), store_(st), cfg_(cfg), code_prefixes_(std::move(code_prefixes)) {}

// Loads outside the lock, so that one slow load does not hold up lookups of
// other workshops; if two threads load the same workshop at once, the first
// to insert wins and the other copy is dropped before anyone sees it.
std::shared_ptr<room> hub::find(std::string const& typed_code) {
    auto code = util::canonical_code(typed_code);
    if (code.empty()) return nullptr;
    {
        std::lock_guard lock(mutex_);
        if (shutting_down_) return nullptr;
        if (auto it = rooms_.find(code); it != rooms_.end()) {
            it->second->attached_.fetch_add(1, std::memory_order_relaxed);
            return it->second;
        }
    }
    auto state = store_.load(code);
    if (!state) return nullptr;
    auto fresh = std::make_shared<room>(ioc_, store_, *this, std::move(*state), cfg_);
    std::shared_ptr<room> result;
    bool inserted = false;
    {
        std::lock_guard lock(mutex_);
        if (shutting_down_) return nullptr;
        auto [it, ok] = rooms_.emplace(code, fresh);
        inserted = ok;
        result = it->second;
        result->attached_.fetch_add(1, std::memory_order_relaxed);
    }
    if (inserted) {
        result->start();
        app::log("workshop " + code + ": loaded");
    }
    return result;
}

void hub::create(model::workshop_meta meta, std::function<void(std::string code)> done) {
    // 31^8 codes: a clash is rare, but the code must be new, in memory and on disk.
    std::string code;
    for (int attempt = 0; attempt < 16; ++attempt) {
        auto candidate = util::random_workshop_code(code_prefixes_);
        bool in_memory = false;
        {
            std::lock_guard lock(mutex_);
            in_memory = rooms_.count(candidate) > 0;
        }
        if (!in_memory && !store_.exists(candidate)) {
            code = candidate;
            break;
        }
    }
    if (code.empty()) return done("");
    meta.code = code;
    model::change_set cs{code, {model::meta_put{std::move(meta)}}};
    store_.submit(std::move(cs), [code, done = std::move(done)](bool ok) {
        if (ok) app::log("workshop " + code + ": created");
        else app::log("workshop " + code + ": create failed to commit");
        done(ok ? code : std::string());
    });
}

bool hub::remove(std::string const& typed_code, std::function<void(bool ok)> done) {
    auto r = find(typed_code);
    if (!r) return false;
    r->remove(std::move(done));
    return true;
}

bool hub::retire(room& r, bool force) {
    std::lock_guard lock(mutex_);
    auto it = rooms_.find(r.code());
    if (it == rooms_.end() || it->second.get() != &r) return true;
    if (!force && r.attached_.load(std::memory_order_relaxed) > 0) return false;
    rooms_.erase(it);
    return true;
}

bool hub::track(std::shared_ptr<connection> const& c) {
    std::lock_guard lock(mutex_);
    if (shutting_down_) return false;
    connections_.emplace(c.get(), c);
    return true;
}

void hub::untrack(connection* c) {
    std::lock_guard lock(mutex_);
    connections_.erase(c);
}

void hub::shutdown() {
    std::vector<std::shared_ptr<connection>> open;
    std::vector<std::shared_ptr<room>> rooms;
    {
        std::lock_guard lock(mutex_);
        shutting_down_ = true;
        for (auto& [ptr, weak] : connections_)
            if (auto c = weak.lock()) open.push_back(std::move(c));
        for (auto& [code, r] : rooms_) rooms.push_back(r);
    }
    for (auto& r : rooms) r->stop();
    for (auto& c : open) c->close(1001, "server shutting down");
}

void hub::clear() {
    std::unordered_map<std::string, std::shared_ptr<room>> rooms;
    {
        std::lock_guard lock(mutex_);
        rooms.swap(rooms_);
    }
    for (auto& [code, r] : rooms) r->drop_members();
    // Destroyed here, outside the lock: a room's destructor may run code that
    // takes it (through a member connection leaving).
}

bool hub::shutting_down() const {
    std::lock_guard lock(mutex_);
    return shutting_down_;
}

bool hub::in_memory(std::string const& code) const {
    std::lock_guard lock(mutex_);
    return rooms_.count(code) > 0;
}

std::size_t hub::rooms_in_memory() const {
    std::lock_guard lock(mutex_);
    return rooms_.size();
}

} // namespace brug::live
