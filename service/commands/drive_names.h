// The drive keys in Proxmox's valid_drive_names() order (ide0-3, scsi0-30,
// virtio0-15, sata0-5, efidisk0, tpmstate0): the order in which foreach_volume
// visits a VM's disks, and the enumeration of `disk` parameters.
#pragma once

#include <string>
#include <vector>

namespace qmd::service {

const std::vector<std::string>& drive_names();

// Throws CommandError `400 Parameter verification failed.\n<param>: value '<v>'
// does not have a value in the enumeration '<ide0, ide1, ...>'` unless `value`
// is one of drive_names().
void check_drive_name(const std::string& param, const std::string& value);

}  // namespace qmd::service
