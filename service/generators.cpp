#include "service/generators.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <random>

#include "events/ids.h"

namespace qmd::service {

std::string random_mac(const std::string& prefix) {
  std::random_device rd;
  unsigned char b[6];
  for (auto& x : b) x = static_cast<unsigned char>(rd() & 0xff);
  b[0] = static_cast<unsigned char>((b[0] & 0xfe) | 0x02);
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02X:%02X:%02X:%02X:%02X:%02X", b[0], b[1], b[2], b[3], b[4], b[5]);
  std::string mac(buf);
  std::string p = prefix;
  std::transform(p.begin(), p.end(), p.begin(), [](unsigned char c) { return std::toupper(c); });
  mac.replace(0, std::min(p.size(), mac.size()), p.substr(0, mac.size()));
  return mac;
}

Generators Generators::system() {
  Generators g;
  g.uuid = [] { return events::new_uuid(); };
  g.mac = [] { return random_mac(); };
  g.now_s = [] {
    using namespace std::chrono;
    return static_cast<int64_t>(duration_cast<seconds>(system_clock::now().time_since_epoch()).count());
  };
  return g;
}

}  // namespace qmd::service
