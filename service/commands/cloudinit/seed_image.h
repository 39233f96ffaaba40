// Writing a VM's cloud-init seed into its cloud-init volume(s): the documents
// of config/cloudinit/seed.h as an ISO 9660 image made by genisoimage (as
// Proxmox's commit_cloudinit_disk), copied into the volume by qemu-img.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/cloudinit/dns.h"
#include "config/cloudinit/seed.h"
#include "config/config_file.h"
#include "service/app.h"

namespace qmd::service {

// The host's DNS settings (/etc/resolv.conf; empty when unreadable).
config::cloudinit::HostDns host_dns();

// The contents of the cicustom snippet volumes of `conf`. Throws CommandError
// "<volid> is not in the snippets directory", "storage '<id>' does not exist",
// "can't open '<path>' - <reason>", "<volid>: snippet too big (> 1 MiB)".
config::cloudinit::Snippets read_snippets(App& app, const config::Section& conf);

// The volids of the cloud-init drives of vmid in `conf` (vm-<vmid>-cloudinit).
std::vector<std::string> cloudinit_volumes(const config::Section& conf, int64_t vmid);

// Generates the seed of `conf` (a main section) and writes it into every
// cloud-init volume of vmid, unless `only_if_changed` and the seed last
// written there (recorded in the run directory) is the same. Returns whether
// anything was written. Throws CommandError with the generator's, genisoimage's
// or qemu-img's message. The documents pass through a 0700 directory of the
// run directory that is removed afterwards.
bool write_seed(App& app, const config::Section& conf, int64_t vmid, bool only_if_changed);

// Drops [special:cloudinit] (one vm.config.updated) once the seed holds the
// current settings; no event when there is no such section.
void record_seed_generated(App& app, const Request& req, int64_t vmid);

}  // namespace qmd::service
