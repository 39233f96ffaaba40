// Shorthands the format tables (format_*.cpp) share to declare properties.
#pragma once

#include <string_view>

#include "config/schema.h"

namespace qmd::config::formats {

// A boolean property `n` with default `def` ("" = none).
inline Prop boolp(std::string_view n, std::string_view def = "") {
  return {.name = n, .type = ValueType::Boolean, .default_value = def};
}

}  // namespace qmd::config::formats
