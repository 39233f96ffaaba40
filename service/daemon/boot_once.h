// `qmd --startall` starts the guests once per host boot, not at every start of
// qmd: a `systemctl restart qmd` must not start again the onboot guests an
// admin stopped meanwhile (Proxmox runs startall from a oneshot unit at boot).
#pragma once

#include <string>

namespace qmd::service::daemon {

// True the first time it is called since the host booted — then this boot is
// remembered in <run_dir>/startall.boot (written durably: temp file, fsync,
// rename) — and false afterwards. The boot is told by the kernel's boot id,
// read from boot_id_path. When the boot id cannot be read it returns true: a
// pass too many is better than guests left stopped after a boot.
bool claim_startall_for_this_boot(const std::string& run_dir,
                                  const std::string& boot_id_path = "/proc/sys/kernel/random/boot_id");

}  // namespace qmd::service::daemon
