// The DNS settings a cloud-init seed carries (Proxmox's get_dns_conf). Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/config_file.h"

namespace qmd::config::cloudinit {

// What the host's /etc/resolv.conf says, as Proxmox's resolvconf reader keeps
// it: the first word of the last `search`/`domain` line, the first three
// `nameserver` addresses.
struct HostDns {
  std::string search;                    // "" when there is none
  std::vector<std::string> nameservers;  // at most 3
};

HostDns parse_resolv_conf(std::string_view text);

struct Dns {
  std::vector<std::string> search;
  std::vector<std::string> nameservers;
};

// `searchdomain` / `nameserver` of the VM split on whitespace, each falling
// back to the host's when the VM does not set it.
Dns dns_of(const Section& conf, const HostDns& host);

// Perl's split(/\s+/, s): fields between whitespace runs; a leading run gives
// an empty first field, trailing empty fields are dropped.
std::vector<std::string> split_ws(std::string_view s);

}  // namespace qmd::config::cloudinit
