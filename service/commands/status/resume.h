// qm resume <vmid> [--skiplock] [--nocheck]: continues a paused VM (QMP cont),
// recorded as `running`. Allowed under a backup lock (§6.10). Needs qmd.
#pragma once

#include "service/app.h"
#include "service/request.h"

namespace qmd::service {
Reply run_resume(App& app, const Request& req);
}
