// qm showcmd <vmid> [--pretty] [--snapshot NAME] (spec §6.2, §10).
#pragma once

#include "service/app.h"
#include "service/request.h"

namespace qmd::service {

// Prints the QEMU command line qmd would start the VM with on this host
// (service/qemu/cmdline.h), quoted as Proxmox does; --pretty puts every
// option on its own line. Errors: the VM does not exist, "snapshot '<n>' does
// not exist", or the builder's refusal naming what this host lacks.
Reply run_showcmd(App& app, const Request& req);

}  // namespace qmd::service
