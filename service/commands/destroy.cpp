// qm destroy <vmid> [--purge] [--destroy-unreferenced-disks] [--skiplock]
//
// A long operation when there are volumes to free: started (lock: destroyed)
// → one step per freed volume → vm.destroyed. A crash in the middle leaves the
// VM locked `destroyed`, and running destroy again finishes the job.
//
// Frees the volumes the VM owns (spec §6.8; a base image of another VM that a
// linked clone uses is not ours), refuses while a linked clone still uses one
// of its base images. Images in the VM's own directories that its config does
// not reference are freed too with --destroy-unreferenced-disks, and always
// when the VM's last operation was a create or clone that never completed: a
// crash in the middle of one leaves an image not yet in the config, and
// `qm unlock` + `qm destroy` must not leave it behind.
#include <fmt/format.h>

#include "config/delta.h"
#include "events/ids.h"
#include "projections/vm_events.h"
#include "service/commands/common.h"
#include "service/commands/verbs.h"
#include "service/commands/vm_volumes.h"
#include "service/storage/storage_error.h"
#include "service/storage/volume_id.h"

namespace qmd::service {

namespace {

// The last operation was a create or clone that did not complete (still
// running, crashed and unlocked, or failed).
bool unfinished_create_or_clone(const projections::VmState& s) {
  return s.op && (s.op->kind == "create" || s.op->kind == "clone") && s.op->state != "completed";
}

bool is_base_volume(const std::string& volid) {
  try {
    return storage::parse_volume_id(volid).is_base;
  } catch (const storage::StorageError&) {
    return false;
  }
}

}  // namespace

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
  // An unreadable storage.cfg stops the destroy before anything is written:
  // going on would drop the VM and orphan every image it owns.
  if (!volumes.empty()) app.storage();
  if (unreferenced || unfinished_create_or_clone(s)) {
    for (const auto& v : app.storage().list_volumes_of(static_cast<int>(vmid))) volumes.insert(v);
  }
  for (const auto& v : volumes) {
    if (is_base_volume(v) && app.storage().volume_in_use_by_linked_clone(v)) {
      throw CommandError("base volume '" + v + "' is still in use by linked cloned");
    }
  }

  int64_t version = s.version;
  std::string warnings;
  if (!volumes.empty()) {
    const std::string op_id = events::new_uuid();
    config::ConfigFile locked = s.conf;
    locked.main["lock"] = "destroyed";
    nlohmann::json p = {{"op", "destroy"}, {"op_id", op_id},
                        {"delta", projections::delta_json(s.conf, locked)}};
    version = app.commit(vmid, version, {{t::kOperationStarted, 1, p, {}}}, req).stream_version;
    for (const auto& v : volumes) {
      // As Proxmox: a volume that cannot be freed is a warning, the VM goes anyway.
      std::string outcome;
      try {
        outcome = app.storage().free(v) ? "freed " : "already gone: ";
      } catch (const std::exception& e) {
        warnings += "could not free " + v + ": " + e.what() + "\n";
        outcome = "not freed: ";
      }
      nlohmann::json step = {{"op_id", op_id}, {"step", outcome + v}, {"detail", {{"volid", v}}}};
      version = app.commit(vmid, version, {{t::kOperationStep, 1, step, {}}}, req).stream_version;
    }
  }
  nlohmann::json vols = nlohmann::json::array();
  for (const auto& v : volumes) vols.push_back(v);
  app.commit(vmid, version, {{t::kDestroyed, 1, {{"purge", purge}, {"volumes", vols}}, {}}}, req);
  return Reply{0, {}, warnings};
}

}  // namespace qmd::service
