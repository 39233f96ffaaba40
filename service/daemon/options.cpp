#include "service/daemon/options.h"

#include <cstdlib>
#include <stdexcept>

#include <spdlog/spdlog.h>

namespace qmd::service::daemon {

DaemonOptions parse_daemon_options(const std::vector<std::string>& args) {
  DaemonOptions o;
  if (const char* lvl = std::getenv("QMD_LOG_LEVEL"); lvl && *lvl) o.log_level = lvl;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const std::string name = a.starts_with("--") ? a.substr(2) : a.starts_with("-") ? a.substr(1) : "";
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) throw std::runtime_error("option '--" + name + "' needs a value");
      return args[++i];
    };
    if (name == "data-dir") o.data_dir = value();
    else if (name == "node") o.node = value();
    else if (name == "db") o.db = value();
    else if (name == "foreground" || name == "f") o.foreground = true;
    else if (name == "log-level") o.log_level = value();
    else if (name == "log") o.log_target = value();
    else if (name == "help" || name == "h") o.help = true;
    else if (name == "startall") o.startall = true;
    else throw std::runtime_error("unknown option '" + a + "'");
  }
  static const std::vector<std::string> levels = {"trace", "debug", "info", "warning", "warn", "error", "critical", "off"};
  bool ok = false;
  for (const auto& l : levels) ok = ok || l == o.log_level;
  if (!ok) throw std::runtime_error("invalid log level '" + o.log_level + "' (trace, debug, info, warn, error, critical, off)");
  if (o.log_target != "stderr" && o.log_target != "syslog")
    throw std::runtime_error("invalid --log '" + o.log_target + "' (stderr or syslog)");
  return o;
}

std::string daemon_usage() {
  return "usage: qmd [--data-dir DIR] [--node NAME] [--db PATH] [--foreground] [--log-level LEVEL] "
         "[--log stderr|syslog] [--startall]\n"
         "  Serves qm on <data-dir>/run/qmd.sock and supervises this node's QEMU processes.\n"
         "  --foreground   stay in the foreground (systemd); otherwise detach once the socket listens\n"
         "  --log-level    trace|debug|info|warn|error|critical|off (default info, or QMD_LOG_LEVEL)\n"
         "  --log          stderr (the journal under systemd) or syslog\n"
         "  --startall     start the onboot guests by their startup order (qm startall), once per host boot\n";
}

}  // namespace qmd::service::daemon
