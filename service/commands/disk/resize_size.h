// The SIZE argument of `qm disk resize`: `+N[KMGT]` (grow by) or `N[KMGT]`
// (set to), N possibly fractional, binary units. Pure.
#pragma once

#include <cstdint>
#include <string>

namespace qmd::service {

struct SizeRequest {
  bool relative = false;     // "+N": add to the current size
  long double bytes = 0;     // N scaled by its unit (not yet truncated)

  // The new size in bytes for a disk of `current` bytes, truncated as Perl's
  // int(). Throws CommandError "400 Parameter verification failed.\nsize: value
  // is too large" past 2^64-1.
  uint64_t apply_to(uint64_t current) const;
};

// Throws CommandError "400 Parameter verification failed.\nsize: value does
// not match the regex pattern" unless text matches \+?\d+(\.\d+)?[KMGT]?.
SizeRequest parse_size_request(const std::string& text);

}  // namespace qmd::service
