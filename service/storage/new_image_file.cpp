#include "service/storage/new_image_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <spdlog/spdlog.h>

#include "service/storage/storage_error.h"
#include "service/storage/volume_id.h"

namespace qmd::storage {
namespace fs = std::filesystem;
namespace {

// Proxmox's $MAX_VOLUMES_PER_GUEST.
constexpr int kMaxDisksPerGuest = 1024;

void make_dir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw StorageError("unable to create directory '" + dir + "': " + ec.message());
}

// True when created; false when it already existed. Throws on other errors.
bool create_exclusive(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd >= 0) {
    ::close(fd);
    return true;
  }
  if (errno == EEXIST) return false;
  throw StorageError("unable to create '" + path + "': " + std::strerror(errno));
}

std::set<int> used_disk_numbers(const std::string& dir, int vmid) {
  std::set<int> used;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (auto n = disk_number(e.path().filename().string(), vmid)) used.insert(*n);
  return used;
}

}  // namespace

NewImageFile::NewImageFile(std::string dir, std::string name)
    : dir_(std::move(dir)), name_(std::move(name)), path_(dir_ + "/" + name_) {}

NewImageFile::NewImageFile(NewImageFile&& o) noexcept
    : dir_(std::move(o.dir_)), name_(std::move(o.name_)), path_(std::move(o.path_)),
      committed_(o.committed_) {
  o.committed_ = true;   // the moved-from object owns nothing
}

NewImageFile::~NewImageFile() {
  if (committed_) return;
  std::error_code ec;
  fs::remove(path_, ec);
  if (ec) spdlog::warn("storage: unable to remove partial image '{}': {}", path_, ec.message());
  remove_dir_if_empty(dir_);
}

NewImageFile NewImageFile::reserve_disk(const std::string& dir, int vmid, const std::string& fmt) {
  make_dir(dir);
  std::set<int> used = used_disk_numbers(dir, vmid);
  for (int n = 0; n < kMaxDisksPerGuest; ++n) {
    if (used.count(n)) continue;
    const std::string name = disk_file_name(vmid, n, fmt);
    bool created = false;
    try {
      created = create_exclusive(dir + "/" + name);
    } catch (const StorageError&) {
      remove_dir_if_empty(dir);
      throw;
    }
    if (created) return NewImageFile(dir, name);
    used.insert(n);   // taken meanwhile by someone else
  }
  remove_dir_if_empty(dir);
  throw StorageError("unable to allocate an image name for VM " + std::to_string(vmid) +
                     " in '" + dir + "'");
}

NewImageFile NewImageFile::reserve_named(const std::string& dir, const std::string& name) {
  make_dir(dir);
  const std::string path = dir + "/" + name;
  bool created = false;
  try {
    created = create_exclusive(path);
  } catch (const StorageError&) {
    remove_dir_if_empty(dir);
    throw;
  }
  if (!created) throw StorageError("disk image '" + path + "' already exists");
  return NewImageFile(dir, name);
}

void remove_dir_if_empty(const std::string& dir) {
  ::rmdir(dir.c_str());   // fails harmlessly unless empty
}

}  // namespace qmd::storage
