// The machine type against this QEMU, and the assembly of the whole command
// line in the order of spec §10.1.
#include <algorithm>
#include <regex>

#include "service/qemu/cmdline_parts.h"

namespace qmd::qemu::detail {

Machine resolve_machine(const Section& s, const HostCaps& host, const std::optional<std::string>& forced) {
  const PropMap m = props(s, "machine");
  Machine out;
  std::string type = forced ? *forced : m.count("type") ? m.at("type") : "pc";
  static const std::regex re(R"(^(pc|q35|pc-i440fx-(\d+)\.(\d+)(\.\d+)?|pc-q35-(\d+)\.(\d+)(\.\d+)?)(\+pve\d+)?(\.pxe)?$)");
  std::smatch sm;
  if (type.rfind("virt", 0) == 0) {
    throw CmdlineError("machine type '" + type + "' is for aarch64 guests, which this x86_64 host cannot run");
  }
  if (!std::regex_match(type, sm, re)) throw CmdlineError("unknown machine type '" + type + "'");
  out.qemu_type = sm[1];
  out.pxe = sm[9].matched;
  out.q35 = out.qemu_type.rfind("q35", 0) == 0 || out.qemu_type.rfind("pc-q35", 0) == 0;
  const auto [hmaj, hmin] = host.version();
  if (sm[2].matched || sm[5].matched) {
    out.major = std::stoi(sm[2].matched ? sm[2].str() : sm[5].str());
    out.minor = std::stoi(sm[3].matched ? sm[3].str() : sm[6].str());
  } else {
    out.major = hmaj;
    out.minor = hmin;
  }
  if (!host.machine_types.count(out.qemu_type)) {
    const bool newer = out.major > hmaj || (out.major == hmaj && out.minor > hmin);
    throw CmdlineError("machine type '" + type + "' is not available in the installed QEMU " + host.qemu_version +
                       (newer ? " (too old for it)" : ""));
  }
  if (m.count("viommu")) out.viommu = m.at("viommu");
  if (m.count("aw-bits")) out.aw_bits = m.at("aw-bits");
  if (out.viommu == "intel" && !out.q35) throw CmdlineError("to use Intel vIOMMU please set the machine type to q35");
  if (!out.aw_bits.empty() && out.viommu.empty()) throw CmdlineError("cannot set aw-bits if no vIOMMU is configured");
  if (!out.aw_bits.empty() && out.viommu == "virtio" && !(hmaj >= 9)) {
    throw CmdlineError("aw-bits for a virtio vIOMMU needs QEMU 9.0 or newer (installed: " + host.qemu_version + ")");
  }
  return out;
}

namespace {

// -smbios type=1,...: keys sorted, base64 values decoded, commas doubled.
std::string smbios_arg(const Section& s);

std::string decode_base64(const std::string& in) {
  static const std::string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0, bits = -8;
  for (char c : in) {
    const auto pos = chars.find(c);
    if (pos == std::string::npos) break;
    val = (val << 6) + static_cast<int>(pos);
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xff));
      bits -= 8;
    }
  }
  return out;
}

std::string smbios_arg(const Section& s) {
  PropMap p = props(s, "smbios1");
  const bool b64 = p.count("base64") && p.at("base64") == "1";
  std::string out = "type=1";
  for (const auto& [k, v] : p) {
    if (k == "base64" || v.empty()) continue;
    std::string val = b64 && k != "uuid" ? decode_base64(v) : v;
    std::string esc;
    for (char c : val) {
      esc += c;
      if (c == ',') esc += ',';
    }
    out += "," + k + "=" + esc;
  }
  return out;
}

std::string smp_arg(const Build& b) {
  const int64_t sockets = to_int("sockets", get(b.conf, "sockets", "1"));
  const int64_t cores = to_int("cores", get(b.conf, "cores", "1"));
  const int64_t max = sockets * cores;
  const int64_t vcpus = b.conf.count("vcpus") ? to_int("vcpus", b.conf.at("vcpus")) : max;
  if (vcpus > max) throw CmdlineError("MAX " + std::to_string(max) + " vcpus allowed per VM on this node");
  return std::to_string(vcpus) + ",sockets=" + std::to_string(sockets) + ",cores=" + std::to_string(cores) +
         ",maxcpus=" + std::to_string(max);
}

