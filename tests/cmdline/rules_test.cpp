// Pure rules of the builder: PCI slot map (spec §10.4), boot indices (§10.3),
// machine resolution.
#include <catch2/catch.hpp>

#include "config/reader.h"
#include "service/qemu/cmdline_parts.h"

using namespace qmd::qemu;
using namespace qmd::qemu::detail;

namespace {
qmd::config::Section conf_of(const std::string& text) {
  return qmd::config::parse_config(text, 8006, true).conf.main;
}
HostCaps host72() {
  HostCaps h;
  h.qemu_version = "7.2.22";
  h.machine_types = {"pc", "q35", "pc-i440fx-7.2", "pc-q35-7.2", "pc-i440fx-6.2", "pc-q35-4.1"};
  return h;
}
}  // namespace

TEST_CASE("PCI slot map: root bus, bridges, q35 vga") {
  CHECK(pci_addr_text("vga", false) == ",bus=pci.0,addr=0x2");
  CHECK(pci_addr_text("vga", true) == ",bus=pcie.0,addr=0x1");
  CHECK(pci_addr_text("balloon0", false) == ",bus=pci.0,addr=0x3");
  CHECK(pci_addr_text("scsihw0", false) == ",bus=pci.0,addr=0x5");
  CHECK(pci_addr_text("ahci0", false) == ",bus=pci.0,addr=0x7");
  CHECK(pci_addr_text("virtio0", false) == ",bus=pci.0,addr=0xa");
  CHECK(pci_addr_text("virtio5", false) == ",bus=pci.0,addr=0xf");
  CHECK(pci_addr_text("virtio6", false) == ",bus=pci.2,addr=0x1");
  CHECK(pci_addr_text("virtio15", false) == ",bus=pci.2,addr=0xa");
  CHECK(pci_addr_text("net0", false) == ",bus=pci.0,addr=0x12");
  CHECK(pci_addr_text("net5", false) == ",bus=pci.0,addr=0x17");
  CHECK(pci_addr_text("net6", false) == ",bus=pci.1,addr=0x1");
  CHECK(pci_addr_text("net31", false) == ",bus=pci.1,addr=0x1a");
  CHECK(pci_addr_text("virtioscsi0", false) == ",bus=pci.3,addr=0x1");
  CHECK(pci_addr_text("virtioscsi16", false) == ",bus=pci.3,addr=0x11");
  CHECK(pci_addr_text("scsihw2", false) == ",bus=pci.4,addr=0x1");
  CHECK(pci_addr_text("rng0", false) == ",bus=pci.1,addr=0x1d");
  CHECK(pci_addr_text("xhci", false) == ",bus=pci.1,addr=0x1b");
  CHECK(pci_addr_text("vga1", false) == ",bus=pci.0,addr=0x18");
  CHECK_THROWS_WITH(pci_addr_text("net32", false), "no PCI slot for device 'net32'");
}

TEST_CASE("boot indices: order= numbers the listed devices from 100") {
  const auto idx = boot_indices(conf_of("boot: order=virtio1;net0;scsi4;ide2\nbootdisk: virtio1\n"));
  CHECK(idx == std::map<std::string, int>{{"virtio1", 100}, {"net0", 101}, {"scsi4", 102}, {"ide2", 103}});
}

TEST_CASE("boot indices: absent boot is legacy cdn with bootdisk") {
  const auto idx = boot_indices(conf_of(
      "bootdisk: scsi0\nide2: none,media=cdrom\nide0: local:iso/a.iso,media=cdrom\nscsi0: local:1/vm-1-disk-0.raw\n"
      "net0: virtio=BC:24:11:00:00:01\nnet1: e1000=BC:24:11:00:00:02\n"));
  CHECK(idx == std::map<std::string, int>{{"scsi0", 100}, {"ide0", 200}, {"ide2", 201}, {"net0", 300}, {"net1", 301}});
}

TEST_CASE("boot indices: legacy letters count every disk before the bootdisk") {
  const auto idx = boot_indices(conf_of(
      "boot: ndca\nbootdisk: virtio1\nide2: none,media=cdrom\nscsi4: local:1/vm-1-disk-0.raw\n"
      "virtio0: local:1/vm-1-disk-1.raw\nvirtio1: local:1/vm-1-disk-2.raw\nnet0: virtio=BC:24:11:00:00:01\n"));
  CHECK(idx == std::map<std::string, int>{{"net0", 100}, {"ide2", 200}, {"virtio1", 302}});
}

TEST_CASE("boot indices: an empty boot gives none") {
  CHECK(boot_indices(conf_of("boot: \nide2: none,media=cdrom\nnet0: virtio=BC:24:11:00:00:01\n")).empty());
}

TEST_CASE("machine: +pveN and .pxe are stripped, unversioned types take the QEMU version") {
  Machine m = resolve_machine(conf_of("machine: pc-q35-4.1+pve2.pxe\n"), host72());
  CHECK(m.qemu_type == "pc-q35-4.1");
  CHECK(m.q35);
  CHECK(m.pxe);
  CHECK((m.major == 4 && m.minor == 1));
  m = resolve_machine(conf_of("ostype: l26\n"), host72());
  CHECK(m.qemu_type == "pc");
  CHECK_FALSE(m.q35);
  CHECK((m.major == 7 && m.minor == 2));
  CHECK(resolve_machine(conf_of("machine: q35+pve0\n"), host72()).qemu_type == "q35");
}

TEST_CASE("machine: types this QEMU lacks and vIOMMU rules are refused") {
  CHECK_THROWS_WITH(resolve_machine(conf_of("machine: pc-q35-42.9+pve0\n"), host72()),
                    "machine type 'pc-q35-42.9+pve0' is not available in the installed QEMU 7.2.22 (too old for it)");
  CHECK_THROWS_WITH(resolve_machine(conf_of("machine: pc-i440fx-2.0\n"), host72()),
                    "machine type 'pc-i440fx-2.0' is not available in the installed QEMU 7.2.22");
  CHECK_THROWS_WITH(resolve_machine(conf_of("machine: pc,viommu=intel\n"), host72()),
                    "to use Intel vIOMMU please set the machine type to q35");
  CHECK_THROWS_WITH(resolve_machine(conf_of("machine: q35,aw-bits=39\n"), host72()),
                    "cannot set aw-bits if no vIOMMU is configured");
}
