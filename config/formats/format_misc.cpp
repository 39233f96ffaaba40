// Non-drive property-string formats of spec §4.
#include "config/formats/format_defs.h"
#include "config/formats/prop_builders.h"
#include "config/formats/validators.h"

namespace qmd::config::formats {
namespace {
using VT = ValueType;
const std::vector<std::string_view> kNicModels = {
    "e1000",  "e1000-82540em", "e1000-82544gc", "e1000-82545em", "e1000e",   "i82551", "i82557b",
    "i82559er", "ne2k_isa",    "ne2k_pci",      "pcnet",         "rtl8139", "virtio", "vmxnet3"};
}  // namespace

const Format& net() {
  static const Format f = [] {
    Format n{"pve-qm-net",
             {
                 {.name = "macaddr", .format = fmt::mac_addr},
                 {.name = "model", .optional = false, .default_key = true, .enums = kNicModels},
                 {.name = "bridge", .format = fmt::bridge_id},
                 {.name = "queues", .type = VT::Integer, .minimum = "0", .maximum = "64"},
                 {.name = "rate", .type = VT::Number, .minimum = "0"},
                 {.name = "tag", .type = VT::Integer, .minimum = "1", .maximum = "4094"},
                 {.name = "trunks", .pattern = fmt::pat_id_ranges},
                 boolp("firewall"),
                 boolp("link_down"),
                 {.name = "mtu", .type = VT::Integer, .minimum = "1", .maximum = "65520"},
                 boolp("host-tunnel"),
             }};
    for (auto m : kNicModels) n.props.push_back({.name = m, .alias = "macaddr", .key_alias = "model"});
    return n;
  }();
  return f;
}

const Format& ipconfig() {
  static const Format f{"pve-qm-ipconfig",
                        {
                            {.name = "ip", .format = fmt::ipv4_config, .default_value = "dhcp"},
                            {.name = "gw", .format = fmt::ipv4, .requires_key = "ip"},
                            {.name = "ip6", .format = fmt::ipv6_config, .default_value = "dhcp"},
                            {.name = "gw6", .format = fmt::ipv6, .requires_key = "ip6"},
                        }};
  return f;
}

const Format& cicustom() {
  static const Format f{"pve-qm-cicustom",
                        {
                            {.name = "meta", .format = fmt::volume_id},
                            {.name = "network", .format = fmt::volume_id},
                            {.name = "user", .format = fmt::volume_id},
                            {.name = "vendor", .format = fmt::volume_id},
                        }};
  return f;
}

const Format& boot() {
  static const Format f{"pve-qm-boot",
                        {
                            {.name = "legacy", .default_key = true, .pattern = fmt::pat_boot_legacy,
                             .default_value = "cdn"},
                            {.name = "order", .format = fmt::bootdev_list},
                        }};
  return f;
}

const Format& cpu() {
  static const Format f{"pve-vm-cpu-conf",
                        {
                            {.name = "cputype", .default_key = true, .pattern = fmt::pat_cpu_type,
                             .default_value = "kvm64"},
                            {.name = "flags", .pattern = fmt::pat_cpu_flags},
                            boolp("hidden", "0"),
                            {.name = "hv-vendor-id", .pattern = fmt::pat_alnum_1_12},
                            {.name = "phys-bits", .format = fmt::phys_bits},
                            {.name = "guest-phys-bits", .type = VT::Integer, .minimum = "32",
                             .maximum = "64"},
                            {.name = "reported-model", .pattern = fmt::pat_cpu_type},
                        }};
  return f;
}

const Format& machine() {
  static const Format f{"pve-qemu-machine-fmt",
                        {
                            {.name = "type", .default_key = true, .max_length = 40,
                             .pattern = fmt::pat_machine_type},
                            {.name = "viommu", .enums = {"intel", "virtio"}},
                            {.name = "aw-bits", .type = VT::Integer, .minimum = "32", .maximum = "64"},
                            boolp("enable-s3"),
                            boolp("enable-s4"),
                        }};
  return f;
}

const Format& memory() {
  static const Format f{"pve-qm-memory",
                        {{.name = "current", .type = VT::Integer, .default_key = true,
                          .minimum = "16", .default_value = "512"}}};
  return f;
}

const Format& numa() {
  static const Format f{"pve-qm-numanode",
                        {
                            {.name = "cpus", .optional = false, .pattern = fmt::pat_id_ranges},
                            {.name = "hostnodes", .pattern = fmt::pat_id_ranges},
                            {.name = "memory", .type = VT::Number},
                            {.name = "policy", .enums = {"preferred", "bind", "interleave"}},
                        }};
  return f;
}

const Format& agent() {
  static const Format f{"pve-qm-agent",
                        {
                            {.name = "enabled", .type = VT::Boolean, .optional = false,
                             .default_key = true, .default_value = "0"},
                            boolp("fstrim_cloned_disks", "0"),
                            boolp("freeze-fs", "1"),
                            {.name = "freeze-fs-on-backup", .alias = "freeze-fs"},
                            {.name = "guest-fsfreeze", .alias = "freeze-fs"},
                            {.name = "type", .enums = {"virtio", "isa"}, .default_value = "virtio"},
                        }};
  return f;
}

const Format& vga() {
  static const Format f{
      "pve-qm-vga",
      {
          {.name = "type", .default_key = true,
           .enums = {"cirrus", "qxl", "qxl2", "qxl3", "qxl4", "none", "serial0", "serial1", "serial2",
                     "serial3", "std", "virtio", "virtio-gl", "vmware"},
           .default_value = "std"},
          {.name = "memory", .type = VT::Integer, .minimum = "4", .maximum = "512"},
          {.name = "clipboard", .enums = {"vnc"}},
      }};
  return f;
}

const Format& smbios1() {
  static const Format f{"pve-qm-smbios1",
                        {
                            {.name = "uuid", .pattern = fmt::pat_uuid},
                            {.name = "version", .pattern = fmt::pat_base64},
                            {.name = "serial", .pattern = fmt::pat_base64},
                            {.name = "manufacturer", .pattern = fmt::pat_base64},
                            {.name = "product", .pattern = fmt::pat_base64},
                            {.name = "sku", .pattern = fmt::pat_base64},
                            {.name = "family", .pattern = fmt::pat_base64},
                            boolp("base64"),
                        }};
  return f;
}

const Format& usb() {
  static const Format f{"pve-qm-usb",
                        {
                            {.name = "host", .default_key = true, .format = fmt::usb_device},
                            {.name = "mapping", .format = fmt::config_id},
                            boolp("usb3", "0"),
                        }};
  return f;
}

const Format& hostpci() {
  static const Format f{"pve-qm-hostpci",
                        {
                            {.name = "host", .default_key = true, .pattern = fmt::pat_pci_host},
                            {.name = "mapping", .format = fmt::config_id},
                            boolp("pcie", "0"),
                            boolp("rombar", "1"),
                            {.name = "romfile", .pattern = fmt::pat_romfile},
                            boolp("x-vga", "0"),
                            boolp("legacy-igd", "0"),
                            {.name = "mdev", .pattern = fmt::pat_mdev},
                            {.name = "driver", .enums = {"vfio", "keep"}, .default_value = "vfio"},
                            {.name = "vendor-id", .pattern = fmt::pat_hex_id},
                            {.name = "device-id", .pattern = fmt::pat_hex_id},
                            {.name = "sub-vendor-id", .pattern = fmt::pat_hex_id},
                            {.name = "sub-device-id", .pattern = fmt::pat_hex_id},
                        }};
  return f;
}

const Format& watchdog() {
  static const Format f{
      "pve-qm-watchdog",
      {
          {.name = "model", .default_key = true, .enums = {"i6300esb", "ib700"},
           .default_value = "i6300esb"},
          {.name = "action", .enums = {"reset", "shutdown", "poweroff", "pause", "debug", "none"}},
      }};
  return f;
}

const Format& rng() {
  static const Format f{"pve-qm-rng",
                        {
                            {.name = "source", .optional = false, .default_key = true,
                             .enums = {"/dev/urandom", "/dev/random", "/dev/hwrng"}},
                            {.name = "max_bytes", .type = VT::Integer, .default_value = "1024"},
                            {.name = "period", .type = VT::Integer, .default_value = "1000"},
                        }};
  return f;
}

const Format& audio() {
  static const Format f{"pve-qm-audio",
                        {
                            {.name = "device", .optional = false,
                             .enums = {"ich9-intel-hda", "intel-hda", "AC97"}},
                            {.name = "driver", .enums = {"spice", "none"}, .default_value = "spice"},
                        }};
  return f;
}

const Format& ivshmem() {
  static const Format f{"pve-qm-ivshmem",
                        {
                            {.name = "size", .type = VT::Integer, .optional = false, .minimum = "1"},
                            {.name = "name", .pattern = fmt::pat_shm_name},
                        }};
  return f;
}

const Format& spice_enhancements() {
  static const Format f{"pve-qm-spice-enhancements",
                        {
                            boolp("foldersharing", "0"),
                            {.name = "videostreaming", .enums = {"off", "all", "filter"},
                             .default_value = "off"},
                        }};
  return f;
}

const Format& amd_sev() {
  static const Format f{"pve-qemu-sev-fmt",
                        {
                            {.name = "type", .optional = false, .default_key = true,
                             .enums = {"std", "es", "snp"}},
                            boolp("no-debug", "0"),
                            boolp("no-key-sharing", "0"),
                            boolp("kernel-hashes", "0"),
                            boolp("allow-smt", "1"),
                        }};
  return f;
}

const Format& intel_tdx() {
  static const Format f{"pve-qemu-tdx-fmt",
                        {
                            {.name = "type", .optional = false, .default_key = true,
                             .pattern = fmt::pat_cpu_type},
                            boolp("attestation", "1"),
                            {.name = "vsock-cid", .type = VT::Integer, .minimum = "2",
                             .default_value = "2"},
                            {.name = "vsock-port", .type = VT::Integer, .default_value = "4050"},
                        }};
  return f;
}

const Format& virtiofs() {
  static const Format f{"pve-qm-virtiofs",
                        {
                            {.name = "dirid", .optional = false, .default_key = true,
                             .format = fmt::config_id},
                            {.name = "cache", .enums = {"auto", "always", "metadata", "never"},
                             .default_value = "auto"},
                            boolp("direct-io", "0"),
                            boolp("expose-acl", "0"),
                            boolp("expose-xattr", "0"),
                            boolp("writeback", "0"),
                        }};
  return f;
}

const Format& meta() {
  static const Format f{"pve-qm-meta",
                        {
                            {.name = "creation-qemu", .pattern = fmt::pat_version},
                            {.name = "ctime", .pattern = fmt::pat_digits},
                        }};
  return f;
}

}  // namespace qmd::config::formats
