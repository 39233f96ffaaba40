// SqliteEventStore: the read side (streams, full scans, chain verification).
#include <limits>

#include <fmt/format.h>

#include "events/sqlite_store.h"
#include "events/sqlite_store_state.h"
#include "events/store_rules.h"

namespace qmd::events {

namespace {

constexpr int64_t kNoLimit = std::numeric_limits<int64_t>::max();

// Fills `e` from a row of kEventColumns. `meta_text` caches the meta text of the
// previous row: consecutive events of one command share it, and re-parsing it
// per row would dominate a full scan.
void decode_event(const SqlStatement& q, Event& e, std::string& meta_text) {
  e.seq = q.int64(0);
  e.event_id = q.text(1);
  e.stream = q.text(2);
  e.version = q.int64(3);
  e.type = q.text(4);
  e.schema = static_cast<int>(q.int64(5));
  e.payload = parse_stored(q.text(6), e.seq, "payload");
  std::string_view meta = q.text(7);
  if (meta != meta_text || e.meta.is_null()) {
    e.meta = parse_stored(meta, e.seq, "meta");
    meta_text = meta;
  }
  e.recorded_at = q.int64(8);
  e.hash = q.text(9);
}

template <typename F>
auto reading(const Database& db, const char* what, F&& f) {
  try {
    return f();
  } catch (const SQLite::Exception& e) {
    throw StoreError(fmt::format("{} on event database '{}' failed: {}", what, db.path(), e.what()));
  }
}

}  // namespace

std::vector<Event> SqliteEventStore::read_stream(const std::string& stream, const Upto& upto,
                                                 int64_t after_version) {
  return reading(db_, "read_stream", [&] {
    SqlStatement q(state_->handle, fmt::format("SELECT {} FROM events WHERE stream = ?1 AND seq <= ?2 AND "
                                               "recorded_at <= ?3 AND version > ?4 ORDER BY version",
                                               kEventColumns));
    q.bind(1, std::string_view(stream));
    q.bind(2, upto.seq.value_or(kNoLimit));
    q.bind(3, upto.time_ms.value_or(kNoLimit));
    q.bind(4, after_version);
    std::vector<Event> out;
    std::string meta_text;
    Event e;
    while (q.step()) {
      decode_event(q, e, meta_text);
      out.push_back(e);
    }
    return out;
  });
}

void SqliteEventStore::read_all(int64_t from_seq, const std::function<bool(const Event&)>& fn, const Upto& upto) {
  // Own statement (not a cached one): fn may call back into the store.
  std::unique_ptr<SqlStatement> q = reading(db_, "read_all", [&] {
    auto s = std::make_unique<SqlStatement>(
        state_->handle, fmt::format("SELECT {} FROM events WHERE seq >= ?1 AND seq <= ?2 AND recorded_at <= ?3 "
                                    "ORDER BY seq",
                                    kEventColumns));
    s->bind(1, from_seq);
    s->bind(2, upto.seq.value_or(kNoLimit));
    s->bind(3, upto.time_ms.value_or(kNoLimit));
    return s;
  });
  Event e;
  std::string meta_text;
  while (reading(db_, "read_all", [&] { return q->step(); })) {
    decode_event(*q, e, meta_text);
    if (!fn(e)) break;
  }
}

void SqliteEventStore::read_all_raw(int64_t from_seq, const std::function<bool(const RawEvent&)>& fn,
                                    const Upto& upto) {
  std::unique_ptr<SqlStatement> q = reading(db_, "read_all_raw", [&] {
    auto s = std::make_unique<SqlStatement>(
        state_->handle,
        "SELECT seq, stream, version, type, schema, payload, meta, recorded_at FROM events "
        "WHERE seq >= ?1 AND seq <= ?2 AND recorded_at <= ?3 ORDER BY seq");
    s->bind(1, from_seq);
    s->bind(2, upto.seq.value_or(kNoLimit));
    s->bind(3, upto.time_ms.value_or(kNoLimit));
    return s;
  });
  RawEvent e;
  while (reading(db_, "read_all_raw", [&] { return q->step(); })) {
    e.seq = q->int64(0);
    e.stream = q->text(1);
    e.version = q->int64(2);
    e.type = q->text(3);
    e.schema = static_cast<int>(q->int64(4));
    e.payload = q->text(5);
    e.meta = q->text(6);
    e.recorded_at = q->int64(7);
    if (!fn(e)) break;
  }
}

int64_t SqliteEventStore::stream_version(const std::string& stream) {
  return reading(db_, "stream_version", [&] { return version_of(stream); });
}

int64_t SqliteEventStore::head_seq() {
  return reading(db_, "head_seq", [&] { return read_head().seq; });
}

std::vector<std::string> SqliteEventStore::streams(const std::string& prefix) {
  // Skips from one stream name to the next through the (stream, version)
  // index: one seek per stream instead of a scan over every event.
  return reading(db_, "streams", [&] {
    State& st = *state_;
    SqlStatement& q = st.get(st.next_stream, "SELECT min(stream) FROM events WHERE stream > ?1");
    std::vector<std::string> out;
    std::string after = prefix;
    // "stream > prefix" skips a stream named exactly `prefix`; look for it first.
    if (!prefix.empty() && version_of(prefix) > 0) out.push_back(prefix);
    for (;;) {
      ResetOnExit r(q);
      q.bind(1, std::string_view(after));
      if (!q.step() || q.is_null(0)) break;
      std::string_view name = q.text(0);
      if (name.substr(0, prefix.size()) != prefix) break;
      out.emplace_back(name);
      after = out.back();
    }
    return out;
  });
}

std::optional<int64_t> SqliteEventStore::verify_chain(std::string* why) {
  return reading(db_, "verify_chain", [&]() -> std::optional<int64_t> {
    SqlStatement q(state_->handle, fmt::format("SELECT {} FROM events ORDER BY seq", kEventColumns));
    ChainVerifier verifier;
    while (q.step()) {
      ChainFields f{q.int64(0), q.text(1), q.text(2), q.int64(3), q.text(4),
                    q.int64(5), q.text(6), q.text(7), q.int64(8)};
      if (!verifier.next(f, q.text(9))) break;
    }
    return verifier.result(why);
  });
}

}  // namespace qmd::events
