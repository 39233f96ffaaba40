// netN values (spec §4 netN): parse/print with the "<model>=<mac>" shorthand.
#pragma once

#include <string>
#include <string_view>

#include "config/propstring.h"

namespace qmd::config {

// Parses a netN value into model, macaddr, bridge, firewall, ... (the model
// shorthand "virtio=BC:24:11:2C:69:EC" sets both model and macaddr).
// No MAC is generated here (callers do that, spec §6.12).
// Throws ConfigError with the property-string errors.
PropMap parse_net(std::string_view value);

// Canonical print: "<model>=<MAC>,<sorted rest>" (or "<model>,..." without MAC).
std::string print_net(const PropMap& net);

}  // namespace qmd::config
