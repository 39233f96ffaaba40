#include "config/cloudinit/interfaces.h"

#include <cctype>
#include <set>

#include "config/config_error.h"
#include "config/formats/format_defs.h"

namespace qmd::config::cloudinit {

std::vector<std::pair<std::string, std::string>> nets_with_ipconfig(const Section& conf) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [k, _] : conf) {  // a std::map: byte-wise, Perl's sort order
    if (k.size() <= 3 || !k.starts_with("net") || k.find_first_not_of("0123456789", 3) != std::string::npos) continue;
    const std::string id = k.substr(3);
    auto ip = conf.find("ipconfig" + id);
    if (ip == conf.end() || ip->second.empty()) continue;
    out.emplace_back(k, id);
  }
  return out;
}

PropMap ipconfig_of(const Section& conf, const std::string& id) {
  return parse_property_string(formats::ipconfig(), conf.at("ipconfig" + id), "ipconfig" + id);
}

std::pair<std::string, std::string> split_ip4(const std::string& cidr) {
  const auto slash = cidr.find('/');
  if (slash == std::string::npos) throw ConfigError("not a CIDR: " + cidr);
  const int bits = std::stoi(cidr.substr(slash + 1));
  const uint32_t m = bits <= 0 ? 0 : bits >= 32 ? 0xffffffffu : ~((1u << (32 - bits)) - 1);
  return {cidr.substr(0, slash), std::to_string(m >> 24) + "." + std::to_string((m >> 16) & 255) + "." +
                                     std::to_string((m >> 8) & 255) + "." + std::to_string(m & 255)};
}

std::string lower_mac(const PropMap& net) {
  auto it = net.find("macaddr");
  std::string mac = it == net.end() ? "" : it->second;
  for (char& c : mac) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return mac;
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

}  // namespace qmd::config::cloudinit
