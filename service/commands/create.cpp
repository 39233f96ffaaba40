// qm create <vmid> [OPTIONS]
//
// Without disks to allocate the VM appears in one event (vm.created). With
// disks it is a long operation: started (lock: create) → one step per
// allocated disk → completed (lock removed); a failure frees what was
// allocated and leaves the VM locked (create), as Proxmox does.
#include <fmt/format.h>

#include "config/delta.h"
#include "events/ids.h"
#include "projections/vm_events.h"
#include "service/commands/common.h"
#include "service/commands/create_plan.h"
#include "service/commands/option_values.h"
#include "service/commands/verbs.h"
#include "service/host_facts.h"

namespace qmd::service {

namespace {

const std::vector<std::string> kCreateOptions = {"storage", "unique", "force", "pool", "start"};

}  // namespace

Reply run_create(App& app, const Request& req) {
  namespace t = projections::event_type;
  const int64_t vmid = parse_vmid(req.args.at(0));
  if (req.has("start") && flag(req, "start")) {
    throw CommandError("create --start needs the qmd service, which is not available yet");
  }
  const Generators gen = Generators::system();
  const PreparedOptions opts = prepare_options(req, kCreateOptions, app.env(), gen);
  const auto before = app.model().load(vmid);
  if (before.exists) throw vm_already_exists(vmid);
  // Every storage a disk goes to is checked before anything is written
  // (Proxmox's check_storage_access), so a missing storage or an unreadable
  // storage.cfg leaves no VM behind. Throws the StorageError as is.
  for (const auto& a : opts.allocations) {
    const auto& s = app.storage().config().usable(a.storage);
    if (!s.has_content("images")) throw CommandError("storage '" + a.storage + "' does not support vm images");
  }
  const int64_t expected = before.version == 0 ? events::kNoStream : before.version;

  config::ConfigFile conf = plan_create(opts, gen, installed_qemu_version());
  const config::ConfigFile empty;
  const nlohmann::json where = {{"vmid", vmid}, {"node", app.env().node}};

  try {
    if (opts.allocations.empty()) {
      nlohmann::json p = where;
      p["delta"] = projections::delta_json(empty, conf);
      app.commit(vmid, expected, {{t::kCreated, 1, p, {}}}, req);
      return Reply::ok();
    }
    const std::string op_id = events::new_uuid();
    config::ConfigFile locked = conf;
    locked.main["lock"] = "create";
    nlohmann::json p = where;
    p["op"] = "create";
    p["op_id"] = op_id;
    p["delta"] = projections::delta_json(empty, locked);
    int64_t version = app.commit(vmid, expected, {{t::kOperationStarted, 1, p, {}}}, req).stream_version;

    std::vector<std::string> allocated;
    try {
      for (const auto& a : opts.allocations) {
        AllocatedDrive d = allocate_drive(app.storage(), static_cast<int>(vmid), a);
        const std::string volid = d.volid;
        allocated.push_back(volid);
        config::ConfigFile next = locked;
        next.main[a.key] = std::move(d.value);
        nlohmann::json step = {{"op_id", op_id},
                               {"step", fmt::format("allocated {} for {}", volid, a.key)},
                               {"detail", {{"key", a.key}, {"volid", volid}, {"size", a.size_bytes}}},
                               {"delta", projections::delta_json(locked, next)}};
        version = app.commit(vmid, version, {{t::kOperationStep, 1, step, {}}}, req).stream_version;
        locked = std::move(next);
      }
    } catch (const std::exception& e) {
      for (const auto& v : allocated) {
        try {
          app.storage().free(v);
        } catch (const std::exception&) {
        }
      }
      nlohmann::json f = {{"op_id", op_id}, {"error", e.what()}, {"freed", allocated}};
      // The config keeps no reference to freed volumes; the lock stays (Proxmox leaves `lock: create`).
      config::ConfigFile cleaned = locked;
      for (const auto& a : opts.allocations) cleaned.main.erase(a.key);
      f["delta"] = projections::delta_json(locked, cleaned);
      app.commit(vmid, version, {{t::kOperationFailed, 1, f, {}}}, req);
      throw CommandError("unable to create VM " + std::to_string(vmid) + " - " + e.what());
    }
    config::ConfigFile done = locked;
    done.main.erase("lock");
    app.commit(vmid, version, {{t::kOperationCompleted, 1, {{"op_id", op_id}, {"delta", projections::delta_json(locked, done)}}, {}}},
               req);
    return Reply::ok();
  } catch (const events::ConflictError&) {
    throw vm_already_exists(vmid);
  }
}

}  // namespace qmd::service
