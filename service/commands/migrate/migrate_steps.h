// Pieces of a migration shared by the run (migrate.cpp) and the recovery of
// a migration whose driver died (migrate_recover.h): who drives it, stopping
// the target's incoming QEMU, and the events that end the operation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/config_file.h"
#include "events/event.h"
#include "service/cluster/nodes.h"
#include "service/runtime/supervisor.h"
#include "service/vm_flock.h"

namespace qmd::service {

// The process driving a VM's migration (qmd, or `qm` run in-process while the
// node's qmd was down) holds this flock for the whole operation, on
// <data_dir>/lock/migrate/lock-<vmid>.conf. The kernel releases it when that
// process dies (kill -9 included), so an open `migrate` operation whose flock
// is free has nobody driving it. nullopt: another holder has it (it is per
// open file: another thread of this process counts as another holder) and
// still had it after `wait`. Throws std::runtime_error naming the path when
// the file cannot be opened.
std::optional<VmFlock> try_lock_migration_driver(const std::string& data_dir, int64_t vmid,
                                                 std::chrono::milliseconds wait = std::chrono::milliseconds(0));

// Stops vmid's incoming QEMU on `target`: `qm stop <vmid> --migratedfrom
// <source_node> --timeout 5` to the target's qmd; when that qmd does not
// answer or fails, SIGKILL to the process its pidfile names, so that no QEMU
// lingers there with the VM's disks open. Best effort: failures are logged.
void stop_incoming(const cluster::NodeInfo& target, int64_t vmid, const std::string& source_node,
                   const std::string& correlation_id);

// After a completed live migration whose hand-over is committed (so `target`
// owns the VM and answers for it itself): waits until the target's qmd reports
// `status: running` — QEMU leaves `inmigrate` a moment after the source saw
// `completed` — so that the migration ends with the VM running there. Returns
// false when it does not within timeout_ms (the target's last answer is then
// in *last).
bool wait_until_running_on(const cluster::NodeInfo& target, int64_t vmid, int timeout_ms, std::string* last);

// The pid in vmid's pidfile on `target` (<data_dir>/run/<vmid>.pid), 0 when none.
int64_t incoming_pid(const cluster::NodeInfo& target, int64_t vmid);

// The hand-over of a completed live migration, to commit in ONE append:
// vm.moved {from, to, pid, online: true, total_time_ms, downtime_ms,
// transferred_bytes}, vm.status.changed running (the target's pid, cause
// "migrated from <from>"), and the operation's completion. `locked`: the
// config with `lock: migrate` (the completion's delta removes it).
std::vector<events::NewEvent> online_handover_events(const std::string& op_id, const config::ConfigFile& locked,
                                                     const std::string& from, const std::string& to, int64_t pid,
                                                     const runtime::MigrateFigures& f);

// vm.operation.completed / vm.operation.failed {error} of op_id, each with
// the delta that removes `lock` from `locked`.
events::NewEvent operation_completed_event(const std::string& op_id, const config::ConfigFile& locked);
events::NewEvent operation_failed_event(const std::string& op_id, const config::ConfigFile& locked,
                                        const std::string& error);

}  // namespace qmd::service
