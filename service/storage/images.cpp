// Storage: configuration, resolution of volumes, and the operations on one image.
#include "service/storage/images.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "service/storage/features.h"
#include "service/storage/new_image_file.h"
#include "service/storage/storage_error.h"

namespace qmd::storage {
namespace fs = std::filesystem;

namespace {

void require_format(const std::string& fmt) {
  if (fmt != "raw" && fmt != "qcow2" && fmt != "vmdk")
    throw StorageError("unsupported format '" + fmt + "'");
}

void require_feature(const VolumeId& v, Feature f, const std::string& message) {
  if (!volume_has_feature(v, f)) throw StorageError(message);
}

}  // namespace

Storage Storage::open(const std::string& data_dir, QemuImg qemu_img) {
  const std::string file = data_dir + "/storage.cfg";
  std::error_code ec;
  if (!fs::exists(file, ec)) return Storage(parse_storage_cfg("", data_dir), std::move(qemu_img));
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) throw StorageError("unable to read '" + file + "'");
  return Storage(parse_storage_cfg(text.str(), data_dir), std::move(qemu_img));
}

Storage::Storage(StorageConfig config, QemuImg qemu_img)
    : config_(std::move(config)), qemu_img_(std::move(qemu_img)) {}

Storage::Resolved Storage::resolve(const std::string& volid) const {
  VolumeId v = parse_volume_id(volid);
  const StorageEntry& s = config_.usable(v.storage);
  std::string path = volume_path(v, s.path);
  return Resolved{std::move(v), &s, std::move(path)};
}

Storage::Resolved Storage::resolve_existing(const std::string& volid) const {
  Resolved r = resolve(volid);
  std::error_code ec;
  if (!fs::exists(r.path, ec)) throw StorageError("volume '" + volid + "' does not exist");
  return r;
}

const StorageEntry& Storage::image_storage(const std::string& storage) const {
  const StorageEntry& s = config_.usable(storage);
  if (!s.has_content("images")) throw StorageError("storage '" + storage + "' does not support vm images");
  return s;
}

std::string Storage::path_of(const std::string& volid) const { return resolve(volid).path; }

std::string Storage::create_image(const StorageEntry& s, const std::string& path,
                                  const std::string& fmt, std::uint64_t size_bytes) {
  std::vector<std::string> args{"create"};
  if (auto opt = preallocation_option(s, fmt)) args.insert(args.end(), {"-o", *opt});
  args.insert(args.end(), {"-f", fmt, path, std::to_string(size_bytes)});
  return qemu_img_.run(args);
}

std::string Storage::allocate(const std::string& storage, int vmid, const std::string& fmt,
                              std::uint64_t size_bytes) {
  require_format(fmt);
  require_volume_vmid(vmid);
  const StorageEntry& s = image_storage(storage);
  NewImageFile file = NewImageFile::reserve_disk(image_dir(s.path, vmid), vmid, fmt);
  create_image(s, file.path(), fmt, size_bytes);
  file.commit();
  return image_volume(storage, vmid, file.name()).to_string();
}

std::string Storage::allocate_named(const std::string& storage, int vmid, const std::string& name,
                                    std::uint64_t size_bytes) {
  const VolumeId v = image_volume(storage, vmid, name);
  const StorageEntry& s = image_storage(storage);
  NewImageFile file = NewImageFile::reserve_named(image_dir(s.path, vmid), name);
  create_image(s, file.path(), v.format, size_bytes);
  file.commit();
  return v.to_string();
}

bool Storage::free(const std::string& volid) {
  const Resolved r = resolve(volid);
  if (r.volume.type != VolumeType::Images) throw StorageError("volume '" + volid + "' is not a disk image");
  if (r.volume.is_base) {
    if (volume_in_use_by_linked_clone(volid))
      throw StorageError("base volume '" + volid + "' is still in use by linked cloned");
  }
  std::error_code ec;
  if (!fs::is_regular_file(r.path, ec)) {
    spdlog::warn("storage: disk image '{}' does not exist", r.path);
    return false;
  }
  if (!fs::remove(r.path, ec) || ec)
    throw StorageError("unlink '" + r.path + "' failed - " + ec.message());
  if (r.volume.type == VolumeType::Images) remove_dir_if_empty(image_dir(r.storage->path, r.volume.vmid));
  return true;
}

ImageInfo Storage::info(const std::string& volid) const {
  const Resolved r = resolve_existing(volid);
  const std::string out =
      qemu_img_.run({"info", "--output=json", "-U", "-f", r.volume.format, r.path});
  ImageInfo info;
  try {
    const auto j = nlohmann::json::parse(out);
    info.virtual_size = j.at("virtual-size").get<std::uint64_t>();
    info.actual_size = j.value("actual-size", std::uint64_t{0});
    info.format = j.at("format").get<std::string>();
    info.backing_file = j.value("backing-filename", std::string());
    if (j.contains("snapshots"))
      for (const auto& s : j.at("snapshots")) info.snapshots.push_back(s.at("name").get<std::string>());
  } catch (const nlohmann::json::exception& e) {
    throw StorageError("unable to parse the output of 'qemu-img info' for '" + volid + "': " + e.what());
  }
  return info;
}

void Storage::resize(const std::string& volid, std::uint64_t new_size) {
  const Resolved r = resolve_existing(volid);
  require_feature(r.volume, Feature::Resize, "can't resize this image format");
  const std::uint64_t current = info(volid).virtual_size;
  if (new_size < current) throw StorageError("shrinking disks is not supported");
  if (new_size == current) return;
  qemu_img_.run({"resize", "-f", r.volume.format, r.path, std::to_string(new_size)});
}

void Storage::snapshot_create(const std::string& volid, const std::string& snap) {
  const Resolved r = resolve_existing(volid);
  require_feature(r.volume, Feature::Snapshot, "snapshot feature is not available");
  qemu_img_.run({"snapshot", "-c", snap, r.path});
}

void Storage::snapshot_apply(const std::string& volid, const std::string& snap) {
  const Resolved r = resolve_existing(volid);
  require_feature(r.volume, Feature::Snapshot, "snapshot feature is not available");
  qemu_img_.run({"snapshot", "-a", snap, r.path});
}

void Storage::snapshot_delete(const std::string& volid, const std::string& snap) {
  const Resolved r = resolve_existing(volid);
  require_feature(r.volume, Feature::Snapshot, "snapshot feature is not available");
  qemu_img_.run({"snapshot", "-d", snap, r.path});
}

}  // namespace qmd::storage
