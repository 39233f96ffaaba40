// qm set <vmid> [OPTIONS] [--delete LIST] [--revert LIST] [--digest D] [--force] [--skiplock]
//
// Rules of spec §6.1 (config/update.h decides); new disks are allocated first
// and freed again if the change is refused; volumes the change releases are
// freed after the event is on disk (a crash in between leaks a file, never
// leaves a config pointing at a missing volume).
#include <spdlog/spdlog.h>

#include "config/cloudinit/pending.h"
#include "config/config_error.h"
#include "config/update.h"
#include "projections/vm_events.h"
#include "service/autoballoon/manual_target.h"
#include "service/commands/common.h"
#include "service/commands/option_values.h"
#include "service/commands/verbs.h"
#include "service/runtime/runtime.h"

namespace qmd::service {

namespace {

const std::vector<std::string> kSetOptions = {"delete", "revert", "digest", "force", "skiplock"};

std::vector<std::string> split_list(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& v : values) {
    std::string cur;
    for (char c : v) {
      if (c == ',' || c == ';' || c == ' ' || c == '\t') {
        if (!cur.empty()) out.push_back(cur);
        cur.clear();
      } else {
        cur += c;
      }
    }
    if (!cur.empty()) out.push_back(cur);
  }
  return out;
}

// Spec §7.7: on a running VM, `balloon` with `shares: 0` sets the target at
// once, and deleting `balloon` resets it to `memory` (the config event is the
// record). Returns a warning line when QEMU could not be told.
std::string set_balloon_directly(const App& app, int64_t vmid, const config::Section& before,
                                 const config::Section& after) {
  const auto target = autoballoon::manual_balloon_target(before, after);
  if (!target) return {};
  runtime::Runtime* rt = app.runtime();
  if (rt == nullptr) return "hotplug problem - balloon: qmd is not running\n";
  const runtime::OpResult res = rt->set_balloon(vmid, *target);
  if (res.error.empty()) return {};
  return "hotplug problem - balloon: " + res.error + "\n";
}

}  // namespace

Reply run_set(App& app, const Request& req) {
  const int64_t vmid = parse_vmid(req.args.at(0));
  const Generators gen = Generators::system();
  PreparedOptions opts = prepare_options(req, kSetOptions, app.env(), gen);
  config::UpdateRequest update;
  update.set = opts.values;
  update.del = split_list(req.all("delete"));
  update.revert = split_list(req.all("revert"));
  update.force = flag(req, "force");
  const bool skiplock = flag(req, "skiplock");
  if (update.force && update.del.empty()) {
    throw param_error("force", "this parameter is only allowed together with 'delete'");
  }

  if (update.set.empty() && update.del.empty() && update.revert.empty() && opts.allocations.empty()) {
    throw CommandError("no options specified");
  }
  // Checks that need no disk work come first, so a refused command allocates nothing.
  {
    const auto s = load_existing(app, vmid);
    if (auto d = req.opt("digest"); d && *d != digest_of(s)) {
      throw CommandError("checksum mismatch (file change by other user?)");
    }
    check_lock(s, skiplock);
  }

  std::vector<std::string> allocated;
  auto free_allocated = [&] {
    for (const auto& v : allocated) {
      try {
        app.storage().free(v);
      } catch (const std::exception& e) {
        spdlog::warn("could not free {}: {}", v, e.what());
      }
    }
  };
  try {
    for (const auto& a : opts.allocations) {
      AllocatedDrive d = allocate_drive(app.storage(), static_cast<int>(vmid), a);
      allocated.push_back(d.volid);
      update.set.emplace_back(a.key, std::move(d.value));
    }
  } catch (const std::exception& e) {
    free_allocated();
    throw CommandError(e.what());
  }

  config::UpdateOutcome outcome;
  config::Section main_before;  // of the state the change was committed against
  bool running = false;
  try {
    outcome = retry_on_conflict([&] {
      const auto s = load_existing(app, vmid);
      main_before = s.conf.main;
      running = s.status == "running";
      if (auto d = req.opt("digest"); d && *d != digest_of(s)) {
        throw CommandError("checksum mismatch (file change by other user?)");
      }
      check_lock(s, skiplock);
      config::UpdateOutcome o = config::apply_update(s.conf, update, s.status == "running");
      o.conf = config::cloudinit::track_seed_changes(s.conf, std::move(o.conf));
      const config::ConfigDelta delta = config::diff(s.conf, o.conf);
      if (!delta.empty()) {
        nlohmann::json p = {{"delta", projections::delta_to_json(delta)}};
        if (!o.warnings.empty()) p["warnings"] = o.warnings;
        app.commit(vmid, s.version, {{projections::event_type::kConfigUpdated, 1, p, {}}}, req);
      }
      return o;
    });
  } catch (...) {
    free_allocated();
    throw;
  }

  Reply r = Reply::ok();
  for (const auto& w : outcome.warnings) r.err += w + "\n";
  if (running) r.err += set_balloon_directly(app, vmid, main_before, outcome.conf.main);
  for (const auto& v : outcome.volumes_to_free) {
    try {
      app.storage().free(v);
    } catch (const std::exception& e) {
      r.err += "could not free volume '" + v + "': " + e.what() + "\n";
    }
  }
  return r;
}

}  // namespace qmd::service
