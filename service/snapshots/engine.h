// The snapshot operations of Proxmox (spec §6.3–§6.5) over the two
// boundaries: Backend (storage, QEMU) and OperationLog (where config changes
// go). The decisions are the pure rules of rules.h; this file only sequences
// them with the side effects, in Proxmox's order, so that a failure or a crash
// leaves exactly the state Proxmox would leave (e.g. `lock: rollback` after a
// failed volume rollback, a partial section after a failed delete).
//
// Every function throws SnapshotError (or the Backend's error) with the
// message the user sees; warnings and output go to Context::console.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "service/snapshots/backend.h"
#include "service/snapshots/operation_log.h"

namespace qmd::service::snapshots {

struct Context {
  int64_t vmid = 0;
  OperationLog& log;
  Backend& backend;
  Console& console;
};

struct CreateOptions {
  std::string name;
  bool vmstate = false;       // save RAM (only when the VM runs, as in Proxmox)
  std::string description;
  int64_t snaptime = 0;
};

// snapshot_create: prepare (lock: snapshot, new section in state prepare) →
// work (activate storages, fs-freeze/savevm when running, one storage snapshot
// per non-CD volume, each a step, then the RAM state written when deferred
// (Backend::savevm_write_state), a step) → commit. A state volume allocated
// by prepare is freed again when prepare cannot be recorded. On a failure during work: warns
// "snapshot create failed: starting cleanup", deletes the snapshot with force
// (only the volumes already snapshotted) and throws the original error.
void create_snapshot(Context& ctx, const CreateOptions& o);

// The two phases alone (conformance "prepare" / "commit").
void prepare_snapshot(Context& ctx, const CreateOptions& o);
void commit_snapshot(Context& ctx, const std::string& name);

// snapshot_delete: activate storages → lock: snapshot-delete + snapstate:
// delete → vmstate volume freed → per volume: storage snapshot deleted and
// (without force) the drive removed from the section → parents re-linked,
// section and lock removed. Without force the first storage failure stops
// the operation (lock and partial section stay); with force it is a warning.
void delete_snapshot(Context& ctx, const std::string& name, bool force);

struct RollbackResult {
  bool started_from_vmstate = false;
  bool started = false;  // plain start for `start` (a snapshot without RAM state)
};

// snapshot_rollback: checks (template, existence, every volume can roll back,
// complete, unlocked) → stop the VM → lock: rollback → storage rollback of each
// volume → the config of the snapshot becomes current (rules.h rollback_finish,
// vmgenid := new_vmgenid) → start from the vmstate when the snapshot has one,
// else a plain start when `start` (rollback --start) and the VM is not running.
// A failed start is thrown after the rollback completed (as in Proxmox).
RollbackResult rollback_snapshot(Context& ctx, const std::string& name, const std::string& new_vmgenid,
                                 bool start = false);

// has_feature('snapshot'): every non-CD volume of `section` supports snapshots.
bool has_snapshot_feature(const config::Section& section, Backend& backend);

}  // namespace qmd::service::snapshots
