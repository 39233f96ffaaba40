// PgEventStore: the read side (streams, full scans, chain verification).
#include <limits>

#include <fmt/format.h>

#include "events/pg_store.h"
#include "events/store_rules.h"

namespace qmd::events {

namespace {

constexpr int64_t kPgNoLimit = std::numeric_limits<int64_t>::max();
// Rows fetched per query of a scan: large enough that round trips do not
// show in a rebuild, small enough to bound the memory of one result.
constexpr int64_t kChunk = 8192;

constexpr std::string_view kPgEventColumns =
    "seq, event_id, stream, version, type, schema, payload, meta, recorded_at, hash";
constexpr std::string_view kRawColumns = "seq, stream, version, type, schema, payload, meta, recorded_at";

// Fills `e` from a row of kPgEventColumns; `meta_text` caches the previous
// row's meta (consecutive events of one command share it).
void decode_pg_event(const PgResult& r, int i, Event& e, std::string& meta_text) {
  e.seq = r.int64(i, 0);
  e.event_id = r.text(i, 1);
  e.stream = r.text(i, 2);
  e.version = r.int64(i, 3);
  e.type = r.text(i, 4);
  e.schema = static_cast<int>(r.int64(i, 5));
  e.payload = parse_stored(r.text(i, 6), e.seq, "payload");
  std::string_view meta = r.text(i, 7);
  if (meta != meta_text || e.meta.is_null()) {
    e.meta = parse_stored(meta, e.seq, "meta");
    meta_text = meta;
  }
  e.recorded_at = r.int64(i, 8);
  e.hash = r.text(i, 9);
}

}  // namespace

void PgEventStore::scan(int64_t from_seq, const Upto& upto, std::string_view columns,
                        const std::function<bool(const PgResult&, int row)>& fn) {
  const std::string sql = fmt::format(
      "SELECT {} FROM events WHERE seq >= $1 AND seq <= $2 AND recorded_at <= $3 ORDER BY seq LIMIT $4", columns);
  int64_t next = from_seq;
  for (;;) {
    // Each chunk is a complete result, so fn may query the store meanwhile.
    PgResult r = db_.connection().exec(sql, {next, upto.seq.value_or(kPgNoLimit), upto.time_ms.value_or(kPgNoLimit), kChunk},
                                       true, "reading the log");
    const int n = r.rows();
    for (int i = 0; i < n; ++i)
      if (!fn(r, i)) return;
    if (n < kChunk) return;
    next = r.int64(n - 1, 0) + 1;
  }
}

std::vector<Event> PgEventStore::read_stream(const std::string& stream, const Upto& upto, int64_t after_version) {
  PgResult r = db_.connection().exec(
      fmt::format("SELECT {} FROM events WHERE stream = $1 AND seq <= $2 AND recorded_at <= $3 AND version > $4 "
                  "ORDER BY version",
                  kPgEventColumns),
      {std::string_view(stream), upto.seq.value_or(kPgNoLimit), upto.time_ms.value_or(kPgNoLimit), after_version}, true,
      "read_stream");
  std::vector<Event> out;
  out.reserve(static_cast<size_t>(r.rows()));
  std::string meta_text;
  Event e;
  for (int i = 0; i < r.rows(); ++i) {
    decode_pg_event(r, i, e, meta_text);
    out.push_back(e);
  }
  return out;
}

void PgEventStore::read_all(int64_t from_seq, const std::function<bool(const Event&)>& fn, const Upto& upto) {
  Event e;
  std::string meta_text;
  scan(from_seq, upto, kPgEventColumns, [&](const PgResult& r, int i) {
    decode_pg_event(r, i, e, meta_text);
    return fn(e);
  });
}

void PgEventStore::read_all_raw(int64_t from_seq, const std::function<bool(const RawEvent&)>& fn,
                                const Upto& upto) {
  RawEvent e;
  scan(from_seq, upto, kRawColumns, [&](const PgResult& r, int i) {
    e.seq = r.int64(i, 0);
    e.stream = r.text(i, 1);
    e.version = r.int64(i, 2);
    e.type = r.text(i, 3);
    e.schema = static_cast<int>(r.int64(i, 4));
    e.payload = r.text(i, 5);
    e.meta = r.text(i, 6);
    e.recorded_at = r.int64(i, 7);
    return fn(e);
  });
}

int64_t PgEventStore::stream_version(const std::string& stream) { return version_of(stream); }

int64_t PgEventStore::head_seq() {
  return db_.connection().exec("SELECT seq FROM log_head", {}, true, "head_seq").int64(0, 0);
}

std::vector<std::string> PgEventStore::streams(const std::string& prefix) {
  // One index seek per stream (the column's collation is "C": bytewise, as on SQLite).
  std::vector<std::string> out;
  if (!prefix.empty() && version_of(prefix) > 0) out.push_back(prefix);
  std::string after = prefix;
  for (;;) {
    PgResult r = db_.connection().exec("SELECT min(stream) FROM events WHERE stream > $1",
                                       {std::string_view(after)}, true, "streams");
    if (r.is_null(0, 0)) break;
    std::string_view name = r.text(0, 0);
    if (name.substr(0, prefix.size()) != prefix) break;
    out.emplace_back(name);
    after = out.back();
  }
  return out;
}

std::optional<int64_t> PgEventStore::verify_chain(std::string* why) {
  ChainVerifier verifier;
  scan(1, {}, kPgEventColumns, [&](const PgResult& r, int i) {
    ChainFields f{r.int64(i, 0), r.text(i, 1), r.text(i, 2), r.int64(i, 3), r.text(i, 4),
                  r.int64(i, 5), r.text(i, 6), r.text(i, 7), r.int64(i, 8)};
    return verifier.next(f, r.text(i, 9));
  });
  return verifier.result(why);
}

}  // namespace qmd::events
