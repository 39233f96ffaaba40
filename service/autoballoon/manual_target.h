// The balloon target a `qm set` on a running VM sets directly (spec §7.7),
// decided from the VM's main config section before and after the change. Pure.
#pragma once

#include <cstdint>
#include <optional>

#include "config/config_file.h"

namespace qmd::autoballoon {

// - `balloon` changed to N > 0 in the main section (hot-plugged) while `shares`
//   is 0 (manual ballooning): N MiB × 2^20;
// - `balloon` removed from the main section (it was > 0): the target goes back
//   to `memory` MiB × 2^20, whatever the shares;
// - otherwise nullopt (autoballoon moves the target, or nothing to do).
// Values in bytes. `balloon: 0` (no device) is never hot-plugged, so never seen here as a new value.
std::optional<std::int64_t> manual_balloon_target(const config::Section& before, const config::Section& after);

}  // namespace qmd::autoballoon
