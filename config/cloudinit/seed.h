// The files of a VM's cloud-init seed image and its volume label, per citype
// (Proxmox's generate_nocloud / generate_configdrive2 / generate_opennebula).
// Pure: cicustom snippets are read by the caller and passed in.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "config/cloudinit/dns.h"
#include "config/config_file.h"

namespace qmd::config::cloudinit {

struct Snippets {
  std::optional<std::string> user, network, meta, vendor;  // contents of cicustom's volumes
};

struct Seed {
  std::string label;                          // cidata | config-2 | CONTEXT
  std::map<std::string, std::string> files;   // path inside the image ("user-data", "openstack/latest/...") -> bytes
};

// The cicustom volumes: {"user" -> volid, ...} (empty without cicustom).
// Throws ConfigError as the property-string parser.
std::map<std::string, std::string> cicustom_volumes(const Section& conf);

// Throws ConfigError "Cloud-Init sum of snippets too big (> 3 MiB)", "missing
// cloudinit methods for format '<f>'", and the documents' errors.
Seed seed_of(const Section& conf, int64_t vmid, const Dns& dns, const Snippets& snippets);

}  // namespace qmd::config::cloudinit
