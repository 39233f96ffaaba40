#include "events/store.h"

#include <fmt/format.h>

namespace qmd::events {

ConflictError::ConflictError(const std::string& stream, int64_t expected, int64_t actual)
    : std::runtime_error(
          fmt::format("conflict on stream '{}': expected version {}, found {}", stream, expected, actual)),
      stream_(stream),
      expected_(expected),
      actual_(actual) {}

}  // namespace qmd::events
