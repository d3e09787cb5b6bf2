// A room is a thin shell around model::workshop: it serialises commands on a
// strand, commits their changes, and fans out the answers and events only
// once the store says they are durable.
#include "live/room.hpp"

#include "app/log.hpp"
#include "live/hub.hpp"
#include "live/metrics.hpp"
#include "store/store.hpp"

#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include <chrono>

namespace brug::live {

namespace asio = boost::asio;

namespace {

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::uint64_t micros_since(std::chrono::steady_clock::time_point t) {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                          std::chrono::steady_clock::now() - t)
                                          .count());
}

std::shared_ptr<std::string const> frame_of(std::string s) {
    return std::make_shared<std::string const>(std::move(s));
}

// Counts an error answer in /metrics. The model's JSON is parsed only when it
// looks like an error, which is rare.
void count_if_error(std::string const& answer) {
    if (answer.find("\"error\"") == std::string::npos) return;
    auto j = nlohmann::json::parse(answer, nullptr, false);
    if (!j.is_object() || j.value("type", "") != "error") return;
    static constexpr std::pair<char const*, protocol::error_code> names[] = {
        {"bad_json", protocol::error_code::bad_json},
        {"bad_message", protocol::error_code::bad_message},
        {"unknown_type", protocol::error_code::unknown_type},
        {"already_joined", protocol::error_code::already_joined},
        {"forbidden", protocol::error_code::forbidden},
        {"not_found", protocol::error_code::not_found},
        {"wrong_phase", protocol::error_code::wrong_phase},
        {"too_long", protocol::error_code::too_long},
        {"rate_limited", protocol::error_code::rate_limited},
        {"vote_limit", protocol::error_code::vote_limit},
        {"anonymity_threshold", protocol::error_code::anonymity_threshold},
        {"limit_reached", protocol::error_code::limit_reached},
        {"closed", protocol::error_code::closed},
        {"internal", protocol::error_code::internal}};
    auto code = j.value("code", "");
    for (auto const& [name, value] : names)
        if (code == name) global_metrics().count_error(value);
}

// How a connection's queue treats an event: one that states only the latest
// value of something supersedes an older one of its kind (connection.hpp).
frame_kind kind_of(model::outgoing const& ev) {
    switch (ev.latest) {
    case model::latest_of::hidden_count: return frame_kind::hidden_count;
    case model::latest_of::nothing: break;
    }
    return frame_kind::must_arrive;
}

} // namespace

room::room(asio::io_context& ioc, store::store& st, hub& h, model::workshop_state state,
           room_config cfg)
    : strand_(asio::make_strand(ioc)), store_(st), hub_(h), cfg_(cfg), code_(state.meta.code),
      model_(std::make_unique<model::workshop>(
          std::move(state), st.secret(),
          model::limits{static_cast<std::size_t>(cfg.max_cards)})), timer_(strand_),
      idle_timer_(strand_) {
    global_metrics().workshops_in_memory.fetch_add(1, std::memory_order_relaxed);
}

room::~room() { global_metrics().workshops_in_memory.fetch_sub(1, std::memory_order_relaxed); }

void room::start() {
    asio::post(strand_, [self = shared_from_this()] {
        self->arm_timer();
        self->arm_idle();
    });
}

void room::join(std::shared_ptr<connection> c, protocol::hello hello) {
    asio::post(strand_, [self = shared_from_this(), c = std::move(c), h = std::move(hello)]() mutable {
        self->do_join(std::move(c), std::move(h));
    });
}

void room::command(std::shared_ptr<connection> c, protocol::envelope env) {
    asio::post(strand_, [self = shared_from_this(), c = std::move(c), e = std::move(env)]() mutable {
        self->do_command(std::move(c), std::move(e));
    });
}

void room::leave(std::shared_ptr<connection> c) {
    asio::post(strand_, [self = shared_from_this(), c = std::move(c)]() mutable {
        self->do_leave(std::move(c));
    });
}

void room::stop() {
    asio::post(strand_, [self = shared_from_this()] {
        self->timer_.cancel();
        self->idle_timer_.cancel();
    });
}

int room::participants_online() const { return static_cast<int>(participant_links_.size()); }

