// Turning the config options a user typed into values qmd can store — the
// step shared by `qm create` and `qm set`:
//   * `cdrom` becomes `ide2` (`X.iso` → `local:iso/X.iso,media=cdrom`);
//   * a bare ISO file name on any drive refers to `local:iso/<name>`;
//   * `<storage>:<GiB>` / `<GiB>` drive values become disk allocation requests,
//     `<storage>:cloudinit` on ide/sata/scsi a cloud-init volume request;
//   * a NIC without MAC gets a generated one, `vmgenid: 1` a fresh UUID;
//   * tags are lower-cased, de-duplicated, sorted, joined with `;`;
//   * cipassword becomes its SHA-512 crypt hash (a value that is a hash is kept);
//   * every value is checked against the schema and canonicalised.
// Pure apart from the injected generators, the salt of a password hash and the
// ISO existence check.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "service/environment.h"
#include "service/generators.h"
#include "service/request.h"
#include "service/storage/images.h"

namespace qmd::service {

struct DiskAllocation {
  std::string key;          // scsi0, ...
  std::string storage;      // local
  uint64_t size_bytes = 0;
  std::string format;       // qcow2 (default), raw, vmdk
  std::string value;        // the drive value as typed (its other options are kept)
  bool cloudinit = false;   // a cloud-init volume (vm-<vmid>-cloudinit.<fmt>, 4 MiB, media=cdrom)
};

struct PreparedOptions {
  std::vector<std::pair<std::string, std::string>> values;  // key -> canonical value, typed order
  std::vector<DiskAllocation> allocations;                   // drives still to allocate
};

// Reads every option of `req` that is a config key (those named in
// `verb_options` are the verb's own and skipped). Throws CommandError
// `400 Parameter verification failed.\n<key>: <message>` on the first bad value,
// `volume '<volid>' does not exist` for a missing ISO.
PreparedOptions prepare_options(const Request& req, const std::vector<std::string>& verb_options,
                                const Environment& env, const Generators& gen);

// The drive value for an allocated volume: `value` with its file replaced by
// `volid` and `size=` set, printed canonically.
std::string allocated_drive_value(const std::string& key, const std::string& value, const std::string& volid,
                                  uint64_t size_bytes);

struct AllocatedDrive {
  std::string volid;  // the new volume
  std::string value;  // the drive value that refers to it
};

// Creates the volume `a` asks for on its storage: the next free disk of its
// size, or (cloudinit) exactly `vm-<vmid>-cloudinit.<fmt>` of 4 MiB as
// Proxmox names it, whose drive value gets media=cdrom and no size. Throws
// StorageError as Storage::allocate / allocate_named.
AllocatedDrive allocate_drive(storage::Storage& storage, int vmid, const DiskAllocation& a);

// The size Proxmox allocates a cloud-init volume with.
inline constexpr uint64_t kCloudinitVolumeBytes = 4 * 1024 * 1024;

// Creates vmid's empty cloud-init volume `<storage>:<vmid>/vm-<vmid>-cloudinit.<fmt>`
// (4 MiB) and returns its volid; the seed is written into it at start. Throws
// StorageError as Storage::allocate_named ("disk image '<path>' already exists").
std::string allocate_cloudinit_volume(storage::Storage& storage, const std::string& storage_id, int vmid,
                                      const std::string& format);

}  // namespace qmd::service
