#include "service/host_facts.h"

#include <cstdio>
#include <cstdlib>
#include <regex>

namespace qmd::service {

namespace {
std::string version_from(const char* cmd) {
  FILE* p = ::popen(cmd, "r");
  if (p == nullptr) return {};
  char buf[512] = {0};
  const size_t n = std::fread(buf, 1, sizeof buf - 1, p);
  ::pclose(p);
  static const std::regex re("version ([0-9]+\\.[0-9]+\\.[0-9]+)");
  std::cmatch m;
  if (std::regex_search(static_cast<const char*>(buf), static_cast<const char*>(buf) + n, m, re)) return m[1];
  return {};
}
}  // namespace

const std::string& installed_qemu_version() {
  static const std::string v = [] {
    if (const char* e = std::getenv("QMD_QEMU_VERSION"); e && *e) return std::string(e);
    std::string s = version_from("qemu-system-x86_64 --version 2>/dev/null");
    if (s.empty()) s = version_from("qemu-img --version 2>/dev/null");
    return s.empty() ? std::string("0.0.0") : s;
  }();
  return v;
}

}  // namespace qmd::service
