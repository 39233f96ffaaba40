// A prepared statement over SQLite's C API, for the store's hot paths (bulk
// append, full scans) where SQLiteCpp's per-column shared_ptr copies and
// per-call checks show up in profiles. Internal to events/.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string_view>

#include <SQLiteCpp/Exception.h>

namespace qmd::events {

class SqlStatement {
 public:
  // Prepares `sql` on `db` (kept for error messages). Throws SQLite::Exception.
  SqlStatement(sqlite3* db, std::string_view sql) : db_(db) {
    int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_,
                                nullptr);
    if (rc != SQLITE_OK) throw SQLite::Exception(db, rc);
  }
  ~SqlStatement() { sqlite3_finalize(stmt_); }
  SqlStatement(const SqlStatement&) = delete;
  SqlStatement& operator=(const SqlStatement&) = delete;

  // Binds without copying: `v` must stay alive until the statement has been
  // stepped and reset. Bindings survive reset(), so callers rebind every
  // parameter before each run (a stale binding may point at freed memory).
  void bind(int index, std::string_view v) {
    check(sqlite3_bind_text(stmt_, index, v.data(), static_cast<int>(v.size()), SQLITE_STATIC));
  }
  void bind(int index, int64_t v) { check(sqlite3_bind_int64(stmt_, index, v)); }

  // Steps once: true when a row is available. Throws SQLite::Exception on error
  // (the statement is reset first, so it can be reused).
  bool step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    SQLite::Exception error(db_, rc);  // before reset, which may touch the message
    sqlite3_reset(stmt_);
    throw error;
  }
  // Ready for new bindings and a new run; bindings are kept until rebound.
  void reset() { sqlite3_reset(stmt_); }

  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  int64_t int64(int col) const { return sqlite3_column_int64(stmt_, col); }
  // Valid until the next step() or reset().
  std::string_view text(int col) const {
    const unsigned char* p = sqlite3_column_text(stmt_, col);
    if (!p) return {};
    return {reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, col))};
  }

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) throw SQLite::Exception(db_, rc);
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// Resets a statement when leaving a scope (exceptions included), so a cached
// statement never keeps a read transaction open.
class ResetOnExit {
 public:
  explicit ResetOnExit(SqlStatement& s) : s_(s) {}
  ~ResetOnExit() { s_.reset(); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  SqlStatement& s_;
};

}  // namespace qmd::events
