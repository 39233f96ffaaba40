#include "service/support/crypt_password.h"

#include <crypt.h>

#include <cstring>
#include <memory>
#include <random>
#include <stdexcept>

#include "config/secrets.h"

namespace qmd::service {

std::string random_crypt_salt() {
  static constexpr std::string_view alphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::random_device rd;
  std::string salt;
  for (int i = 0; i < 16; ++i) salt += alphabet[rd() % alphabet.size()];
  return salt;
}

std::string sha512_crypt(const std::string& clear, const std::string& salt) {
  auto data = std::make_unique<crypt_data>();
  std::memset(data.get(), 0, sizeof(crypt_data));
  const std::string setting = "$6$" + salt + "$";
  const char* out = crypt_r(clear.c_str(), setting.c_str(), data.get());
  // libcrypt signals failure with NULL or a string starting with '*'.
  if (out == nullptr || out[0] == '*') throw std::runtime_error("cannot hash the password (crypt failed)");
  std::string hash(out);
  std::memset(data.get(), 0, sizeof(crypt_data));  // the cleartext passed through it
  return hash;
}

std::string stored_password(const std::string& value) {
  if (config::is_crypt_hash(value)) return value;
  return sha512_crypt(value, random_crypt_salt());
}

}  // namespace qmd::service
