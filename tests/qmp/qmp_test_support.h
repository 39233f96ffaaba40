// Helpers for the QMP client tests: a temp dir, a real QEMU child process, a loop driver and a
// scripted fake QMP peer on a real unix socket.
#pragma once

#include <uv.h>

#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace qmd::qmp_test {

// A fresh directory under /tmp (short path: unix socket paths are limited to 107 bytes),
// removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The QEMU binary to use: $QMD_QEMU or qemu-system-x86_64 from PATH; "" when not found.
std::string qemu_binary();

// A QEMU child process; killed (SIGKILL) and reaped on destruction.
class QemuProcess {
 public:
  // Starts `qemu_binary() args...` with stdout/stderr appended to log_path.
  // Throws std::runtime_error when QEMU is not installed or cannot be started.
  QemuProcess(const std::vector<std::string>& args, const std::string& log_path);
  ~QemuProcess();
  QemuProcess(const QemuProcess&) = delete;
  QemuProcess& operator=(const QemuProcess&) = delete;

  int pid() const { return pid_; }
  void signal(int sig);
  // SIGSTOP, then waits until every thread of QEMU is stopped (kill() returns before that).
  void freeze();
  // Waits up to timeout_ms for the process to exit; returns true when it did (and reaps it).
  bool wait_exit(int timeout_ms);

 private:
  int pid_ = -1;
};

// Arguments for a diskless, paused TCG QEMU whose QMP monitor listens on qmp_socket.
std::vector<std::string> diskless_qemu_args(const std::string& qmp_socket);

// Runs the loop until done() is true or timeout_ms passes; returns done().
bool run_until(uv_loop_t* loop, const std::function<bool()>& done, int timeout_ms);

// Runs the loop until it has no more active handles (all closes finished), then closes it.
void drain_and_close(uv_loop_t* loop);

// A QMP peer played by a script on a thread: listens on a real unix socket, accepts one
// connection and runs the script with it. Socket I/O is blocking, on the peer's own thread.
class FakePeer {
 public:
  class Conn {
   public:
    explicit Conn(int fd) : fd_(fd) {}
    void send(const std::string& bytes);
    // Reads one line (without "\n"); "" at EOF or after timeout_ms.
    std::string read_line(int timeout_ms = 5000);
    void close();
    int fd() const { return fd_; }

   private:
    int fd_;
    std::string buffered_;
  };

  FakePeer(const std::string& socket_path, std::function<void(Conn&)> script);
  ~FakePeer();  // joins the thread (closes the listening socket first)
  // Waits until the script finished.
  void join();
  // The greeting QEMU 7.2 sends.
  static std::string greeting();
  // Reads the client's qmp_capabilities line and answers it; returns false if it did not come.
  static bool accept_capabilities(Conn& conn);
  // The "id" member of a command line, dumped as JSON ("" if absent or unparsable).
  static std::string id_of(const std::string& line);

 private:
  int listen_fd_ = -1;
  std::thread thread_;
};

}  // namespace qmd::qmp_test
