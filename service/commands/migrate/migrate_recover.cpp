#include "service/commands/migrate/migrate_recover.h"

#include <chrono>
#include <set>

#include <spdlog/spdlog.h>

#include "projections/vm_events.h"
#include "service/cluster/nodes.h"
#include "service/commands/common.h"
#include "service/commands/migrate/migrate_steps.h"
#include "service/runtime/pidfile.h"
#include "service/runtime/runtime.h"

namespace qmd::service {

namespace {

namespace t = projections::event_type;

// query-migrate statuses of a migration that is over.
bool migration_over(const std::string& status) {
  return status == "completed" || status == "failed" || status == "cancelled" || status == "none";
}

// What the log says about the open operation: its started detail and the
// volumes its steps name.
struct OpenMigration {
  std::string op_id;
  std::string target;
  bool online = false;
  std::vector<std::string> volumes;  // named by steps (offline: files on the target)
};

OpenMigration read_open(App& app, const projections::VmState& s) {
  OpenMigration m;
  m.op_id = s.op->id;
  std::set<std::string> seen;
  for (const auto& e : app.store().read_stream(projections::vm_stream(s.vmid))) {
    if (e.seq < s.op->started_seq || e.payload.value("op_id", "") != m.op_id) continue;
    const auto detail = e.payload.value("detail", nlohmann::json::object());
    if (!detail.is_object()) continue;
    if (e.type == t::kOperationStarted) {
      m.target = detail.value("target", "");
      m.online = detail.value("online", false);
    } else if (e.type == t::kOperationStep && detail.contains("volid") && detail["volid"].is_string()) {
      const std::string v = detail["volid"];
      if (seen.insert(v).second) m.volumes.push_back(v);
    }
  }
  return m;
}

// True while `s` is still locked by the open migration op_id.
bool still_open(const projections::VmState& s, const std::string& op_id) {
  return s.exists && s.lock() == "migrate" && s.op && s.op->id == op_id && s.op->state == "running";
}

// Commits `evs` if the operation is still open (another writer may have
// recorded a status meanwhile: retried on the new version).
void commit_if_open(App& app, int64_t vmid, const std::string& op_id, const std::vector<events::NewEvent>& evs,
                    const Request& req) {
  retry_on_conflict([&] {
    const auto s = app.model().load(vmid);
    if (!still_open(s, op_id)) return;
    app.commit(vmid, s.version, evs, req);
  });
}

void end_failed(App& app, int64_t vmid, const std::string& op_id, const std::string& what, const Request& req) {
  retry_on_conflict([&] {
    const auto s = app.model().load(vmid);
    if (!still_open(s, op_id)) return;
    app.commit(vmid, s.version,
               {{t::kOperationStep, 1, {{"op_id", op_id}, {"step", what}}, {}},
                operation_failed_event(op_id, s.conf, kSourceRestarted)},
               req);
  });
}

// A QMP query of a QEMU of this node, once its re-adopted QMP is ready
// (adoption connects asynchronously, up to 10 s). nullopt: the QEMU is gone.
std::optional<runtime::QmpReply> query_when_ready(runtime::Runtime& rt, int64_t vmid, const std::string& command) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  for (;;) {
    if (rt.status(vmid, false).status != "running") return std::nullopt;
    auto q = rt.qmp(vmid, command, nlohmann::json::object(), 5000);
    if (q.error.empty() || std::chrono::steady_clock::now() > until) return q;
    if (!rt.delay(100).error.empty()) return q;  // qmd is shutting down
  }
}

std::string status_of(const runtime::QmpReply& q) { return q.error.empty() ? q.value.value("status", "none") : ""; }

std::string recover_online(App& app, const projections::VmState& s, const OpenMigration& m,
                           const cluster::NodeInfo& target, const Request& req) {
  runtime::Runtime* rt = app.runtime();
  const int64_t vmid = s.vmid;
  const std::string node = app.env().node;
  if (rt == nullptr) return "";  // only qmd recovers a live migration
  auto q = query_when_ready(*rt, vmid, "query-migrate");
  if (!q) {
    stop_incoming(target, vmid, node, req.correlation_id);
    end_failed(app, vmid, m.op_id, "source QEMU gone; incoming QEMU on node " + m.target + " stopped", req);
    return "source QEMU gone, failed";
  }
  if (!q->error.empty()) {
    // QMP never answered: the source cannot be asked to stop sending, so the
    // migration is left open (qm unlock, or the next restart, ends it).
    spdlog::error("VM {}: cannot recover the migration to node {}: {}", vmid, m.target, q->error);
    return "";
  }
  std::string status = status_of(*q);
  std::string what;
  if (!migration_over(status)) {
    const std::string was = status;
    auto c = rt->qmp(vmid, "migrate_cancel", nlohmann::json::object(), 5000);
    if (!c.error.empty()) spdlog::warn("VM {}: {}", vmid, c.error);
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!migration_over(status) && std::chrono::steady_clock::now() < until) {
      if (!rt->delay(50).error.empty()) return "";
      auto again = rt->qmp(vmid, "query-migrate", nlohmann::json::object(), 5000);
      if (!again.error.empty()) break;
      q = again;
      status = status_of(again);
    }
    if (!migration_over(status)) {
      spdlog::error("VM {}: the migration to node {} is still '{}' after migrate_cancel", vmid, m.target, status);
      return "";
    }
    what = "migration (" + was + ") cancelled on the source";
  }
  if (status == "completed") {
    const int64_t pid = incoming_pid(target, vmid);
    const auto files = runtime::run_files(target.data_dir + "/run", vmid);
    if (pid > 0 && runtime::process_matches(static_cast<pid_t>(pid), files.qmp)) {
      commit_if_open(app, vmid, m.op_id,
                     online_handover_events(m.op_id, s.conf, node, m.target, pid, runtime::migrate_figures_of(q->value)),
                     req);
      const auto stop = rt->stop(vmid, 10, req);
      if (!stop.error.empty()) spdlog::warn("VM {}: source QEMU after the migration: {}", vmid, stop.error);
      return "migration had completed: handed over to node " + m.target;
    }
    // The state went over but the target's QEMU is gone: the source resumes.
    auto cont = rt->qmp(vmid, "cont", nlohmann::json::object(), 5000);
    if (!cont.error.empty()) spdlog::error("VM {}: cannot resume the source after the lost target: {}", vmid, cont.error);
    what = "migration completed but the QEMU on node " + m.target + " is gone; source resumed";
  }
  if (what.empty()) what = status == "none" ? "no migration had started on the source" : "migration " + status + " on the source";
  stop_incoming(target, vmid, node, req.correlation_id);
  end_failed(app, vmid, m.op_id, what + "; incoming QEMU on node " + m.target + " stopped", req);
  return what + ", failed";
}

