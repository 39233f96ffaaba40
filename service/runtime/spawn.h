// Starting a QEMU process detached from qmd, so that it outlives the service.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace qmd::service::runtime {

// Spawns (posix_spawn) and execs argv[0] (looked up in PATH when it has no '/') with:
// its own session and process group (setsid), default signal dispositions and
// an empty signal mask, stdin from /dev/null, stdout+stderr appended to
// `log_path` (created 0640, truncated first), and no other inherited file
// descriptors. The caller must reap it (waitpid) or let it be reparented.
// Returns the pid once exec succeeded; throws std::runtime_error naming the
// binary and the errno text when the log cannot be opened or the spawn or exec fails.
pid_t spawn_detached(const std::vector<std::string>& argv, const std::string& log_path);

}  // namespace qmd::service::runtime
