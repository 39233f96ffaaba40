#include "events/database.h"

#include <sqlite3.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <thread>

#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include <fmt/format.h>

#include "events/migrations.h"
#include "events/sqlite_session.h"
#include "events/store.h"

namespace qmd::events {

namespace {

constexpr int kBusyTimeoutMs = 30000;
// Page cache per connection. The event_id index has random keys (UUIDs): with
// SQLite's default 2 MiB cache, bulk appends beyond a few 100k events spend
// their time re-reading and spilling index pages (bench_event_append, 1M
// events: 40 s with the default cache, 32 s with this one, on a loaded host).
constexpr int kCacheKiB = 64 * 1024;

int user_version(SQLite::Database& db) {
  SQLite::Statement q(db, "PRAGMA user_version");
  q.executeStep();
  return q.getColumn(0).getInt();
}

int latest_known_version() {
  int v = 0;
  for (const auto& m : embedded_migrations()) v = std::max(v, m.version);
  return v;
}

// Applies one migration in its own write transaction. The version is re-read
// inside the transaction because another process may have opened (and
// migrated) the same fresh file concurrently.
void apply_migration(SQLite::Database& db, const Migration& m, const std::string& path, int found_before) {
  try {
    db.exec("BEGIN IMMEDIATE");
    if (user_version(db) >= m.version) {
      db.exec("COMMIT");
      return;
    }
    db.exec(m.sql);
    db.exec(fmt::format("PRAGMA user_version = {}", m.version));
    db.exec("COMMIT");
    // Creating a fresh file is routine; upgrading an existing one is worth noting.
    spdlog::log(found_before > 0 ? spdlog::level::info : spdlog::level::debug,
                "event database {}: applied migration {}", path, m.name);
  } catch (const SQLite::Exception& e) {
    db.tryExec("ROLLBACK");
    throw StoreError(fmt::format("event database '{}': migration {} failed: {}", path, m.name, e.what()));
  }
}


// Sets the connection up and returns its user_version. Switching a fresh file
// to WAL needs an exclusive lock, and SQLite reports SQLITE_BUSY at once
// (without the busy handler, to avoid a deadlock) when several processes open
// the same fresh file together; the setup is idempotent, so it is retried.
int configure(SQLite::Database& db, const std::string& path) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
  for (;;) {
    try {
      // The first statement that reads the header; a file that is not a database fails here.
      SQLite::Statement mode(db, "PRAGMA journal_mode = WAL");
      mode.executeStep();
      std::string journal = mode.getColumn(0).getString();
      if (journal != "wal")
        throw StoreError(fmt::format(
            "cannot open event database '{}': WAL journaling refused (journal mode is {})", path, journal));
      db.exec("PRAGMA synchronous = FULL");
      // Keep the WAL when the last connection closes: checkpointing and
      // deleting it on every short-lived `qm` process costs four syncs (two at
      // close, two to re-create it at the next open) and gains nothing;
      // SQLite's automatic checkpoints still bound its size.
      sqlite3_db_config(db.getHandle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
      db.exec(fmt::format("PRAGMA cache_size = -{}", kCacheKiB));
      db.exec("PRAGMA foreign_keys = ON");
      return user_version(db);
    } catch (const SQLite::Exception& e) {
      if (e.getErrorCode() != SQLITE_BUSY || std::chrono::steady_clock::now() >= deadline)
        throw StoreError(fmt::format("cannot open event database '{}': {}", path, e.what()));
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
}

}  // namespace

Database::Database(std::unique_ptr<SQLite::Database> db, std::string path)
    : db_(std::move(db)), path_(std::move(path)), session_(std::make_unique<SqliteSession>(*db_, path_)) {}

Database::~Database() = default;

std::unique_ptr<Database> Database::open(const std::string& path) {
  std::unique_ptr<SQLite::Database> db;
  try {
    // NOMUTEX: a connection is never shared between threads (qmd gives each
    // worker its own), so SQLite's per-call mutexes are pure cost.
    db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX,
                                            kBusyTimeoutMs);
  } catch (const SQLite::Exception& e) {
    throw StoreError(fmt::format("cannot open event database '{}': {}", path, e.what()));
  }
  const int found = configure(*db, path);

  const int known = latest_known_version();
  if (found > known)
    throw StoreError(fmt::format(
        "cannot open event database '{}': its schema version {} is newer than this qmd knows ({}); upgrade qmd",
        path, found, known));

  for (const auto& m : embedded_migrations())
    if (m.version > found) apply_migration(*db, m, path, found);

  return std::unique_ptr<Database>(new Database(std::move(db), path));
}

}  // namespace qmd::events
