// The event envelope: what one fact in the log looks like.
//
// events/ knows nothing of VM configs: payloads are opaque JSON to this layer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace qmd::events {

// Who did it, from where, as part of which command. Stored as the `meta` JSON
// column with exactly these member names.
struct Meta {
  std::string user;            // actor user name (peer credentials or the process)
  int64_t uid = -1;            // actor uid
  int64_t pid = 0;             // pid of the process that issued the command
  std::string node;            // node the command ran on
  std::string command;         // the command as typed, e.g. "qm set 100 -memory 4096"
  std::string correlation_id;  // shared by every event of one command
  std::string via;             // the node that forwarded the command to `node` ("" = typed on `node`)

  bool operator==(const Meta&) const = default;

  // {"command":…, "correlation_id":…, "node":…, "pid":…, "uid":…, "user":…}
  // plus "via":… only when set (so the meta of a command typed on its node
  // is byte for byte what it always was).
  nlohmann::json to_json() const;
  // Inverse of to_json(). Missing (or null) members keep their defaults; a
  // member of the wrong type, or a non-object, throws std::invalid_argument
  // naming the member.
  static Meta from_json(const nlohmann::json& j);
};

// An event as handed to append(): the store fills in seq, version, time, hash.
struct NewEvent {
  std::string type;            // e.g. "vm.created"
  int schema = 1;              // payload schema version of this type
  nlohmann::json payload = nlohmann::json::object();
  std::string event_id;        // unique id for idempotent retries; generated when empty
};

// An event as stored.
struct Event {
  int64_t seq = 0;             // global position, gapless, starting at 1
  std::string event_id;
  std::string stream;          // "vm/<vmid>", "node/<name>", ...
  int64_t version = 0;         // position within the stream, starting at 1
  std::string type;
  int schema = 1;
  nlohmann::json payload;
  nlohmann::json meta;
  int64_t recorded_at = 0;     // UTC, milliseconds since the epoch
  std::string hash;            // lowercase hex SHA-256 (see events/hash_chain.h)
};

// An event as stored, undecoded: the payload and meta are their JSON text.
// Handed to read_all_raw() callbacks; the views are valid only during the call.
// For replays that decode payloads themselves (faster than building JSON trees);
// event_id and hash are left out (replays do not need them).
struct RawEvent {
  int64_t seq = 0;
  std::string_view stream;
  int64_t version = 0;
  std::string_view type;
  int schema = 1;
  std::string_view payload;
  std::string_view meta;
  int64_t recorded_at = 0;
};

}  // namespace qmd::events
