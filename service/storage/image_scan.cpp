// Storage: scanning image directories (volumes of a VM, users of a base image).
#include "service/storage/images.h"

#include <algorithm>
#include <filesystem>

#include "service/storage/qcow2_header.h"

namespace qmd::storage {
namespace fs = std::filesystem;
namespace {

// Image file names in dir (regular files with a valid image name), sorted.
std::vector<std::string> image_files(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (!e.is_regular_file(ec)) continue;
    std::string name = e.path().filename().string();
    if (is_image_file_name(name)) names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Numeric subdirectories of <path>/images, ascending.
std::vector<int> image_owners(const std::string& storage_path) {
  std::vector<int> owners;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(storage_path + "/images", ec)) {
    const std::string n = e.path().filename().string();
    if (e.is_directory(ec) && !n.empty() && n.size() <= 9 && n[0] != '0' &&
        n.find_first_not_of("0123456789") == std::string::npos)
      owners.push_back(std::stoi(n));
  }
  std::sort(owners.begin(), owners.end());
  return owners;
}

}  // namespace

VolumeId Storage::volume_of_file(const StorageEntry& s, int vmid, const std::string& name) const {
  VolumeId v = image_volume(s.id, vmid, name);
  if (v.format != "qcow2") return v;
  const auto backing = read_qcow2_backing_file(image_dir(s.path, vmid) + "/" + name);
  if (!backing || backing->empty()) return v;
  const auto base = parse_relative_backing_file(*backing);
  if (!base || base->first == vmid) return v;
  return linked_clone_volume(image_volume(s.id, base->first, base->second), vmid, name);
}

std::optional<std::string> Storage::volume_in_use_by_linked_clone(const std::string& base_volid) const {
  const Resolved base = resolve(base_volid);
  const std::string wanted = relative_backing_file(base.volume);
  for (int owner : image_owners(base.storage->path)) {
    const std::string dir = image_dir(base.storage->path, owner);
    for (const auto& name : image_files(dir)) {
      if (name.size() < 6 || name.compare(name.size() - 6, 6, ".qcow2") != 0) continue;
      const auto backing = read_qcow2_backing_file(dir + "/" + name);
      if (backing && *backing == wanted)
        return linked_clone_volume(base.volume, owner, name).to_string();
    }
  }
  return std::nullopt;
}

std::vector<std::string> Storage::list_volumes_of(int vmid) const {
  std::vector<std::string> out;
  for (const auto& s : config_.entries) {
    if (s.type != "dir" || s.disabled) continue;
    for (const auto& name : image_files(image_dir(s.path, vmid)))
      out.push_back(volume_of_file(s, vmid, name).to_string());
  }
  return out;
}

}  // namespace qmd::storage
