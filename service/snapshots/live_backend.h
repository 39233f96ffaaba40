// The snapshot Backend inside qmd: StorageBackend for volumes, and the VM's
// QEMU through qmd's Runtime for everything that touches a running VM:
//  * a running VM's disks are snapshotted (and their snapshots deleted) by
//    QEMU itself — QMP blockdev-snapshot-internal-sync / -delete-internal-sync
//    on the drive that has the image open — never by qemu-img on an image in use;
//  * savevm_start pauses the VM (a consistent point for RAM and all disks),
//    savevm_write_state writes RAM + device state into the state volume
//    `vm-<vmid>-state-<snap>.raw` as a QEMU migration stream (received on
//    a unix socket, state_receiver.h), savevm_end
//    resumes it;
//  * vm_stop is the hard stop of a rollback (5 s), vm_start starts the VM
//    again through the start verb's code, loading the saved state with
//    `-incoming` when there is one.
// The guest agent is not reached by qmd (no QGA client): guest_agent_running()
// is false, so no fs-freeze happens (Proxmox skips it too when the agent does
// not answer).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "service/request.h"
#include "service/runtime/runtime.h"
#include "service/snapshots/storage_backend.h"

namespace qmd::service::snapshots {

class LiveBackend : public StorageBackend {
 public:
  // Starts the VM after a rollback (statefile "" = plain start); throws with
  // the start's error.
  using StartFn = std::function<void(const std::string& statefile, const std::string& forcemachine,
                                     const std::string& forcecpu)>;

  // All references must outlive the backend. run_dir: where the socket that
  // receives a saved state goes (qmd's run directory).
  LiveBackend(storage::Storage& storage, runtime::Runtime& rt, int64_t vmid, const Request& req, std::string run_dir,
              StartFn start);

  // QEMU's process exists (live status, not the recorded one).
  bool vm_running() override;
  void snapshot_create(const std::string& volid, const std::string& snap) override;
  void snapshot_delete(const std::string& volid, const std::string& snap) override;
  // Allocates the state volume (spec §6.3: 2 × memory + 500 MiB, on
  // vmstatestorage, else a storage of the VM's disks — shared preferred, then
  // file-based — else local) and reads machine, -cpu and virtio host_mtu from
  // the running QEMU's command line.
  VmStateInfo save_vmstate(const config::ConfigFile& conf, const std::string& snap) override;
  bool guest_agent_running() override { return false; }
  void savevm_start(const std::string& statefile) override;
  void savevm_write_state(const std::string& statefile) override;
  void savevm_end() override;
  void vm_stop() override;
  void vm_start(const std::string& statefile, const std::string& forcemachine, const std::string& forcecpu) override;

 private:
  // The QEMU drive (`drive-<key>`) that has the volume's image open, "" when
  // the VM is not running or does not use it.
  std::string open_drive(const std::string& volid);

  runtime::Runtime& rt_;
  int64_t vmid_;
  const Request& req_;
  std::string run_dir_;
  StartFn start_;
};

// find_vmstate_storage of Proxmox: `vmstatestorage`, else the storage of a
// volume of the VM (a shared one first, among each kind the file-based ones),
// else "local". Pure over the config and the storage definitions.
std::string vmstate_storage(const config::ConfigFile& conf, const storage::StorageConfig& storages);

}  // namespace qmd::service::snapshots
