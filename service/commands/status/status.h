// qm status <vmid> [--verbose] (spec §6.13): `status: <qmpstatus>` (running,
// paused, stopped, ...); --verbose prints every field `key: value`, sorted
// (with --output-format json: an object with at least status, qmpstatus, pid,
// uptime, maxmem, balloon). Live from qmd; needs qmd.
#pragma once

#include <nlohmann/json.hpp>

#include "projections/vm_state.h"
#include "service/app.h"
#include "service/request.h"
#include "service/runtime/supervisor.h"

namespace qmd::service {

Reply run_status(App& app, const Request& req);

// The verbose fields of a VM (pure): from its recorded state and its live status.
nlohmann::json status_fields(const projections::VmState& s, const runtime::LiveStatus& live);
// The verbose text: one `key: value` line per scalar field, keys sorted; objects as compact JSON.
std::string status_verbose_text(const nlohmann::json& fields);

}  // namespace qmd::service
