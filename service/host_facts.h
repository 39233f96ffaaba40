// Facts about the host that commands record (not pure: they look at the system).
#pragma once

#include <string>

namespace qmd::service {

// The installed QEMU version "X.Y.Z" as Proxmox records it in `meta:
// creation-qemu=`: env QMD_QEMU_VERSION if set, else parsed from
// `qemu-system-x86_64 --version` or, failing that, `qemu-img --version`;
// "0.0.0" when neither runs. Computed once per process.
const std::string& installed_qemu_version();

}  // namespace qmd::service
