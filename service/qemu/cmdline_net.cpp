// NICs net0..net31 (spec §10.2 "NICs"). qmd does not create bridges: a NIC
// goes on its tap + Proxmox bridge scripts only when the bridge and the
// scripts exist here; otherwise it gets user-mode networking, which Proxmox
// also uses for a NIC without a bridge.
#include "config/config_error.h"
#include "config/formats/net.h"
#include "service/qemu/cmdline_parts.h"

namespace qmd::qemu::detail {

void add_nets(Build& b) {
  const HostCaps& host = b.ctx.host;
  for (int n = 0; n < 32; ++n) {
    const std::string key = "net" + std::to_string(n);
    auto it = b.conf.find(key);
    if (it == b.conf.end()) continue;
    PropMap d;
    try {
      d = config::parse_net(it->second);
    } catch (const config::ConfigError& e) {
      throw CmdlineError(key + ": " + e.what());
    }
    const std::string model = d.count("model") ? d.at("model") : "e1000";
    const bool virtio = model == "virtio";
    const int queues = d.count("queues") ? static_cast<int>(to_int(key + ".queues", d.at("queues"))) : 0;
    const std::string bridge = d.count("bridge") ? d.at("bridge") : "";
    const bool tap = !bridge.empty() && host.bridges.count(bridge) && !host.bridge_script.empty() &&
                     !host.bridgedown_script.empty();
    std::string netdev;
    if (tap) {
      netdev = "type=tap,id=" + key + ",ifname=tap" + std::to_string(b.ctx.vmid) + "i" + std::to_string(n) +
               ",script=" + host.bridge_script + ",downscript=" + host.bridgedown_script;
      if (virtio && b.kvm && host.vhost_net) netdev += ",vhost=on";
      if (virtio && queues > 1) netdev += ",queues=" + std::to_string(queues);
    } else {
      netdev = "type=user,id=" + key + ",hostname=" + get(b.conf, "name", "vm" + std::to_string(b.ctx.vmid));
    }
    b.add(b.devices, "-netdev", netdev);

    std::string dev = (virtio ? std::string("virtio-net-pci") : model);
    if (d.count("macaddr")) dev += ",mac=" + d.at("macaddr");
    dev += ",netdev=" + key + b.pci(key) + ",id=" + key;
    if (virtio && tap && queues > 1) {
      dev += ",vectors=" + std::to_string(2 * queues + 2) + ",mq=on";
      if (b.machine.at_least(7, 1)) dev += ",packed=on";
    }
    if (virtio && b.machine.at_least(7, 1)) dev += ",rx_queue_size=1024,tx_queue_size=256";
    dev += b.bootindex_suffix(key);
    if (virtio && d.count("mtu") && d.at("mtu") != "1" && d.at("mtu") != "1500") dev += ",host_mtu=" + d.at("mtu");
    if (b.machine.pxe) dev += ",romfile=pxe-" + model + ".rom";
    b.add(b.devices, "-device", dev);
  }
}

}  // namespace qmd::qemu::detail