// Runs the model's join. The member is registered at once (with its actor, so
// that commands it pipelines behind its hello are handled as its own), but it
// only becomes active, and receives events, when the join has committed and
// its welcome is sent: events committed before the welcome are in its state,
// events committed after it reach it (protocol.md 3.1).
void room::do_join(std::shared_ptr<connection> c, protocol::hello hello) {
    if (failed_) return c->close(1011, "workshop reloading, please reconnect");
    if (removed_) return c->close(4404, "workshop deleted");
    if (members_.count(c.get())) return; // the session answers a second hello itself
    if (static_cast<int>(members_.size()) >= cfg_.max_connections) {
        app::log("workshop " + code_ + ": full, connection refused");
        return c->close(4429, "workshop full");
    }
    model::join_result jr;
    try {
        jr = model_->join(hello, participants_online());
    } catch (std::exception const& e) {
        app::log("workshop " + code_ + ": internal error in hello: " + e.what());
        return c->close(1011, "internal error");
    }
    if (jr.close_code != 0) return c->close(jr.close_code, jr.close_reason);

    members_.emplace(c.get(), member{c, jr.who, false});
    model::outcome oc;
    oc.changes = std::move(jr.changes);
    auto welcome = std::move(jr.welcome);
    ++inflight_;
    auto start = std::chrono::steady_clock::now();
    store_.submit(model::change_set{code_, std::move(oc.changes)},
                  [self = shared_from_this(), c, welcome = std::move(welcome), start](bool ok) mutable {
                      global_metrics().commit_latency.observe(micros_since(start));
                      asio::post(self->strand_, [self, c = std::move(c), ok,
                                                 welcome = std::move(welcome)]() mutable {
                          --self->inflight_;
                          if (!ok) {
                              c->close(1011, "could not save, please reconnect");
                              return self->fail("join commit failed");
                          }
                          self->settle();
                          self->on_joined(std::move(c), std::move(welcome));
                      });
                  });
}

void room::on_joined(std::shared_ptr<connection> c, std::string welcome) {
    auto it = members_.find(c.get());
    if (it == members_.end()) return; // left before its welcome
    auto& m = it->second;
    m.active = true;
    add_receiver(m);
    auto& counters = global_metrics();
    if (m.who.role == protocol::role::facilitator) {
        ++facilitator_links_;
        counters.facilitator_connections.fetch_add(1, std::memory_order_relaxed);
    } else {
        ++participant_links_[m.who.participant];
        counters.participant_connections.fetch_add(1, std::memory_order_relaxed);
    }
    c->deliver(frame_of(std::move(welcome)));
    send_presence_if_changed();
}

void room::do_command(std::shared_ptr<connection> c, protocol::envelope env) {
    if (failed_) return c->close(1011, "workshop reloading, please reconnect");
    if (removed_) return c->close(4404, "workshop deleted");
    auto it = members_.find(c.get());
    if (it == members_.end()) return; // not joined (refused, or gone)
    auto req = env.req;
    model::outcome oc;
    try {
        oc = model_->handle(it->second.who, env, now_ms(), participants_online());
    } catch (std::exception const& e) {
        // The model promises not to throw; if it does, this command fails alone.
        app::log("workshop " + code_ + ": internal error in " +
                 std::string(protocol::type_name(env.cmd)) + ": " + e.what());
        global_metrics().count_error(protocol::error_code::internal);
        oc = model::outcome{};
        oc.answer = model::workshop::error_frame(req, {protocol::error_code::internal,
                                                       "internal error"});
    }
    if (oc.timer_changed) arm_timer();
    finish(std::move(c), req, std::move(oc));
}

void room::finish(std::shared_ptr<connection> sender, std::optional<std::int64_t> req,
                  model::outcome oc) {
    auto changes = std::move(oc.changes);
    auto shared = std::make_shared<model::outcome>(std::move(oc));
    ++inflight_;
    auto start = std::chrono::steady_clock::now();
    store_.submit(model::change_set{code_, std::move(changes)},
                  [self = shared_from_this(), sender = std::move(sender), req, shared,
                   start](bool ok) mutable {
                      global_metrics().commit_latency.observe(micros_since(start));
                      self->committed_waiting_.fetch_add(1, std::memory_order_relaxed);
                      asio::post(self->strand_, [self, ok, sender = std::move(sender), req,
                                                 shared = std::move(shared)]() mutable {
                          self->on_committed(ok, std::move(sender), req, std::move(shared));
                      });
                  });
}

