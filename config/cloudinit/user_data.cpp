#include "config/cloudinit/documents.h"

#include <set>

#include "config/config_error.h"

namespace qmd::config::cloudinit {

namespace {

const std::string* get(const Section& conf, const std::string& key) {
  auto it = conf.find(key);
  return it == conf.end() ? nullptr : &it->second;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool is_windows(const Section& conf) {
  static const std::set<std::string> win = {"wxp", "w2k", "w2k3", "w2k8", "wvista", "win7", "win8", "win10", "win11"};
  const std::string* os = get(conf, "ostype");
  return os != nullptr && win.count(*os);
}

std::string format_of(const Section& conf) {
  if (const std::string* t = get(conf, "citype")) return *t;
  return is_windows(conf) ? "configdrive2" : "nocloud";
}

std::string uri_unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::vector<std::string> ssh_keys(const Section& conf) {
  std::vector<std::string> keys;
  const std::string* enc = get(conf, "sshkeys");
  if (enc == nullptr) return keys;
  const std::string all = uri_unescape(*enc);
  size_t pos = 0;
  while (pos <= all.size()) {
    size_t nl = all.find('\n', pos);
    if (nl == std::string::npos) nl = all.size();
    const std::string line = all.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.find_first_not_of(" \t\r\f\v") != std::string::npos) keys.push_back(line);
  }
  return keys;
}

std::string user_data(const Section& conf, int64_t vmid) {
  std::string hostname = get(conf, "name") ? *get(conf, "name") : "VM" + std::to_string(vmid);
  std::string fqdn;
  if (hostname.find('.') != std::string::npos) {
    fqdn = hostname;
    hostname.resize(hostname.find('.'));
  } else if (const std::string* s = get(conf, "searchdomain"); s && !s->empty()) {
    fqdn = hostname + "." + *s;
  } else {
    fqdn = hostname;
  }
  std::string out = "#cloud-config\nhostname: " + hostname + "\nmanage_etc_hosts: true\nfqdn: " + fqdn + "\n";
  const std::string* user = get(conf, "ciuser");
  if (user) out += "user: " + *user + "\n";
  if (user && *user == "root") out += "disable_root: False\n";
  if (const std::string* pw = get(conf, "cipassword")) out += "password: " + *pw + "\n";
  if (get(conf, "sshkeys")) {
    out += "ssh_authorized_keys:\n";
    for (const auto& k : ssh_keys(conf)) out += "  - " + k + "\n";
  }
  out += "chpasswd:\n  expire: False\n";
  if (!user || *user != "root") out += "users:\n  - default\n";
  const std::string* up = get(conf, "ciupgrade");
  if (!up || (*up != "0" && !up->empty())) out += "package_upgrade: true\n";
  return out;
}

}  // namespace qmd::config::cloudinit
