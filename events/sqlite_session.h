// SqlSession over the SQLite connection of a Database (internal to events/;
// reached through Database::session()).
#pragma once

#include <memory>
#include <string>
#include <unordered_map>

#include <SQLiteCpp/Database.h>

#include "events/sql_session.h"
#include "events/sql_statement.h"

namespace qmd::events {

class SqliteSession final : public SqlSession {
 public:
  // `db` must outlive the session; `path` names the file in error messages.
  SqliteSession(SQLite::Database& db, std::string path) : db_(db), path_(std::move(path)) {}

  void run(std::string_view sql, std::initializer_list<SqlParam> params = {},
           const SqlRowFn& row = nullptr) override;
  // Unsynced: PRAGMA synchronous = NORMAL for this one commit (WAL: the commit
  // is atomic, only its fsync is deferred to the next checkpoint).
  void transaction(const std::function<void()>& fn, Durability durability = Durability::Synced) override;

 private:
  SQLite::Database& db_;
  std::string path_;
  // Statements prepared once, by SQL text (the read model runs few distinct ones).
  std::unordered_map<std::string, std::unique_ptr<SqlStatement>> statements_;
};

}  // namespace qmd::events
