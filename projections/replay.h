// Replays of the log: rebuilding the read tables, verifying them, and folding
// one VM as of a point in the log.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "events/store.h"
#include "projections/read_model.h"

namespace qmd::projections {

// Called now and then with (events folded, total events) during long replays.
using Progress = std::function<void(int64_t done, int64_t total)>;

// Folds the whole log into memory: vmid -> state (destroyed VMs included).
// Writes checkpoints through `model` if it is given (rebuild), else none.
// With `upto`, only events up to that point are folded (the state of the whole
// node as of a moment, for exports).
std::map<int64_t, VmState> replay_all(events::EventStore& store, ReadModel* checkpoints,
                                      const Progress& progress = nullptr, const events::Upto& upto = {});

// Drops the read tables' contents and refills them from the log, in one
// transaction; marks every .conf file for re-rendering. Returns events replayed.
int64_t rebuild(events::EventStore& store, ReadModel& model, const Progress& progress = nullptr);

struct Mismatch {
  int64_t seq = 0;           // the last event of the VM concerned (0 when not tied to one)
  std::string what;          // one line: what differs
};

// Replays the log in memory and compares it with the read tables.
// Returns the first difference, or nullopt when they agree.
std::optional<Mismatch> verify_read_model(events::EventStore& store, ReadModel& model);

// The VM's state as of a point: from the newest checkpoint at or before the
// point, then folding the rest of the stream.
VmState state_at(events::EventStore& store, ReadModel& model, int64_t vmid, const events::Upto& upto);

}  // namespace qmd::projections
