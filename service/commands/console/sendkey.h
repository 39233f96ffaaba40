// qm sendkey <vmid> <key> [--skiplock] [--hold-time MS]: one key combination
// (QEMU monitor encoding: `ctrl-alt-delete`, `shift-3`, `ret`, `a`, …) to a
// running VM, as Proxmox's vm_sendkey (the human monitor's `sendkey`).
#pragma once

#include "service/app.h"
#include "service/request.h"

namespace qmd::service {

// Refuses a locked VM (unless --skiplock), a key that is not
// letters/digits/`_` joined by `-` (it would pass more monitor arguments),
// and fails with the monitor's answer when QEMU refuses the key.
Reply run_sendkey(App& app, const Request& req);

}  // namespace qmd::service
