// qm migrate's rules (spec §6.9), pure: what blocks a migration and what it
// has to move. No I/O: the caller gathers the facts (target registered and
// answering, the VM's recorded status, both nodes' storage definitions).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "projections/vm_state.h"
#include "service/request.h"
#include "service/storage/storage_cfg.h"

namespace qmd::service {

struct MigrateParams {
  int64_t vmid = 0;
  std::string target;
  bool online = false;
  bool force = false;
  bool with_local_disks = false;
  int64_t bwlimit_kib = 0;  // 0 = none
};

// Parses the request's positional arguments and options. Throws CommandError
// (400 Parameter verification failed) for a bad vmid/target/bwlimit, and
// `target: target is local node.` when target == local_node.
MigrateParams parse_migrate_params(const Request& req, const std::string& local_node);

// The local devices (spec §6.9) of the main section, in key order: usbN
// (except spice), hostpciN, serialN (except socket), parallelN, virtiofsN, ivshmem.
std::vector<std::string> local_devices(const config::ConfigFile& conf);

struct MigratePlan {
  bool online = false;                  // after "stopped VM with --online" became offline
  std::vector<std::string> copy;        // volumes on non-shared storage, to copy (offline)
  std::string warnings;                 // lines for stderr
};

// The checks of §6.9 in Proxmox's order, for a VM that exists on this node:
//   `VM is locked (<lock>)`, `can't migrate running VM without --online`
//   (stopped + --online: warning `VM isn't running. Doing offline migration instead.`),
//   `can't migrate VM which uses local devices: <k1>, <k2>` (offline --force overrides),
//   `storage '<id>' is not available on node '<target>'`,
//   online with local disks: `can't live migrate attached local disks without
//   with-local-disks option`, with it: `live migration of local disks is not supported by qmd`.
// Throws CommandError with that message; else the plan.
MigratePlan plan_migrate(const projections::VmState& s, const MigrateParams& p, bool running,
                         const storage::StorageConfig& source, const storage::StorageConfig& target);

}  // namespace qmd::service
