// The snapshot Backend of a VM that no qmd runs: volumes through
// service/storage/Storage (internal qcow2 snapshots via qemu-img). The QEMU
// side (savevm, fs-freeze, stop/start for a rollback) needs qmd, which runs
// the VM's QEMU: those methods throw the message given at construction (the
// "qmd is not running" text), so a VM recorded as running is refused before any
// disk is touched. live_backend.h extends it with qmd's runtime.
#pragma once

#include <string>

#include "service/snapshots/backend.h"
#include "service/storage/images.h"

namespace qmd::service::snapshots {

class StorageBackend : public Backend {
 public:
  StorageBackend(storage::Storage& storage, bool vm_running, std::string no_qemu_message)
      : storage_(storage), running_(vm_running), no_qemu_(std::move(no_qemu_message)) {}

  // qcow2 image volumes on a usable storage (storage/features.h); false for
  // anything else, host paths included.
  bool volume_has_snapshot_feature(const std::string& volid) override;
  // Throws "storage '<id>' does not exist" / "… is disabled" / "storage type
  // '<t>' is not supported by qmd", or "unable to activate storage '<id>' -
  // directory '<path>' does not exist".
  void activate_storages(const std::vector<std::string>& storage_ids) override;
  void snapshot_create(const std::string& volid, const std::string& snap) override;
  void snapshot_delete(const std::string& volid, const std::string& snap) override;
  // Also refuses a volume whose image lacks the snapshot, so that a rollback
  // that cannot succeed changes nothing: "snapshot '<snap>' does not exist on
  // volume '<volid>'".
  void rollback_possible(const std::string& volid, const std::string& snap) override;
  void snapshot_rollback(const std::string& volid, const std::string& snap) override;
  void free_volume(const std::string& volid) override;

  bool vm_running() override { return running_; }
  VmStateInfo save_vmstate(const config::ConfigFile& conf, const std::string& snap) override;
  bool guest_agent_running() override { return false; }
  void guest_fsfreeze() override;
  void guest_fsthaw() override;
  void savevm_start(const std::string& statefile) override;
  void savevm_end() override;
  void vm_stop() override;
  void vm_start(const std::string& statefile, const std::string& forcemachine, const std::string& forcecpu) override;

 protected:
  storage::Storage& storage_;

 private:
  bool running_;
  std::string no_qemu_;
};

}  // namespace qmd::service::snapshots
