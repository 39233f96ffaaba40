#include "service/runtime/pidfile.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace qmd::service::runtime {

RunFiles run_files(const std::string& run_dir, int64_t vmid) {
  const std::string base = run_dir + "/" + std::to_string(vmid);
  return {base + ".pid", base + ".qmp", base + ".log"};
}

void write_pidfile(const std::string& path, pid_t pid) {
  const std::string tmp = path + ".tmp";
  const std::string text = std::to_string(pid) + "\n";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(errno));
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
  }
}

std::optional<pid_t> read_pidfile(const std::string& path) {
  std::ifstream in(path);
  long long v = 0;
  if (!(in >> v) || v <= 0 || v > 4194304) return std::nullopt;
  return static_cast<pid_t>(v);
}

std::vector<int64_t> pidfile_vmids(const std::string& run_dir) {
  std::vector<int64_t> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(run_dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() < 5 || !name.ends_with(".pid")) continue;
    const std::string stem = name.substr(0, name.size() - 4);
    if (stem.empty() || stem.size() > 9 || !std::all_of(stem.begin(), stem.end(), ::isdigit)) continue;
    out.push_back(std::stoll(stem));
  }
  std::sort(out.begin(), out.end());
  return out;
}

namespace {
std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
// The fields of /proc/<pid>/stat after the ")" that ends the command name.
std::vector<std::string> stat_fields(pid_t pid) {
  const std::string s = slurp("/proc/" + std::to_string(pid) + "/stat");
  const auto close = s.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream in(s.substr(close + 1));
  std::vector<std::string> f;
  for (std::string x; in >> x;) f.push_back(x);
  return f;  // f[0] = state (field 3), f[19] = starttime (field 22)
}
}  // namespace

bool process_matches(pid_t pid, const std::string& needle) {
  if (pid <= 0) return false;
  const auto f = stat_fields(pid);
  if (f.empty() || f[0] == "Z" || f[0] == "X") return false;
  const std::string cmdline = slurp("/proc/" + std::to_string(pid) + "/cmdline");
  return cmdline.find(needle) != std::string::npos;
}

int64_t process_uptime_s(pid_t pid) {
  const auto f = stat_fields(pid);
  if (f.size() < 20) return 0;
  std::ifstream up("/proc/uptime");
  double since_boot = 0;
  if (!(up >> since_boot)) return 0;
  const double start = std::stod(f[19]) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  return since_boot > start ? static_cast<int64_t>(since_boot - start) : 0;
}

}  // namespace qmd::service::runtime
