#include "config/formats/drive.h"

#include <cstdio>

#include "config/config_error.h"
#include "config/formats/format_defs.h"
#include "config/formats/size.h"
#include "config/formats/validators.h"
#include "config/schema.h"

namespace qmd::config {
namespace {

bool truthy(const PropMap& m, const std::string& k) {
  auto it = m.find(k);
  return it != m.end() && !it->second.empty() && it->second != "0";
}

const Format& with_import(const Format& base) {
  static std::map<std::string_view, Format> cache;
  static const bool filled = [] {
    for (const Format* f : {&formats::ide(), &formats::sata(), &formats::scsi(), &formats::virtio(),
                            &formats::efidisk(), &formats::tpmstate()}) {
      Format copy = *f;
      copy.props.push_back({.name = "import-from", .format = fmt::volume_id_or_absolute_path});
      cache.emplace(f->name, std::move(copy));
    }
    return true;
  }();
  (void)filled;
  auto it = cache.find(base.name);
  return it == cache.end() ? base : it->second;
}

}  // namespace

const Format& drive_format(std::string_view key, bool with_alloc) {
  const Format* f = &formats::unused();
  if (key.starts_with("ide") || key == "cdrom") f = &formats::ide();
  else if (key.starts_with("sata")) f = &formats::sata();
  else if (key.starts_with("scsi")) f = &formats::scsi();
  else if (key.starts_with("virtio")) f = &formats::virtio();
  else if (key == "efidisk0") f = &formats::efidisk();
  else if (key == "tpmstate0") f = &formats::tpmstate();
  return with_alloc ? with_import(*f) : *f;
}

PropMap parse_drive(std::string_view key, std::string_view value, bool with_alloc) {
  PropMap res = parse_property_string(drive_format(key, with_alloc), value);
  bool error = false;
  for (std::string opt : {"bps", "bps_rd", "bps_wr"}) {
    auto it = res.find(opt);
    if (it == res.end()) continue;
    res.erase(it);
    if (res.count("m" + opt)) {
      error = true;
      continue;
    }
    // Upstream divides the *defined()* flag (1), not the value, by 1 MiB.
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", 1.0 / (1024 * 1024.0));
    res["m" + opt] = buf;
  }
  static const std::pair<const char*, const char*> requirements[] = {
      {"mbps_max", "mbps"},
      {"mbps_rd_max", "mbps_rd"},
      {"mbps_wr_max", "mbps_wr"},
      {"bps_max_length", "mbps_max"},
      {"bps_rd_max_length", "mbps_rd_max"},
      {"bps_wr_max_length", "mbps_wr_max"},
      {"iops_max_length", "iops_max"},
      {"iops_rd_max_length", "iops_rd_max"},
      {"iops_wr_max_length", "iops_wr_max"},
  };
  for (auto [opt, req] : requirements)
    if (truthy(res, opt) && !truthy(res, req)) error = true;
  if ((truthy(res, "mbps_rd") || truthy(res, "mbps_wr")) && truthy(res, "mbps")) error = true;
  if ((truthy(res, "iops_rd") || truthy(res, "iops_wr")) && truthy(res, "iops")) error = true;
  if (drive_is_cdrom(res)) {
    if (truthy(res, "snapshot") || truthy(res, "trans") || truthy(res, "format")) error = true;
    if (truthy(res, "heads") || truthy(res, "secs") || truthy(res, "cyls")) error = true;
    if (key.starts_with("virtio")) error = true;
  }
  if (auto it = res.find("size"); it != res.end() && truthy(res, "size")) {
    auto bytes = parse_size(it->second);
    if (!bytes) error = true;
    else it->second = std::to_string(*bytes);
  }
  if (error) throw ConfigError("unable to parse drive options");
  return res;
}

std::string print_drive(const PropMap& drive) {
  return print_property_string(drive, formats::all_drive(),
                               {"index", "interface", "cyls", "heads", "secs", "trans"});
}

bool drive_is_cdrom(const PropMap& drive) {
  auto it = drive.find("media");
  return it != drive.end() && it->second == "cdrom";
}

bool drive_is_cloudinit(const PropMap& drive) {
  auto it = drive.find("file");
  if (it == drive.end()) return false;
  std::string_view f = it->second;
  for (std::string_view ext : {".raw", ".qcow2", ".qcow", ".qed", ".vmdk", ".cloop"})
    if (f.ends_with(ext)) {
      f.remove_suffix(ext.size());
      break;
    }
  if (!f.ends_with("cloudinit")) return false;
  f.remove_suffix(9);
  if (f.ends_with(':') || f.ends_with('/')) return true;
  // (?:vm-\d+-)
  if (!f.ends_with('-')) return false;
  f.remove_suffix(1);
  size_t d = 0;
  while (!f.empty() && f.back() >= '0' && f.back() <= '9') f.remove_suffix(1), ++d;
  if (d == 0 || !f.ends_with("vm-")) return false;
  f.remove_suffix(3);
  return f.ends_with(':') || f.ends_with('/');
}

bool is_new_disk_syntax(std::string_view file) {
  size_t colon = file.find(':');
  std::string_view num = file;
  if (colon != file.npos) {
    std::string_view store = file.substr(0, colon);
    if (store.empty()) return false;
    for (char c : store)
      if (c == '/' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
        return false;
    num = file.substr(colon + 1);
  }
  size_t i = 0;
  while (i < num.size() && num[i] >= '0' && num[i] <= '9') ++i;
  if (i == 0) return false;
  if (i == num.size()) return true;
  if (num[i] != '.') return false;
  size_t j = ++i;
  while (i < num.size() && num[i] >= '0' && num[i] <= '9') ++i;
  return i > j && i == num.size();
}

}  // namespace qmd::config
