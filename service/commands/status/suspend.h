// qm suspend <vmid> [--skiplock] [--todisk] [--statestorage S]: pauses the VM
// (QMP stop), recorded as `paused`. Allowed under a backup lock (§6.10).
// --todisk (hibernation) is not supported by qmd and says so. Needs qmd.
#pragma once

#include "service/app.h"
#include "service/request.h"

namespace qmd::service {
Reply run_suspend(App& app, const Request& req);
}
