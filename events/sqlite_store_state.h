// Internal to SqliteEventStore: its cached statements and scratch buffers.
#pragma once

#include <memory>
#include <string>

#include "events/hash_chain.h"
#include "events/sql_statement.h"
#include "events/sqlite_store.h"

namespace qmd::events {

// Columns of every full-row SELECT, in the order decode_event() expects.
inline constexpr std::string_view kEventColumns =
    "seq, event_id, stream, version, type, schema, payload, meta, recorded_at, hash";

struct SqliteEventStore::Item {
  const std::string& stream;
  int64_t expected_version;
  const std::vector<NewEvent>& events;
  const Meta& meta;
};

struct SqliteEventStore::Head {
  int64_t seq = 0;
  std::string hash{kGenesisHash};
  int64_t recorded_at = 0;
};

struct SqliteEventStore::State {
  explicit State(sqlite3* h) : handle(h) {}
  sqlite3* handle;

  // Prepared on first use; none of them calls out to user code while stepping,
  // so sharing them is safe.
  std::unique_ptr<SqlStatement> begin, commit, head, version, by_event_id, at_seq, insert, next_stream;
  SqlStatement& get(std::unique_ptr<SqlStatement>& s, std::string_view sql) {
    if (!s) s = std::make_unique<SqlStatement>(handle, sql);
    return *s;
  }

  ChainHasher hasher;
  std::string generated_id, hash;  // scratch for append_item

  // The last meta serialised, so a batch sharing one Meta dumps it once.
  bool have_meta = false;
  Meta last_meta;
  std::string last_meta_text;
  nlohmann::json last_meta_json;
};

}  // namespace qmd::events
