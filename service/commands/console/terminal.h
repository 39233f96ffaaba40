// qm terminal <vmid> [--iface serialN] [--escape CHAR]: attaches the user's
// terminal to a serial port of a running VM (`serialN: socket`), as Proxmox's
// `qm terminal` does with socat. Interactive: runs in the qm process, on its
// own stdin/stdout, never inside qmd (VerbSpec::run_here).
#pragma once

#include "service/app.h"
#include "service/request.h"

namespace qmd::service {

// Prints `starting serial terminal on interface serial0 (press Ctrl+O to
// exit)` and relays until the escape byte, EOF on stdin or the VM closing
// the port; stdin is in raw mode meanwhile when it is a terminal, and
// restored. Errors (before anything is relayed), with Proxmox's texts:
// invalid escape, no such VM, no/wrong serial interface, `VM <vmid> not
// running`; `unable to connect to serial port '<path>' - <reason>`.
Reply run_terminal(App& app, const Request& req);

}  // namespace qmd::service
