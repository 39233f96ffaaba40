// qm template <vmid> [--disk KEY] (spec §6.7).
#pragma once

#include "service/app.h"
#include "service/request.h"

namespace qmd::service {

// Writes `template: 1` first (vm.operation.started {op: template}), then
// renames each non-CD disk whose volume supports it (all, or only --disk) to
// a base image, one vm.operation.step per disk rewriting its drive value;
// then vm.operation.completed. No `lock:` is taken, as in Proxmox.
// Throws CommandError: check_template_allowed's refusals (template_rules.h),
// the `disk` enumeration error for a --disk that is no drive key, or the
// storage error of a failed rename (recorded as vm.operation.failed; disks
// converted before it stay converted).
Reply run_template(App& app, const Request& req);

}  // namespace qmd::service
