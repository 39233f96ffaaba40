// The cases of Proxmox's snapshot test harness (SOURCE.md "snapshot fixtures"):
// per operation and VMID, the snapshot name and options the harness passes,
// its mocked environment, the error it expects and the storage calls it
// expects. VMIDs not listed get default_scenario().
#pragma once

#include <map>
#include <optional>
#include <string>

#include "config/config_file.h"
#include "tools/conformance/snapshot_sim.h"

namespace qmd::conformance {

struct SnapshotScenario {
  std::string name;                    // snapshot name
  bool vmstate = false;                // prepare/create: --vmstate
  bool force = false;                  // delete: --force
  SimSettings sim;
  std::optional<std::string> error;    // expected error; nullopt = not known (unlisted VMID)
  // Expected storage calls (volid -> comma-joined snapshot names); nullopt = not checked.
  std::optional<std::map<std::string, std::string>> created, deleted, rolled_back;
};

// The harness's case for `op` (prepare, commit, create, delete, rollback) and
// `vmid`; nullopt when the harness has no such case.
std::optional<SnapshotScenario> known_scenario(const std::string& op, int vmid);

// A best guess for a case the harness does not list: default environment,
// name "test" (prepare/create: the first of test, test2, … not yet used;
// commit: the section in state prepare), error not checked.
SnapshotScenario default_scenario(const std::string& op, const config::ConfigFile& input);

}  // namespace qmd::conformance
