// Requests for new disks inside a drive value, as accepted by `qm create/set`:
//   scsi0: local:32          allocate 32 GiB on storage `local`
//   scsi0: 0.5,cache=none    allocate 512 MiB on the default storage
//   scsi0: local:0,import-from=/path/disk.qcow2    import (refused: not supported yet)
// Pure: no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace qmd::storage {

struct NewDiskRequest {
  std::string storage;
  std::uint64_t size_bytes = 0;   // GiB * 2^30, rounded down to whole KiB as Proxmox does
};

// Looks at the drive value's file (its first element, `file=` optional).
// Returns the request when the file is "<storage>:<GiB>" or "<GiB>"
// (GiB: digits with an optional fraction); nullopt for any other file
// (a volume id, a path, `none`, `cdrom`).
// Throws StorageError:
//   "importing disks (import-from) is not supported by qmd yet"  when the value has import-from=
//   "no storage ID specified (and no default storage)"           bare size, default_storage empty
//   "storage ID '<id>' contains illegal characters"
//   "invalid size '<GiB>' for a new disk (must be larger than 0)"
std::optional<NewDiskRequest> parse_new_disk(std::string_view drive_value,
                                             std::string_view default_storage);

}  // namespace qmd::storage
