// Network documents: nocloud v1, ENI for configdrive2 (Linux and cloudbase-init).
#include "config/cloudinit/documents.h"
#include "config/cloudinit/interfaces.h"
#include "config/config_error.h"
#include "config/formats/format_defs.h"
#include "config/formats/net.h"
#include "config/propstring.h"

namespace qmd::config::cloudinit {

namespace {

const std::string* opt(const PropMap& m, const char* key) {
  auto it = m.find(key);
  return it == m.end() ? nullptr : &it->second;
}

// The ENI stanza of one interface; `dns_line` ends static stanzas (cloudbase-init).
std::string eni_iface(const PropMap& net, const std::string& id, const std::string& dns_line) {
  std::string out = "auto " + id + "\n";
  if (const std::string* ip = opt(net, "ip")) {
    if (*ip == "dhcp") {
      out += "iface " + id + " inet dhcp\n";
    } else {
      const auto [addr, mask] = split_ip4(*ip);
      out += "iface " + id + " inet static\n        address " + addr + "\n        netmask " + mask + "\n";
      if (const std::string* gw = opt(net, "gw"); gw && !gw->empty()) out += "        gateway " + *gw + "\n";
      out += dns_line;
    }
  }
  if (const std::string* ip6 = opt(net, "ip6")) {
    if (*ip6 == "auto" || *ip6 == "dhcp") {
      out += "iface " + id + " inet6 " + *ip6 + "\n";
    } else {
      const auto slash = ip6->find('/');
      out += "iface " + id + " inet6 static\n        address " + ip6->substr(0, slash) + "\n        netmask " +
             (slash == std::string::npos ? std::string() : ip6->substr(slash + 1)) + "\n";
      if (const std::string* gw = opt(net, "gw6"); gw && !gw->empty()) out += "        gateway " + *gw + "\n";
      out += dns_line;
    }
  }
  return out;
}

}  // namespace

std::string nocloud_network(const Section& conf, const Dns& dns) {
  std::string out = "version: 1\nconfig:\n";
  for (const auto& [iface, id] : nets_with_ipconfig(conf)) {
    const PropMap net = parse_net(conf.at(iface));
    const PropMap ipc = ipconfig_of(conf, id);
    const std::string lower = lower_mac(net);
    if (lower.empty()) throw ConfigError("network interface '" + iface + "' has no mac address");
    out += "    - type: physical\n      name: eth" + id + "\n      mac_address: '" + lower + "'\n      subnets:\n";
    const std::string i = "      ";
    if (const std::string* ip = opt(ipc, "ip")) {
      if (*ip == "dhcp") {
        out += i + "- type: dhcp4\n";
      } else {
        const auto [addr, mask] = split_ip4(*ip);
        out += i + "- type: static\n" + i + "  address: '" + addr + "'\n" + i + "  netmask: '" + mask + "'\n";
        if (const std::string* gw = opt(ipc, "gw")) out += i + "  gateway: '" + *gw + "'\n";
      }
    }
    if (const std::string* ip = opt(ipc, "ip6")) {
      if (*ip == "dhcp") {
        out += i + "- type: dhcp6\n";
      } else if (*ip == "auto") {
        out += i + "- type: ipv6_slaac\n";
      } else {
        out += i + "- type: static6\n" + i + "  address: '" + *ip + "'\n";
        if (const std::string* gw = opt(ipc, "gw6")) out += i + "  gateway: '" + *gw + "'\n";
      }
    }
  }
  // Proxmox tests two array references here, which are always true: the
  // nameserver entry is always written, its lists only when not empty.
  out += "    - type: nameserver\n";
  if (!dns.nameservers.empty()) {
    out += "      address:\n";
    for (const auto& n : dns.nameservers) out += "      - '" + n + "'\n";
  }
  if (!dns.search.empty()) {
    out += "      search:\n";
    for (const auto& s : dns.search) out += "      - '" + s + "'\n";
  }
  return out;
}

std::string configdrive2_network(const Section& conf, const Dns& dns) {
  std::string out = "auto lo\niface lo inet loopback\n\n";
  if (!dns.nameservers.empty()) out += "        dns_nameservers " + join(dns.nameservers, " ") + "\n";
  if (!dns.search.empty()) out += "        dns_search " + join(dns.search, " ") + "\n";
  for (const auto& [iface, id] : nets_with_ipconfig(conf)) out += eni_iface(ipconfig_of(conf, id), "eth" + id, "");
  return out;
}

std::string cloudbase_network(const Section& conf, const Dns& dns) {
  std::string out;
  const std::string dns_line =
      dns.nameservers.empty() ? "" : "        dns-nameservers " + join(dns.nameservers, " ") + "\n";
  for (const auto& [iface, id] : nets_with_ipconfig(conf)) out += eni_iface(ipconfig_of(conf, id), "eth" + id, dns_line);
  return out;
}

}  // namespace qmd::config::cloudinit
