// Helpers shared by the store tests: a temporary folder, a sample workshop,
// a blocking submit, and raw access to the file behind the store's back.
#pragma once

#include "model/changes.hpp"
#include "store/store.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>

namespace brug::store::testing {

// A fresh folder under /tmp (mkdtemp), removed with everything in it.
struct temp_dir {
    std::filesystem::path path;
    temp_dir() {
        char tmpl[] = "/tmp/brug-store-test-XXXXXX";
        if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
        path = tmpl;
    }
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    std::string file(std::string const& name) const { return (path / name).string(); }
};

inline std::unique_ptr<store> open_store(options const& o) {
    status st;
    auto s = store::open(o, st);
    if (!s) throw std::runtime_error("open failed: " + st.message);
    return s;
}

inline options store_options(std::string const& path, sync_mode sync = sync_mode::full,
                             std::size_t max_batch = 512) {
    options o;
    o.path = path;
    o.sync = sync;
    o.max_batch = max_batch;
    return o;
}

inline std::unique_ptr<store> open_store(std::string const& path, sync_mode sync = sync_mode::full,
                                         std::size_t max_batch = 512) {
    return open_store(store_options(path, sync, max_batch));
}

// Submits and waits for `done`; returns its ok.
inline bool submit_wait(store& s, model::change_set cs) {
    std::promise<bool> p;
    auto f = p.get_future();
    s.submit(std::move(cs), [&p](bool ok) { p.set_value(ok); });
    return f.get();
}

inline model::workshop_meta sample_meta(std::string const& code,
                                        std::int64_t now_ms = 1'700'000'000'000) {
    model::workshop_meta m;
    m.code = code;
    m.title = "Nieuw CRM in het salesteam";
    m.language = "nl";
    m.facilitator_key_hash = std::string(64, 'f');
    m.columns = {{"behouden", "Behouden"}, {"vernieuwen", "Vernieuwen"}};
    m.created_at_ms = now_ms;
    m.touched_at_ms = now_ms;
    return m;
}

inline model::change_set create_workshop(std::string const& code,
                                         std::int64_t now_ms = 1'700'000'000'000) {
    return {code, {model::meta_put{sample_meta(code, now_ms)}}};
}

inline model::card sample_card(std::string const& id, std::string const& text, int position = 0) {
    model::card c;
    c.id = id;
    c.kind = model::card_kind::concern;
    c.text = text;
    c.column = "behouden";
    c.position = position;
    c.author_tag = std::string(64, 'a');
    return c;
}

inline std::string read_bytes(std::string const& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// One integer from a query on a raw connection to the file.
inline std::int64_t query_int(SQLite::Database& db, std::string const& sql,
                              std::string const& code = {}) {
    SQLite::Statement q(db, sql);
    if (!code.empty()) q.bind(1, code);
    if (!q.executeStep()) throw std::runtime_error("no row: " + sql);
    return q.getColumn(0).getInt64();
}

} // namespace brug::store::testing
