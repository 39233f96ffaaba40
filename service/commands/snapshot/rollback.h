// qm rollback <vmid> <snapname> [--start]   (spec §6.4)
#pragma once

#include "service/app.h"
#include "service/request.h"

namespace qmd::service {

Reply run_rollback(App& app, const Request& req);

}  // namespace qmd::service
