// Config values that are secrets (cipassword): how they are recognised and how
// they are shown. Pure.
//
// A secret is stored only as a crypt(3) hash (never in cleartext); every
// listing a person reads (qm config, pending, history, diff, audit, logs)
// shows `kHiddenValue` in its place, or only that it changed.
#pragma once

#include <string>
#include <string_view>

#include "config/config_file.h"

namespace qmd::config {

// What Proxmox's API prints for a set cipassword.
inline constexpr std::string_view kHiddenValue = "**********";

// cipassword (the only secret key of a VM config).
bool is_secret_key(std::string_view key);

// Proxmox's test whether a cipassword value already is a crypt hash
// (kept as given): /^\$(?:[156]|2[ay])(\$.+){2}/.
bool is_crypt_hash(std::string_view value);

// Every secret key of `section` set to kHiddenValue (for qm config / pending).
void hide_secrets(Section& section);

// `value` for display: kHiddenValue for a secret key, else `value` itself.
std::string shown_value(std::string_view key, const std::string& value);

}  // namespace qmd::config
