// The non-disk, non-NIC devices of spec §10.2: q35 chipset, USB, serial
// ports, display (VGA/VNC/SPICE), guest agent, RNG, balloon, watchdog.
#include <filesystem>
#include <fstream>

#include "service/qemu/cmdline_parts.h"

namespace qmd::qemu::detail {

namespace fs = std::filesystem;

namespace {

std::string vga_type(const Build& b) {
  const PropMap vga = props(b.conf, "vga");
  return vga.count("type") ? vga.at("type") : "std";
}
bool is_serial_display(const std::string& t) { return t.rfind("serial", 0) == 0; }
bool is_qxl(const std::string& t) { return t.rfind("qxl", 0) == 0; }

bool uses_spice_usb(const Section& s) {
  for (int i = 0; i < 14; ++i) {
    const std::string key = "usb" + std::to_string(i);
    if (!s.count(key)) continue;
    const PropMap u = props(s, key);
    if (u.count("host") && u.at("host") == "spice") return true;
  }
  return false;
}

std::string read_line(const fs::path& p) {
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  return line;
}

// A USB host device "vendor:product" (hex) or "bus-port" present in sysfs.
bool usb_host_present(const std::string& host) {
  std::error_code ec;
  const auto colon = host.find(':');
  if (colon == std::string::npos) return fs::exists("/sys/bus/usb/devices/" + host);
  std::string vendor = host.substr(0, colon), product = host.substr(colon + 1);
  for (auto* s : {&vendor, &product}) {
    if (s->rfind("0x", 0) == 0) *s = s->substr(2);
  }
  for (const auto& e : fs::directory_iterator("/sys/bus/usb/devices", ec)) {
    if (read_line(e.path() / "idVendor") == vendor && read_line(e.path() / "idProduct") == product) return true;
  }
  return false;
}

void require_spice(const Build& b, const std::string& what) {
  if (!b.ctx.host.spice) throw CmdlineError(what + " needs SPICE, which the installed QEMU lacks");
}

}  // namespace

void add_q35_chipset(Build& b) {
  const bool v4 = b.machine.at_least(4, 0);
  std::vector<std::string> d = {
      "ich9-usb-ehci1,id=ehci,multifunction=on,bus=pcie.0,addr=0x1d.0x7",
      "ich9-usb-uhci1,id=uhci-1,multifunction=on,bus=pcie.0,addr=0x1d.0x0,masterbus=ehci.0,firstport=0",
      "ich9-usb-uhci2,id=uhci-2,multifunction=on,bus=pcie.0,addr=0x1d.0x1,masterbus=ehci.0,firstport=2",
      "ich9-usb-uhci3,id=uhci-3,multifunction=on,bus=pcie.0,addr=0x1d.0x2,masterbus=ehci.0,firstport=4",
      "ich9-usb-ehci2,id=ehci-2,multifunction=on,bus=pcie.0,addr=0x1a.0x7",
      "ich9-usb-uhci4,id=uhci-4,multifunction=on,bus=pcie.0,addr=0x1a.0x0,masterbus=ehci-2.0,firstport=0",
      "ich9-usb-uhci5,id=uhci-5,multifunction=on,bus=pcie.0,addr=0x1a.0x1,masterbus=ehci-2.0,firstport=2",
      "ich9-usb-uhci6,id=uhci-6,multifunction=on,bus=pcie.0,addr=0x1a.0x2,masterbus=ehci-2.0,firstport=4",
      "ich9-intel-hda,id=audio0,bus=pcie.0,addr=0x1b.0x0",
  };
  for (int p = 1; p <= 4; ++p) {
    const std::string n = std::to_string(p);
    d.push_back(std::string(v4 ? "pcie-root-port,x-speed=16,x-width=32" : "ioh3420") + ",id=ich9-pcie-port-" + n +
                ",multifunction=on,bus=pcie.0,addr=0x1c.0x" + std::to_string(p - 1) + ",port=" + n + ",chassis=" + n);
  }
  d.push_back("i82801b11-bridge,id=pcidmi,bus=pcie.0,addr=0x1e.0x0");
  for (int i = 0; i <= (v4 ? 3 : 2); ++i) {
    d.push_back("pci-bridge,id=pci." + std::to_string(i) + ",chassis_nr=" + std::to_string(i + 1) +
                ",bus=pcidmi,addr=0x" + std::to_string(i + 1));
  }
  std::vector<std::string> head;
  for (auto& dev : d) {
    head.push_back("-device");
    head.push_back(dev);
  }
  // after a prepended intel-iommu, which must come before every PCI device
  auto pos = b.devices.begin();
  if (b.devices.size() >= 2 && b.devices[1].rfind("intel-iommu", 0) == 0) pos += 2;
  b.devices.insert(pos, head.begin(), head.end());
}

void add_display(Build& b) {
  const std::string t = vga_type(b);
  if (t == "virtio-gl") throw CmdlineError("vga 'virtio-gl' needs an OpenGL display (egl-headless), which qmd does not set up");
  if (is_serial_display(t) || t == "none") {
    if (t == "none") b.add(b.cmd, "-vga", "none");
    b.cmd.push_back("-nographic");
    return;
  }
  b.add(b.cmd, "-vnc", "unix:" + b.run_path(".vnc") + ",password=on");
}

void add_usb(Build& b) {
  const std::string vga = vga_type(b);
  bool xhci = false, spice = false;
  for (int i = 0; i < 14; ++i) {
    const std::string key = "usb" + std::to_string(i);
    if (!b.conf.count(key)) continue;
    const PropMap u = props(b.conf, key);
    if (u.count("usb3") && u.at("usb3") == "1") xhci = true;
    if (i > 4) {
      const std::string os = b.ostype();
      const bool modern = os == "l26" || os == "win8" || os == "win10" || os == "win11";
      if (!b.machine.at_least(7, 1) || !modern) {
        throw CmdlineError("using " + key + " is only possible with machine type >= 7.1 and ostype l26 or windows > 7");
      }
      xhci = true;
    }
  }
  if (!b.machine.q35) b.add(b.devices, "-device", "piix3-usb-uhci,id=uhci" + b.pci("piix3") + ".0x2");
  if (xhci) {
    b.add(b.devices, "-device", std::string(b.machine.at_least(7, 1) ? "qemu-xhci" : "nec-usb-xhci") + ",id=xhci" + b.pci("xhci"));
  }
  const bool tablet_default = !(is_qxl(vga) || is_serial_display(vga) || vga == "none");
  if (get_bool(b.conf, "tablet", tablet_default)) {
    b.add(b.devices, "-device", std::string("usb-tablet,id=tablet,bus=") + (b.machine.q35 ? "ehci.0" : "uhci.0") + ",port=1");
  }
  for (int i = 0; i < 14; ++i) {
    const std::string key = "usb" + std::to_string(i);
    if (!b.conf.count(key)) continue;
    const PropMap u = props(b.conf, key);
    const bool u3 = xhci && ((u.count("usb3") && u.at("usb3") == "1") || i > 4);
    const std::string bus = u3 ? "xhci.0" : (b.machine.q35 ? "ehci.0" : "uhci.0");
    if (auto m = u.find("mapping"); m != u.end()) {
      throw CmdlineError("USB mapping '" + m->second + "' (" + key + ") is not defined on this host");
    }
    const std::string host = u.count("host") ? u.at("host") : "";
    const std::string n = std::to_string(i);
    if (host == "spice") {
      spice = true;
      require_spice(b, "USB redirection (" + key + ")");
      b.add(b.devices, "-chardev", "spicevmc,id=usbredirchardev" + n + ",name=usbredir");
      b.add(b.devices, "-device", "usb-redir,chardev=usbredirchardev" + n + ",id=usbredirdev" + n + ",bus=" + bus);
      continue;
    }
    if (!usb_host_present(host)) throw CmdlineError("USB device '" + host + "' (" + key + ") is not present on this host");
    std::string dev = "usb-host";
    if (auto c = host.find(':'); c != std::string::npos) {
      dev += ",vendorid=0x" + host.substr(0, c) + ",productid=0x" + host.substr(c + 1);
    } else {
      const auto dash = host.find('-');
      dev += ",hostbus=" + host.substr(0, dash) + ",hostport=" + host.substr(dash + 1);
    }
    b.add(b.devices, "-device", dev + ",id=" + key + ",bus=" + bus);
  }
  (void)spice;
}

void add_serial(Build& b) {
  for (int i = 0; i < 4; ++i) {
    const std::string key = "serial" + std::to_string(i);
    auto it = b.conf.find(key);
    if (it == b.conf.end()) continue;
    if (it->second == "socket") {
      b.add(b.devices, "-chardev", "socket,id=" + key + ",path=" + b.run_path("." + key) + ",server=on,wait=off");
    } else {
      if (!fs::exists(it->second)) throw CmdlineError("serial device '" + it->second + "' (" + key + ") does not exist on this host");
      b.add(b.devices, "-chardev", "serial,id=" + key + ",path=" + it->second);
    }
    b.add(b.devices, "-device", "isa-serial,chardev=" + key);
  }
}

void add_vga_and_spice(Build& b) {
  const PropMap vga = props(b.conf, "vga");
  const std::string t = vga.count("type") ? vga.at("type") : "std";
  const std::string mem = vga.count("memory") ? vga.at("memory") : "";
  if (!is_serial_display(t) && t != "none") {
    std::string dev;
    if (t == "std") {
      dev = "VGA,id=vga" + (mem.empty() ? "" : ",vgamem_mb=" + mem);
    } else if (t == "cirrus") {
      dev = "cirrus-vga,id=vga" + (mem.empty() ? "" : ",vgamem_mb=" + mem);
    } else if (t == "vmware") {
      dev = "vmware-svga,id=vga" + (mem.empty() ? "" : ",vgamem_mb=" + mem);
    } else if (t == "virtio") {
      dev = "virtio-vga,id=vga" + (mem.empty() ? "" : ",max_hostmem=" + std::to_string(to_int("vga.memory", mem) * 1048576));
    } else if (is_qxl(t)) {
      dev = "qxl-vga,id=vga";
      if (b.ostype() == "l26" && b.machine.at_least(4, 1)) dev += ",max_outputs=4";
      if (!mem.empty()) {
        const int64_t bytes = to_int("vga.memory", mem) * 1048576;
        dev += ",ram_size=" + std::to_string(bytes) + ",vram_size=" + std::to_string(bytes / 2);
      }
    } else {
      throw CmdlineError("unknown vga type '" + t + "'");
    }
    b.add(b.devices, "-device", dev + b.pci("vga"));
    if (is_qxl(t) && t.size() > 3) {
      const int heads = static_cast<int>(to_int("vga", t.substr(3)));
      for (int i = 1; i < heads; ++i) {
        const std::string id = "vga" + std::to_string(i);
        b.add(b.devices, "-device", "qxl,id=" + id + ",ram_size=67108864,vram_size=33554432" + b.pci(id));
      }
    }
  }
  const bool spice = is_qxl(t) || uses_spice_usb(b.conf);
  const bool vnc_clipboard = vga.count("clipboard") && vga.at("clipboard") == "vnc";
  if (spice) require_spice(b, "a SPICE display (vga: " + t + ")");
  if (!spice && !vnc_clipboard) return;
  b.add(b.devices, "-device", "virtio-serial,id=spice" + b.pci("spice"));
  b.add(b.devices, "-chardev", vnc_clipboard ? "qemu-vdagent,id=vdagent,name=vdagent,clipboard=on" : "spicevmc,id=vdagent,name=vdagent");
  b.add(b.devices, "-device", "virtserialport,chardev=vdagent,name=com.redhat.spice.0");
  if (!spice) return;
  const PropMap enh = props(b.conf, "spice_enhancements");
  if (enh.count("foldersharing") && enh.at("foldersharing") == "1") {
    b.add(b.devices, "-chardev", "spiceport,id=foldershare,name=org.spice-space.webdav.0");
    b.add(b.devices, "-device", "virtserialport,chardev=foldershare,name=org.spice-space.webdav.0");
  }
  // A unix socket in run_dir, as VNC: Proxmox's TLS port needs its cluster certificates.
  std::string opts = "unix=on,addr=" + b.run_path(".spice") + ",disable-ticketing=on,seamless-migration=on";
  if (auto v = enh.find("videostreaming"); v != enh.end() && v->second != "off") opts += ",streaming-video=" + v->second;
  b.add(b.devices, "-spice", opts);
}

void add_agent_rng_balloon(Build& b) {
  const PropMap agent = props(b.conf, "agent");
  if (agent.count("enabled") && agent.at("enabled") == "1") {
    b.add(b.devices, "-chardev", "socket,path=" + b.run_path(".qga") + ",server=on,wait=off,id=qga0");
    if (agent.count("type") && agent.at("type") == "isa") {
      b.add(b.devices, "-device", "isa-serial,chardev=qga0");
    } else {
      b.add(b.devices, "-device", "virtio-serial,id=qga0" + b.pci("qga0"));
      b.add(b.devices, "-device", "virtserialport,chardev=qga0,name=org.qemu.guest_agent.0");
    }
  }
  if (b.conf.count("rng0")) {
    const PropMap rng = props(b.conf, "rng0");
    const std::string src = rng.count("source") ? rng.at("source") : "/dev/urandom";
    if (!fs::exists(src)) throw CmdlineError("entropy source '" + src + "' (rng0) does not exist on this host");
    b.add(b.devices, "-object", "rng-random,filename=" + src + ",id=rng0");
    const std::string max_bytes = rng.count("max_bytes") ? rng.at("max_bytes") : "1024";
    const std::string period = rng.count("period") ? rng.at("period") : "1000";
    std::string dev = "virtio-rng-pci,rng=rng0";
    if (max_bytes != "0") dev += ",max-bytes=" + max_bytes + ",period=" + period;
    b.add(b.devices, "-device", dev + b.pci("rng0"));
  }
  if (get(b.conf, "balloon", "") != "0") {
    std::string dev = "virtio-balloon-pci,id=balloon0" + b.pci("balloon0");
    if (b.machine.at_least(6, 2)) dev += ",free-page-reporting=on";
    b.add(b.devices, "-device", dev);
  }
  if (b.conf.count("watchdog")) {
    const PropMap w = props(b.conf, "watchdog");
    const std::string model = w.count("model") ? w.at("model") : "i6300esb";
    b.add(b.devices, "-device", model == "ib700" ? std::string("ib700") : model + b.pci("watchdog"));
    if (w.count("action")) b.add(b.devices, "-watchdog-action", w.at("action"));
  }
}

}  // namespace qmd::qemu::detail
