#include <catch2/catch.hpp>

#include <fstream>

#include <SQLiteCpp/SQLiteCpp.h>

#include "events/database.h"
#include "events/migrations.h"
#include "events/store.h"
#include "tests/events/event_test_support.h"

using namespace qmd::events;
using qmd::events::testing::TempDir;

namespace {

std::string pragma(Database& db, const std::string& name) {
  SQLite::Statement q(db.sql(), "PRAGMA " + name);
  REQUIRE(q.executeStep());
  return q.getColumn(0).getString();
}

int latest_migration() { return embedded_migrations().back().version; }

std::string open_error(const std::string& path) {
  try {
    Database::open(path);
  } catch (const StoreError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("migrations are embedded in version order, starting with the event log") {
  const auto& m = embedded_migrations();
  REQUIRE(!m.empty());
  CHECK(m.front().version == 1);
  CHECK(std::string(m.front().name) == "0001_events.sql");
  for (size_t i = 1; i < m.size(); ++i) CHECK(m[i - 1].version < m[i].version);
}

TEST_CASE("open creates the file with WAL, synchronous=FULL, a busy timeout and the schema") {
  TempDir dir;
  auto db = Database::open(dir.file("qmd.db"));
  CHECK(db->path() == dir.file("qmd.db"));
  CHECK(pragma(*db, "journal_mode") == "wal");
  CHECK(pragma(*db, "synchronous") == "2");  // FULL
  CHECK(pragma(*db, "busy_timeout") == "30000");
  CHECK(pragma(*db, "foreign_keys") == "1");
  CHECK(pragma(*db, "user_version") == std::to_string(latest_migration()));
  CHECK(db->sql().tableExists("events"));
}

TEST_CASE("reopening applies nothing twice and keeps the data") {
  TempDir dir;
  {
    auto db = Database::open(dir.file("qmd.db"));
    db->sql().exec(
        "INSERT INTO events (seq, event_id, stream, version, type, schema, payload, meta, recorded_at, hash) "
        "VALUES (1, 'e1', 'vm/1', 1, 't', 1, '{}', '{}', 0, 'x')");
  }
  auto db = Database::open(dir.file("qmd.db"));
  CHECK(pragma(*db, "user_version") == std::to_string(latest_migration()));
  CHECK(db->sql().execAndGet("SELECT count(*) FROM events").getInt() == 1);
}

TEST_CASE("a file that is not a database is refused with a clear StoreError") {
  TempDir dir;
  const std::string path = dir.file("garbage.db");
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 512; ++i) out << "this is not an SQLite file\n";
  }
  CHECK(open_error(path) == "cannot open event database '" + path + "': file is not a database");
}

TEST_CASE("a database with a newer schema than this binary knows is refused") {
  TempDir dir;
  const std::string path = dir.file("future.db");
  {
    SQLite::Database raw(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    raw.exec("PRAGMA user_version = 9999");
  }
  CHECK(open_error(path) == "cannot open event database '" + path + "': its schema version 9999 is newer than " +
                                "this qmd knows (" + std::to_string(latest_migration()) + "); upgrade qmd");
}

TEST_CASE("an unopenable path is reported with the path") {
  TempDir dir;
  const std::string path = dir.file("no/such/dir/qmd.db");
  CHECK(open_error(path) == "cannot open event database '" + path + "': unable to open database file");
}
