// PgEventStore: the EventStore over the `events` table of a PgDatabase
// (schema: migrations/postgresql/0001_events.sql). Same contract and same
// rows as SqliteEventStore, so a log copied between them verifies on both.
//
// Guarantees beyond EventStore's contract:
//  - Every append (and append_batch) is one transaction that first takes the
//    one-row log head FOR UPDATE: writers on any number of connections and
//    hosts serialise there, seq = head + 1 is gapless AND commits in seq order
//    (a reader of "seq > last" never misses a row that commits later with a
//    smaller seq, as rows from a sequence would).
//  - recorded_at never decreases along seq (max(clock(), the head's)).
//  - Durable: the commit returns once PostgreSQL has flushed it (the server's
//    synchronous_commit; with a synchronous standby, once the standby has it).
//  - Event ids left empty are filled with new_event_id() (UUID v7).
//  - payload/meta are stored as the same nlohmann::json::dump() text as on
//    SQLite and that text is what the hash chain covers.
//
// Errors: ConflictError, std::invalid_argument (as SqliteEventStore), PgError
// (a StoreError: server or connection failure; the message names the location,
// never the password). Whatever the hook throws propagates after rollback.
//
// Not thread-safe: one store (and one PgDatabase) per thread. The read_all
// callback may call the store's read methods (results are read in chunks).
#pragma once

#include <memory>

#include "events/pg_database.h"
#include "events/store.h"

namespace qmd::events {

class PgEventStore final : public EventStore {
 public:
  // `db` must outlive the store. `clock` defaults to system_clock_ms.
  explicit PgEventStore(PgDatabase& db, Clock clock = nullptr);
  ~PgEventStore() override;
  PgEventStore(const PgEventStore&) = delete;
  PgEventStore& operator=(const PgEventStore&) = delete;

  AppendResult append(const std::string& stream, int64_t expected_version, const std::vector<NewEvent>& events,
                      const Meta& meta, const AppendHook& hook = nullptr) override;
  std::vector<AppendResult> append_batch(const std::vector<StreamAppend>& batch,
                                         const AppendHook& hook = nullptr) override;

  std::vector<Event> read_stream(const std::string& stream, const Upto& upto = {},
                                 int64_t after_version = 0) override;
  void read_all(int64_t from_seq, const std::function<bool(const Event&)>& fn, const Upto& upto = {}) override;
  void read_all_raw(int64_t from_seq, const std::function<bool(const RawEvent&)>& fn,
                    const Upto& upto = {}) override;
  int64_t stream_version(const std::string& stream) override;
  int64_t head_seq() override;
  std::vector<std::string> streams(const std::string& prefix) override;
  std::optional<int64_t> verify_chain(std::string* why) override;

 private:
  struct Item;
  struct Head;
  struct Scratch;

  std::vector<AppendResult> append_items(const Item* items, size_t n, const AppendHook& hook);
  AppendResult append_item(const Item& item, Head& head, int64_t now, std::vector<Event>* appended);
  std::optional<AppendResult> find_retry(const Item& item);
  int64_t version_of(const std::string& stream);
  // Calls fn for each row of kEventColumns with seq in [from, upto], in seq order, a chunk at a time.
  void scan(int64_t from_seq, const Upto& upto, std::string_view columns,
            const std::function<bool(const PgResult&, int row)>& fn);

  PgDatabase& db_;
  Clock clock_;
  std::unique_ptr<Scratch> scratch_;
};

}  // namespace qmd::events
