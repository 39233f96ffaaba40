#include "service/commands/option_values.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "config/config_error.h"
#include "config/propstring.h"
#include "config/schema.h"
#include "config/secrets.h"
#include "service/commands/common.h"
#include "service/storage/new_disk.h"
#include "service/support/crypt_password.h"
#include "service/storage/storage_error.h"

namespace qmd::service {

namespace {

const config::Format& format_of(const std::string& key) {
  const auto* def = config::find_option(key);
  if (def == nullptr || def->propstring == nullptr) throw param_error(key, "unknown setting '" + key + "'");
  return *def->propstring;
}

config::PropMap parse_for(const std::string& key, const std::string& value) {
  try {
    return config::parse_property_string(format_of(key), value, key);
  } catch (const config::ConfigError& e) {
    throw param_error(key, std::string("invalid format - ") + e.what());
  }
}

std::string print_for(const std::string& key, const config::PropMap& m) {
  return config::print_property_string(m, format_of(key));
}

// `X.iso` (no storage, no path) → `local:iso/X.iso`; checks that ISO volumes exist.
std::string resolve_iso(const std::string& key, std::string file, const Environment& env) {
  if (file == "none" || file == "cdrom" || file.empty() || file[0] == '/') return file;
  if (file.find(':') == std::string::npos) {
    if (file.find('/') != std::string::npos) throw param_error(key, "unable to parse volume ID '" + file + "'");
    file = "local:iso/" + file;
  }
  if (file.starts_with("local:iso/")) {
    const std::string path = env.data_dir + "/template/iso/" + file.substr(10);
    if (!std::filesystem::exists(path)) throw CommandError("volume '" + file + "' does not exist");
  }
  return file;
}

// The drive value with its file element (first bare element, or file=/volume=)
// replaced, so a `<storage>:<GiB>` request can be parsed as a drive.
std::string replace_file(const std::string& value, const std::string& file) {
  std::string out;
  bool replaced = false;
  size_t start = 0;
  while (start <= value.size()) {
    size_t end = value.find(',', start);
    if (end == std::string::npos) end = value.size();
    std::string part = value.substr(start, end - start);
    if (!replaced && (part.find('=') == std::string::npos || part.starts_with("file=") || part.starts_with("volume="))) {
      part = file;
      replaced = true;
    }
    if (!part.empty()) out += (out.empty() ? "" : ",") + part;
    start = end + 1;
  }
  return out;
}

// The file element of a drive value (see replace_file), "" when there is none.
std::string file_element(const std::string& value) {
  size_t start = 0;
  while (start <= value.size()) {
    size_t end = value.find(',', start);
    if (end == std::string::npos) end = value.size();
    const std::string part = value.substr(start, end - start);
    if (part.starts_with("file=")) return part.substr(5);
    if (part.starts_with("volume=")) return part.substr(7);
    if (!part.empty() && part.find('=') == std::string::npos) return part;
    start = end + 1;
  }
  return {};
}

std::string normalise_tags(const std::string& v) {
  std::set<std::string> seen;
  std::vector<std::string> tags;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty() && seen.insert(cur).second) tags.push_back(cur);
    cur.clear();
  };
  for (char c : v) {
    if (c == ';' || c == ',' || c == ' ') flush();
    else cur += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  flush();
  std::sort(tags.begin(), tags.end());
  std::string out;
  for (const auto& t : tags) out += (out.empty() ? "" : ";") + t;
  return out;
}

std::string checked(const std::string& key, const std::string& value) {
  try {
    return config::check_value(key, value);
  } catch (const config::ConfigError& e) {
    throw param_error(key, e.what());
  }
}

// `<storage>:cloudinit` (PVE's create_disks): a cloud-init volume request.
std::optional<DiskAllocation> cloudinit_request(const std::string& key, const std::string& value) {
  const std::string file = file_element(value);
  const auto colon = file.find(':');
  if (colon == std::string::npos || colon == 0 || file.substr(colon + 1) != "cloudinit") return std::nullopt;
  if (!key.starts_with("ide") && !key.starts_with("sata") && !key.starts_with("scsi"))
    throw param_error(key, "cloud-init drives are only supported on ide, sata and scsi");
  config::PropMap m = parse_for(key, replace_file(value, "none"));
  const std::string fmt = m.count("format") ? m["format"] : "qcow2";
  if (fmt != "qcow2" && fmt != "raw") throw param_error(key, "unsupported format '" + fmt + "' for a cloud-init drive");
  return DiskAllocation{key, file.substr(0, colon), kCloudinitVolumeBytes, fmt, value, true};
}

}  // namespace

