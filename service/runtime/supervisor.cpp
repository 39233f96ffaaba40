#include "service/runtime/supervisor.h"

#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "service/runtime/spawn.h"
#include "service/runtime/status_change.h"
#include "service/runtime/supervisor_vm.h"

namespace qmd::service::runtime {

namespace {

// How long a QEMU whose QMP socket refused us early may take to be seen exiting.
constexpr uint64_t kStartGraceMs = 1000;

// The last `n` lines of QEMU's log, each ending in '\n' ("" when empty).
std::string log_tail(const std::string& path, std::size_t n = 5) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) lines.push_back(l);
  std::string out;
  for (std::size_t i = lines.size() > n ? lines.size() - n : 0; i < lines.size(); ++i) out += lines[i] + "\n";
  return out;
}


double ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

// QEMU does not run the guest at once when started with -S (or waiting for
// an incoming migration).
bool starts_paused(const std::vector<std::string>& argv) {
  for (const auto& a : argv)
    if (a == "-S" || a == "-incoming") return true;
  return false;
}

}  // namespace

std::string qmp_socket_of(const std::vector<std::string>& argv) {
  for (std::size_t i = 0; i + 1 < argv.size(); ++i) {
    const std::string& v = argv[i + 1];
    if (argv[i] == "-qmp" && v.starts_with("unix:")) return v.substr(5, v.find(',') - 5);
    if (argv[i] != "-chardev" || !v.starts_with("socket,")) continue;
    std::string id, path;
    std::stringstream ss(v);
    for (std::string part; std::getline(ss, part, ',');) {
      if (part.starts_with("id=")) id = part.substr(3);
      if (part.starts_with("path=")) path = part.substr(5);
    }
    if (id == "qmp") return path;
  }
  return {};
}

Supervisor::Supervisor(uv_loop_t* loop, std::string run_dir, Recorder& recorder,
                       std::function<void(std::function<void()>)> post_to_loop, Request system_req)
    : loop_(loop), run_dir_(std::move(run_dir)), recorder_(recorder), post_(std::move(post_to_loop)),
      system_req_(std::move(system_req)) {}

Supervisor::~Supervisor() { detach_all(); }

Supervisor::Vm* Supervisor::find(int64_t vmid) {
  auto it = vms_.find(vmid);
  return it == vms_.end() ? nullptr : it->second.get();
}

void Supervisor::record(Vm& vm, const std::string& status, const std::string& cause, const Request& req,
                        std::function<void()> committed) {
  vm.status = status;
  StatusChange c{vm.vmid, status, vm.pid, cause, {}};
  auto post = post_;
  recorder_.record(std::move(c), req, [post, committed = std::move(committed)] {
    if (committed) post(committed);
  });
}

void Supervisor::record_stopped(int64_t vmid, const std::string& cause, const std::string& detail, const Request& req,
                                std::function<void()> committed) {
  auto post = post_;
  recorder_.record(StatusChange{vmid, "stopped", 0, cause, detail}, req, [post, committed = std::move(committed)] {
    if (committed) post(committed);
  });
}

