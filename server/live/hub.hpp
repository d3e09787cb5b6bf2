// The registry of live workshops (rooms) by canonical code, and of open
// connections for shutdown.
//
// Workshops load lazily on first use: a database with a thousand workshops
// starts at once, and an empty room leaves memory after a while (it is all in
// the store). Safe from any thread.
#pragma once

#include "live/connection.hpp"
#include "live/room.hpp"
#include "model/state.hpp"

#include <boost/asio/io_context.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace brug::store { class store; }

namespace brug::live {

class hub {
public:
    // `code_prefixes`: when not empty, new codes start with one of these
    // letters, so that a proxy can route by the first letter (sharding).
    hub(boost::asio::io_context& ioc, store::store& st, room_config cfg,
        std::string code_prefixes = {});

    // The room of the workshop with this code (any case, with or without the
    // dash), loading it from the store if it is not in memory; nullptr for an
    // unknown or malformed code. The caller must call room::leave once when
    // done with it (it counts as attached until then).
    std::shared_ptr<room> find(std::string const& typed_code);

    // Stores a new workshop (`meta` without a code: a fresh one is drawn) and
    // calls `done(code)` once it is committed, or `done("")` when the commit
    // failed. `done` runs on the store's writer thread.
    void create(model::workshop_meta meta, std::function<void(std::string code)> done);

    // Deletes the workshop with this code and all its data (through its room,
    // loaded if need be, so that the removal is ordered after its changes).
    // Returns false for an unknown code (nothing happens); otherwise calls
    // `done(ok)` once the removal has committed or failed, from a room strand.
    bool remove(std::string const& typed_code, std::function<void(bool ok)> done);

    // Called by a room on its strand when it has been empty for a while, or
    // after a failed commit (`force`). Removes it unless a connection was
    // handed it meanwhile. Returns whether it was removed.
    bool retire(room& r, bool force);

    // Connections register so that shutdown can close them all, joined or not.
    // `track` returns false during shutdown (the caller closes with 1001).
    bool track(std::shared_ptr<connection> const& c);
    void untrack(connection* c);

    // Closes every connection with 1001 and stops the rooms' timers.
    void shutdown();
    bool shutting_down() const;

    // Drops every room from the registry. Called after the I/O threads have
    // stopped and before the io_context goes: rooms own timers of it.
    void clear();

    // Whether the workshop is loaded (retention leaves loaded ones alone).
    bool in_memory(std::string const& code) const;

    store::store& storage() { return store_; }
    std::size_t rooms_in_memory() const;

private:
    boost::asio::io_context& ioc_;
    store::store& store_;
    room_config const cfg_;
    std::string const code_prefixes_;

    // mutex_ guards rooms_, connections_ and shutting_down_. Never held while
    // calling into a room or a connection (they may call back into the hub).
    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::shared_ptr<room>> rooms_;
    std::unordered_map<connection*, std::weak_ptr<connection>> connections_;
    bool shutting_down_ = false;
};

} // namespace brug::live
