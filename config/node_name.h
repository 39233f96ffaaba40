// Node names as Proxmox validates them (pve-common JSONSchema pve-node): a
// host name label. A node name becomes a directory of the data directory
// (nodes/<node>/qemu-server), so this is also what keeps `..` and `/` out.
#pragma once

#include <string_view>

namespace qmd::config {

// ^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$
bool is_valid_node_name(std::string_view name);

// Proxmox's text for a name that is not one (after "<param>: invalid format - ").
inline constexpr std::string_view kInvalidNodeName = "value does not look like a valid node name";

}  // namespace qmd::config