void Supervisor::start(StartParams p, Done done) {
  const int64_t vmid = p.vmid;
  if (find(vmid) != nullptr) {
    done({"VM " + std::to_string(vmid) + " already running", {}});
    return;
  }
  auto vm = std::make_unique<Vm>();
  vm->vmid = vmid;
  vm->start_t0 = std::chrono::steady_clock::now();
  vm->files = run_files(run_dir_, vmid);
  vm->qmp_path = qmp_socket_of(p.argv);
  if (vm->qmp_path.empty()) {
    done({"start failed: the command line has no QMP socket", {}});
    return;
  }
  ::unlink(vm->qmp_path.c_str());  // a stale socket would be connected to before QEMU listens
  try {
    vm->pid = spawn_detached(p.argv, vm->files.log);
  } catch (const std::exception& e) {
    done({std::string("start failed: ") + e.what(), {}});
    return;
  }
  vm->own_child = true;
  try {
    write_pidfile(vm->files.pidfile, vm->pid);
  } catch (const std::exception& e) {
    spdlog::warn("VM {}: {}", vmid, e.what());
  }
  spdlog::info("VM {}: QEMU started, pid {} ({:.1f} ms)", vmid, vm->pid, ms_since(vm->start_t0));
  vm->status = "starting";
  vm->start_done = std::move(done);
  vm->start = std::move(p);
  vm->watch = std::make_unique<ExitWatch>(loop_, vm->pid, true, [this, vmid](ExitInfo i) {
    on_exit(vmid, i.status_known, i.exit_code, i.signal);
  });
  Vm& v = *vm;
  vms_.emplace(vmid, std::move(vm));
  attach_qmp(v, v.start.timeout_s * 1000, [this, vmid](bool ok) {
    Vm* vm = find(vmid);
    if (vm == nullptr || vm->status != "starting") return;
    vm->ready_ms = ms_since(vm->start_t0);
    if (!ok) {
      const bool timed_out = vm->ready_ms >= vm->start.timeout_s * 1000.0;
      if (timed_out) {
        vm->start_error = "start failed: QEMU did not answer on its QMP socket within " +
                          std::to_string(vm->start.timeout_s) + " s";
        signal_vm(*vm, SIGKILL);  // on_exit reports start_error
        return;
      }
      // Refused long before the timeout: QEMU bound its socket and exited
      // (a missing disk, a bad option). Its exit status and log say why, once
      // the exit is seen; only a QEMU still there after a moment is killed.
      vm->start_grace = std::make_unique<LoopTimer>(loop_);
      vm->start_grace->start(kStartGraceMs, [this, vmid] {
        Vm* vm = find(vmid);
        if (vm == nullptr || vm->status != "starting") return;
        vm->start_error = "start failed: QEMU refused the connection to its QMP socket";
        signal_vm(*vm, SIGKILL);  // on_exit reports start_error
      });
      return;
    }
    if (vm->start.incoming_state.empty()) {
      finish_start(vmid);
    } else {
      load_state(vmid, [this, vmid] { finish_start(vmid); });
    }
  });
}

// QMP answers (and a saved state is loaded): the balloon target is set and the
// status QEMU reports is recorded; then the start's `done`.
void Supervisor::finish_start(int64_t vmid) {
  Vm* vm = find(vmid);
  if (vm == nullptr || vm->status != "starting") return;
  if (vm->start.balloon_mib) {
    vm->qmp->execute("balloon", {{"value", *vm->start.balloon_mib * 1024 * 1024}}, 5000, [](qemu::QmpResult) {});
    vm->qmp->execute("qom-set",
                     {{"path", "machine/peripheral/balloon0"}, {"property", "guest-stats-polling-interval"},
                      {"value", 2}},
                     5000, [](qemu::QmpResult) {});
  }
  // QEMU answers qmp_capabilities from its main loop, which runs only
  // after the machine was built and started: without -S or -incoming the
  // VM is running now, and asking query-status would only add a round trip.
  if (!starts_paused(vm->start.argv)) {
    started(*vm, "running");
    return;
  }
  vm->qmp->execute("query-status", nullptr, 5000, [this, vmid](qemu::QmpResult r) {
    Vm* vm = find(vmid);
    if (vm == nullptr || vm->status != "starting") return;
    const std::string qs = r.ok() ? r.value.value("status", "running") : "running";
    started(*vm, (qs == "paused" || qs == "prelaunch") ? "paused" : "running");
  });
}

void Supervisor::started(Vm& vm, const std::string& status) {
  Done done = std::move(vm.start_done);
  vm.start_done = nullptr;
  const int64_t vmid = vm.vmid;
  const auto t0 = vm.start_t0;
  const double ready_ms = vm.ready_ms;
  std::string c = cause::of_pass(vm.start.req.verb, user_of(vm.start.req));
  if (c.empty()) c = cause::start_by(user_of(vm.start.req));
  record(vm, status, c, vm.start.req, [done, vmid, t0, ready_ms] {
    spdlog::info("VM {}: start done in {:.1f} ms (QMP ready at {:.1f} ms)", vmid, ms_since(t0), ready_ms);
    done({});
  });
}

