// Runtime: what the runtime verbs (start, stop, shutdown, ...) ask of the
// service that supervises QEMU. Inside qmd every request's App carries it
// (App::runtime(): the supervisor on qmd's loop); in a plain `qm` process
// there is none, and the verbs say that qmd is not running.
//
// Every method blocks the calling thread until the operation ended (never
// call from qmd's loop thread). Errors come back as OpResult::error with the
// user-facing message; when qmd is shutting down: "qmd is shutting down".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "service/request.h"
#include "service/runtime/supervisor.h"

namespace qmd::service::runtime {

class Runtime {
 public:
  virtual ~Runtime() = default;
  virtual OpResult start(StartParams p) = 0;
  virtual OpResult stop(int64_t vmid, int timeout_s, const Request& req) = 0;
  virtual OpResult shutdown(int64_t vmid, int timeout_s, bool force, const Request& req) = 0;
  virtual OpResult reset(int64_t vmid, const Request& req) = 0;
  virtual OpResult suspend(int64_t vmid, const Request& req) = 0;
  virtual OpResult resume(int64_t vmid, const Request& req) = 0;
  // *pid = the pid waited for (0: not running, returned at once). timeout_s <= 0: forever.
  virtual OpResult wait(int64_t vmid, int timeout_s, int64_t* pid) = 0;
  virtual LiveStatus status(int64_t vmid, bool verbose) = 0;
  // QMP `balloon` to `bytes` (see Supervisor::set_balloon).
  virtual OpResult set_balloon(int64_t vmid, int64_t bytes) = 0;
  // Snapshots of a running VM (Supervisor::qmp / snapshot_hold / save_state).
  virtual QmpReply qmp(int64_t vmid, const std::string& command, const nlohmann::json& args, int timeout_ms) = 0;
  virtual OpResult snapshot_hold(int64_t vmid, bool hold) = 0;
  virtual OpResult save_state(int64_t vmid, const std::string& uri, int timeout_s) = 0;
  // Live migration of a running VM to p.uri; *figures set on success (Supervisor::migrate).
  // p.progress runs on qmd's loop thread.
  virtual OpResult migrate(int64_t vmid, MigrateParams p, MigrateFigures* figures) = 0;
  // The live status of each of vmids, in that order (`qm list`); full: asks
  // each running VM's QMP for its status. The default asks status() per VM.
  virtual std::vector<LiveStatus> statuses(const std::vector<int64_t>& vmids, bool full);
  // Returns after ms milliseconds, timed on qmd's loop (startall's `up=` waits);
  // early with kShuttingDown when qmd stops meanwhile.
  virtual OpResult delay(int64_t ms) = 0;
};

// OpResult::error of every operation cut short because qmd is stopping.
inline constexpr const char* kShuttingDown = "qmd is shutting down";

// The error of a runtime verb run where no qmd answers: names the socket and
// how to start the service.
std::string qmd_not_running_message(const std::string& socket_path, const std::string& data_dir);

}  // namespace qmd::service::runtime
