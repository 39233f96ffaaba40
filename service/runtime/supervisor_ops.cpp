// The Supervisor's operations on a running VM: stop, shutdown, reset,
// suspend, resume, wait, status, balloon target; the autoballoon cycle's view.
#include <signal.h>

#include <spdlog/spdlog.h>

#include "service/runtime/pidfile.h"
#include "service/runtime/status_change.h"
#include "service/runtime/supervisor.h"
#include "service/runtime/supervisor_vm.h"

namespace qmd::service::runtime {

namespace {
constexpr uint64_t kTermToKillMs = 10000;  // spec §6.11: SIGTERM, wait 10 s, SIGKILL
}  // namespace

// SIGTERM now, SIGKILL 10 s later if still there; the exit is recorded as "killed after timeout".
void Supervisor::escalate(int64_t vmid, uint64_t waiter, const Request& req, std::string* warnings) {
  Vm* vm = find(vmid);
  if (vm == nullptr) return;
  auto w = vm->waiters.find(waiter);
  if (w == vm->waiters.end()) return;
  vm->killed_after_timeout = true;
  vm->down_req = req;
  if (warnings != nullptr) *warnings += "VM still running - terminating now with SIGTERM\n";
  spdlog::warn("VM {}: still running - terminating now with SIGTERM", vmid);
  signal_vm(*vm, SIGTERM);
  w->second.kill_timer = std::make_unique<LoopTimer>(loop_);
  w->second.kill_timer->start(kTermToKillMs, [this, vmid, warnings] {
    Vm* vm = find(vmid);
    if (vm == nullptr) return;
    if (warnings != nullptr) *warnings += "VM still running - terminating now with SIGKILL\n";
    spdlog::warn("VM {}: still running - terminating now with SIGKILL", vmid);
    signal_vm(*vm, SIGKILL);
  });
}

void Supervisor::stop(int64_t vmid, int timeout_s, Request req, Done done) {
  Vm* vm = find(vmid);
  if (vm == nullptr) {
    done({});
    return;
  }
  vm->stop_requested = true;
  vm->down_req = req;
  auto warnings = std::make_shared<std::string>();
  const uint64_t id = add_waiter(*vm, [done, warnings] { done({{}, *warnings}); });
  if (vm->qmp && vm->qmp->ready()) {
    vm->quit_sent = true;
    vm->qmp->execute("quit", nullptr, timeout_s * 1000, [](qemu::QmpResult) {});
  } else {
    signal_vm(*vm, SIGTERM);  // no monitor to ask: the polite signal first
  }
  auto& w = vm->waiters[id];
  w.timer = std::make_unique<LoopTimer>(loop_);
  w.timer->start(static_cast<uint64_t>(timeout_s) * 1000, [this, vmid, id, req, warnings] {
    escalate(vmid, id, req, warnings.get());
  });
}

void Supervisor::shutdown(int64_t vmid, int timeout_s, bool force, Request req, Done done) {
  Vm* vm = find(vmid);
  if (vm == nullptr) {
    done({});
    return;
  }
  if (vm->status == "paused") {
    if (!force) {
      done({"VM is paused - cannot shutdown", {}});
      return;
    }
    stop(vmid, timeout_s, std::move(req), std::move(done));
    return;
  }
  vm->down_req = req;
  auto warnings = std::make_shared<std::string>();
  auto finished = std::make_shared<bool>(false);
  const uint64_t id = add_waiter(*vm, [done, warnings, finished] {
    if (*finished) return;
    *finished = true;
    done({{}, *warnings});
  });
  if (vm->qmp && vm->qmp->ready()) {
    vm->qmp->execute("system_powerdown", nullptr, 5000, [vmid](qemu::QmpResult r) {
      if (!r.ok()) spdlog::warn("VM {}: system_powerdown: {}", vmid, r.error->to_string());
    });
  }
  auto& w = vm->waiters[id];
  w.timer = std::make_unique<LoopTimer>(loop_);
  w.timer->start(static_cast<uint64_t>(timeout_s) * 1000, [this, vmid, id, req, force, warnings, finished, done] {
    Vm* vm = find(vmid);
    if (vm == nullptr || *finished) return;
    if (force) {
      vm->stop_requested = true;
      escalate(vmid, id, req, warnings.get());
      return;
    }
    *finished = true;
    vm->waiters.erase(id);
    done({"VM quit/powerdown failed - got timeout", {}});
  });
}

void Supervisor::reset(int64_t vmid, Request, Done done) {
  Vm* vm = find(vmid);
  if (vm == nullptr || !vm->qmp || !vm->qmp->ready()) {
    done({not_running(vmid), {}});
    return;
  }
  vm->qmp->execute("system_reset", nullptr, 10000, [done](qemu::QmpResult r) {
    done({r.ok() ? std::string() : "reset failed: " + r.error->desc, {}});
  });
}

// stop/cont through QMP, then the transition recorded with its cause.
void Supervisor::pause_or_continue(Vm& vm, const char* command, const char* status, std::string cause, Request req,
                                   Done done) {
  vm.op_in_flight = true;
  const int64_t vmid = vm.vmid;
  const std::string cmd = command, st = status;
  vm.qmp->execute(cmd, nullptr, 10000, [this, vmid, cmd, st, cause, req, done](qemu::QmpResult r) {
    Vm* v = find(vmid);
    const std::string error = r.ok() ? std::string() : cmd + " failed: " + r.error->desc;
    if (v == nullptr || !r.ok()) {
      if (v != nullptr) v->op_in_flight = false;
      done({error, {}});
      return;
    }
    v->op_in_flight = false;
    if (v->status == st) {
      done({});
      return;
    }
    record(*v, st, cause, req, [done] { done({}); });
  });
}

void Supervisor::suspend(int64_t vmid, Request req, Done done) {
  Vm* vm = find(vmid);
  if (vm == nullptr || !vm->qmp || !vm->qmp->ready()) {
    done({not_running(vmid), {}});
    return;
  }
  pause_or_continue(*vm, "stop", "paused", cause::suspend_by(user_of(req)), req, std::move(done));
}

void Supervisor::resume(int64_t vmid, Request req, Done done) {
  Vm* vm = find(vmid);
  if (vm == nullptr || !vm->qmp || !vm->qmp->ready()) {
    done({not_running(vmid), {}});
    return;
  }
  pause_or_continue(*vm, "cont", "running", cause::resume_by(user_of(req)), req, std::move(done));
}

void Supervisor::wait(int64_t vmid, int timeout_s, std::function<void(int64_t)> waiting, Done done) {
  Vm* vm = find(vmid);
  if (vm == nullptr) {
    waiting(0);
    done({});
    return;
  }
  waiting(vm->pid);
  auto finished = std::make_shared<bool>(false);
  const uint64_t id = add_waiter(*vm, [done, finished] {
    if (*finished) return;
    *finished = true;
    done({});
  });
  if (timeout_s <= 0) return;
  auto& w = vm->waiters[id];
  w.timer = std::make_unique<LoopTimer>(loop_);
  w.timer->start(static_cast<uint64_t>(timeout_s) * 1000, [this, vmid, id, done, finished] {
    if (*finished) return;
    *finished = true;
    if (Vm* vm = find(vmid)) vm->waiters.erase(id);
    done({"wait failed - got timeout", {}});
  });
}

void Supervisor::status(int64_t vmid, bool verbose, std::function<void(const LiveStatus&)> done) {
  Vm* vm = find(vmid);
  if (vm == nullptr) {
    done(LiveStatus{});
    return;
  }
  auto st = std::make_shared<LiveStatus>();
  st->status = "running";
  st->qmpstatus = vm->status == "paused" ? "paused" : "running";
  st->pid = vm->pid;
  st->uptime_s = process_uptime_s(vm->pid);
  if (!vm->qmp || !vm->qmp->ready()) {
    done(*st);
    return;
  }
  if (const auto& g = vm->qmp->greeting(); g.is_object() && g.contains("version")) st->qemu_version = g["version"]["qemu"];
  vm->qmp->execute("query-status", nullptr, 5000, [this, vmid, verbose, st, done](qemu::QmpResult r) {
    if (r.ok()) st->qmpstatus = r.value.value("status", st->qmpstatus);
    Vm* vm = find(vmid);
    if (!verbose || vm == nullptr || !vm->qmp || !vm->qmp->ready()) {
      done(*st);
      return;
    }
    vm->qmp->execute("query-balloon", nullptr, 5000, [st, done](qemu::QmpResult b) {
      if (b.ok()) st->balloon = b.value;
      done(*st);
    });
  });
}

void Supervisor::set_balloon(int64_t vmid, int64_t bytes, Done done) {
  Vm* vm = find(vmid);
  if (vm == nullptr || !vm->qmp || !vm->qmp->ready()) {
    done({not_running(vmid), {}});
    return;
  }
  vm->qmp->execute("balloon", {{"value", bytes}}, 10000, [vmid, bytes, done](qemu::QmpResult r) {
    if (r.ok()) spdlog::info("VM {}: balloon target {} set directly", vmid, bytes);
    done({r.ok() ? std::string() : "balloon failed - " + r.error->desc, {}});
  });
}

std::vector<int64_t> Supervisor::up_vmids() const {
  std::vector<int64_t> out;
  for (const auto& [vmid, vm] : vms_)
    if ((vm->status == "running" || vm->status == "paused") && vm->qmp && vm->qmp->ready()) out.push_back(vmid);
  return out;
}

qemu::QmpClient* Supervisor::qmp_of(int64_t vmid) {
  Vm* vm = find(vmid);
  if (vm == nullptr || (vm->status != "running" && vm->status != "paused") || !vm->qmp || !vm->qmp->ready())
    return nullptr;
  return vm->qmp.get();
}

}  // namespace qmd::service::runtime

