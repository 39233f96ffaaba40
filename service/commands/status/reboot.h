// qm reboot <vmid> [--timeout N] (spec §6.11): a shutdown (its timeout rules),
// then a start that applies pending changes. Refused when the VM is not
// running (`VM <vmid> not running`) or locked. Needs qmd.
#pragma once

#include "service/app.h"
#include "service/request.h"

namespace qmd::service {
Reply run_reboot(App& app, const Request& req);
}
