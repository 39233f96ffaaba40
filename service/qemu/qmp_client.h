// An asynchronous QMP client for one QEMU monitor socket, on a libuv loop.
//
// Contract:
// - Single-threaded: every method must be called on the loop's thread, and every callback runs
//   on it, from inside uv_run(). No callback is ever invoked from inside a method call (results
//   that are known at once are delivered on the next loop iteration), so callers may hold locks
//   or half-updated state while calling in.
// - Callbacks may call any method of the client, including close(), and may destroy the client.
// - Lifetime: the client may be destroyed at any time; pending commands are then dropped without
//   their callbacks being called. Its libuv handles are released by close callbacks, so the loop
//   must run (uv_run) once more after the destruction before uv_loop_close() can succeed.
// - Protocol: connect() connects to the unix socket (retrying while it does not exist or refuses,
//   as while QEMU starts), reads the greeting, sends qmp_capabilities; only then is the client
//   ready. Commands given to execute() before that are queued and sent once ready. Replies are
//   matched to commands by "id" (numbers chosen by the client); a reply that arrives after its
//   command timed out is dropped.
// - Failure: a command's callback is called exactly once: with the reply, a QEMU error
//   (class + desc), qmp_errc::kTimeout, or — when the connection ends — kDisconnected /
//   kProtocolError / kConnectFailed / kClosed. Losing an established connection (peer closed,
//   read/write error, invalid JSON or non-QMP message, line over the size limit) closes the
//   client, fails the pending commands, and calls the disconnect handler once. Bad input from
//   the peer never crashes the client.
// - Side effect: constructing a client sets SIGPIPE to SIG_IGN for the process, so that a peer
//   that vanishes shows up as a write error (kDisconnected) instead of killing the process.
#pragma once

#include "service/qemu/qmp_types.h"

#include <nlohmann/json.hpp>
#include <uv.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace qmd::qemu {

struct QmpClientOptions {
  // Total time allowed for connect(): socket connect (with retries), greeting and capabilities.
  int connect_timeout_ms = 10000;
  // Delay between connection attempts while the socket is absent or refuses connections.
  int connect_retry_ms = 50;
  // Longest message line accepted from the peer, in bytes.
  std::size_t max_line_bytes = 16 * 1024 * 1024;
};

class QmpClient {
 public:
  // nullopt on success (ready for commands), otherwise why the connection could not be made.
  using ConnectCallback = std::function<void(std::optional<QmpError>)>;
  using CommandCallback = std::function<void(QmpResult)>;
  using EventCallback = std::function<void(const QmpEvent&)>;
  // Called once when an established (ready) connection ends other than by close().
  using DisconnectCallback = std::function<void(const QmpError&)>;

  // Requires: loop outlives the client's handles (see Lifetime above).
  QmpClient(uv_loop_t* loop, std::string socket_path, QmpClientOptions options = {});
  ~QmpClient();
  QmpClient(const QmpClient&) = delete;
  QmpClient& operator=(const QmpClient&) = delete;

  // Starts connecting. cb is called once. Requires: connect() was not called before.
  void connect(ConnectCallback cb);

  // Sends {"execute": command, "arguments": args, "id": n} (arguments omitted when args is null
  // or an empty object). timeout_ms > 0 bounds the wait for the reply, counted from this call;
  // timeout_ms <= 0 waits as long as the connection lives. cb is called exactly once, unless
  // the client is destroyed first. A client that is closed, lost or failed to connect fails
  // the command with that reason.
  void execute(const std::string& command, const nlohmann::json& args, int timeout_ms,
               CommandCallback cb);

  // Receives every asynchronous event (replaces any previous handler).
  void set_event_handler(EventCallback cb);
  void set_disconnect_handler(DisconnectCallback cb);

  // Closes the connection; pending and later commands fail with qmp_errc::kClosed, a pending
  // connect() fails with kClosed, and the disconnect handler is not called. Idempotent.
  void close();

  // True once the capabilities were accepted and until the connection ends.
  bool ready() const;
  // The greeting's "QMP" member (version, capabilities); null before it arrived.
  const nlohmann::json& greeting() const;
  const std::string& socket_path() const;

  struct Impl;

 private:
  Impl* impl_;  // outlives the client until its libuv handles are closed
};

}  // namespace qmd::qemu
