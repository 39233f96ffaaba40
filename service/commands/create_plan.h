// The pure part of `qm create`: the config a new VM starts with (spec §5).
#pragma once

#include <string>

#include "config/config_file.h"
#include "service/commands/option_values.h"
#include "service/generators.h"

namespace qmd::service {

// Builds the new VM's main section from the prepared options plus the create
// defaults: `meta: creation-qemu=<qemu_version>,ctime=<now>`, `smbios1:
// uuid=<random>` when absent, `vmgenid` when absent or 1 (not on aarch64),
// `boot: order=<first disk>;<first cdrom>;<first net>` when absent (drives
// still to be allocated count as disks), the machine pinned for Windows
// ostypes. Drives awaiting allocation are not in the result.
// Throws config::ConfigError for values the update rules refuse.
config::ConfigFile plan_create(const PreparedOptions& opts, const Generators& gen, const std::string& qemu_version);

// The default boot order of §5 for a set of drive/net keys (`key` → value),
// e.g. "order=scsi0;ide2;net0", or "" when there is no device.
std::string default_boot_order(const config::Section& devices);

}  // namespace qmd::service
