// Character classes as Proxmox's Perl code uses them.
#pragma once

namespace qmd::config {

// Perl's \s in the C locale: space, \t, \n, \r, \f, \v.
inline bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

}  // namespace qmd::config
