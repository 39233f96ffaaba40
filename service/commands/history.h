// History and audit queries over the log.
#pragma once

#include "service/app.h"
#include "service/request.h"

namespace qmd::service {

// qm history <vmid>: every event of the VM (exit 255 if it never existed).
Reply run_history(App& app, const Request& req);
// qm audit [--vmid N] [--actor USER] [--type TYPE] [--since T] [--until T]:
// events of all streams matching every filter given; `--type vm.operation`
// also matches its sub-types.
Reply run_audit(App& app, const Request& req);

}  // namespace qmd::service
