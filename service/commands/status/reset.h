// qm reset <vmid> [--skiplock]: QMP system_reset (no status change). Needs qmd.
#pragma once

#include "service/app.h"
#include "service/request.h"

namespace qmd::service {
Reply run_reset(App& app, const Request& req);
}
