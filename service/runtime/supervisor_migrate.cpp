// The Supervisor's side of a live migration: QMP migrate and query-migrate.
// query-migrate is polled (progress, the figures at the end); QEMU's MIGRATION
// event (capability `events`) at the end makes the last poll go out at once
// instead of up to kPollMs later.
#include <spdlog/spdlog.h>

#include "service/runtime/supervisor.h"
#include "service/runtime/supervisor_vm.h"

namespace qmd::service::runtime {

namespace {
constexpr uint64_t kPollMs = 20;
// QEMU reports "completed" (and sends the event) a moment before it has
// computed total-time and downtime (0 until then): ask again, briefly.
constexpr uint64_t kSettleMs = 2;
constexpr int kSettlePolls = 50;
// No limit asked for: QEMU's default (128 MiB/s) would make a local migration
// needlessly slow; this is "as fast as the link goes" on one host.
constexpr int64_t kUnlimitedBytesPerS = int64_t{1} << 40;
}  // namespace

MigrateFigures migrate_figures_of(const nlohmann::json& v) {
  MigrateFigures f;
  f.total_time_ms = v.value("total-time", int64_t{0});
  f.downtime_ms = v.value("downtime", int64_t{0});
  f.setup_time_ms = v.value("setup-time", int64_t{0});
  if (v.contains("ram") && v["ram"].is_object()) {
    f.transferred_bytes = v["ram"].value("transferred", int64_t{0});
    f.ram_total_bytes = v["ram"].value("total", int64_t{0});
  }
  return f;
}

void Supervisor::migrate(int64_t vmid, MigrateParams p,
                         std::function<void(const OpResult&, const MigrateFigures&)> done) {
  Vm* vm = find(vmid);
  if (vm == nullptr || !vm->qmp || !vm->qmp->ready()) {
    done({not_running(vmid), {}}, {});
    return;
  }
  // QEMU pauses the source for the switch-over: not a "paused" transition to
  // record. On failure it runs on, and its events count again.
  vm->op_in_flight = true;
  done = [this, vmid, done = std::move(done)](const OpResult& r, const MigrateFigures& f) {
    if (Vm* v = find(vmid)) {
      v->on_migration = nullptr;
      if (!r.error.empty()) v->op_in_flight = false;
    }
    done(r, f);
  };
  auto params = std::make_shared<MigrateParams>(std::move(p));
  // The end of the migration (completed, failed, cancelled): poll now. A
  // query already under way answers by itself (no timer armed then).
  vm->on_migration = [this, vmid, params, done](const std::string&) {
    auto it = migrate_polls_.find(vmid);
    if (it != migrate_polls_.end() && it->second && it->second->armed())
      it->second->start(0, [this, vmid, params, done] { poll_migration(vmid, params, done); });
  };
  // Without the event the polls still see the end: a failure here is no reason to stop.
  vm->qmp->execute("migrate-set-capabilities", migration_events_capability(), 5000, [vmid](qemu::QmpResult r) {
    if (!r.ok()) spdlog::warn("VM {}: no MIGRATION events ({}): polling only", vmid, r.error->desc);
  });
  const int64_t bw = params->bwlimit_kib > 0 ? params->bwlimit_kib * 1024 : kUnlimitedBytesPerS;
  vm->qmp->execute("migrate-set-parameters", {{"max-bandwidth", bw}, {"downtime-limit", params->downtime_ms}}, 5000,
                   [this, vmid, params, done](qemu::QmpResult r) {
                     Vm* vm = find(vmid);
                     if (vm == nullptr || !vm->qmp) {
                       done({not_running(vmid), {}}, {});
                       return;
                     }
                     if (!r.ok()) {
                       done({"migrate-set-parameters failed: " + r.error->desc, {}}, {});
                       return;
                     }
                     vm->qmp->execute("migrate", {{"uri", params->uri}}, 10000,
                                      [this, vmid, params, done](qemu::QmpResult r) {
                                        if (!r.ok()) {
                                          done({"migrate failed: " + r.error->desc, {}}, {});
                                          return;
                                        }
                                        poll_migration(vmid, params, done);
                                      });
                   });
}

void Supervisor::poll_migration(int64_t vmid, std::shared_ptr<MigrateParams> p,
                                std::function<void(const OpResult&, const MigrateFigures&)> done, int settling) {
  Vm* vm = find(vmid);
  if (vm == nullptr || !vm->qmp) {
    migrate_polls_.erase(vmid);
    done({"VM " + std::to_string(vmid) + " stopped during the migration", {}}, {});
    return;
  }
  vm->qmp->execute("query-migrate", nullptr, 10000, [this, vmid, p, done, settling](qemu::QmpResult r) {
    if (!r.ok()) {
      migrate_polls_.erase(vmid);
      done({"query-migrate failed: " + r.error->desc, {}}, {});
      return;
    }
    const std::string status = r.value.value("status", "");
    if (status == "completed") {
      const MigrateFigures f = migrate_figures_of(r.value);
      if (f.total_time_ms == 0 && settling < kSettlePolls) {
        auto& timer = migrate_polls_[vmid];
        if (!timer) timer = std::make_unique<LoopTimer>(loop_);
        timer->start(kSettleMs, [this, vmid, p, done, settling] { poll_migration(vmid, p, done, settling + 1); });
        return;
      }
      migrate_polls_.erase(vmid);
      done({}, f);
      return;
    }
    if (status == "failed" || status == "cancelled") {
      migrate_polls_.erase(vmid);
      std::string why = r.value.value("error-desc", "");
      done({"migration " + status + (why.empty() ? "" : ": " + why), {}}, {});
      return;
    }
    if (p->progress && status == "active") p->progress(r.value);
    auto& timer = migrate_polls_[vmid];
    if (!timer) timer = std::make_unique<LoopTimer>(loop_);
    timer->start(kPollMs, [this, vmid, p, done] { poll_migration(vmid, p, done); });
  });
}

}  // namespace qmd::service::runtime
