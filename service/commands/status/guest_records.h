// What the node-wide passes (startall, stopall) know of this node's guests:
// the planner's GuestRecords (service/startup/order.h), read from the read
// model and the live status qmd supervises, and the `--vms` option.
#pragma once

#include <optional>
#include <set>
#include <vector>

#include "service/app.h"
#include "service/request.h"
#include "service/runtime/runtime.h"
#include "service/startup/order.h"

namespace qmd::service {

// Every VM of this node (app.env().node), ascending. `running` is the live
// status (a paused VM counts as running, as Proxmox's check_running says).
std::vector<startup::GuestRecord> node_guest_records(App& app, runtime::Runtime& rt);

// --vms "100,101,...": the VMIDs to consider, nullopt when not given. Throws
// CommandError `400 Parameter verification failed.\nvms: ...` for a bad VMID.
std::optional<std::set<int>> vms_option(const Request& req);

// Whether the guest's `startup` sets `up=` (startall then says that it waits).
bool has_explicit_up(const startup::GuestRecord& g);

}  // namespace qmd::service
