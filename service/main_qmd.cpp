// qmd: the service. Parses its options, sets up logging, detaches unless
// --foreground (the parent exits 0 once the socket listens, 1 if startup
// failed), and runs the loop until SIGTERM.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/syslog_sink.h>
#include <spdlog/spdlog.h>

#include "service/daemon/daemon.h"
#include "service/daemon/options.h"
#include "service/digest_init.h"
#include "service/environment.h"

using namespace qmd::service;

namespace {

void setup_logging(const daemon::DaemonOptions& o) {
  std::shared_ptr<spdlog::logger> logger;
  if (o.log_target == "syslog") {
    logger = spdlog::syslog_logger_mt("qmd", "qmd", LOG_PID, LOG_DAEMON);
  } else {
    logger = spdlog::stderr_color_mt("qmd");
    // Under systemd, stderr is the journal, which stamps time and unit itself.
    if (std::getenv("JOURNAL_STREAM") != nullptr) logger->set_pattern("<%l> %v");
  }
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(o.log_level == "warning" ? "warn" : o.log_level));
  spdlog::flush_on(spdlog::level::info);
}

// Forks; the parent waits for the child to report "listening" (exit 0) or
// failure (exit 1). Returns in the child, with a function that reports success.
std::function<void()> detach() {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) return {};
  const pid_t pid = ::fork();
  if (pid < 0) return {};
  if (pid > 0) {
    ::close(p[1]);
    char c = 0;
    const bool ok = ::read(p[0], &c, 1) == 1 && c == 'L';
    std::_Exit(ok ? 0 : 1);
  }
  ::close(p[0]);
  ::setsid();
  const int devnull = ::open("/dev/null", O_RDWR);
  if (devnull >= 0) ::dup2(devnull, 0), ::dup2(devnull, 1);
  const int w = p[1];
  return [w] {
    [[maybe_unused]] ssize_t n = ::write(w, "L", 1);
    ::close(w);
  };
}

}  // namespace

int main(int argc, char** argv) {
  init_digests();  // before anything touches libcrypto: see digest_init.h
  daemon::DaemonOptions opts;
  try {
    opts = daemon::parse_daemon_options(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::exception& e) {
    std::cerr << "qmd: " << e.what() << "\n" << daemon::daemon_usage();
    return 2;
  }
  if (opts.help) {
    std::cout << daemon::daemon_usage();
    return 0;
  }
  setup_logging(opts);
  const Environment env = resolve_environment(opts.data_dir, opts.db, opts.node);
  std::function<void()> listening;
  if (!opts.foreground) listening = detach();
  return daemon::run_daemon(env, listening, opts.autoballoon, opts.startall);
}
