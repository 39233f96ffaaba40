// qm stop <vmid> [--timeout N] [--skiplock] [--keepActive] [--overrule-shutdown]
// (spec §6.11): QMP quit, after the timeout (default 60 s) SIGTERM, 10 s later
// SIGKILL. A stopped VM: nothing to do. Needs qmd.
#pragma once

#include "service/app.h"
#include "service/request.h"

namespace qmd::service {
Reply run_stop(App& app, const Request& req);
}
