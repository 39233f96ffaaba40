// The Supervisor's record of one supervised QEMU process (private to
// supervisor*.cpp).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "service/qemu/qmp_client.h"
#include "service/runtime/exit_watch.h"
#include "service/runtime/loop_timer.h"
#include "service/runtime/pidfile.h"
#include "service/runtime/supervisor.h"

namespace qmd::service::runtime {

// Spec §6.11's answer to an operation on a VM without a QEMU process.
inline std::string not_running(int64_t vmid) { return "VM " + std::to_string(vmid) + " not running"; }

// The user a request acts for, as causes name it ("start by alice").
inline std::string user_of(const Request& r) { return r.actor ? r.actor->user : "qmd"; }

// migrate-set-capabilities arguments turning on QEMU's MIGRATION events, so
// the end of a migration (or a state save) is noticed when it happens.
inline const nlohmann::json& migration_events_capability() {
  static const nlohmann::json c = {{"capabilities", {{{"capability", "events"}, {"state", true}}}}};
  return c;
}

// Someone waiting for the VM to be gone (stop, shutdown, wait), with its timers.
struct Supervisor::Waiter {
  std::function<void()> on_gone;
  std::unique_ptr<LoopTimer> timer;       // the operation's timeout
  std::unique_ptr<LoopTimer> kill_timer;  // SIGTERM → SIGKILL escalation
};

struct Supervisor::Vm {
  int64_t vmid = 0;
  pid_t pid = 0;
  bool own_child = false;  // spawned by this qmd (exit status known) vs re-adopted
  RunFiles files;
  std::string qmp_path;
  std::string status;      // "starting", "running", "paused"
  std::unique_ptr<qemu::QmpClient> qmp;
  std::unique_ptr<ExitWatch> watch;

  // While starting.
  std::chrono::steady_clock::time_point start_t0;  // when start() was called (for the log's timings)
  double ready_ms = 0;                             // QMP ready, ms after start_t0
  Done start_done;
  std::string start_error;  // why the start was aborted (QMP never answered)
  StartParams start;
  std::unique_ptr<LoopTimer> start_grace;  // QMP refused early: time for QEMU's exit to be seen

  // Why it is going down, in order of precedence for the "stopped" cause.
  bool killed_after_timeout = false;
  bool stop_requested = false;
  bool guest_shutdown = false;
  bool quit_sent = false;
  Request down_req;  // who asked for the stop/shutdown

  bool op_in_flight = false;  // suspend/resume: its own transition is recorded by the op
  bool snapshot_hold = false;  // paused for a snapshot: STOP/RESUME are not transitions
  bool hold_paused = false;    // the hold paused it (release resumes it)
  bool state_saved = false;    // a state was saved under the hold (disks inactive)
  // The waiting save_state/load_state: called once with the MIGRATION event's
  // final status ("completed", "failed", "cancelled") or "timeout".
  std::function<void(const std::string& status)> on_migration;
  std::unique_ptr<LoopTimer> migration_timer;
  std::map<uint64_t, Waiter> waiters;
};

}  // namespace qmd::service::runtime
