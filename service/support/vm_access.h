// Loading a VM a request names, with Proxmox's messages for a VM that does
// not exist or is locked, and the digest `-digest` is checked against.
#pragma once

#include <cstdint>
#include <string>

#include "projections/vm_state.h"
#include "service/app.h"

namespace qmd::service {

// The VM's state; throws CommandError
// `Configuration file 'nodes/<node>/qemu-server/<vmid>.conf' does not exist` when
// the VM does not exist.
projections::VmState load_existing(App& app, int64_t vmid);

// Throws CommandError `VM is locked (<lock>)` when the VM is locked and skiplock is false.
void check_lock(const projections::VmState& s, bool skiplock);

// `unable to create VM <vmid>: config file already exists` (create, clone, import).
CommandError vm_already_exists(int64_t vmid);

// The current file digest (SHA-1 of the rendered .conf).
std::string digest_of(const projections::VmState& s);

}  // namespace qmd::service
