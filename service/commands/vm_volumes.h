// Which storage volumes a VM's config refers to, and which of them it owns.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "config/config_file.h"

namespace qmd::service {

// Every volume id referenced by drive keys (not CD-ROMs, not `none`, not host
// paths), `unusedN` and `vmstate`, in the main, pending and snapshot sections.
std::set<std::string> referenced_volumes(const config::ConfigFile& conf);

// The volumes owned by `vmid`: the referenced ones under its own directory (a
// base image of another VM that a linked clone uses is not owned) and its
// cloud-init volumes.
std::set<std::string> owned_volumes(const config::ConfigFile& conf, int64_t vmid);

// The volume id of one drive/unused value, or "" when it refers to no volume.
std::string volume_of(const std::string& key, const std::string& value);

}  // namespace qmd::service
