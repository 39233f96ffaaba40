#include "service/cli/secret_options.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "config/secrets.h"
#include "service/support/crypt_password.h"

namespace qmd::service {

std::string uri_escape(const std::string& bytes) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : bytes) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

void read_sshkeys_files(Request& req) {
  for (auto& [name, value] : req.options) {
    if (name != "sshkeys") continue;
    std::ifstream in(value, std::ios::binary);
    if (!in) {
      if (value.find('/') == std::string::npos) continue;  // an encoded value, not a path
      throw CommandError("unable to open file '" + value + "' - " + std::strerror(errno));
    }
    std::ostringstream contents;
    contents << in.rdbuf();
    value = uri_escape(contents.str());
  }
}

void hash_passwords(Request& req) {
  for (auto& [name, value] : req.options)
    if (config::is_secret_key(name)) value = stored_password(value);
}

std::vector<std::string> argv_without_secrets(const std::vector<std::string>& argv) {
  std::vector<std::string> out = argv;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::string& a = out[i];
    if (a.size() < 2 || a[0] != '-') continue;
    std::string name = a.substr(a[1] == '-' ? 2 : 1);
    const auto eq = name.find('=');
    if (!config::is_secret_key(name.substr(0, eq))) continue;
    if (eq != std::string::npos) out[i] = a.substr(0, a.size() - (name.size() - eq - 1)) + std::string(config::kHiddenValue);
    else if (i + 1 < out.size()) out[++i] = std::string(config::kHiddenValue);
  }
  return out;
}

}  // namespace qmd::service
