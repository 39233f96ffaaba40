// The one error type of the config part. what() is the exact Proxmox message
// (no trailing newline), e.g. "vm 8006 - duplicate section: pending".
#pragma once

#include <stdexcept>
#include <string>

namespace qmd::config {

struct ConfigError : std::runtime_error {
  explicit ConfigError(const std::string& msg) : std::runtime_error(msg) {}
};

}  // namespace qmd::config
