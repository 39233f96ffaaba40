// The Supervisor's operations for snapshots of a running VM: single QMP
// commands (internal disk snapshots), the pause that makes RAM and disks
// consistent, saving the RAM/device state into a file and loading it at start.
//
// The state is a QEMU migration stream (stock QEMU 7.2 has neither Proxmox's
// savevm-start nor a `file:` migration URI): saved to a URI the caller reads
// from, loaded from the file through `exec:cat`; the MIGRATION events
// (capability `events`) say when either is done.
#include <signal.h>

#include <memory>

#include <spdlog/spdlog.h>

#include "service/qemu/cmdline.h"
#include "service/runtime/supervisor.h"
#include "service/runtime/supervisor_vm.h"

namespace qmd::service::runtime {

namespace {


// A Done that runs once, whichever of the operation and the VM's exit comes first.
struct Once {
  Supervisor::Done done;
  bool called = false;
  void operator()(const OpResult& r) {
    if (called) return;
    called = true;
    done(r);
  }
};

}  // namespace

void Supervisor::qmp(int64_t vmid, std::string command, nlohmann::json args, int timeout_ms,
                     std::function<void(const QmpReply&)> done) {
  Vm* vm = find(vmid);
  if (vm == nullptr || !vm->qmp || !vm->qmp->ready()) {
    done({not_running(vmid), {}});
    return;
  }
  auto called = std::make_shared<bool>(false);
  // The VM may exit with the command pending (its client is then dropped).
  const uint64_t waiter = add_waiter(*vm, [vmid, done, called] {
    if (*called) return;
    *called = true;
    done({not_running(vmid), {}});
  });
  vm->qmp->execute(command, args, timeout_ms, [this, vmid, waiter, command, done, called](qemu::QmpResult r) {
    if (Vm* v = find(vmid)) v->waiters.erase(waiter);
    if (*called) return;
    *called = true;
    if (!r.ok()) {
      done({command + " failed: " + r.error->desc, {}});
      return;
    }
    done({{}, r.value});
  });
}

void Supervisor::snapshot_hold(int64_t vmid, bool hold, Done done) {
  Vm* vm = find(vmid);
  if (vm == nullptr || !vm->qmp || !vm->qmp->ready()) {
    done({not_running(vmid), {}});
    return;
  }
  if (hold) {
    vm->snapshot_hold = true;
    vm->state_saved = false;
    vm->hold_paused = vm->status == "running";
    if (!vm->hold_paused) {
      done({});
      return;
    }
    vm->qmp->execute("stop", nullptr, 10000, [this, vmid, done](qemu::QmpResult r) {
      Vm* v = find(vmid);
      if (v == nullptr) {
        done({not_running(vmid), {}});
        return;
      }
      if (!r.ok()) {
        v->snapshot_hold = v->hold_paused = false;
        done({"stop failed: " + r.error->desc, {}});
        return;
      }
      done({});
    });
    return;
  }
  // A saved state leaves the disks inactive: only `cont` activates them again,
  // so a VM that was paused before is continued and paused again at once.
  const bool resume = vm->hold_paused || vm->state_saved;
  const bool pause_again = !vm->hold_paused && vm->state_saved;
  if (!resume) {
    vm->snapshot_hold = false;
    done({});
    return;
  }
  vm->qmp->execute("cont", nullptr, 10000, [this, vmid, pause_again, done](qemu::QmpResult r) {
    Vm* v = find(vmid);
    if (v == nullptr) {
      done({not_running(vmid), {}});
      return;
    }
    auto release = [this, vmid, done](const std::string& error) {
      if (Vm* v = find(vmid)) v->snapshot_hold = v->hold_paused = v->state_saved = false;
      done({error, {}});
    };
    if (!r.ok()) return release("cont failed: " + r.error->desc);
    if (!pause_again) return release({});
    v->qmp->execute("stop", nullptr, 10000, [release](qemu::QmpResult r2) {
      release(r2.ok() ? std::string() : "stop failed: " + r2.error->desc);
    });
  });
}

void Supervisor::save_state(int64_t vmid, std::string uri, int timeout_s, Done done) {
  Vm* vm = find(vmid);
  if (vm == nullptr || !vm->qmp || !vm->qmp->ready()) {
    done({not_running(vmid), {}});
    return;
  }
  auto once = std::make_shared<Once>(Once{std::move(done)});
  const uint64_t waiter = add_waiter(*vm, [once, vmid] {
    (*once)({"saving the VM state failed: VM " + std::to_string(vmid) + " exited", {}});
  });
  auto fail = [this, vmid, waiter, once](const std::string& why) {
    if (Vm* v = find(vmid)) {
      v->waiters.erase(waiter);
      v->on_migration = nullptr;
      v->migration_timer.reset();
    }
    (*once)({"saving the VM state failed: " + why, {}});
  };
  vm->state_saved = true;  // from here on the disks may be inactive
  vm->on_migration = [this, vmid, waiter, once, fail](const std::string& status) {
    Vm* v = find(vmid);
    if (v == nullptr) return;
    if (status == "completed") {
      v->waiters.erase(waiter);
      settle_after_save(vmid, [once] { (*once)({}); });
      return;
    }
    if (status == "timeout") {
      v->qmp->execute("migrate_cancel", nullptr, 5000, [](qemu::QmpResult) {});
      fail("no result within the timeout");
      return;
    }
    v->qmp->execute("query-migrate", nullptr, 5000, [fail, status](qemu::QmpResult r) {
      fail(r.ok() && r.value.contains("error-desc") ? r.value["error-desc"].get<std::string>() : "migration " + status);
    });
  };
  vm->migration_timer = std::make_unique<LoopTimer>(loop_);
  vm->migration_timer->start(static_cast<uint64_t>(timeout_s) * 1000, [this, vmid] {
    Vm* v = find(vmid);
    if (v == nullptr || !v->on_migration) return;
    auto fn = std::move(v->on_migration);
    v->on_migration = nullptr;
    fn("timeout");
  });
  vm->qmp->execute("migrate-set-capabilities", migration_events_capability(), 5000, [this, vmid, uri, fail](qemu::QmpResult r) {
    Vm* v = find(vmid);
    if (v == nullptr) return;
    if (!r.ok()) return fail("migrate-set-capabilities: " + r.error->desc);
    v->qmp->execute("migrate", {{"uri", uri}}, 10000, [fail](qemu::QmpResult r2) {
      if (!r2.ok()) fail("migrate: " + r2.error->desc);
    });
  });
}

// QEMU reports the migration completed before its runstate leaves
// finish-migrate, and `cont` is refused until then ("Migration is not
// finalized yet"): wait for postmigrate (polled, it is a matter of moments).
void Supervisor::settle_after_save(int64_t vmid, std::function<void()> settled) {
  Vm* vm = find(vmid);
  if (vm == nullptr || !vm->qmp) return settled();
  vm->qmp->execute("query-status", nullptr, 5000, [this, vmid, settled](qemu::QmpResult r) {
    Vm* v = find(vmid);
    if (v == nullptr || !r.ok() || r.value.value("status", "") != "finish-migrate") return settled();
    v->migration_timer = std::make_unique<LoopTimer>(loop_);
    v->migration_timer->start(5, [this, vmid, settled] { settle_after_save(vmid, settled); });
  });
}

// `-incoming defer` start: the state file is fed to QEMU, then the VM resumes.
// A failure kills QEMU; the start then fails with start_error and QEMU's log.
void Supervisor::load_state(int64_t vmid, std::function<void()> loaded) {
  Vm* vm = find(vmid);
  if (vm == nullptr) return;
  auto fail = [this, vmid](const std::string& why) {
    Vm* v = find(vmid);
    if (v == nullptr || v->status != "starting") return;
    v->on_migration = nullptr;
    v->migration_timer.reset();
    v->start_error = "start failed: loading the saved VM state failed: " + why;
    signal_vm(*v, SIGKILL);  // on_exit reports start_error
  };
  vm->on_migration = [this, vmid, loaded, fail](const std::string& status) {
    Vm* v = find(vmid);
    if (v == nullptr) return;
    if (status != "completed") return fail(status == "timeout" ? "no result within the timeout" : "migration " + status);
    v->qmp->execute("cont", nullptr, 10000, [loaded, fail](qemu::QmpResult r) {
      if (!r.ok()) return fail("cont: " + r.error->desc);
      loaded();
    });
  };
  vm->migration_timer = std::make_unique<LoopTimer>(loop_);
  vm->migration_timer->start(static_cast<uint64_t>(vm->start.timeout_s) * 1000, [this, vmid] {
    Vm* v = find(vmid);
    if (v == nullptr || !v->on_migration) return;
    auto fn = std::move(v->on_migration);
    v->on_migration = nullptr;
    fn("timeout");
  });
  const std::string uri = "exec:cat " + qemu::shell_quote(vm->start.incoming_state);
  vm->qmp->execute("migrate-set-capabilities", migration_events_capability(), 5000, [this, vmid, uri, fail](qemu::QmpResult r) {
    Vm* v = find(vmid);
    if (v == nullptr) return;
    if (!r.ok()) return fail("migrate-set-capabilities: " + r.error->desc);
    v->qmp->execute("migrate-incoming", {{"uri", uri}}, 10000, [fail](qemu::QmpResult r2) {
      if (!r2.ok()) fail("migrate-incoming: " + r2.error->desc);
    });
  });
}

}  // namespace qmd::service::runtime
