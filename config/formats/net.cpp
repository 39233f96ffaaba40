#include "config/formats/net.h"

#include "config/formats/format_defs.h"

namespace qmd::config {

PropMap parse_net(std::string_view value) { return parse_property_string(formats::net(), value); }

std::string print_net(const PropMap& net) { return print_property_string(net, formats::net()); }

}  // namespace qmd::config
