// The floor a rebuild of the read tables is compared to: a bare scan of the
// columns a projector needs, with no decoding at all. Shared by
// bench_event_append (which prints it) and the projections' rebuild bench.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace qmd::bench {

struct ScanFloor {
  int64_t rows = 0;
  double seconds = 0;
  uint64_t checksum = 0;  // sum of column sizes, so the scan cannot be optimised away
};

// Steps `SELECT seq, stream, type, payload FROM events ORDER BY seq` over the
// whole table, touching every column. Throws std::runtime_error on SQLite errors.
inline ScanFloor measure_rebuild_scan_floor(sqlite3* db) {
  ScanFloor out;
  sqlite3_stmt* q = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT seq, stream, type, payload FROM events ORDER BY seq", -1, &q, nullptr) !=
      SQLITE_OK)
    throw std::runtime_error(std::string("scan floor: ") + sqlite3_errmsg(db));
  auto start = std::chrono::steady_clock::now();
  int rc;
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
    out.checksum += static_cast<uint64_t>(sqlite3_column_int64(q, 0));
    for (int c = 1; c <= 3; ++c) {
      const unsigned char* text = sqlite3_column_text(q, c);
      out.checksum += static_cast<uint64_t>(sqlite3_column_bytes(q, c)) + (text ? text[0] : 0);
    }
    ++out.rows;
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  sqlite3_finalize(q);
  if (rc != SQLITE_DONE) throw std::runtime_error(std::string("scan floor: ") + sqlite3_errmsg(db));
  return out;
}

}  // namespace qmd::bench
