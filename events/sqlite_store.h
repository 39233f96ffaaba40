// SqliteEventStore: the EventStore over the `events` table of a Database
// (schema: migrations/sqlite/0001_events.sql).
//
// Guarantees beyond EventStore's contract:
//  - Every append (and append_batch) is one BEGIN IMMEDIATE transaction, so
//    writers in several processes serialise on the database file (waiting up to
//    the busy timeout) and seq stays gapless: seq = previous head + 1.
//  - recorded_at never decreases along seq: an event is stamped with
//    max(clock(), recorded_at of the previous event). An as-of time therefore
//    selects a prefix of the log.
//  - Event ids left empty are filled with new_event_id() (time-ordered UUID v7).
//  - payload/meta are stored as nlohmann::json::dump() text and that text is
//    what the hash chain covers (events/hash_chain.h).
//
// Errors: ConflictError (version check), std::invalid_argument (empty event
// list, empty stream or type, a payload that cannot be serialised, a bad
// expected_version), StoreError (SQLite failure, an event_id stored before for
// a different append, unreadable stored JSON); the message names the stream or seq.
// Whatever the hook throws propagates unchanged after rollback.
//
// Not thread-safe: use one store (and one Database) per thread. Reentrancy: the
// read_all callback may call the store's read methods.
#pragma once

#include <functional>
#include <memory>

#include "events/database.h"
#include "events/store.h"

namespace qmd::events {

class SqliteEventStore final : public EventStore {
 public:
  // `db` must outlive the store. `clock` defaults to system_clock_ms.
  explicit SqliteEventStore(Database& db, Clock clock = nullptr);
  ~SqliteEventStore() override;
  SqliteEventStore(const SqliteEventStore&) = delete;
  SqliteEventStore& operator=(const SqliteEventStore&) = delete;

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
  struct Item;   // one stream's part of an append, by reference
  struct Head;   // the last event: seq, hash, recorded_at
  struct State;  // prepared statements, hasher, scratch buffers

  std::vector<AppendResult> append_items(const Item* items, size_t n, const AppendHook& hook);
  AppendResult append_item(const Item& item, Head& head, int64_t now, std::vector<Event>* appended);
  std::optional<AppendResult> find_retry(const Item& item);
  Head read_head();
  int64_t version_of(const std::string& stream);

  Database& db_;
  Clock clock_;
  std::unique_ptr<State> state_;
};

}  // namespace qmd::events
