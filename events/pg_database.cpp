#include "events/pg_database.h"

#include <spdlog/spdlog.h>

#include <fmt/format.h>

#include "events/migrations.h"
#include "events/pg_session.h"

namespace qmd::events {

namespace {

// pg_advisory_xact_lock key of schema migrations ("qmd" in ASCII).
constexpr int64_t kMigrationLock = 0x716d64;

constexpr std::string_view kSchemaTable =
    "CREATE TABLE IF NOT EXISTS qmd_schema (version integer PRIMARY KEY, name text NOT NULL, "
    "applied_at timestamptz NOT NULL DEFAULT now())";

// The recorded schema version; 0 for a database qmd never used.
int schema_version(PgConnection& c) {
  try {
    return static_cast<int>(c.exec("SELECT coalesce(max(version), 0) FROM qmd_schema", {}, false,
                                   "reading the schema version")
                                .int64(0, 0));
  } catch (const PgError& e) {
    if (e.sqlstate() == "42P01") return 0;  // undefined_table: a fresh database
    throw;
  }
}

void apply_migration(PgConnection& c, const Migration& m, int found_before) {
  const std::string what = fmt::format("migration {}", m.name);
  try {
    c.exec_script("BEGIN", what);
    c.exec("SELECT pg_advisory_xact_lock($1)", {kMigrationLock}, false, what);
    c.exec_script(kSchemaTable, what);
    if (schema_version(c) >= m.version) {
      c.exec_script("COMMIT", what);
      return;
    }
    c.exec_script(m.sql, what);
    c.exec("INSERT INTO qmd_schema (version, name) VALUES ($1, $2)", {int64_t{m.version}, std::string_view(m.name)},
           false, what);
    c.exec_script("COMMIT", what);
  } catch (const PgError&) {
    try {
      c.exec_script("ROLLBACK", "rollback");
    } catch (const PgError&) {
    }
    throw;
  }
  spdlog::log(found_before > 0 ? spdlog::level::info : spdlog::level::debug, "event log at {}: applied migration {}",
              c.location(), m.name);
}

}  // namespace

PgDatabase::PgDatabase(std::unique_ptr<PgConnection> conn)
    : conn_(std::move(conn)), session_(std::make_unique<PgSession>(*conn_)) {}

PgDatabase::~PgDatabase() = default;

std::unique_ptr<PgDatabase> PgDatabase::open(const std::string& conninfo) {
  auto conn = std::make_unique<PgConnection>(conninfo);
  const auto& migrations = embedded_postgresql_migrations();
  int known = 0;
  for (const auto& m : migrations) known = std::max(known, m.version);
  const int found = schema_version(*conn);
  if (found > known)
    throw StoreError(fmt::format(
        "cannot open the event log at {}: its schema version {} is newer than this qmd knows ({}); upgrade qmd",
        conn->location(), found, known));
  for (const auto& m : migrations)
    if (m.version > found) apply_migration(*conn, m, found);
  return std::unique_ptr<PgDatabase>(new PgDatabase(std::move(conn)));
}

}  // namespace qmd::events
