// Usage texts printed by `qm help` and after a command-line error.
#pragma once

#include <string>

namespace qmd::service {

// "USAGE: qm <COMMAND> [ARGS] [OPTIONS]" followed by one synopsis line per verb.
std::string usage_text();
// "qm set <vmid> [OPTIONS]" style synopsis of one verb ("" if unknown), with a trailing newline.
std::string usage_of(const std::string& verb);

}  // namespace qmd::service
