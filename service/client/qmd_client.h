// The one client of qmd's socket protocol (service/protocol/lines.h,
// docs/qmd-protocol.md): connect, send a request, stream its progress, read
// its reply. Used by the qm CLI, by a node forwarding a request to the VM's
// owner (service/cluster/forward.h), by migration's calls to the target node,
// and by tests that need more than qm. Blocking; no loop, no threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "service/request.h"

namespace qmd::service::client {

// One connection to a qmd socket. Move-only; closes on destruction.
class Connection {
 public:
  // Connects to the unix socket at socket_path. nullopt when no qmd answers
  // there (no socket, connection refused, a path too long for a unix socket),
  // so the caller can run the command in-process.
  static std::optional<Connection> open(const std::string& socket_path);

  Connection(Connection&& o) noexcept;
  Connection& operator=(Connection&& o) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Writes `bytes` whole (a request line, or any raw bytes a test sends).
  // Throws std::runtime_error "lost the connection to qmd (<path>): <reason>".
  void write(std::string_view bytes);

  // Ends this side's writing (shutdown SHUT_WR): the server sees end of input
  // but can still answer.
  void half_close();

  // The next complete line from qmd, without its '\n'. nullopt when none came
  // within timeout_ms (< 0: wait as long as it takes). Throws
  // std::runtime_error "lost the connection to qmd (<path>): ..." on a read
  // error, or when qmd closed the connection before a complete line.
  std::optional<std::string> read_line(int timeout_ms = -1);

  const std::string& socket_path() const { return path_; }
  int fd() const { return fd_; }

 private:
  Connection(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  std::runtime_error lost(const std::string& what) const;

  int fd_ = -1;
  std::string path_;
  std::string in_;  // bytes read past the last returned line
};

// True when something accepts connections on socket_path (a qmd is there).
bool listening(const std::string& socket_path);

struct CallOptions {
  // With it, the request asks for progress lines and each is handed here as it
  // arrives (on this thread, in order); the Reply then carries only the output
  // not streamed. Without it the request does not ask, and the Reply carries
  // everything.
  LiveSink progress;
  // Longest wait for the next line from qmd (< 0: as long as the command
  // takes: `qm wait` without timeout waits forever). When it passes, throws
  // std::runtime_error "no reply from qmd (<path>) within <N> ms".
  int line_timeout_ms = -1;
};

// Sends req to the qmd listening on socket_path and waits for its reply.
// nullopt when no qmd answers there (see Connection::open). Throws
// std::runtime_error when qmd answered but the exchange broke ("lost the
// connection to qmd ...", "invalid reply from qmd: ...", a timeout).
std::optional<Reply> call(const std::string& socket_path, const Request& req, const CallOptions& options = {});

}  // namespace qmd::service::client
