// qm start <vmid> [--skiplock] [--timeout N] (spec §6.11): templates refused,
// lock rules of §6.10, pending changes applied first (a config event), then
// QEMU started by qmd and `running` recorded. Needs qmd.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/config_file.h"

#include "service/app.h"
#include "service/request.h"

namespace qmd::service {

Reply run_start(App& app, const Request& req);

// A start that resumes a saved RAM state (after a rollback to a snapshot with
// vmstate): the state volume, and the machine type and -cpu it was saved with
// ("" = the config's).
struct SavedState {
  std::string statefile;     // volume id of the state volume
  std::string forcemachine;
  std::string forcecpu;
};

// The start itself, shared with reboot and rollback: checks, pending applied,
// QEMU started (with `state`: `-incoming defer`, the state loaded, resumed).
// timeout_s: until QMP answers (nullopt: max(30, memory GiB)).
Reply start_vm(App& app, const Request& req, int64_t vmid, bool skiplock, std::optional<int> timeout_s,
               const SavedState* state = nullptr);

// The QEMU command line that starts `conf` as vmid on this node (volumes
// resolved on this node's storages). Throws CommandError for a config QEMU
// cannot run.
std::vector<std::string> command_line_for_start(App& app, const config::ConfigFile& conf, int64_t vmid,
                                                const SavedState* state = nullptr);

}  // namespace qmd::service
