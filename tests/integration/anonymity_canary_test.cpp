// The anonymity canary (issue 5; protocol.md 3.6): every participant writes
// cards with a unique marker, and nothing the server sends, logs, stores or
// exports may link a card to its author: no token, no token hash next to a
// card, no connection number, no posting time, no hidden card before the
// reveal. Then, statistically: the order of revealed cards (and of the state,
// and of the rows in the file) does not follow the order of posting.
#include "client.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <numeric>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace brug::test;
using namespace std::chrono_literals;

namespace {

std::string slurp(std::string const& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<std::string> lines(std::string const& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    std::string l;
    while (std::getline(in, l))
        if (!l.empty()) out.push_back(l);
    return out;
}

// The server with stdout and stderr both in one file (the test helper keeps
// stderr only), on its own data folder.
class logged_server {
public:
    logged_server() {
        char tmpl[] = "/tmp/brug-canary-XXXXXX";
        if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
        dir_ = tmpl;
        std::vector<std::string> argv = {brug_binary(),
                                         "--host", "127.0.0.1", "--port", "0", "--data", db(),
                                         "--web-root", std::string(BRUG_SOURCE_DIR) + "/client-web"};
        pid_ = fork();
        if (pid_ == 0) {
            int fd = open(log_path().c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
            dup2(fd, 1);
            dup2(fd, 2);
            std::vector<char*> cargv;
            for (auto& a : argv) cargv.push_back(a.data());
            cargv.push_back(nullptr);
            execv(cargv[0], cargv.data());
            _exit(127);
        }
        auto deadline = std::chrono::steady_clock::now() + 20s;
        std::string const prefix = "listening on http://127.0.0.1:";
        while (std::chrono::steady_clock::now() < deadline) {
            auto log = slurp(log_path());
            auto at = log.find(prefix);
            if (at != std::string::npos && log.find('\n', at) != std::string::npos) {
                port_ = std::atoi(log.c_str() + at + prefix.size());
                return;
            }
            std::this_thread::sleep_for(20ms);
        }
        throw std::runtime_error("server did not start: " + slurp(log_path()));
    }
    ~logged_server() {
        stop(SIGKILL);
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    int stop(int sig) {
        if (pid_ <= 0) return -1;
        ::kill(pid_, sig);
        int status = 0;
        waitpid(pid_, &status, 0);
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    int port() const { return port_; }
    std::string db() const { return dir_ + "/brug.db"; }
    std::string log_path() const { return dir_ + "/server.out"; }

private:
    std::string dir_;
    pid_t pid_ = -1;
    int port_ = 0;
};

// Drains every client until nothing came for `quiet`.
void drain(std::vector<ws_client*> const& cs, std::chrono::milliseconds quiet = 200ms) {
    bool any = true;
    while (any) {
        any = false;
        for (auto* c : cs)
            while (c->next(std::chrono::milliseconds(quiet.count() / static_cast<long>(cs.size()) + 1))) any = true;
    }
}

// Object keys that would say who, or when.
std::regex const suspicious_key(
    "(.*(token|author|voter|addr|agent|user|conn|client|created|posted|stamp|_at|_ms|time).*)|ip|by|from|who|"
    "number|index|order|joined|sender",
    std::regex::icase);

// Walks a message and reports keys that could link or date a card. `own_token`
// is the token this receiver may see (its own welcome), or empty.
void scan_keys(json const& j, std::string const& path, std::vector<std::string>& bad, bool in_timer = false) {
    if (j.is_array()) {
        for (auto const& e : j) scan_keys(e, path + "[]", bad, false);
        return;
    }
    if (!j.is_object()) return;
    for (auto it = j.begin(); it != j.end(); ++it) {
        auto const& k = it.key();
        bool const allowed = k == "participant_token" || k == "timer" || (in_timer && k == "ends_at");
        if (!allowed && std::regex_match(k, suspicious_key)) bad.push_back(path + "." + k);
        bool const timer_object = k == "timer" || (k == "data" && j.value("name", "") == "timer.started");
        scan_keys(it.value(), path + "." + k, bad, timer_object);
    }
}

std::set<std::string> const card_keys = {"id", "kind", "text", "intention", "column", "cluster_id", "position", "mine"};

// Every card object a message carries, with whether it may carry `mine`.
void cards_in(json const& m, std::vector<json>& out) {
    if (!m.is_object()) return;
    if (is_type(m, "welcome") && m["state"].contains("cards"))
        for (auto const& c : m["state"]["cards"]) out.push_back(c);
    if (is_type(m, "event")) {
        auto const& d = m["data"];
        if (d.contains("card")) out.push_back(d["card"]);
        if (d.contains("cards"))
            for (auto const& c : d["cards"]) out.push_back(c);
    }
}

double spearman(std::vector<int> const& ranks) {
    // ranks[i]: where the i-th posted card came out.
    double const n = static_cast<double>(ranks.size());
    double d2 = 0;
    for (std::size_t i = 0; i < ranks.size(); ++i) {
        double d = static_cast<double>(ranks[i]) - static_cast<double>(i);
        d2 += d * d;
    }
    return 1 - 6 * d2 / (n * (n * n - 1));
}

struct participant {
    std::unique_ptr<ws_client> c;
    std::string token;
    std::vector<std::string> markers; // every marker this participant wrote
    std::vector<std::string> card_ids;
};

} // namespace

TEST_CASE("anonymity canary: nothing sent, logged, stored or exported links a card to its author",
          "[anonymity][canary]") {
    logged_server srv;
    int const K = 8;
    std::mt19937_64 rng(std::random_device{}());
    auto ws = create_workshop(srv.port(), {{"title", "Canary"}, {"settings", {{"anonymity_threshold", 3}}}});
    ws_client f(srv.port(), "/ws/" + ws.code);
    REQUIRE(is_type(join_facilitator(f, ws.key), "welcome"));
    std::vector<participant> ps(K);
    std::vector<ws_client*> all = {&f};
    for (auto& p : ps) {
        p.c = std::make_unique<ws_client>(srv.port(), "/ws/" + ws.code);
        auto w = join_participant(*p.c);
        REQUIRE(is_type(w, "welcome"));
        p.token = w["participant_token"].get<std::string>();
        all.push_back(p.c.get());
    }
    REQUIRE(is_type(f.request({{"type", "phase.set"}, {"phase", "reflect"}}), "ack"));

    // Each writes three marked cards (one with a marked intention), edits one
    // and deletes another while they are hidden.
    for (int i = 0; i < K; ++i) {
        auto& p = ps[static_cast<std::size_t>(i)];
        for (int j = 0; j < 3; ++j) {
            std::string marker = "CANARY-" + std::to_string(i) + "-" + std::to_string(rng() % 1000000000) + "-" +
                                 std::to_string(j);
            json cmd = {{"type", "card.post"}, {"kind", "concern"}, {"text", marker + " tekst"},
                        {"nonce", "c" + std::to_string(j)}};
            if (j == 0) cmd["intention"] = marker + "-I";
            auto a = p.c->request(cmd);
            REQUIRE(is_type(a, "ack"));
            p.markers.push_back(marker);
            p.card_ids.push_back(a["card_id"].get<std::string>());
        }
        std::string edited = "CANARY-" + std::to_string(i) + "-" + std::to_string(rng() % 1000000000) + "-E";
        REQUIRE(is_type(p.c->request({{"type", "card.edit"}, {"card_id", p.card_ids[1]}, {"text", edited}}), "ack"));
        p.markers.push_back(edited);
        REQUIRE(is_type(p.c->request({{"type", "card.delete"}, {"card_id", p.card_ids[2]}}), "ack"));
    }
    drain(all);
    // A hidden card does not exist for the facilitator.
    CHECK(f.request({{"type", "card.move"}, {"card_id", ps[0].card_ids[0]}, {"column", "behouden"},
                     {"cluster_id", nullptr}})["code"] == "not_found");

    auto contains = [](ws_client const& c, std::string const& needle) {
        for (auto const& fr : c.frames())
            if (fr.find(needle) != std::string::npos) return true;
        return false;
    };
    // Before the reveal: no marker reaches anyone but its author.
    CHECK_FALSE(contains(f, "CANARY-"));
    for (int i = 0; i < K; ++i)
        for (int j = 0; j < K; ++j)
            if (i != j) {
                INFO("participant " << j << " saw a card of participant " << i);
                CHECK_FALSE(contains(*ps[j].c, "CANARY-" + std::to_string(i) + "-"));
            }
    // The database, its WAL and its shared memory while the server runs: no
    // token, no facilitator key.
    auto check_files = [&](char const* when) {
        for (auto suffix : {"", "-wal", "-shm"}) {
            auto bytes = slurp(srv.db() + suffix);
            INFO(when << ": brug.db" << suffix << " (" << bytes.size() << " bytes)");
            for (auto const& p : ps) CHECK(bytes.find(p.token) == std::string::npos);
            CHECK(bytes.find(ws.key) == std::string::npos);
        }
    };
    check_files("before the reveal");
    // Exports before the reveal count hidden cards, never show them.
    for (auto format : {"md", "csv", "json"}) {
        auto e = http(srv.port(), "GET", "/api/workshops/" + ws.code + "/export?format=" + format, {},
                      {{"Authorization", "Bearer " + ws.key}});
        INFO("export before the reveal, " << format << ": " << e.body.substr(0, 500));
        CHECK(e.status == 200);
        CHECK(e.body.find("CANARY") == std::string::npos);
        for (auto const& p : ps) CHECK(e.body.find(p.token) == std::string::npos);
    }

    // Reveal, move, vote, and a few more cards after the reveal.
    auto r = f.request({{"type", "cards.reveal"}});
    REQUIRE(is_type(r, "ack"));
    CHECK(r["revealed"] == 2 * K);
    for (int i = 0; i < K; ++i) {
        auto& p = ps[static_cast<std::size_t>(i)];
        std::string marker = "CANARY-" + std::to_string(i) + "-" + std::to_string(rng() % 1000000000) + "-L";
        auto a = p.c->request({{"type", "card.post"}, {"kind", "intention"}, {"text", marker}, {"nonce", "late"}});
        REQUIRE(is_type(a, "ack"));
        p.markers.push_back(marker);
        p.card_ids.push_back(a["card_id"].get<std::string>());
    }
    CHECK(is_type(f.request({{"type", "card.move"}, {"card_id", ps[0].card_ids[0]}, {"column", "behouden"},
                             {"cluster_id", nullptr}}),
                  "ack"));
    REQUIRE(is_type(f.request({{"type", "phase.set"}, {"phase", "vote"}}), "ack"));
    for (int i = 0; i < K; ++i)
        CHECK(is_type(ps[i].c->request({{"type", "vote.cast"}, {"target_id", ps[(i + 1) % K].card_ids[0]}}), "ack"));
    REQUIRE(is_type(f.request({{"type", "phase.set"}, {"phase", "discuss"}}), "ack"));
    REQUIRE(is_type(f.request({{"type", "timer.start"}, {"seconds", 60}}), "ack"));
    drain(all);
    // A later welcome for each, too.
    std::vector<std::unique_ptr<ws_client>> again;
    for (auto& p : ps) {
        again.push_back(std::make_unique<ws_client>(srv.port(), "/ws/" + ws.code));
        REQUIRE(is_type(join_participant(*again.back(), p.token), "welcome"));
    }
    ws_client f2(srv.port(), "/ws/" + ws.code);
    REQUIRE(is_type(join_facilitator(f2, ws.key), "welcome"));

    // Every frame to the facilitator, and to each participant: no token but
    // its own, no key that names or dates a person, cards with only card
    // fields, `mine` only in the author's own views.
    std::size_t frames_checked = 0, cards_checked = 0;
    auto check_frames = [&](ws_client const& c, std::string const& own_token, bool facilitator) {
        for (auto const& fr : c.frames()) {
            ++frames_checked;
            for (auto const& p : ps)
                if (p.token != own_token) {
                    INFO("frame: " << fr.substr(0, 300));
                    CHECK(fr.find(p.token) == std::string::npos);
                }
            auto j = json::parse(fr, nullptr, false);
            REQUIRE_FALSE(j.is_discarded());
            std::vector<json> msgs;
            if (j.is_array()) msgs.assign(j.begin(), j.end());
            else msgs.push_back(j);
            for (auto const& m : msgs) {
                std::vector<std::string> bad;
                scan_keys(m, "", bad);
                INFO("message: " << m.dump().substr(0, 300));
                CHECK(bad.empty());
                if (m.contains("participant_token")) {
                    CHECK(is_type(m, "welcome"));
                    CHECK_FALSE(facilitator);
                    CHECK(m["participant_token"] == own_token);
                }
                if (is_type(m, "presence")) {
                    std::set<std::string> keys;
                    for (auto it = m.begin(); it != m.end(); ++it) keys.insert(it.key());
                    CHECK(keys == std::set<std::string>{"type", "participants", "facilitators"});
                }
                std::vector<json> cards;
                cards_in(m, cards);
                for (auto const& card : cards) {
                    ++cards_checked;
                    for (auto it = card.begin(); it != card.end(); ++it) {
                        INFO("card: " << card.dump());
                        CHECK(card_keys.count(it.key()) == 1);
                    }
                    if (facilitator || (is_type(m, "event") && m["name"] == "cards.revealed"))
                        CHECK_FALSE(card.contains("mine"));
                }
            }
        }
    };
    check_frames(f, "", true);
    check_frames(f2, "", true);
    for (std::size_t i = 0; i < ps.size(); ++i) {
        check_frames(*ps[i].c, ps[i].token, false);
        check_frames(*again[i], ps[i].token, false);
    }
    // The facilitator saw every live card after the reveal, and never a
    // deleted one or the text a hidden card had before its edit.
    for (auto const& p : ps) {
        for (auto* c : all)
            if (c != ps[&p - ps.data()].c.get()) {
                CHECK_FALSE(contains(*c, p.markers[1] + " tekst"));
                CHECK_FALSE(contains(*c, p.markers[2]));
            }
        CHECK_FALSE(contains(f2, p.markers[2]));
        CHECK(contains(f2, p.markers[0]));
        CHECK(contains(f2, p.markers[3])); // the edited text
        CHECK(contains(f2, p.markers[4])); // posted after the reveal
    }

    // Exports: every card, no token, no key, no author, no time on a card.
    std::map<std::string, std::string> exports;
    for (auto format : {"md", "csv", "json"}) {
        auto e = http(srv.port(), "GET", "/api/workshops/" + ws.code + "/export?format=" + format, {},
                      {{"Authorization", "Bearer " + ws.key}});
        REQUIRE(e.status == 200);
        exports[format] = e.body;
        INFO("export " << format);
        for (auto const& p : ps) {
            CHECK(e.body.find(p.token) == std::string::npos);
            CHECK(e.body.find(p.markers[0]) != std::string::npos);
            CHECK(e.body.find(p.markers[4]) != std::string::npos);
            CHECK(e.body.find(p.markers[2]) == std::string::npos); // deleted
        }
        CHECK(e.body.find(ws.key) == std::string::npos);
    }
    {
        auto j = json::parse(exports["json"], nullptr, false);
        REQUIRE_FALSE(j.is_discarded());
        std::function<void(json const&)> walk = [&](json const& v) {
            if (v.is_array())
                for (auto const& e : v) walk(e);
            if (!v.is_object()) return;
            if (v.contains("text") && v.contains("kind")) { // a card
                ++cards_checked;
                for (auto it = v.begin(); it != v.end(); ++it) {
                    INFO("exported card: " << v.dump());
                    CHECK_FALSE(std::regex_match(it.key(), suspicious_key));
                    CHECK(it.key() != "mine");
                }
            }
            for (auto it = v.begin(); it != v.end(); ++it) walk(it.value());
        };
        walk(j);
        auto csv_header = exports["csv"].substr(0, exports["csv"].find('\n'));
        INFO("csv header: " << csv_header);
        CHECK_FALSE(std::regex_search(csv_header, std::regex("author|token|time|created|posted|participant",
                                                             std::regex::icase)));
    }
    check_files("after the reveal");

    // Shut down cleanly; the files again, and the tables.
    // (Every client says goodbye first: a shutdown with clients that do not
    // read is the reliability tests' business.)
    for (auto& a : again) a->close();
    for (auto& p : ps) p.c->close();
    f.close();
    f2.close();
    {
        int const status = srv.stop(SIGTERM);
        INFO("server output: " << slurp(srv.log_path()).substr(0, 6000));
        REQUIRE(status == 0);
    }
    check_files("after shutdown");
    auto log = slurp(srv.log_path());
    {
        INFO("server output: " << log.substr(0, 2000));
        CHECK(log.find("listening on") != std::string::npos);
        for (auto const& p : ps) CHECK(log.find(p.token) == std::string::npos);
        CHECK(log.find(ws.key) == std::string::npos);
        CHECK(log.find("CANARY") == std::string::npos);
    }
    auto const db = srv.db();
    // No column of a table people post into names a time, an address or a person.
    for (auto table : {"cards", "votes", "checkins", "participants", "nonces", "clusters", "agreements"}) {
        auto cols = lines(sql(db, std::string("SELECT name FROM pragma_table_info('") + table + "');"));
        CHECK_FALSE(cols.empty());
        for (auto const& c : cols) {
            INFO(table << "." << c);
            CHECK_FALSE(std::regex_match(c, std::regex(".*(time|created|posted|_at|_ms|addr|agent|user|conn|ip_).*|ip",
                                                       std::regex::icase)));
        }
    }
    CHECK(sql(db, "SELECT count(*) FROM sqlite_master WHERE sql LIKE '%address%' OR sql LIKE '%agent%';") == "0");
    // Nothing in a card, vote or nonce row joins to a participant row.
    CHECK(sql(db, "SELECT count(*) FROM cards c JOIN participants p ON p.workshop = c.workshop AND "
                  "(p.token_hash IN (c.id, c.author_tag, c.text, ifnull(c.intention, ''), ifnull(c.cluster_id, ''), "
                  "ifnull(c.column_id, ''), ifnull(c.nonce_tag, '')) OR "
                  "instr(ifnull(c.nonce_answer, ''), p.token_hash) > 0);") == "0");
    // A post's nonce tag is its own too (keyed per author, like author_tag).
    CHECK(sql(db, "SELECT count(nonce_tag) = count(DISTINCT nonce_tag) FROM cards;") == "1");
    CHECK(sql(db, "SELECT count(*) FROM votes v JOIN participants p ON p.workshop = v.workshop AND "
                  "p.token_hash IN (v.voter_tag, v.target_id);") == "0");
    CHECK(sql(db, "SELECT count(*) FROM nonces n JOIN participants p ON p.workshop = n.workshop AND "
                  "(p.token_hash = n.tag OR instr(n.answer, p.token_hash) > 0);") == "0");
    // A card's tag is its own: no two cards (of one author or not) share one,
    // so that rows cannot be grouped by author either.
    CHECK(sql(db, "SELECT count(*) = count(DISTINCT author_tag) FROM cards;") == "1");
    CHECK(sql(db, "SELECT count(*) FROM participants WHERE workshop = '" + ws.code + "';") == std::to_string(K));
    CHECK(sql(db, "SELECT count(*) FROM cards WHERE workshop = '" + ws.code + "';") == std::to_string(3 * K));
    std::cout << "[anonymity] canary: " << K << " participants, " << 5 * K << " markers, " << frames_checked
              << " frames and " << cards_checked << " card objects checked, exports md " << exports["md"].size()
              << " B csv " << exports["csv"].size() << " B json " << exports["json"].size() << " B, server output "
              << log.size() << " B" << std::endl;
}

TEST_CASE("anonymity canary: the order of revealed cards does not follow the order of posting",
          "[anonymity][order]") {
    server_process srv;
    int const workshops = 6, cards = 40, authors = 4;
    std::vector<double> rho_revealed, rho_state, rho_rows, rho_ids;
    for (int w = 0; w < workshops; ++w) {
        auto ws = create_workshop(srv.port(), {{"title", "Order"}, {"settings", {{"anonymity_threshold", 3}}}});
        ws_client f(srv.port(), "/ws/" + ws.code);
        REQUIRE(is_type(join_facilitator(f, ws.key), "welcome"));
        REQUIRE(is_type(f.request({{"type", "phase.set"}, {"phase", "reflect"}}), "ack"));
        std::vector<std::unique_ptr<ws_client>> ps;
        for (int a = 0; a < authors; ++a) {
            ps.push_back(std::make_unique<ws_client>(srv.port(), "/ws/" + ws.code));
            REQUIRE(is_type(join_participant(*ps.back()), "welcome"));
        }
        // Posted one after the other, round robin over the authors: a known order.
        std::vector<std::string> ids;
        for (int i = 0; i < cards; ++i) {
            auto a = ps[static_cast<std::size_t>(i % authors)]->request(
                {{"type", "card.post"}, {"kind", "concern"}, {"text", "kaart " + std::to_string(i)},
                 {"nonce", std::string("o").append(std::to_string(i))}});
            REQUIRE(is_type(a, "ack"));
            ids.push_back(a["card_id"].get<std::string>());
        }
        std::map<std::string, int> posted_at;
        for (int i = 0; i < cards; ++i) posted_at[ids[static_cast<std::size_t>(i)]] = i;
        auto ranks_of = [&](std::vector<std::string> const& order) {
            // order: ids as they came out; returns, for each posted card, its place.
            std::vector<int> ranks(static_cast<std::size_t>(cards), -1);
            for (std::size_t k = 0; k < order.size(); ++k) {
                auto it = posted_at.find(order[k]);
                if (it != posted_at.end()) ranks[static_cast<std::size_t>(it->second)] = static_cast<int>(k);
            }
            return ranks;
        };
        REQUIRE(is_type(f.request({{"type", "cards.reveal"}}), "ack"));
        auto ev = f.wait_for([](json const& j) { return is_type(j, "event") && j["name"] == "cards.revealed"; });
        REQUIRE(ev);
        std::vector<std::string> revealed;
        for (auto const& c : (*ev)["data"]["cards"]) revealed.push_back(c["id"].get<std::string>());
        REQUIRE(revealed.size() == static_cast<std::size_t>(cards));
        auto r1 = ranks_of(revealed);
        REQUIRE(std::count(r1.begin(), r1.end(), -1) == 0);
        rho_revealed.push_back(spearman(r1));

        ws_client later(srv.port(), "/ws/" + ws.code);
        auto lw = join_facilitator(later, ws.key);
        std::vector<std::string> state;
        for (auto const& c : lw["state"]["cards"]) state.push_back(c["id"].get<std::string>());
        REQUIRE(state.size() == static_cast<std::size_t>(cards));
        rho_state.push_back(spearman(ranks_of(state)));

        // The rows as the file keeps them (primary key order).
        auto rows = lines(sql(srv.data_file(), "SELECT id FROM cards WHERE workshop = '" + ws.code + "';"));
        REQUIRE(rows.size() == static_cast<std::size_t>(cards));
        rho_rows.push_back(spearman(ranks_of(rows)));
        // The ids themselves, sorted.
        auto sorted = ids;
        std::sort(sorted.begin(), sorted.end());
        rho_ids.push_back(spearman(ranks_of(sorted)));
    }
    auto mean = [](std::vector<double> const& v) { return std::accumulate(v.begin(), v.end(), 0.0) / v.size(); };
    auto show = [](std::vector<double> const& v) {
        std::ostringstream s;
        for (auto x : v) s << " " << std::round(x * 100) / 100;
        return s.str();
    };
    std::cout << "[anonymity] order: Spearman rho of posting order vs revealed order, over " << workshops
              << " workshops of " << cards << " cards: mean " << mean(rho_revealed) << " (" << show(rho_revealed)
              << "); vs a later welcome's state: mean " << mean(rho_state) << " (" << show(rho_state)
              << "); vs rows in the file: mean " << mean(rho_rows) << " (" << show(rho_rows)
              << "); vs sorted ids: mean " << mean(rho_ids) << " (" << show(rho_ids) << ")" << std::endl;
    CHECK(std::abs(mean(rho_revealed)) < 0.3);
    CHECK(std::abs(mean(rho_state)) < 0.3);
    CHECK(std::abs(mean(rho_rows)) < 0.3);
    CHECK(std::abs(mean(rho_ids)) < 0.3);
    // Not one workshop in near posting order.
    for (auto x : rho_revealed) CHECK(x < 0.9);
    for (auto x : rho_state) CHECK(x < 0.9);
}
