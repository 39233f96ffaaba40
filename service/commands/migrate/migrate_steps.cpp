#include "service/commands/migrate/migrate_steps.h"

#include <signal.h>

#include <chrono>
#include <thread>

#include <spdlog/spdlog.h>

#include "config/delta.h"
#include "projections/vm_events.h"
#include "service/client/qmd_client.h"
#include "service/request.h"
#include "service/runtime/pidfile.h"
#include "service/runtime/status_change.h"

namespace qmd::service {

namespace t = projections::event_type;

namespace {
nlohmann::json unlock_delta(const config::ConfigFile& locked) {
  config::ConfigFile unlocked = locked;
  unlocked.main.erase("lock");
  return projections::delta_json(locked, unlocked);
}
}  // namespace

std::optional<VmFlock> try_lock_migration_driver(const std::string& data_dir, int64_t vmid,
                                                 std::chrono::milliseconds wait) {
  try {
    return VmFlock::acquire(vm_lock_dir(data_dir) + "/migrate", vmid, VmFlock::Mode::Exclusive, wait);
  } catch (const CommandError&) {
    return std::nullopt;  // "got timeout": held
  }
}

int64_t incoming_pid(const cluster::NodeInfo& target, int64_t vmid) {
  return runtime::read_pidfile(target.data_dir + "/run/" + std::to_string(vmid) + ".pid").value_or(0);
}

void stop_incoming(const cluster::NodeInfo& target, int64_t vmid, const std::string& source_node,
                   const std::string& correlation_id) {
  Request stop;
  stop.verb = "stop";
  stop.args = {std::to_string(vmid)};
  stop.options = {{"migratedfrom", source_node}, {"timeout", "5"}};
  stop.command_line = "qm stop " + stop.args[0] + " --migratedfrom " + source_node;
  stop.correlation_id = correlation_id;
  try {
    auto reply = client::call(target.socket, stop);
    if (reply && reply->exit_code == 0) return;
    spdlog::warn("VM {}: could not stop the incoming QEMU on node {}: {}", vmid, target.name,
                 reply ? reply->err : "qmd not answering");
  } catch (const std::exception& e) {
    spdlog::warn("VM {}: could not stop the incoming QEMU on node {}: {}", vmid, target.name, e.what());
  }
  // The target qmd is gone: its QEMU must not linger with the VM's disks open.
  if (const int64_t pid = incoming_pid(target, vmid); pid > 0) ::kill(static_cast<pid_t>(pid), SIGKILL);
}

bool wait_until_running_on(const cluster::NodeInfo& target, int64_t vmid, int timeout_ms, std::string* last) {
  Request status;
  status.verb = "status";
  status.args = {std::to_string(vmid)};
  status.command_line = "qm status " + status.args[0];
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    try {
      auto reply = client::call(target.socket, status);
      if (reply) *last = reply->exit_code == 0 ? reply->out : reply->err;
      if (reply && reply->exit_code == 0 && reply->out == "status: running\n") return true;
    } catch (const std::exception& e) {
      *last = e.what();
    }
    if (std::chrono::steady_clock::now() >= end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::vector<events::NewEvent> online_handover_events(const std::string& op_id, const config::ConfigFile& locked,
                                                     const std::string& from, const std::string& to, int64_t pid,
                                                     const runtime::MigrateFigures& f) {
  nlohmann::json moved = {{"from", from}, {"to", to}};
  moved["pid"] = pid;
  moved["online"] = true;
  moved["total_time_ms"] = f.total_time_ms;
  moved["downtime_ms"] = f.downtime_ms;
  moved["transferred_bytes"] = f.transferred_bytes;
  runtime::StatusChange running{0, "running", pid, "migrated from " + from, ""};
  return {{t::kMoved, 1, moved, {}}, runtime::status_event(running), operation_completed_event(op_id, locked)};
}

events::NewEvent operation_completed_event(const std::string& op_id, const config::ConfigFile& locked) {
  return {t::kOperationCompleted, 1, {{"op_id", op_id}, {"delta", unlock_delta(locked)}}, {}};
}

events::NewEvent operation_failed_event(const std::string& op_id, const config::ConfigFile& locked,
                                        const std::string& error) {
  return {t::kOperationFailed, 1, {{"op_id", op_id}, {"error", error}, {"delta", unlock_delta(locked)}}, {}};
}

}  // namespace qmd::service
