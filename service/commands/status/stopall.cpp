// qm stopall (contract in startall.h).
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>

#include "service/commands/common.h"
#include "service/commands/status/guest_records.h"
#include "service/commands/status/pass_log.h"
#include "service/commands/status/startall.h"
#include "service/runtime/verb_support.h"
#include "service/startup/order.h"

namespace qmd::service {

namespace {

constexpr int64_t kMaxTimeout = 2 * 3600;  // Proxmox: "we do not want too high timeouts"


// Shutdowns of one group, at most `workers` at once, each on its own thread
// blocked in the runtime (the waiting itself is timers on qmd's loop).
class GroupShutdown {
 public:
  GroupShutdown(runtime::Runtime& rt, const Request& req, bool force, unsigned workers, PassLog& log)
      : rt_(rt), req_(req), force_(force), workers_(std::max(1u, workers)), log_(log) {}
  ~GroupShutdown() { join(); }

  void launch(const startup::StopStep& step) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return running_ < workers_; });
    ++running_;
    threads_.emplace_back([this, step] {
      const runtime::OpResult r = rt_.shutdown(step.vmid, static_cast<int>(step.timeout), force_, req_);
      const std::string id = std::to_string(step.vmid);
      if (!r.error.empty()) {
        log_.failure("Stopping VM " + id + " failed: " + r.error);
        if (r.error == runtime::kShuttingDown) shutting_down_ = true;
      } else if (!r.warnings.empty()) {
        // The shutdown's own lines (SIGTERM/SIGKILL) go to qmd's log only, as
        // Proxmox keeps them in each guest's task log: the pass's output stays
        // one line per guest, in plan order, whatever order they finish in.
        spdlog::info("stopall: VM {}: {}", id, chomped(r.warnings));
      }
      std::lock_guard<std::mutex> lock(mu_);
      --running_;
      cv_.notify_all();
    });
  }

  // Waits for every shutdown of the group; false when qmd is stopping.
  bool join() {
    for (auto& t : threads_)
      if (t.joinable()) t.join();
    threads_.clear();
    return !shutting_down_;
  }

 private:
  runtime::Runtime& rt_;
  const Request& req_;
  bool force_;
  unsigned workers_;
  PassLog& log_;
  std::mutex mu_;
  std::condition_variable cv_;
  unsigned running_ = 0;
  std::vector<std::thread> threads_;
  std::atomic<bool> shutting_down_ = false;
};

}  // namespace

Reply run_stopall(App& app, const Request& req) {
  auto& rt = runtime::require_runtime(app);
  startup::StopallOptions options;
  options.timeout = static_cast<std::uint64_t>(int_option(req, "timeout", startup::kDefaultStopTimeout, 0));
  if (static_cast<int64_t>(options.timeout) > kMaxTimeout)
    throw param_error("timeout", "value must have a maximum value of " + std::to_string(kMaxTimeout));
  options.only = vms_option(req);
  const bool force = flag(req, "force-stop", true);
  std::vector<startup::StopGroup> plan;
  try {
    plan = startup::plan_stopall(node_guest_records(app, rt), options);
  } catch (const startup::StartupOptionsError& e) {
    throw CommandError("VM " + std::to_string(e.vmid) + ": " + e.what());
  }

  PassLog log("stopall", req);
  // Proxmox: datacenter max_workers, else one per CPU.
  const unsigned workers = std::max(1u, std::thread::hardware_concurrency());
  for (const startup::StopGroup& group : plan) {
    GroupShutdown shutdowns(rt, req, force, workers, log);
    for (const startup::StopStep& step : group.guests) {
      const std::string id = std::to_string(step.vmid);
      log.line("Stopping VM " + id + " (timeout = " + std::to_string(step.timeout) + " seconds)");
      try {
        check_lock(load_existing(app, step.vmid), false);  // as `qm shutdown` without --skiplock
      } catch (const CommandError& e) {
        log.failure("Stopping VM " + id + " failed: " + e.what());
        continue;
      }
      shutdowns.launch(step);
    }
    if (!shutdowns.join()) break;
  }
  spdlog::info("stopall: done");
  return log.reply();
}

}  // namespace qmd::service
