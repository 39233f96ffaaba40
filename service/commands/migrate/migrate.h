// qm migrate <vmid> <target> [--online] [--with-local-disks] [--force]
// [--bwlimit KiB/s] (spec §6.9), between the nodes of one log (cluster/nodes.h).
//
// Runs on the VM's owner node (cluster/forward.h sends it there). A long
// operation on the VM's stream: started (`lock: migrate`) → steps → in ONE
// commit vm.moved {from, to, ...} + completed (lock removed), or failed
// {error} with the lock removed and the VM where it was.
//
// The process running it holds the migration's driver flock throughout
// (migrate_steps.h); a second migration of the VM meanwhile: `VM is locked
// (migrate)`. If that process dies, the node's qmd ends the migration when it
// starts (migrate_recover.h).
//
// Offline: disks on non-shared storage are copied byte for byte into the
// target node's storage of the same id (steps "copying" once the target file
// exists and "copied"; --bwlimit paces the copy) and freed on the source after
// the hand-over; a failure frees what was copied.
// Online: the target qmd starts QEMU with -incoming (migrate_incoming.h), the
// source's QEMU sends its state (Supervisor::migrate); on completion the
// hand-over also records the target's pid as `running` and the figures
// (total time, downtime, bytes), then the source QEMU quits. On failure the
// target's QEMU is stopped and the VM keeps running on the source.
#pragma once

#include "service/app.h"
#include "service/request.h"

namespace qmd::service {

Reply run_migrate(App& app, const Request& req);

}  // namespace qmd::service
