// The files a running VM leaves in <run_dir>, and what /proc says about a pid:
// how qmd finds its VMs again after a restart (re-adoption).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qmd::service::runtime {

struct RunFiles {
  std::string pidfile;   // <run_dir>/<vmid>.pid   (decimal pid + '\n')
  std::string qmp;       // <run_dir>/<vmid>.qmp   (QMP unix socket)
  std::string log;       // <run_dir>/<vmid>.log   (QEMU's stdout/stderr)
};
RunFiles run_files(const std::string& run_dir, int64_t vmid);

// Writes the pidfile atomically (temp + rename). Throws std::runtime_error naming the path.
void write_pidfile(const std::string& path, pid_t pid);
// The pid in the file; nullopt when absent or not a positive number.
std::optional<pid_t> read_pidfile(const std::string& path);
// The vmids that have a <vmid>.pid file in run_dir, ascending.
std::vector<int64_t> pidfile_vmids(const std::string& run_dir);

// True when pid exists and its command line contains `needle` as one argument
// or inside one (guards against a recycled pid). Zombies count as not alive.
bool process_matches(pid_t pid, const std::string& needle);

// Seconds the process has been running (from /proc/<pid>/stat), 0 if unknown.
int64_t process_uptime_s(pid_t pid);

}  // namespace qmd::service::runtime
