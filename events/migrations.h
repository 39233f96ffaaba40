// The schema migrations embedded at build time from migrations/NNNN_*.sql.
#pragma once

#include <string>
#include <vector>

namespace qmd::events {

struct Migration {
  int version;          // NNNN of the file name; PRAGMA user_version after applying it
  const char* name;     // file name
  const char* sql;      // its contents
};

// All migrations in ascending version order (generated: build/migrations/embedded_migrations.cpp).
const std::vector<Migration>& embedded_migrations();

}  // namespace qmd::events
