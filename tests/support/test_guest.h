// Where the tests find the test guest (tests/guest/build-guest.sh,
// docs/test-guest.md) and how they read its serial console.
#pragma once

#include <cstdlib>
#include <string>

namespace qmd::testing {

// The test guest's directory: $QMD_GUEST_DIR, else the build script's cache.
inline std::string guest_dir() {
  const char* d = std::getenv("QMD_GUEST_DIR");
  return d != nullptr && *d ? d : "/var/cache/qmd/test-guest";
}

// The number of the last `QMD-GUEST-TICK n` line in a serial console's text
// (-1 before the first tick).
inline int last_tick_in(const std::string& text) {
  const auto at = text.rfind("QMD-GUEST-TICK ");
  if (at == std::string::npos) return -1;
  return std::atoi(text.c_str() + at + 15);
}

}  // namespace qmd::testing
