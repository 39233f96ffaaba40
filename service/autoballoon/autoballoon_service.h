// The autoballoon cycle on qmd's loop (spec §7.1–7.4): every interval,
//   1. the host figures (HostMemorySource) and the configs of the VMs that are
//      up are read on the recorder's database thread (never on the loop);
//   2. each VM is asked `query-balloon` and its guest statistics over its QMP
//      connection (asynchronously);
//   3. the pure planner decides; each new target is sent with QMP `balloon`;
//   4. the decisions go to the TargetAudit, whose due records are committed as
//      `vm.balloon.target` events (on the recorder thread).
// A cycle still running when the next is due makes that one skip (logged).
// VMs the planner must leave alone (no driver, no `balloon` floor, lock:
// migrate, shares: 0) get no `balloon` command.
//
// Loop thread only (construction, start, stop and every callback).
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>

#include "service/autoballoon/host_memory.h"
#include "service/autoballoon/settings.h"
#include "service/autoballoon/target_audit.h"
#include "service/request.h"
#include "service/runtime/loop_timer.h"
#include "service/runtime/recorder.h"
#include "service/runtime/supervisor.h"

namespace qmd::autoballoon {

class AutoballoonService {
 public:
  using Post = std::function<void(std::function<void()>)>;  // runs a function on the loop, from any thread
  // sup, db must outlive this object. `actor` is the meta of the events (qmd itself).
  AutoballoonService(uv_loop_t* loop, service::runtime::Supervisor& sup, service::runtime::Recorder& db, Post post,
                     std::unique_ptr<HostMemorySource> host, AutoballoonSettings settings, service::Request actor);
  ~AutoballoonService();
  AutoballoonService(const AutoballoonService&) = delete;
  AutoballoonService& operator=(const AutoballoonService&) = delete;

  // Arms the cycle timer (nothing when the interval is 0).
  void start();
  // Stops the timer and abandons a cycle in progress (its QMP commands may
  // still be answered; nothing more is sent or recorded). Idempotent.
  void stop();

  struct Cycle;

 private:
  void tick();
  void query(std::shared_ptr<Cycle> c);
  void answered(const std::shared_ptr<Cycle>& c);
  void decide(std::shared_ptr<Cycle> c);
  void sent(const std::shared_ptr<Cycle>& c);
  void finish(std::shared_ptr<Cycle> c);
  void arm_guard(const std::shared_ptr<Cycle>& c, void (AutoballoonService::*next)(std::shared_ptr<Cycle>));

  uv_loop_t* loop_;
  service::runtime::Supervisor& sup_;
  service::runtime::Recorder& db_;
  Post post_;
  std::shared_ptr<HostMemorySource> host_;  // read on the recorder thread
  AutoballoonSettings settings_;
  service::Request actor_;
  TargetAudit audit_;
  std::shared_ptr<bool> alive_;  // false after stop(): late callbacks do nothing
  std::unique_ptr<service::runtime::LoopTimer> timer_;
  std::unique_ptr<service::runtime::LoopTimer> guard_;  // a phase whose answers never all come
  std::shared_ptr<Cycle> current_;
  std::uint64_t next_cycle_ = 1;
};

}  // namespace qmd::autoballoon
