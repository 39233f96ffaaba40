// Named string formats of the Proxmox schema (JSONSchema register_format).
//
// Each check returns an empty string when the value is valid, otherwise the
// exact Proxmox error text (without trailing newline). Patterns return bool:
// a failing pattern always reports "value does not match the regex pattern".
// All functions are pure and total (any byte string is accepted as input).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace qmd::config::fmt {

// PVE::Tools::split_list: splits on runs of whitespace, ',', ';' and NUL.
std::vector<std::string> split_list(std::string_view text);

std::string volume_id(std::string_view v);                 // <storage>:<name>
std::string volume_id_or_qm_path(std::string_view v);      // + none, cdrom, /abs
std::string volume_id_or_absolute_path(std::string_view v);
std::string volume_id_list(std::string_view v);
std::string storage_id(std::string_view v);
std::string dns_name(std::string_view v);
std::string mac_addr(std::string_view v);
std::string bridge_id(std::string_view v);
std::string urlencoded(std::string_view v);
std::string disk_size(std::string_view v);
std::string ipv4(std::string_view v);
std::string ipv6(std::string_view v);
std::string ipv4_config(std::string_view v);
std::string ipv6_config(std::string_view v);
std::string address_list(std::string_view v);
std::string tag_list(std::string_view v);
std::string startup_order(std::string_view v);
std::string hotplug_features(std::string_view v);
std::string cpuset(std::string_view v);
std::string config_id(std::string_view v);
std::string snapshot_name(std::string_view v);
std::string bootdisk(std::string_view v);
std::string bootdev_list(std::string_view v);
std::string usb_device(std::string_view v);
std::string phys_bits(std::string_view v);

bool is_ipv4(std::string_view v);
bool is_ipv6(std::string_view v);

// Patterns (anchored, as JSONSchema applies them: ^(?:pattern)$).
bool pat_uuid(std::string_view v);
bool pat_vmgenid(std::string_view v);
bool pat_startdate(std::string_view v);
bool pat_serial_port(std::string_view v);
bool pat_parallel_port(std::string_view v);
bool pat_bootdisk(std::string_view v);
bool pat_id_ranges(std::string_view v);   // \d+(-\d+)?(;\d+(-\d+)?)*
bool pat_boot_legacy(std::string_view v); // [acdn]{1,4}
bool pat_base64(std::string_view v);      // [A-Za-z0-9+/]+={0,2}
bool pat_wwn(std::string_view v);         // 0x + 16 hex (prefix match, as upstream)
bool pat_vendor8(std::string_view v);     // [A-Za-z0-9\-_\s]{0,8}
bool pat_product16(std::string_view v);   // [A-Za-z0-9\-_\s]{0,16}
bool pat_hex_id(std::string_view v);      // 0x + 4 hex
bool pat_pci_host(std::string_view v);
bool pat_alnum_1_12(std::string_view v);
bool pat_cpu_type(std::string_view v);
bool pat_cpu_flags(std::string_view v);
bool pat_machine_type(std::string_view v);
bool pat_shm_name(std::string_view v);
bool pat_version(std::string_view v);     // \d+(\.\d+)+ (and a trailing +pveN allowed)
bool pat_digits(std::string_view v);
bool pat_qemu_cpu_cmdline(std::string_view v);
bool pat_mdev(std::string_view v);
bool pat_romfile(std::string_view v);

}  // namespace qmd::config::fmt