PreparedOptions prepare_options(const Request& req, const std::vector<std::string>& verb_options,
                                const Environment& env, const Generators& gen) {
  PreparedOptions out;
  std::set<std::string> given;
  for (auto [key, value] : req.options) {
    if (std::find(verb_options.begin(), verb_options.end(), key) != verb_options.end()) continue;
    if (key == "cdrom") {
      key = "ide2";
      if (value.find("media=") == std::string::npos) value += ",media=cdrom";
    }
    if (given.count(key)) throw param_error(key, "duplicate parameter");
    given.insert(key);

    if (config::is_drive_key(key)) {
      if (auto ci = cloudinit_request(key, value)) {
        out.allocations.push_back(std::move(*ci));
        continue;
      }
      std::optional<storage::NewDiskRequest> alloc;
      try {
        alloc = storage::parse_new_disk(value, "local");
      } catch (const storage::StorageError& e) {
        throw param_error(key, e.what());
      }
      if (!alloc) {
        const std::string file = file_element(value);
        const std::string resolved = resolve_iso(key, file, env);
        if (resolved != file) value = replace_file(value, resolved);
      }
      config::PropMap m = parse_for(key, alloc ? replace_file(value, "none") : value);
      if (alloc) {
        const std::string fmt = m.count("format") ? m["format"] : "qcow2";
        if (fmt != "qcow2" && fmt != "raw" && fmt != "vmdk") {
          throw param_error(key, "unsupported format '" + fmt + "' (qmd allocates raw, qcow2 or vmdk)");
        }
        out.allocations.push_back({key, alloc->storage, alloc->size_bytes, fmt, value});
        continue;
      }
      value = print_for(key, m);
    } else if (config::is_net_key(key)) {
      config::PropMap m = parse_for(key, value);
      if (!m.count("macaddr")) m["macaddr"] = gen.mac();
      value = print_for(key, m);
    } else if (key == "vmgenid" && value == "1") {
      value = gen.uuid();
    } else if (key == "tags") {
      value = normalise_tags(value);
    } else if (config::is_secret_key(key)) {
      value = stored_password(value);  // the cleartext goes no further than this
    }
    out.values.emplace_back(key, checked(key, value));
  }
  return out;
}

std::string allocated_drive_value(const std::string& key, const std::string& value, const std::string& volid,
                                  uint64_t size_bytes) {
  config::PropMap m = parse_for(key, replace_file(value, volid));
  m["size"] = std::to_string(size_bytes);
  m.erase("format");
  return checked(key, print_for(key, m));
}

std::string allocate_cloudinit_volume(storage::Storage& storage, const std::string& storage_id, int vmid,
                                      const std::string& format) {
  const std::string name = "vm-" + std::to_string(vmid) + "-cloudinit." + format;
  return storage.allocate_named(storage_id, vmid, name, kCloudinitVolumeBytes);
}

AllocatedDrive allocate_drive(storage::Storage& storage, int vmid, const DiskAllocation& a) {
  if (!a.cloudinit) {
    const std::string volid = storage.allocate(a.storage, vmid, a.format, a.size_bytes);
    return {volid, allocated_drive_value(a.key, a.value, volid, a.size_bytes)};
  }
  const std::string volid = allocate_cloudinit_volume(storage, a.storage, vmid, a.format);
  config::PropMap m = parse_for(a.key, replace_file(a.value, volid));
  m["media"] = "cdrom";
  m.erase("format");
  m.erase("size");
  return {volid, checked(a.key, print_for(a.key, m))};
}

}  // namespace qmd::service
