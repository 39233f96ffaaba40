// One running VM's planner record (spec §7.1), built from its config and what
// QEMU answered. Pure.
#pragma once

#include <nlohmann/json.hpp>

#include "config/config_file.h"
#include "service/autoballoon/planner.h"

namespace qmd::autoballoon {

// The QMP questions asked of each VM every cycle (as `execute` name + arguments).
inline constexpr const char* kQueryBalloon = "query-balloon";
nlohmann::json guest_stats_query();  // qom-get machine/peripheral/balloon0 guest-stats

// main: the VM's config as in effect (pending values not applied).
// query_balloon: query-balloon's return ({"actual": bytes, PVE's QEMU adds max_mem,
//   free_mem, total_mem}); null when the query failed (no balloon device).
// guest_stats: the guest-stats property ({"stats": {"stat-free-memory": bytes, ...},
//   "last-update": seconds}); null when it could not be read.
//
// maxmem       = query_balloon.max_mem when present, else `memory` MiB × 2^20;
// balloon_min  = `balloon` MiB × 2^20 when > 0;
// shares       = `shares` when set (an unreadable value counts as unset);
// balloon      = query_balloon.actual, only when the guest's balloon driver runs:
//                upstream QEMU answers `actual` without a driver too, so the driver
//                counts as running once it has reported guest statistics
//                (last-update > 0) or when QEMU reports them itself (free_mem);
// freemem      = the guest's free memory (stat-free-memory, else free_mem), 0 when unknown;
// lock         = `lock`.
VmBalloonStatus balloon_status_of(int vmid, const config::Section& main, const nlohmann::json& query_balloon,
                                  const nlohmann::json& guest_stats);

}  // namespace qmd::autoballoon
