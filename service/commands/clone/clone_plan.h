// The pure part of `qm clone` (spec §6.6): which checks refuse a clone, what
// the new VM's config starts as, and which disks are copied or linked.
// No I/O: storage facts come from the StorageConfig and the volume ids.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/config_file.h"
#include "config/propstring.h"
#include "projections/vm_state.h"
#include "service/generators.h"
#include "service/request.h"
#include "service/storage/storage_cfg.h"

namespace qmd::service {

struct CloneParams {
  int64_t vmid = 0;                          // source
  int64_t newid = 0;                         // target
  std::optional<std::string> name;           // --name (checked dns-name)
  std::optional<std::string> description;    // --description
  std::optional<bool> full;                  // --full; default: !template
  std::optional<std::string> snapname;       // --snapname
  std::optional<std::string> storage;        // --storage (full clones only)
  std::optional<std::string> format;         // --format raw|qcow2|vmdk (full clones only)
  std::optional<std::string> target;         // --target node; nullopt when local
};

// Reads the clone options of `req` (args: vmid newid). `local_node` turns
// `--target <local node>|localhost` into no target, as Proxmox does.
// Throws CommandError `400 Parameter verification failed.\n<param>: <why>` for
// a bad vmid/newid/name/description/format/full/snapname.
CloneParams parse_clone_params(const Request& req, const std::string& local_node);

// The storage checks Proxmox makes before loading the source config: --storage
// must exist and be usable; with --target it must be shared.
// Throws CommandError "storage '<id>' does not exist", "storage '<id>' is disabled",
// "can't clone to non-shared storage '<id>'".
void check_clone_storage(const CloneParams& p, const storage::StorageConfig& storages);

struct DiskClone {
  std::string key;            // scsi0, efidisk0, ...
  config::PropMap drive;      // the source drive, parsed
  std::string volid;          // its volume
  bool full = true;           // copy (qemu-img convert) or linked clone
};

struct ClonePlan {
  config::ConfigFile conf;                  // the new VM without its disks, `lock: clone`
  std::vector<DiskClone> disks;             // in key order
  bool full = true;
  std::vector<std::string> pending_keys;    // source pending keys discarded (sorted)
};

// Decides a clone of `source` (which must exist). `target_exists`: newid has a
// config already. Generated values (MACs, smbios1 uuid, vmgenid) come from gen.
// Throws CommandError, in Proxmox's order:
//   "VM is locked (<lock>)"
//   "cloning a running VM needs the qmd service, which is not available yet"
//   "snapshot '<n>' does not exist"
//   "parameter 'storage' not allowed for linked clones" (and 'format')
//   "can't clone VM to node '<n>' (VM uses local storage)"
//   "unable to create VM <newid>: config file already exists"
//   "unable to parse drive options for '<key>'"
//   "Full clone feature is not supported for drive '<key>'"
//   "Linked clone feature is not supported for '<volid>' (<key>)"
ClonePlan plan_clone(const projections::VmState& source, const CloneParams& p, bool target_exists,
                     const storage::StorageConfig& storages, const Generators& gen);

// The drive value of a cloned disk: the source drive without `format`, with
// file = new_volid and, when size_bytes is set, size= (Proxmox's clone_disk).
std::string cloned_drive_value(const config::PropMap& drive, const std::string& new_volid,
                               std::optional<uint64_t> size_bytes);

// Proxmox's progress line of a full clone: "transferred 256.0 MiB of 1.0 GiB (25.00%)".
std::string transfer_line(uint64_t total_bytes, double percent);

// PVE::Tools::render_bytes(value, precision): "1.0 GiB", "512.0 B".
std::string render_bytes(uint64_t value, int precision);

}  // namespace qmd::service
