#include "service/snapshots/engine.h"

#include "config/config_error.h"
#include "config/propstring.h"
#include "config/schema.h"
#include "service/snapshots/rules.h"
#include "service/snapshots/snapshot_error.h"
#include "service/snapshots/volumes.h"

namespace qmd::service::snapshots {

namespace {

using config::ConfigFile;

Entry step(std::string text, nlohmann::json detail = nlohmann::json::object()) {
  return Entry{Phase::kStep, "", std::move(text), std::move(detail)};
}

std::string drive_text(const SectionVolume& d) { return d.key + " (" + d.volid + ")"; }

// fs-freeze is wanted when the guest agent is enabled with freeze-fs (default on).
bool agent_wants_freeze(const ConfigFile& conf) {
  auto it = conf.main.find("agent");
  if (it == conf.main.end()) return false;
  try {
    const auto* opt = config::find_option("agent");
    config::PropMap m = config::parse_property_string(*opt->propstring, it->second);
    auto enabled = m.find("enabled");
    if (enabled == m.end() || enabled->second != "1") return false;
    auto freeze = m.find("freeze-fs");
    return freeze == m.end() || freeze->second != "0";
  } catch (const config::ConfigError&) {
    return false;
  }
}

void running_check(Context& ctx) {
  if (ctx.backend.vm_running())
    throw SnapshotError("unable to rollback vm " + std::to_string(ctx.vmid) + ": vm is running");
}

// The delete algorithm; `drivehash` is set when it cleans up a failed create
// (then the lock is the create's `snapshot`, and only those volumes are touched).
void delete_impl(Context& ctx, const std::string& name, bool force, const std::set<std::string>* drivehash) {
  const bool nested = drivehash != nullptr;
  const std::string expected_lock = nested ? "snapshot" : "snapshot-delete";
  ConfigFile conf = ctx.log.load();
  const config::Section& target = find_snapshot(conf, name);
  if (!nested) {
    check_delete(conf, name);
    ctx.backend.activate_storages(storages_of(target, true));
  }

  ConfigFile marked;
  if (nested) {
    marked = delete_mark(conf, name, expected_lock);
    ctx.log.record(step("cleanup: snapshot '" + name + "' marked for deletion"), conf, marked);
  } else {
    marked = delete_mark(delete_lock(conf), name, expected_lock);
    ctx.log.record(Entry{Phase::kStarted, "snapshot-delete", "", {{"name", name}, {"force", force}}}, conf, marked);
  }

  try {
    const config::Section snap = marked.snapshots.at(name);
    std::vector<std::string> deleted;
    auto remove_key = [&](const std::string& key, const std::string& text, const nlohmann::json& detail) {
      if (force) {
        ctx.log.record(step(text, detail), marked, marked);
        return;
      }
      ConfigFile now = ctx.log.load();
      ConfigFile next = delete_remove_key(now, name, key, expected_lock);
      ctx.log.record(step(text, detail), now, next);
    };

    if (auto vs = snap.find("vmstate"); vs != snap.end() && !vs->second.empty() && vs->second != "0") {
      try {
        ctx.backend.free_volume(vs->second);
      } catch (const std::exception& e) {
        if (!force) throw;
        ctx.console.warn(e.what());
      }
      remove_key("vmstate", "vmstate volume " + vs->second + " removed", {{"key", "vmstate"}, {"volid", vs->second}});
    }

    for (const auto& d : snapshot_drives(snap)) {
      const bool selected = !nested || drivehash->count(d.key);
      std::string text = "snapshot of " + drive_text(d) + " deleted";
      if (selected) {
        try {
          ctx.backend.snapshot_delete(d.volid, name);
          deleted.push_back(d.volid);
        } catch (const std::exception& e) {
          if (!force) throw;
          ctx.console.warn(e.what());
          text = "snapshot of " + drive_text(d) + " not deleted (forced): " + e.what();
        }
      } else {
        text = "snapshot of " + drive_text(d) + " was never taken";
      }
      remove_key(d.key, text, {{"key", d.key}, {"volid", d.volid}});
    }

    ConfigFile now = ctx.log.load();
    ConfigFile done = delete_finish(now, name, expected_lock, deleted);
    if (nested) ctx.log.record(step("cleanup: snapshot '" + name + "' removed"), now, done);
    else ctx.log.record(Entry{Phase::kCompleted, "", "", {}}, now, done);
  } catch (const std::exception& e) {
    if (!nested) {
      ConfigFile now = ctx.log.load();
      ctx.log.record(Entry{Phase::kFailed, "", e.what(), {}}, now, now);
    }
    throw;
  }
}

}  // namespace

bool has_snapshot_feature(const config::Section& section, Backend& backend) {
  for (const auto& d : snapshot_drives(section))
    if (!backend.volume_has_snapshot_feature(d.volid)) return false;
  return true;
}

void prepare_snapshot(Context& ctx, const CreateOptions& o) {
  ConfigFile conf = ctx.log.load();
  const bool feature = has_snapshot_feature(conf.main, ctx.backend);
  check_prepare(conf, o.name, feature);
  PrepareInput in{o.name, o.snaptime, o.description, feature, std::nullopt};
  if (o.vmstate && ctx.backend.vm_running()) in.vmstate = ctx.backend.save_vmstate(conf, o.name);
  try {
    Prepared p = prepare(conf, in);
    for (const auto& w : p.warnings) ctx.console.warn(w);
    ctx.log.record(Entry{Phase::kStarted, "snapshot", "",
                         {{"name", o.name}, {"vmstate", in.vmstate.has_value()}}},
                   conf, p.conf);
  } catch (const std::exception&) {
    // Nothing refers to the state volume yet: it must not stay behind.
    if (in.vmstate) {
      try {
        ctx.backend.free_volume(in.vmstate->vmstate);
      } catch (const std::exception& e) {
        ctx.console.warn(e.what());
      }
    }
    throw;
  }
}

void commit_snapshot(Context& ctx, const std::string& name) {
  ConfigFile conf = ctx.log.load();
  ConfigFile next = commit(conf, name);
  ctx.log.record(Entry{Phase::kCompleted, "", "", {}}, conf, next);
}

void create_snapshot(Context& ctx, const CreateOptions& o) {
  prepare_snapshot(ctx, o);
  ConfigFile conf = ctx.log.load();
  const config::Section snap = find_snapshot(conf, o.name);
  const std::string vmstate = snap.count("vmstate") ? snap.at("vmstate") : "";

  const bool running = ctx.backend.vm_running();
  const bool freezefs = vmstate.empty() && running && agent_wants_freeze(conf) && ctx.backend.guest_agent_running();
  std::set<std::string> drivehash;
  std::string error;
  try {
    ctx.backend.activate_storages(storages_of(conf.main, false));
    if (freezefs) {
      try {
        ctx.backend.guest_fsfreeze();
      } catch (const std::exception& e) {
        ctx.console.warn(e.what());
      }
    }
    if (running) ctx.backend.savevm_start(vmstate);
    for (const auto& d : snapshot_drives(snap)) {
      ctx.console.print("snapshotting 'drive-" + d.key + "' (" + d.volid + ")");
      ctx.backend.snapshot_create(d.volid, o.name);
      drivehash.insert(d.key);
      ctx.log.record(step("snapshot of " + drive_text(d) + " taken", {{"key", d.key}, {"volid", d.volid}}), conf,
                     conf);
    }
    if (running && !vmstate.empty()) {
      ctx.backend.savevm_write_state(vmstate);
      ctx.log.record(step("RAM state saved to " + vmstate, {{"key", "vmstate"}, {"volid", vmstate}}), conf, conf);
    }
  } catch (const std::exception& e) {
    error = e.what();
    if (error.empty()) error = "snapshot create failed";
  }
  if (running) {
    try {
      ctx.backend.savevm_end();
    } catch (const std::exception& e) {
      ctx.console.warn(e.what());
    }
    if (freezefs) {
      try {
        ctx.backend.guest_fsthaw();
      } catch (const std::exception& e) {
        ctx.console.warn(std::string("guest-fsfreeze-thaw problems - ") + e.what());
      }
    }
  }
  if (!error.empty()) {
    ctx.console.warn("snapshot create failed: starting cleanup");
    try {
      delete_impl(ctx, o.name, true, &drivehash);
    } catch (const std::exception& e) {
      ctx.console.warn(e.what());
    }
    ConfigFile now = ctx.log.load();
    ctx.log.record(Entry{Phase::kFailed, "", error, {}}, now, now);
    throw SnapshotError(error);
  }
  try {
    commit_snapshot(ctx, o.name);
  } catch (const std::exception& e) {
    ConfigFile now = ctx.log.load();
    ctx.log.record(Entry{Phase::kFailed, "", e.what(), {}}, now, now);
    throw;
  }
}

void delete_snapshot(Context& ctx, const std::string& name, bool force) { delete_impl(ctx, name, force, nullptr); }

RollbackResult rollback_snapshot(Context& ctx, const std::string& name, const std::string& new_vmgenid,
                                 bool start) {
  ConfigFile conf = ctx.log.load();
  const config::Section snap = rollback_target(conf, name);
  ctx.backend.activate_storages(storages_of(snap, true));
  for (const auto& d : snapshot_drives(snap)) ctx.backend.rollback_possible(d.volid, name);
  ConfigFile locked = rollback_prepare(conf, name);  // refusals before the VM is stopped
  if (ctx.backend.vm_running()) {
    ctx.backend.vm_stop();
    // The stop is recorded on the VM's stream too: start again from there.
    conf = ctx.log.load();
    locked = rollback_prepare(conf, name);
  }
  running_check(ctx);
  ctx.log.record(Entry{Phase::kStarted, "rollback", "", {{"name", name}}}, conf, locked);

  RollbackFinish fin;
  try {
    for (const auto& d : snapshot_drives(snap)) {
      ctx.backend.snapshot_rollback(d.volid, name);
      ctx.log.record(step("rolled back " + drive_text(d) + " to snapshot '" + name + "'",
                          {{"key", d.key}, {"volid", d.volid}}),
                     locked, locked);
    }
    ConfigFile now = ctx.log.load();
    running_check(ctx);
    fin = rollback_finish(now, name, new_vmgenid);
    ctx.log.record(Entry{Phase::kCompleted, "", "", {{"name", name}}}, now, fin.conf);
  } catch (const std::exception& e) {
    ConfigFile now = ctx.log.load();
    ctx.log.record(Entry{Phase::kFailed, "", e.what(), {}}, now, now);
    throw;
  }
  for (const auto& v : fin.volumes_to_free) {
    ctx.console.print("found unused cloudinit disk '" + v + "', removing it");
    try {
      ctx.backend.free_volume(v);
    } catch (const std::exception& e) {
      ctx.console.warn(e.what());
    }
  }
  RollbackResult r;
  if (!fin.statefile.empty()) {
    ctx.backend.vm_start(fin.statefile, fin.forcemachine, fin.forcecpu);
    r.started_from_vmstate = true;
  } else if (start && !ctx.backend.vm_running()) {
    ctx.backend.vm_start("", "", "");
    r.started = true;
  }
  return r;
}

}  // namespace qmd::service::snapshots
