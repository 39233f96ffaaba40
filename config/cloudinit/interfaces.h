// Helpers shared by the cloud-init network documents. Pure.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "config/config_file.h"
#include "config/propstring.h"

namespace qmd::config::cloudinit {

// The netN keys of `conf` that have a non-empty ipconfigN, in Perl's string
// order (net10 before net2), each with its index N as text.
std::vector<std::pair<std::string, std::string>> nets_with_ipconfig(const Section& conf);

// ipconfigN parsed (throws ConfigError as the property-string parser).
PropMap ipconfig_of(const Section& conf, const std::string& id);

// Proxmox's split_ip4: "a.b.c.d/N" -> {"a.b.c.d", dotted netmask}. Throws
// ConfigError "not a CIDR: <ip>" without a prefix length.
std::pair<std::string, std::string> split_ip4(const std::string& cidr);

// The NIC's MAC in lower case ("" when it has none).
std::string lower_mac(const PropMap& net);

std::string join(const std::vector<std::string>& v, const std::string& sep);

}  // namespace qmd::config::cloudinit
