// The error type of the snapshot engine: what() is the exact Proxmox message
// (no trailing newline), e.g. "snapshot name 'test' already used".
#pragma once

#include <stdexcept>
#include <string>

namespace qmd::service::snapshots {

struct SnapshotError : std::runtime_error {
  explicit SnapshotError(const std::string& msg) : std::runtime_error(msg) {}
};

}  // namespace qmd::service::snapshots
