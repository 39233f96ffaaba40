// Blocking QMP convenience for the CLI and tests: one command on a fresh connection.
#pragma once

#include "service/qemu/qmp_types.h"

#include <nlohmann/json.hpp>

#include <string>

namespace qmd::qemu {

// Connects to the QMP socket at socket_path (retrying while it is absent, as while QEMU starts),
// negotiates capabilities, runs `command` with `args` (null or {} for none) and disconnects.
// Runs a private libuv loop on the calling thread; never touches any other loop.
// timeout_ms bounds the whole call (connect + reply); it must be > 0.
// Returns the reply's "return" value, or an error: QEMU's class/desc, or qmp_errc::kTimeout /
// kConnectFailed / kDisconnected / kProtocolError. Never throws for peer or socket problems.
QmpResult qmp_call_sync(const std::string& socket_path, const std::string& command,
                        const nlohmann::json& args, int timeout_ms);

}  // namespace qmd::qemu
