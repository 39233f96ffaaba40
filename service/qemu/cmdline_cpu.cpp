// -cpu, -m and the default NUMA layout (spec §10.1 items 12-13).
#include <sstream>

#include "service/qemu/cmdline_parts.h"

namespace qmd::qemu::detail {

namespace {

// Hyper-V enlightenments for Windows guests; they need KVM.
std::vector<std::string> hyperv_flags(const std::string& ostype) {
  if (ostype == "win7" || ostype == "w2k8" || ostype == "wvista") {
    return {"hv_relaxed", "hv_spinlocks=0x1fff", "hv_time", "hv_vapic"};
  }
  if (ostype == "win8" || ostype == "win10" || ostype == "win11") {
    return {"hv_ipi", "hv_relaxed", "hv_reset", "hv_runtime", "hv_spinlocks=0x1fff", "hv_stimer",
            "hv_synic", "hv_time", "hv_vapic", "hv_vpindex"};
  }
  return {};
}

std::vector<std::string> split_flags(const std::string& text) {
  std::vector<std::string> out;
  std::string f;
  std::istringstream in(text);
  while (std::getline(in, f, ';')) {
    if (!f.empty()) out.push_back(f);
  }
  return out;
}

}  // namespace

void add_cpu(Build& b) {
  if (b.ctx.forcecpu) {  // the exact -cpu of the run a saved state comes from
    b.add(b.cmd, "-cpu", *b.ctx.forcecpu);
    return;
  }
  const PropMap cpu = props(b.conf, "cpu");
  const HostCaps& host = b.ctx.host;
  std::string model = cpu.count("cputype") ? cpu.at("cputype") : (b.kvm ? "kvm64" : "qemu64");
  if (model.rfind("custom-", 0) == 0) {
    throw CmdlineError("custom CPU model '" + model.substr(7) + "' is not defined on this host (no cpu-models.conf)");
  }
  if (model == "host" && !b.kvm) {
    throw CmdlineError("CPU type 'host' needs KVM, which is not usable on this host");
  }
  if (!host.cpu_models.empty() && !host.cpu_models.count(model)) {
    throw CmdlineError("CPU model '" + model + "' is not known to the installed QEMU " + host.qemu_version);
  }
  std::vector<std::string> flags;
  if (b.kvm) {
    if (model != "host" && model != "max") flags.push_back("enforce");
    if (b.windows()) {
      for (auto& f : hyperv_flags(b.ostype())) flags.push_back(f);
      if (cpu.count("hv-vendor-id")) flags.push_back("hv_vendor_id=" + cpu.at("hv-vendor-id"));
    }
    flags.push_back("+kvm_pv_eoi");
    flags.push_back("+kvm_pv_unhalt");
  }
  if (model == "kvm64" || model == "qemu64" || model == "kvm32" || model == "qemu32") {
    flags.push_back("+lahf_lm");
    flags.push_back("+sep");
  }
  if (cpu.count("hidden") && cpu.at("hidden") == "1") flags.push_back("kvm=off");
  if (auto pb = cpu.find("phys-bits"); pb != cpu.end()) {
    flags.push_back(pb->second == "host" ? "host-phys-bits=true" : "phys-bits=" + pb->second);
  }
  if (cpu.count("flags")) {
    for (auto& f : split_flags(cpu.at("flags"))) flags.push_back(f);
  }
  std::string arg = model;
  for (const auto& f : flags) arg += "," + f;
  b.add(b.cmd, "-cpu", arg);
}

void add_memory(Build& b) {
  const PropMap mem = props(b.conf, "memory");
  const int64_t mib = mem.count("current") ? to_int("memory", mem.at("current")) : 512;
  b.add(b.cmd, "-m", std::to_string(mib));
  if (!get_bool(b.conf, "numa", false)) return;
  const int64_t sockets = to_int("sockets", get(b.conf, "sockets", "1"));
  const int64_t cores = to_int("cores", get(b.conf, "cores", "1"));
  if (mib % sockets != 0) {
    throw CmdlineError("cannot distribute memory of " + std::to_string(mib) + " MiB evenly over " +
                       std::to_string(sockets) + " NUMA nodes");
  }
  for (int64_t i = 0; i < sockets; ++i) {
    const std::string id = "ram-node" + std::to_string(i);
    b.add(b.cmd, "-object", "memory-backend-ram,id=" + id + ",size=" + std::to_string(mib / sockets) + "M");
    const int64_t first = i * cores, last = first + cores - 1;
    std::string cpus = std::to_string(first);
    if (last > first) cpus += "-" + std::to_string(last);
    b.add(b.cmd, "-numa", "node,nodeid=" + std::to_string(i) + ",cpus=" + cpus + ",memdev=" + id);
  }
}

}  // namespace qmd::qemu::detail
