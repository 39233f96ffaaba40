// The Supervisor's side of a live migration: QMP migrate and query-migrate.
#include <spdlog/spdlog.h>

#include "service/runtime/supervisor.h"
#include "service/runtime/supervisor_vm.h"

namespace qmd::service::runtime {

namespace {
constexpr uint64_t kPollMs = 20;
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
    done({"VM " + std::to_string(vmid) + " not running", {}}, {});
    return;
  }
  // QEMU pauses the source for the switch-over: not a "paused" transition to
  // record. On failure it runs on, and its events count again.
  vm->op_in_flight = true;
  done = [this, vmid, done = std::move(done)](const OpResult& r, const MigrateFigures& f) {
    if (!r.error.empty())
      if (Vm* v = find(vmid)) v->op_in_flight = false;
    done(r, f);
  };
  auto params = std::make_shared<MigrateParams>(std::move(p));
  const int64_t bw = params->bwlimit_kib > 0 ? params->bwlimit_kib * 1024 : kUnlimitedBytesPerS;
  vm->qmp->execute("migrate-set-parameters", {{"max-bandwidth", bw}, {"downtime-limit", params->downtime_ms}}, 5000,
                   [this, vmid, params, done](qemu::QmpResult r) {
                     Vm* vm = find(vmid);
                     if (vm == nullptr || !vm->qmp) {
                       done({"VM " + std::to_string(vmid) + " not running", {}}, {});
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
                                std::function<void(const OpResult&, const MigrateFigures&)> done) {
  Vm* vm = find(vmid);
  if (vm == nullptr || !vm->qmp) {
    migrate_polls_.erase(vmid);
    done({"VM " + std::to_string(vmid) + " stopped during the migration", {}}, {});
    return;
  }
  vm->qmp->execute("query-migrate", nullptr, 10000, [this, vmid, p, done](qemu::QmpResult r) {
    if (!r.ok()) {
      migrate_polls_.erase(vmid);
      done({"query-migrate failed: " + r.error->desc, {}}, {});
      return;
    }
    const std::string status = r.value.value("status", "");
    if (status == "completed") {
      migrate_polls_.erase(vmid);
      done({}, migrate_figures_of(r.value));
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
