// The refusals of `qm template` (spec §6.7), pure so they can be tested on any
// VmState (a running VM included, which the CLI cannot produce yet).
#pragma once

#include "projections/vm_state.h"

namespace qmd::service {

// Throws CommandError, in Proxmox's order:
//   "VM is locked (<lock>)"
//   "unable to create template, because VM contains snapshots"
//   "you can't convert a template to a template"       (unless with_disk)
//   "you can't convert a VM to template if VM is running"  (status running or paused)
void check_template_allowed(const projections::VmState& s, bool with_disk);

}  // namespace qmd::service
