// Internals of the command-line builder, shared by its files and exposed for
// unit tests (tests/cmdline/). Not an API for other parts: use cmdline.h.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config/config_file.h"
#include "config/propstring.h"
#include "service/qemu/cmdline.h"

namespace qmd::qemu::detail {

using config::PropMap;
using config::Section;

// The value of `key` in `s`, or dflt when absent.
std::string get(const Section& s, const std::string& key, const std::string& dflt = "");
// A boolean key ("1"/"0" after the reader), or dflt when absent.
bool get_bool(const Section& s, const std::string& key, bool dflt);
// The property string of `key` parsed with its schema format; {} when absent.
// Throws CmdlineError "<key>: <parse error>" on an unparsable value.
PropMap props(const Section& s, const std::string& key);
// An integer value; throws CmdlineError naming the key when it is not one.
int64_t to_int(const std::string& key, const std::string& value);

// The machine the VM runs as, resolved against this QEMU (spec §10.1, machine
// versions): `+pveN` and `.pxe` suffixes stripped, unversioned types take the
// installed QEMU's version.
struct Machine {
  std::string qemu_type;  // the type QEMU gets: "pc", "q35", "pc-i440fx-6.2", ...
  bool q35 = false;
  int major = 0;
  int minor = 0;
  bool pxe = false;       // ".pxe" suffix: legacy PXE option ROMs on NICs
  std::string viommu;     // "", "intel", "virtio"
  std::string aw_bits;    // "" when unset
  bool at_least(int ma, int mi) const { return major > ma || (major == ma && minor >= mi); }
};
// Throws CmdlineError for a machine type this QEMU lacks (naming it and the
// installed version), an unparsable `machine`, and the spec's vIOMMU errors
// ("to use Intel vIOMMU please set the machine type to q35",
// "cannot set aw-bits if no vIOMMU is configured").
// forced: the machine type to use instead of the config's (a snapshot's runningmachine).
Machine resolve_machine(const Section& s, const HostCaps& host, const std::optional<std::string>& forced = std::nullopt);

// The PCI slot map (spec §10.4): bus number and slot of a device id.
struct PciSlot {
  int bus = 0;
  int addr = 0;
};
// nullopt for an id the map does not know.
std::optional<PciSlot> pci_slot(const std::string& id);
// ",bus=pci.<bus>,addr=0x<hex>" (q35: vga on pcie.0 addr 0x1).
// Throws CmdlineError "no PCI slot for device '<id>'" for unknown ids.
std::string pci_addr_text(const std::string& id, bool q35);

// Boot indices (spec §10.3): device key -> bootindex, for `boot: order=...`,
// the legacy letters (default "cdn", bootdisk for `c`) or an empty `boot:`
// (no indices).
std::map<std::string, int> boot_indices(const Section& s);

// Disk keys in the iteration order of cfg2cmd: ide0-3, scsi0-30, virtio0-15, sata0-5.
const std::vector<std::string>& bus_drive_keys();

// The state of one build: the two argument lists of spec §10.1 and what the
// generators share.
struct Build {
  Build(const Section& s, const CmdlineContext& c) : conf(s), ctx(c) {}

  const Section& conf;
  const CmdlineContext& ctx;
  Machine machine;
  bool kvm = false;                 // accel=kvm
  std::map<std::string, int> bootindex;
  std::vector<std::string> cmd;
  std::vector<std::string> devices;
  std::set<int> bridges;            // PCI bridges (bus numbers 1..4) the devices use
  std::vector<std::string> machine_flags;  // extra -machine flags before type=
  std::vector<std::string> machine_flags_after;  // after type=

  // ",bus=...,addr=..." of a device id; records the bridge it sits on.
  std::string pci(const std::string& id);
  // "<run_dir>/<vmid><suffix>", e.g. ".qmp".
  std::string run_path(const std::string& suffix) const;
  void add(std::vector<std::string>& list, const std::string& opt, const std::string& value) {
    list.push_back(opt);
    list.push_back(value);
  }
  std::string ostype() const { return get(conf, "ostype", "other"); }
  bool windows() const;
  std::string bootindex_suffix(const std::string& key) const;
};

// Drive helpers (cmdline_drives.cpp).
// The image format of a drive: its `format`, else the file extension
// (.qcow2/.vmdk/.raw), else raw.
std::string drive_image_format(const PropMap& drive);
// The host path of a drive's file through ctx.volume_path; its failure becomes
// CmdlineError "<key>: <reason>".
std::string drive_host_path(const Build& b, const std::string& key, const std::string& file);

// Generators, in the files named after them. Each appends to b.cmd / b.devices
// and throws CmdlineError for what this host lacks.
void check_supported_keys(const Section& s, const HostCaps& host);  // cmdline_support.cpp
void add_cpu(Build& b);                  // cmdline_cpu.cpp
void add_memory(Build& b);               // cmdline_cpu.cpp
void add_ovmf(Build& b);                 // cmdline_ovmf.cpp
void add_display(Build& b);              // cmdline_devices.cpp: -vnc / -nographic
void add_usb(Build& b);                  // cmdline_devices.cpp: controllers, tablet, usbN
void add_serial(Build& b);               // cmdline_devices.cpp
void add_vga_and_spice(Build& b);        // cmdline_devices.cpp
void add_agent_rng_balloon(Build& b);    // cmdline_devices.cpp
void add_drives(Build& b);               // cmdline_drives.cpp
void add_nets(Build& b);                 // cmdline_net.cpp
void add_q35_chipset(Build& b);          // cmdline_devices.cpp: what pve-q35*.cfg adds

}  // namespace qmd::qemu::detail
