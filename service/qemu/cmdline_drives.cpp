// Disks and CD-ROMs (spec §10.2 "Disks"): controllers on first use, the
// `-drive` backend of machines < 10.0 (QEMU 7.2 has no pve blockdev defaults)
// and the frontend device with its boot index.
#include <cmath>
#include <filesystem>
#include <regex>

#include "config/config_error.h"
#include "config/formats/drive.h"
#include "service/qemu/cmdline_parts.h"

namespace qmd::qemu::detail {

namespace fs = std::filesystem;

std::string drive_image_format(const PropMap& drive) {
  if (auto f = drive.find("format"); f != drive.end()) return f->second;
  const std::string file = drive.count("file") ? drive.at("file") : "";
  static const std::regex ext(R"(\.(raw|qcow2|vmdk)$)");
  std::smatch m;
  if (std::regex_search(file, m, ext)) return m[1];
  return "raw";
}

std::string drive_host_path(const Build& b, const std::string& key, const std::string& file) {
  if (!file.empty() && file[0] == '/') {
    if (!fs::exists(file)) throw CmdlineError(key + ": '" + file + "' does not exist on this host");
    return file;
  }
  if (!b.ctx.volume_path) throw CmdlineError(key + ": no storage to resolve volume '" + file + "'");
  try {
    return b.ctx.volume_path(file);
  } catch (const CmdlineError&) {
    throw;
  } catch (const std::exception& e) {
    throw CmdlineError(key + ": " + e.what());
  }
}

namespace {

struct Throttle {
  const char* key;
  const char* qemu;
  bool mbps;
};
constexpr Throttle kThrottles[] = {
    {"mbps", "bps-total", true},           {"mbps_rd", "bps-read", true},
    {"mbps_wr", "bps-write", true},        {"mbps_max", "bps-total-max", true},
    {"mbps_rd_max", "bps-read-max", true}, {"mbps_wr_max", "bps-write-max", true},
    {"iops", "iops-total", false},         {"iops_rd", "iops-read", false},
    {"iops_wr", "iops-write", false},      {"iops_max", "iops-total-max", false},
    {"iops_rd_max", "iops-read-max", false}, {"iops_wr_max", "iops-write-max", false},
    {"bps_max_length", "bps-total-max-length", false}, {"bps_rd_max_length", "bps-read-max-length", false},
    {"bps_wr_max_length", "bps-write-max-length", false}, {"iops_max_length", "iops-total-max-length", false},
    {"iops_rd_max_length", "iops-read-max-length", false}, {"iops_wr_max_length", "iops-write-max-length", false},
};

bool has(const PropMap& d, const char* k, const char* v = "1") {
  auto it = d.find(k);
  return it != d.end() && it->second == v;
}

// The -drive argument (backend).
std::string drive_arg(const Build& b, const std::string& key, const PropMap& d, bool cdrom) {
  const std::string file = d.at("file");
  std::string opts;
  if (file != "none") {
    const std::string path = file == "cdrom" ? "/dev/cdrom" : drive_host_path(b, key, file);
    if (file == "cdrom" && !fs::exists(path)) {
      throw CmdlineError(key + ": host CD-ROM drive '/dev/cdrom' does not exist on this host");
    }
    opts = "file=" + path + ",";
  }
  opts += "if=none,id=drive-" + key;
  if (cdrom) opts += ",media=cdrom";
  if (has(d, "discard", "on")) opts += ",discard=on";
  if (has(d, "snapshot")) opts += ",snapshot=on";
  if (has(d, "ro")) opts += ",readonly=on";
  for (const char* k : {"werror", "rerror"}) {
    if (auto it = d.find(k); it != d.end()) opts += std::string(",") + k + "=" + it->second;
  }
  for (const auto& t : kThrottles) {
    auto it = d.find(t.key);
    if (it == d.end()) continue;
    std::string v = it->second;
    if (t.mbps) v = std::to_string(static_cast<int64_t>(std::llround(std::stod(v) * 1024 * 1024)));
    opts += std::string(",throttling.") + t.qemu + "=" + v;
  }
  const std::string aio_default = "io_uring";
  if (cdrom) {
    // A cloud-init volume is a qcow2 (or raw) image holding the seed ISO.
    if (file != "none" && file != "cdrom") opts += ",format=" + (config::drive_is_cloudinit(d) ? drive_image_format(d) : "raw");
    return opts + ",aio=" + (d.count("aio") ? d.at("aio") : aio_default);
  }
  const std::string cache = d.count("cache") ? d.at("cache") : "none";
  std::string aio = d.count("aio") ? d.at("aio") : aio_default;
  // aio=native needs O_DIRECT; QEMU refuses it with a caching mode.
  if (aio == "native" && cache != "none" && cache != "directsync") aio = "threads";
  opts += ",format=" + drive_image_format(d) + ",cache=" + cache + ",aio=" + aio;
  if (!has(d, "detect_zeroes", "0")) opts += std::string(",detect-zeroes=") + (has(d, "discard", "on") ? "unmap" : "on");
  return opts;
}

// Options every frontend shares after drive=/id=.
std::string common_device_opts(const Build& b, const std::string& key, const PropMap& d, bool ssd_ok) {
  std::string o;
  if (ssd_ok && has(d, "ssd")) o += ",rotation_rate=1";
  for (const char* k : {"wwn", "serial", "model", "vendor", "product"}) {
    if (auto it = d.find(k); it != d.end()) o += std::string(",") + k + "=" + it->second;
  }
  return o + b.bootindex_suffix(key);
}

struct DriveState {
  std::set<std::string> controllers;  // ids already emitted
};

void add_scsi(Build& b, DriveState& st, const std::string& key, int idx, const PropMap& d, bool cdrom) {
  const std::string hw = get(b.conf, "scsihw", "lsi");
  std::string ctrl;
  std::string addr;
  if (hw == "virtio-scsi-single") {
    ctrl = "virtioscsi" + std::to_string(idx);
    std::string dev = "virtio-scsi-pci,id=" + ctrl + b.pci(ctrl);
    if (has(d, "iothread")) {
      b.add(b.cmd, "-object", "iothread,id=iothread-" + ctrl);
      dev += ",iothread=iothread-" + ctrl;
    }
    if (auto q = d.find("queues"); q != d.end()) dev += ",num_queues=" + q->second;
    b.add(b.devices, "-device", dev);
    addr = ",channel=0,scsi-id=0,lun=" + std::to_string(idx);
  } else {
    const bool lsi = hw.rfind("lsi", 0) == 0;
    const int maxdev = lsi ? 7 : 256;
    ctrl = "scsihw" + std::to_string(idx / maxdev);
    if (!st.controllers.count(ctrl)) {
      st.controllers.insert(ctrl);
      std::string dev = (hw == "virtio-scsi-pci" ? hw : hw) + ",id=" + ctrl + b.pci(ctrl);
      if (hw == "virtio-scsi-pci" && has(d, "iothread")) {
        b.add(b.cmd, "-object", "iothread,id=iothread-" + ctrl);
        dev += ",iothread=iothread-" + ctrl;
      }
      b.add(b.devices, "-device", dev);
    }
    if (lsi || hw == "pvscsi") {
      addr = ",scsi-id=" + std::to_string(idx % maxdev);
    } else {
      addr = ",channel=0,scsi-id=0,lun=" + std::to_string(idx);
    }
  }
  b.add(b.devices, "-drive", drive_arg(b, key, d, cdrom));
  const std::string type = cdrom ? "scsi-cd" : has(d, "scsiblock") ? "scsi-block" : "scsi-hd";
  b.add(b.devices, "-device",
        type + ",bus=" + ctrl + ".0" + addr + ",drive=drive-" + key + ",id=" + key + common_device_opts(b, key, d, true));
}

}  // namespace

void add_drives(Build& b) {
  // Proxmox checks every drive's media before it builds anything.
  for (const auto& key : bus_drive_keys()) {
    auto it = b.conf.find(key);
    if (it == b.conf.end()) continue;
    if (it->second.find(":iso/") != std::string::npos && it->second.find("media=") == std::string::npos) {
      throw CmdlineError(key + ": explicit media parameter is required for iso images");
    }
  }
  DriveState st;
  static const std::regex key_re(R"(^(ide|sata|scsi|virtio)(\d+)$)");
  for (const auto& key : bus_drive_keys()) {
    auto it = b.conf.find(key);
    if (it == b.conf.end()) continue;
    PropMap d;
    try {
      d = config::parse_drive(key, it->second);
    } catch (const config::ConfigError& e) {
      throw CmdlineError(key + ": " + e.what());
    }
    const bool cdrom = config::drive_is_cdrom(d);
    std::smatch m;
    std::regex_match(key, m, key_re);
    const std::string bus = m[1];
    const int idx = std::stoi(m[2]);
    if (bus == "scsi") {
      add_scsi(b, st, key, idx, d, cdrom);
      continue;
    }
    if (bus == "virtio") {
      std::string dev = "virtio-blk-pci,drive=drive-" + key + ",id=" + key + b.pci(key);
      if (has(d, "iothread")) {
        b.add(b.cmd, "-object", "iothread,id=iothread-" + key);
        dev += ",iothread=iothread-" + key;
      }
      b.add(b.devices, "-drive", drive_arg(b, key, d, cdrom));
      b.add(b.devices, "-device", dev + common_device_opts(b, key, d, false));
      continue;
    }
    const std::string type = cdrom ? "ide-cd" : "ide-hd";
    std::string where;
    if (bus == "ide") {
      int controller = idx / 2, unit = idx % 2;
      if (b.machine.q35) {
        controller += 2 * unit;
        unit = 0;
      }
      where = "bus=ide." + std::to_string(controller) + ",unit=" + std::to_string(unit);
    } else {
      if (!st.controllers.count("ahci0")) {
        st.controllers.insert("ahci0");
        b.add(b.devices, "-device", "ahci,id=ahci0,multifunction=on" + b.pci("ahci0"));
      }
      where = "bus=ahci0." + std::to_string(idx % 6);
    }
    b.add(b.devices, "-drive", drive_arg(b, key, d, cdrom));
    b.add(b.devices, "-device", type + "," + where + ",drive=drive-" + key + ",id=" + key + common_device_opts(b, key, d, true));
  }
}

}  // namespace qmd::qemu::detail
