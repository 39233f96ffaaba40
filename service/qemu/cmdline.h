// The QEMU command line of a VM (spec §10), built for the QEMU installed on
// this host (not for Proxmox's pve-qemu): `qm showcmd` prints it and the
// runtime starts QEMU with it.
//
// What differs from Proxmox's cfg2cmd, and why:
//  * machine types are this QEMU's (`+pveN` is stripped; a versioned type this
//    QEMU lacks is refused), so drives use the `-drive` syntax of machines
//    < 10.0 (QEMU 7.2 has no pve blockdev defaults);
//  * sockets, pidfile, VNC, serial and agent sockets live in ctx.run_dir; no
//    `-daemonize` (qmd supervises QEMU itself), no qmeventd socket, no `-id`
//    (QEMU 7.2 does not know it);
//  * `accel=kvm` only where KVM really works, else `accel=tcg` with a
//    TCG-compatible CPU;
//  * q35's `-readconfig pve-q35*.cfg` is emitted as the equivalent `-device`s
//    (the file is Proxmox's and not installed here);
//  * a NIC whose bridge does not exist on this host (or without the Proxmox
//    bridge scripts) uses user-mode networking (`type=user`);
//  * SPICE listens on a unix socket in run_dir instead of a TLS port.
// Anything this host (or qmd) cannot provide is refused with CmdlineError —
// never a half command line.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/config_file.h"

namespace qmd::qemu {

// A config this host cannot run; the message names what is missing, e.g.
// "PCI device '0000:00:ff.1' (hostpci0) is not present on this host".
class CmdlineError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What this host offers QEMU.
struct HostCaps {
  std::string qemu_binary = "/usr/bin/qemu-system-x86_64";
  std::string qemu_version;            // "7.2.22" (from `<binary> --version`)
  std::string arch = "x86_64";         // host architecture (uname -m)
  bool kvm = false;                    // KVM usable: vmx/svm in /proc/cpuinfo and /dev/kvm opens
                                       // (QMD_ACCEL=kvm|tcg overrides)
  bool vhost_net = false;              // /dev/vhost-net exists (only used with KVM)
  std::set<std::string> machine_types; // `-machine help`: "pc", "pc-i440fx-7.2", "q35", ...
  std::set<std::string> cpu_models;    // `-cpu help`: "kvm64", "qemu64", "host", "Icelake-Server", ...
  std::map<std::string, std::string> ovmf_files;  // file name -> path, e.g. "OVMF_CODE_4M.fd" ->
                                                  // "/usr/share/OVMF/OVMF_CODE_4M.fd" (absent: no OVMF)
  std::set<std::string> bridges;       // network bridges present (/sys/class/net/*/bridge)
  std::string bridge_script;           // Proxmox's pve-bridge, "" when not installed
  std::string bridgedown_script;       // Proxmox's pve-bridgedown, "" when not installed
  std::string bootsplash;              // Proxmox's bootsplash.jpg, "" when not installed
  bool spice = false;                  // QEMU was built with SPICE
  bool swtpm = false;                  // swtpm is installed
  std::set<uint64_t> hugepage_sizes_kb;  // hugepage sizes with pages reserved (nr_hugepages > 0)

  // "major.minor" of qemu_version as two ints; {0,0} when unparsable.
  std::pair<int, int> version() const;
};

// Probes this host once per process and caches the answer (thread-safe).
// Never throws: what cannot be probed is reported as absent.
const HostCaps& detect_host_caps();

struct CmdlineContext {
  int64_t vmid = 0;
  std::string run_dir;  // where QMP/VNC/serial/agent sockets, the pidfile and OVMF vars copies go
  // Host path of a volume id or absolute path (a drive's `file`). Throws (any
  // std::exception) when the volume cannot be used here; the message is passed
  // on inside a CmdlineError naming the drive.
  std::function<std::string(const std::string& volid)> volume_path;
  HostCaps host;
  std::optional<std::string> snapshot;  // build from this snapshot section instead of the main one
  bool for_start = false;  // true: side effects needed to start are done (OVMF vars copy created)
  // Resuming a saved state (rollback to a snapshot with vmstate): the machine
  // type (runningmachine, `+pveN` allowed) and the -cpu argument (runningcpu)
  // it was saved from, instead of the config's.
  std::optional<std::string> forcemachine;
  std::optional<std::string> forcecpu;
};

// The argv (binary first) for `conf` (its main section, or ctx.snapshot's).
// Throws CmdlineError naming what this host lacks (a PCI/USB host device, an
// unsupported storage type, OVMF, a machine type not in this QEMU, aarch64 on
// x86_64, ...) or what in the config is invalid (spec messages, e.g.
// "to use Intel vIOMMU please set the machine type to q35").
std::vector<std::string> build_command_line(const config::ConfigFile& conf, const CmdlineContext& ctx);

// One argument quoted for a shell as Proxmox does (spec §10): unchanged when
// made only of [A-Za-z0-9_!%+,\-./:@^] (and not empty), else in single quotes
// with `'` written as `'\''`; "" becomes `''`.
std::string shell_quote(const std::string& arg);

// The arguments quoted and joined by spaces; with `pretty`, every " -" becomes
// " \" + newline + two spaces + "-" (the --pretty output of qm showcmd).
std::string format_command_line(const std::vector<std::string>& argv, bool pretty);

}  // namespace qmd::qemu
