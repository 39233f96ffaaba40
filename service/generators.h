// Generated identities: MAC addresses (§6.12), UUIDs. Not pure (they draw
// randomness), so commands receive them through Generators and tests can
// substitute deterministic ones.
#pragma once

#include <functional>
#include <string>

namespace qmd::service {

// Proxmox's random_ether_addr(prefix): 6 random bytes, multicast bit cleared,
// locally-administered bit set, upper-case `XX:XX:XX:XX:XX:XX`, then the
// leading characters replaced by the upper-cased prefix (default BC:24:11).
std::string random_mac(const std::string& prefix = "BC:24:11");

struct Generators {
  std::function<std::string()> uuid;  // random v4 UUID, lower-case
  std::function<std::string()> mac;   // random MAC with the node's prefix
  std::function<int64_t()> now_s;     // seconds since the epoch

  // The real ones.
  static Generators system();
};

}  // namespace qmd::service
