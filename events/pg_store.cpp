// PgEventStore: the write side (append, append_batch). Reads are in pg_store_read.cpp.
#include "events/pg_store.h"

#include <algorithm>

#include <fmt/format.h>

#include "events/hash_chain.h"
#include "events/ids.h"
#include "events/pg_session.h"
#include "events/store_rules.h"

namespace qmd::events {

namespace {

constexpr std::string_view kPgInsertSql =
    "INSERT INTO events (seq, event_id, stream, version, type, schema, payload, meta, recorded_at, hash) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

}  // namespace

struct PgEventStore::Item {
  const std::string& stream;
  int64_t expected_version;
  const std::vector<NewEvent>& events;
  const Meta& meta;
};

struct PgEventStore::Head {
  int64_t seq = 0;
  std::string hash{kGenesisHash};
  int64_t recorded_at = 0;
};

struct PgEventStore::Scratch {
  ChainHasher hasher;
  std::string generated_id, hash;
};

PgEventStore::PgEventStore(PgDatabase& db, Clock clock)
    : db_(db), clock_(clock ? std::move(clock) : Clock(&system_clock_ms)), scratch_(std::make_unique<Scratch>()) {}

PgEventStore::~PgEventStore() = default;

AppendResult PgEventStore::append(const std::string& stream, int64_t expected_version,
                                  const std::vector<NewEvent>& events, const Meta& meta, const AppendHook& hook) {
  Item item{stream, expected_version, events, meta};
  return append_items(&item, 1, hook).front();
}

std::vector<AppendResult> PgEventStore::append_batch(const std::vector<StreamAppend>& batch,
                                                     const AppendHook& hook) {
  std::vector<Item> items;
  items.reserve(batch.size());
  for (const auto& b : batch) items.push_back(Item{b.stream, b.expected_version, b.events, b.meta});
  if (items.empty()) return {};
  return append_items(items.data(), items.size(), hook);
}

std::vector<AppendResult> PgEventStore::append_items(const Item* items, size_t n, const AppendHook& hook) {
  for (size_t i = 0; i < n; ++i) check_append_arguments(items[i].stream, items[i].expected_version, items[i].events);
  PgConnection& c = db_.connection();
  // BEGIN and the head lock in one round trip; the lock is held to COMMIT.
  PgTransaction txn(c, "BEGIN");
  PgResult h = c.exec("SELECT seq, hash, recorded_at FROM log_head FOR UPDATE", {}, true, "locking the log head");
  if (h.rows() != 1) throw StoreError(fmt::format("the event log at {} has no head row", c.location()));
  Head head{h.int64(0, 0), std::string(h.text(0, 1)), h.int64(0, 2)};
  const int64_t start = head.seq;
  const int64_t now = std::max(clock_(), head.recorded_at);

  std::vector<AppendResult> results;
  results.reserve(n);
  std::vector<Event> appended;
  for (size_t i = 0; i < n; ++i) results.push_back(append_item(items[i], head, now, hook ? &appended : nullptr));
  if (head.seq != start)
    c.exec("UPDATE log_head SET seq = $1, hash = $2, recorded_at = $3", {head.seq, std::string_view(head.hash), now},
           true, "moving the log head");
  if (hook && !appended.empty()) hook(appended);
  txn.commit();
  return results;
}

AppendResult PgEventStore::append_item(const Item& item, Head& head, int64_t now, std::vector<Event>* appended) {
  if (auto retry = find_retry(item)) return *retry;
  int64_t version = version_of(item.stream);
  if (item.expected_version != kAnyVersion && item.expected_version != version)
    throw ConflictError(item.stream, item.expected_version, version);

  const nlohmann::json meta_json = item.meta.to_json();
  const std::string meta_text = meta_json.dump();
  PgConnection& c = db_.connection();
  Scratch& sc = *scratch_;
  AppendResult result;
  result.first_seq = head.seq + 1;
  for (const NewEvent& ne : item.events) {
    const int64_t seq = head.seq + 1;
    ++version;
    if (ne.event_id.empty()) new_event_id_into(&sc.generated_id);
    const std::string& event_id = ne.event_id.empty() ? sc.generated_id : ne.event_id;
    const std::string payload = payload_text(item.stream, ne);
    ChainFields f{seq, event_id, item.stream, version, ne.type, ne.schema, payload, meta_text, now};
    sc.hasher.next_into(head.hash, f, &sc.hash);
    try {
      c.exec(kPgInsertSql,
             {seq, std::string_view(event_id), std::string_view(item.stream), version, std::string_view(ne.type),
              int64_t{ne.schema}, std::string_view(payload), std::string_view(meta_text), now,
              std::string_view(sc.hash)},
             true, fmt::format("append to stream '{}'", item.stream));
    } catch (const PgError& e) {
      if (e.sqlstate() == "23505" && e.primary().find("events_event_id_key") != std::string::npos)
        throw StoreError(fmt::format("append to stream '{}': event_id '{}' is already stored", item.stream, event_id));
      throw;
    }
    if (appended)
      appended->push_back(Event{seq, event_id, item.stream, version, ne.type, ne.schema, ne.payload, meta_json, now,
                                sc.hash});
    head.seq = seq;
    head.hash.swap(sc.hash);
  }
  result.last_seq = head.seq;
  result.stream_version = version;
  return result;
}

// A retried command carries the event ids of its first attempt (see
// SqliteEventStore::find_retry; the rules are shared in store_rules.h).
std::optional<AppendResult> PgEventStore::find_retry(const Item& item) {
  const std::string& first_id = item.events.front().event_id;
  if (first_id.empty()) return std::nullopt;
  PgConnection& c = db_.connection();
  PgResult r = c.exec(
      "SELECT f.seq, f.stream, f.version, l.stream, l.version, l.event_id FROM events f "
      "LEFT JOIN events l ON l.seq = f.seq + $2 - 1 WHERE f.event_id = $1",
      {std::string_view(first_id), static_cast<int64_t>(item.events.size())}, true, "looking up an event id");
  if (r.rows() == 0) return std::nullopt;
  StoredFirst first{r.int64(0, 0), std::string(r.text(0, 1)), r.int64(0, 2)};
  std::optional<StoredAt> at_last;
  if (!r.is_null(0, 3)) at_last = StoredAt{std::string(r.text(0, 3)), r.int64(0, 4), std::string(r.text(0, 5))};
  return retry_result(item.stream, item.events, first, at_last);
}

int64_t PgEventStore::version_of(const std::string& stream) {
  PgResult r = db_.connection().exec("SELECT coalesce(max(version), 0) FROM events WHERE stream = $1",
                                     {std::string_view(stream)}, true, "reading a stream's version");
  return r.int64(0, 0);
}

}  // namespace qmd::events