std::string recover_offline(App& app, const projections::VmState& s, const OpenMigration& m,
                            const cluster::NodeInfo& target, const Request& req) {
  auto target_storage = storage::Storage::open(target.data_dir);
  std::string freed;
  for (const auto& v : m.volumes) {
    try {
      if (target_storage.free(v)) freed += (freed.empty() ? "" : ", ") + v;
    } catch (const std::exception& e) {
      spdlog::warn("VM {}: could not free {} on node {}: {}", s.vmid, v, m.target, e.what());
    }
  }
  const std::string what = freed.empty() ? "nothing copied to node " + m.target
                                         : "freed " + freed + " on node " + m.target;
  end_failed(app, s.vmid, m.op_id, what, req);
  return what + ", failed";
}

// One VM locked `migrate`: "" when left alone.
std::string recover_one(App& app, int64_t vmid, const Request& req) {
  const auto driver = try_lock_migration_driver(app.env().data_dir, vmid);
  if (!driver) {
    spdlog::info("VM {}: its migration is driven by a live process; left alone", vmid);
    return "";
  }
  const auto s = app.model().load(vmid);  // now that nobody can move it on
  if (!s.exists || s.node != app.env().node || s.lock() != "migrate" || !s.op || s.op->kind != "migrate" ||
      s.op->state != "running")
    return "";
  const OpenMigration m = read_open(app, s);
  const auto target = cluster::find_node(app.store(), m.target);
  if (!target) {
    end_failed(app, vmid, m.op_id, "target node '" + m.target + "' is not registered", req);
    return "unknown target, failed";
  }
  spdlog::warn("VM {}: migration to node {} ({}) has no driver any more: recovering", vmid, m.target,
               m.online ? "online" : "offline");
  return m.online ? recover_online(app, s, m, *target, req) : recover_offline(app, s, m, *target, req);
}

}  // namespace

std::vector<std::string> recover_migrations(App& app, const Request& req) {
  std::vector<std::string> out;
  const std::string node = app.env().node;
  for (const auto& s : app.model().list(node)) {
    if (s.lock() != "migrate") continue;
    try {
      const std::string what = recover_one(app, s.vmid, req);
      if (!what.empty()) out.push_back("VM " + std::to_string(s.vmid) + ": " + what);
    } catch (const std::exception& e) {
      spdlog::error("VM {}: recovering its migration failed: {}", s.vmid, e.what());
    }
  }
  runtime::Runtime* rt = app.runtime();
  if (rt == nullptr) return out;
  for (int64_t vmid : runtime::pidfile_vmids(app.env().run_dir())) {
    try {
      const auto s = app.model().load(vmid);
      // VMs of a node that never registered run here (imported trees): only
      // a cluster node's VM, not migrating, is another node's business.
      if (!s.exists || s.node == node || s.lock() == "migrate" || !cluster::find_node(app.store(), s.node)) continue;
      const auto q = query_when_ready(*rt, vmid, "query-status");
      const std::string qs = q && q->error.empty() ? q->value.value("status", "") : "";
      if (qs != "postmigrate" && qs != "inmigrate") {
        if (q) spdlog::warn("VM {}: belongs to node {} but runs here (status '{}'): left alone", vmid, s.node, qs);
        continue;
      }
      spdlog::warn("VM {}: belongs to node {}: quitting its QEMU left here ({})", vmid, s.node, qs);
      const auto stop = rt->stop(vmid, 10, req);
      out.push_back("VM " + std::to_string(vmid) + ": QEMU of node " + s.node + "'s VM quit" +
                    (stop.error.empty() ? "" : " (" + stop.error + ")"));
    } catch (const std::exception& e) {
      spdlog::error("VM {}: {}", vmid, e.what());
    }
  }
  return out;
}

}  // namespace qmd::service
