// The schema migrations embedded at build time from migrations/<backend>/NNNN_*.sql.
#pragma once

#include <string>
#include <vector>

namespace qmd::events {

struct Migration {
  int version;          // NNNN of the file name; the schema version after applying it
  const char* name;     // file name
  const char* sql;      // its contents
};

// SQLite's migrations (migrations/sqlite/), ascending; the version is PRAGMA user_version.
const std::vector<Migration>& embedded_migrations();
// PostgreSQL's (migrations/postgresql/), ascending; the version is a row of qmd_schema.
const std::vector<Migration>& embedded_postgresql_migrations();

}  // namespace qmd::events