// -rtc: Windows/localtime use local time (Windows with drift fix), startdate sets the base.
std::string rtc_arg(const Build& b) {
  std::vector<std::string> parts;
  const bool localtime = get_bool(b.conf, "localtime", b.windows());
  const bool tdf = get_bool(b.conf, "tdf", b.windows() && get_bool(b.conf, "acpi", true));
  if (tdf) parts.push_back("driftfix=slew");
  const std::string start = get(b.conf, "startdate", "now");
  if (start != "now") {
    parts.push_back("base=" + start);
  } else if (localtime) {
    parts.push_back("base=localtime");
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ",") + p;
  return out;
}

// Splits `args` as a shell would for simple words and quotes (Proxmox uses
// PVE::Tools::split_args, which is shellwords).
std::vector<std::string> split_args(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  bool have = false;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote) {
      if (c == quote) {
        quote = 0;
      } else if (c == '\\' && quote == '"' && i + 1 < text.size()) {
        cur += text[++i];
      } else {
        cur += c;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      have = true;
    } else if (c == '\\' && i + 1 < text.size()) {
      cur += text[++i];
      have = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (have) out.push_back(cur);
      cur.clear();
      have = false;
    } else {
      cur += c;
      have = true;
    }
  }
  if (quote) throw CmdlineError("args: unbalanced quote");
  if (have) out.push_back(cur);
  return out;
}

void add_viommu(Build& b) {
  if (b.machine.viommu == "intel") {
    std::string dev = "intel-iommu,intremap=on,caching-mode=on";
    if (!b.machine.aw_bits.empty()) dev += ",aw-bits=" + b.machine.aw_bits;
    b.devices.insert(b.devices.begin(), {"-device", dev});
    b.machine_flags_after.push_back("kernel-irqchip=split");
  } else if (b.machine.viommu == "virtio") {
    b.add(b.devices, "-device", "virtio-iommu-pci");
  }
}

// The PCI bridges the devices use, at the head of the device list (q35:
// after its chipset devices, which provide pci.0-pci.3 already).
void prepend_bridges(Build& b) {
  std::vector<std::string> head;
  if (b.machine.q35) {
    add_q35_chipset(b);  // fills b.devices' head itself
    if (b.bridges.count(4)) {
      head = {"-device", "pci-bridge,id=pci.4,chassis_nr=5,bus=pci.1,addr=0x1c"};
      // right after the chipset devices: find the end of that block
      auto it = std::find(b.devices.begin(), b.devices.end(), "pci-bridge,id=pci.1,chassis_nr=2,bus=pcidmi,addr=0x2");
      const auto pos = it == b.devices.end() ? b.devices.begin() : it + 1;
      b.devices.insert(pos, head.begin(), head.end());
    }
    if (b.bridges.count(3) && !b.machine.at_least(4, 0)) {
      throw CmdlineError("machine type '" + b.machine.qemu_type + "' (q35 < 4.0) has no PCI bridge pci.3 for virtio-scsi-single");
    }
    return;
  }
  std::set<int> need = b.bridges;
  need.insert(1);
  need.insert(2);
  for (int bus : need) {
    std::string dev;
    if (bus == 4) {
      dev = "pci-bridge,id=pci.4,chassis_nr=4,bus=pci.1,addr=0x1c";
    } else {
      dev = "pci-bridge,id=pci." + std::to_string(bus) + ",chassis_nr=" + std::to_string(bus) + b.pci("pci." + std::to_string(bus));
    }
    head.push_back("-device");
    head.push_back(dev);
  }
  b.devices.insert(b.devices.begin(), head.begin(), head.end());
}

}  // namespace
}  // namespace qmd::qemu::detail

