// RequestRunner: runs socket requests off the loop thread, so that SQLite work
// and long verbs (a start waiting for QMP, a wait without timeout) never stall
// the loop that serves QMP, timers and other clients.
//
// Each request gets its own thread and an App taken from a small pool (one
// SQLite connection per App; concurrent writers are serialized by the event
// store's expected versions, as between separate qm processes).
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "service/app.h"
#include "service/daemon/loop_post.h"
#include "service/environment.h"
#include "service/request.h"

namespace qmd::service::daemon {

class RequestRunner {
 public:
  // `post` must outlive every request (it is used to deliver replies);
  // `runtime`, which every request's App acts on, too.
  RequestRunner(Environment env, LoopPost& post, runtime::Runtime& runtime);

  // Thread-safe. Dispatches `req` on a new thread; `done` runs on the loop
  // thread with the reply (never, if the loop's post was closed meanwhile).
  // When the request asked for progress (req.progress) and `progress` is
  // given, the command's live output (Request::live) goes to `progress`, on
  // the loop thread, in the order the command produced it and before `done`;
  // the reply then leaves out what was streamed. Live output produced after
  // the reply (a late callback) is dropped by whoever `progress` writes to.
  void run(Request req, std::function<void(const Reply&)> done,
           std::function<void(OutStream, const std::string&)> progress = {});

  // Thread-safe. Runs `job` with an App on a new thread, counted by drain()
  // like a request: work of qmd itself that may use the runtime (e.g. the
  // recovery of interrupted migrations at start). Exceptions are logged.
  void run_job(std::string name, std::function<void(App&)> job);

  // Blocks up to timeout_ms for running requests to end; returns how many still run.
  int drain(int timeout_ms);

 private:
  // Runs body on a new detached thread, counted in running_.
  void spawn(std::function<void()> body);
  std::unique_ptr<App> take_app();
  void give_app(std::unique_ptr<App> app);

  Environment env_;
  LoopPost& post_;
  runtime::Runtime& runtime_;
  std::mutex mu_;
  std::condition_variable idle_cv_;
  std::vector<std::unique_ptr<App>> idle_apps_;
  int running_ = 0;
};

}  // namespace qmd::service::daemon
