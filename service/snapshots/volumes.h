// The volumes of one config section as the snapshot rules see them
// (PVE::QemuConfig foreach_volume / add_unused_volume). Pure.
#pragma once

#include <string>
#include <vector>

#include "config/config_file.h"
#include "config/propstring.h"

namespace qmd::service::snapshots {

struct SectionVolume {
  std::string key;        // ide0, scsi1, ..., efidisk0, tpmstate0
  std::string volid;      // the drive's `file`
  bool cdrom = false;     // media=cdrom (cloud-init drives included)
  bool cloudinit = false;
};

// The drives of `section` in Proxmox's valid_drive_names order (ide0-3,
// scsi0-30, virtio0-15, sata0-5, efidisk0, tpmstate0). Values that do not
// parse as drives are skipped, as parse_volume(noerr) does.
std::vector<SectionVolume> section_drives(const config::Section& section);

// The drives that take part in storage snapshots: every drive except CD-ROMs
// (cloud-init drives are CD-ROMs here).
std::vector<SectionVolume> snapshot_drives(const config::Section& section);

// The storage ids of the snapshot drives (and of `vmstate` when include_vmstate),
// sorted and unique. Values that are not "<storage>:<name>" volume ids
// (host paths) name no storage.
std::vector<std::string> storages_of(const config::Section& section, bool include_vmstate);

// add_unused_volume: stores volid under the lowest free unusedN unless some
// unusedN already holds it. Returns the key used ("" when already present).
// Throws SnapshotError "Too many unused volumes - please delete them first."
std::string add_unused_volume(config::Section& section, const std::string& volid);

// The writer's rule (write_vm_config): an unusedN of the main section whose
// volume a drive of the main section uses again is dropped. Applied by the
// rules so the config they return is the one the written file reads back as.
void drop_reused_unused(config::Section& main);

// Qemu's add_unused_volume does not keep cloud-init volumes (vm-N-cloudinit):
// it frees them instead. True for such a volid.
bool is_cloudinit_volume(const std::string& volid);

}  // namespace qmd::service::snapshots
