// SHA-512 crypt(3) hashes of a cloud-init password (Proxmox's encrypt_pw).
#pragma once

#include <string>

namespace qmd::service {

// 16 random characters of crypt's salt alphabet [./0-9A-Za-z].
std::string random_crypt_salt();

// crypt(clear, "$6$<salt>$") through libcrypt's crypt_r (thread-safe).
// Requires a salt of the alphabet above; throws std::runtime_error when
// libcrypt refuses (never returns the cleartext).
std::string sha512_crypt(const std::string& clear, const std::string& salt);

// The value to store for a cipassword given as `value`: kept when it already
// is a crypt hash (config::is_crypt_hash), else sha512_crypt with a fresh salt.
std::string stored_password(const std::string& value);

}  // namespace qmd::service
