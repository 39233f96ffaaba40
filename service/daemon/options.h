// qmd's command line: qmd [--data-dir DIR] [--node NAME] [--db PATH]
// [--foreground] [--log-level LEVEL] [--log stderr|syslog] [--startall].
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace qmd::service::daemon {

struct DaemonOptions {
  std::optional<std::string> data_dir, node, db;
  bool foreground = false;          // stay attached; without it qmd detaches once its socket listens
  std::string log_level = "info";   // spdlog level name; QMD_LOG_LEVEL when not given
  std::string log_target = "stderr";  // "stderr" (the journal under systemd) or "syslog"
  bool help = false;
  bool startall = false;            // run `qm startall` once the socket listens (once per host boot)
};

// Parses argv without the program name. Throws std::runtime_error naming the
// bad argument ("unknown option '--x'", "option '--node' needs a value",
// "invalid log level 'x'", "invalid --log 'x' (stderr or syslog)").
DaemonOptions parse_daemon_options(const std::vector<std::string>& args);

std::string daemon_usage();

}  // namespace qmd::service::daemon