void Supervisor::attach_qmp(Vm& vm, int connect_timeout_ms, std::function<void(bool)> ready) {
  qemu::QmpClientOptions o;
  o.connect_timeout_ms = connect_timeout_ms;
  // QEMU listens on its QMP socket within milliseconds of exec: poll briskly
  // so that start latency is QEMU's, not ours.
  o.connect_retry_ms = 2;
  vm.qmp = std::make_unique<qemu::QmpClient>(loop_, vm.qmp_path, o);
  const int64_t vmid = vm.vmid;
  vm.qmp->set_event_handler([this, vmid](const qemu::QmpEvent& e) { on_qmp_event(vmid, e.name, e.data); });
  vm.qmp->set_disconnect_handler([vmid](const qemu::QmpError& e) {
    spdlog::debug("VM {}: QMP connection ended: {}", vmid, e.to_string());
  });
  vm.qmp->connect([vmid, ready = std::move(ready)](std::optional<qemu::QmpError> err) {
    if (err) spdlog::warn("VM {}: QMP connect failed: {}", vmid, err->to_string());
    ready(!err.has_value());
  });
}

void Supervisor::on_qmp_event(int64_t vmid, const std::string& name, const nlohmann::json& data) {
  Vm* vm = find(vmid);
  if (vm == nullptr) return;
  spdlog::debug("VM {}: QMP event {} {}", vmid, name, data.dump());
  if (name == "SHUTDOWN") {
    if (data.value("guest", false) && !vm->stop_requested) vm->guest_shutdown = true;
    // QEMU runs with -no-shutdown (as under Proxmox): after the guest powered
    // off, qmd ends the process, as qmeventd does.
    if (!vm->quit_sent && vm->qmp && vm->qmp->ready()) {
      vm->quit_sent = true;
      vm->qmp->execute("quit", nullptr, 5000, [](qemu::QmpResult) {});
    }
    return;
  }
  if (name == "MIGRATION" && vm->on_migration) {
    const std::string st = data.value("status", "");
    if (st == "completed" || st == "failed" || st == "cancelled") {
      auto fn = std::move(vm->on_migration);
      vm->on_migration = nullptr;
      vm->migration_timer.reset();
      fn(st);
    }
    return;
  }
  const bool going_down = vm->stop_requested || vm->guest_shutdown || vm->quit_sent;
  if (vm->op_in_flight || vm->snapshot_hold || going_down || vm->status == "starting") return;
  if (name == "STOP" && vm->status == "running") record(*vm, "paused", "paused by QEMU", system_req_);
  if (name == "RESUME" && vm->status == "paused") record(*vm, "running", "resumed by QEMU", system_req_);
}

void Supervisor::signal_vm(Vm& vm, int sig) {
  if (vm.pid > 0 && ::kill(vm.pid, sig) != 0) spdlog::debug("VM {}: kill({}, {}) failed", vm.vmid, vm.pid, sig);
}

void Supervisor::on_exit(int64_t vmid, bool status_known, int exit_code, int signal) {
  auto it = vms_.find(vmid);
  if (it == vms_.end()) return;
  std::unique_ptr<Vm> vm = std::move(it->second);
  vms_.erase(it);
  retire(std::move(vm->qmp));
  ::unlink(vm->files.pidfile.c_str());
  ::unlink(vm->qmp_path.c_str());
  const ExitInfo info{status_known, exit_code, signal};

  if (vm->status == "starting") {
    std::string msg = log_tail(vm->files.log);
    msg += vm->start_error.empty() ? "start failed: QEMU " + cause::of_exit(info) : vm->start_error;
    spdlog::warn("VM {}: {}", vmid, msg);
    if (vm->start_done) vm->start_done({msg, {}});
    return;
  }
  std::string c, detail;
  if (vm->killed_after_timeout) {
    c = cause::kKilledAfterTimeout;
  } else if (vm->stop_requested) {
    c = cause::kStopRequest;
  } else if (vm->guest_shutdown) {
    c = cause::kGuestShutdown;
  } else {
    c = cause::of_exit(info);
    const std::string tail = log_tail(vm->files.log, 3);
    if (!tail.empty()) detail = tail.substr(0, tail.size() - 1);
  }
  if (c != cause::of_exit(info) && info.status_known) detail = cause::of_exit(info);
  const bool asked = vm->stop_requested || vm->killed_after_timeout;
  const Request* req = asked ? &vm->down_req : &system_req_;
  // A stop or shutdown asked for by stopall: stopall is the cause, how the VM
  // went down (powered off, killed after the timeout) the detail.
  if (asked || vm->guest_shutdown) {
    if (std::string pass = cause::of_pass(vm->down_req.verb, user_of(vm->down_req)); !pass.empty()) {
      detail = detail.empty() ? c : c + "; " + detail;
      c = std::move(pass);
      req = &vm->down_req;
    }
  }
  auto waiters = std::make_shared<std::map<uint64_t, Waiter>>(std::move(vm->waiters));
  for (auto& [id, w] : *waiters) w.timer.reset(), w.kill_timer.reset();
  record_stopped(vmid, c, detail, *req, [waiters] {
    for (auto& [id, w] : *waiters)
      if (w.on_gone) w.on_gone();
  });
}

