#include "config/formats/validators.h"

#include <arpa/inet.h>

#include <cctype>
#include <cstdint>

namespace qmd::config::fmt {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}
bool all_hex(std::string_view s, size_t n) {
  if (s.size() != n) return false;
  for (char c : s)
    if (!is_hex(c)) return false;
  return true;
}
std::string q(std::string_view v) { return "'" + std::string(v) + "'"; }

// Storage id: [a-z][a-z0-9\-_.]*[a-z0-9] (case-insensitive), at least 2 chars.
bool is_storage_id(std::string_view s) {
  if (s.size() < 2 || !is_alpha(s.front()) || !is_alnum(s.back())) return false;
  for (char c : s)
    if (!is_alnum(c) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

// ^[a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?$
bool is_dns_label(std::string_view s) {
  if (s.empty() || !is_alnum(s.front()) || !is_alnum(s.back())) return false;
  for (char c : s)
    if (!is_alnum(c) && c != '-') return false;
  return true;
}

bool is_dns_name(std::string_view s) {
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    std::string_view label = s.substr(start, dot == std::string_view::npos ? s.npos : dot - start);
    if (!is_dns_label(label)) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// One CIDR: address + "/" + prefix with lo < prefix <= hi (prefix > 7 upstream).
bool is_cidr(std::string_view v, bool v6) {
  size_t slash = v.find('/');
  if (slash == std::string_view::npos) return false;
  std::string_view addr = v.substr(0, slash), len = v.substr(slash + 1);
  if (!all_digits(len) || len.size() > 3) return false;
  int n = std::stoi(std::string(len));
  if (v6) return is_ipv6(addr) && n > 7 && n <= 128;
  return is_ipv4(addr) && n > 7 && n <= 32;
}

bool is_valid_drive_name(std::string_view s) {
  auto indexed = [&](std::string_view base, int max) {
    if (!s.starts_with(base)) return false;
    std::string_view n = s.substr(base.size());
    if (!all_digits(n) || n.size() > 3 || (n.size() > 1 && n[0] == '0')) return false;
    return std::stoi(std::string(n)) < max;
  };
  return indexed("ide", 4) || indexed("sata", 6) || indexed("scsi", 31) ||
         indexed("virtio", 16) || s == "efidisk0" || s == "tpmstate0";
}

bool indexed_key(std::string_view s, std::string_view base, int max) {
  if (!s.starts_with(base)) return false;
  std::string_view n = s.substr(base.size());
  if (!all_digits(n) || n.size() > 3 || (n.size() > 1 && n[0] == '0')) return false;
  return std::stoi(std::string(n)) < max;
}

}  // namespace

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (is_space(c) || c == ',' || c == ';' || c == '\0') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

std::string volume_id(std::string_view v) {
  size_t colon = v.find(':');
  // ^([a-z][a-z0-9\-\_\.]*[a-z0-9]):(.+)$ -- the storage part is greedy, so
  // the *last* colon that leaves a valid storage id and a non-empty rest wins.
  for (size_t i = v.size(); colon != std::string_view::npos && i-- > 0;) {
    if (v[i] != ':') continue;
    std::string_view rest = v.substr(i + 1);
    if (!rest.empty() && rest.find('\n') == rest.npos && is_storage_id(v.substr(0, i)))
      return "";
  }
  return "unable to parse volume ID " + q(v);
}

std::string volume_id_or_qm_path(std::string_view v) {
  if (v == "none" || v == "cdrom") return "";
  return volume_id_or_absolute_path(v);
}

std::string volume_id_or_absolute_path(std::string_view v) {
  if (v.starts_with('/')) return "";
  return volume_id(v);
}

std::string volume_id_list(std::string_view v) {
  for (const auto& item : split_list(v))
    if (auto e = volume_id(item); !e.empty()) return e;
  return "";
}

std::string storage_id(std::string_view v) {
  if (is_storage_id(v)) return "";
  return "storage ID " + q(v) + " contains illegal characters";
}

std::string dns_name(std::string_view v) {
  return is_dns_name(v) ? "" : "value does not look like a valid DNS name";
}

std::string mac_addr(std::string_view v) {
  // ^[a-f0-9][02468ace](?::[a-f0-9]{2}){5}$ (case-insensitive)
  static constexpr std::string_view even = "02468aceACE";
  bool ok = v.size() == 17 && is_hex(v[0]) && even.find(v[1]) != even.npos;
  for (size_t i = 2; ok && i < 17; i += 3)
    ok = v[i] == ':' && is_hex(v[i + 1]) && is_hex(v[i + 2]);
  return ok ? "" : "value does not look like a valid unicast MAC address";
}

std::string bridge_id(std::string_view v) {
  bool ok = !v.empty();
  for (char c : v)
    if (!is_alnum(c) && c != '-' && c != '_' && c != '.') ok = false;
  return ok ? "" : "invalid bridge ID " + q(v);
}

std::string urlencoded(std::string_view v) {
  static constexpr std::string_view extra = "-%_.!~*'()";
  for (char c : v)
    if (!is_alnum(c) && extra.find(c) == extra.npos) return "invalid urlencoded string: " + std::string(v);
  return "";
}

std::string disk_size(std::string_view v) {
  // ^\d+(\.\d+)?([KMGT](iB)?)?$
  size_t i = 0;
  while (i < v.size() && is_digit(v[i])) ++i;
  bool ok = i > 0;
  if (ok && i < v.size() && v[i] == '.') {
    size_t j = ++i;
    while (i < v.size() && is_digit(v[i])) ++i;
    ok = i > j;
  }
  if (ok && i < v.size() && std::string_view("KMGT").find(v[i]) != std::string_view::npos) {
    ++i;
    if (v.substr(i) == "iB") i += 2;
  }
  if (ok && i == v.size()) return "";
  return "value does not look like a valid disk size: " + std::string(v);
}

bool is_ipv4(std::string_view v) {
  // (?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(same)
  int parts = 0;
  size_t i = 0;
  while (true) {
    size_t j = i;
    while (j < v.size() && is_digit(v[j])) ++j;
    size_t n = j - i;
    if (n == 0 || n > 3) return false;
    int val = std::stoi(std::string(v.substr(i, n)));
    if (val > 255) return false;
    if (n == 3 && v[i] > '2') return false;
    ++parts;
    if (parts == 4) return j == v.size();
    if (j >= v.size() || v[j] != '.') return false;
    i = j + 1;
  }
}

bool is_ipv6(std::string_view v) {
  if (v.empty() || v.size() > 45) return false;
  std::string s(v);
  unsigned char buf[16];
  return inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

std::string ipv4(std::string_view v) {
  return is_ipv4(v) ? "" : "value does not look like a valid IPv4 address";
}
std::string ipv6(std::string_view v) {
  return is_ipv6(v) ? "" : "value does not look like a valid IPv6 address";
}
std::string ipv4_config(std::string_view v) {
  if (v == "dhcp" || v == "manual" || is_cidr(v, false)) return "";
  return "value does not look like a valid ipv4 network configuration";
}
std::string ipv6_config(std::string_view v) {
  if (v == "auto" || v == "dhcp" || v == "manual" || is_cidr(v, true)) return "";
  return "value does not look like a valid ipv6 network configuration";
}

std::string address_list(std::string_view v) {
  for (const auto& a : split_list(v))
    if (!is_ipv4(a) && !is_ipv6(a) && !is_dns_name(a))
      return "value does not look like a valid address: " + a;
  return "";
}

std::string tag_list(std::string_view v) {
  // each tag: [a-z0-9_][a-z0-9_\-+.]* (case-insensitive)
  for (const auto& t : split_list(v)) {
    bool ok = is_alnum(t[0]) || t[0] == '_';
    for (char c : t)
      if (!is_alnum(c) && c != '_' && c != '-' && c != '+' && c != '.') ok = false;
    if (!ok) return "invalid characters in tag";
  }
  return "";
}

std::string startup_order(std::string_view v) {
  bool any = false;
  size_t start = 0;
  while (start <= v.size()) {
    size_t comma = v.find(',', start);
    std::string_view p = v.substr(start, comma == v.npos ? v.npos : comma - start);
    start = comma == v.npos ? v.size() + 1 : comma + 1;
    bool blank = true;
    for (char c : p)
      if (!is_space(c)) blank = false;
    if (blank) continue;
    if (p.starts_with("order=")) p.remove_prefix(6);
    else if (p.starts_with("up=")) p.remove_prefix(3);
    else if (p.starts_with("down=")) p.remove_prefix(5);
    if (!all_digits(p)) return "unable to parse startup options";
    any = true;
  }
  // Upstream returns an empty (but true) hash for e.g. ",": only "" and "0" fail.
  (void)any;
  if (v.empty() || v == "0") return "unable to parse startup options";
  return "";
}

std::string hotplug_features(std::string_view v) {
  if (v == "0" || v == "1") return "";
  for (const auto& f : split_list(v))
    if (f != "network" && f != "disk" && f != "cpu" && f != "memory" && f != "usb" && f != "cloudinit")
      return "invalid hotplug feature " + q(f);
  return "";
}

std::string cpuset(std::string_view v) {
  // PVE::CpuSet::parse_cpuset: comma list of N or N-M (N <= M), ids < 8192.
  bool any = false;
  size_t start = 0;
  while (start <= v.size()) {
    size_t comma = v.find(',', start);
    std::string_view p = v.substr(start, comma == v.npos ? v.npos : comma - start);
    start = comma == v.npos ? v.size() + 1 : comma + 1;
    size_t dash = p.find('-');
    std::string_view a = p.substr(0, dash), b = dash == p.npos ? a : p.substr(dash + 1);
    if (!all_digits(a) || !all_digits(b) || a.size() > 5 || b.size() > 5)
      return "unable to parse cpuset option";
    int x = std::stoi(std::string(a)), y = std::stoi(std::string(b));
    if (x > y || y >= 8192) return "unable to parse cpuset option";
    any = true;
  }
  return any ? "" : "unable to parse cpuset option";
}

std::string config_id(std::string_view v) {
  bool ok = v.size() >= 2 && is_alpha(v[0]);
  for (char c : v)
    if (!is_alnum(c) && c != '_' && c != '-') ok = false;
  return ok ? "" : "invalid configuration ID " + q(v);
}

std::string snapshot_name(std::string_view v) {
  // [a-z][a-z0-9_\-]+ -- the form a snapshot section header can carry.
  return config_id(v);
}

std::string bootdisk(std::string_view v) {
  return is_valid_drive_name(v) ? "" : "invalid boot disk " + q(v);
}

std::string bootdev_list(std::string_view v) {
  for (const auto& d : split_list(v)) {
    bool ok = (is_valid_drive_name(d) && d != "efidisk0" && d != "tpmstate0") ||
              indexed_key(d, "net", 32) || indexed_key(d, "usb", 14) || indexed_key(d, "hostpci", 16);
    if (!ok) return "invalid boot device " + q(d);
  }
  return "";
}

std::string usb_device(std::string_view v) {
  auto hex4 = [](std::string_view s) {
    if (s.starts_with("0x")) s.remove_prefix(2);
    return all_hex(s, 4);
  };
  size_t colon = v.find(':');
  if (colon != v.npos && hex4(v.substr(0, colon)) && hex4(v.substr(colon + 1))) return "";
  size_t dash = v.find('-');
  if (dash != v.npos && all_digits(v.substr(0, dash))) {
    std::string_view ports = v.substr(dash + 1);
    bool ok = !ports.empty();
    size_t s = 0;
    while (ok && s <= ports.size()) {
      size_t dot = ports.find('.', s);
      ok = all_digits(ports.substr(s, dot == ports.npos ? ports.npos : dot - s));
      s = dot == ports.npos ? ports.size() + 1 : dot + 1;
    }
    if (ok) return "";
  }
  if (v.size() == 5) {
    std::string l;
    for (char c : v) l.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    if (l == "spice") return "";
  }
  return "unable to parse usb device";
}

std::string phys_bits(std::string_view v) {
  if (v == "host") return "";
  if (all_digits(v) && v.size() <= 2) {
    int n = std::stoi(std::string(v));
    if (n >= 8 && n <= 64) return "";
  }
  return "invalid format - value '" + std::string(v) + "' is not 'host' or a number between 8 and 64";
}

bool pat_uuid(std::string_view v) {
  if (v.size() != 36) return false;
  for (size_t i = 0; i < 36; ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? v[i] != '-' : !is_hex(v[i])) return false;
  }
  return true;
}
bool pat_vmgenid(std::string_view v) { return v == "0" || v == "1" || pat_uuid(v); }

bool pat_startdate(std::string_view v) {
  if (v == "now") return true;
  // \d{4}-\d{1,2}-\d{1,2}(T\d{1,2}:\d{1,2}:\d{1,2})?
  auto num = [&](size_t& i, size_t lo, size_t hi) {
    size_t j = i;
    while (j < v.size() && is_digit(v[j]) && j - i < hi) ++j;
    bool ok = j - i >= lo;
    i = j;
    return ok;
  };
  size_t i = 0;
  auto lit = [&](char c) { return i < v.size() && v[i++] == c; };
  if (!num(i, 4, 4) || !lit('-') || !num(i, 1, 2) || !lit('-') || !num(i, 1, 2)) return false;
  if (i == v.size()) return true;
  return lit('T') && num(i, 1, 2) && lit(':') && num(i, 1, 2) && lit(':') && num(i, 1, 2) &&
         i == v.size();
}

bool pat_serial_port(std::string_view v) { return v == "socket" || (v.starts_with("/dev/") && v.size() > 5); }

bool pat_parallel_port(std::string_view v) {
  if (v.starts_with("/dev/parport")) return all_digits(v.substr(12));
  if (v.starts_with("/dev/usb/lp")) return all_digits(v.substr(11));
  return false;
}

bool pat_bootdisk(std::string_view v) {
  for (std::string_view b : {"ide", "sata", "scsi", "virtio"})
    if (v.starts_with(b) && all_digits(v.substr(b.size()))) return true;
  return false;
}

bool pat_id_ranges(std::string_view v) {
  size_t s = 0;
  while (true) {
    size_t semi = v.find(';', s);
    std::string_view p = v.substr(s, semi == v.npos ? v.npos : semi - s);
    size_t dash = p.find('-');
    if (!all_digits(p.substr(0, dash))) return false;
    if (dash != p.npos && !all_digits(p.substr(dash + 1))) return false;
    if (semi == v.npos) return true;
    s = semi + 1;
  }
}

bool pat_boot_legacy(std::string_view v) {
  if (v.empty() || v.size() > 4) return false;
  for (char c : v)
    if (c != 'a' && c != 'c' && c != 'd' && c != 'n') return false;
  return true;
}

bool pat_base64(std::string_view v) {
  size_t i = 0;
  while (i < v.size() && (is_alnum(v[i]) || v[i] == '+' || v[i] == '/')) ++i;
  if (i == 0) return false;
  size_t pad = v.size() - i;
  if (pad > 2) return false;
  for (; i < v.size(); ++i)
    if (v[i] != '=') return false;
  return true;
}

bool pat_wwn(std::string_view v) { return v.size() >= 18 && v.starts_with("0x") && all_hex(v.substr(2, 16), 16); }

static bool vendor_chars(std::string_view v, size_t max) {
  if (v.size() > max) return false;
  for (char c : v)
    if (!is_alnum(c) && c != '-' && c != '_' && !is_space(c)) return false;
  return true;
}
bool pat_vendor8(std::string_view v) { return vendor_chars(v, 8); }
bool pat_product16(std::string_view v) { return vendor_chars(v, 16); }

bool pat_hex_id(std::string_view v) { return v.size() == 6 && v.starts_with("0x") && all_hex(v.substr(2), 4); }

bool pat_pci_host(std::string_view v) {
  // [domain:]bus:dev[.func] separated by ';'
  size_t s = 0;
  while (true) {
    size_t semi = v.find(';', s);
    std::string_view p = v.substr(s, semi == v.npos ? v.npos : semi - s);
    size_t dot = p.find('.');
    std::string_view func = dot == p.npos ? std::string_view() : p.substr(dot + 1);
    std::string_view head = p.substr(0, dot);
    if (dot != p.npos && !all_hex(func, 1)) return false;
    size_t c2 = head.rfind(':');
    if (c2 == head.npos || !all_hex(head.substr(c2 + 1), 2)) return false;
    std::string_view front = head.substr(0, c2);
    size_t c1 = front.rfind(':');
    std::string_view bus = c1 == front.npos ? front : front.substr(c1 + 1);
    if (!all_hex(bus, 2)) return false;
    if (c1 != front.npos) {
      std::string_view dom = front.substr(0, c1);
      if (dom.size() < 4 || !all_hex(dom, dom.size())) return false;
    }
    if (semi == v.npos) return true;
    s = semi + 1;
  }
}

bool pat_alnum_1_12(std::string_view v) {
  if (v.empty() || v.size() > 12) return false;
  for (char c : v)
    if (!is_alnum(c)) return false;
  return true;
}

bool pat_cpu_type(std::string_view v) {
  if (v.empty()) return false;
  for (char c : v)
    if (!is_alnum(c) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

bool pat_cpu_flags(std::string_view v) {
  // (?:[+-][a-zA-Z0-9\-_\.]+;?)*
  size_t i = 0;
  while (i < v.size()) {
    if (v[i] != '+' && v[i] != '-') return false;
    size_t j = ++i;
    while (i < v.size() && (is_alnum(v[i]) || v[i] == '-' || v[i] == '_' || v[i] == '.')) {
      // a '+'/'-' after ';' starts the next flag; '-' inside a name is fine.
      ++i;
    }
    if (i == j) return false;
    if (i < v.size() && v[i] == ';') ++i;
  }
  return true;
}

bool pat_machine_type(std::string_view v) {
  if (v.empty() || v.size() > 40) return false;
  for (char c : v)
    if (!is_alnum(c) && c != '-' && c != '.' && c != '+' && c != '_') return false;
  return true;
}

bool pat_shm_name(std::string_view v) {
  if (v.empty()) return false;
  for (char c : v)
    if (!is_alnum(c) && c != '-') return false;
  return true;
}

bool pat_version(std::string_view v) {
  // \d+(\.\d+)+ with an optional +pveN suffix
  size_t plus = v.find('+');
  std::string_view num = v.substr(0, plus);
  if (plus != v.npos && !(v.substr(plus + 1).starts_with("pve") && all_digits(v.substr(plus + 4))))
    return false;
  size_t s = 0, parts = 0;
  while (true) {
    size_t d = num.find('.', s);
    if (!all_digits(num.substr(s, d == num.npos ? num.npos : d - s))) return false;
    ++parts;
    if (d == num.npos) return parts >= 2;
    s = d + 1;
  }
}

bool pat_digits(std::string_view v) { return all_digits(v); }

bool pat_qemu_cpu_cmdline(std::string_view v) {
  if (v.empty()) return false;
  for (char c : v)
    if (!is_alnum(c) && std::string_view("-_.=+,").find(c) == std::string_view::npos) return false;
  return true;
}

bool pat_mdev(std::string_view v) {
  if (v.empty()) return false;
  for (char c : v)
    if (!is_alnum(c) && c != '-' && c != '_') return false;
  return true;
}

bool pat_romfile(std::string_view v) {
  if (v.empty()) return false;
  for (char c : v)
    if (c == '/' || is_space(c)) return false;
  return true;
}

}  // namespace qmd::config::fmt
