// The two backends of events/, for tests that must hold on both with the same
// assertions: TEMPLATE_TEST_CASE(..., SqliteLog, PgLog), and in the body
// QMD_LOG_FIXTURE(SomeFixture) — which declares `f` as SomeFixture<TestType>,
// or returns after a warning when the backend cannot run here (PostgreSQL not
// installed).
#pragma once

#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include "events/event_log.h"
#include "events/pg_connection.h"
#include "tests/events/event_test_support.h"
#include "tests/support/pg_server.h"

namespace qmd::events::testing {

// A SQLite file in a temporary directory.
class SqliteLog {
 public:
  static bool available(std::string*) { return true; }
  // What EventLog::open (and qm's --db) takes.
  std::string db() const { return dir_.file("qmd.db"); }

  // Runs `sql` behind the store's back, with the append-only triggers out of
  // the way: what someone with write access to the file could do.
  void tamper(const std::string& sql) {
    SQLite::Database raw(db(), SQLite::OPEN_READWRITE);
    raw.exec("DROP TRIGGER IF EXISTS events_no_update; DROP TRIGGER IF EXISTS events_no_delete");
    raw.exec(sql);
  }
  // The error `sql` gets from the database as it is (triggers in place), or "(no error)".
  std::string refused(const std::string& sql) {
    try {
      SQLite::Database raw(db(), SQLite::OPEN_READWRITE);
      raw.exec(sql);
    } catch (const SQLite::Exception& e) {
      return e.what();
    }
    return "(no error)";
  }

 private:
  TempDir dir_;
};

// A fresh database on the test binary's PostgreSQL server (as its superuser).
class PgLog {
 public:
  static bool available(std::string* why) { return qmd::testing::PgServer::shared(why) != nullptr; }
  PgLog() : server_(*qmd::testing::PgServer::shared(nullptr)), db_(server_.new_database()) {}
  std::string db() const { return db_; }
  qmd::testing::PgServer& server() { return server_; }

  // As the superuser with triggers disabled for the session
  // (session_replication_role = replica): the owner of the server tampering.
  void tamper(const std::string& sql) {
    PgConnection c(db_);
    c.exec_script("SET session_replication_role = replica; " + sql, "tampering");
  }
  // The server's primary message for `sql` as the superuser, or "(no error)".
  std::string refused(const std::string& sql) { return refused_as(db_, sql); }
  static std::string refused_as(const std::string& conninfo, const std::string& sql) {
    try {
      PgConnection c(conninfo);
      c.exec_script(sql, "test SQL");
    } catch (const PgError& e) {
      return e.primary();
    }
    return "(no error)";
  }

 private:
  qmd::testing::PgServer& server_;
  std::string db_;
};

// Builds F, or nullptr with a warning when F's backend cannot run here.
template <typename F>
std::unique_ptr<F> make_or_skip() {
  std::string why;
  if (!F::Backend::available(&why)) {
    WARN("SKIPPED: " << why);
    return nullptr;
  }
  return std::make_unique<F>();
}

// A log on backend B with an injectable clock (`now`).
template <typename B>
struct LogFixture {
  using Backend = B;
  explicit LogFixture(int64_t start = 1700000000000) : now(start) {}
  B backend;
  int64_t now;
  std::unique_ptr<EventLog> log = EventLog::open(backend.db(), [this] { return now; });
  EventStore& store = log->store();

  int64_t rows() { return count("SELECT count(*) FROM events"); }
  // The first column of the first row of `sql` on the store's own connection.
  int64_t count(const std::string& sql) {
    int64_t n = -1;
    log->session().run(sql, {}, [&](const SqlRow& r) { n = r.int64(0); });
    return n;
  }
  std::string text(const std::string& sql) {
    std::string t = "(no row)";
    log->session().run(sql, {}, [&](const SqlRow& r) { t = std::string(r.text(0)); });
    return t;
  }
  void exec(const std::string& sql) { log->session().run(sql); }
};

}  // namespace qmd::events::testing

#define QMD_LOG_FIXTURE(Fixture)                                                        \
  auto qmd_fixture_holder_ = ::qmd::events::testing::make_or_skip<Fixture<TestType>>(); \
  if (!qmd_fixture_holder_) return;                                                     \
  auto& f = *qmd_fixture_holder_
