// SocketServer: qmd's unix socket on a libuv loop — accepts connections, cuts
// the byte stream into request lines (protocol.h), stamps each request with
// the peer's credentials, hands it to the handler and writes its reply.
//
// Contract:
// - Loop thread only (construction, listen, close, and `respond`).
// - Per connection, requests are handled one at a time in order; lines that
//   arrive meanwhile wait. Bad input (not JSON, bad members, an over-long
//   line) is answered with an error reply; an over-long line also closes the
//   connection. Nothing a client sends can stop the server.
// - Memory per connection is bounded: qmd stops reading a client while more
//   than kMaxRequestLine bytes of its requests wait unhandled, or while more
//   than kMaxQueuedOutput bytes of output wait for it to read (then no new
//   request of it starts and its progress lines are dropped); reading resumes
//   when both are back under. A client that writes without reading is thus
//   held back by its own socket, not buffered without end.
// - The handler gets a `respond` function to call exactly once, later, on the
//   loop thread; responding after the client went away is harmless.
// - It also gets a `progress` function (loop thread only, any number of
//   times before `respond`) that writes a progress line to the client, in
//   call order and before the reply. Calls after `respond`, after the client
//   went away, or once the connection is closing are dropped; the server
//   does not look at the request's "progress" member: whoever runs the
//   request decides whether to call it.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "service/request.h"

namespace qmd::service::daemon {

class SocketServer {
 public:
  using Respond = std::function<void(const Reply&)>;
  using Progress = std::function<void(OutStream, const std::string& text)>;
  using Handler = std::function<void(Request req, Respond respond, Progress progress)>;

  SocketServer(uv_loop_t* loop, std::string path, Handler handler);
  ~SocketServer();
  SocketServer(const SocketServer&) = delete;
  SocketServer& operator=(const SocketServer&) = delete;

  // Binds and listens with mode 0600. A stale socket file (nobody answering)
  // is replaced; throws std::runtime_error when another process answers on
  // `path` ("qmd is already running (<path> answers)") or binding fails.
  void listen();
  // Stops accepting, closes every connection and removes the socket file. Idempotent.
  void close();

  const std::string& path() const { return path_; }
  std::size_t connections() const { return conns_.size(); }

  struct Conn;

 private:
  friend struct Conn;
  void on_connection();
  void on_read(Conn& c, ssize_t n, const uv_buf_t* buf);
  void pump(Conn& c);
  // Starts or stops reading c as the contract's bounds say.
  void update_reading(Conn& c);
  void start_reading(Conn& c);
  // False when the connection was dropped (c is gone).
  bool write(Conn& c, const std::string& line, bool close_after);
  void output_taken(uint64_t id);
  void drop(uint64_t id);

  uv_loop_t* loop_;
  std::string path_;
  Handler handler_;
  uv_pipe_t* server_ = nullptr;
  uint64_t next_id_ = 1;
  std::map<uint64_t, std::unique_ptr<Conn>> conns_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace qmd::service::daemon
