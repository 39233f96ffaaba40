// qm snapshot <vmid> <snapname> [--description TEXT] [--vmstate 1]   (spec §6.3)
#pragma once

#include "service/app.h"
#include "service/request.h"

namespace qmd::service {

Reply run_snapshot(App& app, const Request& req);

}  // namespace qmd::service
