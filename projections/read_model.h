// ReadModel: the read tables (vm, vm_checkpoint, conf_dirty) on the same
// connection as the log (SQLite or PostgreSQL, through events::SqlSession).
// "Now" queries are answered from here. Errors: events::StoreError.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "events/sql_session.h"

#include "projections/vm_state.h"

namespace qmd::projections {

class ReadModel {
 public:
  // Folded-state checkpoints are written every this many stream versions.
  static constexpr int64_t kCheckpointEvery = 128;

  explicit ReadModel(events::SqlSession& db) : db_(db) {}

  // The VM's state, or a default state (exists=false, version 0) with the vmid
  // set if the VM never existed. A destroyed VM returns exists=false with its version.
  VmState load(int64_t vmid);
  // Every VM with exists=true, by vmid. If node is given, only that node's VMs.
  std::vector<VmState> list(const std::optional<std::string>& node = std::nullopt);
  // Every row, destroyed ones included (verify compares them all).
  std::vector<VmState> all_rows();

  // Writes (inserts or replaces) the VM's row and, when `file_changed`, marks its
  // .conf dirty. Must run inside a transaction (the append's).
  void save(const VmState& s, bool file_changed = true);
  // Stores a checkpoint of s (at s.version).
  void save_checkpoint(const VmState& s);
  // Latest checkpoint of vmid with seq <= max_seq and recorded_at <= max_time.
  std::optional<VmState> checkpoint_before(int64_t vmid, int64_t max_seq, int64_t max_time);

  // (vmid, last_seq) of every row whose last_seq > seq (another node's or
  // process's changes, for a .conf tree following the shared log).
  std::vector<std::pair<int64_t, int64_t>> changed_since(int64_t seq);

  // VMs whose .conf may be stale, with the seq at which they were marked.
  std::vector<std::pair<int64_t, int64_t>> dirty();
  // Clears the marks (each only if nothing newer was marked meanwhile), in one
  // commit that is NOT synced to disk: a lost clear only means one more
  // re-render, and the file writes before it were already made durable.
  void clear_dirty(const std::vector<std::pair<int64_t, int64_t>>& marks);
  // Marks every VM dirty (after a rebuild).
  void mark_all_dirty();

  // Empties vm, vm_checkpoint (rebuild). Must run inside a transaction.
  void clear();

  events::SqlSession& db() { return db_; }

 private:
  events::SqlSession& db_;
};

}  // namespace qmd::projections
