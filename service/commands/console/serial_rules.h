// The rules of `qm terminal` that need no I/O: the escape character and which
// serial interface to attach, with Proxmox's messages (qm.pm `terminal`).
#pragma once

#include <optional>
#include <string>

#include "config/config_file.h"

namespace qmd::service::console {

// `--escape`: `^X` (X in '@'..'z', the control character X & 0x1f), a hex
// `0x..` or a decimal number; 0 means no escape character. Throws
// CommandError `invalid escape character definition: <text>` on anything else.
int parse_escape(const std::string& text);

// " (press Ctrl+O to exit)" for escape 0x0f; "" for 0 (no escape).
std::string escape_hint(int escape);

// The interface to attach: `iface` when given (it must be configured and be
// `socket`), else the first of serial0..3 that is `socket`. Throws
// CommandError with Proxmox's text: `serial interface 'serial1' is not
// configured`, `wrong serial type on interface 'serial1'`, `unable to find a
// serial interface`.
std::string pick_serial_iface(const config::Section& conf, const std::optional<std::string>& iface);

}  // namespace qmd::service::console