namespace qmd::qemu {

using namespace detail;

std::vector<std::string> build_command_line(const config::ConfigFile& file, const CmdlineContext& ctx) {
  const config::Section* sec = &file.main;
  if (ctx.snapshot) {
    auto it = file.snapshots.find(*ctx.snapshot);
    if (it == file.snapshots.end()) throw CmdlineError("snapshot '" + *ctx.snapshot + "' does not exist");
    sec = &it->second;
  }
  const Section& s = *sec;
  if (ctx.host.qemu_version.empty()) {
    throw CmdlineError("QEMU (" + ctx.host.qemu_binary + ") is not installed on this host");
  }
  check_supported_keys(s, ctx.host);
  Build b(s, ctx);
  b.machine = resolve_machine(s, ctx.host, ctx.forcemachine);
  b.kvm = ctx.host.kvm && get_bool(s, "kvm", true);
  b.bootindex = boot_indices(s);

  if (auto aff = s.find("affinity"); aff != s.end()) {
    b.cmd = {"/usr/bin/taskset", "--cpu-list", "--all-tasks", aff->second};
  }
  b.cmd.push_back(ctx.host.qemu_binary);
  b.add(b.cmd, "-name", get(s, "name", "vm" + std::to_string(ctx.vmid)) + ",debug-threads=on");
  b.cmd.push_back("-no-shutdown");
  b.add(b.cmd, "-chardev", "socket,id=qmp,path=" + b.run_path(".qmp") + ",server=on,wait=off");
  b.add(b.cmd, "-mon", "chardev=qmp,mode=control");
  b.add(b.cmd, "-pidfile", b.run_path(".pid"));
  if (s.count("smbios1")) b.add(b.cmd, "-smbios", smbios_arg(s));
  add_ovmf(b);
  b.add(b.cmd, "-smp", smp_arg(b));
  b.cmd.push_back("-nodefaults");
  std::string boot = "menu=on,strict=on,reboot-timeout=1000";
  if (!ctx.host.bootsplash.empty()) boot += ",splash=" + ctx.host.bootsplash;
  b.add(b.cmd, "-boot", boot);
  if (!get_bool(s, "reboot", true)) b.cmd.push_back("-no-reboot");
  add_display(b);
  if (b.windows() && b.kvm) b.add(b.cmd, "-global", "kvm-pit.lost_tick_policy=discard");
  add_cpu(b);
  add_memory(b);
  if (get_bool(s, "freeze", false)) b.cmd.push_back("-S");
  if (s.count("keyboard")) b.add(b.cmd, "-k", s.at("keyboard"));
  const PropMap machine = props(s, "machine");
  const std::string lpc = b.machine.q35 ? "ICH9-LPC" : "PIIX4_PM";
  if (machine.count("enable-s3") && machine.at("enable-s3") == "0") b.add(b.cmd, "-global", lpc + ".disable_s3=1");
  if (machine.count("enable-s4") && machine.at("enable-s4") == "0") b.add(b.cmd, "-global", lpc + ".disable_s4=1");

  if (auto g = s.find("vmgenid"); g != s.end() && g->second != "0" && g->second != "1") {
    b.add(b.devices, "-device", "vmgenid,guid=" + g->second);
  }
  add_usb(b);
  add_serial(b);
  add_vga_and_spice(b);
  add_agent_rng_balloon(b);
  add_drives(b);
  add_nets(b);
  add_viommu(b);
  prepend_bridges(b);

  b.cmd.insert(b.cmd.end(), b.devices.begin(), b.devices.end());
  if (const std::string rtc = rtc_arg(b); !rtc.empty()) b.add(b.cmd, "-rtc", rtc);
  std::vector<std::string> flags = b.machine_flags;
  if (!get_bool(s, "acpi", true)) flags.push_back("acpi=off");
  flags.push_back(b.kvm ? "accel=kvm" : "accel=tcg");
  flags.push_back("type=" + b.machine.qemu_type);
  flags.insert(flags.end(), b.machine_flags_after.begin(), b.machine_flags_after.end());
  if (!get_bool(s, "allow-ksm", true)) flags.push_back("mem-merge=off");
  std::string mflags;
  for (const auto& f : flags) mflags += (mflags.empty() ? "" : ",") + f;
  b.add(b.cmd, "-machine", mflags);
  if (get_bool(s, "template", false)) b.cmd.push_back("-snapshot");
  if (auto a = s.find("args"); a != s.end()) {
    for (auto& w : split_args(a->second)) b.cmd.push_back(std::move(w));
  }
  return b.cmd;
}

}  // namespace qmd::qemu
