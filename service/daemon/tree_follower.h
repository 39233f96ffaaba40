// TreeFollower: keeps this node's `.conf` tree in step with events other
// nodes append to the shared log, without waiting for a request here: a
// thread with its own App syncs the tree every interval (a cheap head-of-log
// check when nothing changed).
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "service/environment.h"

namespace qmd::service::daemon {

class TreeFollower {
 public:
  // Starts the thread (opening an App on env in it; errors are logged).
  TreeFollower(Environment env, int interval_ms);
  // Stops and joins the thread.
  ~TreeFollower();

 private:
  void loop(Environment env, int interval_ms);
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace qmd::service::daemon
