// Parsing `qm <verb> <args> [OPTIONS]` the way Proxmox's CLI does: options as
// `-name value` or `--name value`, booleans bare or with a value, positional
// arguments in order.
#pragma once

#include <string>
#include <vector>

#include "service/commands/registry.h"
#include "service/request.h"

namespace qmd::service {

// Parses argv (without the program name and the global --data-dir/--node/--db
// options, which main() takes first). On error throws CommandError with the
// Proxmox texts: `400 not enough arguments`, `400 too many arguments`,
// `Unknown option: <name>\n400 unable to parse option`, `unknown command 'qm <verb>'`,
// `400 Parameter verification failed.\n<opt>: missing value`.
Request parse_args(const std::vector<std::string>& argv);

// The command line as typed, shell-quoted where needed (for the audit trail).
std::string quote_command_line(const std::vector<std::string>& argv);

}  // namespace qmd::service
