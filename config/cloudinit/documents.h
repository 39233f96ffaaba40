// The cloud-init documents of a VM config, as Proxmox's
// PVE/QemuServer/Cloudinit.pm generates them (byte for byte). Pure: the host's
// DNS settings and any cicustom snippets are passed in.
#pragma once

#include <cstdint>
#include <string>

#include "config/cloudinit/dns.h"
#include "config/config_file.h"

namespace qmd::config::cloudinit {

// `citype`, else configdrive2 for a Windows ostype, else nocloud.
std::string format_of(const Section& conf);
bool is_windows(const Section& conf);

// #cloud-config user data: hostname/fqdn (from name, else VM<vmid>, and
// searchdomain), user, password (the stored hash), ssh_authorized_keys from
// the URL-encoded sshkeys, chpasswd, users, package_upgrade (unless ciupgrade: 0).
std::string user_data(const Section& conf, int64_t vmid);

// Network config v1 (nocloud) of each netN that has an ipconfigN, then the
// nameserver entry. Throws ConfigError "network interface 'netN' has no mac
// address" / "not a CIDR: <ip>".
std::string nocloud_network(const Section& conf, const Dns& dns);
// ENI network config of configdrive2 (Linux guests).
std::string configdrive2_network(const Section& conf, const Dns& dns);
// ENI network config of configdrive2 for cloudbase-init (Windows guests).
std::string cloudbase_network(const Section& conf, const Dns& dns);

// The instance id: SHA-1 (hex) of user data followed by network data; it
// changes whenever either document does.
std::string instance_id(const std::string& user, const std::string& network);
std::string nocloud_meta(const std::string& instance_id);        // "instance-id: <id>\n"
std::string configdrive2_meta(const std::string& instance_id);   // the OpenStack meta_data.json
std::string cloudbase_meta(const std::string& instance_id, const Section& conf);  // + admin_pass, public_keys

// OpenNebula's context.sh.
std::string opennebula_context(const Section& conf, int64_t vmid, const Dns& dns);

// `qm cloudinit dump VMID user|network|meta`. Throws ConfigError for another type.
std::string dump(const Section& conf, int64_t vmid, const std::string& type, const Dns& dns);

// The URL-decoded sshkeys, one key a line, blank lines dropped.
std::vector<std::string> ssh_keys(const Section& conf);
// Perl's URI::Escape::uri_unescape (%XX decoded, nothing else changed).
std::string uri_unescape(const std::string& s);

}  // namespace qmd::config::cloudinit
