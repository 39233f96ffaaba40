#include "service/commands/create_plan.h"

#include <regex>

#include "config/schema.h"
#include "config/update.h"

namespace qmd::service {

namespace {

bool is_cdrom(const std::string& value) {
  return value.find("media=cdrom") != std::string::npos;
}

// Drive keys in Proxmox's resolution order (ide, sata, scsi, virtio; numeric).
std::vector<std::string> drive_order() {
  std::vector<std::string> keys;
  for (int i = 0; i < 4; ++i) keys.push_back("ide" + std::to_string(i));
  for (int i = 0; i < 6; ++i) keys.push_back("sata" + std::to_string(i));
  for (int i = 0; i < 31; ++i) keys.push_back("scsi" + std::to_string(i));
  for (int i = 0; i < 16; ++i) keys.push_back("virtio" + std::to_string(i));
  return keys;
}

// "7.2.22" -> "7.2"
std::string major_minor(const std::string& v) {
  static const std::regex re("^([0-9]+\\.[0-9]+)");
  std::smatch m;
  return std::regex_search(v, m, re) ? m[1].str() : v;
}

}  // namespace

std::string default_boot_order(const config::Section& devices) {
  std::string disk, cd, net;
  for (const auto& k : drive_order()) {
    auto it = devices.find(k);
    if (it == devices.end()) continue;
    if (is_cdrom(it->second)) {
      if (cd.empty()) cd = k;
    } else if (disk.empty()) {
      disk = k;
    }
  }
  for (int i = 0; i < 32 && net.empty(); ++i) {
    if (devices.count("net" + std::to_string(i))) net = "net" + std::to_string(i);
  }
  std::string order;
  for (const auto* d : {&disk, &cd, &net}) {
    if (!d->empty()) order += (order.empty() ? "" : ";") + *d;
  }
  return order.empty() ? "" : "order=" + order;
}

config::ConfigFile plan_create(const PreparedOptions& opts, const Generators& gen, const std::string& qemu_version) {
  // The rules of `qm set` on an empty, stopped VM decide what is valid (balloon
  // vs memory, boot order devices, ...); drives still to be allocated stand in
  // as empty drives meanwhile.
  config::UpdateRequest req;
  req.set = opts.values;
  for (const auto& a : opts.allocations) req.set.emplace_back(a.key, "none");
  config::ConfigFile c;
  if (!req.set.empty()) c = config::apply_update(config::ConfigFile{}, req, false).conf;
  for (const auto& a : opts.allocations) c.main.erase(a.key);
  c.main["meta"] = "creation-qemu=" + qemu_version + ",ctime=" + std::to_string(gen.now_s());
  if (!c.main.count("smbios1")) c.main["smbios1"] = "uuid=" + gen.uuid();
  const bool arm = c.main.count("arch") && c.main["arch"] == "aarch64";
  if (!arm && (!c.main.count("vmgenid") || c.main["vmgenid"] == "1")) c.main["vmgenid"] = gen.uuid();
  if (!c.main.count("boot")) {
    config::Section devices = c.main;
    // A cloud-init drive is no boot device (Proxmox's drive_is_cdrom($drive, 1)).
    for (const auto& a : opts.allocations)
      if (!a.cloudinit) devices[a.key] = "disk";
    c.main["boot"] = default_boot_order(devices);
  }
  // Windows guests are pinned to the machine version they were installed on.
  auto os = c.main.find("ostype");
  if (os != c.main.end() && os->second.starts_with("w")) {
    std::string machine = c.main.count("machine") ? c.main["machine"] : "pc";
    if (machine == "pc" || machine == "q35" || machine.starts_with("q35,") || machine.starts_with("pc,")) {
      const bool q35 = machine.starts_with("q35");
      const auto comma = machine.find(',');
      const std::string rest = comma == std::string::npos ? "" : machine.substr(comma);
      c.main["machine"] = std::string(q35 ? "pc-q35-" : "pc-i440fx-") + major_minor(qemu_version) + "+pve0" + rest;
    }
  }
  return c;
}

}  // namespace qmd::service
