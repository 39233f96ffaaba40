// What the runtime verbs share: finding the runtime (or saying qmd is not
// running), Proxmox's --skiplock rule, and the timeouts the spec derives from
// the config.
#pragma once

#include <cstdint>
#include <optional>

#include "config/config_file.h"
#include "service/app.h"
#include "service/request.h"
#include "service/runtime/runtime.h"

namespace qmd::service::runtime {

// The App's runtime; throws CommandError(qmd_not_running_message(...)) when none.
Runtime& require_runtime(const App& app);

// --skiplock as a bool; throws `400 Parameter verification failed.\nskiplock:
// Only root may use this option.` when given by anyone but root.
bool skiplock_option(const App& app, const Request& req);

// The configured memory in MiB (`memory: [current=]N`, default 512).
int64_t memory_mib(const config::Section& main);
// `balloon` in MiB when set and not 0.
std::optional<int64_t> balloon_mib(const config::Section& main);
// Start timeout default: max(30, memory in GiB) seconds.
int default_start_timeout_s(const config::Section& main);
// Shutdown timeout default: `startup: down=N` if set, else 60 s.
int default_shutdown_timeout_s(const config::Section& main);

// The Reply of an operation: its error (exit 255), or success with its warnings on stderr.
Reply reply_of(const OpResult& r, std::string out = {});

}  // namespace qmd::service::runtime