// Runs on the strand once the outcome's changes are on disk (or failed).
// Sends the answer, then the frames after it, then the events: a command's ack
// comes before the events it causes (protocol.md 3.1). When no other outcome
// waits behind this one, the frames are written at once from here to the
// connections whose writers are idle (send_mode::now: no hand-over per
// delivery); under load they are left to the connections' threads, which
// write what gathered meanwhile in one go.
void room::on_committed(bool ok, std::shared_ptr<connection> sender,
                        std::optional<std::int64_t> req, std::shared_ptr<model::outcome> oc) {
    --inflight_;
    bool const more_waiting = committed_waiting_.fetch_sub(1, std::memory_order_relaxed) > 1;
    auto const mode = more_waiting ? send_mode::batched : send_mode::now;
    if (!ok) {
        if (sender)
            sender->deliver(frame_of(model::workshop::error_frame(
                req, {protocol::error_code::internal, "the change could not be saved"})));
        global_metrics().count_error(protocol::error_code::internal);
        return fail("commit failed");
    }
    settle();
    auto start = std::chrono::steady_clock::now();
    connection const* answered = nullptr; // got its events with its answer
    if (sender && !oc->answer.empty()) {
        count_if_error(oc->answer);
        // The answer, and then everything the sender gets of this outcome,
        // in one delivery: one write instead of one per frame.
        std::vector<addressed_frame> own;
        own.push_back({frame_of(std::move(oc->answer))});
        for (auto& extra : oc->after_ack) own.push_back({frame_of(std::move(extra))});
        auto it = members_.find(sender.get());
        if (it != members_.end() && it->second.active) {
            answered = sender.get();
            auto const& r = receivers_[it->second.slot];
            for (auto const& ev : oc->events)
                if (ev.frame && addressed(r, ev)) own.push_back({ev.frame, kind_of(ev)});
        }
        sender->deliver(own, mode);
    }
    for (auto const& ev : oc->events)
        if (ev.frame) fan_out(ev, kind_of(ev), mode, answered);
    if (!oc->events.empty()) global_metrics().fanout_latency.observe(micros_since(start));
    if (members_.empty()) arm_idle();
}

bool room::addressed(receiver const& r, model::outgoing const& ev) {
    switch (ev.audience) {
    case model::audience::everyone: return true;
    case model::audience::facilitators: return r.facilitator;
    case model::audience::participants: return !r.facilitator;
    case model::audience::one: return !r.facilitator && r.participant == ev.who;
    case model::audience::all_but_one: return r.facilitator || r.participant != ev.who;
    }
    return false;
}

// Walks the members once per event; each receiving connection gets the one
// shared frame, except `skip`, which already has it.
void room::fan_out(model::outgoing const& ev, frame_kind kind, send_mode mode,
                   connection const* skip) {
    for (auto const& r : receivers_)
        if (r.conn != skip && addressed(r, ev)) r.conn->deliver(ev.frame, kind, mode);
}

void room::add_receiver(member& m) {
    m.slot = receivers_.size();
    receivers_.push_back({m.conn.get(), m.who.participant,
                          m.who.role == protocol::role::facilitator});
}

// The last receiver takes the leaving one's place.
void room::remove_receiver(member const& m) {
    auto& last = receivers_.back();
    if (last.conn != m.conn.get()) {
        receivers_[m.slot] = last;
        members_.at(last.conn).slot = m.slot;
    }
    receivers_.pop_back();
}

void room::do_leave(std::shared_ptr<connection> c) {
    attached_.fetch_sub(1, std::memory_order_relaxed);
    auto it = members_.find(c.get());
    if (it == members_.end()) {
        if (members_.empty()) arm_idle();
        return;
    }
    if (it->second.active) {
        remove_receiver(it->second);
        auto& counters = global_metrics();
        if (it->second.who.role == protocol::role::facilitator) {
            --facilitator_links_;
            counters.facilitator_connections.fetch_sub(1, std::memory_order_relaxed);
        } else {
            auto p = participant_links_.find(it->second.who.participant);
            if (p != participant_links_.end() && --p->second <= 0) participant_links_.erase(p);
            counters.participant_connections.fetch_sub(1, std::memory_order_relaxed);
        }
    }
    members_.erase(it);
    send_presence_if_changed();
    if (members_.empty()) arm_idle();
}

