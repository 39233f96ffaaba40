// The node-wide passes of spec §6.11 (Proxmox's `pvenode startall/stopall`),
// executed by qmd (without it: the "qmd is not running" refusal).
//
// qm startall [--force] [--vms LIST]: stale `backup` locks removed from every
// guest of the node ("removed left over backup lock from '<vmid>'!"), then the
// onboot guests (all with --force) started group by group as
// startup::plan_startall orders them, one at a time: "Starting VM <vmid>",
// then the `up=` wait (default 3 s; "Waiting for <n> seconds (startup delay)"
// when `up=` is set), timed on qmd's loop. A failed start is reported
// ("Starting VM <vmid> failed: <error>") and the pass goes on.
//
// qm stopall [--timeout N] [--force-stop 0|1] [--vms LIST]: every running
// guest shut down group by group as startup::plan_stopall orders them
// ("Stopping VM <vmid> (timeout = <n> seconds)"): ACPI powerdown, after
// `down=` (else --timeout, default 180, max 7200) seconds SIGTERM then SIGKILL
// (unless --force-stop 0). Within a group up to max_workers (the host's CPU
// count) shutdowns run at once; a group is done before the next begins.
//
// Every start and stop is a vm.status.changed event whose cause is
// "startall by <user>" / "stopall by <user>" (detail: how the VM went down).
// The reply carries the per-guest lines on stderr; exit 0 when every guest
// went as asked, else 255. If qmd stops meanwhile, the pass ends with
// "qmd is shutting down".
#pragma once

#include "service/app.h"
#include "service/request.h"

namespace qmd::service {

Reply run_startall(App& app, const Request& req);
Reply run_stopall(App& app, const Request& req);

}  // namespace qmd::service
