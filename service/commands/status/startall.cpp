#include "service/commands/status/startall.h"

#include <spdlog/spdlog.h>

#include "service/commands/common.h"
#include "service/commands/status/guest_records.h"
#include "service/commands/status/pass_log.h"
#include "service/commands/status/start.h"
#include "service/commands/unlock.h"
#include "service/runtime/verb_support.h"
#include "service/startup/order.h"

namespace qmd::service {

namespace {


startup::BootPlan plan_of(const std::vector<startup::GuestRecord>& guests, const startup::StartallOptions& o) {
  try {
    return startup::plan_startall(guests, o);
  } catch (const startup::StartupOptionsError& e) {
    throw CommandError("VM " + std::to_string(e.vmid) + ": " + e.what());
  }
}

// Proxmox removes them before anything starts, whatever --vms says, and goes
// on when one cannot be removed.
void clear_backup_locks(App& app, const Request& req, const std::vector<int>& vmids, PassLog& log) {
  for (int vmid : vmids) {
    try {
      if (remove_lock(app, vmid, req, "backup") == "backup")
        log.line("removed left over backup lock from '" + std::to_string(vmid) + "'!");
    } catch (const std::exception& e) {
      log.failure("removing the backup lock of VM " + std::to_string(vmid) + " failed: " + e.what());
    }
  }
}

// Starts one guest; false when the pass must end (qmd is stopping).
bool start_one(App& app, runtime::Runtime& rt, const Request& req, const startup::StartStep& step,
               bool explicit_up, PassLog& log) {
  const std::string id = std::to_string(step.vmid);
  if (rt.status(step.vmid, false).status == "running") return true;  // started meanwhile: skipped, no wait
  log.line("Starting VM " + id);
  Reply r;
  try {
    r = start_vm(app, req, step.vmid, false, std::nullopt);
  } catch (const std::exception& e) {  // the refusals (CommandError) and a runtime going away
    r = Reply::fail(e.what());
  }
  if (r.exit_code != 0) {
    log.failure("Starting VM " + id + " failed: " + chomped(r.err));
    return chomped(r.err) != runtime::kShuttingDown;
  }
  if (!r.err.empty()) log.line("VM " + id + ": " + chomped(r.err));
  if (step.up_delay == 0) return true;
  if (explicit_up) log.line("Waiting for " + std::to_string(step.up_delay) + " seconds (startup delay)");
  const runtime::OpResult waited = rt.delay(static_cast<int64_t>(step.up_delay) * 1000);
  if (!waited.error.empty()) {
    log.failure(waited.error);
    return false;
  }
  return true;
}

}  // namespace

Reply run_startall(App& app, const Request& req) {
  auto& rt = runtime::require_runtime(app);
  startup::StartallOptions options;
  options.force = flag(req, "force");
  options.only = vms_option(req);
  const std::vector<startup::GuestRecord> guests = node_guest_records(app, rt);
  const startup::BootPlan plan = plan_of(guests, options);

  PassLog log("startall", req);
  clear_backup_locks(app, req, plan.clear_backup_lock, log);
  for (const startup::StartGroup& group : plan.groups) {
    for (const startup::StartStep& step : group.guests) {
      bool explicit_up = false;
      for (const auto& g : guests)
        if (g.vmid == step.vmid) explicit_up = has_explicit_up(g);
      if (!start_one(app, rt, req, step, explicit_up, log)) return log.reply();
    }
  }
  return log.reply();
}

}  // namespace qmd::service
