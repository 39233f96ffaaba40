// The storage and QEMU side of a snapshot operation, simulated the way
// Proxmox's snapshot test harness (qemu-server src/test/snapshot-test.pm)
// mocks it, so the corpus fixtures can be run through the real engine.
//
// Volumes: what a volume can do is read from its name, as in the harness's
// tables: `local:snapshotable-disk-N` can be snapshotted for N = 1..3, its
// snapshot deleted for N = 1 and 3, rolled back for N = 1..3, and passes the
// rollback check for N = 1..4; every other volume (e.g. `unsnapshotable-…`)
// can do none of it. The only state volume is `somestorage:state-volume`.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "service/snapshots/backend.h"

namespace qmd::conformance {

// The harness's switches (its globals), per case.
struct SimSettings {
  bool running = true;
  bool snapshot_feature = true;      // has_feature('snapshot')
  bool save_vmstate_works = true;
  bool freeze_possible = true;
  bool guest_ping = true;
  bool savevm_start = true;
  bool savevm_end = true;
  bool stop_possible = true;
  bool activate_storage_possible = true;
};

class SimulatedBackend : public service::snapshots::Backend {
 public:
  explicit SimulatedBackend(SimSettings s) : s_(s) {}

  bool volume_has_snapshot_feature(const std::string& volid) override;
  void activate_storages(const std::vector<std::string>& storage_ids) override;
  void snapshot_create(const std::string& volid, const std::string& snap) override;
  void snapshot_delete(const std::string& volid, const std::string& snap) override;
  void rollback_possible(const std::string& volid, const std::string& snap) override;
  void snapshot_rollback(const std::string& volid, const std::string& snap) override;
  void free_volume(const std::string& volid) override;
  bool vm_running() override { return s_.running; }
  service::snapshots::VmStateInfo save_vmstate(const config::ConfigFile& conf, const std::string& snap) override;
  bool guest_agent_running() override { return s_.guest_ping; }
  void guest_fsfreeze() override;
  void guest_fsthaw() override;
  void savevm_start(const std::string& statefile) override;
  void savevm_end() override;
  void vm_stop() override;
  void vm_start(const std::string& statefile, const std::string& forcemachine, const std::string& forcecpu) override;

  // volid -> snapshot names, comma-joined in call order (the harness's records).
  std::map<std::string, std::string> created, deleted, rolled_back;

 private:
  SimSettings s_;
};

}  // namespace qmd::conformance
