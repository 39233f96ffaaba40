// qm listsnapshot <vmid>   (spec §6.5: the snapshot tree; JSON: the API's list)
#pragma once

#include "service/app.h"
#include "service/request.h"

namespace qmd::service {

Reply run_listsnapshot(App& app, const Request& req);

}  // namespace qmd::service
