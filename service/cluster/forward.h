// Runtime verbs for a VM owned by another node go to that node's qmd, as
// Proxmox's API proxies a request to the node a guest lives on. Each qmd acts
// only on its own VMs.
#pragma once

#include <optional>

#include "service/app.h"
#include "service/request.h"

namespace qmd::service::cluster {

// True for the verbs taking a vmid that act on the VM's process, its disks or
// its config (start, stop, status, set, destroy, snapshot, migrate, ...); not
// for those that only read the log (config, pending, showcmd, history, diff,
// listsnapshot), nor create and unlock.
bool is_owner_verb(const std::string& verb);

// When req is an owner verb for an existing VM whose node is not this one
// (and not an internal request of a migration, which carries --migratedfrom),
// sends it to the owner's qmd and returns its reply (the owner's progress
// lines go to req.live as they come, when it is set); when that qmd does not
// answer, a failure `node '<name>' is not online (no qmd answers on <socket>)`.
// nullopt: run here (also for an owner that never registered: VMs imported
// under another node name act locally as before).
// The forwarded request carries its original caller (with_origin), so that
// the owner records who typed the command, and where.
std::optional<Reply> forward_to_owner(App& app, const Request& req);

// req with on_behalf_of set: its actor (this process's user when it has none:
// `qm` in-process) and this node (or, for a request that was itself
// forwarded here, the node it came from).
Request with_origin(const App& app, const Request& req);

}  // namespace qmd::service::cluster
