// Which config keys the builder understands, and the refusals of what this
// host (or qmd) cannot provide, checked before anything is built so that a
// refusal never depends on the order of generation.
#include <filesystem>
#include <algorithm>
#include <regex>

#include "config/schema.h"
#include "service/qemu/cmdline_parts.h"

namespace qmd::qemu::detail {

namespace fs = std::filesystem;

namespace {

// Keys that change nothing on the command line or are read by a generator.
bool is_known_key(const std::string& key) {
  static const std::set<std::string> plain = {
      "name", "description", "tags", "ostype", "arch", "machine", "bios", "smbios1", "vmgenid", "acpi",
      "kvm", "tablet", "keyboard", "localtime", "startdate", "tdf", "freeze", "reboot", "args",
      "hookscript", "protection", "template", "lock", "onboot", "startup", "autostart", "migrate_speed",
      "migrate_downtime", "vmstatestorage", "meta", "hotplug", "affinity", "allow-ksm", "watchdog",
      "rng0", "spice_enhancements", "vga", "agent", "sockets", "cores", "vcpus", "smp", "cpu",
      "cpulimit", "cpuunits", "numa", "memory", "balloon", "shares", "hugepages", "keephugepages",
      "scsihw", "bootdisk", "boot", "parent", "snaptime", "runningmachine", "runningcpu",
      "running-nets-host-mtu", "digest", "efidisk0",
      // cloud-init settings: read by the seed generator (config/cloudinit/)
      "citype", "ciuser", "cipassword", "ciupgrade", "cicustom", "searchdomain", "nameserver", "sshkeys"};
  if (plain.count(key)) return true;
  static const std::regex indexed("(serial|usb|unused|net|ipconfig|ide|sata|scsi|virtio)[0-9]+");
  return std::regex_match(key, indexed) && config::find_option(key) != nullptr;
}

std::string pci_host_id(const std::string& host) {
  // "00:ff.1" -> "0000:00:ff.1"; "f0:43" (all functions) -> "0000:f0:43.0"
  std::string id = host;
  if (std::count(id.begin(), id.end(), ':') == 1) id = "0000:" + id;
  if (id.find('.') == std::string::npos) id += ".0";
  return id;
}

void refuse_hostpci(const std::string& key, const PropMap& p) {
  if (auto m = p.find("mapping"); m != p.end()) {
    throw CmdlineError("PCI mapping '" + m->second + "' (" + key + ") is not defined on this host");
  }
  const std::string host = p.count("host") ? p.at("host") : "";
  std::string first = host.substr(0, host.find(';'));
  const std::string id = pci_host_id(first);
  if (!fs::exists("/sys/bus/pci/devices/" + id)) {
    throw CmdlineError("PCI device '" + id + "' (" + key + ") is not present on this host");
  }
  throw CmdlineError("PCI passthrough (" + key + ") is not supported by qmd (no vfio set-up)");
}

}  // namespace

void check_supported_keys(const Section& s, const HostCaps& host) {
  const std::string arch = get(s, "arch", host.arch);
  if (arch != "x86_64") {
    throw CmdlineError("arch '" + arch + "' needs qemu-system-" + arch + ", which qmd does not run on this " +
                       host.arch + " host");
  }
  if (host.arch != "x86_64") throw CmdlineError("qmd runs x86_64 guests only; this host is " + host.arch);
  for (const auto& [key, value] : s) {
    if (key.rfind("hostpci", 0) == 0) refuse_hostpci(key, props(s, key));
    if (key == "tpmstate0") {
      throw CmdlineError(host.swtpm ? "a TPM (tpmstate0) needs an swtpm instance, which qmd does not start yet"
                                    : "a TPM (tpmstate0) needs swtpm, which is not installed on this host");
    }
    if (key == "amd-sev") {
      throw CmdlineError(fs::exists("/sys/module/kvm_amd/parameters/sev") && host.kvm
                             ? "AMD SEV (amd-sev) is not supported by qmd"
                             : "AMD SEV (amd-sev) is not available on this host (no kvm_amd with SEV)");
    }
    if (key == "intel-tdx") throw CmdlineError("Intel TDX (intel-tdx) is not available on this host");
    if (key.rfind("virtiofs", 0) == 0) {
      throw CmdlineError("virtiofs (" + key + ") needs virtiofsd and directory mappings, which qmd does not provide");
    }
    if (key.rfind("numa", 0) == 0 && key != "numa") {
      throw CmdlineError("an explicit NUMA topology (" + key + ") is not supported by qmd");
    }
    if (key.rfind("parallel", 0) == 0) {
      if (!fs::exists(value)) throw CmdlineError("parallel port '" + value + "' (" + key + ") does not exist on this host");
      throw CmdlineError("parallel port passthrough (" + key + ") is not supported by qmd");
    }
    if (key == "audio0") throw CmdlineError("audio devices (audio0) are not supported by qmd");
    if (key == "ivshmem") throw CmdlineError("inter-VM shared memory (ivshmem) is not supported by qmd");
    if (key == "vmstate") {
      throw CmdlineError("resuming a saved VM state (vmstate) needs Proxmox's QEMU (-loadstate), not QEMU " +
                         host.qemu_version);
    }
    if (!is_known_key(key)) throw CmdlineError("option '" + key + "' is not supported by qmd's QEMU command line");
  }
  if (auto hp = s.find("hugepages"); hp != s.end()) {
    const uint64_t kb = hp->second == "1024" ? 1048576 : 2048;
    const bool any = hp->second == "any" && !host.hugepage_sizes_kb.empty();
    if (!any && !host.hugepage_sizes_kb.count(kb)) {
      throw CmdlineError("hugepages of " + (kb == 2048 ? std::string("2 MiB") : std::string("1 GiB")) +
                         " (hugepages: " + hp->second + ") are not reserved on this host");
    }
    throw CmdlineError("hugepages (hugepages: " + hp->second + ") are not supported by qmd");
  }
  if (s.count("hotplug")) {
    const std::string hot = s.at("hotplug");
    if (hot.find("memory") != std::string::npos) {
      throw CmdlineError("memory hotplug (hotplug: " + hot + ") is not supported by qmd");
    }
  }
}

}  // namespace qmd::qemu::detail
