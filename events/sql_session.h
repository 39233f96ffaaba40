// SqlSession: the connection of the log as the read tables of projections/
// use it — the same statements on SQLite and PostgreSQL, so the read model
// has one implementation for both backends. The log itself is reached only
// through EventStore.
//
// SQL given here must be portable between SQLite 3.40 and PostgreSQL 15:
// parameters as `?` (in order), upserts as INSERT … ON CONFLICT … DO UPDATE.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

namespace qmd::events {

// A result row: columns by index, valid only during the callback.
class SqlRow {
 public:
  virtual ~SqlRow() = default;
  virtual int64_t int64(int col) const = 0;
  virtual std::string_view text(int col) const = 0;
};

using SqlParam = std::variant<int64_t, std::string_view>;
using SqlRowFn = std::function<void(const SqlRow&)>;

enum class Durability {
  Synced,    // the commit is on disk when commit returns
  Unsynced,  // may be lost in a crash (state that is cheap to recompute)
};

class SqlSession {
 public:
  virtual ~SqlSession() = default;

  // Runs one statement with `params` bound to its `?`s in order; calls `row`
  // for each result row. Throws StoreError naming the database and the cause.
  // `row` must not run statements on this session.
  virtual void run(std::string_view sql, std::initializer_list<SqlParam> params = {},
                   const SqlRowFn& row = nullptr) = 0;

  // Runs fn inside one write transaction: committed when fn returns, rolled
  // back (and the exception rethrown) when it throws. Must not be nested, nor
  // called inside an append (whose hook already runs in its transaction).
  virtual void transaction(const std::function<void()>& fn, Durability durability = Durability::Synced) = 0;
};

}  // namespace qmd::events
