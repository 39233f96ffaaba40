// The PCI slot map of spec §10.4.
#include <cstdio>

#include "service/qemu/cmdline_parts.h"

namespace qmd::qemu::detail {

namespace {
struct Entry {
  const char* id;
  int bus;
  int addr;
};

// Fixed slots; the numbered families are added in slot_map().
constexpr Entry kFixed[] = {
    {"piix3", 0, 0x1}, {"ehci", 0, 0x1},     {"vga", 0, 0x2},      {"balloon0", 0, 0x3},
    {"watchdog", 0, 0x4}, {"scsihw0", 0, 0x5}, {"pci.3", 0, 0x5},  {"scsihw1", 0, 0x6},
    {"ahci0", 0, 0x7},    {"qga0", 0, 0x8},    {"spice", 0, 0x9},  {"hostpci0", 0, 0x10},
    {"hostpci1", 0, 0x11}, {"hostpci2", 0, 0x1b}, {"hostpci3", 0, 0x1c}, {"pci.1", 0, 0x1e},
    {"pci.2", 0, 0x1f},   {"xhci", 1, 0x1b},   {"pci.4", 1, 0x1c}, {"rng0", 1, 0x1d},
    {"pci.2-igd", 1, 0x1e}, {"ivshmem", 2, 0xb}, {"audio0", 2, 0xc},
    {"scsihw2", 4, 0x1},  {"scsihw3", 4, 0x2}, {"scsihw4", 4, 0x3},
};

std::map<std::string, PciSlot> build_map() {
  std::map<std::string, PciSlot> m;
  for (const auto& e : kFixed) m[e.id] = {e.bus, e.addr};
  for (int i = 0; i <= 5; ++i) m["virtio" + std::to_string(i)] = {0, 0xa + i};
  for (int i = 6; i <= 15; ++i) m["virtio" + std::to_string(i)] = {2, 0x1 + (i - 6)};
  for (int i = 0; i <= 5; ++i) m["net" + std::to_string(i)] = {0, 0x12 + i};
  for (int i = 6; i <= 31; ++i) m["net" + std::to_string(i)] = {1, 0x1 + (i - 6)};
  for (int i = 1; i <= 3; ++i) m["vga" + std::to_string(i)] = {0, 0x17 + i};
  for (int i = 4; i <= 15; ++i) m["hostpci" + std::to_string(i)] = {2, 0xd + (i - 4)};
  for (int i = 0; i <= 30; ++i) m["virtioscsi" + std::to_string(i)] = {3, 0x1 + i};
  return m;
}
}  // namespace

std::optional<PciSlot> pci_slot(const std::string& id) {
  static const std::map<std::string, PciSlot> map = build_map();
  auto it = map.find(id);
  if (it == map.end()) return std::nullopt;
  return it->second;
}

std::string pci_addr_text(const std::string& id, bool q35) {
  if (q35 && id == "vga") return ",bus=pcie.0,addr=0x1";
  auto slot = pci_slot(id);
  if (!slot) throw CmdlineError("no PCI slot for device '" + id + "'");
  char buf[64];
  std::snprintf(buf, sizeof buf, ",bus=pci.%d,addr=0x%x", slot->bus, slot->addr);
  return buf;
}

std::string Build::pci(const std::string& id) {
  auto slot = pci_slot(id);
  if (slot && slot->bus > 0 && !(machine.q35 && id == "vga")) {
    bridges.insert(slot->bus);
    if (slot->bus == 4) bridges.insert(1);  // pci.4 sits in pci.1
  }
  return pci_addr_text(id, machine.q35);
}

}  // namespace qmd::qemu::detail
