// The qmd service: one libuv loop serving the socket API, supervising the
// node's QEMU processes, re-adopting them at start; SIGTERM/SIGINT end it
// cleanly without stopping any VM.
#pragma once

#include <functional>

#include "service/autoballoon/settings.h"
#include "service/environment.h"

namespace qmd::service::daemon {

// Runs until SIGTERM/SIGINT. `listening` is called once the socket accepts
// connections (qmd detaches from its parent then). `autoballoon`: how the
// autoballoon cycle runs (interval 0: off). With `startall`, a `qm startall`
// request (actor: this process's user, command line "qmd --startall") is run
// right after, unless it already ran since the host booted (boot_once.h).
// Returns the exit code; startup failures (another qmd on the socket,
// unusable data dir) are logged and give 1.
int run_daemon(const Environment& env, std::function<void()> listening = {},
               const autoballoon::AutoballoonSettings& autoballoon = {}, bool startall = false);

}  // namespace qmd::service::daemon
