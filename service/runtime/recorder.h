// Recorder: commits status transitions to the event log from its own thread
// and SQLite connection, so the loop never waits on the database.
//
// Transitions are committed in the order given. A transition of a VM that no
// longer exists is dropped (logged). Commit errors are logged, never thrown:
// the VM's runtime does not depend on the log being writable.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "service/app.h"
#include "service/request.h"
#include "service/runtime/status_change.h"

namespace qmd::service::runtime {

class Recorder {
 public:
  // Opens its own App on env (throws like App's constructor).
  explicit Recorder(const Environment& env);
  // Commits what is queued, then stops the thread.
  ~Recorder();

  // Thread-safe. `req` gives the audit meta (actor, command line, correlation id).
  // `done` runs on the recorder thread once the event is committed (or dropped).
  void record(StatusChange change, Request req, std::function<void()> done = {});

  // Thread-safe. Runs `job` on the recorder thread with its App, in order with
  // the records: database work of the loop's services (the autoballoon reads
  // configs and records its decisions this way). Exceptions are logged.
  void run(std::function<void(App&)> job);

 private:
  struct Item {
    StatusChange change;
    Request req;
    std::function<void()> done;
    std::function<void(App&)> job;  // set: run this instead of recording `change`
  };
  void loop();
  void commit(const Item& item);

  std::unique_ptr<App> app_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace qmd::service::runtime
