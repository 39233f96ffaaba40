// VmState: everything known about one VM after folding its stream.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "config/config_file.h"
#include "events/event.h"

namespace qmd::projections {

// The most recent long operation of a VM (create, clone, snapshot, ...). The
// Proxmox `lock:` value lives in the config; this record says who took it,
// when, and how far the operation got.
struct Operation {
  std::string id;            // op_id shared by its started/step/completed events
  std::string kind;          // "create", "clone", "snapshot", ...
  std::string state;         // "running", "completed", "failed", "released" (qm unlock)
  std::string user;          // actor who started it
  int64_t started_at = 0;    // ms
  int64_t started_seq = 0;
  std::string last_step;     // description of the last completed step ("" = none yet)
  int64_t updated_at = 0;    // ms of the last event of the operation
  std::string error;         // for "failed"

  bool operator==(const Operation&) const = default;
};

struct VmState {
  int64_t vmid = 0;
  bool exists = false;
  std::string node;                  // owner node
  int64_t version = 0;               // stream version folded so far
  int64_t last_seq = 0;              // seq of the last folded event
  int64_t updated_at = 0;            // recorded_at (ms) of the last folded event
  int64_t created_at = 0;
  config::ConfigFile conf;
  std::string status = "stopped";    // runtime status as last recorded
  int64_t pid = 0;
  std::optional<Operation> op;

  // The `lock:` value of the main section ("" when unlocked).
  std::string lock() const;
  bool operator==(const VmState&) const = default;
};

// Thrown when an event cannot be folded (malformed payload, event for another
// stream, version gap). The message names the seq and the problem.
class ProjectionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Folds one event into the state. The one rule used by the inline projector,
// rebuild, verify and as-of queries alike.
// Requires: e.version == state.version + 1 for the VM's stream (else ProjectionError).
void fold(VmState& state, const events::Event& e);
// The same, from an undecoded event (replays: no JSON tree is built for the
// common schema-1 payloads). Same result as folding the decoded event.
void fold(VmState& state, const events::RawEvent& e);

// Canonical JSON of a state (for the read table, checkpoints and verify).
nlohmann::json state_to_json(const VmState& s);
VmState state_from_json(const nlohmann::json& j);  // throws ProjectionError
nlohmann::json conf_to_json(const config::ConfigFile& c);
config::ConfigFile conf_from_json(const nlohmann::json& j);

}  // namespace qmd::projections
