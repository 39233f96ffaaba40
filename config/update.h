// The pure rules of `qm set` (spec §6.1) and of applying pending changes.
//
// No I/O: the caller has already replaced `storage:size` drive values by real
// volume ids, generated MACs / UUIDs and hashed cipassword. The outcome names
// the volumes that must now be freed; volumes that are merely detached become
// unusedN keys in the returned config.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "config/config_file.h"

namespace qmd::config {

struct UpdateRequest {
  std::vector<std::pair<std::string, std::string>> set;  // option -> value ("cdrom" allowed)
  std::vector<std::string> del;                          // --delete (a "!" prefix is not used here)
  std::vector<std::string> revert;                       // --revert
  bool force = false;                                    // --force: destroy deleted drives' volumes
};

struct UpdateOutcome {
  ConfigFile conf;
  std::vector<std::string> warnings;         // e.g. "cannot delete 'foo' - not set in current configuration!"
  std::vector<std::string> volumes_to_free;  // volumes to destroy (unusedN/vmstate deletes, forced deletes, cloud-init)
};

// Applies a `qm set` request to `current`.
// vm_running = false: every pending change is applied to the main section.
// vm_running = true: fast-plug keys (name, onboot, tags, ..., cloud-init keys)
// and keys hot-pluggable per the `hotplug` option (netN: network; scsiN/virtioN:
// disk; vcpus: cpu; memory: memory; usbN/tablet: usb; balloon, cpuunits,
// cpulimit: always) move to main; everything else stays in [PENDING].
// Throws ConfigError whose what() is "<param>: <message>" for parameter errors
// (as Proxmox prints them after "400 Parameter verification failed."), e.g.
//   "memory: invalid format - format error\nmemory.current: value must have a minimum value of 16",
//   "delete: you can't use '-name' and -delete name' at the same time",
//   "delete: unknown option 'foo'",
// or a bare message for rule violations: "no options specified",
// "balloon value too large (must be smaller than assigned memory)",
// "invalid bootorder: device 'scsi5' does not exist'",
// "can't remove drive 'scsi0' - protection mode enabled".
UpdateOutcome apply_update(const ConfigFile& current, const UpdateRequest& req, bool vm_running);

// What `qm start` does first: every pending value/delete applied to main
// (detached drive volumes become unusedN, forced deletes are freed).
UpdateOutcome apply_pending_full(const ConfigFile& conf);
ConfigFile apply_pending(const ConfigFile& conf);

// The §2.6 cleanup: drops pending values equal to the current value and pending
// deletes of keys not set in main; removes an empty `delete`.
void cleanup_pending(ConfigFile& conf);

// `qm config` (current = false: pending values applied, pending deletes
// removed) or `qm config --current` (the main section as is).
Section effective_config(const ConfigFile& conf, bool current);

}  // namespace qmd::config
