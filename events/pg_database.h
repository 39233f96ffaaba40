// PgDatabase: the PostgreSQL database that holds the log and, beside it, the
// read tables of projections/ — the counterpart of Database (the SQLite file).
// Opening it connects and applies the embedded migrations/postgresql/ files.
#pragma once

#include <memory>
#include <string>

#include "events/pg_connection.h"
#include "events/sql_session.h"

namespace qmd::events {

class PgDatabase {
 public:
  // Connects with `conninfo` (libpq URI or conninfo string), then applies
  // every embedded migration above the version recorded in qmd_schema, each in
  // its own transaction under an advisory lock (nodes starting together
  // migrate once). A database already at the latest version needs no DDL
  // right, so the nodes' roles (members of qmd_append) can open it.
  // Throws StoreError naming the location (never the password): unreachable
  // server, a schema newer than this binary knows, a migration refused
  // (e.g. a role without the right to create tables on an empty database).
  static std::unique_ptr<PgDatabase> open(const std::string& conninfo);
  ~PgDatabase();

  PgConnection& connection() { return *conn_; }
  // The same connection as projections/ reaches it. Its write transactions
  // take the log head FOR UPDATE first, so they serialise with appends as
  // SQLite's BEGIN IMMEDIATE does.
  SqlSession& session() { return *session_; }
  const std::string& location() const { return conn_->location(); }

 private:
  explicit PgDatabase(std::unique_ptr<PgConnection> conn);
  std::unique_ptr<PgConnection> conn_;
  std::unique_ptr<SqlSession> session_;
};

}  // namespace qmd::events
