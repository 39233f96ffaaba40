// qm destroy <vmid> [--purge] [--destroy-unreferenced-disks] [--skiplock]
//
// A long operation when there are volumes to free: started (lock: destroyed)
// → one step per freed volume → vm.destroyed. A crash in the middle leaves the
// VM locked `destroyed`, and running destroy again finishes the job.
#include <fmt/format.h>

#include "config/delta.h"
#include "events/ids.h"
#include "projections/vm_events.h"
#include "service/commands/common.h"
#include "service/commands/verbs.h"
#include "service/commands/vm_volumes.h"

namespace qmd::service {

Reply run_destroy(App& app, const Request& req) {
  namespace t = projections::event_type;
  const int64_t vmid = parse_vmid(req.args.at(0));
  const bool purge = flag(req, "purge");
  const bool skiplock = flag(req, "skiplock");
  const bool unreferenced = flag(req, "destroy-unreferenced-disks");
  auto s = load_existing(app, vmid);
  if (s.conf.main.count("protection") && s.conf.main.at("protection") == "1") {
    throw CommandError(fmt::format("can't remove VM {} - protection mode enabled", vmid));
  }
  if (s.status == "running" || s.status == "paused") {
    throw CommandError(fmt::format("VM {} is running - destroy failed", vmid));
  }
  const std::string lock = s.lock();
  if (lock != "suspended" && lock != "destroyed") check_lock(s, skiplock);

  std::set<std::string> volumes = owned_volumes(s.conf, vmid);
  for (const auto& v : volumes) {
    if (auto user = app.storage().volume_in_use_by_linked_clone(v)) {
      throw CommandError("base volume '" + v + "' is still in use by linked cloned");
    }
  }
  if (unreferenced) {
    for (const auto& v : app.storage().list_volumes_of(static_cast<int>(vmid))) volumes.insert(v);
  }

  int64_t version = s.version;
  if (!volumes.empty()) {
    const std::string op_id = events::new_uuid();
    config::ConfigFile locked = s.conf;
    locked.main["lock"] = "destroyed";
    nlohmann::json p = {{"op", "destroy"}, {"op_id", op_id},
                        {"delta", projections::delta_to_json(config::diff(s.conf, locked))}};
    version = app.commit(vmid, version, {{t::kOperationStarted, 1, p, {}}}, req).stream_version;
    for (const auto& v : volumes) {
      const bool existed = app.storage().free(v);
      nlohmann::json step = {{"op_id", op_id}, {"step", (existed ? "freed " : "already gone: ") + v},
                             {"detail", {{"volid", v}}}};
      version = app.commit(vmid, version, {{t::kOperationStep, 1, step, {}}}, req).stream_version;
    }
  }
  nlohmann::json vols = nlohmann::json::array();
  for (const auto& v : volumes) vols.push_back(v);
  app.commit(vmid, version, {{t::kDestroyed, 1, {{"purge", purge}, {"volumes", vols}}, {}}}, req);
  return Reply::ok();
}

}  // namespace qmd::service
