// Supervisor: the QEMU processes of this node, on qmd's libuv loop — spawning
// (detached: they outlive qmd), one async QMP client each, exit detection,
// stop/shutdown escalation with timers, and re-adoption after a restart.
// Every status transition is handed to the Recorder with its cause.
//
// Contract:
// - Loop thread only: every method, and every callback runs on the loop.
// - Each operation's `done` is called exactly once (also when the VM dies
//   meanwhile) — except after detach_all(), which drops pending operations
//   (start's is failed with "qmd is shutting down"); callers blocked on one
//   must be released by their own shutdown path.
//   OpResult::error is the user-facing message ("" = success); messages are
//   the spec's where it has one (e.g. "VM 100 already running",
//   "VM quit/powerdown failed - got timeout", "wait failed - got timeout").
// - An operation that ends in a transition calls `done` only after the
//   transition's event is committed, so a client that saw the reply sees the
//   new status in the log.
#pragma once

#include <sys/types.h>
#include <uv.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "service/request.h"
#include "service/runtime/loop_timer.h"
#include "service/runtime/recorder.h"

namespace qmd::service::runtime {

struct OpResult {
  std::string error;     // "" = success
  std::string warnings;  // lines for stderr on success, each ending in '\n'
};

struct StartParams {
  int64_t vmid = 0;
  std::vector<std::string> argv;  // binary first
  int timeout_s = 30;             // until QMP is ready
  std::optional<int64_t> balloon_mib;
  Request req;                    // who asked (actor) and the command, for the event's meta
};

struct LiveStatus {
  std::string status = "stopped";     // "running" while the QEMU process exists, else "stopped"
  std::string qmpstatus = "stopped";  // QMP's status ("running", "paused", "prelaunch", ...)
  int64_t pid = 0;
  int64_t uptime_s = 0;
  nlohmann::json balloon;             // query-balloon's answer (verbose only; null if none)
  nlohmann::json qemu_version;        // the greeting's version.qemu (null if unknown)
};

class Supervisor {
 public:
  using Done = std::function<void(const OpResult&)>;
  // post_to_loop: runs a function on the loop thread from any thread.
  // system_req: the meta of transitions nobody asked for (a guest powering off, a crash).
  Supervisor(uv_loop_t* loop, std::string run_dir, Recorder& recorder,
             std::function<void(std::function<void()>)> post_to_loop, Request system_req);
  ~Supervisor();

  // QEMU with p.argv; the QMP socket is the path of `-chardev socket,id=qmp,path=...`.
  // done after QMP is ready (and `balloon` sent) and "running" is recorded.
  void start(StartParams p, Done done);
  // QMP quit; after timeout_s SIGTERM, after 10 s more SIGKILL. A stopped VM: success at once.
  void stop(int64_t vmid, int timeout_s, Request req, Done done);
  // ACPI powerdown; after timeout_s: with force as stop's escalation, else the timeout error.
  void shutdown(int64_t vmid, int timeout_s, bool force, Request req, Done done);
  void reset(int64_t vmid, Request req, Done done);
  void suspend(int64_t vmid, Request req, Done done);
  void resume(int64_t vmid, Request req, Done done);
  // waiting(pid) is called first (pid 0: not running, done follows at once);
  // timeout_s <= 0 waits forever.
  void wait(int64_t vmid, int timeout_s, std::function<void(int64_t pid)> waiting, Done done);
  void status(int64_t vmid, bool verbose, std::function<void(const LiveStatus&)> done);
  // done (success) after ms milliseconds, from a loop timer: the waits of
  // startall (`up=`) never hold a thread in a sleep. Dropped by detach_all().
  void delay(uint64_t ms, Done done);

  // At startup: re-attaches every VM that still runs (pidfile + live process
  // whose command line names its QMP socket) and records as stopped every VM
  // in `recorded` (vmid -> status the log says, "running"/"paused") that died.
  void adopt(const std::map<int64_t, std::string>& recorded);

  // Fails every pending operation with "qmd is shutting down" and lets go of
  // every VM without stopping it.
  void detach_all();

  bool supervises(int64_t vmid) const { return vms_.count(vmid) != 0; }
  std::size_t count() const { return vms_.size(); }

  struct Vm;
  struct Waiter;

 private:
  Vm* find(int64_t vmid);
  void attach_qmp(Vm& vm, int connect_timeout_ms, std::function<void(bool ok)> ready);
  void on_qmp_event(int64_t vmid, const std::string& name, const nlohmann::json& data);
  void on_exit(int64_t vmid, bool status_known, int exit_code, int signal);
  void record(Vm& vm, const std::string& status, const std::string& cause, const Request& req,
              std::function<void()> committed = {});
  void record_stopped(int64_t vmid, const std::string& cause, const std::string& detail, const Request& req,
                      std::function<void()> committed = {});
  uint64_t add_waiter(Vm& vm, std::function<void()> on_gone);
  void escalate(int64_t vmid, uint64_t waiter, const Request& req, std::string* warnings_sink);
  void signal_vm(Vm& vm, int sig);
  void pause_or_continue(Vm& vm, const char* command, const char* status, std::string cause, Request req, Done done);

  uv_loop_t* loop_;
  std::string run_dir_;
  Recorder& recorder_;
  std::function<void(std::function<void()>)> post_;
  Request system_req_;
  std::map<int64_t, std::unique_ptr<Vm>> vms_;
  uint64_t next_waiter_ = 1;
  std::map<uint64_t, std::unique_ptr<LoopTimer>> delays_;  // delay()s pending, by waiter id
};

// The QMP socket path named in argv (`-chardev socket,id=qmp,...,path=P` or
// `-qmp unix:P,...`); "" when there is none.
std::string qmp_socket_of(const std::vector<std::string>& argv);

}  // namespace qmd::service::runtime
