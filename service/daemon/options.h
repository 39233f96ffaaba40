// qmd's command line: qmd [--data-dir DIR] [--node NAME] [--db PATH]
// [--foreground] [--log-level LEVEL] [--log stderr|syslog] [--startall]
// [--balloon-interval SECONDS] [--ballooning-target PERCENT] [--meminfo PATH].
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "service/autoballoon/settings.h"

namespace qmd::service::daemon {

struct DaemonOptions {
  std::optional<std::string> data_dir, node, db;
  bool foreground = false;          // stay attached; without it qmd detaches once its socket listens
  std::string log_level = "info";   // spdlog level name; QMD_LOG_LEVEL when not given
  std::string log_target = "stderr";  // "stderr" (the journal under systemd) or "syslog"
  bool help = false;
  // --balloon-interval (QMD_BALLOON_INTERVAL, seconds, decimals allowed, 0 = off),
  // --ballooning-target (QMD_BALLOONING_TARGET, 0..100), --meminfo (QMD_MEMINFO).
  autoballoon::AutoballoonSettings autoballoon;
  bool startall = false;            // run `qm startall` once the socket listens (once per host boot)
};

// Parses argv without the program name. Throws std::runtime_error naming the
// bad argument ("unknown option '--x'", "option '--node' needs a value",
// "invalid log level 'x'", "invalid --log 'x' (stderr or syslog)",
// "invalid --balloon-interval 'x' (seconds, 0 = off)",
// "invalid --ballooning-target 'x' (a percentage, 0 to 100)"); the environment
// variables' values are checked the same way, named as the option.
DaemonOptions parse_daemon_options(const std::vector<std::string>& args);

std::string daemon_usage();

}  // namespace qmd::service::daemon
