#include "events/sqlite_session.h"

#include <fmt/format.h>

#include "events/store.h"

namespace qmd::events {

namespace {

class SqliteRow final : public SqlRow {
 public:
  explicit SqliteRow(const SqlStatement& q) : q_(q) {}
  int64_t int64(int col) const override { return q_.int64(col); }
  std::string_view text(int col) const override { return q_.text(col); }

 private:
  const SqlStatement& q_;
};

}  // namespace

void SqliteSession::run(std::string_view sql, std::initializer_list<SqlParam> params, const SqlRowFn& row) {
  try {
    auto& slot = statements_[std::string(sql)];
    if (!slot) slot = std::make_unique<SqlStatement>(db_.getHandle(), sql);
    SqlStatement& q = *slot;
    ResetOnExit reset(q);
    int i = 0;
    for (const SqlParam& p : params) std::visit([&](const auto& v) { q.bind(++i, v); }, p);
    SqliteRow r(q);
    while (q.step())
      if (row) row(r);
  } catch (const SQLite::Exception& e) {
    throw StoreError(fmt::format("read tables of event database '{}': {}", path_, e.what()));
  }
}

void SqliteSession::transaction(const std::function<void()>& fn, Durability durability) {
  const bool unsynced = durability == Durability::Unsynced;
  try {
    if (unsynced) db_.exec("PRAGMA synchronous = NORMAL");
    db_.exec("BEGIN IMMEDIATE");
  } catch (const SQLite::Exception& e) {
    if (unsynced) db_.tryExec("PRAGMA synchronous = FULL");
    throw StoreError(fmt::format("transaction on event database '{}': {}", path_, e.what()));
  }
  auto restore = [&] {
    if (unsynced) db_.tryExec("PRAGMA synchronous = FULL");
  };
  try {
    fn();
    db_.exec("COMMIT");
  } catch (const SQLite::Exception& e) {
    db_.tryExec("ROLLBACK");
    restore();
    throw StoreError(fmt::format("transaction on event database '{}': {}", path_, e.what()));
  } catch (...) {
    db_.tryExec("ROLLBACK");
    restore();
    throw;
  }
  restore();
}

}  // namespace qmd::events
