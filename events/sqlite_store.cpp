// SqliteEventStore: the write side (append, append_batch). Reads are in
// sqlite_store_read.cpp.
#include "events/sqlite_store.h"

#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "events/ids.h"
#include "events/sqlite_store_state.h"
#include "events/store_rules.h"

namespace qmd::events {

namespace {

constexpr std::string_view kInsertSql =
    "INSERT INTO events (seq, event_id, stream, version, type, schema, payload, meta, recorded_at, hash) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

// Rolls the write transaction back unless commit() succeeded.
class WriteTransaction {
 public:
  WriteTransaction(SqlStatement& begin, SqlStatement& commit, sqlite3* db) : commit_(commit), db_(db) {
    ResetOnExit r(begin);
    begin.step();
    open_ = true;
  }
  ~WriteTransaction() {
    if (open_ && !sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  void commit() {
    ResetOnExit r(commit_);
    commit_.step();
    open_ = false;
  }
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;

 private:
  SqlStatement& commit_;
  sqlite3* db_;
  bool open_ = false;
};

bool is_unique_event_id_violation(const SQLite::Exception& e) {
  return e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE &&
         std::string_view(e.what()).find("events.event_id") != std::string_view::npos;
}

}  // namespace

SqliteEventStore::SqliteEventStore(Database& db, Clock clock)
    : db_(db), clock_(clock ? std::move(clock) : Clock(&system_clock_ms)),
      state_(std::make_unique<State>(db.sql().getHandle())) {}

SqliteEventStore::~SqliteEventStore() = default;

AppendResult SqliteEventStore::append(const std::string& stream, int64_t expected_version,
                                      const std::vector<NewEvent>& events, const Meta& meta,
                                      const AppendHook& hook) {
  Item item{stream, expected_version, events, meta};
  return append_items(&item, 1, hook).front();
}

std::vector<AppendResult> SqliteEventStore::append_batch(const std::vector<StreamAppend>& batch,
                                                         const AppendHook& hook) {
  std::vector<Item> items;
  items.reserve(batch.size());
  for (const auto& b : batch) items.push_back(Item{b.stream, b.expected_version, b.events, b.meta});
  if (items.empty()) return {};
  return append_items(items.data(), items.size(), hook);
}

std::vector<AppendResult> SqliteEventStore::append_items(const Item* items, size_t n, const AppendHook& hook) {
  std::vector<AppendResult> results;
  results.reserve(n);
  std::vector<Event> appended;
  State& st = *state_;
  auto translated = [&](auto&& step) {
    try {
      step();
    } catch (const SQLite::Exception& e) {
      throw StoreError(fmt::format("append to event database '{}' failed: {}", db_.path(), e.what()));
    }
  };

  std::optional<WriteTransaction> txn;
  translated([&] {
    txn.emplace(st.get(st.begin, "BEGIN IMMEDIATE"), st.get(st.commit, "COMMIT"), st.handle);
    Head head = read_head();
    const int64_t now = std::max(clock_(), head.recorded_at);
    for (size_t i = 0; i < n; ++i) results.push_back(append_item(items[i], head, now, hook ? &appended : nullptr));
  });
  // Whatever the hook throws is the caller's business: it propagates as is
  // (the transaction rolls back when txn goes out of scope).
  if (hook && !appended.empty()) hook(appended);
  translated([&] { txn->commit(); });
  return results;
}

AppendResult SqliteEventStore::append_item(const Item& item, Head& head, int64_t now,
                                           std::vector<Event>* appended) {
  const auto& events = item.events;
  check_append_arguments(item.stream, item.expected_version, events);

  if (auto retry = find_retry(item)) return *retry;

  int64_t version = version_of(item.stream);
  if (item.expected_version != kAnyVersion && item.expected_version != version)
    throw ConflictError(item.stream, item.expected_version, version);

  State& st = *state_;
  if (!st.have_meta || !(st.last_meta == item.meta)) {
    st.last_meta = item.meta;
    st.last_meta_json = item.meta.to_json();
    st.last_meta_text = st.last_meta_json.dump();
    st.have_meta = true;
  }

  SqlStatement& insert = st.get(st.insert, kInsertSql);
  AppendResult result;
  result.first_seq = head.seq + 1;
  // Scratch strings live in State: after the first batch, a bulk append
  // allocates nothing per event here except the payload's dump().
  std::string& generated_id = st.generated_id;
  std::string& hash = st.hash;
  for (const NewEvent& ne : events) {
    const int64_t seq = head.seq + 1;
    ++version;
    if (ne.event_id.empty()) new_event_id_into(&generated_id);
    const std::string& event_id = ne.event_id.empty() ? generated_id : ne.event_id;
    const std::string payload = payload_text(item.stream, ne);
    ChainFields f{seq, event_id, item.stream, version, ne.type, ne.schema, payload, st.last_meta_text, now};
    st.hasher.next_into(head.hash, f, &hash);

    insert.bind(1, seq);
    insert.bind(2, std::string_view(event_id));
    insert.bind(3, std::string_view(item.stream));
    insert.bind(4, version);
    insert.bind(5, std::string_view(ne.type));
    insert.bind(6, static_cast<int64_t>(ne.schema));
    insert.bind(7, std::string_view(payload));
    insert.bind(8, std::string_view(st.last_meta_text));
    insert.bind(9, now);
    insert.bind(10, std::string_view(hash));
    try {
      ResetOnExit r(insert);
      insert.step();
    } catch (const SQLite::Exception& e) {
      if (is_unique_event_id_violation(e))
        throw StoreError(fmt::format("append to stream '{}': event_id '{}' is already stored", item.stream, event_id));
      throw StoreError(fmt::format("append to stream '{}' failed: {}", item.stream, e.what()));
    }

    if (appended) {
      appended->push_back(Event{seq, event_id, item.stream, version, ne.type, ne.schema, ne.payload,
                                st.last_meta_json, now, hash});
    }
    head.seq = seq;
    head.hash.swap(hash);
  }
  result.last_seq = head.seq;
  result.stream_version = version;
  return result;
}

// A retried command carries the event ids of its first attempt. When the first
// one is stored, the earlier append went through: report its positions.
std::optional<AppendResult> SqliteEventStore::find_retry(const Item& item) {
  const std::string& first_id = item.events.front().event_id;
  if (first_id.empty()) return std::nullopt;
  State& st = *state_;

  SqlStatement& by_id = st.get(st.by_event_id, "SELECT seq, stream, version FROM events WHERE event_id = ?1");
  ResetOnExit r1(by_id);
  by_id.bind(1, std::string_view(first_id));
  if (!by_id.step()) return std::nullopt;
  StoredFirst first{by_id.int64(0), std::string(by_id.text(1)), by_id.int64(2)};

  SqlStatement& at = st.get(st.at_seq, "SELECT stream, version, event_id FROM events WHERE seq = ?1");
  ResetOnExit r2(at);
  at.bind(1, first.seq + static_cast<int64_t>(item.events.size()) - 1);
  std::optional<StoredAt> at_last;
  if (at.step()) at_last = StoredAt{std::string(at.text(0)), at.int64(1), std::string(at.text(2))};
  return retry_result(item.stream, item.events, first, at_last);
}

SqliteEventStore::Head SqliteEventStore::read_head() {
  State& st = *state_;
  SqlStatement& q = st.get(st.head, "SELECT seq, hash, recorded_at FROM events ORDER BY seq DESC LIMIT 1");
  ResetOnExit r(q);
  Head h;
  if (q.step()) {
    h.seq = q.int64(0);
    h.hash = q.text(1);
    h.recorded_at = q.int64(2);
  }
  return h;
}

int64_t SqliteEventStore::version_of(const std::string& stream) {
  State& st = *state_;
  SqlStatement& q =
      st.get(st.version, "SELECT version FROM events WHERE stream = ?1 ORDER BY version DESC LIMIT 1");
  ResetOnExit r(q);
  q.bind(1, std::string_view(stream));
  return q.step() ? q.int64(0) : 0;
}

}  // namespace qmd::events
