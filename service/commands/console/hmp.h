// One command of QEMU's human monitor, run through QMP's
// `human-monitor-command` on the VM's supervised QMP connection inside qmd
// (Proxmox's PVE::QemuServer::Monitor::hmp_cmd).
#pragma once

#include <cstdint>
#include <string>

#include "service/app.h"

namespace qmd::service::console {

// The monitor's output for `command_line`, as QEMU prints it ("" for most
// commands that succeed). Throws CommandError: qmd is not running, `VM <vmid>
// not running`, or the QMP error; waits at most timeout_s for the answer.
std::string hmp(App& app, int64_t vmid, const std::string& command_line, int timeout_s = 30);

}  // namespace qmd::service::console
