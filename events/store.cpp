#include "events/store.h"

#include <chrono>

#include <fmt/format.h>

namespace qmd::events {

int64_t system_clock_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

ConflictError::ConflictError(const std::string& stream, int64_t expected, int64_t actual)
    : std::runtime_error(
          fmt::format("conflict on stream '{}': expected version {}, found {}", stream, expected, actual)),
      stream_(stream),
      expected_(expected),
      actual_(actual) {}

}  // namespace qmd::events
