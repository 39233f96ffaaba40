// The target side of a live migration: `qm start <vmid> --migratedfrom <node>
// --stateuri tcp`, sent by the source node's qmd to this node's qmd, as
// Proxmox's migration runs it on the target over ssh.
//
// The VM must still belong to <node> and be locked `migrate`. QEMU is started
// with the VM's current config (pending changes are not applied) plus
// `-incoming tcp:127.0.0.1:<free port>`; nothing is recorded here (the VM is
// not this node's yet: the source records the hand-over). Replies
// `migration listens on tcp:127.0.0.1:<port>`.
#pragma once

#include <cstdint>
#include <string>

#include "service/app.h"
#include "service/request.h"

namespace qmd::service {

Reply start_incoming(App& app, const Request& req, int64_t vmid);

// The URI in start_incoming's reply ("tcp:127.0.0.1:PORT"), "" when absent.
std::string incoming_uri_of(const std::string& reply_out);

}  // namespace qmd::service
