// qm wait <vmid> [--timeout N>=1] (spec §6.11): prints `waiting until VM
// <vmid> stops (PID <pid>)` and returns when it stopped; at once (silently)
// when not running; `wait failed - got timeout` after N s. Needs qmd.
#pragma once

#include "service/app.h"
#include "service/request.h"

namespace qmd::service {
Reply run_wait(App& app, const Request& req);
}
