// SqlSession over a PgConnection (internal to events/; reached through
// PgDatabase::session()).
#pragma once

#include <string>
#include <unordered_map>

#include "events/pg_connection.h"
#include "events/sql_session.h"

namespace qmd::events {

class PgSession final : public SqlSession {
 public:
  explicit PgSession(PgConnection& conn) : conn_(conn) {}

  // `?`s become $1, $2, … (the portable SQL of the read model has no `?`
  // inside literals); each statement is prepared once per connection.
  void run(std::string_view sql, std::initializer_list<SqlParam> params = {},
           const SqlRowFn& row = nullptr) override;
  // BEGIN, the log head FOR UPDATE (writers serialise as with SQLite's BEGIN
  // IMMEDIATE), fn, COMMIT. Unsynced: SET LOCAL synchronous_commit = off.
  void transaction(const std::function<void()>& fn, Durability durability = Durability::Synced) override;

 private:
  const std::string& translated(std::string_view sql);

  PgConnection& conn_;
  std::unordered_map<std::string, std::string> translations_;
};

// Rolls an open transaction back on destruction unless committed. Used by
// every write transaction on a PgConnection (the store's appends and PgSession).
class PgTransaction {
 public:
  explicit PgTransaction(PgConnection& conn, std::string_view begin = "BEGIN");
  ~PgTransaction();
  void commit();
  PgTransaction(const PgTransaction&) = delete;
  PgTransaction& operator=(const PgTransaction&) = delete;

 private:
  PgConnection& conn_;
  bool open_ = false;
};

}  // namespace qmd::events
