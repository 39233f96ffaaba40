// The qm side of qmd's socket: send one request, read its reply
// (docs/qmd-protocol.md).
#pragma once

#include <optional>
#include <string>

#include "service/request.h"

namespace qmd::service {

// The socket of the qmd serving data_dir: <data_dir>/run/qmd.sock.
std::string qmd_socket_path(const std::string& data_dir);

// True when something accepts connections on socket_path (a qmd is there).
bool qmd_listening(const std::string& socket_path);

// Sends req to the qmd listening on socket_path and waits for its reply
// (as long as the command takes: `qm wait` without timeout waits forever).
// With `progress`, the request asks for progress lines ("progress": true) and
// each is handed to `progress` as it arrives (on this thread, in order); the
// Reply then carries only the output not streamed. Without it the request
// does not ask, and the Reply carries everything.
// nullopt when no qmd answers there (no socket, connection refused), so the
// caller can run the command in-process. Throws std::runtime_error when qmd
// answered but the exchange broke ("lost the connection to qmd ...", or
// "invalid reply from qmd: ...").
std::optional<Reply> send_to_qmd(const std::string& socket_path, const Request& req,
                                 const LiveSink& progress = {});

}  // namespace qmd::service
