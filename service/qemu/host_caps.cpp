// Probing what this host offers QEMU (HostCaps), once per process.
#include <fcntl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <regex>
#include <sstream>

#include <spdlog/spdlog.h>

#include "service/qemu/cmdline.h"

namespace qmd::qemu {

namespace fs = std::filesystem;

namespace {

// stdout of a shell command ("" when it cannot run).
std::string run_output(const std::string& cmd) {
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return {};
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  return out;
}

std::string find_in_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream ss(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    const std::string p = dir + "/" + name;
    if (::access(p.c_str(), X_OK) == 0) return p;
  }
  return {};
}

bool cpuinfo_has_virt() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  static const std::regex flag_re("\\b(vmx|svm)\\b");
  while (std::getline(in, line)) {
    if (line.rfind("flags", 0) == 0 && std::regex_search(line, flag_re)) return true;
  }
  return false;
}

bool kvm_usable() {
  if (const char* e = std::getenv("QMD_ACCEL"); e && *e) {
    const std::string v = e;
    if (v == "kvm") return true;
    if (v == "tcg") return false;
    spdlog::warn("QMD_ACCEL={} is neither kvm nor tcg; probing the host", v);
  }
  // /dev/kvm alone is not enough: a software nested KVM without vmx/svm
  // cannot boot a guest kernel (DESIGN.md, runtime facts).
  if (!cpuinfo_has_virt()) return false;
  const int fd = ::open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

std::set<std::string> parse_machine_help(const std::string& text) {
  std::set<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line.rfind("Supported", 0) == 0) continue;
    const auto end = line.find(' ');
    out.insert(line.substr(0, end));
  }
  return out;
}

std::set<std::string> parse_cpu_help(const std::string& text) {
  std::set<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    // "x86 Icelake-Server        (alias ...)"
    std::istringstream ls(line);
    std::string arch, model;
    if (!(ls >> arch >> model)) continue;
    if (arch == "x86") out.insert(model);
    if (line.rfind("Recognized CPUID flags", 0) == 0) break;
  }
  return out;
}

std::string existing(const std::string& path) { return fs::exists(path) ? path : std::string(); }

HostCaps probe() {
  HostCaps h;
  if (const char* b = std::getenv("QMD_QEMU"); b && *b) {
    h.qemu_binary = b;
  } else if (auto p = find_in_path("qemu-system-x86_64"); !p.empty()) {
    h.qemu_binary = p;
  }
  const std::string q = "'" + h.qemu_binary + "'";
  static const std::regex ver_re("version ([0-9]+\\.[0-9]+\\.[0-9]+)");
  std::smatch m;
  const std::string ver = run_output(q + " --version 2>/dev/null");
  if (std::regex_search(ver, m, ver_re)) h.qemu_version = m[1];
  struct utsname u{};
  if (::uname(&u) == 0) h.arch = u.machine;
  h.kvm = kvm_usable();
  h.vhost_net = fs::exists("/dev/vhost-net");
  if (!h.qemu_version.empty()) {
    h.machine_types = parse_machine_help(run_output(q + " -machine help 2>/dev/null"));
    h.cpu_models = parse_cpu_help(run_output(q + " -cpu help 2>/dev/null"));
    h.spice = run_output(q + " -spice help 2>&1").find("spice options") != std::string::npos;
  }
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/usr/share/OVMF", ec)) {
    h.ovmf_files[e.path().filename().string()] = e.path().string();
  }
  for (const auto& e : fs::directory_iterator("/sys/class/net", ec)) {
    if (fs::exists(e.path() / "bridge")) h.bridges.insert(e.path().filename().string());
  }
  h.bridge_script = existing("/usr/libexec/qemu-server/pve-bridge");
  h.bridgedown_script = existing("/usr/libexec/qemu-server/pve-bridgedown");
  h.bootsplash = existing("/usr/share/qemu-server/bootsplash.jpg");
  h.swtpm = !find_in_path("swtpm").empty();
  static const std::regex hp_re("hugepages-([0-9]+)kB");
  for (const auto& e : fs::directory_iterator("/sys/kernel/mm/hugepages", ec)) {
    const std::string name = e.path().filename().string();
    std::smatch hm;
    if (!std::regex_match(name, hm, hp_re)) continue;
    std::ifstream nr(e.path() / "nr_hugepages");
    uint64_t n = 0;
    if (nr >> n && n > 0) h.hugepage_sizes_kb.insert(std::stoull(hm[1]));
  }
  spdlog::debug("host caps: qemu {} at {}, kvm {}, {} machine types, {} OVMF files", h.qemu_version,
                h.qemu_binary, h.kvm, h.machine_types.size(), h.ovmf_files.size());
  return h;
}

}  // namespace

std::pair<int, int> HostCaps::version() const {
  int a = 0, b = 0;
  if (std::sscanf(qemu_version.c_str(), "%d.%d", &a, &b) != 2) return {0, 0};
  return {a, b};
}

const HostCaps& detect_host_caps() {
  static const HostCaps caps = probe();
  return caps;
}

}  // namespace qmd::qemu