// Presence counts distinct participants, not connections (two tabs count once).
void room::send_presence_if_changed() {
    int p = participants_online();
    int f = facilitator_links_;
    if (p == sent_participants_ && f == sent_facilitators_) return;
    sent_participants_ = p;
    sent_facilitators_ = f;
    model::outgoing ev;
    ev.audience = model::audience::everyone;
    ev.frame = frame_of("{\"type\":\"presence\",\"participants\":" + std::to_string(p) +
                        ",\"facilitators\":" + std::to_string(f) + "}");
    // Batched: in a storm of joins or leaves the connections' writers are
    // busy, and each keeps only the latest counts.
    fan_out(ev, frame_kind::presence, send_mode::batched);
}

// The workshop timer is armed from the model's wall-clock end. When it fires,
// the model ends the timer like any command, and the outcome is committed
// and sent the same way.
void room::arm_timer() {
    timer_.cancel();
    auto const& t = model_->timer();
    if (!t) return;
    auto delay = std::max<std::int64_t>(0, t->ends_at_ms - now_ms());
    timer_.expires_after(std::chrono::milliseconds(delay));
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
        self->on_timer(ec);
    });
}

void room::on_timer(boost::system::error_code ec) {
    if (ec) return; // cancelled: re-armed or stopped
    if (failed_ || removed_) return;
    auto const& t = model_->timer();
    if (!t) return;
    auto now = now_ms();
    if (t->ends_at_ms > now) return arm_timer(); // the clock moved; wait the rest
    auto oc = model_->expire_timer(now);
    if (oc.timer_changed) arm_timer();
    finish(nullptr, std::nullopt, std::move(oc));
}

void room::arm_idle() {
    if (cfg_.idle_seconds <= 0 || !members_.empty() || removed_) return;
    idle_timer_.expires_after(std::chrono::seconds(cfg_.idle_seconds));
    idle_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
        self->on_idle(ec);
    });
}

void room::on_idle(boost::system::error_code ec) {
    if (ec) return;
    if (!members_.empty() || inflight_ > 0) return;
    if (hub_.retire(*this, false)) {
        timer_.cancel();
        app::log("workshop " + code_ + ": unloaded (idle)");
    } else {
        arm_idle();
    }
}

// A commit failed: what the model holds may not be on disk. Nothing that was
// not acknowledged may look acknowledged, so the room closes every connection
// (1011) and leaves memory; the clients reconnect to a room loaded afresh
// from the store, which holds the truth.
void room::fail(char const* why) {
    global_metrics().commit_failures.fetch_add(1, std::memory_order_relaxed);
    if (failed_) return settle();
    failed_ = true;
    app::log("workshop " + code_ + ": " + why + "; reloading from the store");
    timer_.cancel();
    idle_timer_.cancel();
    // Leave the hub only once every change set already queued has completed:
    // a room loaded afresh must see all of them in the store.
    if (inflight_ == 0) hub_.retire(*this, true);
    for (auto const& [ptr, m] : members_) m.conn->close(1011, "workshop reloading, please reconnect");
}

void room::remove(std::function<void(bool ok)> done) {
    asio::post(strand_, [self = shared_from_this(), done = std::move(done)]() mutable {
        self->do_remove(std::move(done));
    });
}

// From here on no join or command is taken (4404). The removal is queued
// behind every change set this room already submitted, so nothing of the
// workshop is written after it. Once it has committed, the room leaves the
// hub first (a later hello loads nothing from the store: 4404), then closes
// its members. A failed removal is a failed commit like any other.
void room::do_remove(std::function<void(bool ok)> done) {
    attached_.fetch_sub(1, std::memory_order_relaxed);
    if (failed_) return done(false);
    removed_ = true;
    timer_.cancel();
    idle_timer_.cancel();
    ++inflight_;
    store_.submit(model::change_set{code_, {model::workshop_removed{}}},
                  [self = shared_from_this(), done = std::move(done)](bool ok) mutable {
                      asio::post(self->strand_, [self, ok, done = std::move(done)] {
                          --self->inflight_;
                          if (!ok) {
                              self->fail("delete commit failed");
                              return done(false);
                          }
                          self->hub_.retire(*self, true);
                          app::log("workshop " + self->code_ + ": deleted by its facilitator");
                          for (auto const& [ptr, m] : self->members_)
                              m.conn->close(4404, "workshop deleted");
                          done(true);
                      });
                  });
}

void room::settle() {
    if (failed_ && inflight_ == 0) hub_.retire(*this, true);
}

} // namespace brug::live
