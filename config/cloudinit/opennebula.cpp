// OpenNebula's context.sh.
#include <cctype>

#include "config/cloudinit/documents.h"
#include "config/cloudinit/interfaces.h"
#include "config/formats/net.h"
#include "config/propstring.h"

namespace qmd::config::cloudinit {

namespace {

// MIME::Base64::encode_base64: lines of at most 76 characters, each ending "\n".
std::string mime_base64(const std::string& in) {
  static constexpr char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string flat;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s : {18, 12, 6, 0}) flat += tbl[(n >> s) & 63];
  }
  if (i + 1 == in.size()) {
    const uint32_t n = uint8_t(in[i]) << 16;
    flat += tbl[(n >> 18) & 63];
    flat += tbl[(n >> 12) & 63];
    flat += "==";
  } else if (i + 2 == in.size()) {
    const uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    for (int s : {18, 12, 6}) flat += tbl[(n >> s) & 63];
    flat += '=';
  }
  std::string out;
  for (size_t p = 0; p < flat.size(); p += 76) out += flat.substr(p, 76) + "\n";
  return out;
}

// split(/\s*\n\s*/, s): lines with the blanks around each newline removed.
std::vector<std::string> split_lines_trimmed(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n') {
      while (!cur.empty() && std::isspace(static_cast<unsigned char>(cur.back()))) cur.pop_back();
      out.push_back(cur);
      cur.clear();
      while (i + 1 < s.size() && s[i + 1] != '\n' && std::isspace(static_cast<unsigned char>(s[i + 1]))) ++i;
    } else {
      cur += s[i];
    }
  }
  out.push_back(cur);
  while (!out.empty() && out.back().empty()) out.pop_back();
  return out;
}

std::string get_or(const Section& conf, const std::string& key, const std::string& fallback) {
  auto it = conf.find(key);
  return it == conf.end() || it->second.empty() ? fallback : it->second;
}

}  // namespace

std::string opennebula_context(const Section& conf, int64_t vmid, const Dns& dns) {
  std::string out = "USERNAME=" + get_or(conf, "ciuser", "root") + "\n";
  if (auto pw = conf.find("cipassword"); pw != conf.end())
    out += "CRYPTED_PASSWORD_BASE64=" + mime_base64(pw->second) + "\n";
  if (auto k = conf.find("sshkeys"); k != conf.end()) {
    std::string keys;
    for (const auto& line : split_lines_trimmed(uri_unescape(k->second))) keys += (keys.empty() ? "" : "\n") + line;
    out += "SSH_PUBLIC_KEY=\"" + keys + "\"\n";
  }
  std::string host = get_or(conf, "name", "VM" + std::to_string(vmid));
  if (auto dot = host.find('.'); dot != std::string::npos) host.resize(dot);
  out += "SET_HOSTNAME=" + host + "\n";
  if (!dns.nameservers.empty()) out += "DNS=\"" + join(dns.nameservers, " ") + "\"\n";
  if (!dns.search.empty()) out += "SEARCH_DOMAIN=\"" + join(dns.search, " ") + "\"\n";

  bool enabled = false;
  for (const auto& [iface, id] : nets_with_ipconfig(conf)) {
    const PropMap net = parse_net(conf.at(iface));
    const PropMap ipc = ipconfig_of(conf, id);
    const std::string eth = "ETH" + id;
    // Proxmox reads a `hwaddr` key that parse_net never sets (an empty MAC);
    // the NIC's real MAC is written here so that the guest can match it.
    const std::string mac = lower_mac(net);
    const std::string mtu = net.count("mtu") ? eth + "_MTU=" + net.at("mtu") + "\n" : "";
    if (auto ip = ipc.find("ip"); ip != ipc.end()) {
      enabled = true;
      if (ip->second == "dhcp") {
        out += eth + "_DHCP=YES\n";
      } else {
        const auto [addr, mask] = split_ip4(ip->second);
        out += eth + "_IP=" + addr + "\n" + eth + "_MASK=" + mask + "\n" + eth + "_MAC=" + mac + "\n";
        if (ipc.count("gw") && !ipc.at("gw").empty()) out += eth + "_GATEWAY=" + ipc.at("gw") + "\n";
      }
      out += mtu;
    }
    if (auto ip6 = ipc.find("ip6"); ip6 != ipc.end()) {
      enabled = true;
      if (ip6->second == "dhcp") {
        out += eth + "_DHCP6=YES\n";
      } else if (ip6->second == "auto") {
        out += eth + "_AUTO6=YES\n";
      } else {
        const auto slash = ip6->second.find('/');
        out += eth + "_IP6=" + ip6->second.substr(0, slash) + "\n" + eth + "_MASK6=" +
               (slash == std::string::npos ? "" : ip6->second.substr(slash + 1)) + "\n" + eth + "_MAC6=" + mac + "\n";
        if (ipc.count("gw6") && !ipc.at("gw6").empty()) out += eth + "_GATEWAY6=" + ipc.at("gw6") + "\n";
      }
      out += mtu;
    }
  }
  if (enabled) out += "NETWORK=YES\n";
  return out;
}

}  // namespace qmd::config::cloudinit
