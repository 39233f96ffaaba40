#include "service/daemon/options.h"

#include <cstdlib>
#include <stdexcept>

#include <spdlog/spdlog.h>

namespace qmd::service::daemon {

namespace {

// "0.5" -> 500; throws for anything but a non-negative number of seconds (at most a day).
std::uint64_t interval_ms(const std::string& v) {
  std::size_t used = 0;
  double s = -1;
  try {
    s = std::stod(v, &used);
  } catch (const std::exception&) {
  }
  if (v.empty() || used != v.size() || !(s >= 0) || s > 86400)
    throw std::runtime_error("invalid --balloon-interval '" + v + "' (seconds, 0 = off)");
  return static_cast<std::uint64_t>(s * 1000 + 0.5);
}

int percent(const std::string& v) {
  if (v.empty() || v.size() > 3 || v.find_first_not_of("0123456789") != std::string::npos || std::stoi(v) > 100)
    throw std::runtime_error("invalid --ballooning-target '" + v + "' (a percentage, 0 to 100)");
  return std::stoi(v);
}

}  // namespace

DaemonOptions parse_daemon_options(const std::vector<std::string>& args) {
  DaemonOptions o;
  if (const char* lvl = std::getenv("QMD_LOG_LEVEL"); lvl && *lvl) o.log_level = lvl;
  if (const char* v = std::getenv("QMD_BALLOON_INTERVAL"); v && *v) o.autoballoon.interval_ms = interval_ms(v);
  if (const char* v = std::getenv("QMD_BALLOONING_TARGET"); v && *v) o.autoballoon.target_percent = percent(v);
  if (const char* v = std::getenv("QMD_MEMINFO"); v && *v) o.autoballoon.meminfo = v;
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
    else if (name == "balloon-interval") o.autoballoon.interval_ms = interval_ms(value());
    else if (name == "ballooning-target") o.autoballoon.target_percent = percent(value());
    else if (name == "meminfo") o.autoballoon.meminfo = value();
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
         "           [--balloon-interval SECONDS] [--ballooning-target PERCENT] [--meminfo PATH]\n"
         "  Serves qm on <data-dir>/run/qmd.sock and supervises this node's QEMU processes.\n"
         "  --foreground   stay in the foreground (systemd); otherwise detach once the socket listens\n"
         "  --log-level    trace|debug|info|warn|error|critical|off (default info, or QMD_LOG_LEVEL)\n"
         "  --log          stderr (the journal under systemd) or syslog\n"
         "  --balloon-interval   autoballoon cycle in seconds (default 10, 0 = off; QMD_BALLOON_INTERVAL)\n"
         "  --ballooning-target  percent of host memory autoballoon fills (default 80; QMD_BALLOONING_TARGET)\n"
         "  --meminfo            host memory figures, /proc/meminfo format (default /proc/meminfo; QMD_MEMINFO)\n"
         "  --startall           start the onboot guests by their startup order (qm startall), once per host boot\n";
}

}  // namespace qmd::service::daemon
