// StateReceiver: where a running VM's saved state goes. QEMU sends its
// migration stream to a unix socket (`unix:<socket>`); a thread accepts one
// connection and copies everything to the state volume's file until QEMU
// closes it, then fsyncs the file. Reading it ourselves (rather than QEMU
// spawning `exec:cat > file`) is what tells us the file is complete: QEMU does
// not wait for an exec'd writer to finish before it reports completion.
#pragma once

#include <atomic>
#include <string>
#include <thread>

namespace qmd::service::snapshots {

class StateReceiver {
 public:
  // Listens on `socket_path` (replacing a stale socket). Throws
  // std::runtime_error naming the socket when it cannot.
  StateReceiver(std::string socket_path, std::string file_path);
  // Stops waiting (finish() not called: the copy is abandoned) and removes the socket.
  ~StateReceiver();
  StateReceiver(const StateReceiver&) = delete;
  StateReceiver& operator=(const StateReceiver&) = delete;

  std::string uri() const { return "unix:" + socket_path_; }

  // After QEMU reported the migration completed: waits for the end of the
  // stream and returns "" when the whole stream is in the file and synced,
  // else what went wrong.
  std::string finish();

 private:
  void run();

  std::string socket_path_;
  std::string file_path_;
  int listen_fd_ = -1;
  std::atomic<bool> abort_{false};
  std::string error_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace qmd::service::snapshots
