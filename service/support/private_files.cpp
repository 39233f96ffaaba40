#include "service/support/private_files.h"

#include <sys/stat.h>

#include <filesystem>
#include <stdexcept>

#include <spdlog/spdlog.h>

namespace qmd::service::support {
namespace fs = std::filesystem;
namespace {

constexpr fs::perms kOthers = fs::perms::group_all | fs::perms::others_all;

// Removes group/other bits from one entry (never through a symlink); true
// when it had any.
bool tighten(const fs::path& p) {
  std::error_code ec;
  const auto st = fs::symlink_status(p, ec);
  if (ec || fs::is_symlink(st) || (st.permissions() & kOthers) == fs::perms::none) return false;
  fs::permissions(p, kOthers, fs::perm_options::remove | fs::perm_options::nofollow, ec);
  return !ec;
}

}  // namespace

void make_data_dir_private(const std::string& data_dir) {
  ::umask(0077);
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  if (ec) throw std::runtime_error("cannot create data directory '" + data_dir + "': " + ec.message());
  const auto mode = fs::status(data_dir, ec).permissions();
  if (ec || (mode & kOthers) == fs::perms::none) return;
  int changed = tighten(data_dir) ? 1 : 0;
  for (auto it = fs::recursive_directory_iterator(data_dir, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    changed += tighten(it->path()) ? 1 : 0;
  spdlog::warn("data directory '{}' was readable by others (mode {:04o}): made private to its owner "
               "({} entries tightened)",
               data_dir, static_cast<unsigned>(mode) & 07777, changed);
}

}  // namespace qmd::service::support
