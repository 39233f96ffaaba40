// The rules of EventStore's contract that do not depend on the backend, so
// SqliteEventStore and PgEventStore apply them with one piece of code each:
// argument checks, the shape of a retried append, decoding stored JSON, and
// the walk that verifies the hash chain. Internal to events/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "events/hash_chain.h"
#include "events/store.h"

namespace qmd::events {

// Throws std::invalid_argument (naming the stream) for an empty stream name,
// no events, an expected version below kAnyVersion or an event with an empty type.
void check_append_arguments(const std::string& stream, int64_t expected_version,
                            const std::vector<NewEvent>& events);

// The payload as stored and hashed (nlohmann dump()); std::invalid_argument
// naming the stream and type when it cannot be serialised (invalid UTF-8).
std::string payload_text(const std::string& stream, const NewEvent& e);

// Where the first event id of a retried append was found, and what is stored
// at the seq its last event would have.
struct StoredFirst {
  int64_t seq;
  std::string stream;
  int64_t version;
};
struct StoredAt {
  std::string stream;
  int64_t version;
  std::string event_id;
};

// The positions of the original append when `events` (to `stream`) are a retry
// of it: the first id stored at `first`, the last event's row `at_last`
// (nullopt when that seq does not exist). Throws StoreError when the id
// belongs to another stream or to an append of other events.
AppendResult retry_result(const std::string& stream, const std::vector<NewEvent>& events, const StoredFirst& first,
                          const std::optional<StoredAt>& at_last);

// Parses a stored payload/meta column; StoreError "event seq N: stored <column> is not valid JSON: …".
nlohmann::json parse_stored(std::string_view text, int64_t seq, const char* column);

// Walks the log in seq order and checks gaplessness, stream versions and
// every hash (events/hash_chain.h).
class ChainVerifier {
 public:
  // Feeds the next row; returns false (and records why) at the first fault.
  bool next(const ChainFields& f, std::string_view stored_hash);
  // After the last row (or a fault): nullopt and "chain intact over N events",
  // or the seq of the fault and its one-line explanation.
  std::optional<int64_t> result(std::string* why) const;

 private:
  ChainHasher hasher_;
  std::string previous_{kGenesisHash};
  std::unordered_map<std::string, int64_t> versions_;
  int64_t expected_seq_ = 1;
  std::optional<int64_t> fault_;
  std::string why_;
};

}  // namespace qmd::events
