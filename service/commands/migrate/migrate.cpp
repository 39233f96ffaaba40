#include "service/commands/migrate/migrate.h"

#include <chrono>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "config/delta.h"
#include "events/ids.h"
#include "projections/vm_events.h"
#include "service/client/qmd_client.h"
#include "service/cluster/nodes.h"
#include "service/commands/clone/clone_plan.h"
#include "service/commands/common.h"
#include "service/commands/migrate/migrate_incoming.h"
#include "service/commands/migrate/migrate_rules.h"
#include "service/commands/migrate/migrate_steps.h"
#include "service/runtime/verb_support.h"
#include "service/storage/images.h"

namespace qmd::service {

namespace {

namespace t = projections::event_type;

using Clock = std::chrono::steady_clock;
double ms_between(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); }

std::string duration_text(std::chrono::steady_clock::duration d) {
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  return fmt::format("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
}

// One migration in progress: the operation's events, committed as it goes.
struct Run {
  Run(App& a, const Request& rq, const MigrateParams& pp, const cluster::NodeInfo& tg)
      : app(a), req(rq), p(pp), target(tg) {}
  App& app;
  const Request& req;
  const MigrateParams& p;
  const cluster::NodeInfo& target;
  std::string op_id = events::new_uuid();
  int64_t version = 0;
  config::ConfigFile conf;  // with `lock: migrate`
  std::string out;

  void commit(std::vector<events::NewEvent> evs) { version = app.commit(p.vmid, version, evs, req).stream_version; }
  void step(const std::string& what, nlohmann::json detail) {
    commit({{t::kOperationStep, 1, {{"op_id", op_id}, {"step", what}, {"detail", std::move(detail)}}, {}}});
  }
  nlohmann::json moved() const { return {{"from", app.env().node}, {"to", p.target}}; }
};

// Offline: copy the local disks, hand over, free the source copies. Each
// volume's file on the target is recorded (step "copying") as soon as it
// exists there, before its bytes: a recovery after this process died frees
// exactly the files the steps name (migrate_recover.h).
void migrate_offline(Run& r, const std::vector<std::string>& copy, storage::Storage& target_storage,
                     std::vector<std::string>& copied) {
  for (const auto& volid : copy) {
    r.out += "copying local disk '" + volid + "' to node '" + r.p.target + "'\n";
    r.req.flush_live(r.out);
    storage::Storage::ReceiveOptions o;
    if (r.req.shows_terminal_progress()) {
      o.progress = [&](double percent) { r.req.live(OutStream::err, fmt::format("{}: {:.0f}%\n", volid, percent)); };
    }
    o.reserved = [&] { r.step("copying " + volid + " to node " + r.p.target, {{"volid", volid}}); };
    o.bytes_per_s = static_cast<uint64_t>(r.p.bwlimit_kib) * 1024;
    target_storage.receive_copy(volid, r.app.storage().path_of(volid), o);
    copied.push_back(volid);
    r.step("copied " + volid + " to node " + r.p.target, {{"volid", volid}});
  }
  r.commit({{t::kMoved, 1, r.moved(), {}}, operation_completed_event(r.op_id, r.conf)});
}

// Stops the incoming QEMU on the target after a failure (best effort).
void abort_incoming(const Run& r) { stop_incoming(r.target, r.p.vmid, r.app.env().node, r.req.correlation_id); }

// Online: start the target, send the state, hand over, quit the source QEMU.
void migrate_online(Run& r, runtime::Runtime& rt) {
  // Where a live migration's time goes, for the log (bench_migrate_live).
  const auto t_start = Clock::now();
  Request start;
  start.verb = "start";
  start.args = {std::to_string(r.p.vmid)};
  start.options = {{"migratedfrom", r.app.env().node}, {"stateuri", "tcp"}};
  start.command_line = "qm start " + start.args[0] + " --migratedfrom " + r.app.env().node + " --stateuri tcp";
  start.correlation_id = r.req.correlation_id;
  auto reply = client::call(r.target.socket, start);
  if (!reply) throw std::runtime_error("target node '" + r.p.target + "' is not online (no qmd answers on " + r.target.socket + ")");
  const std::string err = chomped(reply->err);
  if (reply->exit_code != 0) throw std::runtime_error("start of VM " + start.args[0] + " on node '" + r.p.target + "' failed: " + err);
  const std::string uri = incoming_uri_of(reply->out);
  r.out += "start remote VM: " + uri + "\n";
  const auto t_target = Clock::now();
  Clock::time_point t_step, t_qemu, t_commit;
  try {
    r.step("target QEMU listening on " + uri, {{"uri", uri}});
    t_step = Clock::now();
    runtime::MigrateParams mp;
    mp.uri = uri;
    mp.bwlimit_kib = r.p.bwlimit_kib;
    // Live (about once a second) when the user's output is; else kept for the reply.
    r.req.flush_live(r.out);
    auto lines = std::make_shared<std::vector<std::string>>();
    auto last = std::make_shared<std::chrono::steady_clock::time_point>();
    mp.progress = [lines, last, live = r.req.live](const nlohmann::json& info) {
      const auto now = std::chrono::steady_clock::now();
      if (now - *last < std::chrono::seconds(1)) return;
      *last = now;
      const auto ram = info.value("ram", nlohmann::json::object());
      std::string line = fmt::format("migration active, transferred {} of {} VM-state, remaining {}, dirty rate {} pages/s",
                                     render_bytes(ram.value("transferred", uint64_t{0}), 1),
                                     render_bytes(ram.value("total", uint64_t{0}), 1),
                                     render_bytes(ram.value("remaining", uint64_t{0}), 1),
                                     ram.value("dirty-pages-rate", uint64_t{0}));
      if (live) live(OutStream::out, line + "\n");
      else lines->push_back(std::move(line));
    };
    runtime::MigrateFigures f;
    const auto res = rt.migrate(r.p.vmid, std::move(mp), &f);
    for (const auto& l : *lines) r.out += l + "\n";
    if (!res.error.empty()) throw std::runtime_error(res.error);
    t_qemu = Clock::now();
    r.commit(online_handover_events(r.op_id, r.conf, r.app.env().node, r.p.target, incoming_pid(r.target, r.p.vmid), f));
    t_commit = Clock::now();
    const double secs = std::max<int64_t>(f.total_time_ms, 1) / 1000.0;
    r.out += fmt::format("average migration speed: {}/s - downtime {} ms\n",
                         render_bytes(static_cast<uint64_t>(f.transferred_bytes / secs), 1), f.downtime_ms);
  } catch (...) {
    abort_incoming(r);
    throw;
  }
  // The target QEMU runs the guest as soon as it has loaded the last pages;
  // the migration is done when it says so.
  if (std::string last; !wait_until_running_on(r.target, r.p.vmid, 10000, &last))
    spdlog::warn("VM {}: not reported running on node {} 10 s after the migration: {}", r.p.vmid, r.p.target, chomped(last));
  // The state lives on the target now; the paused source QEMU only has to go.
  const auto stop = rt.stop(r.p.vmid, 10, r.req);
  if (!stop.error.empty()) spdlog::warn("VM {}: source QEMU after the migration: {}", r.p.vmid, stop.error);
  const auto t_end = Clock::now();
  spdlog::info("VM {}: live migration to {} in {:.1f} ms: target start {:.1f} ms, step commit {:.1f} ms, "
               "migration {:.1f} ms, hand-over commit {:.1f} ms, source quit {:.1f} ms",
               r.p.vmid, r.p.target, ms_between(t_start, t_end), ms_between(t_start, t_target),
               ms_between(t_target, t_step), ms_between(t_step, t_qemu), ms_between(t_qemu, t_commit),
               ms_between(t_commit, t_end));
}

}  // namespace

Reply run_migrate(App& app, const Request& req) {
  const auto t0 = std::chrono::steady_clock::now();
  const MigrateParams p = parse_migrate_params(req, app.env().node);
  const auto target = cluster::find_node(app.store(), p.target);
  if (!target) throw CommandError("no such cluster node '" + p.target + "'");
  runtime::Runtime* rt = app.runtime();
  storage::Storage target_storage = storage::Storage::open(target->data_dir);

  // Held until the end: the mark that a live process drives this migration.
  // Waited for a moment: the driver of the last migration, or qmd's recovery
  // of an interrupted one, holds it until its final commit has also rewritten
  // the .conf files, while the unlock is visible as soon as the event is in
  // the log — a migration asked for just then would be refused (seen in CI,
  // with fsyncs slowed by other tests' disk copies).
  const auto driver = try_lock_migration_driver(app.env().data_dir, p.vmid, std::chrono::seconds(2));
  if (!driver) throw CommandError("VM is locked (migrate)");
  Run r(app, req, p, *target);
  MigratePlan plan;
  retry_on_conflict([&] {
    const auto s = load_existing(app, p.vmid);
    bool running = s.status != "stopped";
    if (rt != nullptr) running = rt->status(p.vmid, false).status == "running";
    plan = plan_migrate(s, p, running, app.storage().config(), target_storage.config());
    if (plan.online && rt == nullptr) runtime::require_runtime(app);  // says qmd is not running
    if (!client::listening(target->socket))
      throw CommandError("target node '" + p.target + "' is not online (no qmd answers on " + target->socket + ")");
    r.conf = s.conf;
    r.conf.main["lock"] = "migrate";
    nlohmann::json started = {{"op", "migrate"},
                              {"op_id", r.op_id},
                              {"detail", {{"target", p.target}, {"online", plan.online}, {"copy", plan.copy}}},
                              {"delta", projections::delta_json(s.conf, r.conf)}};
    r.version = s.version;
    r.commit({{t::kOperationStarted, 1, started, {}}});
  });
  r.out += "starting migration of VM " + std::to_string(p.vmid) + " to node '" + p.target + "' (" + target->address + ")\n";

  std::vector<std::string> copied;
  try {
    if (plan.online) {
      migrate_online(r, *rt);
    } else {
      migrate_offline(r, plan.copy, target_storage, copied);
    }
  } catch (const std::exception& e) {
    const std::string why = e.what();
    for (const auto& v : copied) {
      try {
        target_storage.free(v);
      } catch (const std::exception& fe) {
        spdlog::warn("migrate: could not free {} on node {}: {}", v, p.target, fe.what());
      }
    }
    try {
      r.commit({operation_failed_event(r.op_id, r.conf, why)});
    } catch (const std::exception& ce) {
      spdlog::warn("migrate: could not record the failure of VM {}: {}", p.vmid, ce.what());
    }
    Reply fail = Reply::fail("migration aborted: " + why);
    fail.out = r.out;
    fail.err = plan.warnings + fail.err;
    return fail;
  }
  std::string warnings = plan.warnings;
  for (const auto& v : plan.copy) {
    try {
      app.storage().free(v);
    } catch (const std::exception& e) {
      warnings += "could not free volume '" + v + "' on the source: " + e.what() + "\n";
    }
  }
  r.out += "migration finished successfully (duration " + duration_text(std::chrono::steady_clock::now() - t0) + ")\n";
  return Reply{0, r.out, warnings};
}

}  // namespace qmd::service
