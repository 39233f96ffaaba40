// The narrow boundary between the snapshot engine and the outside world:
// storage volumes and the VM's QEMU process. The engine (engine.h) drives it;
// storage_backend.h implements it over service/storage/Storage, and the
// conformance runner simulates it as Proxmox's test harness does.
//
// Every method reports failure by throwing (any std::exception); what() is
// shown to the user as the error of the operation.
#pragma once

#include <string>
#include <vector>

#include "config/config_file.h"
#include "service/snapshots/rules.h"

namespace qmd::service::snapshots {

class Backend {
 public:
  virtual ~Backend() = default;

  // ---- storage ----
  // PVE::Storage::volume_has_feature('snapshot') for one volume of the current config.
  virtual bool volume_has_snapshot_feature(const std::string& volid) = 0;
  // Makes the storages usable (activate_storage_list); throws when one is not.
  virtual void activate_storages(const std::vector<std::string>& storage_ids) = 0;
  // Storage snapshot `snap` of a volume (qemu-img snapshot -c on qcow2).
  virtual void snapshot_create(const std::string& volid, const std::string& snap) = 0;
  virtual void snapshot_delete(const std::string& volid, const std::string& snap) = 0;
  // Throws unless the volume can be rolled back to `snap` (volume_rollback_is_possible).
  virtual void rollback_possible(const std::string& volid, const std::string& snap) = 0;
  virtual void snapshot_rollback(const std::string& volid, const std::string& snap) = 0;
  // Deletes a volume (a snapshot's vmstate, an unused cloud-init disk).
  virtual void free_volume(const std::string& volid) = 0;

  // ---- the VM ----
  virtual bool vm_running() = 0;
  // Allocates the state volume and records how the VM runs (__snapshot_save_vmstate).
  virtual VmStateInfo save_vmstate(const config::ConfigFile& conf, const std::string& snap) = 0;
  // The guest agent answers (guest-ping).
  virtual bool guest_agent_running() = 0;
  virtual void guest_fsfreeze() = 0;
  virtual void guest_fsthaw() = 0;
  // savevm-start (statefile "" = without RAM) … query-savevm until completed.
  virtual void savevm_start(const std::string& statefile) = 0;
  virtual void savevm_end() = 0;
  // Writes the RAM state into the statefile given to savevm_start, for a
  // backend that defers it until the disks are snapshotted (qmd's stock QEMU
  // saves it as a migration stream, which leaves the disks inactive, so it
  // comes after the last disk snapshot, with the VM still paused). Called
  // after the last storage snapshot and before savevm_end, only with a
  // statefile; a failure fails the snapshot. Proxmox's savevm-start already
  // saved it: nothing to do by default.
  virtual void savevm_write_state(const std::string& statefile) { (void)statefile; }
  // Hard stop with a 5 s timeout; the caller checks vm_running() afterwards.
  virtual void vm_stop() = 0;
  // Start after a rollback: from the snapshot's RAM state (statefile and
  // forcemachine set), or a plain start for `rollback --start` (all "").
  virtual void vm_start(const std::string& statefile, const std::string& forcemachine,
                        const std::string& forcecpu) = 0;
};

}  // namespace qmd::service::snapshots
