// UEFI firmware (bios: ovmf): the OVMF code image and the VM's vars store as
// pflash drives (spec §10.1 item 7, machine < 10.0 form).
#include <filesystem>

#include "config/config_error.h"
#include "config/formats/drive.h"
#include "service/qemu/cmdline_parts.h"

namespace qmd::qemu::detail {

namespace fs = std::filesystem;

namespace {
const std::string& ovmf_file(const HostCaps& host, const std::string& name) {
  auto it = host.ovmf_files.find(name);
  if (it == host.ovmf_files.end()) {
    throw CmdlineError("OVMF image '" + name + "' is not installed on this host (Debian package ovmf)");
  }
  return it->second;
}
}  // namespace

void add_ovmf(Build& b) {
  if (get(b.conf, "bios", "seabios") != "ovmf") return;
  PropMap efi;
  if (auto e = b.conf.find("efidisk0"); e != b.conf.end()) {
    try {
      efi = config::parse_drive("efidisk0", e->second);
    } catch (const config::ConfigError& err) {
      throw CmdlineError(std::string("efidisk0: ") + err.what());
    }
  }
  const bool is4m = efi.count("efitype") && efi.at("efitype") == "4m";
  const bool keys = efi.count("pre-enrolled-keys") && efi.at("pre-enrolled-keys") == "1";
  // Secure boot firmware needs SMM, which Proxmox only uses on q35.
  const std::string code = is4m ? (keys && b.machine.q35 ? "OVMF_CODE_4M.secboot.fd" : "OVMF_CODE_4M.fd") : "OVMF_CODE.fd";
  const std::string vars = is4m ? (keys ? "OVMF_VARS_4M.ms.fd" : "OVMF_VARS_4M.fd") : (keys ? "OVMF_VARS.ms.fd" : "OVMF_VARS.fd");
  b.add(b.cmd, "-drive", "if=pflash,unit=0,format=raw,readonly=on,file=" + ovmf_file(b.ctx.host, code));
  if (efi.count("file")) {
    const std::string path = drive_host_path(b, "efidisk0", efi.at("file"));
    b.add(b.cmd, "-drive", "if=pflash,unit=1,id=drive-efidisk0,format=" + drive_image_format(efi) + ",file=" + path);
    return;
  }
  // No efidisk: a per-VM copy of the vars template, as Proxmox's
  // /run/qemu-server/efidisk/<vmid>-ovmf.fd.
  const std::string& tmpl = ovmf_file(b.ctx.host, vars);
  const std::string copy = b.run_path("-ovmf.fd");
  if (b.ctx.for_start && !fs::exists(copy)) {
    std::error_code ec;
    fs::create_directories(b.ctx.run_dir, ec);
    if (!fs::copy_file(tmpl, copy, ec)) {
      throw CmdlineError("cannot copy OVMF vars '" + tmpl + "' to '" + copy + "': " + ec.message());
    }
  }
  b.add(b.cmd, "-drive", "if=pflash,unit=1,id=drive-efidisk0,format=raw,file=" + copy);
}

}  // namespace qmd::qemu::detail
