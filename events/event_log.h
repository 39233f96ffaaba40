// EventLog: the log a node was pointed at with --db / QMD_DB — a SQLite file
// or a PostgreSQL database — opened, migrated, with its store and the session
// the read tables use. The one place that chooses the backend.
#pragma once

#include <memory>
#include <string>

#include "events/sql_session.h"
#include "events/store.h"

namespace qmd::events {

class Database;
class PgDatabase;

class EventLog {
 public:
  // `db`: a libpq URI (postgresql://…, postgres://…) or conninfo ("host=…
  // dbname=…") opens PostgreSQL (events/pg_store.h); anything else is the
  // path of a SQLite file (events/sqlite_store.h), created when missing.
  // `clock` is handed to the store (tests). Throws StoreError naming the
  // location (never a password).
  static std::unique_ptr<EventLog> open(const std::string& db, Clock clock = nullptr);
  ~EventLog();

  EventStore& store() { return *store_; }
  SqlSession& session() { return *session_; }
  bool postgresql() const { return pg_ != nullptr; }
  // The file path, or the PostgreSQL location without the password.
  const std::string& location() const { return location_; }

 private:
  EventLog() = default;
  std::unique_ptr<Database> sqlite_;
  std::unique_ptr<PgDatabase> pg_;
  std::unique_ptr<EventStore> store_;
  SqlSession* session_ = nullptr;
  std::string location_;
};

}  // namespace qmd::events
