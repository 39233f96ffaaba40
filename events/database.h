// The SQLite database file that holds the log (and, alongside it, the read
// tables of projections/). Opening it applies the embedded migrations.
#pragma once

#include <memory>
#include <string>

#include <SQLiteCpp/Database.h>

#include "events/sql_session.h"

namespace qmd::events {

class Database {
 public:
  ~Database();
  // Opens `path`, creating the file if needed, with WAL journaling,
  // synchronous=FULL (an acknowledged commit is on disk), a busy timeout of 30 s
  // (so concurrent processes wait instead of failing), a 64 MiB page cache and
  // foreign keys on; then applies
  // every embedded migration whose version is above PRAGMA user_version, each in
  // its own transaction, bumping user_version.
  // Throws StoreError naming the file and the cause (not a database, newer schema
  // than this binary knows, unwritable, ...).
  static std::unique_ptr<Database> open(const std::string& path);

  // The connection. events/ uses it for the log; projections/ for its read
  // tables (in the same transaction, through EventStore's AppendHook).
  SQLite::Database& sql() { return *db_; }
  // The same connection as projections/ reaches it (backend-neutral).
  SqlSession& session() { return *session_; }
  const std::string& path() const { return path_; }

 private:
  Database(std::unique_ptr<SQLite::Database> db, std::string path);
  std::unique_ptr<SQLite::Database> db_;
  std::string path_;
  std::unique_ptr<SqlSession> session_;
};

}  // namespace qmd::events
