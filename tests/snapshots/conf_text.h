// Configs written as text in the snapshot tests.
#pragma once

#include <string>

#include "config/reader.h"

namespace qmd::testing {

// `text` parsed strictly as VM 100's config (throws ConfigError when invalid).
inline config::ConfigFile parse_conf(const std::string& text) { return config::parse_config(text, 100, true).conf; }

}  // namespace qmd::testing
