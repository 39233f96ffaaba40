#include "service/commands/status/start.h"

#include "service/commands/cloudinit/seed_image.h"

#include <spdlog/spdlog.h>

#include "config/delta.h"
#include "config/update.h"
#include "projections/vm_events.h"
#include "service/commands/common.h"
#include "service/commands/migrate/migrate_incoming.h"
#include "service/qemu/cmdline.h"
#include "service/runtime/verb_support.h"

namespace qmd::service {

namespace {

bool is_template(const config::ConfigFile& c) {
  auto it = c.main.find("template");
  return it != c.main.end() && it->second == "1";
}

// Applies every pending change (spec: start applies them first) as one
// config event; returns the config to start and the volumes to free.
config::UpdateOutcome apply_pending_for_start(App& app, const Request& req, int64_t vmid, bool skiplock) {
  return retry_on_conflict([&] {
    const auto s = load_existing(app, vmid);
    if (is_template(s.conf)) throw CommandError("you can't start a vm if it's a template");
    const std::string lock = s.lock();
    if (lock == "suspended") {
      throw CommandError("VM is locked (suspended) - resuming from a saved state is not supported by qmd");
    }
    check_lock(s, skiplock);
    config::UpdateOutcome o = config::apply_pending_full(s.conf);
    const config::ConfigDelta delta = config::diff(s.conf, o.conf);
    if (!delta.empty()) {
      nlohmann::json p = {{"delta", projections::delta_to_json(delta)}, {"applied_pending", true}};
      app.commit(vmid, s.version, {{projections::event_type::kConfigUpdated, 1, p, {}}}, req);
    }
    return o;
  });
}

}  // namespace

std::vector<std::string> command_line_for_start(App& app, const config::ConfigFile& conf, int64_t vmid,
                                                const SavedState* state) {
  qemu::CmdlineContext ctx;
  ctx.vmid = vmid;
  ctx.run_dir = app.env().run_dir();
  ctx.volume_path = [&app](const std::string& volid) {
    return volid.starts_with("/") ? volid : app.storage().path_of(volid);
  };
  ctx.host = qemu::detect_host_caps();
  ctx.for_start = true;
  if (state != nullptr) {
    if (!state->forcemachine.empty()) ctx.forcemachine = state->forcemachine;
    if (!state->forcecpu.empty()) ctx.forcecpu = state->forcecpu;
  }
  try {
    return qemu::build_command_line(conf, ctx);
  } catch (const qemu::CmdlineError& e) {
    throw CommandError(e.what());
  }
}

Reply start_vm(App& app, const Request& req, int64_t vmid, bool skiplock, std::optional<int> timeout_s,
               const SavedState* state) {
  auto& rt = runtime::require_runtime(app);
  {
    const auto s = load_existing(app, vmid);
    if (is_template(s.conf)) throw CommandError("you can't start a vm if it's a template");
    const bool running = rt.status(vmid, false).status == "running";
    if (s.lock() == "backup" && running) {
      // §6.10: under a backup lock, start of a running VM just resumes it.
      return runtime::reply_of(rt.resume(vmid, req));
    }
    if (s.lock() != "suspended") check_lock(s, skiplock);
    if (running) throw CommandError("VM " + std::to_string(vmid) + " already running");
  }
  config::UpdateOutcome o = apply_pending_for_start(app, req, vmid, skiplock);
  std::string warnings;
  for (const auto& v : o.volumes_to_free) {
    try {
      app.storage().free(v);
    } catch (const std::exception& e) {
      warnings += "could not free volume '" + v + "': " + e.what() + "\n";
    }
  }

  // Proxmox's apply_cloudinit_config: the seed holds the settings the VM starts with.
  const bool seed_written = write_seed(app, o.conf.main, vmid, true);
  if (!cloudinit_volumes(o.conf.main, vmid).empty()) record_seed_generated(app, req, vmid);

  runtime::StartParams p;
  p.vmid = vmid;
  p.argv = command_line_for_start(app, o.conf, vmid, state);
  if (state != nullptr) {
    p.incoming_state = app.storage().path_of(state->statefile);
    p.argv.push_back("-incoming");
    p.argv.push_back("defer");
  }
  p.timeout_s = timeout_s.value_or(runtime::default_start_timeout_s(o.conf.main));
  p.balloon_mib = runtime::balloon_mib(o.conf.main);
  p.req = req;
  spdlog::debug("VM {}: {}", vmid, qemu::format_command_line(p.argv, false));
  Reply r = runtime::reply_of(rt.start(std::move(p)));
  r.err = warnings + r.err;
  if (seed_written) r.out = "generating cloud-init ISO\n" + r.out;
  return r;
}

Reply run_start(App& app, const Request& req) {
  const int64_t vmid = parse_vmid(req.args.at(0));
  if (req.has("migratedfrom")) return start_incoming(app, req, vmid);  // the target of a live migration
  const bool skiplock = runtime::skiplock_option(app, req);
  std::optional<int> timeout;
  if (req.has("timeout")) timeout = static_cast<int>(int_option(req, "timeout", 30, 0));
  return start_vm(app, req, vmid, skiplock, timeout);
}

}  // namespace qmd::service
