// One live workshop: its model, its connected members, its timer.
//
// Threading: everything in a room runs on its strand; the public functions
// only post to it, so they are safe from any thread. The model is touched on
// the strand only.
//
// Order and durability (protocol.md 3.1, 3.8): every outcome, even one without
// changes, goes through store::submit, and its answer and events are sent only
// from the store's done callback (posted back to the strand). The store
// completes change sets in the order they were queued, so answers and events
// keep their order per workshop, and nothing is sent before it is on disk.
#pragma once

#include "live/connection.hpp"
#include "model/workshop.hpp"
#include "protocol/commands.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace brug::store { class store; }

namespace brug::live {

class hub;

struct room_config {
    int max_connections = 2000;   // per workshop; more is closed with 4429
    int max_cards = 2000;         // per workshop
    int idle_seconds = 60;        // an empty room stays in memory this long
};

class room : public std::enable_shared_from_this<room> {
public:
    room(boost::asio::io_context& ioc, store::store& st, hub& h, model::workshop_state state,
         room_config cfg);
    ~room();

    // The canonical code. Immutable.
    std::string const& code() const { return code_; }

    // Arms the workshop timer from the loaded state. Call once after construction.
    void start();

    // A `hello` from `c`: joins it, or closes it with the model's close code
    // (4401), or 4429 when the workshop is full. The welcome is sent once the
    // join's changes are committed, and from then on `c` receives events.
    void join(std::shared_ptr<connection> c, protocol::hello hello);

    // A decoded command from a joined (or joining) connection.
    void command(std::shared_ptr<connection> c, protocol::envelope env);

    // `c` is gone. Updates presence; an empty room may later leave memory.
    // Each connection that was handed this room by hub::find calls it once.
    void leave(std::shared_ptr<connection> c);

    // Stops the room's timers (server shutdown).
    void stop();

    // Lets go of every member's connection, which in turn holds this room:
    // at exit, sessions whose leave never ran would otherwise keep the pair
    // alive. REQUIRES: no thread runs the io_context any more.
    void drop_members() {
        receivers_.clear();
        members_.clear();
    }

    // Deletes the workshop and all its data (DELETE /api/workshops/{code}).
    // The caller got this room from hub::find; this call stands for its
    // room::leave. `done(ok)` runs on the strand once the removal committed
    // (or failed); by then every member is closed with 4404 "workshop
    // deleted" and the room has left the hub.
    void remove(std::function<void(bool ok)> done);

    // Connections handed this room by hub::find and not yet left.
    // Incremented under the hub's mutex; decremented on the strand.
    std::atomic<int> attached_{0};

private:
    struct member {
        std::shared_ptr<connection> conn;
        model::actor who;
        bool active = false; // welcome sent: receives events
        std::size_t slot = 0; // when active: its place in receivers_
    };

    // An active member as fan_out needs it. The receivers lie side by side
    // in one vector: a walk over a thousand of them per event does not chase
    // a thousand map nodes. `conn` is owned by the member.
    struct receiver {
        connection* conn;
        model::participant_id participant;
        bool facilitator;
    };
    void add_receiver(member& m);
    void remove_receiver(member const& m);

    void do_join(std::shared_ptr<connection> c, protocol::hello hello);
    void do_command(std::shared_ptr<connection> c, protocol::envelope env);
    void do_leave(std::shared_ptr<connection> c);
    void do_remove(std::function<void(bool ok)> done);
    void on_joined(std::shared_ptr<connection> c, std::string welcome);

    // Commits `oc.changes`, then sends its answer to `sender` (may be null) and
    // its events to their audiences, on the strand.
    void finish(std::shared_ptr<connection> sender, std::optional<std::int64_t> req,
                model::outcome oc);
    void on_committed(bool ok, std::shared_ptr<connection> sender,
                      std::optional<std::int64_t> req, std::shared_ptr<model::outcome> oc);
    static bool addressed(receiver const& r, model::outgoing const& ev);
    void fan_out(model::outgoing const& ev, frame_kind kind, send_mode mode,
                 connection const* skip = nullptr);

    void arm_timer();
    void on_timer(boost::system::error_code ec);
    void arm_idle();
    void on_idle(boost::system::error_code ec);
    void send_presence_if_changed();
    void fail(char const* why);
    void settle(); // a failed room leaves the hub once nothing is in flight
    int participants_online() const;

    boost::asio::strand<boost::asio::io_context::executor_type> strand_;
    store::store& store_;
    hub& hub_;
    room_config const cfg_;
    std::string const code_;

    // Guarded by strand_: the model, the members, the counts, the timers.
    std::unique_ptr<model::workshop> model_;
    std::unordered_map<connection*, member> members_;
    std::vector<receiver> receivers_;                        // the active members, in no order
    std::map<model::participant_id, int> participant_links_; // active connections per participant
    int facilitator_links_ = 0;                              // active facilitator connections
    int sent_participants_ = -1, sent_facilitators_ = -1;    // last presence sent
    int inflight_ = 0;                                       // submitted, done not yet handled
    // Outcomes committed whose handler is posted to the strand and has not
    // run yet: when more wait behind the one being sent, its frames are left
    // to the connections' own threads, so that they join those of the next
    // outcomes in one write each (send_mode::batched). Incremented on the
    // store's thread.
    std::atomic<int> committed_waiting_{0};
    bool failed_ = false;                                    // a commit failed: no more commands
    bool removed_ = false;                                   // deleted: no more joins or commands
    boost::asio::steady_timer timer_;                        // the workshop's timer
    boost::asio::steady_timer idle_timer_;                   // drop from memory when empty
};

} // namespace brug::live
