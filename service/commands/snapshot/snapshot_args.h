// What the snapshot verbs (snapshot, rollback, delsnapshot, listsnapshot)
// share: the snapname argument check and running one engine operation.
#pragma once

#include <functional>
#include <string>

#include "service/app.h"
#include "service/request.h"
#include "service/snapshots/engine.h"

namespace qmd::service {

// The snapname positional argument, checked as Proxmox's pve-snapshot-name
// (pve-configid, at most 40 characters). Throws CommandError
// `400 Parameter verification failed.\nsnapname: value may only be 40 characters long`
// or `...snapname: invalid format - invalid configuration ID '<name>'`.
std::string snapname_arg(const Request& req);

// Runs `op` with an engine Context for `vmid` over App (events, AppLog) and,
// inside qmd, the VM's QEMU and Storage (LiveBackend; a start after a rollback
// is start_vm's); in a plain qm, Storage alone (StorageBackend: a running VM
// is refused with the "qmd is not running" message). The VM must exist. Returns the Reply: stdout is
// the operation's output, stderr its warnings followed by the error, if any
// (exit 255).
Reply run_snapshot_operation(App& app, const Request& req, int64_t vmid,
                             const std::function<void(snapshots::Context&)>& op);

}  // namespace qmd::service
