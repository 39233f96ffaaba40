#include "service/daemon/boot_once.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

namespace qmd::service::daemon {

namespace {

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

bool write_durably(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  return ok && std::rename(tmp.c_str(), path.c_str()) == 0;
}

}  // namespace

bool claim_startall_for_this_boot(const std::string& run_dir, const std::string& boot_id_path) {
  const std::string boot = first_line(boot_id_path);
  if (boot.empty()) {
    spdlog::warn("cannot read the boot id from {}: running startall", boot_id_path);
    return true;
  }
  const std::string marker = run_dir + "/startall.boot";
  if (first_line(marker) == boot) return false;
  if (!write_durably(marker, boot + "\n")) spdlog::warn("cannot write {}: the next qmd start will run startall again", marker);
  return true;
}

}  // namespace qmd::service::daemon
