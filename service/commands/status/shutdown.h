// qm shutdown <vmid> [--timeout N] [--forceStop] [--keepActive] [--skiplock]
// (spec §6.11): ACPI powerdown; timeout = `startup: down=` or 60 s; on timeout
// `VM quit/powerdown failed - got timeout`, or with --forceStop SIGTERM then
// SIGKILL after 10 s. A paused VM is refused (`VM is paused - cannot
// shutdown`) unless --forceStop (then a hard stop). Needs qmd.
#pragma once

#include "service/app.h"
#include "service/request.h"

namespace qmd::service {
Reply run_shutdown(App& app, const Request& req);
}
