#include "service/storage/volume_id.h"

#include <regex>

#include "service/storage/storage_cfg.h"
#include "service/storage/storage_error.h"

namespace qmd::storage {
namespace {

struct NameInfo {
  std::string format;
  bool is_base;
};

// VMIDs as Proxmox writes them: no leading zero, at most 9 digits.
std::optional<int> parse_vmid(const std::string& s) {
  static const std::regex re("^[1-9][0-9]{0,8}$");
  if (!std::regex_match(s, re)) return std::nullopt;
  return std::stoi(s);
}

std::optional<NameInfo> parse_image_name(const std::string& name) {
  static const std::regex re(R"(^(base-)?[^/\s]+\.(raw|qcow2|vmdk)$)");
  std::smatch m;
  if (!std::regex_match(name, m, re)) return std::nullopt;
  return NameInfo{m[2].str(), m[1].matched};
}

NameInfo require_image_name(const std::string& name) {
  auto info = parse_image_name(name);
  if (!info) throw StorageError("unable to parse volume filename '" + name + "'");
  return *info;
}

}  // namespace

std::string VolumeId::volname() const {
  if (type == VolumeType::Iso) return "iso/" + name;
  const std::string own = std::to_string(vmid) + "/" + name;
  if (!is_linked_clone()) return own;
  return std::to_string(base_vmid) + "/" + base_name + "/" + own;
}

std::string VolumeId::to_string() const { return storage + ":" + volname(); }

VolumeId image_volume(std::string_view storage, int vmid, std::string_view name) {
  require_volume_vmid(vmid);
  VolumeId v;
  v.storage = std::string(storage);
  v.vmid = vmid;
  v.name = std::string(name);
  const NameInfo info = require_image_name(v.name);
  v.format = info.format;
  v.is_base = info.is_base;
  return v;
}

VolumeId linked_clone_volume(const VolumeId& base, int vmid, std::string_view name) {
  VolumeId v = image_volume(base.storage, vmid, name);
  v.base_vmid = base.vmid;
  v.base_name = base.name;
  return v;
}

VolumeId parse_volume_id(std::string_view volid_sv) {
  const std::string volid(volid_sv);
  const auto colon = volid.find(':');
  if (colon == std::string::npos || colon + 1 == volid.size() ||
      !is_valid_storage_id(std::string_view(volid).substr(0, colon)))
    throw StorageError("unable to parse volume ID '" + volid + "'");
  const std::string storage = volid.substr(0, colon);
  const std::string volname = volid.substr(colon + 1);

  static const std::regex linked_re(R"(^(\d+)/(\S+)/(\d+)/(\S+)$)");
  static const std::regex image_re(R"(^(\d+)/(\S+)$)");
  static const std::regex iso_re(R"(^iso/([^/]+\.(iso|img))$)", std::regex::icase);
  const auto bad = [&]() -> StorageError {
    return StorageError("unable to parse directory volume name '" + volname + "'");
  };
  std::smatch m;
  if (std::regex_match(volname, m, linked_re)) {
    const auto base_vmid = parse_vmid(m[1].str());
    const auto vmid = parse_vmid(m[3].str());
    if (!base_vmid || !vmid) throw bad();
    const VolumeId base = image_volume(storage, *base_vmid, m[2].str());
    return linked_clone_volume(base, *vmid, m[4].str());
  }
  if (std::regex_match(volname, m, image_re)) {
    const auto vmid = parse_vmid(m[1].str());
    if (!vmid) throw bad();
    return image_volume(storage, *vmid, m[2].str());
  }
  if (std::regex_match(volname, m, iso_re)) {
    VolumeId v;
    v.storage = storage;
    v.type = VolumeType::Iso;
    v.name = m[1].str();
    v.format = "raw";
    return v;
  }
  throw bad();
}

std::string image_dir(const std::string& storage_path, int vmid) {
  return storage_path + "/images/" + std::to_string(vmid);
}

std::string volume_path(const VolumeId& v, const std::string& storage_path) {
  if (v.type == VolumeType::Iso) return storage_path + "/template/iso/" + v.name;
  return image_dir(storage_path, v.vmid) + "/" + v.name;
}

bool is_image_file_name(std::string_view name) {
  return parse_image_name(std::string(name)).has_value();
}

void require_volume_vmid(int vmid) {
  if (vmid < 1 || vmid > 999999999) throw StorageError("invalid VMID " + std::to_string(vmid));
}

std::string disk_file_name(int vmid, int n, std::string_view fmt, bool base) {
  return std::string(base ? "base-" : "vm-") + std::to_string(vmid) + "-disk-" +
         std::to_string(n) + "." + std::string(fmt);
}

std::string state_file_name(int vmid, std::string_view snap) {
  return "vm-" + std::to_string(vmid) + "-state-" + std::string(snap) + ".raw";
}

std::optional<int> disk_number(std::string_view name, int vmid) {
  const std::regex re("^(?:vm|base)-" + std::to_string(vmid) + R"(-disk-(\d{1,6})(?:\..*)?$)");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(name.begin(), name.end(), m, re)) return std::nullopt;
  return std::stoi(m[1].str());
}

std::string relative_backing_file(const VolumeId& base) {
  return "../" + std::to_string(base.vmid) + "/" + base.name;
}

std::optional<std::pair<int, std::string>> parse_relative_backing_file(std::string_view backing) {
  static const std::regex re(R"(^\.\./(\d+)/([^/]+)$)");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(backing.begin(), backing.end(), m, re)) return std::nullopt;
  const auto vmid = parse_vmid(m[1].str());
  if (!vmid || !parse_image_name(m[2].str())) return std::nullopt;
  return std::make_pair(*vmid, m[2].str());
}

}  // namespace qmd::storage
