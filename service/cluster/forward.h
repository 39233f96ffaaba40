// Runtime verbs for a VM owned by another node go to that node's qmd, as
// Proxmox's API proxies a request to the node a guest lives on. Each qmd acts
// only on its own VMs.
#pragma once

#include <optional>

#include "service/app.h"
#include "service/request.h"

namespace qmd::service::cluster {

// True for the verbs that act on a VM's process or move it (start, stop,
// shutdown, reboot, reset, suspend, resume, wait, status, migrate).
bool is_owner_verb(const std::string& verb);

// When req is an owner verb for an existing VM whose node is not this one
// (and not an internal request of a migration, which carries --migratedfrom),
// sends it to the owner's qmd and returns its reply; when that qmd does not
// answer, a failure `node '<name>' is not online (no qmd answers on <socket>)`
// (or `node '<name>' is not registered in the cluster`). nullopt: run here.
std::optional<Reply> forward_to_owner(App& app, const Request& req);

}  // namespace qmd::service::cluster