namespace qmd::service::runtime {

void Supervisor::statuses(std::vector<int64_t> vmids, bool full, std::function<void(std::vector<LiveStatus>)> done) {
  auto out = std::make_shared<std::vector<LiveStatus>>(vmids.size());
  // One count per QMP query in flight, plus one for this function itself.
  auto left = std::make_shared<std::size_t>(1);
  auto finish = [out, left, done = std::move(done)] {
    if (--*left == 0) done(std::move(*out));
  };
  for (std::size_t i = 0; i < vmids.size(); ++i) {
    Vm* vm = find(vmids[i]);
    if (vm == nullptr) continue;
    LiveStatus& st = (*out)[i];
    st.status = "running";
    st.qmpstatus = vm->status == "paused" ? "paused" : "running";
    st.pid = vm->pid;
    if (!full || !vm->qmp || !vm->qmp->ready()) continue;
    ++*left;
    vm->qmp->execute("query-status", nullptr, 5000, [out, i, finish](qemu::QmpResult r) {
      if (r.ok()) (*out)[i].qmpstatus = r.value.value("status", (*out)[i].qmpstatus);
      finish();
    });
  }
  finish();
}

void Supervisor::delay(uint64_t ms, Done done) {
  const uint64_t id = next_waiter_++;
  auto& timer = delays_[id];
  timer = std::make_unique<LoopTimer>(loop_);
  timer->start(ms, [this, id, done = std::move(done)] {
    delays_.erase(id);  // safe: LoopTimer moved this callback out before calling it
    done({});
  });
}

}  // namespace qmd::service::runtime
