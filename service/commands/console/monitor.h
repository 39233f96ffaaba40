// qm monitor <vmid> [--command TEXT]: QEMU's human monitor of a running VM.
// Without --command it is Proxmox's interactive `qm monitor` (a `qm> ` prompt,
// one monitor command per line, `q`/`quit` or end of input leaves); it runs
// in the qm process (VerbSpec::run_here) and sends each line to qmd as
// `monitor <vmid> --command LINE`, which qmd runs on the VM's QMP connection.
#pragma once

#include "service/app.h"
#include "service/request.h"

namespace qmd::service {

// With --command: the monitor's output on stdout (qmd only; in-process it
// says qmd is not running). Without: the interactive loop on stdin/stdout;
// each failing line prints `ERROR: <message>` and the loop goes on, as
// Proxmox's. Fails at once when the VM does not exist.
Reply run_monitor(App& app, const Request& req);

// Whether this request is the interactive form (no --command).
bool monitor_is_interactive(const Request& req);

}  // namespace qmd::service
