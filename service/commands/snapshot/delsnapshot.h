// qm delsnapshot <vmid> <snapname> [--force]   (spec §6.5)
#pragma once

#include "service/app.h"
#include "service/request.h"

namespace qmd::service {

Reply run_delsnapshot(App& app, const Request& req);

}  // namespace qmd::service