void Supervisor::adopt(const std::map<int64_t, std::string>& recorded) {
  std::map<int64_t, std::string> candidates = recorded;
  for (int64_t vmid : pidfile_vmids(run_dir_)) candidates.emplace(vmid, "");
  for (const auto& [vmid, was] : candidates) {
    if (find(vmid) != nullptr) continue;
    const RunFiles files = run_files(run_dir_, vmid);
    const auto pid = read_pidfile(files.pidfile);
    if (!pid || !process_matches(*pid, files.qmp)) {
      ::unlink(files.pidfile.c_str());
      ::unlink(files.qmp.c_str());
      if (!was.empty() && was != "stopped") {
        spdlog::warn("VM {}: died while qmd was down (recorded {}, pid {})", vmid, was, pid.value_or(0));
        record_stopped(vmid, cause::kDiedWhileDown, {}, system_req_);
      }
      continue;
    }
    auto vm = std::make_unique<Vm>();
    vm->vmid = vmid;
    vm->pid = *pid;
    vm->own_child = false;
    vm->files = files;
    vm->qmp_path = files.qmp;
    vm->status = was.empty() || was == "stopped" ? "running" : was;
    vm->watch = std::make_unique<ExitWatch>(loop_, vm->pid, false, [this, vmid](ExitInfo i) {
      on_exit(vmid, i.status_known, i.exit_code, i.signal);
    });
    Vm& v = *vm;
    vms_.emplace(vmid, std::move(vm));
    spdlog::info("VM {}: re-adopting pid {}", vmid, v.pid);
    attach_qmp(v, 10000, [this, vmid, was](bool ok) {
      Vm* vm = find(vmid);
      if (vm == nullptr || !ok) return;
      vm->qmp->execute("query-status", nullptr, 5000, [this, vmid, was](qemu::QmpResult r) {
        Vm* vm = find(vmid);
        if (vm == nullptr) return;
        const std::string qs = r.ok() ? r.value.value("status", "running") : "running";
        const std::string now = (qs == "paused" || qs == "prelaunch") ? "paused" : "running";
        if (now != was) record(*vm, now, cause::kAdopted, system_req_);
        else vm->status = now;
      });
    });
  }
}

void Supervisor::detach_all() {
  delays_.clear();
  auto vms = std::move(vms_);
  vms_.clear();
  for (auto& [vmid, vm] : vms) {
    if (vm->start_done) vm->start_done({"qmd is shutting down", {}});
    for (auto& [id, w] : vm->waiters) {
      w.timer.reset();
      w.kill_timer.reset();
    }
    vm->waiters.clear();
  }
  // Waiters' completions are bound to their operations: fail them through
  // the on_gone functions would claim the VM stopped, so they are dropped and
  // the bridge fails blocked callers itself.
}

void Supervisor::retire(std::unique_ptr<qemu::QmpClient> qmp) {
  if (!qmp) return;
  // Destroying the client would drop the callbacks of commands in flight
  // (a status or list waiting on query-status would never be answered):
  // close it, which fails them on the next loop iteration, and free it from
  // a callback queued behind theirs.
  qmp->close();
  qemu::QmpClient* raw = qmp.release();
  raw->execute("retired", nullptr, 0, [raw](qemu::QmpResult) { delete raw; });
}

uint64_t Supervisor::add_waiter(Vm& vm, std::function<void()> on_gone) {
  const uint64_t id = next_waiter_++;
  vm.waiters[id].on_gone = std::move(on_gone);
  return id;
}

}  // namespace qmd::service::runtime
