// qm cloudinit dump <vmid> <type> | pending <vmid> | update <vmid>
#pragma once

#include "service/app.h"
#include "service/request.h"

namespace qmd::service {

// The document Proxmox's generator makes for the VM's current config (type
// user|network|meta), followed by a newline as Proxmox's CLI prints it.
// Throws CommandError with the enumeration error for another type.
Reply run_cloudinit_dump(App& app, const Request& req);

// Cloud-init settings changed since the seed was last generated
// ("cur k: v" / "new k: p" / "del k: "); the password shown as **********.
Reply run_cloudinit_pending(App& app, const Request& req);

// Regenerates the seed of a stopped VM's cloud-init drive(s) ("generating
// cloud-init ISO") and drops [special:cloudinit]. Nothing to do without a
// cloud-init drive. A running VM is refused (its image is open in QEMU).
Reply run_cloudinit_update(App& app, const Request& req);

}  // namespace qmd::service
