// A small RAII wrapper over libpq: one connection (PGconn), its results
// (PGresult), parameters as text, statements prepared once per connection.
// Nothing outside events/ sees libpq.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "events/store.h"

struct pg_conn;
struct pg_result;

namespace qmd::events {

// A failed PostgreSQL call. what(): "<what was done> on <location>: <server's message>".
// sqlstate() is the five-character SQLSTATE ("23505" unique violation, "P0001"
// raised by a trigger, ...), empty when the failure is the connection's.
class PgError : public StoreError {
 public:
  PgError(const std::string& message, std::string sqlstate, std::string primary)
      : StoreError(message), sqlstate_(std::move(sqlstate)), primary_(std::move(primary)) {}
  const std::string& sqlstate() const { return sqlstate_; }
  // The server's primary message alone ("events are append-only").
  const std::string& primary() const { return primary_; }
  // The connection itself failed or was lost (08xxx, or no SQLSTATE at all).
  bool connection_lost() const { return sqlstate_.empty() || sqlstate_.rfind("08", 0) == 0; }

 private:
  std::string sqlstate_, primary_;
};

// One result: rows of text columns (NULL reads as "").
class PgResult {
 public:
  PgResult() = default;
  explicit PgResult(pg_result* r);
  ~PgResult();
  PgResult(PgResult&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  PgResult& operator=(PgResult&& o) noexcept;
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;

  int rows() const;
  bool is_null(int row, int col) const;
  std::string_view text(int row, int col) const;
  // The column as a decimal integer; throws StoreError when it is not one.
  int64_t int64(int row, int col) const;

 private:
  pg_result* r_ = nullptr;
};

// A parameter: sent as its text (integers in decimal), or NULL.
using PgParam = std::variant<std::monostate, int64_t, std::string_view>;

class PgConnection {
 public:
  // Connects with a libpq URI ("postgresql://…") or conninfo ("host=… dbname=…").
  // Throws PgError "cannot connect to the event log at <location>: <reason>".
  explicit PgConnection(const std::string& conninfo);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs `sql` (one statement, parameters $1, $2, …) and returns its rows.
  // With prepare = true the statement is prepared on first use and reused
  // (for the hot paths); otherwise sent as is. Throws PgError naming `what`.
  PgResult exec(std::string_view sql, const std::vector<PgParam>& params = {}, bool prepare = true,
                std::string_view what = "query");
  // Runs a parameterless script (several statements; DDL). Throws PgError.
  void exec_script(std::string_view sql, std::string_view what);

  // Where this connection goes, without any password: "host=/tmp/x port=5432 dbname=qmd user=qmd".
  const std::string& location() const { return location_; }

 private:
  PgResult check(pg_result* r, std::string_view what);

  pg_conn* conn_ = nullptr;
  std::string location_;
  std::unordered_map<std::string, std::string> prepared_;  // sql -> statement name
};

// True when `db` names a PostgreSQL database: a libpq URI (postgresql://,
// postgres://) or a conninfo string ("key=value …") rather than a file path.
bool is_postgresql(std::string_view db);

// `db` as it may be shown or logged: a file path unchanged; a PostgreSQL
// string as its host, port, dbname and user only (never the password).
std::string describe_database(const std::string& db);

}  // namespace qmd::events
