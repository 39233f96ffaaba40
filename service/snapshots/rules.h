// The snapshot rules of Proxmox (spec §6.3–§6.5, PVE::AbstractConfig and
// PVE::QemuConfig) as pure functions on a config: given the config and the
// inputs (name, snaptime, generated values), each returns the next config or
// throws SnapshotError with Proxmox's exact message. No I/O: the storage and
// QEMU side is driven by engine.h, which calls these between its steps.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/config_file.h"

namespace qmd::service::snapshots {

// Throws "unable to use snapshot name 'current' (reserved name)" (and the
// same for 'pending', any case), as the snapshot API does before anything else.
void check_reserved_name(const std::string& name);

// template: 1 in the main section.
bool is_template(const config::ConfigFile& conf);

// Throws "VM is locked (<lock>)" when the main section has a lock.
void check_unlocked(const config::ConfigFile& conf);

// The snapshot section `name`; throws "snapshot '<name>' does not exist".
const config::Section& find_snapshot(const config::ConfigFile& conf, const std::string& name);

// ---- create (§6.3) ----

// What __snapshot_save_vmstate records in the new section (running VM + --vmstate).
struct VmStateInfo {
  std::string vmstate;          // volume id of the state volume
  std::string runningmachine;   // e.g. pc-i440fx-9.2+pve0
  std::string runningcpu;       // "" = not recorded
  std::string nets_host_mtu;    // running-nets-host-mtu, "" = not recorded
};

struct PrepareInput {
  std::string name;
  int64_t snaptime = 0;
  std::string description;              // the comment; "" (or Perl-false "0") = none
  bool feature_available = true;        // has_feature('snapshot') over the current volumes
  std::optional<VmStateInfo> vmstate;   // set when RAM was saved
};

// The refusals of prepare, in Proxmox's order: template ("you can't take a
// snapshot if it's a template"), lock ("VM is locked (<lock>)"), name
// ("snapshot name '<n>' already used"), feature ("snapshot feature is not
// available").
void check_prepare(const config::ConfigFile& conf, const std::string& name, bool feature_available);

struct Prepared {
  config::ConfigFile conf;
  std::vector<std::string> warnings;   // parent-cycle guard messages
};

// check_prepare, then: lock: snapshot; every snapshot whose parent is the new
// name loses it; new section = copy of main minus snapshots/snapstate/snaptime/
// vmstate/lock/digest/description/unusedN, plus vmstate info, snapstate: prepare,
// snaptime, description.
Prepared prepare(const config::ConfigFile& conf, const PrepareInput& in);

// Requires lock: snapshot ("missing snapshot lock"), the section ("snapshot
// '<n>' does not exist") in state prepare ("wrong snapshot state"); removes
// snapstate and lock, sets main parent := name.
config::ConfigFile commit(const config::ConfigFile& conf, const std::string& name);

// ---- delete (§6.5) ----

// The refusals before anything changes: "snapshot '<n>' does not exist",
// "you can't delete a snapshot if vm is a template".
void check_delete(const config::ConfigFile& conf, const std::string& name);

// set_lock: check_unlocked, then lock: snapshot-delete.
config::ConfigFile delete_lock(const config::ConfigFile& conf);

// Throws "encountered invalid lock, expected '<lock>'" unless the main lock is `expected_lock`.
void ensure_lock(const config::ConfigFile& conf, const std::string& expected_lock);

// ensure_lock, template and existence checks, then snapstate: delete.
config::ConfigFile delete_mark(const config::ConfigFile& conf, const std::string& name,
                               const std::string& expected_lock);

// Removes `key` ("vmstate" or a drive key) from the section after its storage
// part is gone; a removed non-CD drive's volume is recorded as unusedN of the
// section (Proxmox's __snapshot_delete_remove_drive).
config::ConfigFile delete_remove_key(const config::ConfigFile& conf, const std::string& name,
                                     const std::string& key, const std::string& expected_lock);

// The final step: every section (and main) whose parent was `name` gets the
// deleted snapshot's parent (or loses it), the section goes, the lock goes,
// and the volumes whose snapshot was deleted become unusedN of main (those
// still used by a main drive are dropped again, as the writer does; cloud-init
// volumes are not added).
config::ConfigFile delete_finish(const config::ConfigFile& conf, const std::string& name,
                                 const std::string& expected_lock, const std::vector<std::string>& deleted_volids);

// ---- rollback (§6.4) ----

// "you can't rollback if vm is a template", "snapshot '<n>' does not exist".
const config::Section& rollback_target(const config::ConfigFile& conf, const std::string& name);

// rollback_target, "unable to rollback to incomplete snapshot (snapstate = <s>)",
// check_unlocked; returns the config with lock: rollback.
config::ConfigFile rollback_prepare(const config::ConfigFile& conf, const std::string& name);

struct RollbackFinish {
  config::ConfigFile conf;
  std::string forcemachine;                 // machine to start with
  std::string forcecpu;                     // "" = none
  std::string statefile;                    // the snapshot's vmstate ("" = none): start from it
  std::vector<std::string> volumes_to_free; // cloud-init volumes that became unused
};

// rollback_target + incomplete check, "got wrong lock" unless lock: rollback;
// then the new main config: current volumes missing from the snapshot become
// unusedN, main := snapshot section minus the excluded keys plus the current
// description and unusedN (no pending, no special sections), parent := name;
// runningmachine/runningcpu/running-nets-host-mtu removed (runningmachine
// becomes forcemachine), else machine dropped when the snapshot has vmstate
// and the old config had none; vmgenid replaced by `new_vmgenid` when set.
RollbackFinish rollback_finish(const config::ConfigFile& conf, const std::string& name,
                               const std::string& new_vmgenid);

}  // namespace qmd::service::snapshots
