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

namespace qmd::qemu {
class QmpClient;
}

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
  // A saved VM state (a migration stream file, see save_state) to load before
  // the VM runs: QEMU must have been given `-incoming defer`; after the load
  // the VM is resumed. "" = a normal start.
  std::string incoming_state;
};

// The answer of one QMP command: error ("" = success) or the "return" value.
struct QmpReply {
  std::string error;
  nlohmann::json value;
};

struct LiveStatus {
  std::string status = "stopped";     // "running" while the QEMU process exists, else "stopped"
  std::string qmpstatus = "stopped";  // QMP's status ("running", "paused", "prelaunch", ...)
  int64_t pid = 0;
  int64_t uptime_s = 0;
  nlohmann::json balloon;             // query-balloon's answer (verbose only; null if none)
  nlohmann::json qemu_version;        // the greeting's version.qemu (null if unknown)
};

// A live migration driven from the source (Supervisor::migrate).
struct MigrateParams {
  std::string uri;            // where the target QEMU listens: "tcp:127.0.0.1:PORT"
  int64_t bwlimit_kib = 0;    // KiB/s; 0 = no limit
  int64_t downtime_ms = 100;  // allowed switch-over pause (Proxmox's migrate_downtime default 0.1 s)
  // query-migrate's answer while active (loop thread).
  std::function<void(const nlohmann::json& info)> progress;
};

// query-migrate's figures of a completed migration.
struct MigrateFigures {
  int64_t total_time_ms = 0;
  int64_t downtime_ms = 0;
  int64_t setup_time_ms = 0;
  int64_t transferred_bytes = 0;  // ram.transferred
  int64_t ram_total_bytes = 0;
};

// The figures of a query-migrate answer (total-time, downtime, setup-time,
// ram.transferred, ram.total; 0 for what it lacks).
MigrateFigures migrate_figures_of(const nlohmann::json& query_migrate);

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
  // Sends the VM's state to p.uri (QMP migrate) and follows query-migrate
  // every 20 ms until it completes (the source QEMU is then paused in
  // postmigrate: the caller quits it with stop()) or fails ("migration failed:
  // <QEMU's error-desc>"; QEMU keeps the VM running here). Records nothing.
  void migrate(int64_t vmid, MigrateParams p, std::function<void(const OpResult&, const MigrateFigures&)> done);
  // waiting(pid) is called first (pid 0: not running, done follows at once);
  // timeout_s <= 0 waits forever.
  void wait(int64_t vmid, int timeout_s, std::function<void(int64_t pid)> waiting, Done done);
  void status(int64_t vmid, bool verbose, std::function<void(const LiveStatus&)> done);
  // QMP `balloon value=bytes` (qm set --balloon with shares: 0, spec §7.7):
  // "VM <vmid> not running", or "balloon failed - <QEMU's desc>".
  void set_balloon(int64_t vmid, int64_t bytes, Done done);

  // For the autoballoon cycle: the VMs that are up (running or paused) with a
  // ready QMP connection, ascending; and the QMP client of one of them
  // (nullptr when it is not up). The client is the Supervisor's: commands may
  // be sent on it, it must not be closed; it is gone when the VM exits (its
  // pending callbacks are then dropped, not called).
  std::vector<int64_t> up_vmids() const;
  qemu::QmpClient* qmp_of(int64_t vmid);

  // ---- for snapshots (supervisor_snapshot.cpp) ----
  // One QMP command on a running VM; error "VM <vmid> not running" without a
  // monitor, else "<command> failed: <QEMU's desc>".
  void qmp(int64_t vmid, std::string command, nlohmann::json args, int timeout_ms,
           std::function<void(const QmpReply&)> done);
  // hold: pauses the VM (QMP stop) for a consistent snapshot without recording
  // a status change; release (hold=false): resumes it if the hold paused it.
  // While held, STOP/RESUME events are not recorded as transitions.
  void snapshot_hold(int64_t vmid, bool hold, Done done);
  // Sends the held VM's RAM and device state as a migration stream to `uri`
  // (QMP migrate; the caller reads it, e.g. from a unix socket), done when
  // QEMU's MIGRATION event says completed and the VM is in postmigrate; error
  // "saving the VM state failed: <why>" (also after timeout_s). The disks are
  // inactive afterwards until the release.
  void save_state(int64_t vmid, std::string uri, int timeout_s, Done done);
  // The live status of each of vmids, in that order (`qm list`): without
  // `full` from what the supervisor tracks (no QMP round trip); with `full`
  // each running VM's QMP query-status. done is called exactly once.
  void statuses(std::vector<int64_t> vmids, bool full, std::function<void(std::vector<LiveStatus>)> done);
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
  // The end of a start: `status` recorded, then the start's done.
  void started(Vm& vm, const std::string& status);
  void on_qmp_event(int64_t vmid, const std::string& name, const nlohmann::json& data);
  void on_exit(int64_t vmid, bool status_known, int exit_code, int signal);
  void record(Vm& vm, const std::string& status, const std::string& cause, const Request& req,
              std::function<void()> committed = {});
  void record_stopped(int64_t vmid, const std::string& cause, const std::string& detail, const Request& req,
                      std::function<void()> committed = {});
  uint64_t add_waiter(Vm& vm, std::function<void()> on_gone);
  void escalate(int64_t vmid, uint64_t waiter, const Request& req, std::string* warnings_sink);
  void signal_vm(Vm& vm, int sig);
  void load_state(int64_t vmid, std::function<void()> loaded);
  void finish_start(int64_t vmid);
  void settle_after_save(int64_t vmid, std::function<void()> settled);
  // settling: how many times "completed" came without QEMU's figures yet.
  void poll_migration(int64_t vmid, std::shared_ptr<MigrateParams> p,
                      std::function<void(const OpResult&, const MigrateFigures&)> done, int settling = 0);
  // Ends a QMP client whose VM is gone: its pending commands still get their
  // (failed) callbacks, then it is freed.
  static void retire(std::unique_ptr<qemu::QmpClient> qmp);
  void pause_or_continue(Vm& vm, const char* command, const char* status, std::string cause, Request req, Done done);

  uv_loop_t* loop_;
  std::string run_dir_;
  Recorder& recorder_;
  std::function<void(std::function<void()>)> post_;
  Request system_req_;
  std::map<int64_t, std::unique_ptr<Vm>> vms_;
  std::map<int64_t, std::unique_ptr<LoopTimer>> migrate_polls_;  // vmid -> next query-migrate
  uint64_t next_waiter_ = 1;
  std::map<uint64_t, std::unique_ptr<LoopTimer>> delays_;  // delay()s pending, by waiter id
};

// The QMP socket path named in argv (`-chardev socket,id=qmp,...,path=P` or
// `-qmp unix:P,...`); "" when there is none.
std::string qmp_socket_of(const std::vector<std::string>& argv);

}  // namespace qmd::service::runtime
